//! The names Kubernetes accepts: DNS-1123 subdomains, label keys and
//! values, environment variable names, `ConfigMap` keys. Each function says
//! why a name is refused, or `None` when it is accepted.

/// Why `name` is not a DNS-1123 subdomain (at most 253 characters, dot-separated
/// lowercase alphanumeric parts that may hold `-` inside), or `None`.
pub fn check_dns_subdomain(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_owned());
    }
    if name.len() > 253 {
        return Some(format!("it is {} characters long, over 253", name.len()));
    }
    for part in name.split('.') {
        if let Some(reason) = check_alphanumeric_part(part, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        }) {
            return Some(reason);
        }
    }
    None
}

/// Why `key` is not a label or annotation key (`[prefix/]name`: a DNS-1123
/// subdomain prefix and a name of at most 63 alphanumerics, `-`, `_`, `.`), or `None`.
pub fn check_label_key(key: &str) -> Option<String> {
    let name = match key.split_once('/') {
        Some((prefix, name)) => {
            if let Some(reason) = check_dns_subdomain(prefix) {
                return Some(format!("its prefix `{prefix}` is no DNS name: {reason}"));
            }
            name
        }
        None => key,
    };
    if name.is_empty() {
        return Some("its name part is empty".to_owned());
    }
    check_label_value(name)
}

/// Why `value` is not a label value (empty, or at most 63 alphanumerics,
/// `-`, `_` and `.`, starting and ending alphanumeric), or `None`.
pub fn check_label_value(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > 63 {
        return Some(format!("it is {} characters long, over 63", value.len()));
    }
    check_alphanumeric_part(value, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
    })
}

/// Why `key` is not a `ConfigMap` or Secret key (at most 253 alphanumerics,
/// `-`, `_` and `.`; not `.` or `..`), or `None`.
pub fn check_config_key(key: &str) -> Option<String> {
    if key.is_empty() || key == "." || key == ".." {
        return Some(format!("`{key}` is no key"));
    }
    if key.len() > 253 {
        return Some(format!("it is {} characters long, over 253", key.len()));
    }
    key.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
        .map(|c| format!("it contains `{}`", c.escape_default()))
}

/// Checks one part: non-empty, only `allowed` characters, alphanumeric at both ends.
fn check_alphanumeric_part(part: &str, allowed: impl Fn(char) -> bool) -> Option<String> {
    if part.is_empty() {
        return Some("it has an empty part between dots".to_owned());
    }
    if let Some(bad) = part.chars().find(|c| !allowed(*c)) {
        return Some(format!("it contains `{}`", bad.escape_default()));
    }
    let alphanumeric_ends = part.starts_with(|c: char| c.is_ascii_alphanumeric())
        && part.ends_with(|c: char| c.is_ascii_alphanumeric());
    if alphanumeric_ends {
        None
    } else {
        Some("it must start and end with a letter or digit".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains() {
        assert_eq!(check_dns_subdomain("fast-ssd.example"), None);
        assert!(check_dns_subdomain("Fast").is_some());
        assert!(check_dns_subdomain("a..b").is_some());
        assert!(check_dns_subdomain("-a").is_some());
        assert!(check_dns_subdomain(&"a".repeat(254)).is_some());
    }

    #[test]
    fn labels() {
        assert_eq!(check_label_key("release"), None);
        assert_eq!(check_label_key("app.kubernetes.io/name"), None);
        assert!(check_label_key("a b").is_some());
        assert!(check_label_key("Example.com/x").is_some());
        assert!(check_label_key("x/").is_some());
        assert_eq!(check_label_value(""), None);
        assert_eq!(check_label_value("kube-prometheus-stack"), None);
        assert!(check_label_value("x-").is_some());
        assert!(check_label_value(&"a".repeat(64)).is_some());
    }

    #[test]
    fn config_keys() {
        assert_eq!(check_config_key("init-db.sql"), None);
        assert!(check_config_key("a/b").is_some());
        assert!(check_config_key("..").is_some());
    }
}
