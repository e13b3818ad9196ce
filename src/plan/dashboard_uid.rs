//! Dashboard uids: given, or derived from the title so they stay stable.

use crate::config::Dashboard;

/// The longest uid Grafana accepts.
pub const MAX_UID_LEN: usize = 40;

/// The dashboard's uid: the one given, or a slug of its title.
pub fn dashboard_uid(dashboard: &Dashboard) -> String {
    dashboard
        .uid
        .clone()
        .unwrap_or_else(|| slug(&dashboard.title))
}

/// Lowercase letters and digits of `title`, other runs turned into `-`,
/// trimmed to [`MAX_UID_LEN`]; `dashboard` when nothing is left.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(MAX_UID_LEN);
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "dashboard".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Why a written uid is refused, if it is.
pub fn uid_problem(uid: &str) -> Option<String> {
    if uid.is_empty() {
        Some("the uid is empty".to_owned())
    } else if uid.len() > MAX_UID_LEN {
        Some(format!(
            "it has {} characters; Grafana allows {MAX_UID_LEN}",
            uid.len()
        ))
    } else if !uid
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("only letters, digits, `-` and `_` are allowed".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_short() {
        assert_eq!(slug("SSE Overview"), "sse-overview");
        assert_eq!(slug("  Cache: hit/miss (%) "), "cache-hit-miss");
        assert_eq!(slug("¡¡!!"), "dashboard");
        let long = slug(&"word ".repeat(20));
        assert!(long.len() <= MAX_UID_LEN);
        assert!(!long.ends_with('-'));
        assert_eq!(uid_problem(&long), None);
        assert!(uid_problem("a b").is_some());
        assert!(uid_problem(&"a".repeat(41)).is_some());
    }
}
