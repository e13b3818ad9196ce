//! The `[ingress]` section in the plan: the services it adds (`nginx`, and
//! with `exporter = true`, `nginx-exporter` scraping its `stub_status`
//! page) and its routing with every decision made (`plan.ingress`): which
//! backends routes share, each route's service, port, timeout, buffering
//! and rate limit, TLS. The routing names no nginx syntax, so any target
//! (nginx.conf, a Kubernetes `Ingress` or `HTTPRoute`) maps it as it is.

use std::collections::HashMap;

use super::service::join_networks;
use super::web_root::routable;
use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::{Balance, Duration, Ingress, ResolvedMount, RouteKind};
use crate::config::{DependsCondition, PortMapping, ServiceKind};
use crate::syntax::nginx::{Rate, ServerName};
use crate::syntax::route::{HostName, PathPrefix};

/// The nginx service name.
pub const SERVICE: &str = "nginx";
/// The nginx image used when `[ingress] image` is unset.
pub const DEFAULT_IMAGE: &str = "nginx:1.22-alpine";
/// The exporter image.
pub const EXPORTER_IMAGE: &str = "nginx/nginx-prometheus-exporter:1.1.0";
/// The exporter's metrics port.
pub const EXPORTER_PORT: u16 = 9113;
/// The container port of the plain HTTP listener.
pub const HTTP_PORT: u16 = 80;
/// The container port of the TLS listener.
pub const HTTPS_PORT: u16 = 443;
/// The path nginx answers health checks on.
pub const HEALTH_PATH: &str = "/nginx-health";
/// The path of the `stub_status` page.
pub const STATUS_PATH: &str = "/nginx-status";
/// Where the TLS files are mounted in the container.
pub const CERTS_DIR: &str = "/etc/nginx/certs";
/// Where the htpasswd files of routes are mounted in the container.
pub const AUTH_DIR: &str = "/etc/nginx/auth";
/// The realm browsers show when a route asks for credentials.
pub const AUTH_REALM: &str = "Restricted";
/// The largest request body accepted when `client-max-body-size` is unset: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Who may read the status page when `status-allow` is empty: loopback and
/// the private ranges, which include the Docker networks.
pub const DEFAULT_STATUS_ALLOW: &[&str] = &[
    "127.0.0.1",
    "::1",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
];
/// How long a plain HTTP route waits for a response, unless `read-timeout` says otherwise.
const HTTP_READ_TIMEOUT_MS: u64 = 60_000;
/// How long an SSE or websocket route waits between reads, unless `read-timeout` says otherwise.
const STREAM_READ_TIMEOUT_MS: u64 = 3_600_000;

/// The `[ingress]` routing with every value decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedIngress {
    /// The host names served; empty serves any host.
    pub server_names: Vec<ServerName>,
    /// TLS termination, if any.
    pub tls: Option<PlannedTls>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// Whether text responses are compressed.
    pub gzip: bool,
    /// The addresses and CIDR blocks that may read the status page, in canonical form.
    pub status_allow: Vec<String>,
    /// The rate-limit zones (per client address), in the order the stack names them.
    pub rate_limits: Vec<PlannedRateLimit>,
    /// The backends routes send requests to: one per routed service and port
    /// whose containers always run, shared by every route to it.
    pub upstreams: Vec<PlannedUpstream>,
    /// The routes, in the order the stack lists them.
    pub routes: Vec<PlannedIngressRoute>,
}

/// TLS termination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTls {
    /// The certificate chain, as the stack names it (relative to the stack file).
    pub certificate: String,
    /// The private key, as the stack names it.
    pub key: String,
    /// Whether plain HTTP requests are redirected to HTTPS.
    pub redirect_http: bool,
    /// The host port HTTPS is published on (what a redirect names).
    pub https_port: u16,
}

