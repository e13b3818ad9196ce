//! The round trip, checked in Rust: a Compose file and the docker-compose.yml
//! stackgen renders from its import have the same services, images, ports,
//! volumes, environment keys and dependencies, except what the import's
//! report names.
//!
//! Both files are read here independently of the importer, into one summary
//! per service. The normalisations (documented in README, "stackgen
//! import"): services are compared under their stack.toml names, replica
//! counts included; variables are expanded with the generated
//! `.env` (so `${TAG:-1.4}` and `${TAG}` with `TAG=1.4` agree); a folder
//! shipped file by file counts as mounted at its original target.
//! Everything of the original that the rendered file lacks must be named by
//! a report entry at or above its Compose path.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use stackgen::import::path::Path;
use stackgen::import::{Imported, Namespace};

/// One service's summary, with the Compose path of each item.
#[derive(Debug, Default)]
struct Summary {
    image: Option<String>,
    /// (bind address, host port, container port, protocol) → path.
    ports: BTreeMap<(String, Option<u64>, u64, String), String>,
    /// Mount targets → (named volume, path).
    mounts: BTreeMap<String, (Option<String>, String)>,
    /// Environment keys → path.
    environment: BTreeMap<String, String>,
    /// Dependencies → (condition, path).
    dependencies: BTreeMap<String, (String, String)>,
    /// The replica count (1 unless set) and the path that sets it.
    replicas: (u64, String),
}

/// Checks that `rendered` (the bundle's docker-compose.yml) keeps what
/// `original` (the imported Compose file) has, or that `imported` reports it.
pub fn check(case: &str, original: &str, rendered: &str, imported: &Imported) {
    let env: BTreeMap<String, String> = imported
        .dotenv
        .entries()
        .map(|(name, value)| (name.to_owned(), value.text.clone()))
        .collect();
    let reported: Vec<String> = imported
        .report
        .losses
        .iter()
        .chain(&imported.report.changes)
        .map(|entry| entry.path.to_string())
        .collect();
    let is_reported = |path: &str| {
        reported.iter().any(|r| {
            path == r || path.starts_with(&format!("{r}.")) || path.starts_with(&format!("{r}["))
        })
    };
    let original_doc: Value = serde_saphyr::from_str(original).expect("the original parses");
    let rendered_doc: Value = serde_saphyr::from_str(rendered).expect("the rendered file parses");
    let rendered_services = rendered_doc["services"].as_object().expect("services");
    let mut expected_names = BTreeSet::new();
    let services = original_doc["services"].as_object().expect("services");
    for (compose_name, service) in services {
        let name = imported
            .names
            .get(Namespace::Service, compose_name)
            .unwrap_or_else(|| panic!("{case}: no stack.toml name for {compose_name}"))
            .to_owned();
        let want = summary(service, compose_name, &env, &volume_names(imported));
        assert!(
            rendered_services.contains_key(&name),
            "{case}: {compose_name} is not rendered as {name}"
        );
        let rendered_name = &name;
        expected_names.insert(rendered_name.clone());
        let got = summary(
            &rendered_services[rendered_name],
            rendered_name,
            &env,
            &BTreeMap::new(),
        );
        let at = format!("{case}: services.{compose_name} (rendered as {rendered_name})");
        if want.image != got.image {
            // A build left out runs the image Compose tags it with.
            let build = Path::service(compose_name).key("build").to_string();
            assert!(
                is_reported(&Path::service(compose_name).key("image").to_string())
                    || (want.image.is_none() && is_reported(&build)),
                "{at}: image {:?} became {:?}",
                want.image,
                got.image
            );
        }
        for (port, path) in &want.ports {
            if !got.ports.contains_key(port) {
                assert!(
                    is_reported(path),
                    "{at}: port {port:?} ({path}) is gone unreported"
                );
            }
        }
        for port in got.ports.keys() {
            assert!(
                want.ports.contains_key(port) || want.ports.keys().any(|w| w.2 == port.2),
                "{at}: port {port:?} was not in the original"
            );
        }
        for (target, (volume, path)) in &want.mounts {
            let kept = got.mounts.iter().any(|(t, (v, _))| {
                (t == target || t.starts_with(&format!("{}/", target.trim_end_matches('/'))))
                    && (volume.is_none() || v == volume)
            });
            assert!(
                kept || is_reported(path),
                "{at}: mount {target} ({path}) is gone unreported"
            );
        }
        for (key, path) in &want.environment {
            assert!(
                got.environment.contains_key(key) || is_reported(path),
                "{at}: environment {key} is gone unreported"
            );
        }
        for key in got.environment.keys() {
            assert!(
                want.environment.contains_key(key),
                "{at}: environment {key} was not in the original"
            );
        }
        let got_dependencies: BTreeMap<String, String> = got
            .dependencies
            .iter()
            .map(|(target, (condition, _))| (target.clone(), condition.clone()))
            .collect();
        let (replicas, path) = &want.replicas;
        assert!(
            *replicas == got.replicas.0 || is_reported(path),
            "{at}: {replicas} replicas became {} unreported",
            got.replicas.0
        );
        for (target, (condition, path)) in &want.dependencies {
            let target = imported
                .names
                .get(Namespace::Service, target)
                .map_or_else(|| target.clone(), str::to_owned);
            let same = got_dependencies.get(&target) == Some(condition);
            assert!(
                same || is_reported(path),
                "{at}: dependency on {target} ({condition}) is not kept: {got_dependencies:?}"
            );
        }
    }
    let rendered_names: BTreeSet<String> = rendered_services.keys().cloned().collect();
    assert_eq!(
        rendered_names, expected_names,
        "{case}: the rendered services differ"
    );
}

