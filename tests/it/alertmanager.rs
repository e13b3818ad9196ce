//! Alertmanager output and routing diagnostics, end to end from stack text.

use crate::support::{bundle_text, refused, root, snapshot};
use stackgen::error::ErrorKind;
use stackgen::{Diagnostic, Options, Source, run};

const BASE: &str = r##"
[stack]
name = "shop"

[services.api]
image = "shop:1"
team = "payments"

[alertmanager]
default-receiver = "fallback"

[alertmanager.receivers.fallback]
email = ["ops@example.com"]

[alertmanager.receivers.oncall]
slack = [{ webhook-url = "${SLACK_URL}", channel = "#oncall" }]
pagerduty = [{ routing-key = "${PD_KEY}" }]

[alertmanager.smtp]
smarthost = "smtp.example.com:587"
from = "alerts@example.com"

[alertmanager.severity-routes.critical]
receiver = "oncall"
"##;

/// The warnings about routing: these stacks run Alertmanager without
/// Prometheus, which is warned about too.
fn routing_warnings(warnings: &[Diagnostic]) -> Vec<&Diagnostic> {
    let without_prometheus = |w: &&Diagnostic| matches!(&w.kind, ErrorKind::MissingSection { section, .. } if section == "prometheus");
    assert!(
        warnings.iter().any(|w| without_prometheus(&w)),
        "the missing [prometheus] is warned about: {warnings:?}"
    );
    warnings.iter().filter(|w| !without_prometheus(w)).collect()
}

fn span_of(text: &str, needle: &str) -> std::ops::Range<usize> {
    span_in(text, needle, needle.len())
}

/// The first `len` bytes of `needle` in `text`.
fn span_in(text: &str, needle: &str, len: usize) -> std::ops::Range<usize> {
    let start = text.find(needle).expect("needle in text");
    start..start + len
}

#[test]
fn example_stack_renders_alertmanager_files() {
    let path = root().join("examples/alerting.toml");
    let rendered = run(&path, &Options::default()).expect("the example renders");
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let file = |name: &str| bundle_text(&rendered.bundle, name);
    snapshot(
        "alertmanager__alerting_alertmanager_yml",
        &file("alertmanager/alertmanager.yml"),
    );
    snapshot(
        "alertmanager__alerting_route_tests",
        &file("alertmanager/route-tests.txt"),
    );
    let compose = file("docker-compose.yml");
    assert!(compose.contains("SLACK_WEBHOOK_URL:\n    environment: SLACK_WEBHOOK_URL"));
}

#[test]
fn unknown_receiver_is_pointed_at_with_a_suggestion() {
    let text = BASE.replace(
        "[alertmanager.severity-routes.critical]\nreceiver = \"oncall\"",
        "[alertmanager.severity-routes.critical]\nreceiver = \"oncal\"",
    );
    let diagnostics = refused(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic.kind,
        ErrorKind::DanglingReference {
            what: "receiver",
            name: "oncal".to_owned(),
            suggestion: Some("oncall".to_owned()),
        }
    );
    assert_eq!(diagnostic.location.span, span_of(&text, "\"oncal\""));
    assert_eq!(diagnostic.kind.help(), "did you mean `oncall`?");
}

#[test]
fn misspelled_severity_route_is_an_unknown_key_with_a_suggestion() {
    let text = BASE.replace(
        "[alertmanager.severity-routes.critical]",
        "[alertmanager.severity-routes.critcal]",
    );
    let diagnostics = refused(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic.kind,
        ErrorKind::UnknownKey {
            key: "critcal".to_owned(),
            suggestion: Some("critical".to_owned()),
            taken: None,
            allowed: vec![
                "critical".to_owned(),
                "warning".to_owned(),
                "info".to_owned()
            ],
        }
    );
    assert_eq!(diagnostic.location.span, span_of(&text, "critcal"));
}