/// A rate-limit zone: requests per client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRateLimit {
    /// The zone's name.
    pub name: String,
    /// The rate, such as 10 per second or 300 per minute.
    pub rate: Rate,
    /// Requests allowed above the rate before refusing.
    pub burst: Option<u32>,
}

/// A balanced group of containers serving one service's port: every replica
/// of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUpstream {
    /// Its name: the service's, with `-PORT` when routes use two of its ports.
    pub name: String,
    /// The `[services]` entry.
    pub service: String,
    /// The container port requests go to.
    pub port: u16,
    /// How requests are spread: the first method a route asks for, else round robin.
    pub balance: Balance,
    /// The host name requests go to: the service's, which Docker's DNS
    /// answers with the address of every replica (so nginx balances over
    /// them all).
    pub host: String,
}

/// A route from a path prefix to a service's port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedIngressRoute {
    /// The path prefix, such as `/api/`.
    pub path: PathPrefix,
    /// The host name it answers on in a server of its own, lowercased;
    /// `None` serves it on the ingress's server names.
    pub host: Option<HostName>,
    /// The kind of traffic: plain HTTP, server-sent events or websockets.
    pub kind: RouteKind,
    /// The `[services]` entry serving it.
    pub service: String,
    /// The container port requests go to.
    pub port: u16,
    /// Which containers take the requests.
    pub backend: Backend,
    /// How long to wait for the service between reads.
    pub read_timeout: Duration,
    /// Whether responses may be buffered (never for server-sent events).
    pub buffering: bool,
    /// The rate limit applied, if any.
    pub rate_limit: Option<PlannedRouteLimit>,
    /// The credentials asked for before requests are passed on, if any.
    pub auth: Option<PlannedAuth>,
}

/// How a route authenticates its clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedAuth {
    /// HTTP basic authentication against the users of an htpasswd file, as
    /// the stack names it (relative to the stack file).
    Basic {
        /// The htpasswd file.
        user_file: String,
    },
}

/// Which containers take a route's requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// The upstream at this index of [`PlannedIngress::upstreams`].
    Upstream(usize),
    /// A service of a profile that may not run, looked up by name per
    /// request (one of its replicas' addresses each time) so the proxy
    /// starts without it.
    OnDemand(String),
}

/// A route's rate limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRouteLimit {
    /// The zone counting the requests.
    pub zone: String,
    /// Requests allowed above the zone's rate before refusing.
    pub burst: Option<u32>,
}

/// Adds the services, volumes and mounts the `[ingress]` section implies.
pub fn add_services(plan: &mut Plan) {
    let Some(ingress) = plan.stack.ingress.clone() else {
        return;
    };
    let mut nginx = PlannedService::generated(
        SERVICE,
        ingress.image.as_deref().unwrap_or(DEFAULT_IMAGE),
        ServiceKind::Generic,
        "ingress",
    );
    nginx.ports.push(published(HTTP_PORT, ingress.http_port));
    nginx.mounts.push(ResolvedMount::read_only_bind(
        "./nginx/nginx.conf",
        "/etc/nginx/nginx.conf",
    ));
    if ingress.tls.is_some() {
        nginx.ports.push(published(HTTPS_PORT, ingress.https_port));
        nginx
            .mounts
            .push(ResolvedMount::read_only_bind("./nginx/certs", CERTS_DIR));
    }
    if ingress.routes.iter().any(|route| route.auth.is_some()) {
        nginx
            .mounts
            .push(ResolvedMount::read_only_bind("./nginx/auth", AUTH_DIR));
    }
    plan.ingress = Some(routing(plan, &ingress));
    let mut networks: Vec<String> = Vec::new();
    let services = plan.services_by_name();
    for route in &ingress.routes {
        // One dependency per routed service: Compose waits for every replica.
        let Some(target) = services.get(route.service.as_str()) else {
            continue;
        };
        join_networks(&mut networks, &target.networks);
        if !target.profiles.is_empty() {
            // Depending on a profiled service breaks `docker compose up` without the profile.
            continue;
        }
        let condition = if target.healthcheck.is_some() {
            DependsCondition::Healthy
        } else {
            DependsCondition::Started
        };
        nginx.depends_on.insert(target.name.clone(), condition);
    }
    if networks.is_empty() {
        networks.extend(plan.networks.keys().take(1).cloned());
    }
    nginx.networks.clone_from(&networks);
    nginx.healthcheck = Some(PlannedHealthcheck::wget(
        &format!("http://127.0.0.1:{HTTP_PORT}{HEALTH_PATH}"),
        10,
        5,
        3,
        10,
    ));
    plan.services.push(nginx);

    if ingress.exporter {
        let mut exporter = PlannedService::generated(
            "nginx-exporter",
            EXPORTER_IMAGE,
            ServiceKind::Generic,
            "ingress",
        );
        exporter.command = Some(vec![format!(
            "--nginx.scrape-uri=http://nginx:{HTTP_PORT}{STATUS_PATH}"
        )]);
        exporter.expose.push(EXPORTER_PORT);
        exporter.networks = networks;
        exporter
            .depends_on
            .insert("nginx".to_owned(), DependsCondition::Healthy);
        exporter.metrics = Some(PlannedMetrics::http(EXPORTER_PORT));
        plan.services.push(exporter);
    }
}

