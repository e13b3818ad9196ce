//! Cross-object checks over the rendered Kubernetes manifests: what no schema
//! validator can see, because it spans two objects.
//!
//! - every workload's selector matches its own pod template's labels, and
//!   every Service's selector matches the pods of a workload of the bundle
//!   (a named `targetPort` is a container port of those pods);
//! - every Service port a `ServiceMonitor`, an `HTTPRoute` `backendRef`, an
//!   Ingress backend or a Probe (its prober and static targets) names exists,
//!   and a `ServiceMonitor` selects a Service;
//! - every `ConfigMap` and `PersistentVolumeClaim` a pod uses is in the
//!   bundle, as an object or a kustomize generator; so is every Secret, and
//!   a key read from a generated Secret (whose env file the user writes) is
//!   listed in the `.example` of its env file (`k8s/secrets.env.example`);
//!   every volume mount names a volume, and a `StatefulSet`'s `serviceName`
//!   is a Service;
//! - the Secret an Ingress's ingress-nginx `auth-secret` annotation names is
//!   in the bundle (as an object or a kustomize generator) with the key
//!   `auth` the htpasswd file is read from;
//! - `kustomization.yaml` lists every manifest of `k8s/` and nothing else,
//!   and no object is written twice.
//!
//! The manifests are read as generic JSON trees, so the checks hold whatever
//! typed model wrote them: when rendering, the data of each object, which
//! the parse-back check of every YAML file proved is what its text reads as
//! ([`check_rendered`]); for a bundle on disk, its files parsed
//! ([`check_bundle`]). Either way each object is cut down to what the checks
//! read as it comes in ([`fields_read`]). A problem here means stackgen produced
//! manifests that contradict each other: an [`Error::Bug`] naming every
//! problem.

mod fields_read;
mod ingress_auth;
mod kustomization;
mod references;
mod selector;
#[cfg(test)]
mod tests;
mod workloads;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;

use crate::error::Error;
use crate::render::{OutputFile, format};

/// The folder of the bundle the Kubernetes manifests live in.
pub const K8S_DIR: &str = "k8s/";

/// The kustomization file of that folder.
pub const KUSTOMIZATION: &str = "k8s/kustomization.yaml";

/// What the file listing the keys of a generated Secret's env file ends with.
pub const EXAMPLE_SUFFIX: &str = ".example";

/// One manifest file: its path in the bundle and its objects, as the
/// checks read them.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The path inside the bundle (`k8s/api.yaml`).
    path: String,
    /// Its documents, in order, cut down to what the checks read.
    documents: Vec<Value>,
}

impl Manifest {
    /// The manifest at `path`, with no object yet.
    pub fn new(path: String) -> Self {
        Self {
            path,
            documents: Vec::new(),
        }
    }

    /// Adds the next object of the file, `document` its data: only what the
    /// checks read of it is kept, so the whole tree can go at once.
    pub fn push(&mut self, document: Value) {
        self.documents.push(fields_read::what_checks_read(document));
    }

    /// The manifest at `path` holding `documents`, the data of its objects.
    fn of(path: String, documents: Vec<Value>) -> Self {
        let mut manifest = Self::new(path);
        for document in documents {
            manifest.push(document);
        }
        manifest
    }
}

/// The files of a bundle by path.
type Contents<'a> = BTreeMap<&'a str, &'a [u8]>;

/// Checks the `k8s/` folder of a rendered bundle (`files` keyed by path),
/// reading its YAML files; a bundle without that folder passes.
pub fn check_bundle(files: &BTreeMap<String, Vec<u8>>) -> Result<(), Error> {
    let first = files.range(K8S_DIR.to_owned()..).next();
    if !first.is_some_and(|(path, _)| path.starts_with(K8S_DIR)) {
        return Ok(());
    }
    verdict(&problems(files)?)
}

/// Checks the files of the Kubernetes target as it renders them: `manifests`
/// are the data of its manifest files' objects, `files` every file of
/// `k8s/` (the kustomization and the env file examples are read from them).
pub fn check_rendered(files: &[OutputFile], manifests: &[Manifest]) -> Result<(), Error> {
    let contents: Contents = files
        .iter()
        .map(|file| (file.path.as_str(), file.contents.as_slice()))
        .collect();
    let kustomization = match contents.get(KUSTOMIZATION) {
        Some(text) => parse_documents(KUSTOMIZATION, text)?.into_iter().next(),
        None => None,
    };
    verdict(&bundle_problems(
        &contents,
        kustomization.as_ref(),
        manifests,
    ))
}

