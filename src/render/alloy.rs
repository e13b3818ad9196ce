//! `alloy/config.alloy`: what Alloy collects for `[logs]` and where it sends it.
//!
//! The configuration is Alloy's own syntax, written from the template
//! `templates/alloy/config.alloy.j2`. Its environment has a formatter that
//! writes every interpolated string as one double-quoted Alloy string and
//! refuses text that could end the string or break its line (`"`, `\`,
//! control and invisible characters: [`alloy_text_problem`]), so a value
//! that slipped past validation fails the render instead of changing the
//! configuration's blocks. Anything but a string is refused.

use indexmap::IndexMap;
use minijinja::value::{Value, ValueKind};
use minijinja::{Output, State};
use serde::Serialize;

use super::OutputFile;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::logs::CollectedService;
use crate::syntax::alloy_text_problem;
use crate::templates;

/// The template, under `templates/`.
const TEMPLATE: &str = "alloy/config.alloy.j2";
/// The file's path in the bundle.
pub const PATH: &str = "alloy/config.alloy";

/// Renders `alloy/config.alloy` (nothing without `[logs]`).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(logs) = &plan.logs else {
        return Ok(Vec::new());
    };
    let collection = &logs.collection;
    let context = Context {
        docker_host: &collection.docker_host,
        project_filter: format!("com.docker.compose.project={}", collection.project),
        project: &collection.project,
        services: collected_services(&collection.services),
        teams: teams(&collection.services),
        labels: collection
            .services
            .iter()
            .flat_map(|collected| {
                collected.labels.iter().map(|(name, value)| LabelContext {
                    service: &collected.service,
                    name,
                    value,
                })
            })
            .collect(),
        host_paths: &collection.host_paths,
        push_url: &collection.push_url,
    };
    let mut body = templates::render_formatted(TEMPLATE, &context, quoting_formatter)?;
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let header = super::format::header_lines(plan);
    Ok(vec![OutputFile::text(PATH, format!("// {header}\n{body}"))])
}

/// What the template sees.
#[derive(Debug, Serialize)]
struct Context<'a> {
    docker_host: &'a str,
    project_filter: String,
    project: &'a str,
    services: String,
    teams: Vec<TeamContext<'a>>,
    labels: Vec<LabelContext<'a>>,
    host_paths: &'a [String],
    push_url: &'a str,
}

/// A team and the regex of its services, in the order teams first appear.
#[derive(Debug, Serialize)]
struct TeamContext<'a> {
    name: &'a str,
    services: String,
}

/// A label of a service's own.
#[derive(Debug, Serialize)]
struct LabelContext<'a> {
    service: &'a str,
    name: &'a str,
    value: &'a str,
}

/// The regex of the collected services' compose names, one group whose
/// match is the `service` label (every replica of a service carries its
/// name; compose service names are DNS labels, with nothing special in a
/// regex).
fn collected_services(services: &[CollectedService]) -> String {
    let names: Vec<&str> = services.iter().map(|s| s.service.as_str()).collect();
    format!("({})", names.join("|"))
}

/// One rule per team rather than per service: a stack has few teams.
fn teams(services: &[CollectedService]) -> Vec<TeamContext<'_>> {
    let mut teams: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for collected in services {
        teams
            .entry(&collected.team)
            .or_default()
            .push(&collected.service);
    }
    teams
        .into_iter()
        .map(|(name, services)| TeamContext {
            name,
            services: services.join("|"),
        })
        .collect()
}

/// `text` as one Alloy string, or `None` when it holds anything that could
/// end the string or break its line ([`alloy_text_problem`]).
pub fn quote_string(text: &str) -> Option<String> {
    alloy_text_problem(text)
        .is_none()
        .then(|| format!("\"{text}\""))
}

