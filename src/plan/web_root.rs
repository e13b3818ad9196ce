//! Generated services behind the proxy: an `[ingress]` route may point at
//! the generated `grafana`, `prometheus` or `alertmanager`. The plan decides
//! where each is served (`plan.web_roots`: its path prefix and the URL users
//! reach it at) before the sections add their services, so each service's
//! flags, health check and scrape path, and the URLs other services reach
//! it at (Grafana's datasources, Prometheus' Alertmanager), follow the
//! prefix.

use super::alertmanager::{CONTAINER_PORT as ALERTMANAGER_PORT, SERVICE as ALERTMANAGER};
use super::grafana::{CONTAINER_PORT as GRAFANA_PORT, SERVICE as GRAFANA};
use super::ingress::{HTTP_PORT, HTTPS_PORT};
use super::prometheus::{PROMETHEUS, PROMETHEUS_PORT};
use crate::config::Stack;
use crate::syntax::nginx::{ServerName, ServerNameForm};
use crate::syntax::route::HostName;

/// A generated service a route may point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routable {
    /// The service's name.
    pub name: &'static str,
    /// The section that generates it, without brackets.
    pub section: &'static str,
    /// The port it listens on inside its container.
    pub port: u16,
}

/// The generated services routes may point at.
pub const ROUTABLE: [Routable; 3] = [
    Routable {
        name: GRAFANA,
        section: "grafana",
        port: GRAFANA_PORT,
    },
    Routable {
        name: PROMETHEUS,
        section: "prometheus",
        port: PROMETHEUS_PORT,
    },
    Routable {
        name: ALERTMANAGER,
        section: "alertmanager",
        port: ALERTMANAGER_PORT,
    },
];

/// The generated service `name` routes may point at, if it is one.
pub fn routable(name: &str) -> Option<Routable> {
    ROUTABLE.into_iter().find(|r| r.name == name)
}

impl Routable {
    /// Whether `stack` has the section that generates the service.
    pub fn generated_by(self, stack: &Stack) -> bool {
        match self.section {
            "grafana" => stack.grafana.is_some(),
            "prometheus" => stack.prometheus.is_some(),
            _ => stack.alertmanager.is_some(),
        }
    }
}

/// Where a generated service is served through the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWebRoot {
    /// The service.
    pub service: String,
    /// The path prefix without its trailing slash (`/grafana`); empty when
    /// the route's path is `/`.
    pub prefix: String,
    /// The URL users reach it at, ending in `/`: the proxy's scheme, the
    /// route's own `host`, else the first server name (`localhost` when the
    /// ingress names none), the published port unless it is the scheme's
    /// default, and the prefix.
    pub external_url: String,
    /// Whether the route asks for credentials.
    pub authenticated: bool,
    /// The route's index in `[[ingress.routes]]`.
    pub route: usize,
}

/// The web roots of the generated services `stack`'s routes point at, in
/// route order (the first route to a service decides; validation refuses a
/// second).
pub fn web_roots(stack: &Stack) -> Vec<PlannedWebRoot> {
    let Some(ingress) = &stack.ingress else {
        return Vec::new();
    };
    let (scheme, port, default_port) = match &ingress.tls {
        Some(_) => (
            "https",
            ingress.https_port.unwrap_or(HTTPS_PORT),
            HTTPS_PORT,
        ),
        None => ("http", ingress.http_port.unwrap_or(HTTP_PORT), HTTP_PORT),
    };
    let host = ingress
        .server_names
        .iter()
        .find(|name| {
            matches!(
                name.form(),
                Ok(ServerNameForm::Host | ServerNameForm::Address)
            )
        })
        .map_or("localhost", ServerName::as_str);
    let authority = |host: &str| {
        if port == default_port {
            host.to_owned()
        } else {
            format!("{host}:{port}")
        }
    };
    let mut roots: Vec<PlannedWebRoot> = Vec::new();
    for (index, route) in ingress.routes.iter().enumerate() {
        let Some(target) = routable(&route.service) else {
            continue;
        };
        if stack.services.contains_key(target.name)
            || !target.generated_by(stack)
            || roots.iter().any(|root| root.service == target.name)
        {
            continue;
        }
        // Validation refused a stack whose path or host does not read.
        let Some((path, own_host)) = route.read_place() else {
            continue;
        };
        let prefix = path.as_str().trim_end_matches('/').to_owned();
        roots.push(PlannedWebRoot {
            service: target.name.to_owned(),
            external_url: format!(
                "{scheme}://{}{prefix}/",
                authority(own_host.map_or(host, HostName::as_str))
            ),
            prefix,
            authenticated: route.auth.is_some(),
            route: index,
        });
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(ingress: &str) -> Vec<(String, String, String)> {
        let text = format!(
            "[stack]\nname = \"t\"\n[prometheus]\n[grafana]\n[ingress]\n{ingress}\n[[ingress.routes]]\npath = \"/grafana/\"\nservice = \"grafana\"\n[[ingress.routes]]\npath = \"/\"\nservice = \"prometheus\"\n"
        );
        let loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        web_roots(&loaded.stack)
            .into_iter()
            .map(|r| (r.service, r.prefix, r.external_url))
            .collect()
    }

    fn root(service: &str, prefix: &str, url: &str) -> (String, String, String) {
        (service.to_owned(), prefix.to_owned(), url.to_owned())
    }

    #[test]
    fn the_prefix_is_the_path_and_the_url_names_the_first_plain_server_name() {
        assert_eq!(
            roots("server-names = [\"*.example.org\", \"ops.example.org\"]"),
            [
                root("grafana", "/grafana", "http://ops.example.org/grafana/"),
                root("prometheus", "", "http://ops.example.org/"),
            ]
        );
    }

    #[test]
    fn a_route_with_its_own_host_serves_at_that_host() {
        let text = "[stack]\nname = \"t\"\n[grafana]\nadmin-password = \"${GF}\"\n[ingress]\nserver-names = [\"ops.example.org\"]\nhttp-port = 8080\n[[ingress.routes]]\nhost = \"Grafana.example.org\"\npath = \"/\"\nservice = \"grafana\"\n";
        let loaded = crate::load::load_str("stack.toml", text).expect("loads");
        let found: Vec<(String, String, String)> = web_roots(&loaded.stack)
            .into_iter()
            .map(|r| (r.service, r.prefix, r.external_url))
            .collect();
        assert_eq!(
            found,
            [root("grafana", "", "http://grafana.example.org:8080/")]
        );
    }

    #[test]
    fn without_a_server_name_the_url_is_localhost_on_the_published_port() {
        assert_eq!(
            roots("http-port = 8080"),
            [
                root("grafana", "/grafana", "http://localhost:8080/grafana/"),
                root("prometheus", "", "http://localhost:8080/"),
            ]
        );
    }
}
