//! The `PromQL` of Prometheus 2.42, the version the bundle runs.
//!
//! The parser follows Prometheus 3, whose language is larger: numbers as
//! durations (`[300]`, `offset 300`), durations as numbers (`x > 5m`),
//! quoted metric and label names (`{"a.b"}`, `by ("a")`), `or` between
//! label matchers, `limitk`, `limit_ratio`, `fill(...)` modifiers,
//! `smoothed`/`anchored` ranges, `offset +5m` and twenty functions
//! (`mad_over_time`, `sort_by_label`, ...), and matcher regexes in syntax
//! only Rust's regex knows ([`crate::syntax::go_regex`]). Prometheus 2.42 refuses each
//! of them, with the message given here. The other way round,
//! `holt_winters`, which Prometheus 3 renamed, is taught to the parser by
//! [`teach_parser`].
//!
//! [`check_tree`] walks the parsed expression: functions, aggregations,
//! `or` between matchers, matcher regexes and the length of durations (at
//! most 292 years) are all in the tree. [`check_tokens`] reads the tokens,
//! before parsing, for what the tree forgets: how a duration, a number or
//! a name was written, and the `fill`, `smoothed` and `anchored` keywords
//! the parser knows only by spelling.

use std::sync::Once;

use promql_parser::parser::function::{Function, register_extra_functions};
use std::time::Duration;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::token::{
    T_ADD, T_ANCHORED, T_BY, T_COLON, T_DURATION, T_EQL, T_EQL_REGEX, T_FILL, T_FILL_LEFT,
    T_FILL_RIGHT, T_GROUP_LEFT, T_GROUP_RIGHT, T_IGNORING, T_LEFT_BRACE, T_LEFT_BRACKET,
    T_LEFT_PAREN, T_LIMIT_RATIO, T_LIMITK, T_NEQ, T_NEQ_REGEX, T_NUMBER, T_OFFSET, T_ON,
    T_RIGHT_BRACE, T_RIGHT_BRACKET, T_RIGHT_PAREN, T_SMOOTHED, T_STRING, T_SUB, T_WITHOUT, TokenId,
};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{Expr, Offset, VectorSelector};

use super::promql::Token;
use crate::syntax::go_regex;

/// The functions of Prometheus 2.42, sorted.
const FUNCTIONS: [&str; 70] = [
    "abs",
    "absent",
    "absent_over_time",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "avg_over_time",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "cos",
    "cosh",
    "count_over_time",
    "day_of_month",
    "day_of_week",
    "day_of_year",
    "days_in_month",
    "deg",
    "delta",
    "deriv",
    "exp",
    "floor",
    "histogram_count",
    "histogram_fraction",
    "histogram_quantile",
    "histogram_sum",
    "holt_winters",
    "hour",
    "idelta",
    "increase",
    "irate",
    "label_join",
    "label_replace",
    "last_over_time",
    "ln",
    "log10",
    "log2",
    "max_over_time",
    "min_over_time",
    "minute",
    "month",
    "pi",
    "predict_linear",
    "present_over_time",
    "quantile_over_time",
    "rad",
    "rate",
    "resets",
    "round",
    "scalar",
    "sgn",
    "sin",
    "sinh",
    "sort",
    "sort_desc",
    "sqrt",
    "stddev_over_time",
    "stdvar_over_time",
    "sum_over_time",
    "tan",
    "tanh",
    "time",
    "timestamp",
    "vector",
    "year",
];

/// Teaches the parser `holt_winters(range, scalar, scalar)`, once per process.
pub fn teach_parser() {
    static TAUGHT: Once = Once::new();
    TAUGHT.call_once(|| {
        let holt_winters = Function::new(
            "holt_winters",
            vec![ValueType::Matrix, ValueType::Scalar, ValueType::Scalar],
            0,
            ValueType::Vector,
            false,
        );
        // Fails only if the parser already knows the name, which is fine.
        let _ = register_extra_functions(vec![holt_winters]);
    });
}

/// Where a token stands: what the tokens before it open.
#[derive(Debug, Default)]
struct Context {
    in_braces: bool,
    in_brackets: bool,
    in_grouping: bool,
}