fn quoting_formatter(
    out: &mut Output<'_>,
    _state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let refuse = |what: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, what);
    let text = match (value.kind(), value.as_str()) {
        (ValueKind::String, Some(text)) => quote_string(text)
            .ok_or_else(|| refuse(format!("refusing to emit {text:?} into config.alloy")))?,
        (kind, _) => {
            return Err(refuse(format!(
                "refusing to emit a {kind} into config.alloy"
            )));
        }
    };
    out.write_str(&text)
        .map_err(|e| refuse(format!("writing config.alloy: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One token of Alloy's syntax.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Token {
        /// An identifier or a dotted name (`discovery.docker`).
        Name(String),
        /// A string literal's contents, escapes read.
        Text(String),
        /// Punctuation: `{ } [ ] = ,`.
        Punct(char),
    }

    /// A tokenizer after Alloy's scanner: `//` comments, Go strings.
    fn tokenize(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                c if c.is_whitespace() => {
                    chars.next();
                }
                '/' => {
                    chars.next();
                    assert_eq!(chars.next(), Some('/'), "a lone `/`");
                    while chars.next_if(|c| *c != '\n').is_some() {}
                }
                '"' => {
                    chars.next();
                    let mut word = String::new();
                    loop {
                        match chars.next().expect("string not terminated") {
                            '"' => break,
                            '\\' => word.push(chars.next().expect("escape at end")),
                            '\n' => panic!("newline in a string"),
                            other => word.push(other),
                        }
                    }
                    tokens.push(Token::Text(word));
                }
                '{' | '}' | '[' | ']' | '=' | ',' => {
                    chars.next();
                    tokens.push(Token::Punct(c));
                }
                _ => {
                    let mut word = String::new();
                    while let Some(c) =
                        chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    {
                        word.push(c);
                    }
                    assert!(!word.is_empty(), "unexpected {c:?}");
                    tokens.push(Token::Name(word));
                }
            }
        }
        tokens
    }

    /// The blocks of the configuration, as `name "label"` paths.
    fn blocks(tokens: &[Token]) -> Vec<String> {
        let mut open: Vec<String> = Vec::new();
        let mut found = Vec::new();
        let mut depth_of_values = 0usize;
        for (at, token) in tokens.iter().enumerate() {
            match token {
                Token::Punct('{') if depth_of_values == 0 => {
                    let head = match (at.checked_sub(2).map(|i| &tokens[i]), &tokens[at - 1]) {
                        (Some(Token::Name(name)), Token::Text(label)) => {
                            format!("{name} {label:?}")
                        }
                        (_, Token::Name(name)) => name.clone(),
                        (_, Token::Punct('=' | ',' | '[')) => {
                            depth_of_values += 1;
                            continue;
                        }
                        other => panic!("a block after {other:?}"),
                    };
                    open.push(head);
                    found.push(open.join(" > "));
                }
                Token::Punct('{') => depth_of_values += 1,
                Token::Punct('}') if depth_of_values > 0 => depth_of_values -= 1,
                Token::Punct('}') => {
                    open.pop().expect("a `}` closes a block");
                }
                _ => {}
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        found
    }

    /// The string values of attribute `name` in the configuration.
    fn attribute(tokens: &[Token], name: &str) -> Vec<String> {
        tokens
            .windows(3)
            .filter_map(|w| match w {
                [Token::Name(n), Token::Punct('='), Token::Text(value)] if n == name => {
                    Some(value.clone())
                }
                _ => None,
            })
            .collect()
    }

    const STACK: &str = r#"
[stack]
name = "shop"
[services.api]
image = "api:1"
kind = "app"
replicas = 2
expose = [8000]
logs = { labels = { tier = "web {edge} 'x' $y #z" } }
[services.batch]
image = "batch:1"
logs = false
[logs]
host-logs = ["/var/log/nginx/*.log"]
"#;

    fn rendered(text: &str) -> String {
        let rendered = crate::run(
            crate::Source::text("shop.toml", text),
            &crate::Options::default(),
        )
        .expect("renders");
        String::from_utf8(rendered.bundle.files[PATH].clone()).expect("utf-8")
    }

    #[test]
    fn the_configuration_has_the_expected_blocks_and_values() {
        let config = rendered(STACK);
        assert!(config.starts_with("// Generated by stackgen from shop.toml."));
        let tokens = tokenize(&config);
        let rule = "discovery.relabel \"containers\" > rule".to_owned();
        let mut expected: Vec<String> = [
            "logging",
            "discovery.docker \"containers\"",
            "discovery.docker \"containers\" > filter",
            "discovery.relabel \"containers\"",
        ]
        .map(str::to_owned)
        .to_vec();
        // service; the teams backend and infrastructure; tier; keep;
        // container; project.
        expected.extend(std::iter::repeat_n(rule, 7));
        expected.extend(
            [
                "discovery.relabel \"streams\"",
                "discovery.relabel \"streams\" > rule",
                "loki.source.docker \"containers\"",
                "local.file_match \"host\"",
                "loki.source.file \"host\"",
                "loki.write \"loki\"",
                "loki.write \"loki\" > endpoint",
            ]
            .map(str::to_owned),
        );
        assert_eq!(blocks(&tokens), expected);
        assert_eq!(
            attribute(&tokens, "regex")[..4],
            ["(api|loki|alloy)", "api", "loki|alloy", "api"]
        );
        assert_eq!(
            attribute(&tokens, "replacement"),
            ["backend", "infrastructure", "web {edge} 'x' $y #z"]
        );
        assert_eq!(
            attribute(&tokens, "host"),
            ["unix:///host/var/run/docker.sock"; 2]
        );
        assert_eq!(attribute(&tokens, "__path__"), ["/var/log/nginx/*.log"]);
        assert_eq!(
            attribute(&tokens, "url"),
            ["http://loki:3100/loki/api/v1/push"]
        );
        assert!(config.contains("values = [\"com.docker.compose.project=shop\"]"));
    }

    #[test]
    fn example_config_snapshot() {
        let config = rendered(STACK);
        insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("alloy_config_example", config);
        });
    }

    #[test]
    fn the_formatter_refuses_what_validation_would_have_caught() {
        for bad in ["a\"b", "a\\b", "a\nb", "\u{202E}", "x\u{0}"] {
            let error = formatted(&Value::from(bad)).expect_err("must refuse");
            assert!(error.contains("refusing"), "{error}");
        }
        for value in [
            Value::from(true),
            Value::from(()),
            Value::from(1.5),
            Value::from(3),
        ] {
            assert!(formatted(&value).is_err(), "{value:?} must be refused");
        }
        assert_eq!(
            formatted(&Value::from("web {tier} #1")).as_deref(),
            Ok("\"web {tier} #1\"")
        );
    }

    fn formatted(value: &Value) -> Result<String, String> {
        let mut env = minijinja::Environment::new();
        env.set_formatter(quoting_formatter);
        env.render_str("{{ x }}", minijinja::context! { x => value })
            .map_err(|e| e.to_string())
    }
}
