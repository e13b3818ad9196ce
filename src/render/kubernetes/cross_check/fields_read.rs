//! What the checks read of an object, and nothing more: each manifest's
//! documents are cut down to [`fields_read`] of their kind as they come in,
//! each map sized to what it keeps, so the trees of a bundle of thousands of
//! workloads (probes, rule expressions, dashboard JSON, mount paths, labels
//! no selector is matched against) are not all held at once. The checks'
//! tests read their bundles through the same cut, so a field a check reads
//! but the cut drops fails them.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// A reference to a `ConfigMap` or Secret by name, as the checks read it.
fn reference(name: &str) -> Value {
    json!({name: true, "optional": true})
}

/// The fields of a pod template the checks read.
fn pod_template() -> Value {
    let container = json!({
        "name": true,
        "ports": {"name": true},
        "volumeMounts": {"name": true},
        "envFrom": {"configMapRef": reference("name"), "secretRef": reference("name")},
        "env": {"valueFrom": {
            "configMapKeyRef": {"name": true, "key": true, "optional": true},
            "secretKeyRef": {"name": true, "key": true, "optional": true},
        }},
    });
    json!({
        "metadata": {"labels": true},
        "spec": {
            "containers": container,
            "initContainers": container,
            "volumes": {
                "name": true,
                "configMap": reference("name"),
                "secret": reference("secretName"),
                "projected": {"sources": {
                    "configMap": reference("name"),
                    "secret": reference("name"),
                }},
                "persistentVolumeClaim": {"claimName": true},
            },
        },
    })
}

/// What the checks read of a Service: the common fields and its own labels,
/// the one kind whose labels a selector is matched against (a pod's are in
/// its workload's template).
static READ_SERVICE: LazyLock<Value> = LazyLock::new(|| fields_read(Some(("labels", json!(true)))));

/// What the checks read of an Ingress: the common fields and the
/// ingress-nginx annotation naming its basic authentication's Secret.
static READ_INGRESS: LazyLock<Value> = LazyLock::new(|| {
    fields_read(Some((
        "annotations",
        json!({"nginx.ingress.kubernetes.io/auth-secret": true}),
    )))
});

/// What the checks read of an object of any other kind.
static READ: LazyLock<Value> = LazyLock::new(|| fields_read(None));

/// Every field any check reads, as a tree, with one more field of
/// `metadata` for the kinds that need one: `true` keeps the whole value,
/// `"keys"` keeps a map's keys (with null values), an object keeps those of
/// its fields (of every item, for a list).
fn fields_read(metadata: Option<(&str, Value)>) -> Value {
    let keys = json!("keys");
    let mut read = json!({
        "kind": true,
        "metadata": {"name": true, "namespace": true},
        "spec": {
            // Workloads, Services, ServiceMonitors.
            "selector": true,
            "template": pod_template(),
            "jobTemplate": {"spec": {"template": pod_template()}},
            "serviceName": true,
            "volumeClaimTemplates": {"metadata": {"name": true}},
            // Services.
            "ports": {"name": true, "port": true, "targetPort": true},
            // ServiceMonitors.
            "namespaceSelector": true,
            "endpoints": {"port": true},
            // HTTPRoutes and Ingresses.
            "rules": {"backendRefs": true, "http": {"paths": {"backend": true}}},
            "defaultBackend": true,
            // Probes.
            "prober": {"url": true},
            "targets": {"staticConfig": {"static": true}},
        },
        // ConfigMaps and Secrets: which keys they have.
        "data": keys,
        "binaryData": keys,
        "stringData": keys,
    });
    if let (Some((field, fields)), Some(meta)) = (metadata, read.get_mut("metadata")) {
        meta[field] = fields;
    }
    read
}

/// `document` cut down to what the checks read.
pub(super) fn what_checks_read(document: Value) -> Value {
    let read = match document.get("kind").and_then(Value::as_str) {
        Some("Service") => &READ_SERVICE,
        Some("Ingress") => &READ_INGRESS,
        _ => &READ,
    };
    cut(document, read)
}

fn cut(value: Value, read: &Value) -> Value {
    match (value, read) {
        (value, Value::Bool(true)) => value,
        (Value::Object(map), Value::String(_)) => {
            Value::Object(map.into_iter().map(|(key, _)| (key, Value::Null)).collect())
        }
        (Value::Object(map), Value::Object(fields)) => {
            let kept: Vec<(String, Value)> = map
                .into_iter()
                .filter_map(|(key, value)| {
                    let read = fields.get(&key)?;
                    Some((key, cut(value, read)))
                })
                .collect();
            // Sized once: the trees of every object are held until the
            // checks run, so no map keeps room to grow.
            let mut map = Map::with_capacity(kept.len());
            map.extend(kept);
            Value::Object(map)
        }
        (Value::Array(items), read) => {
            Value::Array(items.into_iter().map(|item| cut(item, read)).collect())
        }
        // Anything else is kept as it is, for the checks to refuse.
        (value, _) => value,
    }
}