/// Decides the routing of `ingress`. Validation guarantees every routed
/// service has a port and is planned; a route without either is left out.
fn routing(plan: &Plan, ingress: &Ingress) -> PlannedIngress {
    let services = plan.services_by_name();
    let mut upstreams: Vec<PlannedUpstream> = Vec::new();
    let mut upstream_index: HashMap<(&str, u16), usize> = HashMap::new();
    let mut routes = Vec::new();
    for route in &ingress.routes {
        // A `[services]` entry's first port, or the port of the generated
        // service the route points at.
        let Some(port) = route
            .port
            .or_else(|| match plan.stack.services.get(&route.service) {
                Some(service) => service.primary_port(),
                None => routable(&route.service).map(|target| target.port),
            })
        else {
            continue;
        };
        let Some(target) = services.get(route.service.as_str()) else {
            continue;
        };
        let backend = if target.profiles.is_empty() {
            let index = *upstream_index
                .entry((route.service.as_str(), port))
                .or_insert_with(|| {
                    upstreams.push(PlannedUpstream {
                        name: String::new(),
                        service: route.service.clone(),
                        port,
                        balance: Balance::RoundRobin,
                        host: target.name.clone(),
                    });
                    upstreams.len() - 1
                });
            let upstream = &mut upstreams[index];
            if upstream.balance == Balance::RoundRobin {
                upstream.balance = route.balance.unwrap_or_default();
            }
            Backend::Upstream(index)
        } else {
            Backend::OnDemand(target.name.clone())
        };
        let default_timeout = match route.kind {
            RouteKind::Http => HTTP_READ_TIMEOUT_MS,
            RouteKind::Sse | RouteKind::Websocket => STREAM_READ_TIMEOUT_MS,
        };
        // Validation refused a stack whose path or host does not read.
        let Some((path, host)) = route.read_place() else {
            continue;
        };
        routes.push(PlannedIngressRoute {
            path: path.clone(),
            host: host.cloned(),
            kind: route.kind,
            service: route.service.clone(),
            port,
            backend,
            read_timeout: route
                .read_timeout
                .clone()
                .unwrap_or_else(|| Duration::from_millis(default_timeout)),
            buffering: route.kind != RouteKind::Sse,
            rate_limit: route.rate_limit.as_ref().map(|zone| PlannedRouteLimit {
                zone: zone.clone(),
                burst: ingress.rate_limits.get(zone).and_then(|limit| limit.burst),
            }),
            auth: route.auth.as_ref().map(|auth| PlannedAuth::Basic {
                user_file: auth.basic_file.clone(),
            }),
        });
    }
    name_upstreams(&mut upstreams);
    PlannedIngress {
        server_names: ingress.server_names.clone(),
        tls: ingress.tls.as_ref().map(|tls| PlannedTls {
            certificate: tls.certificate.clone(),
            key: tls.key.clone(),
            redirect_http: tls.redirect_http,
            https_port: ingress.https_port.unwrap_or(HTTPS_PORT),
        }),
        max_body_bytes: ingress
            .client_max_body_size
            .as_ref()
            .map_or(DEFAULT_MAX_BODY_BYTES, crate::config::ByteSize::bytes),
        gzip: ingress.gzip,
        status_allow: if ingress.status_allow.is_empty() {
            DEFAULT_STATUS_ALLOW
                .iter()
                .map(|a| (*a).to_owned())
                .collect()
        } else {
            ingress
                .status_allow
                .iter()
                .map(|address| address.canonical().unwrap_or(address.as_str()).to_owned())
                .collect()
        },
        rate_limits: ingress
            .rate_limits
            .iter()
            // Validation refuses a rate that does not read.
            .filter_map(|(name, limit)| {
                Some(PlannedRateLimit {
                    name: name.clone(),
                    rate: limit.rate.rate()?,
                    burst: limit.burst,
                })
            })
            .collect(),
        upstreams,
        routes,
    }
}

