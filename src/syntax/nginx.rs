//! Values that land in nginx.conf as single plain tokens: server names,
//! request rates ([`RequestRate`], read once while the stack loads),
//! `allow` addresses and the file names TLS files get in the bundle. Route
//! paths and hosts are in [`super::route`].

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::syntax::unsafe_char;

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

/// A name of `[ingress] server-names`, read once while the stack loads: as
/// written, and which form it has, or why it is no server name (validation
/// reports it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct ServerName {
    text: String,
    form: Result<ServerNameForm, String>,
}

/// The forms of a server name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerNameForm {
    /// `_`: any host.
    Any,
    /// `*.example.com`: every host below a domain.
    Wildcard,
    /// `example.com`: one host name.
    Host,
    /// `192.0.2.10`: digits only, an address rather than a name.
    Address,
}

impl ServerName {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        let form = match server_name_problem(text) {
            Some(problem) => Err(problem),
            None if text == "_" => Ok(ServerNameForm::Any),
            None if text.starts_with("*.") => Ok(ServerNameForm::Wildcard),
            None if text
                .split('.')
                .all(|label| label.bytes().all(|b| b.is_ascii_digit())) =>
            {
                Ok(ServerNameForm::Address)
            }
            None => Ok(ServerNameForm::Host),
        };
        Self {
            text: text.to_owned(),
            form,
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its form, or why it is no server name.
    pub fn form(&self) -> Result<ServerNameForm, &str> {
        self.form.as_ref().copied().map_err(String::as_str)
    }
}

impl From<String> for ServerName {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<ServerName> for String {
    fn from(server_name: ServerName) -> Self {
        server_name.text
    }
}

/// A rate-limit zone's request rate per client address, read once while
/// the stack loads: as written, for messages, and what it reads as, or
/// `None` when it is not `<n>r/s` or `<n>r/m` (validation reports it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct RequestRate {
    text: String,
    rate: Option<Rate>,
}

/// A request rate: so many requests per second or per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests per unit, at least 1 (nine digits at most).
    pub requests: u32,
    /// Per minute, else per second.
    pub per_minute: bool,
}

impl RequestRate {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            rate: read_rate(text),
        }
    }

    /// The rate as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What it reads as, or `None` when it is not a request rate.
    pub fn rate(&self) -> Option<Rate> {
        self.rate
    }
}

impl From<String> for RequestRate {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<RequestRate> for String {
    fn from(request_rate: RequestRate) -> Self {
        request_rate.text
    }
}

/// `<n>r/s` or `<n>r/m`: one to nine digits, not all zero.
fn read_rate(text: &str) -> Option<Rate> {
    let (number, per_minute) = match text.strip_suffix("r/m") {
        Some(number) => (number, true),
        None => (text.strip_suffix("r/s")?, false),
    };
    if number.is_empty() || number.len() > 9 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let requests: u32 = number.parse().ok().filter(|n| *n > 0)?;
    Some(Rate {
        requests,
        per_minute,
    })
}

/// An address of `[ingress] status-allow`, read once while the stack loads:
/// as written, and in canonical form, or `None` when it is neither an IP
/// address nor a CIDR block (validation reports it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct AllowAddress {
    text: String,
    canonical: Option<String>,
}

impl AllowAddress {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            canonical: parse_allow(text),
        }
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The address or block in canonical form, as nginx's `allow` takes it.
    pub fn canonical(&self) -> Option<&str> {
        self.canonical.as_deref()
    }
}

impl From<String> for AllowAddress {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<AllowAddress> for String {
    fn from(allow_address: AllowAddress) -> Self {
        allow_address.text
    }
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
        let rate = |text: &str| RequestRate::new(text).rate();
        assert_eq!(
            rate("10r/s"),
            Some(Rate {
                requests: 10,
                per_minute: false
            })
        );
        assert_eq!(
            rate("0300r/m"),
            Some(Rate {
                requests: 300,
                per_minute: true
            })
        );
        for text in ["0r/s", "r/s", "10r/h", "1 r/s", "+1r/s", "1234567890r/s"] {
            assert_eq!(rate(text), None, "{text}");
        }
        let form = |text: &str| ServerName::new(text).form().map_err(str::to_owned);
        assert_eq!(form("_"), Ok(ServerNameForm::Any));
        assert_eq!(form("*.example.com"), Ok(ServerNameForm::Wildcard));
        assert_eq!(form("Example.com"), Ok(ServerNameForm::Host));
        assert_eq!(form("192.0.2.10"), Ok(ServerNameForm::Address));
        assert!(form("ex_ample.com").is_err());
        assert_eq!(AllowAddress::new("::0:1").canonical(), Some("::1"));
        assert_eq!(AllowAddress::new("all").canonical(), None);
        assert_eq!(parse_allow("10.0.0.0/8").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(parse_allow("fd00::/8").as_deref(), Some("fd00::/8"));
        assert_eq!(parse_allow("10.0.0.1/"), None);
        assert_eq!(parse_allow("all"), None);
        assert_eq!(bundle_file_name("../../etc/site.crt"), Ok("site.crt"));
        assert!(bundle_file_name("certs/..").is_err());
        assert!(bundle_file_name("certs/.hidden").is_err());
        assert!(server_name_problem("*.example.com").is_none());
        assert!(server_name_problem("ex_ample.com").is_some());
    }

    /// What would end or open an nginx directive, quote, escape, start a
    /// variable or a comment is refused in a server name.
    #[test]
    fn nginx_syntax_is_refused_in_names() {
        for bad in [";", "{", "}", " ", "\"", "'", "$", "#", "\\", "\n", "\t"] {
            let name = format!("a{bad}b.example.com");
            assert!(server_name_problem(&name).is_some(), "{bad:?}");
        }
    }
}
