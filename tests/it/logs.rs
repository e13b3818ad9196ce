//! `[logs]`: what Loki and Alloy get, checked against what their releases
//! document (no Loki or Alloy binary is installable offline): every key of
//! `loki/loki.yml` is one the configuration reference of Loki 2.9 and 3.x
//! lists (`tests/loki-config/`), every block and argument of
//! `alloy/config.alloy` one Alloy 1.x documents (`tests/alloy-config/`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;
use stackgen::render::format::parse_own_yaml;

use crate::support::{AlloyBlock, alloy_blocks, bundle_text, root, toml_files};

/// A stack with every `[logs]` setting and a service of each kind of log setting.
const FULL: &str = r#"
[stack]
name = "shop"
[services.api]
image = "api:1"
kind = "app"
replicas = 2
expose = [8000]
metrics = { path = "/metrics" }
logs = { labels = { tier = "web" } }
[services.batch]
image = "batch:1"
logs = false
[prometheus]
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
[logs]
loki = { version = "2.9.17", retention = "30d", port = 3101, bind = "127.0.0.1" }
alloy = { version = "1.0.0" }
host-logs = ["/var/log/syslog", "/var/log/nginx/*.log"]
"#;

/// Every stack and example with `[logs]`, rendered, and [`FULL`].
fn bundles() -> Vec<(String, stackgen::render::Bundle)> {
    let mut out = vec![(
        "FULL".to_owned(),
        stackgen::run(
            stackgen::Source::text("full.toml", FULL),
            &stackgen::Options::default(),
        )
        .expect("the full stack renders")
        .bundle,
    )];
    for dir in ["stacks", "examples"] {
        for path in toml_files(dir) {
            let rendered = stackgen::run(&path, &stackgen::Options::default()).expect("renders");
            if rendered.bundle.files.contains_key("loki/loki.yml") {
                out.push((path.display().to_string(), rendered.bundle));
            }
        }
    }
    out
}

