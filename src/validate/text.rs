//! Free text that reaches a generated file must not change its structure.
//!
//! YAML and JSON outputs are serialized, so any text is safe there, and
//! keys are names by type (`crate::syntax::Name`); this module guards what
//! is not: values that land in hand-written formats.

use super::Checker;
use crate::error::ErrorKind;
use crate::syntax::unsafe_char;

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
