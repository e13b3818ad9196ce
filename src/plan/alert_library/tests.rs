//! Unit tests of `alert_library`.

use super::*;
use crate::load::load_str;

const STACK: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
team = "payments"
probes = ["/health"]

[services.web]
image = "web:1"
kind = "app"
replicas = 2
expose = [8080]
metrics = { path = "/metrics" }

[services.admin]
image = "admin:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
alerts = { thresholds = { HighErrorRate = 0.2 }, disable = ["HighLatencyP95"] }

[services.legacy]
image = "legacy:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
alerts = { enabled = false }

[services.db]
image = "postgres:16"
kind = "postgres"
expose = [5432]
exporter = true

[services.cache]
image = "redis:7"
kind = "redis"
expose = [6379]
exporter = true
team = "platform"
alerts = { disable = ["TargetDown"] }

[services.worker]
image = "worker:1"
expose = [9000]
metrics = { path = "/metrics" }

[prometheus]
node-exporter = true
"#;

fn plan() -> Plan {
    crate::plan::plan(&load_str("stack.toml", STACK).expect("loads"))
}

fn member(job: &str, service: &str, team: &str, target: &str) -> LibraryMember {
    LibraryMember {
        job: job.to_owned(),
        service: service.to_owned(),
        team: team.to_owned(),
        target: target.to_owned(),
    }
}

fn shared<'a>(kind: &'static str, members: Vec<LibraryMember>) -> LibraryGroup<'a> {
    LibraryGroup {
        kind,
        name: format!("library-{kind}"),
        settings: None,
        status_label: DEFAULT_STATUS_LABEL,
        fed: Fed::everything(members.len()),
        members,
    }
}

fn two_jobs() -> Vec<LibraryMember> {
    vec![
        member("api", "api", "backend", "api-1:8000"),
        member("web", "web", "payments", "web-1:8080"),
    ]
}

