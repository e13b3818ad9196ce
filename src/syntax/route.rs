//! A route's path prefix and its own host name, read once while the stack
//! loads: each keeps what was written (for messages and the schema's
//! string) and what it reads as, a [`PathPrefix`] or a [`HostName`], or why
//! it does not read (validation reports it). The plan and the renderers
//! take only the read value, so they never see a path or a host that nginx
//! or the Gateway API would misread.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::nginx::{ServerName, ServerNameForm};
use super::unsafe_char;

/// What `help` says for a route path that does not read.
pub const ROUTE_PATH_FIX: &str = "write a URL path prefix such as `/api/`";

/// What `help` says for a route host that does not read.
pub const ROUTE_HOST_FIX: &str =
    "write one host name such as `grafana.example.com` (no scheme, port, path or `*.`)";

/// A route's `path` as written, and the prefix it reads as.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct RoutePath {
    text: String,
    prefix: Result<PathPrefix, String>,
}

/// A URL path prefix that nginx takes as a plain `location` prefix and the
/// Gateway API as a `PathPrefix` match: it starts with `/`, holds URL path
/// characters only, and no empty, `.` or `..` segment or encoded slash (a
/// request path never keeps one). Only [`RoutePath`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathPrefix(String);

/// A route's `host` as written, and the host name it reads as.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct RouteHost {
    text: String,
    name: Result<HostName, String>,
}

/// One host name, lowercased (`grafana.example.com`): DNS labels of
/// letters, digits and `-`, not a wildcard, `_` or an address. Only
/// [`RouteHost`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostName(String);

impl RoutePath {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            prefix: match route_path_problem(text) {
                Some(problem) => Err(problem),
                None => Ok(PathPrefix(text.to_owned())),
            },
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The prefix it reads as, or why it is none.
    pub fn prefix(&self) -> Result<&PathPrefix, &str> {
        self.prefix.as_ref().map_err(String::as_str)
    }
}

impl PathPrefix {
    /// The prefix.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl RouteHost {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            name: match route_host_problem(text) {
                Some(problem) => Err(problem),
                None => Ok(HostName(text.to_ascii_lowercase())),
            },
        }
    }

    /// The host as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The host name it reads as, or why it is none.
    pub fn name(&self) -> Result<&HostName, &str> {
        self.name.as_ref().map_err(String::as_str)
    }
}

impl HostName {
    /// The host name, lowercased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PathPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for RoutePath {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<RoutePath> for String {
    fn from(path: RoutePath) -> Self {
        path.text
    }
}

impl From<String> for RouteHost {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<RouteHost> for String {
    fn from(host: RouteHost) -> Self {
        host.text
    }
}

/// Why `path` is not a route path nginx can take as a plain prefix, or `None`.
fn route_path_problem(path: &str) -> Option<String> {
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

/// Why `name` is not the host name of a route (`grafana.example.com`: a
/// server name without `*.` or `_`, not an address), or `None`.
fn route_host_problem(name: &str) -> Option<String> {
    if name == "_" || name.starts_with("*.") {
        return Some("it is not one host name".to_owned());
    }
    match ServerName::new(name).form() {
        Err(problem) => Some(problem.to_owned()),
        Ok(ServerNameForm::Address) => Some("it is an address, not a host name".to_owned()),
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Result<String, String> {
        RoutePath::new(text)
            .prefix()
            .map(|prefix| prefix.as_str().to_owned())
            .map_err(str::to_owned)
    }

    #[test]
    fn paths_read_as_plain_prefixes() {
        for good in ["/", "/api/v1/", "/a.b/.well-known/..x", "/grafana"] {
            assert_eq!(path(good), Ok(good.to_owned()));
        }
        assert_eq!(path("api"), Err("it must start with `/`".to_owned()));
        for bad in ["~ /x", "@named", "/a b", "/a?b", "/é"] {
            assert!(path(bad).is_err(), "{bad}");
        }
        for unnormal in [
            "/a//b", "/a/./b", "/a/../b", "/a/.", "/..", "/a%2Fb", "/a%5cb",
        ] {
            assert_eq!(
                path(unnormal),
                Err("it has an empty, `.` or `..` segment or an encoded slash, which a request path never keeps".to_owned()),
                "{unnormal}"
            );
        }
    }

    #[test]
    fn hosts_read_as_one_lowercased_host_name() {
        let host = |text: &str| {
            RouteHost::new(text)
                .name()
                .map(|name| name.as_str().to_owned())
                .map_err(str::to_owned)
        };
        assert_eq!(
            host("Grafana.Example.com"),
            Ok("grafana.example.com".to_owned())
        );
        assert_eq!(host("localhost"), Ok("localhost".to_owned()));
        assert_eq!(
            host("*.example.com"),
            Err("it is not one host name".to_owned())
        );
        assert_eq!(
            host("10.0.0.1"),
            Err("it is an address, not a host name".to_owned())
        );
        for bad in [
            "_",
            "a b",
            "ex_ample.com",
            "",
            "https://a.example.com",
            "a.example.com:80",
        ] {
            assert!(host(bad).is_err(), "{bad}");
        }
        assert_eq!(RouteHost::new("A.example.com").as_str(), "A.example.com");
    }

    /// What would end or open an nginx directive, quote, escape, start a
    /// variable or a comment is refused in a route path and a host.
    #[test]
    fn nginx_syntax_is_refused() {
        for bad in [";", "{", "}", " ", "\"", "'", "$", "#", "\\", "\n", "\t"] {
            assert!(path(&format!("/a{bad}b")).is_err(), "{bad:?}");
            assert!(
                RouteHost::new(&format!("a{bad}b.example.com"))
                    .name()
                    .is_err(),
                "{bad:?}"
            );
        }
    }
}
