//! `nginx/nginx.conf` and `nginx/certs/*` from the `[ingress]` section.
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
use super::templates;
use crate::config::{Balance, Ingress, RouteKind};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::ingress::{CERTS_DIR, HEALTH_PATH, HTTP_PORT, HTTPS_PORT, STATUS_PATH};
use crate::validate::ingress::{
    is_rate, parse_allow, route_path_problem, server_name_problem, service_port, tls_bundle_name,
};
use crate::validate::text::unsafe_char;

/// The template, under `templates/`.
const TEMPLATE: &str = "nginx/nginx.conf.j2";
/// Who may read `stub_status` when `status-allow` is empty: loopback and private networks.
const DEFAULT_STATUS_ALLOW: &[&str] = &[
    "127.0.0.1",
    "::1",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
];
/// `client_max_body_size` when unset (nginx's own default is 1m).
const DEFAULT_BODY_SIZE: &str = "10m";
/// `proxy_read_timeout` of plain HTTP routes, in milliseconds.
const HTTP_READ_TIMEOUT_MS: u64 = 60_000;
/// `proxy_read_timeout` of SSE and websocket routes, in milliseconds.
const STREAM_READ_TIMEOUT_MS: u64 = 3_600_000;
/// The size of each rate-limit zone's shared memory.
const ZONE_SIZE: &str = "10m";

