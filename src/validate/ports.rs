//! Ports: each one parses, and no host port is published twice.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Checker;
use crate::config::{BindAddress, PortMapping, PortSpec, Protocol, check_address};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::pointer;
use crate::plan::prometheus::{NODE_EXPORTER, NODE_EXPORTER_PORT};

/// Checks every service's ports and the ports the generated services publish.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let mut taken = Claims::new();
    for (name, service) in &stack.services {
        for (position, port) in service.ports.iter().enumerate() {
            let at = pointer(["services", name, "ports", &position.to_string()]);
            let mapping = match &port.mapping {
                Ok(mapping) => mapping,
                Err(reason) => {
                    checker.error(
                        &at,
                        ErrorKind::BadPort {
                            value: describe(&port.spec),
                            reason: reason.clone(),
                        },
                    );
                    continue;
                }
            };
            let Some(host) = mapping.host else { continue };
            if service.replicas.get() > 1 {
                checker.error(
                    &at,
                    ErrorKind::PortConflict {
                        port: host,
                        first: format!("{name}-1"),
                    },
                );
                continue;
            }
            claim(checker, &mut taken, mapping, host, name, &at);
        }
    }
    for (owner, section, port, bind) in generated_ports(checker) {
        if let Some((address, at)) = &bind
            && let Err(reason) = check_address(address.as_str())
        {
            checker.error(
                at,
                ErrorKind::InvalidValue {
                    value: address.as_str().to_owned(),
                    reason,
                    fix: "write an IP address, such as `127.0.0.1` for this machine only"
                        .to_owned(),
                },
            );
            continue;
        }
        let mapping = PortMapping {
            container: port,
            host: Some(port),
            bind: bind.map(|(address, _)| address),
            protocol: None,
        };
        claim(checker, &mut taken, &mapping, port, &owner, &section);
    }
}

/// Published host ports by (port, protocol): who claimed them, in the order
/// they were claimed, as (addresses, owner, pointer).
type Claims = HashMap<(u16, Protocol), Vec<(Addresses, String, String)>>;

/// The host addresses a port is published on: every address of the host
/// (no bind address), or one IP address, where an unspecified one
/// (`0.0.0.0`, `::`) stands for every address of its family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Addresses {
    /// Every address of the host, IPv4 and IPv6.
    All,
    /// One bind address.
    Bound(IpAddr),
}

impl Addresses {
    /// Whether a port published on both would be published twice on some
    /// address. `0.0.0.0` and `::` do not overlap: Docker publishes a port
    /// with no bind address on both of them, as two separate listeners.
    fn overlaps(self, other: Self) -> bool {
        match (self, other) {
            (Self::All, _) | (_, Self::All) => true,
            (Self::Bound(one), Self::Bound(other)) => {
                one == other
                    || (one.is_ipv4() == other.is_ipv4()
                        && (one.is_unspecified() || other.is_unspecified()))
            }
        }
    }
}

/// Claims `host` for `owner`, and reports a clash with the first earlier
/// claim it overlaps (every run names the same one). Every claim counts,
/// reported or not: a port published on every address clashes with each
/// later one on a single address, even when an earlier one took that
/// address first. So a claim is reported exactly when some earlier claim
/// overlaps it, and taking one out can only leave fewer reported.
fn claim(
    checker: &mut Checker<'_>,
    taken: &mut Claims,
    mapping: &PortMapping,
    host: u16,
    owner: &str,
    at: &str,
) {
    let addresses = match &mapping.bind {
        None => Addresses::All,
        Some(bind) => match bind.address() {
            Some(address) => Addresses::Bound(address),
            // Reported where the port is read; it publishes nothing.
            None => return,
        },
    };
    let claims = taken.entry((host, mapping.protocol())).or_default();
    let clashes = claims
        .iter()
        .find(|(other, _, _)| other.overlaps(addresses))
        .map(|(_, owner, at)| (owner.clone(), at.clone()));
    if let Some((first_owner, first_at)) = clashes {
        let first = checker.spans.value(&first_at);
        let here = checker.spans.value(at);
        let mut diagnostic = Diagnostic::error(
            ErrorKind::PortConflict {
                port: host,
                first: first_owner.clone(),
            },
            here,
        );
        if std::sync::Arc::ptr_eq(&first.source, &diagnostic.location.source) {
            diagnostic = diagnostic.with_related(
                first.span,
                format!("first published by `{first_owner}` here"),
            );
        }
        checker.push(diagnostic);
    }
    claims.push((addresses, owner.to_owned(), at.to_owned()));
}

/// A generated service's host port: the service, where the port is set, the
/// port, and the address it is bound to with where that is set.
type GeneratedPort = (String, String, u16, Option<(BindAddress, String)>);

