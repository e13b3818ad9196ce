//! `nginx/nginx.conf`, `nginx/certs/*` and `nginx/auth/*` from the
//! `[ingress]` section.
//!
//! The template is `templates/nginx/nginx.conf.j2`. Its environment has a
//! formatter that emits every interpolated string as one double-quoted
//! nginx token and refuses text that could end a directive, open a block or
//! expand a variable, so a value that slipped past validation fails the
//! render instead of changing the config's structure. Numbers are emitted
//! bare; everything else is refused.

use minijinja::value::{Value, ValueKind};
use minijinja::{Output, State};
use serde::Serialize;

use super::OutputFile;
use crate::config::{Balance, RouteKind};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::ingress::{AUTH_DIR, CERTS_DIR, HEALTH_PATH, HTTP_PORT, HTTPS_PORT, STATUS_PATH};
use crate::plan::ingress::{AUTH_REALM, Backend, PlannedAuth, PlannedIngress};
use crate::syntax::nginx::bundle_file_name;
use crate::syntax::route::HostName;
use crate::syntax::unsafe_char;
use crate::templates;

/// The template, under `templates/`.
const TEMPLATE: &str = "nginx/nginx.conf.j2";
/// The `server_name` that matches any host, for a stack naming none.
const ANY_SERVER_NAME: &str = "_";
/// Docker's embedded DNS server, for targets resolved per request.
const DOCKER_DNS: &str = "127.0.0.11";
/// The size of each rate-limit zone's shared memory.
const ZONE_SIZE: &str = "10m";

/// The permission bits of the private key's copy: readable by its owner only.
pub const PRIVATE_KEY_MODE: u32 = 0o600;

/// Renders `nginx/nginx.conf` and copies the TLS files, when the stack has `[ingress]`.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(ingress) = &plan.ingress else {
        return Ok(Vec::new());
    };
    let context = build_context(ingress)?;
    let mut body = templates::render_formatted(TEMPLATE, &context, quoting_formatter)?;
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let header = super::format::header_lines(plan);
    let mut files = vec![OutputFile::text(
        "nginx/nginx.conf",
        format!("# {header}\n{body}"),
    )];
    if let Some(tls) = &ingress.tls {
        // The key is private whatever its source's mode; the certificate is
        // no more readable than its source.
        for (path, private) in [(&tls.certificate, false), (&tls.key, true)] {
            let name = bundle_file_name(path).map_err(|reason| bug(path, &reason))?;
            let Some(input) = plan.inputs.file(path) else {
                return Err(bug(path, "it was not read before rendering"));
            };
            files.push(OutputFile {
                path: format!("nginx/certs/{name}"),
                contents: input.contents.clone(),
                mode: Some(if private {
                    PRIVATE_KEY_MODE
                } else {
                    input.mode & 0o777
                }),
            });
        }
    }
    // Each htpasswd file once, however many routes read it; a copy is no
    // more readable than its source.
    let mut copied: Vec<&str> = Vec::new();
    for route in &ingress.routes {
        let Some(PlannedAuth::Basic { user_file }) = &route.auth else {
            continue;
        };
        if copied.contains(&user_file.as_str()) {
            continue;
        }
        copied.push(user_file);
        let name = bundle_file_name(user_file).map_err(|reason| bug(user_file, &reason))?;
        let Some(input) = plan.inputs.file(user_file) else {
            return Err(bug(user_file, "it was not read before rendering"));
        };
        files.push(OutputFile {
            path: format!("nginx/auth/{name}"),
            contents: input.contents.clone(),
            mode: Some(input.mode & 0o777),
        });
    }
    Ok(files)
}

/// Quotes `text` as one nginx token, or `None` when no quoting makes it safe
/// (empty, or holding quotes, braces, `;`, `$`, `#`, `\`, whitespace or control characters).
pub fn quote_token(text: &str) -> Option<String> {
    (!text.is_empty() && unsafe_char(text, false).is_none()).then(|| format!("\"{text}\""))
}

