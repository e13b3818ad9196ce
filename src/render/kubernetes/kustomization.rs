//! `k8s/kustomization.yaml`: every manifest, sorted, the namespace, the
//! stack's Secret as a `secretGenerator` reading `secrets.env` (see
//! [`super::secrets`]), and a Secret per htpasswd file of the routes (see
//! [`super::basic_auth`]). The Secret keeps its name (no hash suffix): the
//! `AlertmanagerConfig` names it too, in fields kustomize does not rewrite.

use serde::Serialize;

use super::basic_auth::copy_path;
use super::secrets::ENV_FILE;
use super::{DIR, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::kubernetes::{AUTH_SECRET_KEY, KubernetesPlan};
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

/// A Secret kustomize builds from env files or from files (`key=path`).
#[derive(Debug, Serialize)]
struct SecretGenerator<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    envs: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<String>,
    options: GeneratorOptions,
}

/// How kustomize names a generated object.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GeneratorOptions {
    disable_name_suffix_hash: bool,
}

/// The stack's Secret from `secrets.env` (when the workloads read any
/// variable), then a Secret per htpasswd file of the routes, its copy under
/// the key ingress-nginx reads. None gets a hash suffix: the
/// `AlertmanagerConfig` and the Ingress annotations name them in fields
/// kustomize does not rewrite.
fn secret_generators(kubernetes: &KubernetesPlan) -> Vec<SecretGenerator<'_>> {
    let mut generators = Vec::new();
    if !kubernetes.secret_keys.is_empty() {
        generators.push(SecretGenerator {
            name: &kubernetes.secret_name,
            envs: vec![ENV_FILE],
            files: Vec::new(),
            options: GeneratorOptions {
                disable_name_suffix_hash: true,
            },
        });
    }
    for secret in &kubernetes.routes.auth_secrets {
        generators.push(SecretGenerator {
            name: &secret.name,
            envs: Vec::new(),
            files: vec![format!("{AUTH_SECRET_KEY}={}", copy_path(&secret.name))],
            options: GeneratorOptions {
                disable_name_suffix_hash: true,
            },
        });
    }
    generators
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
        secret_generator: secret_generators(kubernetes),
    };
    Ok(OutputFile::text(
        format!("{DIR}/kustomization.yaml"),
        yaml_file(plan, &kustomization)?,
    ))
}