/// Host ports of the services that the stack's sections generate: the
/// service, where the port is set, the port, and the address it is bound to
/// with where that is set.
fn generated_ports(checker: &Checker<'_>) -> Vec<GeneratedPort> {
    let stack = checker.stack;
    let mut ports = Vec::new();
    if let Some(prometheus) = &stack.prometheus {
        ports.push((
            "prometheus".to_owned(),
            port_pointer("prometheus", "port", prometheus.port),
            prometheus.port.unwrap_or(9090),
            bind_at(prometheus.bind.as_ref(), &["prometheus", "bind"]),
        ));
    }
    if stack.prometheus.as_ref().is_some_and(|p| p.node_exporter) {
        // On the host's network, node-exporter listens on the host's port itself.
        ports.push((
            NODE_EXPORTER.to_owned(),
            pointer(["prometheus", "node-exporter"]),
            NODE_EXPORTER_PORT,
            None,
        ));
    }
    if let Some(alertmanager) = &stack.alertmanager {
        ports.push((
            "alertmanager".to_owned(),
            port_pointer("alertmanager", "port", alertmanager.port),
            alertmanager.port.unwrap_or(9093),
            bind_at(alertmanager.bind.as_ref(), &["alertmanager", "bind"]),
        ));
    }
    if let Some(grafana) = &stack.grafana {
        ports.push((
            "grafana".to_owned(),
            port_pointer("grafana", "port", grafana.port),
            grafana.port.unwrap_or(3000),
            bind_at(grafana.bind.as_ref(), &["grafana", "bind"]),
        ));
    }
    if let Some(logs) = &stack.logs {
        ports.push((
            "loki".to_owned(),
            if logs.loki.port.is_some() {
                pointer(["logs", "loki", "port"])
            } else {
                pointer(["logs"])
            },
            logs.loki.port.unwrap_or(3100),
            bind_at(logs.loki.bind.as_ref(), &["logs", "loki", "bind"]),
        ));
    }
    if let Some(ingress) = &stack.ingress {
        ports.push((
            "nginx".to_owned(),
            port_pointer("ingress", "http-port", ingress.http_port),
            ingress.http_port.unwrap_or(80),
            None,
        ));
        if ingress.tls.is_some() {
            ports.push((
                "nginx".to_owned(),
                port_pointer("ingress", "https-port", ingress.https_port),
                ingress.https_port.unwrap_or(443),
                None,
            ));
        }
    }
    ports
}

/// A bind address with the pointer to where it is set.
fn bind_at(bind: Option<&BindAddress>, at: &[&str]) -> Option<(BindAddress, String)> {
    bind.cloned()
        .map(|address| (address, pointer(at.iter().copied())))
}

fn port_pointer(section: &str, key: &str, set: Option<u16>) -> String {
    if set.is_some() {
        pointer([section, key])
    } else {
        pointer([section])
    }
}

