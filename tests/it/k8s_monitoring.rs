//! The monitoring objects of the Kubernetes target, held to the compose
//! bundle they stand for: every rule group is a `PrometheusRule` with the
//! same groups and the same promtool tests, every scrape job of a service
//! that runs in the cluster is a `ServiceMonitor` naming a port its Service
//! has, every dashboard is a sidecar `ConfigMap` with the same JSON, and the
//! Alertmanager routing is an `AlertmanagerConfig` reading its secrets from
//! the stack's Secret.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use stackgen::Options;
use stackgen::config::Targets;
use stackgen::load::LoadOptions;
use stackgen::render::Bundle;

use crate::support::{bundle_text, stem, toml_files};

/// Every repository stack rendered for both targets.
fn rendered_stacks() -> Vec<(String, Bundle)> {
    let mut stacks = toml_files("stacks");
    stacks.extend(toml_files("examples"));
    stacks
        .iter()
        .map(|path| (stem(path), render_all(path)))
        .collect()
}

fn render_all(path: &Path) -> Bundle {
    let options = Options::with_load(LoadOptions {
        targets: Some(Targets::ALL),
        ..LoadOptions::default()
    });
    stackgen::run(path, &options)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .bundle
}

fn render_text(text: &str) -> (Bundle, Vec<stackgen::Diagnostic>) {
    let mut loaded = stackgen::load::load_str("stack.toml", text).expect("the stack loads");
    loaded.targets = Targets::ALL;
    let output = stackgen::run(&loaded, &Options::default()).expect("the stack renders");
    (output.bundle, output.warnings)
}

