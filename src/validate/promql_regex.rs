//! Whether a matcher regex compiles and matches the empty string, the two
//! things the `PromQL` parser asks of it (see [`super::promql_stand_in`]).
//!
//! Both are read from the regex's syntax tree when the tree is small and
//! its only assertions are line anchors ([`from_syntax`]); otherwise the
//! regex is compiled. The `regex` crate compiles a syntax tree it parsed
//! with these same (default) options unless the automaton outgrows its
//! 10 MiB limit, far beyond the trees taken here.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Whether matcher regex `regex` matches the empty string, compiled the way
/// the parser compiles it (anchored); `None` when it does not compile that
/// way. Remembered per process: stacks repeat their regexes.
pub fn matches_empty(regex: &str) -> Option<bool> {
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
    }
}
