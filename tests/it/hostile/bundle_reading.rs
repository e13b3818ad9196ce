//! Every file of a rendered bundle read back the way its tool reads it, as
//! data: YAML and JSON parsed (docker-compose.yml as Compose interpolates
//! it: `$$` read as `$`, any `$` it would expand marked; a Kubernetes container's environment, command and
//! arguments as Kubernetes expands them, a dashboard in a `ConfigMap` as
//! JSON), nginx.conf as its tokens, config.alloy as its blocks, the
//! amtool route tests as the words of each case, `.env.example` as its
//! variable names, `k8s/README.md` as the Markdown blocks, text and code
//! spans a Markdown reader finds; comments are left out, as every tool
//! leaves them out.
//! Any other file (the copied inputs) is read as its text. A format the
//! bundle gains is read by its extension: a `.yaml` or `.json` file of a
//! new target is covered as it is.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use stackgen::render::Bundle;

use super::nginx_tokens::{NginxToken, nginx_tokens};
use super::run::has_extension;
use crate::support::alloy_blocks;

/// A bundle, each file read back.
pub(super) struct Reading {
    files: BTreeMap<String, Value>,
}

/// Reads every file of `bundle`.
pub(super) fn read_bundle(bundle: &Bundle) -> Reading {
    Reading {
        files: bundle
            .files
            .iter()
            .map(|(path, bytes)| (path.clone(), read_file(path, bytes)))
            .collect(),
    }
}

impl Reading {
    /// Whether this bundle is `plain` with `marker` replaced by `value`: the
    /// same files, the same data, each string holding the marker holding the
    /// value instead (as written, or escaped the way of the string around
    /// it), every other string unchanged; `.env.example` may list the
    /// variables `value` references besides.
    pub(super) fn matches(&self, plain: &Self, marker: &str, value: &str) -> Result<(), String> {
        let expected: BTreeMap<String, &Value> = plain
            .files
            .iter()
            .map(|(path, data)| (path.replace(marker, value), data))
            .collect();
        let paths: BTreeSet<&String> = self.files.keys().collect();
        let wanted: BTreeSet<&String> = expected.keys().collect();
        if paths != wanted {
            return Err(format!(
                "the bundle's files changed: {:?} instead of {:?}",
                paths.difference(&wanted).collect::<Vec<_>>(),
                wanted.difference(&paths).collect::<Vec<_>>()
            ));
        }
        let substitute = Substitute { marker, value };
        for (path, data) in &self.files {
            let plain = expected[path];
            if path == ENV_EXAMPLE || path == SECRET_KEYS {
                env_names_match(plain, data, &references(value))
            } else if path == ROUTE_TESTS {
                substitute.route_tests(plain, data)
            } else {
                substitute.compare(plain, data, path, "")
            }
            .map_err(|problem| format!("{path}: {problem}"))?;
        }
        Ok(())
    }

    /// Whether this bundle has the structure of `base` (the same number of
    /// files, each with the same nesting, kinds and sizes; text aside).
    pub(super) fn same_structure(&self, base: &Self, value: &str) -> Result<(), String> {
        if self.files.len() != base.files.len() {
            return Err(format!(
                "{} files instead of {}",
                self.files.len(),
                base.files.len()
            ));
        }
        for (path, data) in &self.files {
            let Some(before) = base.files.get(path) else {
                continue;
            };
            if path == ENV_EXAMPLE || path == SECRET_KEYS {
                env_names_match(before, data, &references(value))
            } else {
                same_shape(before, data, "")
            }
            .map_err(|problem| format!("{path}: {problem}"))?;
        }
        Ok(())
    }
}

const ENV_EXAMPLE: &str = ".env.example";
/// The keys of the Kubernetes target's Secret, read as `.env.example` is.
const SECRET_KEYS: &str = "k8s/secrets.env.example";
const ROUTE_TESTS: &str = "alertmanager/route-tests.txt";
const K8S_README: &str = "k8s/README.md";

