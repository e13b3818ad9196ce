//! The input series of alert unit tests are what `promtool test rules`
//! loads: a metric (`name{label="value", ...}`, equality only) and values
//! in promtool's expanding notation (`1+1x10`, `0x5`, `_x3`, `stale`).
//! Forms promtool takes that tests rarely need (hexadecimal numbers, a
//! series without a metric name) are refused too.

use promql_parser::label::MatchOp;
use promql_parser::parser::Expr;

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::syntax::is_decimal_number;
use crate::syntax::parse_bounded;

/// Checks every input series of every alert test.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (a, alert) in stack.alerts.iter().enumerate() {
        for (t, test) in alert.tests.iter().enumerate() {
            for (s, series) in test.series.iter().enumerate() {
                let at = |key: &str| {
                    pointer([
                        "alerts",
                        &a.to_string(),
                        "tests",
                        &t.to_string(),
                        "series",
                        &s.to_string(),
                        key,
                    ])
                };
                if let Err(reason) = check_metric(&series.series) {
                    checker.error(
                        &at("series"),
                        ErrorKind::InvalidValue {
                            value: format!("`{}`", series.series),
                            reason,
                            fix: "write a metric with its labels, such as `up{job=\"api\", instance=\"api:8000\"}`".to_owned(),
                        },
                    );
                }
                if let Err(reason) = check_values(&series.values) {
                    checker.error(
                        &at("values"),
                        ErrorKind::InvalidValue {
                            value: format!("`{}`", series.values),
                            reason,
                            fix: "write values such as `1 2 3`, `0+10x20` (start, step, count), `1x5`, `_x3` (no samples) or `stale`".to_owned(),
                        },
                    );
                }
            }
        }
    }
}

/// A metric name with `label="value"` pairs: what promtool's `ParseMetric` reads.
fn check_metric(text: &str) -> Result<(), String> {
    let not_a_metric = || "not a metric with `label=\"value\"` labels".to_owned();
    let Ok(Expr::VectorSelector(selector)) = parse_bounded(text) else {
        return Err(not_a_metric());
    };
    let equality_only = selector
        .matchers
        .matchers
        .iter()
        .all(|m| matches!(m.op, MatchOp::Equal));
    if selector.name.is_none()
        || !selector.matchers.or_matchers.is_empty()
        || selector.offset.is_some()
        || selector.at.is_some()
        || !equality_only
    {
        return Err(not_a_metric());
    }
    Ok(())
}

/// promtool's series notation, item by item.
fn check_values(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("no values".to_owned());
    }
    for item in text.split_ascii_whitespace() {
        if !is_item(item) {
            return Err(format!(
                "`{item}` is not a value of promtool's series notation"
            ));
        }
    }
    Ok(())
}

/// `_`, `_xN`, `stale`, `V`, `VxN`, `V+DxN` or `V-DxN`.
fn is_item(item: &str) -> bool {
    if item == "stale" || item == "_" {
        return true;
    }
    if let Some(times) = item.strip_prefix("_x") {
        return is_count(times);
    }
    let (head, times) = match item.rsplit_once('x') {
        Some((head, times)) => (head, Some(times)),
        None => (item, None),
    };
    if times.is_some_and(|n| !is_count(n)) {
        return false;
    }
    // A step needs a count: `V+D` alone is not an item.
    let step = head
        .char_indices()
        .skip(1)
        .find(|&(i, c)| matches!(c, '+' | '-') && !head[..i].ends_with(['e', 'E']))
        .map(|(i, _)| i);
    match step {
        Some(i) => times.is_some() && is_value(&head[..i]) && is_number(&head[i + 1..]),
        None => is_value(head),
    }
}

fn is_count(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A sample value: a signed decimal number, `Inf` or `NaN`.
fn is_value(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    matches!(unsigned, "Inf" | "NaN") || is_number(unsigned)
}

/// An unsigned decimal number.
fn is_number(text: &str) -> bool {
    !text.starts_with(['+', '-']) && is_decimal_number(text)
}

#[cfg(test)]
mod tests {
    use super::{check_metric, check_values};

    /// Accepted by `promtool test rules` 2.42 (checked by hand with promtool).
    const GOOD_VALUES: &[&str] = &[
        "0x10",
        "1+1x5 _x3 stale",
        "0 1e3 -5+2x3 Inf NaN",
        "1 2 3",
        "_ _ 1",
        "1.5-0.5x2",
        "-Inf +Inf",
        "0+1.5e2x3",
    ];

    const BAD_VALUES: &[&str] = &[
        "0xx10", "abc", "1 2 3x", "", "1+1", "x3", "1+x3", "_+1x2", "0x1F",
    ];

    #[test]
    fn series_values_follow_promtool_notation() {
        for good in GOOD_VALUES {
            assert_eq!(check_values(good), Ok(()), "{good}");
        }
        for bad in BAD_VALUES {
            assert!(check_values(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn series_are_metrics() {
        for good in [
            "up{job=\"app\", instance=\"app:8080\"}",
            "up",
            "http_requests_total{code='500'}",
        ] {
            assert_eq!(check_metric(good), Ok(()), "{good}");
        }
        for bad in [
            "up{",
            "up{job=~\"a\"}",
            "{job=\"a\"}",
            "rate(up[5m])",
            "up offset 5m",
            "up{a!=\"b\"}",
        ] {
            assert!(check_metric(bad).is_err(), "{bad}");
        }
        // Refused before the parser builds a tree deep enough to overflow the stack.
        let deep = format!("{}up{}", "sum(".repeat(100_000), ")".repeat(100_000));
        assert!(check_metric(&deep).is_err());
    }
}