/// What the template sees.
#[derive(Debug, Serialize)]
struct Context {
    client_max_body_size: String,
    gzip: bool,
    websocket: bool,
    resolver: Option<&'static str>,
    rate_limits: Vec<ZoneContext>,
    tls: Option<TlsContext>,
    upstreams: Vec<UpstreamContext>,
    servers: Vec<ServerContext>,
    redirect_port: Option<u16>,
    health_path: &'static str,
    status_path: &'static str,
    status_allow: Vec<String>,
    auth_realm: &'static str,
}

#[derive(Debug, Serialize)]
struct ZoneContext {
    zone_arg: String,
    rate_arg: String,
}

#[derive(Debug, Serialize)]
struct TlsContext {
    certificate: String,
    key: String,
}

#[derive(Debug, Serialize)]
struct UpstreamContext {
    name: String,
    balance: Option<&'static str>,
    /// `host:port`: nginx resolves the host name when it starts, and a name
    /// with several addresses (one per replica) is as many servers, each
    /// with the line's parameters.
    server: String,
}

/// One `server` block: the main one (`default_server`, the ingress's server
/// names, the health and status pages, the routes without a host) or the
/// one of a route's own host, per listener.
#[derive(Debug, Serialize)]
struct ServerContext {
    port: u16,
    ssl: bool,
    redirect: bool,
    default: bool,
    names: Vec<String>,
    routes: Vec<RouteContext>,
}