#[test]
fn loki_keys_are_ones_every_supported_release_documents() {
    let listed = std::fs::read_to_string(root().join("tests/loki-config/keys.txt"))
        .expect("tests/loki-config/keys.txt");
    let accepted: BTreeSet<&str> = listed.lines().collect();
    assert!(accepted.contains("compactor.delete_request_store"));
    for (name, bundle) in bundles() {
        let config = parse_own_yaml(&bundle_text(&bundle, "loki/loki.yml")).expect("YAML");
        let mut written = Vec::new();
        key_paths(&config, "", &mut written);
        assert!(written.len() > 30, "{name}: {written:?}");
        let unknown: Vec<&String> = written
            .iter()
            .filter(|key| !accepted.contains(key.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "{name}: keys Loki 2.9 or 3.x does not document: {unknown:?}"
        );
    }
}

/// Every key path of `value`: `a.b`, and `a[].b` inside lists.
fn key_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                key_paths(inner, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                if item.is_object() {
                    let list = format!("{prefix}[]");
                    if let Value::Object(map) = item {
                        for (key, inner) in map {
                            let path = format!("{list}.{key}");
                            out.push(path.clone());
                            key_paths(inner, &path, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

#[derive(Deserialize)]
struct Arguments {
    blocks: BTreeMap<String, Listed>,
}

#[derive(Deserialize)]
struct Listed {
    arguments: Vec<String>,
}

#[test]
fn alloy_blocks_and_arguments_are_ones_alloy_1_documents() {
    let text = std::fs::read_to_string(root().join("tests/alloy-config/arguments.toml"))
        .expect("tests/alloy-config/arguments.toml");
    let listed: Arguments = toml::from_str(&text).expect("the list parses");
    for (name, bundle) in bundles() {
        let blocks = alloy_blocks(&bundle_text(&bundle, "alloy/config.alloy"))
            .unwrap_or_else(|e| panic!("{name}: config.alloy does not read: {e}"));
        for block in &blocks {
            let Some(allowed) = listed.blocks.get(&block.path) else {
                panic!("{name}: block {} is not documented", block.path);
            };
            for (argument, _) in &block.attributes {
                assert!(
                    allowed.arguments.contains(argument),
                    "{name}: {} has no argument {argument}",
                    block.path
                );
            }
        }
    }
}

fn attribute<'a>(block: &'a AlloyBlock, name: &str) -> &'a [String] {
    block
        .attributes
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[][..], |(_, strings)| strings.as_slice())
}

#[test]
fn alloy_labels_services_teams_and_leaves_out_the_opted_out() {
    let bundle = stackgen::run(
        stackgen::Source::text("full.toml", FULL),
        &stackgen::Options::default(),
    )
    .expect("renders")
    .bundle;
    let blocks = alloy_blocks(&bundle_text(&bundle, "alloy/config.alloy")).expect("reads");
    let rules: Vec<(&[String], &[String], &[String])> = blocks
        .iter()
        .filter(|b| b.path == "discovery.relabel > rule")
        .map(|b| {
            (
                attribute(b, "regex"),
                attribute(b, "target_label"),
                attribute(b, "replacement"),
            )
        })
        .collect();
    let label = |target: &str, regex: &str| {
        rules
            .iter()
            .find(|(r, t, _)| {
                t.first().map(String::as_str) == Some(target)
                    && r.first().map(String::as_str) == Some(regex)
            })
            .and_then(|(_, _, replacement)| replacement.first().cloned())
    };
    // One rule names the collected compose services, replicas included:
    // each replica's container carries its service's name.
    let service: Vec<&(&[String], &[String], &[String])> = rules
        .iter()
        .filter(|(_, t, _)| t.first().map(String::as_str) == Some("service"))
        .collect();
    assert_eq!(service.len(), 1, "{rules:?}");
    let (regex, _, replacement) = service[0];
    let names = regex[0]
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .expect("one group");
    assert_eq!(names.split('|').next(), Some("api"), "{regex:?}");
    assert!(
        replacement.is_empty(),
        "the match is the label: {replacement:?}"
    );
    assert_eq!(label("team", "api").as_deref(), Some("backend"));
    assert_eq!(label("tier", "api").as_deref(), Some("web"));
    assert!(
        rules
            .iter()
            .all(|(r, _, _)| !r.iter().any(|r| r.contains("batch"))),
        "batch opted out: {rules:?}"
    );
    let docker = blocks
        .iter()
        .find(|b| b.path == "discovery.docker")
        .expect("discovery.docker");
    assert_eq!(
        attribute(docker, "host"),
        ["unix:///host/var/run/docker.sock"]
    );
    let files = blocks
        .iter()
        .find(|b| b.path == "local.file_match")
        .expect("host files");
    assert_eq!(
        attribute(files, "path_targets"),
        [
            "/var/log/syslog",
            "host",
            "shop",
            "/var/log/nginx/*.log",
            "host",
            "shop"
        ]
    );
}

#[test]
fn data_aggregator_ships_loki_alloy_and_a_loki_datasource_and_no_promtail() {
    let bundle = stackgen::run(
        &root().join("stacks/data-aggregator.toml"),
        &stackgen::Options::default(),
    )
    .expect("renders")
    .bundle;
    assert!(bundle.files.contains_key("loki/loki.yml"));
    assert!(bundle.files.contains_key("alloy/config.alloy"));
    let compose = parse_own_yaml(&bundle_text(&bundle, "docker-compose.yml")).expect("YAML");
    let services = compose["services"].as_object().expect("services");
    assert!(services.contains_key("loki") && services.contains_key("alloy"));
    for (name, service) in services {
        let image = service["image"].as_str().unwrap_or_default();
        assert!(
            !name.contains("promtail") && !image.contains("promtail"),
            "{name} runs {image}"
        );
    }
    let datasources = parse_own_yaml(&bundle_text(
        &bundle,
        "grafana/provisioning/datasources/datasources.yml",
    ))
    .expect("YAML");
    let loki = datasources["datasources"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["type"] == "loki")
        .expect("a Loki datasource");
    assert_eq!(loki["uid"], "loki");
    assert_eq!(loki["url"], "http://loki:3100");
}

#[test]
fn loki_mounts_its_file_keeps_data_in_a_volume_and_reports_ready() {
    let bundle = stackgen::run(
        stackgen::Source::text("full.toml", FULL),
        &stackgen::Options::default(),
    )
    .expect("renders")
    .bundle;
    let compose = parse_own_yaml(&bundle_text(&bundle, "docker-compose.yml")).expect("YAML");
    let loki = &compose["services"]["loki"];
    assert_eq!(loki["image"], "grafana/loki:2.9.17");
    assert_eq!(loki["ports"][0]["published"], "3101");
    assert_eq!(loki["ports"][0]["host_ip"], "127.0.0.1");
    assert_eq!(loki["volumes"][0]["source"], "./loki/loki.yml");
    assert_eq!(loki["volumes"][1]["source"], "loki-data");
    let test: Vec<&str> = loki["healthcheck"]["test"]
        .as_array()
        .expect("test")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(test.last(), Some(&"http://localhost:3100/ready"));
    let alloy = &compose["services"]["alloy"];
    assert_eq!(alloy["image"], "grafana/alloy:v1.0.0");
    assert_eq!(alloy["depends_on"]["loki"]["condition"], "service_healthy");
    let config = parse_own_yaml(&bundle_text(&bundle, "loki/loki.yml")).expect("YAML");
    assert_eq!(config["limits_config"]["retention_period"], "30d");
    assert_eq!(config["compactor"]["retention_enabled"], true);
    assert_eq!(config["schema_config"]["configs"][0]["schema"], "v13");
    assert_eq!(config["schema_config"]["configs"][0]["store"], "tsdb");
}
