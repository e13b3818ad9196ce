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
use crate::plan::ingress::{Backend, PlannedAuth, PlannedIngress};
use crate::syntax::nginx::{bundle_file_name, is_rate, route_path_problem, server_name_problem};
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
/// The realm browsers show when a route asks for credentials.
const AUTH_REALM: &str = "Restricted";

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
    server_names: Vec<String>,
    redirect_port: Option<u16>,
    health_path: &'static str,
    status_path: &'static str,
    status_allow: Vec<String>,
    auth_realm: &'static str,
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
    /// `host:port`: nginx resolves the host name when it starts, and a name
    /// with several addresses (one per replica) is as many servers, each
    /// with the line's parameters.
    server: String,
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

#[derive(Debug, Serialize)]
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
    let mut routes = Vec::new();
    for route in &ingress.routes {
        if let Some(reason) = route_path_problem(&route.path) {
            return Err(bug(&route.path, &reason));
        }
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
        routes.push(RouteContext {
            path: route.path.clone(),
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
        });
    }
    let resolver = ingress
        .routes
        .iter()
        .any(|route| matches!(route.backend, Backend::OnDemand(_)));

    let mut rate_limits = Vec::new();
    for limit in &ingress.rate_limits {
        if !is_rate(&limit.rate) {
            return Err(bug(&limit.rate, "not a request rate"));
        }
        rate_limits.push(ZoneContext {
            zone_arg: format!("zone={}:{ZONE_SIZE}", limit.name),
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
        server_names,
        redirect_port: (https_host_port != HTTPS_PORT).then_some(https_host_port),
        health_path: HEALTH_PATH,
        status_path: STATUS_PATH,
        status_allow: ingress.status_allow.clone(),
        auth_realm: AUTH_REALM,
        routes,
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
mod tests {
    use std::path::Path;

    use super::*;

    /// One nginx directive: its name, arguments (unquoted) and block, if any.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Directive {
        name: String,
        args: Vec<String>,
        block: Option<Vec<Directive>>,
    }

    /// The shape of a config: directive names and nesting, arguments left out.
    #[derive(Debug, PartialEq, Eq)]
    struct Shape(String, Option<Vec<Shape>>);

    #[derive(Debug, PartialEq, Eq)]
    enum Token {
        Word(String),
        Semicolon,
        Open,
        Close,
    }

    /// A tokenizer following nginx's `ngx_conf_read_token`: quotes only open
    /// a token at its start, `#` starts a comment only between tokens.
    fn tokenize(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                c if c.is_whitespace() => {
                    chars.next();
                }
                '#' => while chars.next_if(|c| *c != '\n').is_some() {},
                ';' | '{' | '}' => {
                    chars.next();
                    tokens.push(match c {
                        ';' => Token::Semicolon,
                        '{' => Token::Open,
                        _ => Token::Close,
                    });
                }
                '"' | '\'' => {
                    let quote = c;
                    chars.next();
                    let mut word = String::new();
                    while let Some(ch) = chars.next() {
                        match ch {
                            '\\' => word.push(chars.next().expect("escape at end")),
                            ch if ch == quote => break,
                            other => word.push(other),
                        }
                    }
                    tokens.push(Token::Word(word));
                }
                _ => {
                    let mut word = String::new();
                    while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !";{}".contains(*c))
                    {
                        word.push(c);
                    }
                    tokens.push(Token::Word(word));
                }
            }
        }
        tokens
    }

    fn parse(text: &str) -> Vec<Directive> {
        fn block(tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>) -> Vec<Directive> {
            let mut out = Vec::new();
            while let Some(token) = tokens.next() {
                let name = match token {
                    Token::Close => return out,
                    Token::Word(name) => name,
                    other => panic!("unexpected {other:?}"),
                };
                let mut args = Vec::new();
                loop {
                    match tokens.next().expect("directive not terminated") {
                        Token::Word(arg) => args.push(arg),
                        Token::Semicolon => {
                            out.push(Directive {
                                name,
                                args,
                                block: None,
                            });
                            break;
                        }
                        Token::Open => {
                            out.push(Directive {
                                name,
                                args,
                                block: Some(block(tokens)),
                            });
                            break;
                        }
                        Token::Close => panic!("`}}` inside directive {name}"),
                    }
                }
            }
            out
        }
        block(&mut tokenize(text).into_iter().peekable())
    }

    fn shape(directives: &[Directive]) -> Vec<Shape> {
        directives
            .iter()
            .map(|d| Shape(d.name.clone(), d.block.as_deref().map(shape)))
            .collect()
    }

    fn find<'a>(directives: &'a [Directive], name: &str) -> Vec<&'a Directive> {
        directives.iter().filter(|d| d.name == name).collect()
    }

    fn render_example() -> String {
        let loaded = crate::load::load_file(Path::new("examples/ingress.toml")).expect("loads");
        let output = crate::run(&loaded, &crate::Options::default()).expect("valid");
        assert!(output.warnings.is_empty(), "{:?}", output.warnings);
        let files = render(&output.plan).expect("renders");
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "nginx/nginx.conf",
                "nginx/certs/dev.crt",
                "nginx/certs/dev.key"
            ]
        );
        assert_eq!(
            files[1].contents,
            std::fs::read("examples/certs/dev.crt").expect("cert")
        );
        String::from_utf8(files[0].contents.clone()).expect("utf-8")
    }

    #[test]
    fn example_config_snapshot() {
        let text = render_example();
        insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("nginx_ingress_example", text);
        });
    }

    #[test]
    fn example_config_has_the_expected_structure() {
        let config = parse(&render_example());
        let http = find(&config, "http")[0]
            .block
            .as_deref()
            .expect("http block");
        let upstreams: Vec<(&[String], Vec<&[String]>)> = find(http, "upstream")
            .into_iter()
            .map(|u| {
                let body = u.block.as_deref().expect("block");
                (
                    u.args.as_slice(),
                    find(body, "server")
                        .iter()
                        .map(|s| s.args.as_slice())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(upstreams.len(), 2);
        assert_eq!(upstreams[0].0, ["app"]);
        // One server for the three replicas: nginx resolves `app` to each.
        assert_eq!(
            upstreams[0].1,
            [["app:8000", "max_fails=3", "fail_timeout=30s"]]
        );
        assert_eq!(upstreams[1].0, ["chat"]);
        let zones: Vec<&[String]> = find(http, "limit_req_zone")
            .iter()
            .map(|d| d.args.as_slice())
            .collect();
        assert_eq!(
            zones,
            [
                ["$binary_remote_addr", "zone=api:10m", "rate=20r/s"],
                ["$binary_remote_addr", "zone=stream:10m", "rate=60r/m"]
            ]
        );
        let servers = find(http, "server");
        assert_eq!(servers.len(), 2);
        let tls_server = servers[1].block.as_deref().expect("block");
        assert_eq!(
            find(tls_server, "listen")[0].args,
            ["443", "ssl", "http2", "default_server"]
        );
        let locations: Vec<&[String]> = find(tls_server, "location")
            .iter()
            .map(|d| d.args.as_slice())
            .collect();
        assert_eq!(
            locations,
            [
                &["=", "/nginx-health"][..],
                &["=", "/nginx-status"],
                &["/api/"],
                &["/stream/"],
                &["/ws/"],
                &["/"]
            ]
        );
        let sse = find(tls_server, "location")[3]
            .block
            .as_deref()
            .expect("block");
        assert_eq!(find(sse, "proxy_buffering")[0].args, ["off"]);
        assert_eq!(find(sse, "proxy_read_timeout")[0].args, ["86400s"]);
        let redirect = servers[0].block.as_deref().expect("block");
        let root = find(redirect, "location")[2]
            .block
            .as_deref()
            .expect("block");
        assert_eq!(root[0].args, ["301", "https://$host$request_uri"]);
    }

    #[test]
    fn profiled_services_are_resolved_per_request() {
        let text = "[stack]\nname = \"t\"\n[services.admin]\nimage = \"a:1\"\nreplicas = 2\nexpose = [8080]\nprofiles = [\"tools\"]\n[ingress]\n[[ingress.routes]]\npath = \"/admin/\"\nservice = \"admin\"\n";
        let rendered = crate::run(
            crate::Source::text("stack.toml", text),
            &crate::Options::default(),
        )
        .expect("renders with a warning");
        assert_eq!(rendered.warnings.len(), 1);
        let config = parse(&nginx_conf(&rendered));
        let http = find(&config, "http")[0]
            .block
            .as_deref()
            .expect("http block");
        assert_eq!(
            find(http, "resolver")[0].args,
            ["127.0.0.11", "valid=10s", "ipv6=off"]
        );
        assert!(find(http, "upstream").is_empty());
        let server = find(http, "server")[0].block.as_deref().expect("server");
        let location = find(server, "location")[2]
            .block
            .as_deref()
            .expect("location");
        assert_eq!(
            find(location, "set")[0].args,
            ["$stackgen_target_1", "admin:8080"]
        );
        assert_eq!(
            find(location, "proxy_pass")[0].args,
            ["http://$stackgen_target_1"]
        );
    }

    /// Stack text with one field replaced by a hostile value.
    const HOSTILE_STACK: &str = r#"
[stack]
name = "t"

[services.app]
image = "app:1"
replicas = 2
expose = [8000]

[ingress]
server-names = [@NAME@]
status-allow = [@ALLOW@]
client-max-body-size = @SIZE@
tls = { certificate = @CERT@, key = "examples/certs/dev.key" }

[ingress.rate-limits]
api = { rate = @RATE@, burst = 5 }
@ZONE@ = { rate = "1r/s" }

[[ingress.routes]]
path = @PATH@
service = @SERVICE@
rate-limit = @LIMIT@
read-timeout = @TIMEOUT@
"#;

    const BENIGN: &[(&str, &str)] = &[
        ("@NAME@", "example.com"),
        ("@ALLOW@", "10.1.0.0/16"),
        ("@SIZE@", "1M"),
        ("@CERT@", "examples/certs/dev.crt"),
        ("@RATE@", "10r/s"),
        ("@ZONE@", "other"),
        ("@PATH@", "/api/"),
        ("@SERVICE@", "app"),
        ("@LIMIT@", "api"),
        ("@TIMEOUT@", "30s"),
    ];

    const HOSTILE: &[&str] = &[
        "/a;}\nserver{",
        "\"",
        "{{",
        "$host",
        "/x\u{202E}y",
        "/a b",
        "/#c",
        "/a'b",
        "",
    ];

    /// Odd but harmless: a valid route path, refused by every other field.
    const ODD_PATH: &str = "/%7Bx%7D=(ok)";

    /// A TOML basic string holding `value` (JSON string syntax is a subset).
    fn toml_string(value: &str) -> String {
        serde_json::to_string(value).expect("string")
    }

    fn stack_with(field: &str, value: &str) -> (String, String) {
        let literal = toml_string(value);
        let mut text = HOSTILE_STACK.to_owned();
        for (placeholder, benign) in BENIGN {
            let replacement = if *placeholder == field {
                literal.clone()
            } else {
                toml_string(benign)
            };
            text = text.replace(placeholder, &replacement);
        }
        (text, literal)
    }

    fn nginx_conf(rendered: &crate::Output) -> String {
        String::from_utf8(rendered.bundle.files["nginx/nginx.conf"].clone()).expect("utf-8")
    }

    #[test]
    fn hostile_values_are_refused_or_stay_inside_one_token() {
        let (baseline_text, _) = stack_with("", "");
        let baseline = crate::run(
            crate::Source::text("stack.toml", &baseline_text),
            &crate::Options::default(),
        )
        .expect("baseline renders");
        let expected = shape(&parse(&nginx_conf(&baseline)));
        let (mut refused, mut rendered_safely) = (0, 0);
        for (field, _) in BENIGN {
            for value in HOSTILE.iter().chain([&ODD_PATH]) {
                let (text, literal) = stack_with(field, value);
                match crate::run(
                    crate::Source::text("stack.toml", &text),
                    &crate::Options::default(),
                ) {
                    Err(crate::Error::Invalid(diagnostics)) => {
                        let pointed: Vec<&str> = diagnostics
                            .iter()
                            .filter(|d| d.is_error())
                            .map(|d| &text[d.location.span.clone()])
                            .collect();
                        assert!(
                            pointed.contains(&literal.as_str()),
                            "{field} = {literal}: diagnostics point at {pointed:?}"
                        );
                        refused += 1;
                    }
                    Err(other) => panic!("{field} = {literal}: {other}"),
                    Ok(rendered) => {
                        let config = nginx_conf(&rendered);
                        assert_eq!(
                            shape(&parse(&config)),
                            expected,
                            "{field} = {literal} changed the structure:\n{config}"
                        );
                        assert!(config.contains(&format!("location {literal} {{")));
                        rendered_safely += 1;
                    }
                }
            }
        }
        assert_eq!(
            (refused, rendered_safely),
            (BENIGN.len() * (HOSTILE.len() + 1) - 1, 1)
        );
    }

    #[test]
    fn the_formatter_refuses_what_validation_would_have_caught() {
        for value in HOSTILE {
            let error = quoting_formatter_str(&Value::from(*value)).expect_err("must refuse");
            assert!(error.contains("refusing"), "{error}");
        }
        for value in [Value::from(true), Value::from(()), Value::from(1.5)] {
            assert!(
                quoting_formatter_str(&value).is_err(),
                "{value:?} must be refused"
            );
        }
        assert_eq!(
            quoting_formatter_str(&Value::from("/api/")).as_deref(),
            Ok("\"/api/\"")
        );
        assert_eq!(
            quoting_formatter_str(&Value::from(443)).as_deref(),
            Ok("443")
        );
    }

    fn quoting_formatter_str(value: &Value) -> Result<String, String> {
        let mut env = minijinja::Environment::new();
        env.set_formatter(quoting_formatter);
        env.render_str("{{ x }}", minijinja::context! { x => value })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn quote_token_refuses_breakouts() {
        assert_eq!(quote_token("app-1:8000").as_deref(), Some("\"app-1:8000\""));
        for value in HOSTILE {
            assert_eq!(quote_token(value), None, "{value:?}");
        }
    }

    #[test]
    fn sizes_and_times_use_nginx_units() {
        assert_eq!(nginx_size(5 * 1024 * 1024), "5m");
        assert_eq!(nginx_size(1536 * 1024 * 1024), "1536m");
        assert_eq!(nginx_size(2 * 1024 * 1024 * 1024), "2g");
        assert_eq!(nginx_size(1000), "1000");
        assert_eq!(nginx_time(60_000), "60s");
        assert_eq!(nginx_time(1_500), "1500ms");
    }
}
