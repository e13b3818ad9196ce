//! Snapshots of the Prometheus targets for `examples/monitoring.toml`, and
//! the alert library's coverage of a typical stack, and the bind address
//! of the Prometheus port.

use std::path::Path;

use crate::support::{bundle_text, refused, snapshot};

fn rendered() -> stackgen::Output {
    stackgen::run(
        Path::new("examples/monitoring.toml"),
        &stackgen::Options::default(),
    )
    .expect("the example renders")
}

#[test]
fn prometheus_yml_snapshot() {
    let rendered = rendered();
    snapshot(
        "prometheus__monitoring_prometheus_yml",
        &bundle_text(&rendered.bundle, "prometheus/prometheus.yml"),
    );
    snapshot(
        "prometheus__monitoring_blackbox_yml",
        &bundle_text(&rendered.bundle, "blackbox/blackbox.yml"),
    );
}

#[test]
fn rules_and_tests_snapshot() {
    let rendered = rendered();
    snapshot(
        "prometheus__monitoring_rules_postgres",
        &bundle_text(
            &rendered.bundle,
            "prometheus/rules/library-postgres-postgres.yml",
        ),
    );
    snapshot(
        "prometheus__monitoring_rules_business",
        &bundle_text(&rendered.bundle, "prometheus/rules/business.yml"),
    );
    snapshot(
        "prometheus__monitoring_tests_business",
        &bundle_text(&rendered.bundle, "prometheus/tests/business.test.yml"),
    );
}

#[test]
fn a_typical_stack_gets_every_library_rule_once() {
    let plan = stackgen::run(
        Path::new("examples/monitoring.toml"),
        &stackgen::Options::default(),
    )
    .expect("the example plans")
    .plan;
    let library = plan
        .alerts
        .iter()
        .filter(|a| {
            matches!(
                a.origin,
                stackgen::plan::alerts::AlertOrigin::Library { .. }
            )
        })
        .count();
    // One rule per library rule, shared by the jobs of its group.
    assert!(library >= 35, "{library} library alerts");
    let target_down: Vec<_> = plan
        .alerts
        .iter()
        .filter(|a| a.name == "TargetDown")
        .collect();
    assert_eq!(target_down.len(), 1, "one shared TargetDown");
    let stackgen::plan::alerts::AlertOrigin::Library { members } = &target_down[0].origin else {
        panic!("a library rule");
    };
    let jobs: Vec<&str> = members.iter().map(|m| m.job.as_str()).collect();
    for job in ["postgres-exporter", "redis-exporter", "api", "prometheus"] {
        assert!(jobs.contains(&job), "{job} missing from {jobs:?}");
    }
    // `RedisLowHitRatio` is disabled in the example; the postgres override applies.
    assert!(plan.alerts.iter().all(|a| a.name != "RedisLowHitRatio"));
    let connections = plan
        .alerts
        .iter()
        .find(|a| a.name == "PostgresTooManyConnections")
        .expect("postgres rule");
    assert!(connections.expr.ends_with("> 70"), "{}", connections.expr);
    assert_eq!(connections.group, "library-postgres-postgres");
    assert_eq!(connections.team, None);
    assert_eq!(connections.owners(), [(Some("database"), Some("postgres"))]);
    let names: Vec<&str> = plan.services.iter().map(|s| s.name.as_str()).collect();
    for generated in [
        "postgres-exporter",
        "redis-exporter",
        "node-exporter",
        "cadvisor",
        "blackbox-exporter",
        "prometheus",
    ] {
        assert!(
            names.contains(&generated),
            "{generated} missing from {names:?}"
        );
    }
}

const BOUND: &str = r#"
[stack]
name = "bound"

[services.api]
image = "api:1"
metrics = { port = 8000 }

[prometheus]
bind = "127.0.0.1"
"#;

#[test]
fn monitoring_port_is_published_on_the_bind_address() {
    let rendered = stackgen::run(
        stackgen::Source::text("stack.toml", BOUND),
        &stackgen::Options::default(),
    )
    .expect("renders");
    let compose = bundle_text(&rendered.bundle, "docker-compose.yml");
    assert!(
        compose.contains(
            "    - target: 9090\n      published: \"9090\"\n      host_ip: \"127.0.0.1\"\n"
        ),
        "{compose}"
    );
}

#[test]
fn bind_address_must_be_an_ip_address() {
    let text = BOUND.replace("127.0.0.1", "localhost");
    let diagnostics = refused(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].kind.code(), "stackgen::schema::value");
    let start = text.find("\"localhost\"").expect("in text");
    assert_eq!(
        diagnostics[0].location.span,
        start..start + "\"localhost\"".len()
    );
}

/// Every expression of the built-in alert library passes the `PromQL` check a
/// stack's own rules get.
#[test]
fn every_library_expression_passes_the_promql_check() {
    use stackgen::plan::alert_library::{
        DEFAULT_STATUS_LABEL, Fed, LibraryGroup, kinds, render_group,
    };
    use stackgen::plan::alerts::LibraryMember;
    let member = |job: &str| LibraryMember {
        job: job.to_owned(),
        service: job.to_owned(),
        team: "backend".to_owned(),
        target: format!("{job}-1:8000"),
    };
    let mut count = 0;
    for kind in kinds() {
        let group = LibraryGroup {
            kind,
            name: format!("library-{kind}"),
            settings: None,
            status_label: DEFAULT_STATUS_LABEL,
            members: vec![member("api"), member("web")],
            fed: Fed::everything(2),
        };
        let (alerts, recordings) = render_group(&group).expect("the library renders");
        let exprs = alerts
            .iter()
            .map(|a| (&a.name, &a.expr))
            .chain(recordings.iter().map(|r| (&r.record, &r.expr)));
        for (name, expr) in exprs {
            if let Err(e) = stackgen::validate::parse_promql(expr) {
                panic!("{kind} {name}: {e}\n{expr}");
            }
            count += 1;
        }
    }
    assert!(count >= 50, "only {count} library expressions");
}

