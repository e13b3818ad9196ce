//! Free text that reaches a generated file must not change its structure.
//!
//! YAML and JSON outputs are serialized, so any text is safe there; this
//! module guards what is not: label names, and (through
//! [`forbid_unsafe_text`]) values that land in hand-written formats.

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::syntax::{is_label_name, unsafe_char};

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