fn jobs_of<'a>(groups: &'a [LibraryGroup<'_>], name: &str) -> Vec<&'a str> {
    let group = groups
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no group {name}"));
    group.members.iter().map(|m| m.job.as_str()).collect()
}

#[test]
fn every_library_rule_renders_for_the_jobs_of_its_group() {
    let kinds = kinds();
    assert!(
        kinds.contains(&"targets") && kinds.contains(&"node"),
        "{kinds:?}"
    );
    let mut total = 0;
    for kind in kinds {
        let library = load(kind).expect("parses");
        let (alerts, recordings) =
            render_group(&shared(kind, two_jobs())).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(!alerts.is_empty(), "{kind} has no rules");
        assert_eq!(
            alerts.len(),
            library.rules.len(),
            "{kind}: every rule is fed"
        );
        for (alert, rule) in alerts.iter().zip(&library.rules) {
            assert!(!alert.expr.contains("[["), "{}", alert.name);
            assert!(!alert.expr.contains(r#"job="api""#), "{}", alert.expr);
            assert_eq!(alert.rule_labels().keys().collect::<Vec<_>>(), ["severity"]);
            let labels = &alert.tests[0].expected[0].labels;
            if !rule.test.target_labels {
                // `Watchdog`: its own series, always firing, no quiet test.
                assert_eq!(alert.tests.len(), 1, "{}", alert.name);
                assert_eq!(labels.keys().collect::<Vec<_>>(), ["severity"]);
                assert_eq!(alert.owners(), [(None, None)]);
                continue;
            }
            assert_eq!(alert.tests.len(), 2, "{}", alert.name);
            assert!(
                alert.expr.contains(r#"job=~"api|web""#)
                    || alert.expr.contains(r#"job="blackbox""#),
                "{kind} {}: {}",
                alert.name,
                alert.expr
            );
            for key in ["job", "service", "team", "severity"] {
                assert!(
                    labels.contains_key(key),
                    "{kind} {}: {labels:?}",
                    alert.name
                );
            }
            assert_eq!(labels["service"], "api", "{}", alert.name);
            assert_eq!(labels["team"], "backend", "{}", alert.name);
            for test in &alert.tests {
                for (series, _) in &test.series {
                    assert!(
                        series.contains(r#"service="api""#)
                            && series.contains(r#"team="backend""#)
                            && !series.contains("web"),
                        "{kind} {}: {series}",
                        alert.name
                    );
                }
            }
        }
        for rule in &recordings {
            assert!(rule.labels.is_empty(), "{}", rule.record);
            assert!(rule.expr.contains(r#"job=~"api|web""#), "{}", rule.expr);
        }
        total += alerts.len();
    }
    assert!(total >= 130, "only {total} library rules");
}

#[test]
fn jobs_with_default_settings_share_one_group_per_file() {
    let plan = plan();
    let groups = groups(&plan);
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "library-targets",
            "library-app",
            "library-app-admin",
            "library-postgres",
            "library-targets-cache",
            "library-redis",
            "library-node",
            "library-blackbox",
            "library-prometheus",
        ]
    );
    // Plan order; replicas are one job; `legacy` (enabled = false) is in no group.
    assert_eq!(
        jobs_of(&groups, "library-targets"),
        [
            "api",
            "web",
            "admin",
            "worker",
            "db-exporter",
            "node-exporter",
            "blackbox-exporter",
            "prometheus"
        ]
    );
    assert_eq!(jobs_of(&groups, "library-app"), ["api", "web"]);
    assert!(
        groups
            .iter()
            .all(|g| g.members.iter().all(|m| m.service != "legacy"))
    );
    let (alerts, recordings) = render_group(&groups[1]).expect("renders");
    let error_rate = alerts
        .iter()
        .find(|a| a.name == "HighErrorRate")
        .expect("rule");
    assert_eq!(
        error_rate.expr,
        r#"job:http_error_ratio:rate5m{job=~"api|web"} > 0.05"#
    );
    assert_eq!(
        recordings[0].expr,
        r#"sum by (job, service, team) (rate(http_requests_total{job=~"api|web"}[5m]))"#
    );
    let AlertOrigin::Library { members } = &error_rate.origin else {
        panic!("a library rule");
    };
    assert_eq!(members.len(), 2);
    assert_eq!(
        error_rate.owners(),
        [
            (Some("payments"), Some("api")),
            (Some("backend"), Some("web"))
        ]
    );
}

/// A service whose status label is not `status` gets the app rules in a
/// group of its own, reading its label; its other files stay shared.
#[test]
fn a_status_label_gets_the_app_rules_a_group_of_their_own() {
    let text = STACK.replace(
        "expose = [8080]\nmetrics = { path = \"/metrics\" }",
        "expose = [8080]\nmetrics = { path = \"/metrics\", status-label = \"code\" }",
    );
    let plan = crate::plan::plan(&load_str("stack.toml", &text).expect("loads"));
    let groups = groups(&plan);
    assert_eq!(jobs_of(&groups, "library-app"), ["api"]);
    assert_eq!(jobs_of(&groups, "library-app-web"), ["web"]);
    assert!(jobs_of(&groups, "library-targets").contains(&"web"));
    let web = groups
        .iter()
        .find(|g| g.name == "library-app-web")
        .expect("own group");
    assert_eq!(web.status_label, "code");
    let (alerts, recordings) = render_group(web).expect("renders");
    assert_eq!(
        recordings[1].expr,
        r#"sum by (job, service, team) (rate(http_requests_total{job="web", code=~"5.."}[5m]))"#
    );
    let error_rate = alerts
        .iter()
        .find(|a| a.name == "HighErrorRate")
        .expect("rule");
    assert!(
        error_rate.tests[0]
            .series
            .iter()
            .any(|(series, _)| series.contains(r#"code="500""#)),
        "{:?}",
        error_rate.tests[0].series
    );
}

#[test]
fn overrides_get_a_group_of_their_own_for_the_files_they_change() {
    let plan = plan();
    let groups = groups(&plan);
    let admin = groups
        .iter()
        .find(|g| g.name == "library-app-admin")
        .expect("own group");
    assert_eq!(jobs_of(&groups, "library-app-admin"), ["admin"]);
    let (alerts, recordings) = render_group(admin).expect("renders");
    assert!(alerts.iter().all(|a| a.name != "HighLatencyP95"));
    let error_rate = alerts
        .iter()
        .find(|a| a.name == "HighErrorRate")
        .expect("rule");
    assert_eq!(
        error_rate.expr,
        r#"job:http_error_ratio:rate5m{job="admin"} > 0.2"#
    );
    assert_eq!(error_rate.group, "library-app-admin");
    // Its own tests use its own threshold: 200 * 0.2 / 0.8 errors a minute.
    assert!(
        error_rate.tests[0]
            .series
            .iter()
            .any(|(series, values)| series.contains(r#"status="500""#) && values == "0+50.0x30"),
        "{:?}",
        error_rate.tests[0].series
    );
    assert_eq!(recordings.len(), 4);
    assert!(recordings.iter().all(|r| r.group == "library-app-admin"));
    // Its TargetDown is not overridden, so it stays shared; cache drops
    // TargetDown and so has a targets group without it.
    assert!(jobs_of(&groups, "library-targets").contains(&"admin"));
    assert_eq!(
        jobs_of(&groups, "library-targets-cache"),
        ["cache-exporter"]
    );
    let cache_targets = groups
        .iter()
        .find(|g| g.name == "library-targets-cache")
        .expect("group");
    assert!(render_group(cache_targets).expect("renders").0.is_empty());
    assert_eq!(jobs_of(&groups, "library-redis"), ["cache-exporter"]);
}

#[test]
fn teams_come_from_the_entry_then_the_library_file() {
    let plan = plan();
    let groups = groups(&plan);
    let teams: Vec<(&str, &str)> = groups
        .iter()
        .flat_map(|g| &g.members)
        .map(|m| (m.job.as_str(), m.team.as_str()))
        .collect();
    for expected in [
        ("api", "payments"),
        ("web", "backend"),
        ("db-exporter", "database"),
        ("cache-exporter", "platform"),
        ("worker", "infrastructure"),
        ("node-exporter", "infrastructure"),
        ("prometheus", "infrastructure"),
    ] {
        assert!(teams.contains(&expected), "{expected:?} in {teams:?}");
    }
    let db = groups
        .iter()
        .flat_map(|g| &g.members)
        .find(|m| m.job == "db-exporter")
        .expect("member");
    assert_eq!(db.service, "db");
    // The probe rules watch the probed services, with their teams.
    let blackbox = groups
        .iter()
        .find(|g| g.name == "library-blackbox")
        .expect("group");
    assert_eq!(
        blackbox.members,
        [member(
            "blackbox",
            "api",
            "payments",
            "http://api:8000/health"
        )]
    );
    let (alerts, _) = render_group(blackbox).expect("renders");
    assert_eq!(alerts[0].expr, r#"probe_success{job="blackbox"} == 0"#);
    assert_eq!(
        alerts[0].tests[0].series[0].0,
        r#"probe_success{job="blackbox", instance="http://api:8000/health", service="api", team="payments"}"#
    );
    assert_eq!(
        alerts[0].tests[0].expected[0].annotations["description"],
        "The blackbox exporter cannot reach http://api:8000/health (api), or gets no good answer."
    );
}

#[test]
fn job_matchers_escape_regexes_and_strings() {
    let mut group = shared(
        "targets",
        vec![
            member("a.b", "a", "t", "a:1"),
            member("c", "c", "t", "c:1"),
            member("c", "c", "t", "c-2:1"),
        ],
    );
    assert_eq!(job_matcher(&group), r#"job=~"a\\.b|c""#);
    let settings = LibraryAlerts::default();
    group.settings = Some(&settings);
    group.members.truncate(1);
    assert_eq!(job_matcher(&group), r#"job="a.b""#);
    group.members[0].job = r#"q"x"#.to_owned();
    assert_eq!(job_matcher(&group), r#"job="q\"x""#);
}
