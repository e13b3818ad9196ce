//! Parsing a cheaper stand-in of an expression that parses exactly when
//! the original does.
//!
//! The `PromQL` parser compiles the regex of every `=~` / `!~` matcher it
//! meets (a regex with `.`, such as the ubiquitous `status=~"5.."`, takes a
//! fifth of a millisecond), and it reads each duration with a regex it
//! compiles on first use. [`stand_in`] swaps:
//! - each regex matcher `a=~"re"` / `a!~"re"` for `a="s"` / `a!="s"`, where
//!   `s` is `""` or `"x"`, whichever matches the empty string exactly when
//!   `re` does, after checking (once per distinct regex, the way the
//!   parser does) that `re` compiles ([`super::promql_regex`]);
//! - each duration (`[5m]`, `[1h:1m]`, `offset 5m`) for the number `1`,
//!   after [`super::promql_dialect`] read it the way Prometheus does.
//!
//! Why a successful parse of the stand-in proves the original parses: the
//! real lexer finds the tokens, and the stand-in swaps tokens for tokens of
//! the same grammar category (`=~` and `=` are both match operators, a
//! duration and a number are both durations in these places), so the
//! grammar sees the same shape. The parser looks at a regex matcher's
//! value in exactly three places: it compiles it (the original compiles,
//! checked), it asks whether the matcher matches the empty string (to
//! reject selectors like `{a=~".*"}`; the stand-in answers the same), and
//! it quotes the value of a `__name__` matcher in an error (those matchers
//! are left alone). It looks at a duration's value only to refuse zero,
//! and the durations swapped are greater than zero. Any failure of the
//! stand-in falls back to parsing the original text, so error messages
//! are the parser's own.

use promql_parser::parser::token::{T_DURATION, T_EQL_REGEX, T_IDENTIFIER, T_NEQ_REGEX, T_STRING};
use promql_parser::util::unquote_string;

use super::promql::Token;
use super::promql_regex::matches_empty;

/// The label whose matchers stay as written (the parser quotes its value).
const METRIC_NAME: &str = "__name__";

