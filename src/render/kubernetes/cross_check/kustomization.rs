//! `kustomization.yaml` deploys exactly the manifests of `k8s/`: it lists
//! every one, lists nothing else, and the files its `ConfigMap` generators read
//! are in the bundle.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Index, K8S_DIR, KUSTOMIZATION, Manifest, items};

/// Checks the kustomization against the manifests beside it.
pub(super) fn check(
    bundle: &Index,
    kustomization: Option<&Value>,
    manifests: &[Manifest],
    problems: &mut Vec<String>,
) {
    let Some(kustomization) = kustomization else {
        problems.push(format!("{KUSTOMIZATION} is missing"));
        return;
    };
    let written: BTreeSet<&str> = manifests
        .iter()
        .filter_map(|m| m.path.strip_prefix(K8S_DIR))
        .collect();
    let listed: BTreeSet<&str> = items(kustomization.get("resources"))
        .filter_map(Value::as_str)
        .map(|r| r.strip_prefix("./").unwrap_or(r))
        .collect();
    for resource in listed.difference(&written) {
        problems.push(format!(
            "{KUSTOMIZATION} lists {resource}, which is no manifest of the bundle"
        ));
    }
    for manifest in written.difference(&listed) {
        problems.push(format!(
            "{K8S_DIR}{manifest} is not listed in {KUSTOMIZATION}'s resources (it would not be deployed)"
        ));
    }
    for generator in items(kustomization.get("configMapGenerator")) {
        let name = generator.get("name").and_then(Value::as_str).unwrap_or("");
        for source in items(generator.get("files")).chain(items(generator.get("envs"))) {
            let source = source.as_str().unwrap_or("");
            // `key=path` names the key; the file is the path.
            let file = source.split_once('=').map_or(source, |(_, file)| file);
            if !bundle.has_file(&format!("{K8S_DIR}{file}")) {
                problems.push(format!(
                    "{KUSTOMIZATION}: configMapGenerator {name} reads {file}, which is not in the bundle"
                ));
            }
        }
    }
    // A Secret's env file is the user's (see the Secret checks); a file it
    // reads whole (an htpasswd copy) is the bundle's.
    for generator in items(kustomization.get("secretGenerator")) {
        let name = generator.get("name").and_then(Value::as_str).unwrap_or("");
        for source in items(generator.get("files")) {
            let source = source.as_str().unwrap_or("");
            let file = source.split_once('=').map_or(source, |(_, file)| file);
            if !bundle.has_file(&format!("{K8S_DIR}{file}")) {
                problems.push(format!(
                    "{KUSTOMIZATION}: secretGenerator {name} reads {file}, which is not in the bundle"
                ));
            }
        }
    }
}
