//! Compose-style interpolation in stack strings: `${NAME}` (and its
//! `${NAME:-default}` forms) filled in from the environment, `$$` a literal `$`.

/// One piece of an interpolated string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text taken as written (`$$` already turned into `$`).
    Text(String),
    /// A reference to the environment variable `name`.
    Var {
        /// The variable's name.
        name: &'a str,
        /// What follows the name inside the braces (`:-default`), empty for `${NAME}`.
        modifier: &'a str,
    },
}

/// Splits `text` into literal text and `${NAME...}` references. A `$` that
/// starts no well-formed reference is text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            literal.push('$');
            rest = tail;
            continue;
        }
        if let Some((name, modifier, tail)) = reference(after) {
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Var { name, modifier });
            rest = tail;
            continue;
        }
        literal.push('$');
        rest = after;
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    pieces
}

/// The names of the `${NAME}` references in `text`, each once, in order
/// (`$${NAME}` is an escape, not a reference).
pub fn variables_in(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for piece in pieces(text) {
        if let Piece::Var { name, .. } = piece {
            if !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

/// `{NAME}` or `{NAME<modifier>}` at the start of `text` (after its `$`):
/// the name, the modifier and the text after the closing brace.
fn reference(text: &str) -> Option<(&str, &str, &str)> {
    let inner = text.strip_prefix('{')?;
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let after_name = &inner[name_end..];
    if !after_name.starts_with(['}', ':', '-', '?', '+']) {
        return None;
    }
    let close = after_name.find('}')?;
    Some((name, &after_name[..close], &after_name[close + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_from_text() {
        assert_eq!(
            pieces("postgres://app:${DB_PASSWORD}@db/app"),
            vec![
                Piece::Text("postgres://app:".to_owned()),
                Piece::Var {
                    name: "DB_PASSWORD",
                    modifier: ""
                },
                Piece::Text("@db/app".to_owned()),
            ]
        );
        assert_eq!(
            pieces("${A:-x}"),
            vec![Piece::Var {
                name: "A",
                modifier: ":-x"
            }]
        );
        assert_eq!(
            pieces("$${A} $1 ${"),
            vec![Piece::Text("${A} $1 ${".to_owned())]
        );
        assert_eq!(pieces("${1A}"), vec![Piece::Text("${1A}".to_owned())]);
    }

    #[test]
    fn lists_each_variable_once() {
        assert_eq!(variables_in("${A}${B:-1}${A} $${C}"), vec!["A", "B"]);
        assert!(variables_in("${A").is_empty());
    }
}
