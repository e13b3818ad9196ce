//! Values that land in nginx.conf as single plain tokens: route paths,
//! server names, request rates, `allow` addresses and the file names TLS
//! files get in the bundle.

use std::net::IpAddr;

use crate::syntax::unsafe_char;

/// Why `path` is not a route path nginx can take as a plain prefix, or `None`.
pub fn route_path_problem(path: &str) -> Option<String> {
    if let Some(what) = unsafe_char(path, false) {
        return Some(format!("it contains {what}"));
    }
    if !path.starts_with('/') {
        return Some("it must start with `/`".to_owned());
    }
    // nginx normalizes a request path before it matches a location (merged
    // slashes, `.` and `..` resolved, `%2F` decoded), so such a prefix never
    // matches; the Gateway API refuses it too.
    let lower = path.to_ascii_lowercase();
    if ["//", "/./", "/../", "%2f", "%5c"]
        .iter()
        .any(|piece| lower.contains(piece))
        || lower.ends_with("/.")
        || lower.ends_with("/..")
    {
        return Some(
            "it has an empty, `.` or `..` segment or an encoded slash, which a request path never keeps"
                .to_owned(),
        );
    }
    path.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-._~%!*+,:=@&()".contains(*c)))
        .map(|c| format!("it contains `{c}`, which is not a URL path character"))
}

/// Why `name` is not a server name (`example.com`, `*.example.com`, `_`), or `None`.
pub fn server_name_problem(name: &str) -> Option<String> {
    if let Some(what) = unsafe_char(name, false) {
        return Some(format!("it contains {what}"));
    }
    if name == "_" {
        return None;
    }
    let host = name.strip_prefix("*.").unwrap_or(name);
    if host.is_empty() || host.len() > 253 {
        return Some("it is not a host name".to_owned());
    }
    for label in host.split('.') {
        let valid = !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Some(format!("`{label}` is not a host name label"));
        }
    }
    None
}

/// Why `name` is not the host name of a route (`grafana.example.com`: a
/// server name without `*.` or `_`, not an address), or `None`.
pub fn route_host_problem(name: &str) -> Option<String> {
    if name == "_" || name.starts_with("*.") {
        return Some("it is not one host name".to_owned());
    }
    if let Some(problem) = server_name_problem(name) {
        return Some(problem);
    }
    if name
        .split('.')
        .all(|label| label.chars().all(|c| c.is_ascii_digit()))
    {
        return Some("it is an address, not a host name".to_owned());
    }
    None
}

/// Whether `rate` is an nginx request rate: `<n>r/s` or `<n>r/m`.
pub fn is_rate(rate: &str) -> bool {
    let Some(number) = rate
        .strip_suffix("r/s")
        .or_else(|| rate.strip_suffix("r/m"))
    else {
        return false;
    };
    !number.is_empty()
        && number.len() <= 9
        && number.chars().all(|c| c.is_ascii_digit())
        && number.chars().any(|c| c != '0')
}

/// Parses an `allow` address: an IP address or a CIDR block, returned in canonical form.
pub fn parse_allow(address: &str) -> Option<String> {
    let (ip, prefix) = match address.split_once('/') {
        Some((ip, prefix)) => (ip, Some(prefix)),
        None => (address, None),
    };
    let ip: IpAddr = ip.parse().ok()?;
    let Some(prefix) = prefix else {
        return Some(ip.to_string());
    };
    if prefix.is_empty() || prefix.len() > 3 || !prefix.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = prefix.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then(|| format!("{ip}/{bits}"))
}

/// The file name a TLS or htpasswd file gets in the bundle (`nginx/certs/<name>`,
/// `nginx/auth/<name>`), or why it has none.
pub fn bundle_file_name(path: &str) -> Result<&str, String> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if name.is_empty() || name == "." || name == ".." {
        return Err("it names no file".to_owned());
    }
    if name.starts_with('.') {
        return Err("its file name starts with `.`".to_owned());
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
    {
        Some(c) => Err(format!(
            "its file name contains {}",
            unsafe_char(&c.to_string(), false).unwrap_or_else(|| format!("`{c}`"))
        )),
        None => Ok(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates() {
        assert!(is_rate("10r/s") && is_rate("300r/m"));
        assert!(!is_rate("0r/s") && !is_rate("r/s") && !is_rate("10r/h") && !is_rate("1 r/s"));
        assert_eq!(parse_allow("10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(parse_allow("fd00::/8").as_deref(), Some("fd00::/8"));
        assert_eq!(parse_allow("10.0.0.1/"), None);
        assert_eq!(parse_allow("all"), None);
        assert_eq!(bundle_file_name("../../etc/site.crt"), Ok("site.crt"));
        assert!(bundle_file_name("certs/..").is_err());
        assert!(bundle_file_name("certs/.hidden").is_err());
        assert!(route_path_problem("/api/v1/").is_none());
        assert!(route_path_problem("~ /x").is_some());
        assert!(route_path_problem("@named").is_some());
        for unnormal in ["/a//b", "/a/./b", "/a/../b", "/a/.", "/..", "/a%2Fb"] {
            assert!(route_path_problem(unnormal).is_some(), "{unnormal}");
        }
        assert!(route_path_problem("/a.b/.well-known/..x").is_none());
        assert!(server_name_problem("*.example.com").is_none());
        assert!(server_name_problem("ex_ample.com").is_some());
        assert!(route_host_problem("grafana.example.com").is_none());
        for bad in ["*.example.com", "_", "10.0.0.1", "a b", "ex_ample.com", ""] {
            assert!(route_host_problem(bad).is_some(), "{bad}");
        }
    }

    /// What would end or open an nginx directive, quote, escape, start a
    /// variable or a comment is refused in a route path and a server name.
    #[test]
    fn nginx_syntax_is_refused_in_paths_and_names() {
        for bad in [";", "{", "}", " ", "\"", "'", "$", "#", "\\", "\n", "\t"] {
            assert!(
                route_path_problem(&format!("/a{bad}b")).is_some(),
                "{bad:?}"
            );
            let name = format!("a{bad}b.example.com");
            assert!(server_name_problem(&name).is_some(), "{bad:?}");
        }
    }
}
