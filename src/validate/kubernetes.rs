//! Checks for the `kubernetes` target: every name that becomes part of a
//! Kubernetes object is one Kubernetes accepts, refused here with its span
//! before anything is rendered. Runs only when the target is selected.

use super::Checker;
use crate::config::{IngressFlavour, MountSource};
use crate::error::ErrorKind;
use crate::load::{closest, pointer};
use crate::syntax::{check_dns_label, check_dns_subdomain, check_label_key, check_label_value};

/// The longest name of a service that runs as a `StatefulSet`: its pods'
/// `controller-revision-hash` label, the name and an 11-character suffix,
/// must fit the 63 characters of a label value.
pub const MAX_STATEFUL_NAME: usize = 52;

const LABEL_FIX: &str = "use lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit (at most 63 characters)";
const SUBDOMAIN_FIX: &str = "use lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit (at most 253 characters)";

/// Runs the checks when the `kubernetes` target is selected.
pub fn check(checker: &mut Checker<'_>) {
    if !checker.targets.kubernetes {
        return;
    }
    check_section(checker);
    check_services(checker);
}

/// The `[kubernetes]` section's names.
fn check_section(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let Some(settings) = &stack.kubernetes else {
        return;
    };
    if let Some(namespace) = &settings.namespace {
        label(
            checker,
            &pointer(["kubernetes", "namespace"]),
            "namespace",
            namespace,
        );
    }
    if let Some(gateway) = &settings.gateway {
        subdomain(
            checker,
            &pointer(["kubernetes", "gateway", "name"]),
            "Gateway",
            &gateway.name,
        );
        if let Some(namespace) = &gateway.namespace {
            label(
                checker,
                &pointer(["kubernetes", "gateway", "namespace"]),
                "Gateway namespace",
                namespace,
            );
        }
        if let Some(section) = &gateway.section_name {
            subdomain(
                checker,
                &pointer(["kubernetes", "gateway", "section-name"]),
                "Gateway listener",
                section,
            );
        }
    }
    if let Some(class) = &settings.storage_class {
        subdomain(
            checker,
            &pointer(["kubernetes", "storage-class"]),
            "StorageClass",
            class,
        );
    }
    for (index, secret) in settings.image_pull_secrets.iter().enumerate() {
        subdomain(
            checker,
            &pointer(["kubernetes", "image-pull-secrets", &index.to_string()]),
            "image pull Secret",
            secret,
        );
    }
    let volumes: Vec<String> = stack.volumes.keys().cloned().collect();
    for name in settings.volume_sizes.keys() {
        if !stack.volumes.contains_key(name) {
            let kind = ErrorKind::DanglingReference {
                what: "volume",
                name: name.clone(),
                suggestion: closest(name, &volumes),
            };
            checker.error_at_key(&pointer(["kubernetes", "volume-sizes", name]), kind);
        }
    }
    for (key, value) in settings.prometheus_selector.iter().flatten() {
        let at = pointer(["kubernetes", "prometheus-selector", key]);
        if let Some(reason) = check_label_key(key) {
            checker.error_at_key(
                &at,
                kubernetes_name("label key", key, reason, LABEL_KEY_FIX),
            );
        }
        if let Some(reason) = check_label_value(value) {
            checker.error(
                &at,
                kubernetes_name("label value", value, reason, LABEL_VALUE_FIX),
            );
        }
    }
    if settings.ingress == IngressFlavour::IngressNginx {
        checker.warn(
            &pointer(["kubernetes", "ingress"]),
            ErrorKind::RetiredIngressNginx {},
        );
    }
}

const LABEL_KEY_FIX: &str = "write an optional DNS prefix and `/`, then at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";
const LABEL_VALUE_FIX: &str =
    "use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";

/// Per service: the length of the names of services that keep data in
/// named volumes (`StatefulSets`). Environment variable names need no check
/// of their own: every target reads them in one grammar
/// ([`crate::syntax::EnvName`]), a part of what Kubernetes accepts.
fn check_services(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        let stateful = service
            .volumes
            .iter()
            .filter_map(|mount| mount.resolved.as_ref().ok())
            .any(|mount| matches!(mount.source, MountSource::Volume(_)));
        if stateful && name.len() > MAX_STATEFUL_NAME && check_dns_label(name).is_none() {
            checker.error_at_key(
                &pointer(["services", name]),
                kubernetes_name(
                    "service",
                    name,
                    format!(
                        "it keeps data in a named volume, so it runs as a StatefulSet, whose name may have at most {MAX_STATEFUL_NAME} characters; it has {}",
                        name.len()
                    ),
                    "shorten the service's name",
                ),
            );
        }
    }
}

fn label(checker: &mut Checker<'_>, at: &str, what: &'static str, name: &str) {
    if let Some(reason) = check_dns_label(name) {
        checker.error(at, kubernetes_name(what, name, reason, LABEL_FIX));
    }
}

fn subdomain(checker: &mut Checker<'_>, at: &str, what: &'static str, name: &str) {
    if let Some(reason) = check_dns_subdomain(name) {
        checker.error(at, kubernetes_name(what, name, reason, SUBDOMAIN_FIX));
    }
}

fn kubernetes_name(what: &'static str, name: &str, reason: String, fix: &str) -> ErrorKind {
    ErrorKind::KubernetesName {
        what,
        name: name.to_owned(),
        reason,
        fix: fix.to_owned(),
    }
}

/// The plan's loss report, as warnings at the places of the stack they are about.
pub fn report_losses(checker: &mut Checker<'_>, plan: &crate::plan::Plan) {
    let Some(kubernetes) = &plan.kubernetes else {
        return;
    };
    for loss in &kubernetes.losses {
        checker.warn(
            &loss.pointer,
            ErrorKind::KubernetesLoss {
                what: loss.what.clone(),
                consequence: loss.consequence.clone(),
                fix: loss.fix.clone(),
            },
        );
    }
}
