//! Grafana output: structural checks on every generated dashboard, snapshots
//! of one dashboard and the provisioning files, and dashboard diagnostics.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::support::{bundle_text, snapshot, toml_files};
use stackgen::render::Bundle;
use stackgen::render::grafana::layout::GridPos;

const ALL_EXPORTERS: &str = r#"
[stack]
name = "many"

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
probes = ["/health"]

[services.redis]
image = "redis:7"
kind = "redis"
command = ["redis-server", "--maxmemory", "256mb"]
exporter = true

[services.postgres]
image = "postgres:16"
kind = "postgres"
exporter = true
environment = { POSTGRES_PASSWORD = "${POSTGRES_PASSWORD}" }

[services.mongo]
image = "mongo:7"
kind = "mongodb"
exporter = true

[services.kafka]
image = "bitnami/kafka:3.7"
kind = "kafka"
exporter = true

[services.search]
image = "elasticsearch:8.13.0"
kind = "elasticsearch"
expose = [9200]
exporter = true

[prometheus]
node-exporter = true
cadvisor = true
retention = "30d"

[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"

[[slos]]
service = "api"
name = "availability"
objective = 99.9
ratio = { errors = 'http_requests_total{job="api", status=~"5.."}', total = 'http_requests_total{job="api"}' }
"#;

#[test]
fn example_dashboards_are_well_formed() {
    let rendered = stackgen::run(
        Path::new("examples/dashboards.toml"),
        &stackgen::Options::default(),
    )
    .expect("the example renders");
    let uids = check_bundle(&rendered.bundle);
    assert!(uids.iter().any(|u| u == "sse-overview"));
    assert!(uids.iter().any(|u| u == "availability-latency-slos"));
    assert!(uids.iter().any(|u| u == "services-red"));
    assert!(uids.iter().any(|u| u == "exporter-redis"));
    assert!(uids.iter().any(|u| u == "stack-overview"));
}

#[test]
fn automatic_dashboards_for_every_exporter_are_well_formed() {
    let rendered = stackgen::run(
        stackgen::Source::text("many.toml", ALL_EXPORTERS),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    let uids = check_bundle(&rendered.bundle);
    let expected = [
        "stack-overview",
        "services-red",
        "exporter-elasticsearch",
        "exporter-kafka",
        "exporter-mongodb",
        "exporter-postgres",
        "exporter-redis",
        "host-node",
        "host-containers",
        "blackbox-probes",
        "slos",
    ];
    let mut expected: Vec<String> = expected.iter().map(|&u| u.to_owned()).collect();
    expected.sort();
    assert_eq!(uids, expected);
    let datasources = bundle_text(
        &rendered.bundle,
        "grafana/provisioning/datasources/datasources.yml",
    );
    assert!(datasources.contains("url: http://search:9200"));
}

#[test]
fn no_grafana_section_means_no_grafana_files() {
    let rendered = stackgen::run(
        stackgen::Source::text(
            "plain.toml",
            "[stack]\nname = \"plain\"\n[services.web]\nimage = \"nginx:1\"\n",
        ),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    assert!(
        rendered
            .bundle
            .files
            .keys()
            .all(|path| !path.starts_with("grafana/"))
    );
}

#[test]
fn snapshots_of_one_dashboard_and_the_provisioning_files() {
    let rendered = stackgen::run(
        Path::new("examples/dashboards.toml"),
        &stackgen::Options::default(),
    )
    .expect("the example renders");
    snapshot(
        "grafana_sse_overview",
        &bundle_text(&rendered.bundle, "grafana/dashboards/sse-overview.json"),
    );
    snapshot(
        "grafana_provisioning",
        &format!(
            "{}\n{}",
            bundle_text(
                &rendered.bundle,
                "grafana/provisioning/datasources/datasources.yml"
            ),
            bundle_text(
                &rendered.bundle,
                "grafana/provisioning/dashboards/dashboards.yml"
            )
        ),
    );
}

#[test]
fn duplicate_dashboard_uid_points_at_the_second_one() {
    let source = r#"[stack]
name = "dup"
[prometheus]
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
[[dashboards]]
title = "First"
uid = "same"
[[dashboards]]
title = "Same"
"#;
    let loaded = stackgen::load::load_str("dup.toml", source).expect("the stack loads");
    let diagnostics = stackgen::validate::validate(&loaded);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.kind.code(), "stackgen::names::duplicate");
    assert_eq!(
        diagnostic.kind.to_string(),
        "dashboard uid `same` is defined more than once"
    );
    let second = source.rfind("\"Same\"").expect("second title");
    assert_eq!(diagnostic.location.span, second..second + "\"Same\"".len());
    let first = source.find("\"same\"").expect("first uid");
    assert_eq!(
        diagnostic.related,
        vec![(
            first..first + "\"same\"".len(),
            "`same` first used here".to_owned()
        )]
    );
}

#[test]
fn grafana_problems_are_reported_where_they_are() {
    let source = r#"[stack]
name = "bad"
[grafana]
[[dashboards]]
title = "Board"
uid = "board"
[[dashboards.rows]]
title = "Row"
[[dashboards.rows.panels]]
title = "Panel"
thresholds = [5, 1]
min = 1
max = 0
queries = [{ expr = "up" }]
[[dashboards.rows.panels]]
title = "Lines"
kind = "logs"
queries = [{ expr = '{service="api"} |= "error"' }]
"#;
    let loaded = stackgen::load::load_str("bad.toml", source).expect("the stack loads");
    let found: Vec<(String, String)> = stackgen::validate::validate(&loaded)
        .iter()
        .map(|d| {
            (
                d.kind.to_string(),
                source[d.location.span.clone()].to_owned(),
            )
        })
        .collect();
    let expect = |message: &str, at: &str| (message.to_owned(), at.to_owned());
    assert_eq!(
        found,
        vec![
            expect("missing key `admin-password`", "grafana"),
            expect(
                "Grafana (its datasource) needs a `[prometheus]` section",
                "grafana"
            ),
            expect(
                "invalid value [5.0, 1.0]: thresholds are at most two ascending values (amber, then red)",
                "[5, 1]"
            ),
            expect("invalid value 0: max must be above min (1)", "0"),
            expect(
                "a logs panel (its Loki datasource) needs a `[logs]` section",
                "\"logs\""
            ),
        ]
    );
}

#[test]
fn a_dashboard_with_a_built_in_uid_takes_its_place() {
    let source = format!(
        "{ALL_EXPORTERS}{}",
        r#"
[[dashboards]]
title = "Our overview"
uid = "stack-overview"
[[dashboards.rows]]
title = "Targets"
[[dashboards.rows.panels]]
title = "Up"
queries = [{ expr = "up" }]
"#
    );
    let rendered = stackgen::run(
        stackgen::Source::text("own.toml", &source),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let uids = check_bundle(&rendered.bundle);
    assert_eq!(uids.iter().filter(|u| *u == "stack-overview").count(), 1);
    assert!(uids.iter().any(|u| u == "services-red"), "{uids:?}");
    let overview: Value = serde_json::from_str(&bundle_text(
        &rendered.bundle,
        "grafana/dashboards/stack-overview.json",
    ))
    .expect("dashboard JSON");
    assert_eq!(overview["title"], "Our overview");
}

/// Every built-in dashboard file is a stack's own `[[dashboards]]` as it
/// stands: it passes every check a stack's dashboards get (schema, uids,
/// variables, `PromQL` of every query and variable) and, copied into a stack,
/// renders exactly as the built-in one does.
#[test]
fn every_built_in_dashboard_is_valid_in_a_stack_and_renders_the_same_copied() {
    let everything =
        format!("{ALL_EXPORTERS}\n[ingress]\nroutes = [{{ path = \"/\", service = \"api\" }}]\n");
    let built_in = stackgen::run(
        stackgen::Source::text("many.toml", &everything),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    let files = toml_files("templates/dashboards");
    assert_eq!(files.len(), 12, "{files:?}");
    for path in files {
        let template = std::fs::read_to_string(&path).expect("template");
        let source = format!(
            "[stack]\nname = \"copy\"\n[prometheus]\n[grafana]\nadmin-password = \"${{PASSWORD}}\"\nauto-dashboards = false\n{template}"
        );
        let name = path.display().to_string();
        let loaded =
            stackgen::load::load_str(&name, &source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let problems: Vec<String> = stackgen::validate::validate(&loaded)
            .iter()
            .map(|d| format!("{} at `{}`", d.kind, &source[d.location.span.clone()]))
            .collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let copied = stackgen::run(
            stackgen::Source::text(&name, &source),
            &stackgen::Options::default(),
        )
        .expect("the copy renders");
        let uids = check_bundle(&copied.bundle);
        let [uid] = uids.as_slice() else {
            panic!("{name}: {uids:?}");
        };
        let file = format!("grafana/dashboards/{uid}.json");
        let mut copy: Value =
            serde_json::from_str(&bundle_text(&copied.bundle, &file)).expect("JSON");
        let original: Value =
            serde_json::from_str(&bundle_text(&built_in.bundle, &file)).expect("JSON");
        // The one substitution: `[[ stack ]]` in a built-in title.
        copy["title"] = Value::from(
            copy["title"]
                .as_str()
                .expect("title")
                .replace("[[ stack ]]", "many"),
        );
        assert_eq!(copy, original, "{name}");
    }
}

#[test]
fn with_logs_the_overview_shows_each_collected_service_and_metric_panels_link_to_logs() {
    let stack =
        format!("{ALL_EXPORTERS}\n[logs]\n[services.batch]\nimage = \"batch:1\"\nlogs = false\n");
    let output = stackgen::run(
        stackgen::Source::text("many.toml", &stack),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    check_bundle(&output.bundle);
    let overview: Value = serde_json::from_str(&bundle_text(
        &output.bundle,
        "grafana/dashboards/stack-overview.json",
    ))
    .expect("JSON");
    let logs: Vec<(&str, &str)> = overview["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .filter(|panel| panel["type"] == "logs")
        .map(|panel| {
            (
                panel["title"].as_str().expect("title"),
                panel["targets"][0]["expr"].as_str().expect("expr"),
            )
        })
        .collect();
    assert_eq!(logs[0], ("api logs", r#"{service="api"}"#));
    for service in [
        "redis",
        "redis-exporter",
        "prometheus",
        "loki",
        "alloy",
        "grafana",
    ] {
        let query = format!(r#"{{service="{service}"}}"#);
        assert!(
            logs.contains(&(&format!("{service} logs"), &query)),
            "{service}: {logs:?}"
        );
    }
    assert!(
        !logs.iter().any(|(title, _)| title.starts_with("batch")),
        "{logs:?}"
    );
    let red: Value = serde_json::from_str(&bundle_text(
        &output.bundle,
        "grafana/dashboards/services-red.json",
    ))
    .expect("JSON");
    for panel in red["panels"].as_array().expect("panels") {
        if panel["type"] == "row" {
            continue;
        }
        let link = &panel["fieldConfig"]["defaults"]["links"][0]["internal"];
        assert_eq!(link["datasourceUid"], "loki", "{}", panel["title"]);
        assert_eq!(link["query"]["expr"], r#"{service="$service"}"#);
    }
}

/// Checks every Grafana file of a bundle; returns the dashboard uids sorted by file path.
fn check_bundle(bundle: &Bundle) -> Vec<String> {
    let provisioned = datasource_uids(bundle);
    let mut uids = Vec::new();
    for (path, contents) in &bundle.files {
        let body = String::from_utf8(contents.clone()).expect("UTF-8");
        assert!(!body.contains("${DS_"), "{path} has an import placeholder");
        if !path.starts_with("grafana/dashboards/") {
            continue;
        }
        let dashboard: Value = serde_json::from_str(&body).expect("dashboard JSON");
        assert!(dashboard.get("dashboard").is_none(), "{path} is wrapped");
        let uid = dashboard["uid"].as_str().expect("uid").to_owned();
        assert!(uid.len() <= 40, "{path}: uid too long");
        assert_eq!(path, &format!("grafana/dashboards/{uid}.json"));
        check_panels(path, &dashboard, &provisioned);
        uids.push(uid);
    }
    let unique: HashSet<&String> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "dashboard uids repeat: {uids:?}");
    uids
}

fn check_panels(path: &str, dashboard: &Value, provisioned: &HashSet<String>) {
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(!panels.is_empty(), "{path} has no panels");
    let mut ids = HashSet::new();
    let mut places: Vec<GridPos> = Vec::new();
    for panel in panels {
        assert!(
            ids.insert(panel["id"].as_u64().expect("id")),
            "{path}: panel id repeats"
        );
        assert!(panel["type"].as_str().is_some_and(|t| !t.is_empty()));
        let grid = &panel["gridPos"];
        let number = |key: &str| {
            u32::try_from(grid[key].as_u64().expect("integer gridPos")).expect("small gridPos")
        };
        let place = GridPos {
            h: number("h"),
            w: number("w"),
            x: number("x"),
            y: number("y"),
        };
        assert!(
            place.x + place.w <= 24 && place.w > 0 && place.h > 0,
            "{path}: {place:?}"
        );
        for other in &places {
            assert!(
                !place.overlaps(other),
                "{path}: {place:?} overlaps {other:?}"
            );
        }
        places.push(place);
        let mut refs = HashSet::new();
        let targets = panel["targets"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for target in targets {
            assert!(refs.insert(target["refId"].as_str().expect("refId").to_owned()));
            assert!(provisioned.contains(target["datasource"]["uid"].as_str().expect("uid")));
            let expr = target["expr"].as_str().expect("expr");
            if panel["type"] == "logs" {
                assert_eq!(target["datasource"]["type"], "loki", "{path}: {expr}");
                continue;
            }
            assert_eq!(
                stackgen::validate::parse_promql(expr),
                Ok(()),
                "{path}: {expr}"
            );
        }
        let links = panel["fieldConfig"]["defaults"]["links"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for link in links {
            let uid = link["internal"]["datasourceUid"].as_str().expect("uid");
            assert!(provisioned.contains(uid), "{path}: link to {uid}");
        }
        if let Some(uid) = panel["datasource"]["uid"].as_str() {
            assert!(
                provisioned.contains(uid),
                "{path}: datasource {uid} not provisioned"
            );
        }
    }
    for variable in dashboard["templating"]["list"]
        .as_array()
        .expect("templating")
    {
        let uid = variable["datasource"]["uid"]
            .as_str()
            .expect("pinned datasource");
        assert!(provisioned.contains(uid));
    }
}

fn datasource_uids(bundle: &Bundle) -> HashSet<String> {
    let file: Value = serde_saphyr::from_str(&bundle_text(
        bundle,
        "grafana/provisioning/datasources/datasources.yml",
    ))
    .expect("datasources YAML");
    let list = file["datasources"].as_array().expect("datasources");
    let defaults = list.iter().filter(|d| d["isDefault"] == true).count();
    assert_eq!(defaults, 1, "exactly one default datasource");
    list.iter()
        .map(|d| d["uid"].as_str().expect("pinned uid").to_owned())
        .collect()
}

#[test]
fn without_dashboards_the_dashboards_directory_is_not_mounted() {
    let source = "[stack]\nname = \"bare\"\n[prometheus]\n[grafana]\nauto-dashboards = false\nadmin-password = \"${GRAFANA_ADMIN_PASSWORD}\"\n";
    let rendered = stackgen::run(
        stackgen::Source::text("bare.toml", source),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    let paths: Vec<&String> = rendered.bundle.files.keys().collect();
    assert!(paths.iter().all(|p| !p.starts_with("grafana/dashboards/")));
    let compose = bundle_text(&rendered.bundle, "docker-compose.yml");
    assert!(compose.contains("target: /etc/grafana/provisioning"));
    assert!(!compose.contains("target: /etc/grafana/dashboards"));
}
