//! The stack's Secret: kustomize's `secretGenerator` builds it from
//! `k8s/secrets.env`, a file the user writes and never commits. stackgen
//! writes no value: `k8s/secrets.env.example` lists the keys (`NAME=`
//! lines), and `k8s/.gitignore` keeps `secrets.env` out of the repository.
//! A stack whose workloads read no variable has no Secret and neither file.

use super::{DIR, Files, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::render::OutputFile;
use crate::render::format::header_lines;

/// The env file the `secretGenerator` reads, inside `k8s/`.
pub const ENV_FILE: &str = "secrets.env";

/// The file listing its keys, inside `k8s/`.
pub const ENV_EXAMPLE: &str = "secrets.env.example";

/// Renders `secrets.env.example` and `.gitignore`.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    if kubernetes.secret_keys.is_empty() {
        return Ok(Files::default());
    }
    let mut example = format!(
        "# {}\n# The keys of the Secret `{}`. Copy to {DIR}/{ENV_FILE} (never commit it), fill in\n# the values, and run `kubectl apply -k {DIR}`: kustomize's secretGenerator builds the Secret.\n",
        header_lines(plan),
        kubernetes.secret_name,
    );
    for key in &kubernetes.secret_keys {
        example.push_str(key);
        example.push_str("=\n");
    }
    let ignore = format!(
        "# {}\n# The Secret's values: written by hand, never committed.\n/{ENV_FILE}\n",
        header_lines(plan)
    );
    Ok(Files::from(vec![
        OutputFile::text(format!("{DIR}/{ENV_EXAMPLE}"), example),
        OutputFile::text(format!("{DIR}/.gitignore"), ignore),
    ]))
}