/// The stack.toml names of the Compose file's volumes.
fn volume_names(imported: &Imported) -> BTreeMap<String, String> {
    imported
        .names
        .all(Namespace::Volume)
        .map(|(from, to)| (from.to_owned(), to.to_owned()))
        .collect()
}

fn summary(
    service: &Value,
    name: &str,
    env: &BTreeMap<String, String>,
    volumes: &BTreeMap<String, String>,
) -> Summary {
    let at = Path::service(name);
    let mut out = Summary {
        image: service["image"].as_str().map(|image| expand(image, env)),
        ..Summary::default()
    };
    for (position, port) in service["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = at.key("ports").index(position).to_string();
        for parsed in ports(port, env) {
            out.ports.insert(parsed, path.clone());
        }
    }
    for (position, mount) in service["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = at.key("volumes").index(position).to_string();
        if let Some((target, volume)) = mount_target(mount, env) {
            let volume = volume.map(|v| volumes.get(&v).cloned().unwrap_or(v));
            out.mounts.insert(target, (volume, path));
        }
    }
    for (position, config) in service["configs"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let source = config
            .as_str()
            .or_else(|| config["source"].as_str())
            .unwrap_or_default();
        let target = config["target"]
            .as_str()
            .map_or_else(|| format!("/{source}"), str::to_owned);
        out.mounts.insert(
            target,
            (None, at.key("configs").index(position).to_string()),
        );
    }
    for (position, secret) in service["secrets"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let source = secret
            .as_str()
            .or_else(|| secret["source"].as_str())
            .unwrap_or_default();
        let target = secret["target"]
            .as_str()
            .map_or_else(|| format!("/run/secrets/{source}"), str::to_owned);
        out.mounts.insert(
            target,
            (None, at.key("secrets").index(position).to_string()),
        );
    }
    match &service["environment"] {
        Value::Object(map) => {
            for key in map.keys() {
                out.environment
                    .insert(key.clone(), at.key("environment").key(key).to_string());
            }
        }
        Value::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                let key = item
                    .as_str()
                    .unwrap_or_default()
                    .split('=')
                    .next()
                    .unwrap_or_default();
                out.environment.insert(
                    key.to_owned(),
                    at.key("environment").index(position).to_string(),
                );
            }
        }
        _ => {}
    }
    match &service["depends_on"] {
        Value::Object(map) => {
            for (target, dependency) in map {
                let condition = dependency["condition"]
                    .as_str()
                    .unwrap_or("service_started");
                out.dependencies.insert(
                    target.clone(),
                    (
                        condition.to_owned(),
                        at.key("depends_on").key(target).to_string(),
                    ),
                );
            }
        }
        Value::Array(items) => {
            for (position, target) in items.iter().enumerate() {
                out.dependencies.insert(
                    target.as_str().unwrap_or_default().to_owned(),
                    (
                        "service_started".to_owned(),
                        at.key("depends_on").index(position).to_string(),
                    ),
                );
            }
        }
        _ => {}
    }
    let deploy = at.key("deploy").key("replicas").to_string();
    out.replicas = match (&service["deploy"]["replicas"], &service["scale"]) {
        (Value::Null, Value::Null) => (1, deploy),
        (Value::Null, scale) => (count(scale), at.key("scale").to_string()),
        (replicas, _) => (count(replicas), deploy),
    };
    out
}

