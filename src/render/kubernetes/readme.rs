//! `k8s/README.md`: how to deploy the manifests, and the loss report.

use std::fmt::Write as _;

use super::{DIR, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;
use crate::render::OutputFile;
use crate::render::format::header_lines;

/// Renders the README.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let namespace = &kubernetes.namespace;
    let mut text = format!(
        "<!-- {} -->\n\n# {} on Kubernetes\n\n",
        header_lines(plan),
        plain(&plan.stack.stack.name)
    );
    text.push_str("## Deploy\n\nFrom the bundle's folder, with `.env` filled in from `.env.example`:\n\n```sh\n");
    let _ = writeln!(text, "kubectl create namespace {namespace}");
    let _ = writeln!(
        text,
        "kubectl create secret generic {} --namespace {namespace} --from-env-file=.env",
        kubernetes.secret_name
    );
    if let Some(tls) = &kubernetes.tls_secret {
        let _ = writeln!(
            text,
            "kubectl create secret tls {tls} --namespace {namespace} --cert=CERT.pem --key=KEY.pem"
        );
    }
    let _ = writeln!(text, "kubectl apply -k {DIR}");
    text.push_str("```\n\n");
    let _ = write!(
        text,
        "The Secret `{}` holds every variable the workloads read (the keys of `.env.example`{}); \
no value is written into a manifest. To change a value, create the Secret again \
(`kubectl create secret ... --dry-run=client -o yaml | kubectl apply -f -`) and restart the pods \
(`kubectl rollout restart`).\n\n",
        kubernetes.secret_name,
        if kubernetes.secret_keys.is_empty() {
            ": none yet".to_owned()
        } else {
            format!(
                ": {}",
                kubernetes
                    .secret_keys
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
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
            "- **{}** (`{}`): {}. {}.",
            plain(&loss.what),
            plain(&loss.pointer),
            plain(&loss.consequence),
            plain(&capitalized(&loss.fix)),
        );
    }
    Ok(vec![OutputFile::text(format!("{DIR}/README.md"), text)])
}

/// `text` on one line, with Markdown's and HTML's active characters escaped.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
