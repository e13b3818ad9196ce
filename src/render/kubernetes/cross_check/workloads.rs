//! Workloads: selectors match their own pods, and everything a pod uses
//! (`ConfigMaps`, Secrets, claims, volumes, a `StatefulSet`'s Service) is there.

use serde_json::Value;

use super::selector::Selector;
use super::{Index, Object, items, optional};

/// The kinds that run pods, with the pointer to their pod template and
/// whether they must carry a selector.
const WORKLOADS: [(&str, &str, bool); 6] = [
    ("Deployment", "/spec/template", true),
    ("StatefulSet", "/spec/template", true),
    ("DaemonSet", "/spec/template", true),
    ("ReplicaSet", "/spec/template", true),
    ("Job", "/spec/template", false),
    ("CronJob", "/spec/jobTemplate/spec/template", false),
];

/// The pod template of one workload.
pub(super) struct Pod<'o, 'a> {
    pub(super) owner: &'o Object<'a>,
    /// `metadata.labels` of the template.
    pub(super) labels: Option<&'a Value>,
    /// The template's `spec`.
    pub(super) spec: Option<&'a Value>,
}

impl Pod<'_, '_> {
    /// Every container of the pod, init containers included.
    fn containers(&self) -> impl Iterator<Item = &Value> {
        let spec = self.spec;
        ["containers", "initContainers"]
            .into_iter()
            .flat_map(move |key| items(spec.and_then(|s| s.get(key))))
    }

    /// Whether a container of the pod has a port of this name.
    pub(super) fn has_port_name(&self, name: &str) -> bool {
        self.containers()
            .flat_map(|c| items(c.get("ports")))
            .any(|p| p.get("name").and_then(Value::as_str) == Some(name))
    }
}

/// The pod templates of every workload of the bundle, in file order.
pub(super) fn pods<'o, 'a>(bundle: &'o Index<'a>) -> Vec<Pod<'o, 'a>> {
    let mut pods = Vec::new();
    for object in &bundle.objects {
        if let Some((_, template, _)) = WORKLOADS.iter().find(|(kind, ..)| *kind == object.kind) {
            let template = object.at(template);
            pods.push(Pod {
                owner: object,
                labels: template.and_then(|t| t.pointer("/metadata/labels")),
                spec: template.and_then(|t| t.get("spec")),
            });
        }
    }
    pods
}

/// Checks every workload.
pub(super) fn check(bundle: &Index, problems: &mut Vec<String>) {
    for pod in pods(bundle) {
        let owner = pod.owner;
        let needs_selector = WORKLOADS
            .iter()
            .any(|(kind, _, needs)| *kind == owner.kind && *needs);
        match owner.at("/spec/selector") {
            Some(selector) => {
                let selector = Selector::Label(selector);
                if selector.is_empty() {
                    problems.push(format!("{}: spec.selector is empty", owner.describe()));
                } else if !selector.matches(pod.labels) {
                    problems.push(format!(
                        "{}: spec.selector {} does not match the pod template's labels",
                        owner.describe(),
                        selector.describe()
                    ));
                }
            }
            None if needs_selector => {
                problems.push(format!("{}: no spec.selector", owner.describe()));
            }
            None => {}
        }
        if pod.spec.is_none() {
            problems.push(format!("{}: no pod template spec", owner.describe()));
            continue;
        }
        References {
            bundle,
            owner,
            problems: &mut *problems,
        }
        .pod(&pod);
        if owner.kind == "StatefulSet" {
            if let Some(service) = owner.at("/spec/serviceName").and_then(Value::as_str) {
                if bundle.find("Service", service, owner.namespace).is_none() {
                    problems.push(format!(
                        "{}: spec.serviceName {service} is no Service of the bundle",
                        owner.describe()
                    ));
                }
            }
        }
    }
}

/// What one pod uses, checked against the bundle.
struct References<'x, 'a> {
    bundle: &'x Index<'a>,
    owner: &'x Object<'a>,
    problems: &'x mut Vec<String>,
}