/// Renders `nginx/nginx.conf` and copies the TLS files, when the stack has `[ingress]`.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(ingress) = &plan.stack.ingress else {
        return Ok(Vec::new());
    };
    let context = build_context(plan, ingress)?;
    let mut body = render_config(&context)?;
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let header = comment_text(&super::format::header_lines(plan));
    let mut files = vec![OutputFile::text(
        "nginx/nginx.conf",
        format!("# {header}\n{body}"),
    )];
    if let Some(tls) = &ingress.tls {
        for path in [&tls.certificate, &tls.key] {
            let name = tls_bundle_name(path).map_err(|reason| bug(path, &reason))?;
            let source = plan.base_dir.join(path);
            let contents =
                std::fs::read(&source).map_err(|error| Error::io("read", &source, error))?;
            files.push(OutputFile {
                path: format!("nginx/certs/{name}"),
                contents,
            });
        }
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
    rate_limits: Vec<ZoneContext>,
    tls: Option<TlsContext>,
    upstreams: Vec<UpstreamContext>,
    servers: Vec<ServerContext>,
    server_names: Vec<String>,
    redirect_port: Option<u16>,
    health_path: &'static str,
    status_path: &'static str,
    status_allow: Vec<String>,
    routes: Vec<RouteContext>,
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
    servers: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ServerContext {
    port: u16,
    ssl: bool,
    redirect: bool,
}

#[derive(Debug, Serialize)]
struct RouteContext {
    path: String,
    kind: &'static str,
    proxy_pass: String,
    limit: Option<LimitContext>,
    read_timeout: String,
}

#[derive(Debug, Serialize)]
struct LimitContext {
    zone_arg: String,
    burst_arg: Option<String>,
}

fn build_context(plan: &Plan, ingress: &Ingress) -> Result<Context, Error> {
    let stack = &plan.stack;
    let mut upstream_keys: Vec<(String, u16)> = Vec::new();
    let mut upstreams: Vec<UpstreamContext> = Vec::new();
    let mut routes = Vec::new();
    for route in &ingress.routes {
        if let Some(reason) = route_path_problem(&route.path) {
            return Err(bug(&route.path, &reason));
        }
        let port = stack
            .services
            .get(&route.service)
            .and_then(|service| service_port(service, route.port))
            .ok_or_else(|| bug(&route.service, "the routed service has no port"))?;
        let key = (route.service.clone(), port);
        let index = if let Some(index) = upstream_keys.iter().position(|k| *k == key) {
            index
        } else {
            upstream_keys.push(key);
            let servers: Vec<String> = plan
                .replicas(&route.service)
                .map(|replica| format!("{}:{port}", replica.name))
                .collect();
            if servers.is_empty() {
                return Err(bug(&route.service, "the routed service has no containers"));
            }
            upstreams.push(UpstreamContext {
                name: String::new(),
                balance: None,
                servers,
            });
            upstream_keys.len() - 1
        };
        if upstreams[index].balance.is_none() {
            upstreams[index].balance = route.balance.and_then(balance_directive);
        }
        let limit = match &route.rate_limit {
            None => None,
            Some(zone) => {
                let limit = ingress
                    .rate_limits
                    .get(zone)
                    .ok_or_else(|| bug(zone, "no such rate-limit zone"))?;
                Some(LimitContext {
                    zone_arg: format!("zone={zone}"),
                    burst_arg: limit.burst.map(|burst| format!("burst={burst}")),
                })
            }
        };
        let default_timeout = match route.kind {
            RouteKind::Http => HTTP_READ_TIMEOUT_MS,
            RouteKind::Sse | RouteKind::Websocket => STREAM_READ_TIMEOUT_MS,
        };
        routes.push((index, route.path.clone(), route.kind, limit, {
            let millis = route
                .read_timeout
                .as_ref()
                .and_then(crate::config::DurationStr::millis)
                .unwrap_or(default_timeout);
            nginx_time(millis)
        }));
    }
    // Name upstreams after their service; add the port when one service is routed on two ports.
    for (index, (service, port)) in upstream_keys.iter().enumerate() {
        let shared = upstream_keys.iter().filter(|(s, _)| s == service).count() > 1;
        upstreams[index].name = if shared {
            format!("{service}-{port}")
        } else {
            service.clone()
        };
    }
    let routes = routes
        .into_iter()
        .map(|(index, path, kind, limit, read_timeout)| RouteContext {
            path,
            kind: match kind {
                RouteKind::Http => "http",
                RouteKind::Sse => "sse",
                RouteKind::Websocket => "websocket",
            },
            proxy_pass: format!("http://{}", upstreams[index].name),
            limit,
            read_timeout,
        })
        .collect();

    let mut rate_limits = Vec::new();
    for (name, limit) in &ingress.rate_limits {
        if !is_rate(&limit.rate) {
            return Err(bug(&limit.rate, "not a request rate"));
        }
        rate_limits.push(ZoneContext {
            zone_arg: format!("zone={name}:{ZONE_SIZE}"),
            rate_arg: format!("rate={}", limit.rate),
        });
    }

    let mut server_names = Vec::new();
    for name in &ingress.server_names {
        if let Some(reason) = server_name_problem(name) {
            return Err(bug(name, &reason));
        }
        server_names.push(name.clone());
    }
    if server_names.is_empty() {
        server_names.push("_".to_owned());
    }

    let status_allow = if ingress.status_allow.is_empty() {
        DEFAULT_STATUS_ALLOW
            .iter()
            .map(|a| (*a).to_owned())
            .collect()
    } else {
        ingress
            .status_allow
            .iter()
            .map(|address| parse_allow(address).ok_or_else(|| bug(address, "not an address")))
            .collect::<Result<Vec<_>, _>>()?
    };

    let client_max_body_size = match &ingress.client_max_body_size {
        None => DEFAULT_BODY_SIZE.to_owned(),
        Some(size) => nginx_size(
            size.bytes()
                .ok_or_else(|| bug(size.as_str(), "not a size"))?,
        ),
    };

    let tls = match &ingress.tls {
        None => None,
        Some(tls) => Some(TlsContext {
            certificate: format!(
                "{CERTS_DIR}/{}",
                tls_bundle_name(&tls.certificate).map_err(|r| bug(&tls.certificate, &r))?
            ),
            key: format!(
                "{CERTS_DIR}/{}",
                tls_bundle_name(&tls.key).map_err(|r| bug(&tls.key, &r))?
            ),
        }),
    };
    let redirect = ingress.tls.as_ref().is_some_and(|tls| tls.redirect_http);
    let mut servers = vec![ServerContext {
        port: HTTP_PORT,
        ssl: false,
        redirect,
    }];
    if tls.is_some() {
        servers.push(ServerContext {
            port: HTTPS_PORT,
            ssl: true,
            redirect: false,
        });
    }
    let https_host_port = ingress.https_port.unwrap_or(HTTPS_PORT);
    Ok(Context {
        client_max_body_size,
        gzip: ingress.gzip,
        websocket: ingress
            .routes
            .iter()
            .any(|r| r.kind == RouteKind::Websocket),
        rate_limits,
        tls,
        upstreams,
        servers,
        server_names,
        redirect_port: (https_host_port != HTTPS_PORT).then_some(https_host_port),
        health_path: HEALTH_PATH,
        status_path: STATUS_PATH,
        status_allow,
        routes,
    })
}

/// Renders the template with the quoting formatter.
fn render_config<S: Serialize>(context: &S) -> Result<String, Error> {
    let mut env = templates::environment();
    env.set_formatter(quoting_formatter);
    let template = env
        .get_template(TEMPLATE)
        .map_err(|e| Error::Bug(format!("template {TEMPLATE}: {e}")))?;
    template
        .render(minijinja::value::Serde(context))
        .map_err(|e| Error::Bug(format!("rendering {TEMPLATE}: {e:#}")))
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
fn nginx_size(bytes: u64) -> String {
    for (unit, suffix) in [(1024 * 1024 * 1024, "g"), (1024 * 1024, "m"), (1024, "k")] {
        if bytes >= unit && bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// Text safe on one `#` comment line.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            let invisible = !c.is_ascii() && unsafe_char(&c.to_string(), true).is_some();
            if c.is_control() || invisible { '?' } else { c }
        })
        .collect()
}

fn bug(value: &str, reason: &str) -> Error {
    Error::Bug(format!(
        "[ingress] value {value:?} reached the nginx renderer unchecked ({reason}); this is a stackgen bug"
    ))
}