/// A replica count written as a number or as text.
fn count(value: &Value) -> u64 {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
        .unwrap_or(1)
}

/// The published ports of one `ports` entry, in any Compose syntax.
fn ports(port: &Value, env: &BTreeMap<String, String>) -> Vec<(String, Option<u64>, u64, String)> {
    let (bind, host, container, protocol) = match port {
        Value::Number(n) => (
            String::new(),
            String::new(),
            n.to_string(),
            "tcp".to_owned(),
        ),
        Value::String(text) => {
            let text = expand(text, env);
            let (body, protocol) = text
                .split_once('/')
                .map_or((text.as_str(), "tcp"), |(b, p)| (b, p));
            let mut parts: Vec<&str> = body.split(':').collect();
            let container = parts.pop().unwrap_or_default().to_owned();
            let host = parts.pop().unwrap_or_default().to_owned();
            let bind = parts.join(":").trim_matches(['[', ']']).to_owned();
            (bind, host, container, protocol.to_owned())
        }
        Value::Object(long) => (
            long.get("host_ip")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            long.get("published")
                .map(|p| p.as_str().map_or_else(|| p.to_string(), |s| expand(s, env)))
                .unwrap_or_default(),
            long.get("target")
                .map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_owned))
                .unwrap_or_default(),
            long.get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("tcp")
                .to_owned(),
        ),
        _ => return Vec::new(),
    };
    let bind = if bind == "0.0.0.0" {
        String::new()
    } else {
        bind
    };
    let range = |text: &str| -> Option<(u64, u64)> {
        match text.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => text.parse().ok().map(|n| (n, n)),
        }
    };
    let Some((first, last)) = range(&container) else {
        return Vec::new();
    };
    let hosts: Vec<Option<u64>> = match range(&host) {
        Some((a, b)) if b - a == last - first => (a..=b).map(Some).collect(),
        _ => vec![None; usize::try_from(last - first + 1).expect("small")],
    };
    (first..=last)
        .zip(hosts)
        .map(|(container, host)| (bind.clone(), host, container, protocol.clone()))
        .collect()
}

/// A mount's target and, for a named volume, its name.
fn mount_target(mount: &Value, env: &BTreeMap<String, String>) -> Option<(String, Option<String>)> {
    match mount {
        Value::String(text) => {
            let text = expand(text, env);
            let parts: Vec<&str> = text.split(':').collect();
            match parts.as_slice() {
                [target] => Some(((*target).to_owned(), None)),
                [source, target, ..] => {
                    let named = !source.starts_with(['.', '/', '~']);
                    Some(((*target).to_owned(), named.then(|| (*source).to_owned())))
                }
                [] => None,
            }
        }
        Value::Object(long) => {
            let target = long.get("target")?.as_str()?.to_owned();
            let named = long.get("type").and_then(Value::as_str) == Some("volume");
            let source = long
                .get("source")
                .and_then(Value::as_str)
                .filter(|_| named)
                .map(str::to_owned);
            Some((target, source))
        }
        _ => None,
    }
}

/// `text` with Compose's variables expanded from `env` (unset ones empty
/// unless they have a default) and `$$` read as `$`.
pub fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        if let Some(after) = tail.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            let body = &inner[..end];
            let name_end = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, operator) = body.split_at(name_end);
            let value = env.get(name).cloned();
            let fallback = operator
                .strip_prefix(":-")
                .or_else(|| operator.strip_prefix('-'))
                .map(str::to_owned);
            out.push_str(&value.or(fallback).unwrap_or_default());
            rest = inner.get(end + 1..).unwrap_or_default();
        } else {
            let name_end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            out.push_str(env.get(&tail[..name_end]).map_or("", String::as_str));
            rest = &tail[name_end..];
        }
    }
    out.push_str(rest);
    out
}