impl<'a> References<'_, 'a> {
    /// The `ConfigMaps`, Secrets, claims and volumes the pod uses.
    fn pod(&mut self, pod: &Pod<'_, 'a>) {
        let owner = self.owner.describe();
        let spec = pod.spec;
        let mut volume_names: Vec<&str> = Vec::new();
        for volume in items(spec.and_then(|s| s.get("volumes"))) {
            let name = volume.get("name").and_then(Value::as_str).unwrap_or("");
            volume_names.push(name);
            let at = format!("{owner}: volume {name}");
            if let Some(config_map) = volume.get("configMap") {
                self.config_map(config_map, "name", None, &at);
            }
            if let Some(secret) = volume.get("secret") {
                self.secret(secret, "secretName", None, &at);
            }
            for source in items(volume.pointer("/projected/sources")) {
                if let Some(config_map) = source.get("configMap") {
                    self.config_map(config_map, "name", None, &at);
                }
                if let Some(secret) = source.get("secret") {
                    self.secret(secret, "name", None, &at);
                }
            }
            if let Some(claim) = volume
                .pointer("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
            {
                if self
                    .bundle
                    .find("PersistentVolumeClaim", claim, self.owner.namespace)
                    .is_none()
                {
                    self.problems.push(format!(
                        "{at}: PersistentVolumeClaim {claim} is not in the bundle"
                    ));
                }
            }
        }
        volume_names.extend(
            items(self.owner.at("/spec/volumeClaimTemplates"))
                .filter_map(|claim| claim.pointer("/metadata/name").and_then(Value::as_str)),
        );
        for container in pod.containers() {
            let container_name = container.get("name").and_then(Value::as_str).unwrap_or("");
            let at = format!("{owner}: container {container_name}");
            for mount in items(container.get("volumeMounts")) {
                let name = mount.get("name").and_then(Value::as_str).unwrap_or("");
                if !volume_names.contains(&name) {
                    self.problems.push(format!(
                        "{at}: volumeMount {name} names no volume of the pod"
                    ));
                }
            }
            for from in items(container.get("envFrom")) {
                if let Some(config_map) = from.get("configMapRef") {
                    self.config_map(config_map, "name", None, &at);
                }
                if let Some(secret) = from.get("secretRef") {
                    self.secret(secret, "name", None, &at);
                }
            }
            for variable in items(container.get("env")) {
                if let Some(config_map) = variable.pointer("/valueFrom/configMapKeyRef") {
                    let key = config_map.get("key").and_then(Value::as_str);
                    self.config_map(config_map, "name", key, &at);
                }
                if let Some(secret) = variable.pointer("/valueFrom/secretKeyRef") {
                    let key = secret.get("key").and_then(Value::as_str);
                    self.secret(secret, "name", key, &at);
                }
            }
        }
    }

    /// A reference to a `ConfigMap` (and, with `key`, one of its keys): an
    /// object of the bundle or a generator's.
    fn config_map(&mut self, reference: &Value, name_field: &str, key: Option<&str>, at: &str) {
        if optional(reference) {
            return;
        }
        let name = reference
            .get(name_field)
            .and_then(Value::as_str)
            .unwrap_or("");
        if self.bundle.generated_config_maps.contains(&name) {
            return;
        }
        let Some(config_map) = self.bundle.find("ConfigMap", name, self.owner.namespace) else {
            self.problems
                .push(format!("{at}: ConfigMap {name} is not in the bundle"));
            return;
        };
        if let Some(key) = key {
            if !has_key(config_map, &["data", "binaryData"], key) {
                self.problems
                    .push(format!("{at}: ConfigMap {name} has no key {key}"));
            }
        }
    }

    /// A reference to a Secret (and, with `key`, one of its keys): an object
    /// of the bundle with the key, or a Secret the kustomization generates
    /// whose env file example lists the key.
    fn secret(&mut self, reference: &Value, name_field: &str, key: Option<&str>, at: &str) {
        if optional(reference) {
            return;
        }
        let name = reference
            .get(name_field)
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(keys) = self.bundle.generated_secrets.get(name) {
            if let Some(key) = key {
                if !keys.iter().any(|k| k == key) {
                    self.problems.push(format!(
                        "{at}: reads {key} from the generated Secret {name}, but its env file example does not list {key}"
                    ));
                }
            }
            return;
        }
        if let Some(secret) = self.bundle.find("Secret", name, self.owner.namespace) {
            if let Some(key) = key {
                if !has_key(secret, &["data", "stringData"], key) {
                    self.problems
                        .push(format!("{at}: Secret {name} has no key {key}"));
                }
            }
            return;
        }
        self.problems.push(format!(
            "{at}: Secret {name} is neither in the bundle nor generated by the kustomization"
        ));
    }
}

/// Whether an object has `key` in one of its maps `fields`.
pub(super) fn has_key(object: &Object, fields: &[&str], key: &str) -> bool {
    fields.iter().any(|field| {
        object
            .at(&format!("/{field}"))
            .and_then(|d| d.get(key))
            .is_some()
    })
}