#[test]
fn alert_without_route_is_a_warning_at_the_alert() {
    let text = format!(
        "{BASE}\n[[alerts]]\nname = \"SlowCheckout\"\nexpr = \"up == 0\"\nseverity = \"warning\"\n"
    );
    let rendered =
        run(Source::text("stack.toml", &text), &Options::default()).expect("warnings do not block");
    let warnings = routing_warnings(&rendered.warnings);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings[0];
    assert!(!warning.is_error());
    assert_eq!(
        warning.kind,
        ErrorKind::UnroutedAlert {
            alert: "SlowCheckout".to_owned()
        }
    );
    assert_eq!(warning.location.span, span_of(&text, "\"SlowCheckout\""));
}

#[test]
fn without_routes_everything_goes_to_the_default_receiver_silently() {
    let text = format!(
        "{}\n[[alerts]]\nname = \"SlowCheckout\"\nexpr = \"up == 0\"\n",
        BASE.replace(
            "[alertmanager.severity-routes.critical]\nreceiver = \"oncall\"",
            ""
        )
    );
    let rendered = run(Source::text("stack.toml", &text), &Options::default()).expect("renders");
    let codes: Vec<&str> = routing_warnings(&rendered.warnings)
        .iter()
        .map(|w| w.kind.code())
        .collect();
    assert_eq!(codes, ["stackgen::alerting::unused-receiver"]);
    let tests = bundle_text(&rendered.bundle, "alertmanager/route-tests.txt");
    assert!(
        tests.contains("\nfallback alertname=SlowCheckout severity=warning\n"),
        "{tests}"
    );
}

#[test]
fn team_alert_reaches_team_and_severity_receivers_in_tests() {
    let text = format!(
        "{BASE}\n[alertmanager.team-routes.payments]\nreceiver = \"fallback\"\n\n[[alerts]]\nname = \"ApiDown\"\nexpr = \"up == 0\"\nseverity = \"critical\"\nservice = \"api\"\n"
    );
    let rendered = run(Source::text("stack.toml", &text), &Options::default()).expect("renders");
    let tests = bundle_text(&rendered.bundle, "alertmanager/route-tests.txt");
    assert!(
        tests.contains(
            "\nfallback,oncall alertname=ApiDown severity=critical team=payments service=api\n"
        ),
        "{tests}"
    );
}

#[test]
fn shadowed_route_is_unreachable() {
    let text = format!(
        "{BASE}\n[[alertmanager.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"fallback\"\n"
    );
    let diagnostics = refused(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].kind,
        ErrorKind::UnreachableRoute {
            receiver: "oncall".to_owned(),
            shadowed_by: "the route to `fallback`".to_owned(),
        }
    );
    assert_eq!(
        diagnostics[0].location.span,
        span_in(&text, "critical]", "critical".len())
    );
}

#[test]
fn bad_targets_are_refused() {
    let text = format!(
        "{BASE}\n[alertmanager.receivers.empty]\n\n[alertmanager.receivers.team]\nemail = [\"not-an-address\"]\nslack = [{{ webhook-url = \"${{SLACK_URL}}\", channel = \"team\" }}]\n"
    );
    let diagnostics = refused(&text);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.kind.code()).collect();
    assert_eq!(
        codes,
        [
            "stackgen::alerting::empty-receiver",
            "stackgen::alerting::unused-receiver",
            "stackgen::alerting::unused-receiver",
            "stackgen::schema::value",
            "stackgen::schema::value",
        ]
    );
    assert!(!diagnostics[0].is_error());
    assert_eq!(
        diagnostics[3].location.span,
        span_of(&text, "\"not-an-address\"")
    );
    assert_eq!(
        diagnostics[4].location.span,
        span_in(&text, "\"team\" }", "\"team\"".len())
    );
}