/// Names each upstream after its service, with `-PORT` added when routes
/// use two ports of one service.
fn name_upstreams(upstreams: &mut [PlannedUpstream]) {
    let mut ports_per_service: HashMap<String, usize> = HashMap::new();
    for upstream in upstreams.iter() {
        *ports_per_service
            .entry(upstream.service.clone())
            .or_default() += 1;
    }
    for upstream in upstreams {
        upstream.name = if ports_per_service[&upstream.service] > 1 {
            format!("{}-{}", upstream.service, upstream.port)
        } else {
            upstream.service.clone()
        };
    }
}

fn published(container: u16, host: Option<u16>) -> PortMapping {
    PortMapping {
        container,
        host: Some(host.unwrap_or(container)),
        bind: None,
        protocol: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(ingress: &str) -> Plan {
        let text = format!(
            "[stack]\nname = \"t\"\n[services.app]\nimage = \"app:1\"\nreplicas = 2\nexpose = [8000]\nhealthcheck = {{ http = \"/health\" }}\n[services.ws]\nimage = \"ws:1\"\nexpose = [9000]\n[ingress]\n{ingress}\n[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\n[[ingress.routes]]\npath = \"/ws/\"\nservice = \"ws\"\nkind = \"websocket\"\n"
        );
        let loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        crate::run(&loaded, &crate::Options::default())
            .expect("valid")
            .plan
    }

    #[test]
    fn nginx_waits_for_routed_replicas() {
        let plan = plan("http-port = 8080");
        let nginx = plan.service("nginx").expect("nginx");
        assert_eq!(nginx.image.as_deref(), Some(DEFAULT_IMAGE));
        let ports: Vec<(u16, Option<u16>)> =
            nginx.ports.iter().map(|p| (p.container, p.host)).collect();
        assert_eq!(ports, [(80, Some(8080))]);
        assert_eq!(nginx.mounts.len(), 1);
        let depends: Vec<(&str, DependsCondition)> = nginx
            .depends_on
            .iter()
            .map(|(name, condition)| (name.as_str(), *condition))
            .collect();
        assert_eq!(
            depends,
            [
                ("app", DependsCondition::Healthy),
                ("ws", DependsCondition::Started)
            ]
        );
        assert!(nginx.healthcheck.as_ref().is_some_and(|h| {
            h.test
                .iter()
                .flatten()
                .last()
                .is_some_and(|url| url.ends_with(HEALTH_PATH))
        }));
        assert!(plan.service("nginx-exporter").is_none());
    }

    #[test]
    fn routes_to_one_service_and_port_share_an_upstream() {
        let text = "[stack]\nname = \"t\"\n[services.app]\nimage = \"app:1\"\nreplicas = 2\nexpose = [8000, 8001]\n[services.admin]\nimage = \"a:1\"\nexpose = [8080]\nprofiles = [\"tools\"]\n[ingress]\nstatus-allow = [\"::0:1\"]\nrate-limits = { api = { rate = \"5r/s\", burst = 7 } }\n[[ingress.routes]]\npath = \"/api/\"\nservice = \"app\"\nrate-limit = \"api\"\n[[ingress.routes]]\npath = \"/events/\"\nservice = \"app\"\nkind = \"sse\"\nbalance = \"least-conn\"\n[[ingress.routes]]\npath = \"/files/\"\nservice = \"app\"\nport = 8001\nread-timeout = \"90s\"\n[[ingress.routes]]\npath = \"/admin/\"\nservice = \"admin\"\n";
        let loaded = crate::load::load_str("stack.toml", text).expect("loads");
        let plan = crate::run(&loaded, &crate::Options::default())
            .expect("valid")
            .plan;
        let ingress = plan.ingress.expect("planned");
        let upstreams: Vec<(&str, u16, Balance, &str)> = ingress
            .upstreams
            .iter()
            .map(|u| (u.name.as_str(), u.port, u.balance, u.host.as_str()))
            .collect();
        // Both replicas of `app` behind the one host name.
        assert_eq!(
            upstreams,
            [
                ("app-8000", 8000, Balance::LeastConn, "app"),
                ("app-8001", 8001, Balance::RoundRobin, "app")
            ]
        );
        let routes: Vec<(&str, &Backend, u64, bool)> = ingress
            .routes
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    &r.backend,
                    r.read_timeout.millis(),
                    r.buffering,
                )
            })
            .collect();
        assert_eq!(
            routes,
            [
                ("/api/", &Backend::Upstream(0), 60_000, true),
                ("/events/", &Backend::Upstream(0), 3_600_000, false),
                ("/files/", &Backend::Upstream(1), 90_000, true),
                (
                    "/admin/",
                    &Backend::OnDemand("admin".to_owned()),
                    60_000,
                    true
                )
            ]
        );
        assert_eq!(
            ingress.routes[0].rate_limit,
            Some(PlannedRouteLimit {
                zone: "api".to_owned(),
                burst: Some(7)
            })
        );
        assert_eq!(
            (ingress.routes[3].service.as_str(), ingress.routes[3].port),
            ("admin", 8080)
        );
        assert_eq!(ingress.status_allow, ["::1"]);
        assert_eq!(ingress.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert!(ingress.server_names.is_empty() && ingress.tls.is_none());
    }

    #[test]
    fn tls_and_exporter_add_a_port_a_mount_and_a_scraped_service() {
        let plan = plan(
            "exporter = true\ntls = { certificate = \"examples/certs/dev.crt\", key = \"examples/certs/dev.key\" }",
        );
        let nginx = plan.service("nginx").expect("nginx");
        let ports: Vec<(u16, Option<u16>)> =
            nginx.ports.iter().map(|p| (p.container, p.host)).collect();
        assert_eq!(ports, [(80, Some(80)), (443, Some(443))]);
        assert_eq!(
            nginx.mounts[1],
            ResolvedMount::read_only_bind("./nginx/certs", CERTS_DIR)
        );
        let exporter = plan.service("nginx-exporter").expect("exporter");
        assert_eq!(
            exporter.metrics.as_ref().map(|m| m.port),
            Some(EXPORTER_PORT)
        );
        assert_eq!(
            exporter.command.as_deref(),
            Some(&["--nginx.scrape-uri=http://nginx:80/nginx-status".to_owned()][..])
        );
        let tls = plan.ingress.and_then(|ingress| ingress.tls).expect("tls");
        assert_eq!(
            (tls.key.as_str(), tls.redirect_http, tls.https_port),
            ("examples/certs/dev.key", true, HTTPS_PORT)
        );
    }
}
