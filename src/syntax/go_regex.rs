//! Regex syntax that Rust's `regex` takes and Go's `regexp` (RE2 syntax,
//! which Prometheus and Alertmanager use) refuses.
//!
//! stackgen compiles matcher regexes with Rust's `regex`; Prometheus 2.42
//! and Alertmanager 0.25 compile them with Go 1.19's `regexp`, which knows
//! less: only the flags `i`, `m`, `s` and `U`; named groups only as
//! `(?P<name>…)`; repetition counts up to 1000; no repetition of a bare
//! repetition (`a**`); hex escapes only as `\x41` or `\x{41}`. Each of
//! these was run through `promtool check rules` 2.42, which refused it.
//! Constructs both accept with different meanings (`\<`, `[a&&b]`,
//! `a{,3}`) are not reported.

use regex_syntax::ast::{
    self, Ast, ClassSetItem, Flag, FlagsItemKind, GroupKind, HexLiteralKind, LiteralKind,
    RepetitionKind, RepetitionRange,
};

/// The largest repetition count Go takes.
const MAX_REPEAT: u32 = 1000;

/// Why Go's `regexp` refuses `regex`, when it does for one of the reasons
/// above; `None` when it takes it, or when Rust does not parse it either
/// (the Rust parser's message is reported then).
pub fn refusal(regex: &str) -> Option<String> {
    let tree = ast::parse::Parser::new().parse(regex).ok()?;
    let mut found = None;
    visit(&tree, &mut found);
    found.map(|what| {
        format!("regex `{regex}` uses {what}, which Prometheus and Alertmanager (Go's regexp) do not support")
    })
}

fn visit(tree: &Ast, found: &mut Option<String>) {
    if found.is_some() {
        return;
    }
    match tree {
        Ast::Flags(set) => check_flags(&set.flags, found),
        Ast::Literal(literal) => check_literal(literal, found),
        Ast::ClassBracketed(class) => check_class_set(&class.kind, found),
        Ast::Repetition(repetition) => {
            if let RepetitionKind::Range(range) = &repetition.op.kind {
                let count = match range {
                    RepetitionRange::Exactly(n) | RepetitionRange::AtLeast(n) => *n,
                    RepetitionRange::Bounded(low, high) => (*low).max(*high),
                };
                if count > MAX_REPEAT {
                    *found = Some(format!(
                        "the repetition count {count} (at most {MAX_REPEAT})"
                    ));
                    return;
                }
            }
            if matches!(*repetition.ast, Ast::Repetition(_)) {
                *found = Some("a repetition of a repetition (`a**`; group it: `(a*)*`)".to_owned());
                return;
            }
            visit(&repetition.ast, found);
        }
        Ast::Group(group) => {
            match &group.kind {
                GroupKind::CaptureName {
                    starts_with_p: false,
                    name,
                } => {
                    *found = Some(format!(
                        "the named group `(?<{}>…)` (write `(?P<{}>…)`)",
                        name.name, name.name
                    ));
                    return;
                }
                GroupKind::NonCapturing(flags) => check_flags(flags, found),
                _ => {}
            }
            visit(&group.ast, found);
        }
        Ast::Alternation(alternation) => {
            for item in &alternation.asts {
                visit(item, found);
            }
        }
        Ast::Concat(concat) => {
            for item in &concat.asts {
                visit(item, found);
            }
        }
        Ast::Empty(_)
        | Ast::Dot(_)
        | Ast::Assertion(_)
        | Ast::ClassUnicode(_)
        | Ast::ClassPerl(_) => {}
    }
}

fn check_flags(flags: &ast::Flags, found: &mut Option<String>) {
    for item in &flags.items {
        let FlagsItemKind::Flag(flag) = item.kind else {
            continue;
        };
        let letter = match flag {
            Flag::CaseInsensitive | Flag::MultiLine | Flag::DotMatchesNewLine | Flag::SwapGreed => {
                continue;
            }
            Flag::Unicode => 'u',
            Flag::CRLF => 'R',
            Flag::IgnoreWhitespace => 'x',
        };
        *found = Some(format!(
            "the flag `{letter}` (Go knows `i`, `m`, `s` and `U`)"
        ));
        return;
    }
}

fn check_literal(literal: &ast::Literal, found: &mut Option<String>) {
    if let LiteralKind::HexFixed(HexLiteralKind::UnicodeShort | HexLiteralKind::UnicodeLong)
    | LiteralKind::HexBrace(HexLiteralKind::UnicodeShort | HexLiteralKind::UnicodeLong) =
        literal.kind
    {
        *found = Some(format!(
            "the escape for `{}` (write `\\x{{{:X}}}`)",
            literal.c.escape_default(),
            u32::from(literal.c)
        ));
    }
}

fn check_class_set(set: &ast::ClassSet, found: &mut Option<String>) {
    match set {
        ast::ClassSet::Item(item) => check_class_item(item, found),
        ast::ClassSet::BinaryOp(op) => {
            check_class_set(&op.lhs, found);
            check_class_set(&op.rhs, found);
        }
    }
}

fn check_class_item(item: &ClassSetItem, found: &mut Option<String>) {
    match item {
        ClassSetItem::Literal(literal) => check_literal(literal, found),
        ClassSetItem::Range(range) => {
            check_literal(&range.start, found);
            check_literal(&range.end, found);
        }
        ClassSetItem::Bracketed(class) => check_class_set(&class.kind, found),
        ClassSetItem::Union(union) => {
            for item in &union.items {
                check_class_item(item, found);
            }
        }
        ClassSetItem::Empty(_)
        | ClassSetItem::Ascii(_)
        | ClassSetItem::Unicode(_)
        | ClassSetItem::Perl(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each was refused by `promtool check rules` 2.42 in `x{a=~"…"}`.
    #[test]
    fn what_go_refuses_is_found() {
        for (regex, what) in [
            ("(?x)a b", "the flag `x`"),
            ("(?R)a", "the flag `R`"),
            ("(?u)a", "the flag `u`"),
            ("(?i-u:a)", "the flag `u`"),
            ("(?<n>a)", "the named group `(?<n>…)`"),
            ("a{1001}", "the repetition count 1001"),
            ("a{2,5000}", "the repetition count 5000"),
            ("a**", "a repetition of a repetition"),
            ("x(a+?){2}*", "a repetition of a repetition"),
            (r"\u0041", "the escape for `A`"),
            (r"[\U00000041-Z]", "the escape for `A`"),
        ] {
            let refusal = refusal(regex).unwrap_or_default();
            assert!(refusal.contains(what), "{regex}: {refusal:?}");
        }
    }

    /// Each was accepted by `promtool check rules` 2.42 in `x{a=~"…"}`.
    #[test]
    fn what_go_takes_passes() {
        for regex in [
            "5..",
            "(?P<n>a)",
            "(?i)a",
            "(?s).",
            "(?U)a+",
            "(?m)^a$",
            "(?i:a|b)",
            "a{1000}",
            "(a*)*",
            r"\x{41}",
            r"\x41",
            r"\pL",
            r"\p{Greek}",
            "[[:alpha:]]",
            r"\d{3}",
            r"\z",
            r"\A",
            r"[\d]",
            "tmpfs|overlay",
            "",
        ] {
            assert_eq!(refusal(regex), None, "{regex}");
        }
    }
}