/// Matchers are read with the rest of the file's shape: a bad one is
/// reported with the schema problems, before the checks of meaning.
#[test]
fn bad_matchers_are_refused_where_they_are() {
    let text = format!(
        "{BASE}\n[[alertmanager.inhibit]]\nsource = ['severity=~\"(\"']\ntarget = ['severity=\"info\"', 'team']\n\n[[alertmanager.routes]]\nmatchers = ['1x=\"y\"']\nreceiver = \"fallback\"\n"
    );
    let diagnostics = refused(&text);
    let found: Vec<(&str, &str, String)> = diagnostics
        .iter()
        .map(|d| {
            (
                d.kind.code(),
                &text[d.location.span.clone()],
                d.kind.to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "stackgen::alerting::matcher",
                "'severity=~\"(\"'",
                "invalid matcher `severity=~\"(\"`: invalid regular expression: illegal regex for ("
                    .to_owned()
            ),
            (
                "stackgen::alerting::matcher",
                "'team'",
                "invalid matcher `team`: `team` is not followed by one of the operators `=`, `!=`, `=~`, `!~`"
                    .to_owned()
            ),
            (
                "stackgen::alerting::matcher",
                "'1x=\"y\"'",
                "invalid matcher `1x=\"y\"`: `1x` is not a label name".to_owned()
            ),
        ]
    );
}

#[test]
fn matcher_routes_get_cases_with_fitting_labels() {
    let text = format!(
        "{BASE}\n[alertmanager.receivers.drop]\n\n[[alertmanager.routes]]\nmatchers = ['alertname=~\"Watchdog|Heartbeat\"']\nreceiver = \"drop\"\n\n[[alertmanager.routes]]\nmatchers = ['service=\"api\"', 'env!=\"dev\"']\nreceiver = \"fallback\"\ncontinue = true\n"
    );
    let rendered = run(Source::text("stack.toml", &text), &Options::default()).expect("renders");
    let tests = bundle_text(&rendered.bundle, "alertmanager/route-tests.txt");
    assert!(
        tests.contains("# route /alertmanager/routes/0\ndrop alertname=Watchdog\n"),
        "{tests}"
    );
    assert!(
        tests.contains(
            "# route /alertmanager/routes/1\nfallback alertname=StackgenRouteTest service=api\n"
        ),
        "{tests}"
    );
}

