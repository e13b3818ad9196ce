//! Unified diffs for `--check`.

use similar::TextDiff;

/// A unified diff of `old` (on disk) against `new` (rendered) for `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
