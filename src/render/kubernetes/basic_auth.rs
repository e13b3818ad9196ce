//! `k8s/auth/<secret>`: a copy of each htpasswd file routes ask for
//! credentials against (ingress-nginx only), which the kustomization's
//! `secretGenerator` turns into the Secret ingress-nginx reads under the key
//! `auth`. The file holds password hashes only (validation refuses plain
//! text); no manifest holds them. A copy is no more readable than its source.

use super::{DIR, Files, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::render::OutputFile;

/// The folder of the copies, inside `k8s/`.
pub const AUTH_DIR: &str = "auth";

/// Renders the copies.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let copies: Vec<OutputFile> = kubernetes
        .routes
        .auth_secrets
        .iter()
        .map(|secret| {
            let input = plan.inputs.file(&secret.user_file).ok_or_else(|| {
                Error::Bug(format!(
                    "the htpasswd file `{}` was not read before rendering",
                    secret.user_file
                ))
            })?;
            Ok(OutputFile {
                path: format!("{DIR}/{}", copy_path(&secret.name)),
                contents: input.contents.clone(),
                mode: Some(input.mode & 0o777),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Files::from(copies))
}

/// The path of the copy of the Secret `name`'s file, inside `k8s/`.
pub fn copy_path(name: &str) -> String {
    format!("{AUTH_DIR}/{name}")
}