#[test]
fn unrouted_library_alerts_are_one_warning_at_the_service() {
    let text = format!(
        "{BASE}\n[services.db]\nimage = \"postgres:16\"\nkind = \"postgres\"\nexporter = true\n\n[prometheus]\n"
    );
    let rendered =
        run(Source::text("stack.toml", &text), &Options::default()).expect("warnings do not block");
    let library: Vec<&Diagnostic> = rendered
        .warnings
        .iter()
        .filter(|w| w.kind.code() == "stackgen::alerting::unrouted-library")
        .collect();
    let services: Vec<String> = library
        .iter()
        .map(|w| match &w.kind {
            ErrorKind::UnroutedLibraryAlerts { service, .. } => service.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    // Alertmanager is scraped too: its rules are warnings the section does not route.
    assert_eq!(
        services,
        ["alertmanager", "db", "prometheus"],
        "{library:?}"
    );
    assert_eq!(library[0].location.span, span_of(&text, "[alertmanager]"));
    assert_eq!(library[1].location.span, span_of(&text, "[services.db]"));
    assert_eq!(library[2].location.span, span_of(&text, "[prometheus]"));
    let ErrorKind::UnroutedLibraryAlerts { alerts, .. } = &library[1].kind else {
        unreachable!("checked above");
    };
    assert!(alerts.contains("PostgresDeadlocks"), "{alerts}");
}

#[test]
fn library_alerts_with_a_team_route_are_not_reported() {
    let text = format!(
        "{BASE}\n[services.db]\nimage = \"postgres:16\"\nkind = \"postgres\"\nexporter = true\nteam = \"payments\"\n\n[prometheus]\n\n[alertmanager.team-routes.payments]\nreceiver = \"oncall\"\n"
    );
    let rendered = run(Source::text("stack.toml", &text), &Options::default()).expect("renders");
    let services: Vec<String> = rendered
        .warnings
        .iter()
        .filter_map(|w| match &w.kind {
            ErrorKind::UnroutedLibraryAlerts { service, .. } => Some(service.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(services, ["alertmanager", "prometheus"]);
}

/// `stackgen validate` plans for checks only and must warn as a render does.
#[test]
fn a_plan_for_checks_reports_unrouted_library_alerts_alike() {
    let text = format!(
        "{BASE}\n[services.db]\nimage = \"postgres:16\"\nkind = \"postgres\"\nexporter = true\n\n[prometheus]\n"
    );
    let rendered =
        run(Source::text("stack.toml", &text), &Options::default()).expect("warnings do not block");
    let loaded = stackgen::load::load_str("stack.toml", &text).expect("loads");
    let warnings = run(&loaded, &Options::default().check_only())
        .expect("warnings do not block")
        .warnings;
    let described = |list: &[Diagnostic]| -> Vec<String> {
        list.iter()
            .map(|w| format!("{:?} {:?}", w.kind, w.location.span))
            .collect()
    };
    assert!(!warnings.is_empty());
    assert_eq!(described(&warnings), described(&rendered.warnings));
}

/// `dead-mans-switch` routes `Watchdog`, and only it, to its receiver first,
/// with its own repeat interval, and the stack gets `Watchdog`.
#[test]
fn the_dead_mans_switch_gets_watchdog_and_nothing_else() {
    let text = format!(
        "{}\n[alertmanager.receivers.heartbeat]\nwebhook = [{{ url = \"https://hc-ping.example.com/shop\" }}]\n\n[prometheus]\n",
        BASE.replace(
            "default-receiver = \"fallback\"\n",
            "default-receiver = \"fallback\"\ndead-mans-switch = { receiver = \"heartbeat\", repeat-interval = \"2m\" }\n",
        )
    );
    let rendered = run(Source::text("stack.toml", &text), &Options::default()).expect("renders");
    let config = bundle_text(&rendered.bundle, "alertmanager/alertmanager.yml");
    assert!(
        config.contains(
            "  routes:\n  - receiver: heartbeat\n    matchers:\n    - alertname=\"Watchdog\"\n    group_wait: 0s\n    group_interval: 2m\n    repeat_interval: 2m\n  - receiver: oncall\n"
        ),
        "{config}"
    );
    let tests = bundle_text(&rendered.bundle, "alertmanager/route-tests.txt");
    assert!(
        tests.contains("\nheartbeat alertname=Watchdog severity=info\n"),
        "{tests}"
    );
    let rules = bundle_text(&rendered.bundle, "prometheus/rules/library-prometheus.yml");
    assert!(
        rules.contains("  - alert: Watchdog\n    expr: vector(1)\n"),
        "{rules}"
    );
    // The receiver is used: no warning says otherwise.
    assert!(
        rendered
            .warnings
            .iter()
            .all(|w| w.kind.code() != "stackgen::alerting::unused-receiver"),
        "{:?}",
        rendered.warnings
    );
    // Without the switch, there is no Watchdog to route.
    let without = run(
        Source::text("stack.toml", &format!("{BASE}\n[prometheus]\n")),
        &Options::default(),
    )
    .expect("renders");
    let rules = bundle_text(&without.bundle, "prometheus/rules/library-prometheus.yml");
    assert!(!rules.contains("Watchdog"), "{rules}");
}

#[test]
fn an_unknown_dead_mans_switch_receiver_is_pointed_at() {
    let text = BASE.replace(
        "default-receiver = \"fallback\"\n",
        "default-receiver = \"fallback\"\ndead-mans-switch = { receiver = \"oncal\" }\n",
    );
    let diagnostics = refused(&text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].kind,
        ErrorKind::DanglingReference {
            what: "receiver",
            name: "oncal".to_owned(),
            suggestion: Some("oncall".to_owned()),
        }
    );
    assert_eq!(diagnostics[0].location.span, span_of(&text, "\"oncal\""));
}
