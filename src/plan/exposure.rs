//! Who can reach the generated Grafana, Prometheus and Alertmanager
//! (`plan.exposures`): Prometheus and Alertmanager have no login of their
//! own, so a host port of theirs published on every address is open to
//! anyone who reaches the host, and so is a route of the proxy to them
//! without `auth`; Grafana asks for its own login. `stackgen validate` and
//! `render` warn about the findings that are warnings, and `stackgen ports`
//! prints every finding under its table.

use super::Plan;
use super::grafana::SERVICE as GRAFANA;
use super::web_root::ROUTABLE;
use crate::config::BindAddress;
use crate::load::pointer;

/// One finding about a generated service's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The generated service.
    pub service: &'static str,
    /// The section that generates it, without brackets.
    pub section: &'static str,
    /// Where in the stack it is decided (a JSON pointer with the TOML's keys).
    pub pointer: String,
    /// What was found.
    pub finding: Finding,
}

/// What is found about a generated service's reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Prometheus or Alertmanager publishes a host port on every address
    /// while the proxy fronts the stack: anyone who reaches the host
    /// reaches it without credentials, past the proxy (a warning).
    OpenBesideProxy {
        /// The host port.
        port: u16,
        /// Whether a route of the proxy points at it.
        routed: bool,
        /// The URL the proxy serves it at with credentials, when a route
        /// with `auth` points at it (the open port bypasses them).
        bypassed: Option<String>,
    },
    /// Prometheus or Alertmanager publishes a host port on every address,
    /// and the stack has no proxy (a note: only a proxy in front, or a
    /// firewall, can ask for credentials).
    OpenWithoutProxy {
        /// The host port.
        port: u16,
    },
    /// The proxy serves Prometheus or Alertmanager without `auth` (a warning).
    RoutedWithoutAuth {
        /// The URL it is served at.
        url: String,
    },
    /// Grafana, which asks for its own login, is served through the proxy
    /// and also publishes a host port on every address (a note: the port is
    /// not needed).
    PublishedBesideProxy {
        /// The host port.
        port: u16,
    },
}

impl Finding {
    /// Whether `validate` and `render` warn about it.
    pub const fn is_warning(&self) -> bool {
        matches!(
            self,
            Self::OpenBesideProxy { .. } | Self::RoutedWithoutAuth { .. }
        )
    }
}

/// The findings about the generated services `plan` holds, per service in
/// the order Grafana, Prometheus, Alertmanager: its published ports, then
/// its route.
pub fn exposures(plan: &Plan) -> Vec<Exposure> {
    let proxied = plan.stack.ingress.is_some();
    let mut found = Vec::new();
    for target in ROUTABLE {
        // A `[services]` entry of the same name replaces the generated one.
        if plan.stack.services.contains_key(target.name) {
            continue;
        }
        let Some(service) = plan.service(target.name) else {
            continue;
        };
        let root = plan.web_root(target.name);
        let has_login = target.name == GRAFANA;
        for port in &service.ports {
            let everywhere = port.bind.as_ref().is_none_or(BindAddress::is_everywhere);
            let Some(host) = port.host.filter(|_| everywhere) else {
                continue;
            };
            let finding = match (has_login, root, proxied) {
                (true, Some(_), _) => Finding::PublishedBesideProxy { port: host },
                (true, None, _) => continue,
                (false, _, true) => Finding::OpenBesideProxy {
                    port: host,
                    routed: root.is_some(),
                    bypassed: root
                        .filter(|root| root.authenticated)
                        .map(|root| root.external_url.clone()),
                },
                (false, _, false) => Finding::OpenWithoutProxy { port: host },
            };
            found.push(Exposure {
                service: target.name,
                section: target.section,
                pointer: section_pointer(plan, target.section),
                finding,
            });
        }
        if let Some(root) = root.filter(|root| !root.authenticated && !has_login) {
            found.push(Exposure {
                service: target.name,
                section: target.section,
                pointer: pointer(["ingress", "routes", &root.route.to_string(), "service"]),
                finding: Finding::RoutedWithoutAuth {
                    url: root.external_url.clone(),
                },
            });
        }
    }
    found
}

/// The place that decides where a section's port is published: its `bind`
/// when set, else its `port`, else the section.
fn section_pointer(plan: &Plan, section: &str) -> String {
    let stack = &plan.stack;
    let (bind, port) = match section {
        "grafana" => stack
            .grafana
            .as_ref()
            .map(|s| (s.bind.is_some(), s.port.is_some())),
        "prometheus" => stack
            .prometheus
            .as_ref()
            .map(|s| (s.bind.is_some(), s.port.is_some())),
        _ => stack
            .alertmanager
            .as_ref()
            .map(|s| (s.bind.is_some(), s.port.is_some())),
    }
    .unwrap_or_default();
    if bind {
        pointer([section, "bind"])
    } else if port {
        pointer([section, "port"])
    } else {
        pointer([section])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(sections: &str) -> Vec<(&'static str, String, Finding)> {
        let text = format!("[stack]\nname = \"t\"\n{sections}");
        let loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        let plan = crate::run(&loaded, &crate::Options::default().check_only())
            .expect("valid")
            .plan;
        plan.exposures
            .into_iter()
            .map(|e| (e.service, e.pointer, e.finding))
            .collect()
    }

    const ROUTES: &str = "[ingress]\n[[ingress.routes]]\npath = \"/grafana/\"\nservice = \"grafana\"\n[[ingress.routes]]\npath = \"/prometheus/\"\nservice = \"prometheus\"\nauth = { basic-file = \"examples/auth/htpasswd\" }\n[[ingress.routes]]\npath = \"/alertmanager/\"\nservice = \"alertmanager\"\n";

    #[test]
    fn open_ports_beside_the_proxy_and_routes_without_auth_are_warnings() {
        let found = findings(&format!(
            "[prometheus]\nport = 9091\n[alertmanager]\nbind = \"127.0.0.1\"\ndefault-receiver = \"ops\"\nreceivers.ops = {{ webhook = [{{ url = \"http://bot:9000/\" }}] }}\n[grafana]\nadmin-password = \"${{GF}}\"\n{ROUTES}"
        ));
        assert_eq!(
            found,
            [
                (
                    "grafana",
                    "/grafana".to_owned(),
                    Finding::PublishedBesideProxy { port: 3000 }
                ),
                (
                    "prometheus",
                    "/prometheus/port".to_owned(),
                    Finding::OpenBesideProxy {
                        port: 9091,
                        routed: true,
                        bypassed: Some("http://localhost/prometheus/".to_owned())
                    }
                ),
                (
                    "alertmanager",
                    "/ingress/routes/2/service".to_owned(),
                    Finding::RoutedWithoutAuth {
                        url: "http://localhost/alertmanager/".to_owned()
                    }
                ),
            ]
        );
        let warnings: Vec<bool> = found.iter().map(|(_, _, f)| f.is_warning()).collect();
        assert_eq!(warnings, [false, true, true]);
    }

    #[test]
    fn without_a_proxy_an_open_port_is_a_note_and_grafana_is_not_named() {
        let found =
            findings("[prometheus]\nbind = \"0.0.0.0\"\n[grafana]\nadmin-password = \"${GF}\"\n");
        assert_eq!(
            found,
            [(
                "prometheus",
                "/prometheus/bind".to_owned(),
                Finding::OpenWithoutProxy { port: 9090 }
            )]
        );
        assert!(!found[0].2.is_warning());
    }
}