/// Refuses what Prometheus 2.42 refuses and only the tokens show, with
/// Prometheus's message.
pub fn check_tokens(tokens: &[Token<'_>]) -> Result<(), String> {
    let mut context = Context::default();
    for (at, token) in tokens.iter().enumerate() {
        let before = at.checked_sub(1).map(|b| tokens[b].id);
        let after = tokens.get(at + 1).map(|t| t.id);
        match token.id {
            T_LEFT_BRACE => context.in_braces = true,
            T_RIGHT_BRACE => context.in_braces = false,
            T_LEFT_BRACKET => context.in_brackets = true,
            T_RIGHT_BRACKET => context.in_brackets = false,
            T_LEFT_PAREN => context.in_grouping = before.is_some_and(opens_label_list),
            T_RIGHT_PAREN => context.in_grouping = false,
            _ => {}
        }
        check_token(tokens, at, &context, before, after)?;
    }
    Ok(())
}

fn check_token(
    tokens: &[Token<'_>],
    at: usize,
    context: &Context,
    before: Option<TokenId>,
    after: Option<TokenId>,
) -> Result<(), String> {
    let token = &tokens[at];
    let text = token.text;
    match token.id {
        T_NUMBER => match duration_slot(tokens, at, context) {
            Some(Slot::Range) => Err("missing unit character in duration".to_owned()),
            Some(Slot::Step) => Err(format!(
                "unexpected number {text:?} in subquery selector, expected duration or \"]\""
            )),
            Some(Slot::Offset) => Err(format!(
                "unexpected number {text:?} in offset, expected duration"
            )),
            None => Ok(()),
        },
        T_DURATION if duration_slot(tokens, at, context).is_none() => {
            Err(format!("unexpected duration {text:?}"))
        }
        T_ADD if before == Some(T_OFFSET) => {
            Err("unexpected <op:+> in offset, expected duration".to_owned())
        }
        T_STRING if context.in_braces && !before.is_some_and(is_match_op) => Err(format!(
            "unexpected string {text:?} in label matching, expected identifier or \"}}\""
        )),
        T_STRING if context.in_grouping => Err(format!(
            "unexpected string {text:?} in grouping opts, expected label"
        )),
        T_FILL | T_FILL_LEFT | T_FILL_RIGHT if after == Some(T_LEFT_PAREN) => {
            Err(unknown_function(text))
        }
        T_SMOOTHED | T_ANCHORED if before == Some(T_RIGHT_BRACKET) => {
            Err(format!("unexpected identifier {text:?}"))
        }
        _ => Ok(()),
    }
}

/// Refuses what Prometheus 2.42 refuses in a parsed expression, with
/// Prometheus's message: the first problem, depth first.
pub fn check_tree(expr: &Expr) -> Result<(), String> {
    match expr {
        Expr::Aggregate(aggregate) => {
            if matches!(aggregate.op.id(), T_LIMITK | T_LIMIT_RATIO) {
                return Err(unknown_function(&aggregate.op.to_string()));
            }
            if let Some(param) = &aggregate.param {
                check_tree(param)?;
            }
            check_tree(&aggregate.expr)
        }
        Expr::Unary(unary) => check_tree(&unary.expr),
        Expr::Binary(binary) => {
            check_tree(&binary.lhs)?;
            check_tree(&binary.rhs)
        }
        Expr::Paren(paren) => check_tree(&paren.expr),
        Expr::Subquery(subquery) => {
            check_tree(&subquery.expr)?;
            check_length(subquery.range)?;
            if let Some(step) = subquery.step {
                check_length(step)?;
            }
            check_offset(subquery.offset.as_ref())
        }
        Expr::VectorSelector(selector) => check_selector(selector),
        Expr::MatrixSelector(matrix) => {
            check_selector(&matrix.vs)?;
            check_length(matrix.range)
        }
        Expr::Call(call) => {
            if FUNCTIONS.binary_search(&call.func.name).is_err() {
                return Err(unknown_function(call.func.name));
            }
            call.args.args.iter().try_for_each(|arg| check_tree(arg))
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => Ok(()),
    }
}

fn check_selector(selector: &VectorSelector) -> Result<(), String> {
    if !selector.matchers.or_matchers.is_empty() {
        return Err(
            "unexpected identifier \"or\" in label matching, expected \",\" or \"}\"".to_owned(),
        );
    }
    selector
        .matchers
        .matchers
        .iter()
        .try_for_each(check_matcher)?;
    check_offset(selector.offset.as_ref())
}

fn check_matcher(matcher: &Matcher) -> Result<(), String> {
    match &matcher.op {
        MatchOp::Re(_) | MatchOp::NotRe(_) => match go_regex::refusal(&matcher.value) {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        },
        MatchOp::Equal | MatchOp::NotEqual => Ok(()),
    }
}

fn check_offset(offset: Option<&Offset>) -> Result<(), String> {
    match offset {
        Some(Offset::Pos(length) | Offset::Neg(length)) => check_length(*length),
        None => Ok(()),
    }
}

/// The longest duration Prometheus holds: 292 years, a Go `time.Duration`.
fn check_length(length: Duration) -> Result<(), String> {
    let longest = Duration::from_nanos(i64::MAX.unsigned_abs());
    if length > longest {
        Err("duration out of range".to_owned())
    } else {
        Ok(())
    }
}

fn unknown_function(name: &str) -> String {
    format!("unknown function with name {name:?} (Prometheus 2.42, which the bundle runs)")
}

/// The places a duration goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// `x[<here>]`, `x[<here>:...]`.
    Range,
    /// `x[5m:<here>]`.
    Step,
    /// `x offset <here>`, `x offset -<here>`.
    Offset,
}

/// Which duration slot token `at` fills, if any.
fn duration_slot(tokens: &[Token<'_>], at: usize, context: &Context) -> Option<Slot> {
    let id = |back: usize| at.checked_sub(back).map(|b| tokens[b].id);
    match id(1)? {
        T_LEFT_BRACKET => Some(Slot::Range),
        T_COLON if context.in_brackets => Some(Slot::Step),
        T_OFFSET => Some(Slot::Offset),
        T_SUB if id(2) == Some(T_OFFSET) => Some(Slot::Offset),
        _ => None,
    }
}

/// Whether the token opens a list of label names: `by (`, `on (`, ...
fn opens_label_list(id: TokenId) -> bool {
    matches!(
        id,
        T_BY | T_WITHOUT | T_ON | T_IGNORING | T_GROUP_LEFT | T_GROUP_RIGHT
    )
}

fn is_match_op(id: TokenId) -> bool {
    matches!(id, T_EQL | T_NEQ | T_EQL_REGEX | T_NEQ_REGEX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_promql;

    #[test]
    fn the_function_list_is_sorted_and_known_to_the_parser() {
        assert!(FUNCTIONS.is_sorted());
        teach_parser();
        for name in FUNCTIONS {
            if let Err(error) = promql_parser::parser::parse(&format!("{name}()")) {
                assert!(!error.contains("unknown function"), "{name}: {error}");
            }
        }
    }

    /// Each case was run through `promtool check rules` of Prometheus 2.42:
    /// these fail there, with the message given here.
    #[test]
    fn what_prometheus_2_42_refuses_is_refused() {
        for (expr, message) in [
            ("rate(x[300])", "missing unit character in duration"),
            ("rate(x[1:1])", "missing unit character in duration"),
            ("x offset 300", "unexpected number \"300\" in offset"),
            ("x offset - 300", "unexpected number \"300\" in offset"),
            ("x offset +5m", "unexpected <op:+> in offset"),
            (
                "rate(x[5m:30])",
                "unexpected number \"30\" in subquery selector",
            ),
            ("x > 5m", "unexpected duration \"5m\""),
            ("x @ 5m", "unexpected duration \"5m\""),
            (
                "{\"x\"}",
                "unexpected string \"\\\"x\\\"\" in label matching",
            ),
            ("x{\"a\"=\"b\"}", "in label matching, expected identifier"),
            ("sum by (\"a\") (x)", "in grouping opts, expected label"),
            (
                "x{a=\"b\" or c=\"d\"}",
                "unexpected identifier \"or\" in label matching",
            ),
            ("limitk(2, x)", "unknown function with name \"limitk\""),
            (
                "limit_ratio(0.5, x)",
                "unknown function with name \"limit_ratio\"",
            ),
            ("x + fill(0) y", "unknown function with name \"fill\""),
            ("rate(x[5m] smoothed)", "unexpected identifier \"smoothed\""),
            ("rate(x[5m] anchored)", "unexpected identifier \"anchored\""),
            (
                "mad_over_time(x[5m])",
                "unknown function with name \"mad_over_time\"",
            ),
            (
                "sort_by_label(x, \"a\")",
                "unknown function with name \"sort_by_label\"",
            ),
            (
                "double_exponential_smoothing(x[5m], 0.5, 0.5)",
                "unknown function",
            ),
            ("info(x)", "unknown function"),
            ("rate(x[293y])", "duration out of range"),
            // Deep in the tree.
            (
                "sum(max_over_time(mad_over_time(x[5m])[10m:1m]))",
                "unknown function with name \"mad_over_time\"",
            ),
            (
                "rate(x{a=\"b\" or c=\"d\"}[5m]) > 1",
                "unexpected identifier \"or\"",
            ),
            ("sum(x offset 293y) by (a)", "duration out of range"),
            ("max_over_time(x[5m:293y])", "duration out of range"),
            (
                "sum(topk(2, limitk(1, x)))",
                "unknown function with name \"limitk\"",
            ),
            ("1 + sum(y{a!~\"(?x)a b\"})", "the flag `x`"),
            ("x{a=~\"(?x)a b\"}", "the flag `x`"),
            ("x{a!~'a{1001}'}", "the repetition count 1001"),
        ] {
            let error = parse_promql(expr).expect_err("an error");
            assert!(error.contains(message), "{expr}: {error}");
        }
    }

    /// Each case passes `promtool check rules` of Prometheus 2.42.
    #[test]
    fn what_prometheus_2_42_accepts_is_accepted() {
        for expr in [
            "holt_winters(x[5m], 0.5, 0.5)",
            "rate(x[1h30m])",
            "rate(x[01m])",
            "rate(x [ 5m ])",
            "x offset -5m",
            "x offset 1ms",
            "rate(x[5m:])",
            "sum(x)[5m:1m] offset 1m",
            "x{a=\"b\",}",
            "sum by (a,) (x)",
            "sum by (fill) (x)",
            "x{fill=\"a\"}",
            "x @ 100",
            "x @ start()",
            "rate(x[5m] @ 100)",
            "x offset 5m @ 100",
            "1 + - 2",
            "x atan2 y",
            "topk(3, x)",
            "count_values(\"v\", x)",
            "label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")",
            "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))",
            "present_over_time(x[5m])",
            "x * on(a) group_left(b) y",
            "x{a=~\"(?P<n>5)..\", b!~'(?i)x'}",
        ] {
            assert_eq!(parse_promql(expr), Ok(()), "{expr}");
        }
    }
}
