//! Published ports, read once from their short and long forms while the
//! stack loads: validation reports what does not read, the plan takes the
//! [`PortMapping`].

use std::net::IpAddr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{PortMapping, PortSpec, Protocol, Service};

/// A published port: as written, and what it reads as.
#[derive(Debug, Clone)]
pub struct Port {
    /// The port as written, in its short or long form.
    pub spec: PortSpec,
    /// The port it reads as, or why it does not read.
    pub mapping: Result<PortMapping, String>,
}

impl From<PortSpec> for Port {
    fn from(spec: PortSpec) -> Self {
        let mapping = resolve_port(&spec);
        Self { spec, mapping }
    }
}

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PortSpec::deserialize(deserializer).map(Self::from)
    }
}

impl Serialize for Port {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(serializer)
    }
}

impl Service {
    /// The first container port, of `ports` (the first that reads) or else
    /// of `expose`: where metrics, health checks and routes go by default.
    pub fn primary_port(&self) -> Option<u16> {
        self.ports
            .iter()
            .find_map(|port| port.mapping.as_ref().ok())
            .map(|port| port.container)
            .or_else(|| self.expose.first().copied())
    }
}

/// Reads a port in any of its forms; the error says why it does not read.
fn resolve_port(spec: &PortSpec) -> Result<PortMapping, String> {
    match spec {
        PortSpec::Number(0) => Err("port 0 is not allowed".to_owned()),
        PortSpec::Number(number) => Ok(PortMapping {
            container: *number,
            host: Some(*number),
            bind: None,
            protocol: None,
        }),
        PortSpec::Long(long) => {
            if long.container == 0 || long.host == Some(0) {
                return Err("port 0 is not allowed".to_owned());
            }
            if let Some(bind) = &long.bind {
                check_address(bind.as_str())?;
            }
            Ok(long.0.clone())
        }
        PortSpec::Short(text) => parse_short(text),
    }
}

fn parse_short(text: &str) -> Result<PortMapping, String> {
    let (body, protocol) = match text.split_once('/') {
        Some((body, written)) => (body, Some(read_protocol(written)?)),
        None => (text, None),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let number = |part: &str| -> Result<u16, String> {
        let value: u16 = part
            .parse()
            .map_err(|_| format!("`{part}` is not a port number"))?;
        if value == 0 {
            Err("port 0 is not allowed".to_owned())
        } else {
            Ok(value)
        }
    };
    let (bind, host, container) = match parts.as_slice() {
        [container] => (None, None, number(container)?),
        [host, container] => (None, Some(number(host)?), number(container)?),
        [bind, host, container] => {
            check_address(bind)?;
            (
                Some(BindAddress::new(bind)),
                Some(number(host)?),
                number(container)?,
            )
        }
        _ => return Err("too many `:` separators".to_owned()),
    };
    Ok(PortMapping {
        container,
        host,
        bind,
        protocol,
    })
}

fn read_protocol(written: &str) -> Result<Protocol, String> {
    match written {
        "tcp" => Ok(Protocol::Tcp),
        "udp" => Ok(Protocol::Udp),
        other => Err(format!("protocol `{other}` is neither tcp nor udp")),
    }
}

/// A host address that published ports are bound to, read once while the
/// stack loads: as written, and the IP address it reads as (validation
/// reports one that does not read).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct BindAddress {
    text: String,
    address: Option<IpAddr>,
}

impl BindAddress {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            address: text.parse().ok(),
        }
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The IP address, or `None` when it is none.
    pub fn address(&self) -> Option<IpAddr> {
        self.address
    }

    /// Whether it binds every address of the host (`0.0.0.0`, `::`, however written).
    pub fn is_everywhere(&self) -> bool {
        self.address.is_some_and(|address| address.is_unspecified())
    }
}

impl From<String> for BindAddress {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<BindAddress> for String {
    fn from(bind_address: BindAddress) -> Self {
        bind_address.text
    }
}

/// Checks that `address` is an IP address.
pub fn check_address(address: &str) -> Result<(), String> {
    address
        .parse::<IpAddr>()
        .map(|_| ())
        .map_err(|_| format!("`{address}` is not an IP address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports_parse() {
        let mapping =
            resolve_port(&PortSpec::Short("127.0.0.1:8080:80/udp".into())).expect("valid");
        assert_eq!(mapping.host, Some(8080));
        assert_eq!(mapping.container, 80);
        assert_eq!(
            mapping.bind.as_ref().map(BindAddress::as_str),
            Some("127.0.0.1")
        );
        assert_eq!(mapping.protocol, Some(Protocol::Udp));
        assert!(resolve_port(&PortSpec::Short("80:x".into())).is_err());
        assert!(resolve_port(&PortSpec::Short("1:2:3:4".into())).is_err());
        assert!(resolve_port(&PortSpec::Short("70000".into())).is_err());
        assert!(resolve_port(&PortSpec::Short("80/sctp".into())).is_err());
    }

    #[test]
    fn every_address_is_told_by_the_address_not_its_spelling() {
        for everywhere in ["0.0.0.0", "::", "0:0:0:0:0:0:0:0", "::0"] {
            assert!(BindAddress::new(everywhere).is_everywhere(), "{everywhere}");
        }
        for one in ["127.0.0.1", "::1", "[::]", "localhost"] {
            assert!(!BindAddress::new(one).is_everywhere(), "{one}");
        }
        assert_eq!(BindAddress::new("localhost").address(), None);
    }
}
