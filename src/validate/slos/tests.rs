//! Unit tests of `slos`.

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

/// `BASE` with one SLO of `fields` (TOML lines).
fn with_slo(fields: &str) -> String {
    format!("{BASE}\n[[slos]]\nservice = \"api\"\nname = \"availability\"\n{fields}\n")
}

const BASE: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
expose = [8000]
metrics = {}

[services.db]
image = "postgres:16"

[prometheus]
retention = "30d"
"#;

const RATIO: &str = r#"ratio = { errors = 'http_requests_total{job="api", status=~"5.."}', total = 'http_requests_total{job="api"}' }"#;

fn one(found: &[(String, String, String)]) -> (&str, &str, &str) {
    assert_eq!(found.len(), 1, "{found:#?}");
    (&found[0].0, &found[0].1, &found[0].2)
}

#[test]
fn a_valid_slo_passes() {
    assert_eq!(
        diagnostics(&with_slo(&format!("objective = 99.9\n{RATIO}"))),
        []
    );
    let latency = r#"latency = { histogram = "http_request_duration_seconds", le = 0.5, selector = '{job="api"}' }"#;
    assert_eq!(
        diagnostics(&with_slo(&format!("objective = 99\n{latency}"))),
        []
    );
}

#[test]
fn objectives_must_be_percentages() {
    let found = diagnostics(&with_slo(&format!("objective = 100\n{RATIO}")));
    assert_eq!(
        one(&found),
        (
            "stackgen::slos::objective",
            "objective 100 is not a usable percentage: it must be above 0 and below 100",
            "100"
        )
    );
    let found = diagnostics(&with_slo(&format!("objective = 99.123456789012\n{RATIO}")));
    assert!(
        one(&found).1.contains("more than 10 decimal places"),
        "{found:?}"
    );
}

#[test]
fn low_objectives_cannot_page() {
    let found = diagnostics(&with_slo(&format!("objective = 0.999\n{RATIO}")));
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the page alert can never fire: at objective 0.999%, even every event failing burns the budget too slowly"
        ]
    );
    let loaded =
        load_str("stack.toml", &with_slo(&format!("objective = 80\n{RATIO}"))).expect("loads");
    let diagnostic = &crate::validate::validate(&loaded)[0];
    assert!(
        diagnostic.kind.help().contains("83.34% or more"),
        "{}",
        diagnostic.kind.help()
    );
    let off = with_slo(&format!(
        "objective = 80\n{RATIO}\nalerting = {{ page = false }}"
    ));
    assert_eq!(diagnostics(&off), []);
}

#[test]
fn the_period_fits_the_windows_and_the_retention() {
    let found = diagnostics(&with_slo(&format!(
        "objective = 99.9\nperiod = \"60d\"\n{RATIO}"
    )));
    assert_eq!(
        one(&found),
        (
            "stackgen::slos::retention",
            "the SLO period 60d is longer than Prometheus keeps data (30d)",
            "\"60d\""
        )
    );
    let found = diagnostics(&with_slo(&format!(
        "objective = 99.9\nperiod = \"1d\"\n{RATIO}"
    )));
    assert_eq!(
        one(&found),
        (
            "stackgen::slos::period",
            "the SLO period 1d is shorter than the 3d window of its alerts",
            "\"1d\""
        )
    );
    // Without `retention`, Prometheus keeps 15 days: the default 30d period does not fit.
    let text = with_slo(&format!("objective = 99.9\n{RATIO}")).replace("retention = \"30d\"\n", "");
    let found = diagnostics(&text);
    assert_eq!(
        one(&found).1,
        "the SLO period 30d is longer than Prometheus keeps data (15d)"
    );
}

#[test]
fn selectors_must_be_plain() {
    let ratio = r#"ratio = { errors = 'rate(http_requests_total{status=~"5.."}[5m])', total = 'http_requests_total[5m]' }"#;
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{ratio}")));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0].1,
        "`errors` is not a plain series selector: it already applies `rate()`"
    );
    assert_eq!(
        found[0].2,
        r#"'rate(http_requests_total{status=~"5.."}[5m])'"#
    );
    assert_eq!(
        found[1].1,
        "`total` is not a plain series selector: it already has a range"
    );
    let broken = "ratio = { errors = 'x{', total = 'y' }";
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{broken}")));
    assert_eq!(one(&found).0, "stackgen::promql::parse");
    assert_eq!(one(&found).2, "{");
}

