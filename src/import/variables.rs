//! Compose's variable syntax, and what of it stack.toml can say.
//!
//! Compose interpolates `$NAME`, `${NAME}`, `${NAME:-default}`,
//! `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`,
//! `${NAME:+other}` and `${NAME+other}` in every value, and reads `$$` as a
//! literal `$`. stack.toml has one form, `${NAME}`: every other `$` reaches the
//! container as written (stackgen doubles it in the compose file it renders).
//! So `$NAME` becomes `${NAME}`; a default or a required-variable message
//! cannot be said and is handed back for the loss report (a default also goes
//! into the generated `.env`); `${NAME:+other}` cannot be said at all.

/// One text, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interpolated {
    /// The text in stack.toml's terms: `${NAME}` references, literal `$` as is.
    pub text: String,
    /// The variables it references, in order, each once.
    pub variables: Vec<String>,
    /// Defaults written with `:-` or `-`: (variable, default as written).
    pub defaults: Vec<(String, String)>,
    /// Forms with no stack.toml equivalent, as written (`${A:+x}`, `${A:?msg}`, a stray `$`).
    pub unexpressed: Vec<String>,
}

impl Interpolated {
    /// Whether the text references no variable and holds no form stack.toml lacks.
    pub fn is_literal(&self) -> bool {
        self.variables.is_empty() && self.unexpressed.is_empty()
    }
}

/// Reads `text` as Compose interpolates it.
pub fn interpolate(text: &str) -> Interpolated {
    let mut out = Interpolated::default();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.text.push_str(&rest[..at]);
        let tail = &rest[at..];
        let consumed = if let Some(after) = tail.strip_prefix("$$") {
            out.text.push('$');
            tail.len() - after.len()
        } else if let Some(inner) = tail.strip_prefix("${") {
            braced(inner, &mut out).map_or_else(
                || {
                    // Not a form Compose reads: it refuses the file. Keep it literally.
                    out.unexpressed.push(tail.to_owned());
                    out.text.push_str(tail);
                    tail.len()
                },
                |len| len + 2,
            )
        } else {
            let name_len = name_length(&tail[1..]);
            if name_len == 0 {
                out.unexpressed.push("$".to_owned());
                out.text.push('$');
                1
            } else {
                reference(&tail[1..=name_len], &mut out);
                1 + name_len
            }
        };
        rest = &tail[consumed..];
    }
    out.text.push_str(rest);
    out
}

/// Reads the inside of `${...}` (after `${`); returns how much of `inner` it
/// used, through the closing brace, or `None` when it is not a valid form.
fn braced(inner: &str, out: &mut Interpolated) -> Option<usize> {
    let name_len = name_length(inner);
    if name_len == 0 {
        return None;
    }
    let name = &inner[..name_len];
    let after = &inner[name_len..];
    if let Some(rest) = after.strip_prefix('}') {
        reference(name, out);
        return Some(inner.len() - rest.len());
    }
    let (operator, body) = ["-", ":-", "?", ":?", "+", ":+"]
        .iter()
        .rev()
        .find_map(|op| after.strip_prefix(op).map(|body| (*op, body)))?;
    let end = closing_brace(body)?;
    let argument = &body[..end];
    let used = name_len + operator.len() + end + 1;
    match operator {
        "-" | ":-" => {
            reference(name, out);
            out.defaults.push((name.to_owned(), argument.to_owned()));
            out.unexpressed.push(format!("${{{}}}", &inner[..used - 1]));
        }
        "?" | ":?" => {
            reference(name, out);
            out.unexpressed.push(format!("${{{}}}", &inner[..used - 1]));
        }
        _ => {
            let whole = format!("${{{}}}", &inner[..used - 1]);
            out.unexpressed.push(whole.clone());
            out.text.push_str(&whole);
        }
    }
    Some(used)
}

/// The position of the brace closing a `${...}` argument, counting nested `${`.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = body.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'$' if bytes.get(at + 1) == Some(&b'{') => {
                depth += 1;
                at += 1;
            }
            b'}' if depth == 0 => return Some(at),
            b'}' => depth -= 1,
            _ => {}
        }
        at += 1;
    }
    None
}

fn reference(name: &str, out: &mut Interpolated) {
    out.text.push_str("${");
    out.text.push_str(name);
    out.text.push('}');
    if !out.variables.iter().any(|known| known == name) {
        out.variables.push(name.to_owned());
    }
}

/// The length of the variable name at the start of `text` (`[A-Za-z_][A-Za-z0-9_]*`).
fn name_length(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(text.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_stay_and_dollars_unescape() {
        let read = interpolate("${A}/$B and $$5");
        assert_eq!(read.text, "${A}/${B} and $5");
        assert_eq!(read.variables, ["A", "B"]);
        assert!(read.defaults.is_empty() && read.unexpressed.is_empty());
        assert!(interpolate("plain").is_literal());
    }

    #[test]
    fn defaults_become_references_and_are_handed_back() {
        let read = interpolate("nginx:${TAG:-1.25}");
        assert_eq!(read.text, "nginx:${TAG}");
        assert_eq!(read.defaults, [("TAG".to_owned(), "1.25".to_owned())]);
        assert_eq!(read.unexpressed, ["${TAG:-1.25}"]);
        let nested = interpolate("${A-${B:-x}}!");
        assert_eq!(nested.text, "${A}!");
        assert_eq!(nested.defaults, [("A".to_owned(), "${B:-x}".to_owned())]);
        let required = interpolate("${DB:?set DB}");
        assert_eq!(required.text, "${DB}");
        assert_eq!(required.unexpressed, ["${DB:?set DB}"]);
    }

    #[test]
    fn forms_without_an_equivalent_stay_literal() {
        let read = interpolate("${A:+on}");
        assert_eq!(read.text, "${A:+on}");
        assert_eq!(read.unexpressed, ["${A:+on}"]);
        assert!(read.variables.is_empty());
        for broken in ["${", "${}", "${1A}", "cost $ 5", "${A"] {
            let read = interpolate(broken);
            assert_eq!(read.text, broken, "{broken}");
            assert!(!read.unexpressed.is_empty(), "{broken}");
        }
    }
}