/// No problem, or a bug naming every one.
fn verdict(problems: &[String]) -> Result<(), Error> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Bug(format!(
        "the Kubernetes manifests contradict each other: {}",
        problems.join("; ")
    )))
}

/// Every problem of a bundle read from its files. An error only when a file
/// does not read.
fn problems(files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<String>, Error> {
    let (kustomization, manifests) = read(files)?;
    let contents: Contents = files
        .iter()
        .map(|(path, contents)| (path.as_str(), contents.as_slice()))
        .collect();
    Ok(bundle_problems(
        &contents,
        kustomization.as_ref(),
        &manifests,
    ))
}

/// Every problem, in a stable order: kustomization, duplicates, workloads,
/// then the objects that point at Services.
fn bundle_problems(
    files: &Contents,
    kustomization: Option<&Value>,
    manifests: &[Manifest],
) -> Vec<String> {
    let paths: Vec<&str> = files.keys().copied().collect();
    let mut problems = Vec::new();
    let secret_keys = generated_secret_keys(files, kustomization, &mut problems);
    let bundle = Index::new(&paths, manifests, kustomization, secret_keys);
    kustomization::check(&bundle, kustomization, manifests, &mut problems);
    bundle.duplicates(&mut problems);
    workloads::check(&bundle, &mut problems);
    references::check(&bundle, &mut problems);
    ingress_auth::check(&bundle, &mut problems);
    problems
}

/// The keys of each Secret the kustomization generates: the names its env
/// files' `.example` files list (a missing one is a problem), and a key per
/// file it reads whole (`KEY=path`, else the file's name).
fn generated_secret_keys(
    files: &Contents,
    kustomization: Option<&Value>,
    problems: &mut Vec<String>,
) -> HashMap<String, Vec<String>> {
    let mut keys: HashMap<String, Vec<String>> = HashMap::new();
    for generator in items(kustomization.and_then(|k| k.get("secretGenerator"))) {
        let name = generator.get("name").and_then(Value::as_str).unwrap_or("");
        let listed = keys.entry(name.to_owned()).or_default();
        for file in items(generator.get("files")).filter_map(Value::as_str) {
            let key = file
                .split_once('=')
                .map_or_else(|| file.rsplit('/').next().unwrap_or(file), |(key, _)| key);
            listed.push(key.to_owned());
        }
        for env in items(generator.get("envs")).filter_map(Value::as_str) {
            let example = format!("{K8S_DIR}{env}{EXAMPLE_SUFFIX}");
            match files.get(example.as_str()) {
                Some(text) => listed.extend(env_example_keys(&String::from_utf8_lossy(text))),
                None => problems.push(format!(
                    "the secretGenerator {name} reads {env}, but the bundle has no {example} listing its keys"
                )),
            }
        }
    }
    keys
}

/// The variables an env file example lists (`NAME=` lines; `#` lines are comments).
fn env_example_keys(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, _)| name.trim().to_owned())
        .collect()
}

/// One object of the bundle.
#[derive(Debug)]
struct Object<'a> {
    /// The file it is in.
    path: &'a str,
    kind: &'a str,
    name: &'a str,
    /// `metadata.namespace`; `None` takes kustomize's (or kubectl's) namespace.
    namespace: Option<&'a str>,
    value: &'a Value,
}

impl<'a> Object<'a> {
    /// `Kind/name (file)`, for messages.
    fn describe(&self) -> String {
        format!("{}/{} ({})", self.kind, self.name, self.path)
    }

    /// Whether this object can see objects of namespace `other`.
    fn same_namespace(&self, other: Option<&str>) -> bool {
        namespaces_match(self.namespace, other)
    }

    /// The value at a `/`-separated path below the object, if present.
    fn at(&self, pointer: &str) -> Option<&'a Value> {
        self.value.pointer(pointer)
    }
}

/// Whether two namespaces can be the same: an unset one is the bundle's.
fn namespaces_match(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Every object of the bundle, with what the checks look up by kind.
struct Index<'a> {
    objects: Vec<Object<'a>>,
    /// Names of `ConfigMaps` that kustomize generates.
    generated_config_maps: Vec<&'a str>,
    /// The Secrets kustomize generates, with their keys.
    generated_secrets: HashMap<String, Vec<String>>,
    /// Object positions by kind, and by kind and name.
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// The kustomization's `namespace`: that of every object without one.
    namespace: Option<&'a str>,
    /// Every path of the bundle, sorted.
    paths: Vec<&'a str>,
}