fn read_file(path: &str, bytes: &[u8]) -> Value {
    let text = String::from_utf8_lossy(bytes);
    if has_extension(path, &["yml", "yaml"]) {
        // A file of several documents (Kubernetes manifests) reads as their list.
        let data = if text.contains("\n---") {
            serde_saphyr::from_str_multiple::<Value, Vec<Value>>(&text).map(Value::from)
        } else {
            stackgen::render::format::parse_own_yaml(&text)
        }
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
        if path == "docker-compose.yml" {
            compose_interpolated(data)
        } else if path.starts_with("k8s/") {
            kubernetes_read(data)
        } else {
            data
        }
    } else if has_extension(path, &["json"]) {
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
    } else if path.starts_with("nginx/") && has_extension(path, &["conf"]) {
        nginx_tokens(&text)
            .into_iter()
            .map(|token| match token {
                NginxToken::Word(word) => Value::String(word),
                NginxToken::Semicolon => json!({ "punct": ";" }),
                NginxToken::Open => json!({ "punct": "{" }),
                NginxToken::Close => json!({ "punct": "}" }),
            })
            .collect()
    } else if has_extension(path, &["alloy"]) {
        alloy_blocks(&text)
            .unwrap_or_else(|e| panic!("{path} does not read: {e}\n{text}"))
            .into_iter()
            .map(|block| {
                json!({
                    "path": block.path,
                    "label": block.label,
                    "attributes": block.attributes,
                })
            })
            .collect()
    } else if path == ROUTE_TESTS {
        text.lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|line| line.split_whitespace().map(Value::from).collect::<Value>())
            .collect()
    } else if path == K8S_README {
        markdown_read(&text)
    } else if path == ENV_EXAMPLE || path == SECRET_KEYS {
        text.lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|line| {
                let name = line
                    .strip_suffix('=')
                    .unwrap_or_else(|| panic!("{path}: {line:?} is not a `NAME=` line"));
                assert!(
                    stackgen::syntax::is_env_name(name),
                    "{path}: {name:?} is no variable name"
                );
                Value::from(name)
            })
            .collect()
    } else {
        Value::String(text.into_owned())
    }
}

/// Compose's reading of every string value: `$$` is a `$`, `${NAME}` a
/// reference (how a stack passes variables on, kept as written); any other
/// `$` is one Compose would expand (`$HOME`) or refuse (`${`), read as a
/// mark no plain bundle holds.
fn compose_interpolated(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(compose_reads(&text)),
        Value::Array(items) => items.into_iter().map(compose_interpolated).collect(),
        Value::Object(entries) => entries
            .into_iter()
            .map(|(key, entry)| (key, compose_interpolated(entry)))
            .collect::<Map<_, _>>()
            .into(),
        other => other,
    }
}

/// What Compose makes of `text`, see [`compose_interpolated`].
fn compose_reads(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(len) = compose_reference_len(tail) {
            out.push_str(&tail[..len]);
            rest = &tail[len..];
        } else {
            out.push_str("<a `$` Compose interpolates>");
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The length of the `${NAME}` reference `text` starts with, by Compose's
/// grammar of a name.
fn compose_reference_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("${")?;
    let end = inner.find('}')?;
    let name = &inner[..end];
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(end + 3)
}

/// Kubernetes manifests as the cluster reads them: in each container, the
/// environment, command and arguments with `$$` as `$` and `$(NAME)` as
/// the variable, a variable read from the stack's Secret as the `${KEY}` of
/// the stack it stands for; the variables defined only to be read that way
/// are left out. A `ConfigMap`'s JSON file is its data; a kustomization's
/// resources are the set of files they are to kustomize.
fn kubernetes_read(value: Value) -> Value {
    match value {
        Value::Array(items) => items.into_iter().map(kubernetes_read).collect(),
        Value::Object(mut entries) => {
            if entries.get("kind").and_then(Value::as_str) == Some("Kustomization") {
                if let Some(Value::Array(files)) = entries.remove("resources") {
                    let set: Map<String, Value> = files
                        .into_iter()
                        .map(|file| (file.as_str().expect("a path").to_owned(), true.into()))
                        .collect();
                    entries.insert("resources".to_owned(), set.into());
                }
            }
            if entries.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
                if let Some(Value::Object(data)) = entries.get_mut("data") {
                    for (key, file) in data.iter_mut() {
                        if let (true, Value::String(text)) = (has_extension(key, &["json"]), &*file)
                        {
                            *file = serde_json::from_str(text)
                                .unwrap_or_else(|e| panic!("ConfigMap file {key}: {e}"));
                        }
                    }
                }
            }
            entries
                .into_iter()
                .map(|(key, entry)| {
                    let read = match (key.as_str(), entry) {
                        ("containers" | "initContainers", Value::Array(containers)) => containers
                            .into_iter()
                            .map(container_read)
                            .map(kubernetes_read)
                            .collect(),
                        (_, entry) => kubernetes_read(entry),
                    };
                    (key, read)
                })
                .collect::<Map<_, _>>()
                .into()
        }
        other => other,
    }
}

