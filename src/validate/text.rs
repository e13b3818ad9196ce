//! Free text that reaches a generated file must not change its structure.
//!
//! YAML and JSON outputs are serialized, so any text is safe there; this
//! module guards what is not: label names, and (through
//! [`forbid_unsafe_text`]) values that land in hand-written formats.

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;

/// Reports `value` at `at` if it holds a character that could break out of a
/// generated config: quotes, braces, `;`, `$`, backslashes, whitespace
/// (when `allow_spaces` is false) or control characters.
pub fn forbid_unsafe_text(
    checker: &mut Checker<'_>,
    at: &str,
    field: &str,
    value: &str,
    allow_spaces: bool,
) {
    if let Some(what) = unsafe_char(value, allow_spaces) {
        checker.error(
            at,
            ErrorKind::UnsafeText {
                field: field.to_owned(),
                what,
            },
        );
    }
}

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

/// Checks label names of alerts, recording rules and external labels.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let mut labels: Vec<(String, String)> = Vec::new();
    for (position, alert) in stack.alerts.iter().enumerate() {
        for key in alert.labels.keys() {
            labels.push((
                pointer(["alerts", &position.to_string(), "labels", key]),
                key.clone(),
            ));
        }
    }
    for (position, rule) in stack.recording_rules.iter().enumerate() {
        for key in rule.labels.keys() {
            labels.push((
                pointer(["recording-rules", &position.to_string(), "labels", key]),
                key.clone(),
            ));
        }
    }
    if let Some(prometheus) = &stack.prometheus {
        for key in prometheus.external_labels.keys() {
            labels.push((pointer(["prometheus", "external-labels", key]), key.clone()));
        }
    }
    for (at, key) in labels {
        if !is_label_name(&key) {
            checker.error_at_key(
                &at,
                ErrorKind::InvalidValue {
                    value: format!("`{key}`"),
                    reason: "not a Prometheus label name".to_owned(),
                    fix: "use letters, digits and `_`, starting with a letter or `_`".to_owned(),
                },
            );
        }
    }
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
