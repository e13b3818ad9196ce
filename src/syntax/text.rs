//! Characters and names that generated files take as they are: label
//! names, text free of anything that could end a token, a line or a
//! directive in a hand-written format, and text made safe as a one-line
//! comment.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Describes the first unsafe character in `value`, if any.
pub fn unsafe_char(value: &str, allow_spaces: bool) -> Option<String> {
    value.chars().find_map(|c| match c {
        '\n' => Some("a newline".to_owned()),
        '\r' => Some("a carriage return".to_owned()),
        '\t' if !allow_spaces => Some("a tab".to_owned()),
        ' ' if !allow_spaces => Some("a space".to_owned()),
        '"' | '\'' | '`' | '{' | '}' | ';' | '$' | '\\' | '#' => Some(format!("`{c}`")),
        c if c.is_control() => Some(format!("the control character U+{:04X}", u32::from(c))),
        c if is_invisible(c) => Some(format!("the invisible character U+{:04X}", u32::from(c))),
        _ => None,
    })
}

/// `text` as the body of a one-line comment in every format stackgen
/// writes (`#` in YAML, nginx.conf, `.env.example` and the route tests,
/// `//` in Alloy): a character that could end the line for some reader
/// (line feed, carriage return, NEL, U+2028, U+2029), any other control
/// character, an invisible or bidirectional-formatting character and a
/// noncharacter are written as `\u{XXXX}`, and `\` as `\\`, so the comment
/// stays one line and says exactly what the text was. Text without any of
/// them is returned as it is.
pub fn comment_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_comment_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_comment_escape(c) {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                let _ = write!(out, "\\u{{{:04X}}}", u32::from(c));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`comment_text`] escapes `c`.
fn needs_comment_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || is_invisible(c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether `name` is a valid Prometheus label name.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_named() {
        assert_eq!(unsafe_char("/api/", false), None);
        assert_eq!(unsafe_char("a;b", false).as_deref(), Some("`;`"));
        assert_eq!(unsafe_char("a\nb", true).as_deref(), Some("a newline"));
        assert!(unsafe_char("a\u{202E}b", true).is_some());
        assert!(is_label_name("team"));
        assert!(!is_label_name("1team"));
        assert!(!is_label_name("te-am"));
    }

    #[test]
    fn comments_stay_one_line_and_say_what_the_text_was() {
        assert!(matches!(
            comment_text("web.toml"),
            Cow::Borrowed("web.toml")
        ));
        assert_eq!(
            comment_text("a\nb\r\u{85}\u{2028}\\u{41}\u{202E}\0é"),
            "a\\u{000A}b\\u{000D}\\u{0085}\\u{2028}\\\\u{41}\\u{202E}\\u{0000}é"
        );
    }
}