#[test]
fn an_sli_must_tell_bad_from_good() {
    let same = r#"ratio = { errors = 'x{job="api"}', total = 'x{job="api"}' }"#;
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{same}")));
    let (code, message, span) = one(&found);
    assert_eq!(code, "stackgen::slos::sli");
    assert!(
        message.contains("`errors` selects every series `total` selects"),
        "{message}"
    );
    assert_eq!(span, "ratio");
    let both = format!("objective = 99.9\n{RATIO}\nlatency = {{ histogram = \"h\", le = 1 }}");
    let found = diagnostics(&with_slo(&both));
    assert_eq!(
        one(&found).1,
        "SLO `availability` has both `ratio` and `latency`"
    );
    assert_eq!(one(&found).2, "latency");
    let found = diagnostics(&with_slo("objective = 99.9"));
    assert_eq!(
        one(&found).1,
        "SLO `availability` has neither `ratio` nor `latency`"
    );
}

#[test]
fn latency_reads_a_histogram_by_its_name() {
    let latency = r#"latency = { histogram = "h_bucket", le = 0.5, selector = 'h{le="1"}' }"#;
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{latency}")));
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`histogram` is not a plain series selector: it ends in `_bucket`",
            "`selector` is not a plain series selector: it is not label matchers in braces",
        ]
    );
    let latency = r#"latency = { histogram = "h", le = 0.5, selector = '{le="1"}' }"#;
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{latency}")));
    assert_eq!(
        one(&found).1,
        "`selector` is not a plain series selector: it matches `le`"
    );
}

#[test]
fn the_service_exists_and_is_scraped() {
    let text = with_slo(&format!("objective = 99.9\n{RATIO}"));
    let found = diagnostics(&text.replace("service = \"api\"\nname", "service = \"apj\"\nname"));
    assert_eq!(
        one(&found),
        (
            "stackgen::refs::dangling",
            "service `apj` does not exist",
            "\"apj\""
        )
    );
    let found = diagnostics(&text.replace("service = \"api\"\nname", "service = \"db\"\nname"));
    assert_eq!(
        one(&found).1,
        "service `db` is not scraped by Prometheus, so its SLO has no metrics"
    );
    let found = diagnostics(&text.replace("[prometheus]\nretention = \"30d\"\n", ""));
    assert_eq!(one(&found).1, "`[[slos]]` needs a `[prometheus]` section");
    assert_eq!(one(&found).2, "slos");
}

#[test]
fn names_are_unique_per_service_and_as_ids() {
    let slo = format!("objective = 99.9\n{RATIO}");
    let text = format!(
        "{}\n[[slos]]\nservice = \"api\"\nname = \"availability\"\n{slo}\n",
        with_slo(&slo)
    );
    let found = diagnostics(&text);
    assert_eq!(
        one(&found).1,
        "SLO `availability` is defined more than once"
    );
    // `api` + `x-y` and `api-x` + `y` would share the id `api-x-y`.
    let text = format!(
        "{BASE}\n[services.api-x]\nimage = \"x:1\"\nexpose = [80]\nmetrics = {{}}\n\n[[slos]]\nservice = \"api\"\nname = \"x-y\"\n{slo}\n\n[[slos]]\nservice = \"api-x\"\nname = \"y\"\n{slo}\n"
    );
    let found = diagnostics(&text);
    assert_eq!(one(&found).1, "SLO id `api-x-y` is defined more than once");
}

#[test]
fn tier_labels_leave_stackgen_s_own_alone() {
    let alerting = r#"alerting = { name = "bad name", page = { labels = { severity = "x", ok = "z" }, annotations = { x_y = "1" } } }"#;
    let found = diagnostics(&with_slo(&format!("objective = 99.9\n{RATIO}\n{alerting}")));
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "invalid value `bad name`: not a valid alert name",
            "invalid value `severity`: stackgen sets this label on SLO alerts",
        ]
    );
}

#[test]
fn user_rule_groups_keep_off_slo_groups() {
    let text = format!(
        "{}\n[[alerts]]\nname = \"X\"\nexpr = \"up == 0\"\ngroup = \"slo-api-availability\"\n",
        with_slo(&format!("objective = 99.9\n{RATIO}"))
    );
    let found = diagnostics(&text);
    assert_eq!(
        one(&found),
        (
            "stackgen::names::reserved",
            "rule group name `slo-api-availability` is reserved for the SLO `availability` of `api`",
            "\"slo-api-availability\""
        )
    );
}
