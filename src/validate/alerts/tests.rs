//! Unit tests of `alerts`.

use crate::error::Diagnostic;
use crate::load::load_str;

/// The diagnostics of `text` as (code, message, the source text under the span).
fn diagnostics(text: &str) -> Vec<(String, String, String)> {
    let loaded = load_str("stack.toml", text).expect("loads");
    crate::validate::validate(&loaded)
        .iter()
        .map(|d: &Diagnostic| {
            (
                d.kind.code().to_owned(),
                d.kind.to_string(),
                text[d.location.span.clone()].to_owned(),
            )
        })
        .collect()
}

const BASE: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }

[prometheus]
"#;

#[test]
fn invalid_promql_points_at_the_place_in_the_expression() {
    // The bracket never closed, in a literal string and in a basic string
    // with escapes before it; a multi-line string is pointed at as a whole.
    for (expr, pointed) in [
        ("'rate(http_requests_total[5m]'", "("),
        (r#""x{a=\"\u00e9\"} + rate(x[5m]""#, "("),
        ("'''\nsum(up'''", "'''\nsum(up'''"),
    ] {
        let text = format!("{BASE}\n[[alerts]]\nname = \"Broken\"\nexpr = {expr}\n");
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "stackgen::promql::parse");
        assert!(found[0].1.contains("`(` is never closed"), "{found:?}");
        assert_eq!(found[0].2, pointed, "{expr}");
        let at = text.find(&found[0].2).expect("in the text");
        let written = text.find(expr).expect("the expression");
        assert!(at >= written, "{expr}: points before the expression");
    }
}

#[test]
fn duplicate_alert_names_point_at_the_second() {
    let text = format!(
        "{BASE}\n[[alerts]]\nname = \"ApiDown\"\nexpr = \"up == 0\"\n\n[[alerts]]\nname = \"ApiDown\"\nexpr = \"up{{job='api'}} == 0\"\n"
    );
    let found = diagnostics(&text);
    assert_eq!(
        found,
        vec![(
            "stackgen::names::duplicate".to_owned(),
            "alert `ApiDown` is defined more than once".to_owned(),
            "\"ApiDown\"".to_owned(),
        )]
    );
    let second = text.rfind("\"ApiDown\"").expect("second name");
    let loaded = load_str("stack.toml", &text).expect("loads");
    let diagnostic = &crate::validate::validate(&loaded)[0];
    assert_eq!(diagnostic.location.span.start, second);
}

#[test]
fn unknown_library_rule_suggests_the_closest() {
    let text = BASE.replace(
            "metrics = { path = \"/metrics\" }",
            "metrics = { path = \"/metrics\" }\nalerts = { disable = [\"HighErrorRat\"], thresholds = { TargetDown = 1 } }",
        );
    let found = diagnostics(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[0],
        (
            "stackgen::refs::dangling".to_owned(),
            "built-in alert `HighErrorRat` does not exist".to_owned(),
            "\"HighErrorRat\"".to_owned(),
        )
    );
    let loaded = load_str("stack.toml", &text).expect("loads");
    assert_eq!(
        crate::validate::validate(&loaded)[0].kind.help(),
        "did you mean `HighErrorRate`?"
    );
    assert_eq!(found[1].0, "stackgen::schema::value");
    assert_eq!(found[1].2, "TargetDown");
}

#[test]
fn groups_named_like_the_library_are_refused() {
    let text = format!(
        "{BASE}\n[[alerts]]\nname = \"HighErrors\"\nexpr = \"up == 0\"\ngroup = \"library-targets\"\n"
    );
    let found: Vec<(String, String)> = diagnostics(&text)
        .into_iter()
        .map(|(code, _, span)| (code, span))
        .collect();
    assert_eq!(
        found,
        [(
            "stackgen::names::reserved".to_owned(),
            "\"library-targets\"".to_owned()
        )]
    );
}

#[test]
fn names_groups_services_and_probes_are_checked() {
    let text = format!(
        "{BASE}\n[[alerts]]\nname = \"high-errors\"\nexpr = \"up == 0\"\nservice = \"apj\"\ngroup = \"My Group\"\n\n[[recording-rules]]\nrecord = \"bad-name\"\nexpr = \"up\"\n"
    );
    let found: Vec<(String, String)> = diagnostics(&text)
        .into_iter()
        .map(|(code, _, span)| (code, span))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "stackgen::schema::value".to_owned(),
                "\"high-errors\"".to_owned()
            ),
            ("stackgen::refs::dangling".to_owned(), "\"apj\"".to_owned()),
            (
                "stackgen::names::unsafe".to_owned(),
                "\"My Group\"".to_owned()
            ),
            (
                "stackgen::schema::value".to_owned(),
                "\"bad-name\"".to_owned()
            ),
        ]
    );
    let probes = BASE.replace("expose = [8000]", "probes = [\"health\"]");
    let found: Vec<String> = diagnostics(&probes).into_iter().map(|d| d.2).collect();
    assert!(found.contains(&"\"health\"".to_owned()), "{found:?}");
    assert!(found.contains(&"probes".to_owned()), "{found:?}");
}

#[test]
fn exporters_need_a_known_kind_and_jobs_unique_names() {
    let text = BASE.replace("kind = \"app\"", "kind = \"app\"\nexporter = true")
        + "scrape = [{ job = \"api\", targets = [\"10.0.0.1:9100\"] }]\n";
    let found: Vec<(String, String)> = diagnostics(&text)
        .into_iter()
        .map(|(code, _, span)| (code, span))
        .collect();
    assert_eq!(
        found,
        vec![
            ("stackgen::schema::value".to_owned(), "exporter".to_owned()),
            (
                "stackgen::names::duplicate".to_owned(),
                "\"api\"".to_owned()
            ),
        ]
    );
}

#[test]
fn scrape_timeout_stays_within_the_interval() {
    let text = BASE.replace(
        "metrics = { path = \"/metrics\" }",
        "metrics = { path = \"/metrics\", timeout = \"20s\" }",
    );
    let found = diagnostics(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].2, "\"20s\"");
    let within = text.replace("timeout = \"20s\"", "timeout = \"20s\", interval = \"30s\"");
    assert!(diagnostics(&within).is_empty());
}

#[test]
fn the_status_label_is_a_label_name() {
    let text = BASE.replace(
        "metrics = { path = \"/metrics\" }",
        "metrics = { path = \"/metrics\", status-label = \"status-code\" }",
    );
    let found = diagnostics(&text);
    assert_eq!(
        found,
        vec![(
            "stackgen::schema::value".to_owned(),
            "invalid value `status-code`: a status label is a Prometheus label name".to_owned(),
            "\"status-code\"".to_owned()
        )]
    );
    let fine = text.replace("status-code", "code");
    assert!(diagnostics(&fine).is_empty());
}

#[test]
fn threshold_overrides_stay_in_range() {
    let text = BASE.replace(
            "metrics = { path = \"/metrics\" }",
            "metrics = { path = \"/metrics\" }\nalerts = { thresholds = { HighErrorRate = 1.5, HighLatencyP95 = 2 } }",
        );
    let found = diagnostics(&text);
    assert_eq!(
        found,
        vec![(
            "stackgen::schema::value".to_owned(),
            "invalid value 1.5: the threshold of `HighErrorRate` must be above 0 and below 1"
                .to_owned(),
            "1.5".to_owned(),
        )]
    );
}
