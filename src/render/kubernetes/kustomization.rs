//! `k8s/kustomization.yaml`: every manifest, sorted, and the namespace.
//!
//! The stack's Secret is not generated here: kustomize's `secretGenerator`
//! needs its env file inside `k8s/` whenever the kustomization is built, so
//! a bundle without the (uncommitted) values could not be built or checked.
//! `k8s/README.md` gives the one `kubectl create secret` command instead.

use serde::Serialize;

use super::{DIR, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::render::OutputFile;
use crate::render::format::yaml_file;

/// A kustomization, as much of it as stackgen writes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization<'a> {
    api_version: &'static str,
    kind: &'static str,
    namespace: &'a str,
    resources: Vec<&'a str>,
}

/// Renders the kustomization listing `manifests` (paths in the bundle).
pub fn render(plan: &Plan, manifests: &[&str]) -> Result<OutputFile, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let prefix = format!("{DIR}/");
    let mut resources: Vec<&str> = manifests
        .iter()
        .filter_map(|path| path.strip_prefix(prefix.as_str()))
        .collect();
    resources.sort_unstable();
    let kustomization = Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        namespace: &kubernetes.namespace,
        resources,
    };
    Ok(OutputFile::text(
        format!("{DIR}/kustomization.yaml"),
        yaml_file(plan, &kustomization)?,
    ))
}