fn describe(spec: &PortSpec) -> String {
    match spec {
        PortSpec::Short(text) => text.clone(),
        PortSpec::Number(number) => number.to_string(),
        PortSpec::Long(long) => format!(
            "{}:{}",
            long.host.map(|h| h.to_string()).unwrap_or_default(),
            long.container
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What validating the stack `text` reports: each problem with the text
    /// it points at.
    fn diagnostics(text: &str) -> Vec<(ErrorKind, &str)> {
        let loaded = crate::load::load_str("s.toml", text).expect("loads");
        crate::validate::validate(&loaded)
            .into_iter()
            .map(|d| (d.kind, &text[d.location.span]))
            .collect()
    }

    /// `c` clashes with both earlier claims; the first one is named, on
    /// every run (each run's hash maps order their entries differently).
    #[test]
    fn a_clash_names_the_first_overlapping_claim() {
        let text = r#"
[stack]
name = "s"
[services.a]
image = "x"
ports = ["127.0.0.1:8080:80"]
[services.b]
image = "x"
ports = ["10.0.0.1:8080:80"]
[services.c]
image = "x"
ports = ["8080:80"]
"#;
        let loaded = crate::load::load_str("s.toml", text).expect("loads");
        for _ in 0..16 {
            let firsts: Vec<String> = crate::validate::validate(&loaded)
                .into_iter()
                .filter_map(|diagnostic| match diagnostic.kind {
                    ErrorKind::PortConflict { first, .. } => Some(first),
                    _ => None,
                })
                .collect();
            assert_eq!(firsts, ["a"]);
        }
    }

    /// Two services publishing host port 8080: whether the second is
    /// reported, by the addresses they bind, however the addresses are
    /// written.
    #[test]
    fn bind_addresses_clash_by_the_addresses_they_cover() {
        let v6 = |bind: &str| format!("{{ container = 80, host = 8080, bind = \"{bind}\" }}");
        let cases = [
            // No bind address covers every address.
            ("\"8080:80\"".to_owned(), "\"8080:80\"".to_owned(), true),
            (
                "\"8080:80\"".to_owned(),
                "\"127.0.0.1:8080:80\"".to_owned(),
                true,
            ),
            (
                "\"127.0.0.1:8080:80\"".to_owned(),
                "\"8080:80\"".to_owned(),
                true,
            ),
            ("\"8080:80\"".to_owned(), v6("::1"), true),
            // An unspecified address covers every address of its family.
            (
                "\"0.0.0.0:8080:80\"".to_owned(),
                "\"127.0.0.1:8080:80\"".to_owned(),
                true,
            ),
            (
                "\"10.0.0.1:8080:80\"".to_owned(),
                "\"0.0.0.0:8080:80\"".to_owned(),
                true,
            ),
            (
                "\"0.0.0.0:8080:80\"".to_owned(),
                "\"0.0.0.0:8080:80\"".to_owned(),
                true,
            ),
            (v6("::"), v6("::1"), true),
            (v6("fd00::1"), v6("0:0:0:0:0:0:0:0"), true),
            // Equal addresses, however written.
            (
                "\"127.0.0.1:8080:80\"".to_owned(),
                "\"127.0.0.1:8080:80\"".to_owned(),
                true,
            ),
            (v6("::1"), v6("0:0:0:0:0:0:0:1"), true),
            // Different addresses, and the two families' unspecified
            // addresses, which Docker binds as separate listeners.
            (
                "\"127.0.0.1:8080:80\"".to_owned(),
                "\"10.0.0.1:8080:80\"".to_owned(),
                false,
            ),
            ("\"0.0.0.0:8080:80\"".to_owned(), v6("::"), false),
            ("\"0.0.0.0:8080:80\"".to_owned(), v6("::1"), false),
            (v6("::"), "\"127.0.0.1:8080:80\"".to_owned(), false),
            (v6("::1"), v6("fd00::1"), false),
            // Another protocol is another port.
            (
                "\"0.0.0.0:8080:80\"".to_owned(),
                "\"127.0.0.1:8080:80/udp\"".to_owned(),
                false,
            ),
        ];
        for (first, second, clash) in cases {
            let text = format!(
                "[stack]\nname = \"s\"\n[services.a]\nimage = \"x\"\nports = [{first}]\n\
                 [services.b]\nimage = \"x\"\nports = [{second}]\n"
            );
            let found = diagnostics(&text);
            let expected = if clash {
                vec![(
                    ErrorKind::PortConflict {
                        port: 8080,
                        first: "a".to_owned(),
                    },
                    second.as_str(),
                )]
            } else {
                Vec::new()
            };
            assert_eq!(found, expected, "{first} then {second}");
        }
    }

    /// A generated service's bind address counts as a service's does.
    #[test]
    fn generated_ports_clash_by_address() {
        let text = r#"
[stack]
name = "s"
[services.a]
image = "x"
ports = ["127.0.0.1:9090:80"]
[prometheus]
port = 9090
bind = "0.0.0.0"
"#;
        assert_eq!(
            diagnostics(text),
            [(
                ErrorKind::PortConflict {
                    port: 9090,
                    first: "a".to_owned()
                },
                "9090"
            )]
        );
        assert!(diagnostics(&text.replace("0.0.0.0", "10.0.0.1")).is_empty());
    }

    /// node-exporter runs on the host's network: its port 9100 is the host's.
    #[test]
    fn node_exporter_claims_its_host_port() {
        let text = r#"
[stack]
name = "s"
[services.a]
image = "x"
ports = ["9100:80"]
[prometheus]
node-exporter = true
"#;
        assert_eq!(
            diagnostics(text),
            [(
                ErrorKind::PortConflict {
                    port: 9100,
                    first: "a".to_owned()
                },
                "true"
            )]
        );
        assert!(diagnostics(&text.replace("9100:80", "9101:80")).is_empty());
    }

    /// `b` on every address clashes with `a`, and `c` on one address with
    /// `b`, though `a` took another address first.
    #[test]
    fn a_reported_claim_still_clashes_with_later_ones() {
        let text = r#"
[stack]
name = "s"
[services.a]
image = "x"
ports = ["10.0.0.1:8080:80"]
[services.b]
image = "x"
ports = ["8080:80"]
[services.c]
image = "x"
ports = ["10.0.0.2:8080:80"]
"#;
        let clashes: Vec<(String, &str)> = diagnostics(text)
            .into_iter()
            .filter_map(|(kind, at)| match kind {
                ErrorKind::PortConflict { first, .. } => Some((first, at)),
                _ => None,
            })
            .collect();
        assert_eq!(
            clashes,
            [
                ("a".to_owned(), "\"8080:80\""),
                ("b".to_owned(), "\"10.0.0.2:8080:80\"")
            ]
        );
    }
}
