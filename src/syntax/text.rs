//! Characters and names that generated files take as they are: label
//! names, and text free of anything that could end a token, a line or a
//! directive in a hand-written format.

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
}
