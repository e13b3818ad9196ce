//! `k8s/kustomization.yaml`: every manifest, sorted, the namespace, and the
//! stack's Secret as a `secretGenerator` reading `secrets.env` (see
//! [`super::secrets`]). The Secret keeps its name (no hash suffix): the
//! `AlertmanagerConfig` names it too, in fields kustomize does not rewrite.

use serde::Serialize;

use super::secrets::ENV_FILE;
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secret_generator: Vec<SecretGenerator<'a>>,
}

/// A Secret kustomize builds from env files.
#[derive(Debug, Serialize)]
struct SecretGenerator<'a> {
    name: &'a str,
    envs: [&'static str; 1],
    options: GeneratorOptions,
}

/// How kustomize names a generated object.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GeneratorOptions {
    disable_name_suffix_hash: bool,
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
        secret_generator: if kubernetes.secret_keys.is_empty() {
            Vec::new()
        } else {
            vec![SecretGenerator {
                name: &kubernetes.secret_name,
                envs: [ENV_FILE],
                options: GeneratorOptions {
                    disable_name_suffix_hash: true,
                },
            }]
        },
    };
    Ok(OutputFile::text(
        format!("{DIR}/kustomization.yaml"),
        yaml_file(plan, &kustomization)?,
    ))
}
