//! Unit tests of `nginx`.

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
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !";{}".contains(*c)) {
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
    insta::with_settings!({snapshot_path => "../../../snapshots", prepend_module_to_snapshot => false}, {
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