/// One container with its variables expanded, see [`kubernetes_read`].
fn container_read(container: Value) -> Value {
    let Value::Object(mut container) = container else {
        return container;
    };
    let env = match container.remove("env") {
        Some(Value::Array(env)) => env,
        _ => Vec::new(),
    };
    let secret_key = |var: &Value| {
        var["valueFrom"]["secretKeyRef"]["key"]
            .as_str()
            .map(str::to_owned)
    };
    let from_secret: BTreeMap<String, String> = env
        .iter()
        .filter_map(|var| Some((var["name"].as_str()?.to_owned(), secret_key(var)?)))
        .collect();
    // What `$(NAME)` reads as: a variable defined before it in the list
    // (for the environment) or anywhere in it (for command and arguments).
    let mut defined: BTreeMap<String, String> = BTreeMap::new();
    let mut read = Vec::new();
    let mut used = BTreeSet::new();
    for var in &env {
        let name = var["name"].as_str().expect("a variable's name").to_owned();
        let value = match (secret_key(var), var["value"].as_str()) {
            (Some(key), _) => format!("${{{key}}}"),
            (None, Some(text)) => expand(text, &defined, &mut used),
            (None, None) => String::new(),
        };
        defined.insert(name.clone(), value.clone());
        read.push((name, value));
    }
    for key in ["command", "args"] {
        if let Some(Value::Array(words)) = container.get_mut(key) {
            for word in words {
                if let Value::String(text) = word {
                    *text = expand(text, &defined, &mut used);
                }
            }
        }
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Array(command)) = container
            .get_mut(key)
            .and_then(|probe| probe.pointer_mut("/exec/command"))
        {
            *command = probe_read(command, &from_secret, &mut used);
        }
    }
    let env: Vec<Value> = read
        .into_iter()
        .filter(|(name, _)| !(used.contains(name) && from_secret.contains_key(name)))
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    if !env.is_empty() {
        container.insert("env".to_owned(), env.into());
    }
    container.into()
}

/// A probe's command as the shell it runs reads it: a `sh -c` line's
/// `${NAME}` of a variable read from the Secret is that key's `${KEY}`
/// (recorded in `used`); `sh -c 'exec WORDS'` is the words it runs.
fn probe_read(
    command: &[Value],
    from_secret: &BTreeMap<String, String>,
    used: &mut BTreeSet<String>,
) -> Vec<Value> {
    let words: Vec<&str> = command.iter().filter_map(Value::as_str).collect();
    let ["sh", "-c", line] = words.as_slice() else {
        return command.to_vec();
    };
    let line = shell_expand(line, from_secret, used);
    match line.strip_prefix("exec ") {
        Some(rest) => shlex::split(rest)
            .unwrap_or_else(|| panic!("probe words do not split: {rest:?}"))
            .into_iter()
            .map(Value::from)
            .collect(),
        None => vec!["sh".into(), "-c".into(), line.into()],
    }
}