/// `examples/library.toml` deploys every exporter the library knows, so it
/// gets every rule of every library file: none is left out for want of what
/// it needs (devices, namespaces, a TLS probe, Alertmanager), and
/// `scripts/e2e` runs every rule's promtool tests on it.
#[test]
fn the_library_example_gets_every_library_rule() {
    use stackgen::plan::alert_library::kinds;
    use stackgen::plan::library_kinds::rule_names;
    let stackgen::Output { plan, warnings, .. } = stackgen::run(
        Path::new("examples/library.toml"),
        &stackgen::Options::default().check_only(),
    )
    .expect("the example plans");
    assert!(warnings.is_empty(), "{warnings:?}");
    let planned: Vec<&str> = plan.alerts.iter().map(|a| a.name.as_str()).collect();
    let mut count = 0;
    for kind in kinds() {
        for rule in rule_names(kind) {
            assert!(
                planned.contains(&rule.name.as_str()),
                "{kind} {} is not planned",
                rule.name
            );
            count += 1;
        }
    }
    assert!(count >= 130, "only {count} library rules");
}

/// The scrape jobs of `text`'s prometheus.yml, by job name.
fn scrape_jobs(text: &str) -> Vec<serde_json::Value> {
    let output = stackgen::run(
        stackgen::Source::text("stack.toml", text),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    let config: serde_json::Value =
        serde_saphyr::from_str(&bundle_text(&output.bundle, "prometheus/prometheus.yml"))
            .expect("prometheus.yml is YAML");
    config["scrape_configs"]
        .as_array()
        .expect("scrape_configs")
        .clone()
}

fn job<'a>(jobs: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    jobs.iter()
        .find(|job| job["job_name"] == name)
        .unwrap_or_else(|| panic!("no job {name} in {jobs:?}"))
}

#[test]
fn a_pushgateway_is_scraped_with_honor_labels() {
    let jobs = scrape_jobs(
        r#"[stack]
name = "batch"

[services.pushgateway]
image = "prom/pushgateway:v1.5.1"
kind = "pushgateway"

[services.relay]
image = "ghcr.io/example/relay:1.0"
expose = [9102]
metrics = { honor-labels = true }

[services.api]
image = "ghcr.io/example/api:1.0"
expose = [8000]
metrics = { path = "/metrics" }

[services.quiet-gateway]
image = "prom/pushgateway:v1.5.1"
kind = "pushgateway"
expose = [9092]
metrics = { honor-labels = false }

[prometheus]
"#,
    );
    let pushgateway = job(&jobs, "pushgateway");
    assert_eq!(pushgateway["honor_labels"], true);
    assert_eq!(
        pushgateway["static_configs"][0]["targets"][0],
        "pushgateway:9091"
    );
    assert_eq!(job(&jobs, "relay")["honor_labels"], true);
    assert!(job(&jobs, "api").get("honor_labels").is_none());
    let quiet = job(&jobs, "quiet-gateway");
    assert!(quiet.get("honor_labels").is_none());
    assert_eq!(
        quiet["static_configs"][0]["targets"][0],
        "quiet-gateway:9092"
    );
}

#[test]
fn a_pushgateway_gets_the_pushgateway_library_rules() {
    let output = stackgen::run(
        stackgen::Source::text(
            "stack.toml",
            "[stack]\nname = \"batch\"\n\n[services.pushgateway]\nimage = \"prom/pushgateway:v1.5.1\"\nkind = \"pushgateway\"\n\n[prometheus]\n",
        ),
        &stackgen::Options::default(),
    )
    .expect("the stack renders");
    let names: Vec<&str> = output.plan.alerts.iter().map(|a| a.name.as_str()).collect();
    for rule in [
        "PushgatewayDown",
        "PushgatewayPushesStale",
        "PushgatewayPushFailed",
    ] {
        assert!(names.contains(&rule), "{rule} missing from {names:?}");
    }
    // PushgatewayDown stands in for TargetDown: one outage, one alert.
    let targets = bundle_text(&output.bundle, "prometheus/rules/library-targets.yml");
    assert!(
        targets.contains(r#"job=~"prometheus""#) && !targets.contains("pushgateway"),
        "{targets}"
    );
    let rules: serde_json::Value = serde_saphyr::from_str(&bundle_text(
        &output.bundle,
        "prometheus/rules/library-pushgateway.yml",
    ))
    .expect("the rules file is YAML");
    let stale = rules["groups"][0]["rules"]
        .as_array()
        .expect("a rule list")
        .iter()
        .find(|rule| rule["alert"] == "PushgatewayPushesStale")
        .expect("the stale-push rule");
    assert!(
        stale["expr"]
            .as_str()
            .is_some_and(|expr| expr.ends_with(r#"group by (service) (up{job=~"pushgateway"})"#)),
        "{stale}"
    );
}