/// `expr` with every regex matcher and duration swapped for its stand-in;
/// `None` when there is nothing to swap, or when a regex does not compile.
/// The durations must have passed [`super::promql_dialect::check`].
pub fn stand_in(expr: &str, tokens: &[Token<'_>]) -> Option<String> {
    let mut swaps: Vec<(&Token<'_>, &str)> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if token.id == T_DURATION {
            swaps.push((token, "1"));
            continue;
        }
        let Some([name, op, value]) = tokens.get(at..at + 3) else {
            continue;
        };
        let is_regex_matcher = name.id == T_IDENTIFIER
            && matches!(op.id, T_EQL_REGEX | T_NEQ_REGEX)
            && value.id == T_STRING
            && name.text != METRIC_NAME;
        if !is_regex_matcher {
            continue;
        }
        let regex = unquote_string(value.text).ok()?;
        let literal = if matches_empty(&regex)? {
            "\"\""
        } else {
            "\"x\""
        };
        let plain_op = if op.id == T_EQL_REGEX { "=" } else { "!=" };
        swaps.push((op, plain_op));
        swaps.push((value, literal));
    }
    if swaps.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(expr.len());
    let mut copied = 0;
    for (token, text) in swaps {
        out.push_str(&expr[copied..token.start]);
        out.push_str(text);
        copied = token.end;
    }
    out.push_str(&expr[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::validate::promql::tokens;

    fn parses(expr: &str) -> bool {
        promql_parser::parser::parse(expr).is_ok()
    }

    fn swapped(expr: &str) -> Option<String> {
        stand_in(expr, &tokens(expr)?)
    }

    #[test]
    fn regex_matchers_become_plain_matchers_that_match_the_empty_string_alike() {
        assert_eq!(
            swapped(r#"sum(rate(x{job="a", status=~"5.."}[5m])) / y{fs!~"tmpfs|"}"#).as_deref(),
            Some(r#"sum(rate(x{job="a", status="x"}[1])) / y{fs!=""}"#)
        );
        assert_eq!(
            swapped(r#"x{a=~'.*', b=~"a\\d", c=~`[0-9]+`}"#).as_deref(),
            Some(r#"x{a="", b="x", c="x"}"#)
        );
        assert_eq!(swapped(r#"x{job="a"} > 1"#), None);
        assert_eq!(swapped(r#"x{__name__=~"a.*"}"#), None);
        assert_eq!(swapped(r#"x{a=~"("}"#), None);
        // `=~` inside a string or a comment is no matcher.
        assert_eq!(swapped("x{a=\"=~\\\"5..\\\"\"} # b=~\"5..\""), None);
    }

    #[test]
    fn durations_become_numbers() {
        assert_eq!(
            swapped("max_over_time(rate(x[5m])[1h:30s] offset -1d)").as_deref(),
            Some("max_over_time(rate(x[1])[1:1] offset -1)")
        );
    }

    /// The stand-in parses exactly when the original does, on expressions
    /// that exercise each place the parser reads a matcher's value or a
    /// duration.
    #[test]
    fn stand_ins_parse_exactly_when_the_originals_do() {
        let cases = [
            r#"sum(rate(http_requests_total{job="api", status=~"5.."}[5m]))"#,
            r#"{a=~".*"}"#,
            r#"{a=~".+"}"#,
            r#"{a!~".*"}"#,
            r#"{a!~"x"}"#,
            r#"{a=~"", b="c"}"#,
            r#"{a=~".*" or b=~"x"}"#,
            r#"foo{a=~"x{2}"}"#,
            r#"foo{__name__=~"bar"}"#,
            r#"{__name__=~"bar"}"#,
            r#"foo{a=~"x"} + on(a) group_left bar{b!~"y|z"}"#,
            r#"foo{a=~"x"}[5m]"#,
            r#"foo{a=~"x"} offset 5m"#,
            r#"foo{a=~"x"} =~ "y""#,
            r#"foo{a=~"x" b=~"y"}"#,
            r#"label_replace(up{a=~"x"}, "dst", "$1", "src", "(.*)")"#,
            r#"foo{a=~"\q"}"#,
            r#"foo{a=~"x"}{b=~"y"}"#,
            r#"count_values("v", foo{a=~".*", job="x"})"#,
            "rate(x[5m])",
            "rate(x[5m]) offset 5m",
            "rate(x[5m] offset 5m)",
            "x[5m]",
            "sum(x)[5m]",
            "sum(x)[5m:]",
            "sum(x)[5m:1m] offset -1h",
            "x offset 5m offset 1m",
            "x[5m][5m]",
            "x[5m:1m:1m]",
            "rate(x[5m] @ 100 offset 1m)",
            "1[5m]",
            "rate(x[5m] offset 5m @ 1)",
        ];
        let mut swapped_count = 0;
        for case in cases {
            if let Some(stand_in) = swapped(case) {
                assert_eq!(parses(&stand_in), parses(case), "{case} vs {stand_in}");
                swapped_count += 1;
            }
        }
        assert!(
            swapped_count >= 27,
            "only {swapped_count} cases had stand-ins"
        );
    }

    fn selector() -> impl Strategy<Value = String> {
        let matcher = (
            prop::sample::select(vec!["a", "job", "__name__", "le"]),
            prop::sample::select(vec!["=~", "!~", "=", "!="]),
            prop::sample::select(vec![
                "", ".*", ".+", "5..", "x", "(", "a{2}", "a{", "\\d", "x|", "[45]..", "(?i)a",
            ]),
        )
            .prop_map(|(name, op, value)| format!("{name}{op}\"{value}\""));
        (
            prop::sample::select(vec!["", "up", "http_requests_total"]),
            prop::collection::vec(matcher, 0..3),
            prop::sample::select(vec![", ", " or "]),
        )
            .prop_map(|(metric, matchers, join)| format!("{metric}{{{}}}", matchers.join(join)))
    }

    fn duration() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["5m", "1h30m", "1ms", "2d", "1y", "10s"])
    }

    proptest! {
        #[test]
        fn a_parsing_stand_in_means_the_original_parses(
            left in selector(),
            right in selector(),
            range in duration(),
            step in duration(),
            shape in 0..6,
        ) {
            let expr = match shape {
                0 => left,
                1 => format!("sum(rate({left}[{range}])) / {right}"),
                2 => format!("{left} and on(job) {right}"),
                3 => format!("max_over_time(rate({left}[{range}])[{range}:{step}] offset -{step})"),
                4 => format!("{left}[{range}] offset {step}"),
                _ => format!("count_values(\"v\", {left}) > 1"),
            };
            if let Some(stand_in) = swapped(&expr) {
                prop_assert_eq!(parses(&stand_in), parses(&expr), "{} vs {}", expr, stand_in);
            }
        }
    }
}