/// `text` with each `${NAME}` of a variable read from the Secret as that
/// key's `${KEY}`, recorded in `used`; the rest as written.
fn shell_expand(
    text: &str,
    from_secret: &BTreeMap<String, String>,
    used: &mut BTreeSet<String>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let variable = tail
            .split_once('}')
            .and_then(|(name, after)| Some((name, from_secret.get(name)?, after)));
        if let Some((name, key, after)) = variable {
            used.insert(name.to_owned());
            out.push_str("${");
            out.push_str(key);
            out.push('}');
            rest = after;
        } else {
            out.push_str("${");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Kubernetes' expansion of `text`: `$$` is `$`, `$(NAME)` of a `defined`
/// variable is what it reads as (a variable read from the Secret, the
/// `${KEY}` of the stack it stands for; recorded in `used`), any other `$`
/// is itself.
fn expand(text: &str, defined: &BTreeMap<String, String>, used: &mut BTreeSet<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        if let Some(after) = tail.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let variable = tail
            .strip_prefix('(')
            .and_then(|inner| inner.split_once(')'))
            .and_then(|(name, after)| Some((name, defined.get(name)?, after)));
        if let Some((name, reads_as, after)) = variable {
            used.insert(name.to_owned());
            out.push_str(reads_as);
            rest = after;
        } else {
            out.push('$');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// A Markdown file as a Markdown reader (with GitHub's tables and
/// strikethrough) reads it: each block's start and end, its text (runs of
/// text joined) and its code spans; the header comment is left out.
fn markdown_read(text: &str) -> Value {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut read = Vec::new();
    let mut run = String::new();
    for event in Parser::new_ext(text, options) {
        if let Event::Text(piece) = &event {
            run.push_str(piece);
            continue;
        }
        if !run.is_empty() {
            read.push(Value::String(std::mem::take(&mut run)));
        }
        match event {
            Event::Code(code) => read.push(json!({ "code": code.to_string() })),
            Event::Html(html) if html.starts_with("<!-- Generated by stackgen") => {}
            other => read.push(json!({ "markup": format!("{other:?}") })),
        }
    }
    if !run.is_empty() {
        read.push(Value::String(run));
    }
    read.into()
}

/// The `${NAME}` references in `value`.
fn references(value: &str) -> BTreeSet<String> {
    stackgen::syntax::interpolation::variables_in(value)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// `.env.example` lists what it listed before, and at most the variables
/// the hostile value references besides.
fn env_names_match(
    before: &Value,
    after: &Value,
    allowed: &BTreeSet<String>,
) -> Result<(), String> {
    let names = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    };
    let (before, after) = (names(before), names(after));
    let lost: Vec<&String> = before.difference(&after).collect();
    let added: Vec<&String> = after
        .difference(&before)
        .filter(|name| !allowed.contains(*name))
        .collect();
    if lost.is_empty() && added.is_empty() {
        Ok(())
    } else {
        Err(format!("variables lost {lost:?}, added {added:?}"))
    }
}

/// The marker and the hostile value that replaces it.
struct Substitute<'a> {
    marker: &'a str,
    value: &'a str,
}

impl Substitute<'_> {
    /// The ways a string holding the value may be written: as given, quoted
    /// inside a `PromQL` or Go string (`\"`, `\\`, `\n`), or in a comment;
    /// in Markdown text, on one line (each control character a space).
    fn forms(&self, text: &str, path: &str) -> Vec<String> {
        let quoted = stackgen::syntax::quote(self.value);
        let inner = &quoted[1..quoted.len() - 1];
        let comment = stackgen::syntax::comment_text(self.value);
        let go_literal = format!("{{{{ {quoted} }}}}");
        let mut forms = vec![self.value, inner, &comment, &go_literal];
        let one_line: String = self
            .value
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if path == K8S_README {
            forms.push(&one_line);
        }
        forms
            .iter()
            .map(|form| text.replace(self.marker, form))
            .collect()
    }

    /// The route tests have the plain bundle's cases, each with its
    /// receivers and at most its labels: a label whose value is no bare
    /// word is left out of a case, never written into it.
    fn route_tests(&self, plain: &Value, data: &Value) -> Result<(), String> {
        let lines = |v: &Value| -> Vec<Vec<String>> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|line| {
                    line.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|w| w.as_str().map(|w| w.replace(self.marker, self.value)))
                        .collect()
                })
                .collect()
        };
        let (plain, cases) = (lines(plain), lines(data));
        if plain.len() != cases.len() {
            return Err(format!("{} cases instead of {}", cases.len(), plain.len()));
        }
        for (expected, case) in plain.iter().zip(&cases) {
            let fits = expected.first() == case.first()
                && case.iter().skip(1).all(|word| expected.contains(word));
            if !fits {
                return Err(format!("case {case:?} where {expected:?} was expected"));
            }
        }
        Ok(())
    }

    fn compare(&self, plain: &Value, data: &Value, path: &str, at: &str) -> Result<(), String> {
        match (plain, data) {
            (Value::String(plain), Value::String(text)) => {
                // Prometheus files (and the PrometheusRules and their tests
                // on Kubernetes) read some text as a language, by design: a
                // template is expanded (promtool's expected annotations), a
                // PromQL expression is parsed and its selectors reused (an
                // SLO's test series).
                let language = (path.starts_with("prometheus/")
                    || path.starts_with("k8s/monitoring/"))
                    && (self.value.contains("{{")
                        || stackgen::syntax::parse_promql(self.value).is_ok());
                let replaced = plain.contains(self.marker)
                    && self.forms(plain, path).iter().any(|form| form == text);
                if plain == text || replaced || language {
                    Ok(())
                } else {
                    Err(format!("at {at}: {text:?} where {plain:?} was expected"))
                }
            }
            (Value::Array(plain), Value::Array(items)) => {
                if plain.len() != items.len() {
                    return Err(format!(
                        "at {at}: {} items instead of {}",
                        items.len(),
                        plain.len()
                    ));
                }
                for (index, (p, d)) in plain.iter().zip(items).enumerate() {
                    self.compare(p, d, path, &format!("{at}/{index}"))?;
                }
                Ok(())
            }
            (Value::Object(plain), Value::Object(entries)) => {
                if plain.len() != entries.len() {
                    return Err(format!(
                        "at {at}: keys {:?} instead of {:?}",
                        entries.keys().collect::<Vec<_>>(),
                        plain.keys().collect::<Vec<_>>()
                    ));
                }
                for (key, p) in plain {
                    let found = self
                        .forms(key, path)
                        .into_iter()
                        .chain([key.clone()])
                        .find_map(|k| entries.get(&k).map(|d| (k, d)));
                    let Some((key, d)) = found else {
                        return Err(format!("at {at}: key {key:?} is missing"));
                    };
                    self.compare(p, d, path, &format!("{at}/{key}"))?;
                }
                Ok(())
            }
            (plain, data) if plain == data => Ok(()),
            (plain, data) => Err(format!("at {at}: {data} where {plain} was expected")),
        }
    }
}

/// The same nesting, kinds and sizes; strings may differ.
fn same_shape(before: &Value, after: &Value, at: &str) -> Result<(), String> {
    match (before, after) {
        (Value::Array(b), Value::Array(a)) if b.len() == a.len() => b
            .iter()
            .zip(a)
            .enumerate()
            .try_for_each(|(i, (b, a))| same_shape(b, a, &format!("{at}/{i}"))),
        (Value::Object(b), Value::Object(a)) if b.len() == a.len() => b
            .iter()
            .zip(a.values())
            .try_for_each(|((key, b), positional)| {
                same_shape(b, a.get(key).unwrap_or(positional), &format!("{at}/{key}"))
            }),
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Null, Value::Null) => Ok(()),
        _ => Err(format!(
            "at {at}: {after} where the shape of {before} was expected"
        )),
    }
}