/// The objects of a manifest file.
fn objects(bundle: &Bundle, path: &str) -> Vec<Value> {
    serde_saphyr::from_multiple(&bundle_text(bundle, path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(bundle: &Bundle, path: &str) -> Value {
    serde_saphyr::from_str(&bundle_text(bundle, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn paths<'a>(bundle: &'a Bundle, prefix: &'a str, suffix: &'a str) -> Vec<&'a str> {
    bundle
        .files
        .keys()
        .map(String::as_str)
        .filter(|path| path.starts_with(prefix) && path.ends_with(suffix))
        .collect()
}

/// The `ClusterIP` Services of the bundle, by name, with their port names.
fn service_ports(bundle: &Bundle) -> BTreeMap<String, Vec<String>> {
    let mut services = BTreeMap::new();
    for path in paths(bundle, "k8s/", ".yaml") {
        for object in objects(bundle, path) {
            if object["kind"] == "Service" {
                let ports = object["spec"]["ports"]
                    .as_array()
                    .map(|ports| {
                        ports
                            .iter()
                            .filter_map(|p| p["name"].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                let name = object["metadata"]["name"].as_str().expect("a name");
                services.insert(name.to_owned(), ports);
            }
        }
    }
    services
}

#[test]
fn every_rule_group_is_a_prometheus_rule_with_the_same_rules_and_tests() {
    for (stack, bundle) in rendered_stacks() {
        let compose = paths(&bundle, "prometheus/rules/", ".yml");
        let kubernetes = paths(&bundle, "k8s/monitoring/rules/", ".yaml");
        assert_eq!(
            compose.len(),
            kubernetes.len(),
            "{stack}: one object per group"
        );
        for path in compose {
            let group = path
                .trim_start_matches("prometheus/rules/")
                .trim_end_matches(".yml");
            let manifest = format!("k8s/monitoring/rules/{group}.yaml");
            let rule = yaml(&bundle, &manifest);
            assert_eq!(rule["kind"], "PrometheusRule", "{stack}: {manifest}");
            assert_eq!(rule["metadata"]["name"], group, "{stack}: {manifest}");
            assert_eq!(
                rule["metadata"]["labels"]["release"], "kube-prometheus-stack",
                "{stack}: {manifest}: selected by a plain kube-prometheus-stack"
            );
            assert_eq!(
                rule["spec"]["groups"],
                yaml(&bundle, path)["groups"],
                "{stack}: {group}: the same groups as the rules file"
            );
        }
        for path in paths(&bundle, "prometheus/tests/", ".test.yml") {
            let k8s_path = path.replace("prometheus/tests/", "k8s/monitoring/tests/");
            let mut compose = yaml(&bundle, path);
            let mut k8s = yaml(&bundle, &k8s_path);
            let rule_files = |test: &mut Value| test["rule_files"].take();
            let expected: Vec<Value> = rule_files(&mut compose)
                .as_array()
                .expect("rule files")
                .iter()
                .map(|file| {
                    let group = file
                        .as_str()
                        .expect("a path")
                        .trim_start_matches("../rules/")
                        .trim_end_matches(".yml");
                    json!(format!("../rules/{group}.yaml"))
                })
                .collect();
            assert_eq!(rule_files(&mut k8s), json!(expected), "{stack}: {k8s_path}");
            assert_eq!(compose, k8s, "{stack}: {k8s_path}: the same tests");
        }
    }
}

#[test]
fn every_scraped_service_in_the_cluster_has_a_service_monitor_on_a_named_port() {
    for (stack, bundle) in rendered_stacks() {
        if !bundle.files.contains_key("prometheus/prometheus.yml") {
            continue;
        }
        let services = service_ports(&bundle);
        let jobs: Vec<String> = yaml(&bundle, "prometheus/prometheus.yml")["scrape_configs"]
            .as_array()
            .expect("scrape configs")
            .iter()
            .map(|job| job["job_name"].as_str().expect("a job name").to_owned())
            .collect();
        let monitors = if bundle
            .files
            .contains_key("k8s/monitoring/servicemonitors.yaml")
        {
            objects(&bundle, "k8s/monitoring/servicemonitors.yaml")
        } else {
            Vec::new()
        };
        for monitor in &monitors {
            let name = monitor["metadata"]["name"].as_str().expect("a name");
            assert!(
                jobs.iter().any(|job| job == name),
                "{stack}: {name} is a scrape job"
            );
            let endpoint = &monitor["spec"]["endpoints"][0];
            let port = endpoint["port"].as_str().expect("a port name");
            assert!(
                services
                    .get(name)
                    .is_some_and(|ports| ports.iter().any(|p| p == port)),
                "{stack}: {name}: the Service has the port {port}"
            );
            let labels: Vec<&str> = endpoint["relabelings"]
                .as_array()
                .expect("relabelings")
                .iter()
                .filter_map(|r| r["targetLabel"].as_str())
                .collect();
            assert_eq!(labels, ["service", "team"], "{stack}: {name}");
            assert_eq!(
                monitor["metadata"]["labels"]["release"], "kube-prometheus-stack",
                "{stack}: {name}"
            );
        }
        // Every job of a service that runs in the cluster has its monitor.
        for job in &jobs {
            if services.contains_key(job) {
                assert!(
                    monitors
                        .iter()
                        .any(|m| m["metadata"]["name"] == job.as_str()),
                    "{stack}: the job {job} has a ServiceMonitor"
                );
            }
        }
    }
}

#[test]
fn dashboards_are_sidecar_config_maps_with_the_same_json() {
    for (stack, bundle) in rendered_stacks() {
        let compose = paths(&bundle, "grafana/dashboards/", ".json");
        if compose.is_empty() {
            assert!(!bundle.files.contains_key("k8s/monitoring/dashboards.yaml"));
            continue;
        }
        let maps = objects(&bundle, "k8s/monitoring/dashboards.yaml");
        assert_eq!(
            maps.len(),
            compose.len(),
            "{stack}: one ConfigMap per dashboard"
        );
        for map in &maps {
            assert_eq!(
                map["metadata"]["labels"]["grafana_dashboard"], "1",
                "{stack}"
            );
            let data = map["data"].as_object().expect("data");
            assert_eq!(data.len(), 1, "{stack}: one dashboard a ConfigMap");
            let (key, json) = data.iter().next().expect("one key");
            // Keyed by the dashboard's file name in the compose bundle.
            let path = format!("grafana/dashboards/{key}");
            let path = path.as_str();
            assert!(compose.contains(&path), "{stack}: {path}");
            let json: Value = serde_json::from_str(json.as_str().expect("text")).expect("JSON");
            let file: Value =
                serde_json::from_str(&bundle_text(&bundle, path)).expect("the dashboard parses");
            assert_eq!(json, file, "{stack}: {path}");
        }
    }
}

#[test]
fn the_datasource_uid_is_configurable() {
    let (bundle, _) = render_text(
        "[stack]\nname = \"shop\"\n[services.api]\nimage = \"api:1\"\nexpose = [8000]\nmetrics = { path = \"/metrics\" }\n[prometheus]\n[grafana]\nadmin-password = \"${GRAFANA_PASSWORD}\"\n[kubernetes]\ngrafana-datasource-uid = \"kps-prom\"\n",
    );
    let text = bundle_text(&bundle, "k8s/monitoring/dashboards.yaml");
    let mut uids = Vec::new();
    for map in objects(&bundle, "k8s/monitoring/dashboards.yaml") {
        for json in map["data"].as_object().expect("data").values() {
            collect_datasource_uids(
                &serde_json::from_str(json.as_str().expect("text")).expect("JSON"),
                &mut uids,
            );
        }
    }
    assert!(!uids.is_empty(), "{text}");
    assert!(
        uids.iter()
            .all(|uid| uid == "kps-prom" || uid == "-- Grafana --"),
        "{uids:?}"
    );
    // The compose bundle keeps its own provisioned uid.
    let mut compose = Vec::new();
    for path in paths(&bundle, "grafana/dashboards/", ".json") {
        collect_datasource_uids(
            &serde_json::from_str(&bundle_text(&bundle, path)).expect("JSON"),
            &mut compose,
        );
    }
    assert!(
        compose
            .iter()
            .all(|uid| uid == "prometheus" || uid == "-- Grafana --")
    );
}

fn collect_datasource_uids(value: &Value, uids: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(uid) = map.get("datasource").and_then(|d| d["uid"].as_str()) {
                uids.push(uid.to_owned());
            }
            for value in map.values() {
                collect_datasource_uids(value, uids);
            }
        }
        Value::Array(items) => {
            for value in items {
                collect_datasource_uids(value, uids);
            }
        }
        _ => {}
    }
}

#[test]
fn prometheus_alertmanager_and_grafana_are_not_workloads() {
    for (stack, bundle) in rendered_stacks() {
        let services = service_ports(&bundle);
        for generated in ["prometheus", "alertmanager", "grafana"] {
            assert!(!services.contains_key(generated), "{stack}: {generated}");
        }
    }
}

#[test]
fn alertmanager_routing_reads_its_secrets_from_the_stack_secret() {
    let bundle = render_all(Path::new("stacks/ecommerce.toml"));
    let config = &objects(&bundle, "k8s/monitoring/alertmanager-config.yaml")[0];
    assert_eq!(config["apiVersion"], "monitoring.coreos.com/v1alpha1");
    assert_eq!(config["kind"], "AlertmanagerConfig");
    let receiver = &config["spec"]["receivers"][0];
    assert_eq!(
        receiver["slackConfigs"][0]["apiURL"],
        json!({ "name": "ecommerce-secrets", "key": "SLACK_WEBHOOK_URL" })
    );
    assert_eq!(
        receiver["emailConfigs"][0]["authPassword"],
        json!({ "name": "ecommerce-secrets", "key": "SMTP_PASSWORD" })
    );
    let compose = yaml(&bundle, "alertmanager/alertmanager.yml");
    assert_eq!(
        config["spec"]["route"]["receiver"],
        compose["route"]["receiver"]
    );
    assert_eq!(
        config["spec"]["route"]["groupBy"],
        compose["route"]["group_by"]
    );
    // The Secret's keys, which the user fills in, are the receivers' too.
    let keys = bundle_text(&bundle, "k8s/secrets.env.example");
    assert!(keys.contains("\nSLACK_WEBHOOK_URL=\n"), "{keys}");
    assert!(keys.contains("\nSMTP_PASSWORD=\n"), "{keys}");
}

/// The `AlertmanagerConfig` routes each of the plan's routing cases (the
/// ones amtool checks against `alertmanager.yml`) to the same receivers, in
/// the same order, walked the way Alertmanager walks a route tree: under the
/// route the operator adds for the object's namespace, the first matching
/// child (and the ones after it while `continue` holds), else the route's
/// own receiver.
#[test]
fn alertmanager_config_routes_every_routing_case_to_its_receivers() {
    let mut stacks = toml_files("stacks");
    stacks.extend(toml_files("examples"));
    let mut checked = 0;
    for path in &stacks {
        let options = Options::with_load(LoadOptions {
            targets: Some(Targets::ALL),
            ..LoadOptions::default()
        });
        let output = stackgen::run(path.as_path(), &options)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let Some(routing) = &output.plan.alertmanager else {
            continue;
        };
        let config = &objects(&output.bundle, "k8s/monitoring/alertmanager-config.yaml")[0];
        let namespace = config["metadata"]["namespace"]
            .as_str()
            .expect("a namespace");
        let root = &config["spec"]["route"];
        for case in &routing.route_tests {
            let mut labels = case.labels.clone();
            labels.push(("namespace".to_owned(), namespace.to_owned()));
            assert_eq!(
                receivers(root, &labels),
                case.receivers,
                "{}: {} ({:?})",
                path.display(),
                case.comment,
                case.labels
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} cases");
}

/// The receivers an alert with `labels` reaches below `route`.
fn receivers(route: &Value, labels: &[(String, String)]) -> Vec<String> {
    let mut reached = Vec::new();
    for child in route["routes"].as_array().into_iter().flatten() {
        if !route_matches(child, labels) {
            continue;
        }
        reached.extend(receivers(child, labels));
        if !child["continue"].as_bool().unwrap_or(false) {
            break;
        }
    }
    if reached.is_empty() {
        reached.push(
            route["receiver"]
                .as_str()
                .expect("a route's receiver")
                .to_owned(),
        );
    }
    reached
}

/// Whether every matcher of an `AlertmanagerConfig` route holds, read with
/// Alertmanager's own matcher semantics (regexes anchored).
fn route_matches(route: &Value, labels: &[(String, String)]) -> bool {
    route["matchers"].as_array().into_iter().flatten().all(|m| {
        let text = format!(
            "{}{}{}",
            m["name"].as_str().expect("a matcher's name"),
            m["matchType"].as_str().unwrap_or("="),
            stackgen::syntax::quote(m["value"].as_str().unwrap_or(""))
        );
        stackgen::syntax::parse_matcher(&text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .matches(labels)
    })
}

/// Every `Probe` asks the blackbox exporter the bundle deploys for a module
/// its configuration (the `ConfigMap` its pod mounts) defines.
#[test]
fn probes_use_modules_the_deployed_blackbox_exporter_defines() {
    let mut checked = 0;
    for (stack, bundle) in rendered_stacks() {
        let Some(text) = bundle.files.get("k8s/monitoring/probes.yaml") else {
            continue;
        };
        let probes: Vec<Value> = serde_saphyr::from_multiple(&String::from_utf8_lossy(text))
            .unwrap_or_else(|e| panic!("{stack}: {e}"));
        let deployed = objects(&bundle, "k8s/services/blackbox-exporter.yaml");
        let modules = blackbox_modules(&deployed);
        for probe in &probes {
            let module = probe["spec"]["module"].as_str().expect("a module");
            assert!(
                modules.iter().any(|m| m == module),
                "{stack}: Probe {} uses {module}, the blackbox exporter has {modules:?}",
                probe["metadata"]["name"]
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no Probe checked");
}

/// The modules of the configuration the blackbox exporter's container reads
/// (`--config.file`), from the `ConfigMap` mounted there.
fn blackbox_modules(objects: &[Value]) -> Vec<String> {
    let deployment = objects
        .iter()
        .find(|o| o["kind"] == "Deployment")
        .expect("the blackbox exporter's Deployment");
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let file = container["args"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|a| a.as_str()?.strip_prefix("--config.file="))
        .expect("--config.file");
    let mount = container["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["mountPath"] == file)
        .unwrap_or_else(|| panic!("nothing is mounted at {file}"));
    let volume = pod["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume");
    let config_map = objects
        .iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == volume["configMap"]["name"])
        .expect("the mounted ConfigMap");
    let key = mount["subPath"].as_str().expect("a subPath");
    let config: Value =
        serde_saphyr::from_str(config_map["data"][key].as_str().expect("the configuration"))
            .expect("the configuration is YAML");
    config["modules"]
        .as_object()
        .expect("modules")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn alertmanager_config_carries_every_route_matcher_and_inhibit_rule() {
    let bundle = render_all(Path::new("examples/alerting.toml"));
    let compose = yaml(&bundle, "alertmanager/alertmanager.yml");
    let config = &objects(&bundle, "k8s/monitoring/alertmanager-config.yaml")[0]["spec"];
    let routes = compose["route"]["routes"].as_array().expect("routes");
    let k8s_routes = config["route"]["routes"].as_array().expect("routes");
    assert_eq!(routes.len(), k8s_routes.len());
    for (route, k8s) in routes.iter().zip(k8s_routes) {
        assert_eq!(route["receiver"], k8s["receiver"]);
        assert_eq!(
            route["continue"].as_bool().unwrap_or(false),
            k8s["continue"].as_bool().unwrap_or(false)
        );
        let matchers: Vec<String> = k8s["matchers"]
            .as_array()
            .expect("matchers")
            .iter()
            .map(|m| {
                format!(
                    "{}{}{}",
                    m["name"].as_str().expect("name"),
                    m["matchType"].as_str().expect("type"),
                    serde_json::to_string(&m["value"]).expect("value")
                )
            })
            .collect();
        assert_eq!(route["matchers"], json!(matchers));
    }
    assert_eq!(
        compose["inhibit_rules"].as_array().map(Vec::len),
        config["inhibitRules"].as_array().map(Vec::len)
    );
}

#[test]
fn the_loss_report_says_alertmanager_config_matches_its_own_namespace() {
    let (_, warnings) = render_text(
        "[stack]\nname = \"shop\"\n[services.api]\nimage = \"api:1\"\nexpose = [8000]\n[prometheus]\n[alertmanager]\ndefault-receiver = \"team\"\n[alertmanager.receivers.team]\nwebhook = [{ url = \"http://hooks.example.com/a\" }]\n[kubernetes]\nnamespace = \"shop-prod\"\n",
    );
    let loss = warnings
        .iter()
        .find(|d| d.to_string().contains("AlertmanagerConfig"))
        .expect("a warning about the AlertmanagerConfig");
    assert!(
        loss.to_string().contains("namespace=\"shop-prod\""),
        "{loss}"
    );
}
