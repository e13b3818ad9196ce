//! `${NAME}` references in stack strings, filled in from the environment.

/// One piece of a string as Compose reads it from the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text taken as written.
    Text(&'a str),
    /// A `${NAME}` reference to the environment variable `NAME`.
    Var(&'a str),
}

/// Splits `text` into literal text and `${NAME}` references, the way the
/// Compose target writes it: a `${NAME}` reference is kept for Compose to
/// fill in, every other `$` is written escaped, so it is text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut literal_from = 0;
    let mut at = 0;
    while let Some(offset) = text[at..].find('$') {
        let start = at + offset;
        if let Some(len) = reference_len(&text[start..]) {
            if literal_from < start {
                pieces.push(Piece::Text(&text[literal_from..start]));
            }
            pieces.push(Piece::Var(&text[start + 2..start + len - 1]));
            at = start + len;
            literal_from = at;
        } else {
            at = start + 1;
        }
    }
    if literal_from < text.len() {
        pieces.push(Piece::Text(&text[literal_from..]));
    }
    pieces
}

/// The length of a `${NAME}` reference at the start of `text`.
pub fn reference_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("${")?;
    let end = inner.find('}')?;
    let name = &inner[..end];
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(end + 3)
}

/// The names of the `${NAME}` references in `text`, each once, in order:
/// the variables of [`pieces`], which the bundle reads from the environment.
pub fn variables_in(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for piece in pieces(text) {
        if let Piece::Var(name) = piece {
            if !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_from_text() {
        assert_eq!(
            pieces("postgres://app:${DB_PASSWORD}@db/app"),
            vec![
                Piece::Text("postgres://app:"),
                Piece::Var("DB_PASSWORD"),
                Piece::Text("@db/app"),
            ]
        );
        assert_eq!(pieces("${A:-x} $1 ${"), vec![Piece::Text("${A:-x} $1 ${")]);
        assert_eq!(pieces("$${A}"), vec![Piece::Text("$"), Piece::Var("A")]);
        assert_eq!(pieces("${1A}"), vec![Piece::Text("${1A}")]);
    }

    #[test]
    fn lists_each_variable_once() {
        assert_eq!(variables_in("${A}${B:-1}${A} $${C}"), vec!["A", "C"]);
        assert!(variables_in("${A").is_empty());
    }
}
