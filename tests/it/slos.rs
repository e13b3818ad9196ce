//! `[[slos]]` end to end: the rules, tests, routing cases and inhibit rule
//! an SLO renders into, from `examples/slos.toml` and stacks written here.

use crate::support::{bundle_text, root};
use stackgen::error::ErrorKind;
use stackgen::{Options, Source, run};

fn example() -> stackgen::Output {
    run(&root().join("examples/slos.toml"), &Options::default()).expect("renders")
}

#[test]
fn each_slo_gets_a_rules_file_and_a_test_file() {
    let rendered = example();
    let paths: Vec<&str> = rendered
        .bundle
        .files
        .keys()
        .map(String::as_str)
        .filter(|p| p.contains("/slo-"))
        .collect();
    assert_eq!(
        paths,
        [
            "prometheus/rules/slo-checkout-api-availability.yml",
            "prometheus/rules/slo-checkout-api-latency.yml",
            "prometheus/tests/slo-checkout-api-availability.test.yml",
            "prometheus/tests/slo-checkout-api-latency.test.yml",
        ]
    );
    let rules = bundle_text(
        &rendered.bundle,
        "prometheus/rules/slo-checkout-api-availability.yml",
    );
    for window in ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"] {
        assert!(
            rules.contains(&format!("- record: slo:sli_error:ratio_rate{window}\n")),
            "{window}: {rules}"
        );
    }
    assert!(rules.contains("> (14.4 * 0.001)) without (sloth_window)"));
    assert!(rules.contains("expr: vector(0.999)\n"));
}

#[test]
fn a_28_day_period_scales_the_factors_exactly() {
    let rendered = example();
    let rules = bundle_text(
        &rendered.bundle,
        "prometheus/rules/slo-checkout-api-latency.yml",
    );
    assert!(
        rules.contains("- record: slo:sli_error:ratio_rate4w\n"),
        "{rules}"
    );
    assert!(
        rules.contains("> (2.8 * 0.01)) without (sloth_window)"),
        "{rules}"
    );
    assert!(
        rules.contains("> (14/15 * 0.01)) without (sloth_window)"),
        "{rules}"
    );
    assert!(!rules.contains("13.44"), "the page tier is off: {rules}");
    assert!(rules.contains(
        r#"http_request_duration_seconds_bucket{job="checkout-api", route!="/health", le="0.3"}"#
    ));
}

#[test]
fn the_tests_burn_fast_slow_healthy_and_not_at_all() {
    let rendered = example();
    let tests = bundle_text(
        &rendered.bundle,
        "prometheus/tests/slo-checkout-api-availability.test.yml",
    );
    let cases: Vec<&str> = tests.split("- interval: 1m\n").skip(1).collect();
    assert_eq!(cases.len(), 4, "{tests}");
    let tiers = |case: &str| -> Vec<String> {
        case.lines()
            .filter_map(|line| line.trim().strip_prefix("burn_tier: "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        tiers(cases[0]),
        ["page", "ticket"],
        "fast burn: {}",
        cases[0]
    );
    assert_eq!(tiers(cases[1]), ["ticket"], "slow burn: {}", cases[1]);
    assert!(cases[2].contains("exp_alerts: []"), "healthy: {}", cases[2]);
    assert!(
        cases[3].contains("exp_alerts: []"),
        "no traffic: {}",
        cases[3]
    );
    assert!(
        cases[3].contains("values: 0+0x60"),
        "no traffic: {}",
        cases[3]
    );
    // 1.5 × 14.4 × 0.1% of 1000 requests a minute fail, on a series the errors select.
    assert!(
        cases[0].contains(
            "series: http_requests_total{job=\"checkout-api\", code=\"500\"}\n    values: 0+21.6x60"
        ),
        "{}",
        cases[0]
    );
    assert!(
        cases[0].contains("values: 0+978.4x60"),
        "the other requests succeed"
    );
}

#[test]
fn both_tiers_are_routed_and_a_page_mutes_its_ticket() {
    let rendered = example();
    let routes = bundle_text(&rendered.bundle, "alertmanager/route-tests.txt");
    assert!(routes.contains(
        "payments-oncall,payments-chat,ops alertname=CheckoutApiAvailabilityErrorBudgetBurn severity=critical team=payments service=checkout-api burn_tier=page"
    ), "{routes}");
    assert!(routes.contains(
        "payments-chat,ops alertname=CheckoutApiAvailabilityErrorBudgetBurn severity=warning team=payments service=checkout-api burn_tier=ticket"
    ), "{routes}");
    let config = bundle_text(&rendered.bundle, "alertmanager/alertmanager.yml");
    assert!(
        config.contains(
            "- source_matchers:\n  - burn_tier=\"page\"\n  target_matchers:\n  - burn_tier=\"ticket\"\n  equal:\n  - sloth_id\n"
        ),
        "{config}"
    );
}

#[test]
fn an_slo_alert_without_a_route_is_warned_about() {
    let text = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
expose = [8000]
metrics = {}

[prometheus]
retention = "30d"

[alertmanager]
default-receiver = "ops"
receivers.ops = { webhook = [{ url = "http://relay:9000/" }] }
receivers.db = { webhook = [{ url = "http://relay:9000/db" }] }
team-routes.database = { receiver = "db" }

[[slos]]
service = "api"
name = "availability"
objective = 99.9
ratio = { errors = 'http_requests_total{code=~"5.."}', total = 'http_requests_total' }
"#;
    let rendered = run(Source::text("stack.toml", text), &Options::default()).expect("renders");
    let unrouted: Vec<&ErrorKind> = rendered
        .warnings
        .iter()
        .map(|w| &w.kind)
        .filter(|kind| matches!(kind, ErrorKind::UnroutedAlert { .. }))
        .collect();
    assert_eq!(
        unrouted,
        [&ErrorKind::UnroutedAlert {
            alert: "ApiAvailabilityErrorBudgetBurn".to_owned()
        }]
    );
}