#[derive(Debug, Clone, Serialize)]
struct RouteContext {
    /// The route's place among all routes, from 1: names its per-request target variable.
    index: usize,
    path: String,
    /// Websockets: the connection is upgraded.
    upgrade: bool,
    buffering: bool,
    proxy_pass: String,
    /// `host:port` resolved per request through Docker's DNS, instead of an upstream.
    resolved_target: Option<String>,
    limit: Option<LimitContext>,
    read_timeout: String,
    /// The htpasswd file in the container, when the route asks for credentials.
    auth_file: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct LimitContext {
    zone_arg: String,
    burst_arg: Option<String>,
}

fn build_context(ingress: &PlannedIngress) -> Result<Context, Error> {
    let upstreams = ingress
        .upstreams
        .iter()
        .map(|upstream| UpstreamContext {
            name: upstream.name.clone(),
            balance: balance_directive(upstream.balance),
            server: format!("{}:{}", upstream.host, upstream.port),
        })
        .collect();
    // The routes without a host, then each host's, in the order hosts first appear.
    let mut groups: Vec<(Option<&str>, Vec<RouteContext>)> = vec![(None, Vec::new())];
    for (position, route) in ingress.routes.iter().enumerate() {
        let (proxy_pass, resolved_target) = match &route.backend {
            Backend::Upstream(index) => {
                let upstream = ingress
                    .upstreams
                    .get(*index)
                    .ok_or_else(|| bug(&route.service, "no such upstream"))?;
                (format!("http://{}", upstream.name), None)
            }
            Backend::OnDemand(container) => {
                (String::new(), Some(format!("{container}:{}", route.port)))
            }
        };
        let context = RouteContext {
            index: position + 1,
            path: route.path.to_string(),
            upgrade: route.kind == RouteKind::Websocket,
            buffering: route.buffering,
            proxy_pass,
            resolved_target,
            limit: route.rate_limit.as_ref().map(|limit| LimitContext {
                zone_arg: format!("zone={}", limit.zone),
                burst_arg: limit.burst.map(|burst| format!("burst={burst}")),
            }),
            read_timeout: nginx_time(route.read_timeout.millis()),
            auth_file: match &route.auth {
                Some(PlannedAuth::Basic { user_file }) => Some(format!(
                    "{AUTH_DIR}/{}",
                    bundle_file_name(user_file).map_err(|r| bug(user_file, &r))?
                )),
                None => None,
            },
        };
        let host = route.host.as_ref().map(HostName::as_str);
        match groups.iter_mut().find(|(group, _)| *group == host) {
            Some((_, routes)) => routes.push(context),
            None => groups.push((host, vec![context])),
        }
    }
    let resolver = ingress
        .routes
        .iter()
        .any(|route| matches!(route.backend, Backend::OnDemand(_)));

    let mut rate_limits = Vec::new();
    for limit in &ingress.rate_limits {
        let unit = if limit.rate.per_minute { 'm' } else { 's' };
        rate_limits.push(ZoneContext {
            zone_arg: format!("zone={}:{ZONE_SIZE}", limit.name),
            rate_arg: format!("rate={}r/{unit}", limit.rate.requests),
        });
    }

    let mut server_names = Vec::new();
    for name in &ingress.server_names {
        if let Err(reason) = name.form() {
            return Err(bug(name.as_str(), reason));
        }
        server_names.push(name.as_str().to_owned());
    }
    if server_names.is_empty() {
        server_names.push(ANY_SERVER_NAME.to_owned());
    }

    let tls = match &ingress.tls {
        None => None,
        Some(tls) => Some(TlsContext {
            certificate: format!(
                "{CERTS_DIR}/{}",
                bundle_file_name(&tls.certificate).map_err(|r| bug(&tls.certificate, &r))?
            ),
            key: format!(
                "{CERTS_DIR}/{}",
                bundle_file_name(&tls.key).map_err(|r| bug(&tls.key, &r))?
            ),
        }),
    };
    let redirect = ingress.tls.as_ref().is_some_and(|tls| tls.redirect_http);
    let mut listeners = vec![(HTTP_PORT, false, redirect)];
    if tls.is_some() {
        listeners.push((HTTPS_PORT, true, false));
    }
    let mut servers = Vec::new();
    for (port, ssl, redirect) in listeners {
        for (host, routes) in &groups {
            // The main server redirects every host to HTTPS.
            if redirect && host.is_some() {
                continue;
            }
            servers.push(ServerContext {
                port,
                ssl,
                redirect,
                default: host.is_none(),
                names: host.map_or_else(|| server_names.clone(), |host| vec![host.to_owned()]),
                routes: routes.clone(),
            });
        }
    }
    let https_host_port = ingress
        .tls
        .as_ref()
        .map_or(HTTPS_PORT, |tls| tls.https_port);
    Ok(Context {
        client_max_body_size: nginx_size(ingress.max_body_bytes),
        gzip: ingress.gzip,
        websocket: ingress
            .routes
            .iter()
            .any(|route| route.kind == RouteKind::Websocket),
        resolver: resolver.then_some(DOCKER_DNS),
        rate_limits,
        tls,
        upstreams,
        servers,
        redirect_port: (https_host_port != HTTPS_PORT).then_some(https_host_port),
        health_path: HEALTH_PATH,
        status_path: STATUS_PATH,
        status_allow: ingress.status_allow.clone(),
        auth_realm: AUTH_REALM,
    })
}

fn quoting_formatter(
    out: &mut Output<'_>,
    _state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let refuse = |what: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, what);
    let text = match value.kind() {
        ValueKind::Number if value.as_i64().is_some() => value.to_string(),
        ValueKind::String => quote_token(value.as_str().unwrap_or_default()).ok_or_else(|| {
            refuse(format!(
                "refusing to emit {:?} into nginx.conf",
                value.as_str().unwrap_or_default()
            ))
        })?,
        kind => return Err(refuse(format!("refusing to emit a {kind} into nginx.conf"))),
    };
    out.write_str(&text)
        .map_err(|e| refuse(format!("writing nginx.conf: {e}")))
}

fn balance_directive(balance: Balance) -> Option<&'static str> {
    match balance {
        Balance::RoundRobin => None,
        Balance::LeastConn => Some("least_conn"),
        Balance::IpHash => Some("ip_hash"),
    }
}

/// A duration in the units nginx reads: whole seconds, else milliseconds.
fn nginx_time(millis: u64) -> String {
    if millis % 1000 == 0 {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

/// A size in the units nginx reads (no fractions, no `MiB`): the largest exact unit.
pub fn nginx_size(bytes: u64) -> String {
    for (unit, suffix) in [(1024 * 1024 * 1024, "g"), (1024 * 1024, "m"), (1024, "k")] {
        if bytes >= unit && bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

fn bug(value: &str, reason: &str) -> Error {
    Error::Bug(format!(
        "[ingress] value {value:?} reached the nginx renderer unchecked ({reason}); this is a stackgen bug"
    ))
}

#[cfg(test)]
mod tests;
