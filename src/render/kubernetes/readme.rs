//! `k8s/README.md`: how to deploy the manifests, and the loss report.

use std::fmt::Write as _;

use super::basic_auth::copy_path;
use super::secrets::{ENV_EXAMPLE, ENV_FILE};
use super::{DIR, Files, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::kubernetes::AUTH_SECRET_KEY;
use crate::render::OutputFile;
use crate::render::format::header_lines;

/// Renders the README.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let namespace = &kubernetes.namespace;
    // `>` is escaped the way of the header's other escapes, so no file
    // name ends the comment early.
    let mut text = format!(
        "<!-- {} -->\n\n# {} on Kubernetes\n\n",
        header_lines(plan).replace('>', "\\u{003E}"),
        plain(&plan.name)
    );
    text.push_str("## Deploy\n\nFrom the bundle's folder:\n\n```sh\n");
    let has_secret = !kubernetes.secret_keys.is_empty();
    if has_secret {
        let _ = writeln!(
            text,
            "cp {DIR}/{ENV_EXAMPLE} {DIR}/{ENV_FILE}   # then fill in the values"
        );
    }
    // `namespace.yaml` is a resource of the kustomization: `apply -k`
    // creates the namespace, but a Secret made by hand needs it first.
    if let Some(tls) = &kubernetes.tls_secret {
        let _ = writeln!(text, "kubectl apply -f {DIR}/namespace.yaml");
        let _ = writeln!(
            text,
            "kubectl create secret tls {tls} --namespace {namespace} --cert=CERT.pem --key=KEY.pem"
        );
    }
    let _ = writeln!(text, "kubectl apply -k {DIR}");
    text.push_str("```\n\n");
    if has_secret {
        let _ = write!(
            text,
            "The Secret `{}` holds every variable the workloads read: kustomize's `secretGenerator` builds it \
from `{DIR}/{ENV_FILE}`, which you write from `{DIR}/{ENV_EXAMPLE}` (its keys; the Compose `.env` holds \
them too) and never commit (`{DIR}/.gitignore` leaves it out). No value is written into a manifest, \
and `kubectl kustomize {DIR}` fails until the file exists. The Secret keeps its name, without kustomize's \
hash suffix, because the `AlertmanagerConfig` names it too: after changing a value, apply again and \
restart the pods (`kubectl rollout restart`).\n\n",
            kubernetes.secret_name,
        );
    }
    if !kubernetes.routes.auth_secrets.is_empty() {
        let names: Vec<String> = kubernetes
            .routes
            .auth_secrets
            .iter()
            .map(|secret| {
                format!(
                    "`{}` (from `{DIR}/{}`)",
                    secret.name,
                    copy_path(&secret.name)
                )
            })
            .collect();
        let _ = write!(
            text,
            "The routes that ask for credentials carry ingress-nginx's basic authentication annotations, \
naming a Secret that holds the stack's htpasswd file under the key `{AUTH_SECRET_KEY}`: {}. kustomize's \
`secretGenerator` builds each from the file's copy in the bundle, so no manifest holds the password hashes; \
keep the bundle where you would keep the file.\n\n",
            names.join(", "),
        );
    }
    text.push_str(
        "Prometheus, Alertmanager and Grafana are not deployed: the manifests expect kube-prometheus-stack \
(the Prometheus operator) in the cluster. A Job cannot be changed in place: delete it \
(`kubectl delete job NAME`) before applying a changed one.\n\n",
    );
    text.push_str("## How the stack maps\n\n");
    text.push_str(
        "- a service with a named volume runs as a StatefulSet (one volume per pod), a one-shot \
(`restart = \"no\"`) as a Job, any other service as a Deployment with its replicas;\n\
- every port a container listens on is a named port (`tcp-8000`) of a ClusterIP Service named after the service; \
published ports that no `[ingress]` route serves get a second Service, `NAME-public`;\n\
- a health check becomes the readiness and liveness probes (same interval, timeout and retries), its start period a startup probe;\n\
- `depends-on` with `healthy` or `started` becomes an init container that waits until the dependency's Service \
accepts connections (a Service forwards only to ready pods); `completed` runs the one-shot as an init container \
of the dependent, before every start of each of its pods, so it must be safe to run more than once;\n\
- files the stack ships are a ConfigMap mounted at the same paths.\n\n",
    );
    text.push_str("## What does not carry over\n\n");
    if kubernetes.losses.is_empty() {
        text.push_str("Nothing: every part of the stack has its equivalent.\n");
    }
    for loss in &kubernetes.losses {
        let _ = writeln!(
            text,
            "- **{}** ({}): {}. {}.",
            plain(&loss.what),
            code_span(&loss.pointer),
            plain(&loss.consequence),
            plain(&capitalized(&loss.fix)),
        );
    }
    Ok(Files::from(vec![OutputFile::text(
        format!("{DIR}/README.md"),
        text,
    )]))
}

/// `text` on one line, as text: every character Markdown (with GitHub's
/// tables and strikethrough) or HTML could read as markup is escaped, a
/// backtick too, so a value holding one cannot open or close a code span,
/// and a control character (a line break among them) is a space.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` as a code span on one line: fenced by more backticks than any run
/// inside it, with a space inside the fences where Markdown would otherwise
/// take one away or read a backtick of the text as part of the fence.
fn code_span(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']);
    let pad = if pad && !text.chars().all(|c| c == ' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::{code_span, plain};

    #[test]
    fn text_is_escaped_and_kept_on_one_line() {
        assert_eq!(plain("`a` *b*\n<c> &d;"), "\\`a\\` \\*b\\* \\<c\\> \\&d;");
        assert_eq!(plain("x\r\ny"), "x  y");
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(code_span("/services/app"), "`/services/app`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a``"), "``` `a`` ```");
        assert_eq!(code_span(" a"), "`  a `");
        assert_eq!(code_span("a\nb"), "`a b`");
    }
}