impl<'a> Index<'a> {
    fn new(
        paths: &[&'a str],
        manifests: &'a [Manifest],
        kustomization: Option<&'a Value>,
        generated_secrets: HashMap<String, Vec<String>>,
    ) -> Self {
        let mut objects = Vec::new();
        for manifest in manifests {
            for document in &manifest.documents {
                let meta = |key: &str| document.pointer(&format!("/metadata/{key}"));
                objects.push(Object {
                    path: &manifest.path,
                    kind: document.get("kind").and_then(Value::as_str).unwrap_or(""),
                    name: meta("name").and_then(Value::as_str).unwrap_or(""),
                    namespace: meta("namespace").and_then(Value::as_str),
                    value: document,
                });
            }
        }
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, object) in objects.iter().enumerate() {
            by_kind.entry(object.kind).or_default().push(i);
            by_name
                .entry((object.kind, object.name))
                .or_default()
                .push(i);
        }
        let generated = |field: &str| -> Vec<&'a str> {
            items(kustomization.and_then(|k| k.get(field)))
                .filter_map(|generator| generator.get("name").and_then(Value::as_str))
                .collect()
        };
        Self {
            generated_config_maps: generated("configMapGenerator"),
            generated_secrets,
            objects,
            by_kind,
            by_name,
            namespace: kustomization
                .and_then(|k| k.get("namespace"))
                .and_then(Value::as_str),
            paths: {
                let mut paths = paths.to_vec();
                paths.sort_unstable();
                paths
            },
        }
    }

    /// Whether the bundle has a file at this path.
    fn has_file(&self, path: &str) -> bool {
        self.paths.binary_search(&path).is_ok()
    }

    /// The objects of one kind, in file order.
    fn of_kind(&self, kind: &str) -> impl Iterator<Item = &Object<'a>> {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }

    /// The object of `kind` named `name` visible from `namespace`.
    fn find(&self, kind: &str, name: &str, namespace: Option<&str>) -> Option<&Object<'a>> {
        self.by_name
            .get(&(kind, name))
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
            .find(|o| namespaces_match(o.namespace, namespace))
    }

    /// Two objects of one kind, name and namespace.
    fn duplicates(&self, problems: &mut Vec<String>) {
        let mut seen: HashMap<(&str, &str, Option<&str>), &Object> = HashMap::new();
        for object in &self.objects {
            if object.kind.is_empty() || object.name.is_empty() {
                problems.push(format!(
                    "a document of {} has no kind or metadata.name",
                    object.path
                ));
                continue;
            }
            if let Some(first) = seen.insert((object.kind, object.name, object.namespace), object) {
                problems.push(format!(
                    "{} is written twice (also in {})",
                    object.describe(),
                    first.path
                ));
            }
        }
    }
}

/// The items of a JSON array (none for anything else).
fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

/// Whether a reference is marked `optional: true` (the pod starts without it).
fn optional(reference: &Value) -> bool {
    reference.get("optional").and_then(Value::as_bool) == Some(true)
}

/// The kustomization and the manifests of `k8s/` (the YAML files with an
/// object: a promtool test file beside them is none), parsed.
fn read(files: &BTreeMap<String, Vec<u8>>) -> Result<(Option<Value>, Vec<Manifest>), Error> {
    let mut kustomization = None;
    let mut manifests = Vec::new();
    for (path, contents) in files.range(K8S_DIR.to_owned()..) {
        if !path.starts_with(K8S_DIR) {
            break;
        }
        let extension = Path::new(path).extension().and_then(OsStr::to_str);
        if !matches!(extension, Some("yaml" | "yml")) {
            continue;
        }
        let documents = parse_documents(path, contents)?;
        let is_object = |d: &Value| d.get("apiVersion").is_some() && d.get("kind").is_some();
        if path == KUSTOMIZATION {
            kustomization = documents.into_iter().next();
        } else if documents.iter().any(is_object) {
            manifests.push(Manifest::of(path.clone(), documents));
        }
    }
    Ok((kustomization, manifests))
}

/// Parses one YAML file of the bundle into its documents.
fn parse_documents(path: &str, contents: &[u8]) -> Result<Vec<Value>, Error> {
    let text = std::str::from_utf8(contents)
        .map_err(|e| Error::Bug(format!("{path} is not UTF-8: {e}")))?;
    format::parse_own_yaml_documents(text)
        .map_err(|e| Error::Bug(format!("{path} does not parse as YAML: {e}")))
}
