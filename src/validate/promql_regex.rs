//! Parsing expressions without compiling each regex matcher again.
//!
//! The `PromQL` parser compiles the regex of every `=~` / `!~` matcher it
//! meets, and a regex with `.` (such as the ubiquitous `status=~"5.."`)
//! takes a fifth of a millisecond to compile. Stacks repeat the same few
//! regexes across many expressions, so before parsing, [`stand_in`] swaps
//! each regex literal for `""` or `"x"`, whichever matches the empty string
//! exactly when the original regex does, after checking (once per distinct
//! regex, the way the parser does) that the original compiles.
//!
//! Whether a regex compiles and matches the empty string is read from its
//! syntax tree when the tree is small and its only assertions are line
//! anchors ([`from_syntax`]); otherwise the regex is compiled. The `regex`
//! crate compiles a syntax tree it parsed with these same (default) options
//! unless the automaton outgrows its 10 MiB limit, far beyond the trees
//! taken here.
//!
//! Why a successful parse of the stand-in proves the original parses: the
//! real lexer finds the literals, so both texts have the same tokens, only
//! the contents of some strings differ, and the grammar sees token kinds
//! only. The parser looks at a regex matcher's value in exactly three
//! places: it compiles it (the original compiles, checked here), it asks
//! whether the matcher matches the empty string (to reject selectors like
//! `{a=~".*"}`; the stand-in answers the same), and it quotes the value of a
//! `__name__` matcher in an error (those matchers are left alone). Any
//! failure, of the stand-in or of this module, falls back to parsing the
//! original text, so error messages are the parser's own.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use lrpar::{Lexeme as _, Lexer as _, NonStreamingLexer as _};
use promql_parser::parser::lex::lexer;
use promql_parser::parser::token::{T_EQL_REGEX, T_IDENTIFIER, T_NEQ_REGEX, T_STRING};
use promql_parser::util::unquote_string;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The label whose matchers stay as written (the parser quotes its value).
const METRIC_NAME: &str = "__name__";

/// `expr` with every regex matcher literal swapped for a stand-in; `None`
/// when it has none, or when any of them does not compile.
pub fn stand_in(expr: &str) -> Option<String> {
    if !expr.contains("=~") && !expr.contains("!~") {
        return None;
    }
    let lexer = lexer(expr).ok()?;
    let tokens = lexer.iter().collect::<Result<Vec<_>, _>>().ok()?;
    let mut out = String::with_capacity(expr.len());
    let mut copied = 0;
    for window in tokens.windows(3) {
        let [name, op, value] = window else { continue };
        let is_regex_matcher = name.tok_id() == T_IDENTIFIER
            && matches!(op.tok_id(), T_EQL_REGEX | T_NEQ_REGEX)
            && value.tok_id() == T_STRING
            && lexer.span_str(name.span()) != METRIC_NAME;
        if !is_regex_matcher {
            continue;
        }
        let span = value.span();
        let regex = unquote_string(lexer.span_str(span)).ok()?;
        let literal = if matches_empty(&regex)? {
            "\"\""
        } else {
            "\"x\""
        };
        out.push_str(&expr[copied..span.start()]);
        out.push_str(literal);
        copied = span.end();
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&expr[copied..]);
    Some(out)
}

/// Whether matcher regex `regex` matches the empty string, compiled the way
/// the parser compiles it (anchored); `None` when it does not compile that
/// way. Remembered per process: stacks repeat their regexes.
fn matches_empty(regex: &str) -> Option<bool> {
    static SEEN: OnceLock<Mutex<HashMap<String, Outcome>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Mutex::default);
    if let Some(known) = seen.lock().ok()?.get(regex) {
        return known.matches_empty();
    }
    let pattern = format!("^(?:{regex})$");
    let outcome = from_syntax(&pattern).unwrap_or_else(|| compile(&pattern));
    seen.lock().ok()?.insert(regex.to_owned(), outcome);
    outcome.matches_empty()
}

/// What compiling a matcher regex tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Fails,
    Compiles { matches_empty: bool },
}

impl Outcome {
    fn matches_empty(self) -> Option<bool> {
        match self {
            Self::Fails => None,
            Self::Compiles { matches_empty } => Some(matches_empty),
        }
    }
}

/// Compiles `pattern` the way the parser does.
fn compile(pattern: &str) -> Outcome {
    regex::Regex::new(pattern).map_or(Outcome::Fails, |compiled| Outcome::Compiles {
        matches_empty: compiled.is_match(""),
    })
}

/// Syntax trees up to this many units (see [`size`]) certainly compile.
const SMALL: u64 = 4096;

/// What compiling `pattern` would tell, read from its syntax tree; `None`
/// when only compiling can tell.
fn from_syntax(pattern: &str) -> Option<Outcome> {
    let Ok(tree) = regex_syntax::Parser::new().parse(pattern) else {
        // The same parser rejects it inside `regex`.
        return Some(Outcome::Fails);
    };
    if size(&tree)? > SMALL {
        return None;
    }
    matches_empty_text(&tree).map(|matches_empty| Outcome::Compiles { matches_empty })
}

/// A generous bound on the automaton a tree compiles to, in units of a few
/// states: each byte of a literal is one, each range of a class is eight
/// (its UTF-8 forms), and repetitions copy their operand.
fn size(tree: &Hir) -> Option<u64> {
    Some(match tree.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(literal) => u64::try_from(literal.0.len()).ok()?,
        HirKind::Class(Class::Unicode(class)) => 8 * u64::try_from(class.ranges().len()).ok()?,
        HirKind::Class(Class::Bytes(class)) => 8 * u64::try_from(class.ranges().len()).ok()?,
        HirKind::Repetition(repetition) => {
            let copies =
                u64::from(repetition.max.unwrap_or(repetition.min).max(repetition.min)) + 1;
            size(&repetition.sub)?.checked_mul(copies)?
        }
        HirKind::Capture(capture) => size(&capture.sub)? + 2,
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts
            .iter()
            .try_fold(1u64, |total, part| total.checked_add(size(part)?))?,
    })
}

