//! Text that lands in Alloy's configuration as one double-quoted string.

/// What in `text` could end an Alloy string or break its line, if anything:
/// a `"`, a `\`, a control character or an invisible one. The Alloy
/// configuration writes every value as one double-quoted string (Go's
/// syntax), where only these change what the string holds or where it ends.
pub fn alloy_text_problem(text: &str) -> Option<String> {
    text.chars().find_map(|c| match c {
        '"' | '\\' => Some(format!("`{c}`")),
        '\n' => Some("a newline".to_owned()),
        '\r' => Some("a carriage return".to_owned()),
        c if c.is_control() => Some(format!("the control character U+{:04X}", u32::from(c))),
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => Some(format!("the invisible character U+{:04X}", u32::from(c))),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloy_text_names_what_would_break_a_string() {
        assert_eq!(alloy_text_problem("web tier {a} $x #y 'z'"), None);
        assert_eq!(alloy_text_problem("a\"b").as_deref(), Some("`\"`"));
        assert_eq!(alloy_text_problem("a\\b").as_deref(), Some("`\\`"));
        assert_eq!(alloy_text_problem("a\nb").as_deref(), Some("a newline"));
        assert!(alloy_text_problem("a\u{7}b").is_some());
        assert!(alloy_text_problem("a\u{202E}b").is_some());
    }
}
