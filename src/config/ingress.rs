//! The nginx ingress: listeners, TLS, routes to services, rate limits.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::syntax::nginx::{AllowAddress, RequestRate, ServerName};
use crate::syntax::route::{HostName, PathPrefix, RouteHost, RoutePath};
use crate::syntax::{ByteSize, Duration};

/// The nginx reverse proxy and load balancer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ingress {
    /// The nginx image (`nginx:1.22-alpine` by default).
    #[serde(default)]
    pub image: Option<String>,
    /// The host port for plain HTTP (80 by default).
    #[serde(default)]
    pub http_port: Option<u16>,
    /// The host port for HTTPS (443 by default, when `tls` is set).
    #[serde(default)]
    pub https_port: Option<u16>,
    /// Server names, such as `example.com` or `*.example.com` (any name when empty).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub server_names: Vec<ServerName>,
    /// TLS termination.
    #[serde(default)]
    pub tls: Option<Tls>,
    /// The largest request body accepted (`10M` by default).
    #[serde(default)]
    pub client_max_body_size: Option<ByteSize>,
    /// Compress text responses.
    #[serde(default = "yes")]
    pub gzip: bool,
    /// IP addresses or CIDR blocks allowed to read the `stub_status` page at `/nginx-status`
    /// (loopback and the private ranges by default, which include the Docker networks).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub status_allow: Vec<AllowAddress>,
    /// Run `nginx-prometheus-exporter` (service `nginx-exporter`, port 9113) against the
    /// `stub_status` page; Prometheus scrapes it.
    #[serde(default)]
    pub exporter: bool,
    /// Rate-limit zones, keyed by name, such as `{ api = { rate = "10r/s", burst = 20 } }`.
    #[serde(default)]
    pub rate_limits: IndexMap<String, RateLimit>,
    /// Routes from paths to services.
    #[serde(default)]
    pub routes: Vec<IngressRoute>,
}

const fn yes() -> bool {
    true
}

/// TLS termination.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Tls {
    /// The certificate chain (PEM), relative to the stack file; copied into the bundle as
    /// `nginx/certs/<file name>`.
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub certificate: String,
    /// The private key (PEM), relative to the stack file; copied into the bundle as
    /// `nginx/certs/<file name>` with mode 0600.
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub key: String,
    /// Redirect plain HTTP to HTTPS.
    #[serde(default = "yes")]
    pub redirect_http: bool,
}

/// A rate-limit zone.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RateLimit {
    /// The rate per client address: `<n>r/s` or `<n>r/m`, such as `10r/s` or `300r/m`.
    #[schemars(with = "String")]
    pub rate: RequestRate,
    /// Requests allowed above the rate before refusing.
    #[serde(default)]
    #[schemars(range(max = 4_294_967_295_u32))]
    pub burst: Option<u32>,
}

/// A route from a path to a service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IngressRoute {
    /// The path prefix, such as `/api/`. A route to the generated `grafana`,
    /// `prometheus` or `alertmanager` other than `/` serves it under that
    /// prefix: stackgen sets its external URL and route prefix to match.
    #[schemars(with = "String")]
    pub path: RoutePath,
    /// The host name this route answers on, such as `grafana.example.com`,
    /// in an nginx `server` block of its own (and, on Kubernetes, as the
    /// route's own host); the `server-names` of `[ingress]` when unset. A
    /// route to the generated `grafana`, `prometheus` or `alertmanager` with
    /// `path = "/"` serves it at that host's root.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub host: Option<RouteHost>,
    /// The service that serves it: a `[services]` entry (all its replicas
    /// form the upstream), or the generated `grafana`, `prometheus` or
    /// `alertmanager` of their sections.
    pub service: String,
    /// The service port (its first container port by default).
    #[serde(default)]
    pub port: Option<u16>,
    /// `http` (default), `sse` or `websocket`.
    #[serde(default)]
    pub kind: RouteKind,
    /// The rate-limit zone to apply.
    #[serde(default)]
    pub rate_limit: Option<String>,
    /// How long to wait for the upstream to send data (60s for `http`, 1h for `sse` and `websocket`).
    #[serde(default)]
    pub read_timeout: Option<Duration>,
    /// How the upstream spreads requests over replicas. Routes to the same
    /// service and port share one upstream and must agree.
    #[serde(default)]
    pub balance: Option<Balance>,
    /// Ask for a user name and password before passing requests on, such as
    /// `{ basic-file = "auth/htpasswd" }`.
    #[serde(default)]
    pub auth: Option<RouteAuth>,
}

impl IngressRoute {
    /// The path prefix and own host the route reads as, or `None` when
    /// either does not read (validation reports it and refuses the stack).
    pub fn read_place(&self) -> Option<(&PathPrefix, Option<&HostName>)> {
        let path = self.path.prefix().ok()?;
        let host = self.host.as_ref().map(RouteHost::name).transpose().ok()?;
        Some((path, host))
    }
}

/// How a route authenticates its clients.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RouteAuth {
    /// HTTP basic authentication against an htpasswd file (`user:hash` lines,
    /// as `htpasswd -B` or `openssl passwd -apr1` write them), relative to the
    /// stack file; copied into the bundle as `nginx/auth/<file name>`, keeping
    /// its permission bits (nginx's workers must be able to read it). It holds
    /// password hashes only: plain-text passwords are refused.
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub basic_file: String,
}

/// The kind of traffic a route carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RouteKind {
    /// Ordinary request/response HTTP.
    #[default]
    Http,
    /// Server-sent events: no buffering, long reads.
    Sse,
    /// Websockets: upgraded connections.
    Websocket,
}

/// A load-balancing method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Balance {
    /// Take turns.
    #[default]
    RoundRobin,
    /// The replica with the fewest open connections.
    LeastConn,
    /// Pin each client address to one replica.
    IpHash,
}
