//! The loss report: what of the stack the Kubernetes manifests carry only
//! in part, or not at all. `render` prints each entry as a warning at its
//! place in the stack and writes them all to `k8s/README.md`.

use super::KubernetesPlan;
use crate::config::Kubernetes;
use crate::load::pointer;
use crate::plan::Plan;

/// One entry of the loss report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// Where in the stack (a JSON pointer with the TOML's keys).
    pub pointer: String,
    /// What of the stack.
    pub what: String,
    /// What the manifests do instead.
    pub consequence: String,
    /// What to do about it.
    pub fix: String,
}

/// Adds the losses of the stack's sections (those of single services are
/// added while planning them).
pub fn add_stack_losses(plan: &Plan, _settings: &Kubernetes, planned: &mut KubernetesPlan) {
    let stack = &plan.stack;
    let mut losses = Vec::new();
    if !stack.networks.is_empty() {
        losses.push(Loss {
            pointer: pointer(["networks"]),
            what: "networks".to_owned(),
            consequence: "every pod of the namespace reaches every other: the manifests have no NetworkPolicy".to_owned(),
            fix: "add NetworkPolicies to the cluster if services must be kept apart".to_owned(),
        });
    }
    if stack.logs.is_some() {
        losses.push(Loss {
            pointer: pointer(["logs"]),
            what: "`[logs]` (Loki and Alloy)".to_owned(),
            consequence: "they are not deployed: a cluster collects container logs with its own agent; the dashboards' logs panels and links read the Loki datasource with uid `loki`, lines labelled with their `service`".to_owned(),
            fix: "install Loki and Alloy with their Helm charts (or the cluster's logging stack), with a Grafana datasource of uid `loki` and a `service` label on each line (the pod's `app.kubernetes.io/name`)".to_owned(),
        });
    }
    if let Some(prometheus) = &stack.prometheus {
        if prometheus.node_exporter || prometheus.cadvisor {
            losses.push(Loss {
                pointer: pointer(["prometheus"]),
                what: "node-exporter and cAdvisor".to_owned(),
                consequence: "they are not deployed: kube-prometheus-stack runs node-exporter on every node, and the kubelet serves cAdvisor's metrics".to_owned(),
                fix: "keep kube-prometheus-stack's defaults for them".to_owned(),
            });
        }
    }
    for (name, service) in &stack.services {
        if !service.profiles.is_empty() {
            losses.push(Loss {
                pointer: pointer(["services", name, "profiles"]),
                what: format!("the profiles of `{name}`"),
                consequence: "Kubernetes has no profiles: the service is always deployed"
                    .to_owned(),
                fix: "leave the service out with a kustomize patch where it must not run"
                    .to_owned(),
            });
        }
        if !service.networks.is_empty() {
            losses.push(Loss {
                pointer: pointer(["services", name, "networks"]),
                what: format!("the networks of `{name}`"),
                consequence: "every pod of the namespace can reach it".to_owned(),
                fix: "add a NetworkPolicy if it must be kept apart".to_owned(),
            });
        }
        if !service.env_file.is_empty() {
            losses.push(Loss {
                pointer: pointer(["services", name, "env-file"]),
                what: format!("the env-file of `{name}`"),
                consequence: "its variables are not set in the pod".to_owned(),
                fix:
                    "move them to `environment` (secrets as `${VAR}`, read from the stack's Secret)"
                        .to_owned(),
            });
        }
        if service.hostname.is_some() || service.container_name.is_some() {
            losses.push(Loss {
                pointer: pointer(["services", name]),
                what: format!("the hostname or container name of `{name}`"),
                consequence: "pods are named by their workload; other pods reach the service by its Service name".to_owned(),
                fix: "address the service by its name".to_owned(),
            });
        }
        if service.ulimits != crate::config::Ulimits::default() {
            losses.push(Loss {
                pointer: pointer(["services", name, "ulimits"]),
                what: format!("the ulimits of `{name}`"),
                consequence: "pods take the node's container runtime limits".to_owned(),
                fix: "configure the limits on the nodes' container runtime".to_owned(),
            });
        }
    }
    losses.append(&mut planned.losses);
    planned.losses = losses;
}