/// Whether a tree matches the empty text: with nothing to consume, only a
/// path of empty pieces and assertions true at the very start (and end)
/// matches. `None` for assertions other than line anchors.
fn matches_empty_text(tree: &Hir) -> Option<bool> {
    match tree.kind() {
        HirKind::Empty => Some(true),
        HirKind::Literal(literal) => Some(literal.0.is_empty()),
        HirKind::Class(_) => Some(false),
        HirKind::Look(look) => matches!(
            look,
            Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
        )
        .then_some(true),
        HirKind::Repetition(repetition) if repetition.min == 0 => Some(true),
        HirKind::Repetition(repetition) => matches_empty_text(&repetition.sub),
        HirKind::Capture(capture) => matches_empty_text(&capture.sub),
        HirKind::Concat(parts) => {
            let answers: Vec<Option<bool>> = parts.iter().map(matches_empty_text).collect();
            if answers.contains(&Some(false)) {
                Some(false)
            } else if answers.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        HirKind::Alternation(parts) => {
            let answers: Vec<Option<bool>> = parts.iter().map(matches_empty_text).collect();
            if answers.contains(&Some(true)) {
                Some(true)
            } else if answers.contains(&None) {
                None
            } else {
                Some(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parses(expr: &str) -> bool {
        promql_parser::parser::parse(expr).is_ok()
    }

    #[test]
    fn regex_literals_get_stand_ins_that_match_the_empty_string_alike() {
        assert_eq!(
            stand_in(r#"sum(rate(x{job="a", status=~"5.."}[5m])) / y{fs!~"tmpfs|"}"#).as_deref(),
            Some(r#"sum(rate(x{job="a", status=~"x"}[5m])) / y{fs!~""}"#)
        );
        assert_eq!(
            stand_in(r#"x{a=~'.*', b=~"a\\d", c=~`[0-9]+`}"#).as_deref(),
            Some(r#"x{a=~"", b=~"x", c=~"x"}"#)
        );
        assert_eq!(stand_in(r#"rate(x{job="a"}[5m])"#), None);
        assert_eq!(stand_in(r#"x{__name__=~"a.*"}"#), None);
        assert_eq!(stand_in(r#"x{a=~"("}"#), None);
        // `=~` inside a string or a comment is no matcher.
        assert_eq!(stand_in("x{a=\"=~\\\"5..\\\"\"} # b=~\"5..\""), None);
    }

    /// The stand-in parses exactly when the original does, on expressions
    /// that exercise each place the parser reads a matcher's value.
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
        ];
        let mut swapped = 0;
        for case in cases {
            if let Some(stand_in) = stand_in(case) {
                assert_eq!(parses(&stand_in), parses(case), "{case} vs {stand_in}");
                swapped += 1;
            }
        }
        assert!(swapped >= 15, "only {swapped} cases had stand-ins");
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

    /// Reading the syntax tree tells what compiling tells, where it answers.
    #[test]
    fn syntax_trees_tell_what_compiling_tells() {
        let mut answered = 0;
        for regex in [
            "5..",
            "[45]..",
            "tmpfs|overlay",
            "",
            ".*",
            ".+",
            "x*",
            "(a|)",
            "(?:a|b)?",
            "a{0}",
            "a{2,}",
            r"\w+",
            r"\pL",
            r"\bx",
            r"\B",
            "(?m)^$",
            "(?i)a",
            "a{",
            "(",
            "a)|(b",
            ")(",
            r"\d{3}",
            "[^x]*",
            r"\p{Greek}+",
            "(?s).",
            "a|.*",
            r"\w{1000}",
            r"(\w{100}){100}",
            ".{100000}",
            r"\pL{500}",
            "[[:alpha:]]",
            r"\x{10FFFF}",
            r"\Q",
        ] {
            let pattern = format!("^(?:{regex})$");
            let compiled = compile(&pattern);
            if let Some(verdict) = from_syntax(&pattern) {
                assert_eq!(verdict, compiled, "{regex}");
                answered += 1;
            }
        }
        assert!(answered >= 25, "only {answered} answered from syntax");
    }

    proptest! {
        /// Random patterns over a small alphabet of regex syntax.
        #[test]
        fn syntax_trees_agree_with_compiling_on_random_patterns(
            regex in "[ab.|()*+?{}0-9,^$\\\\wdsbB\\[\\]-]{0,12}",
        ) {
            let pattern = format!("^(?:{regex})$");
            if let Some(verdict) = from_syntax(&pattern) {
                prop_assert_eq!(verdict, compile(&pattern), "{}", regex);
            }
        }

        #[test]
        fn a_parsing_stand_in_means_the_original_parses(
            left in selector(),
            right in selector(),
            shape in 0..4,
        ) {
            let expr = match shape {
                0 => left,
                1 => format!("sum(rate({left}[5m])) / {right}"),
                2 => format!("{left} and on(job) {right}"),
                _ => format!("count_values(\"v\", {left}) > 1"),
            };
            if let Some(stand_in) = stand_in(&expr) {
                prop_assert!(!parses(&stand_in) || parses(&expr), "{} vs {}", expr, stand_in);
            }
        }
    }
}
