//! What the checks read of an object, and nothing more: each manifest's
//! documents are cut down to [`READ`] (a Service's to [`READ_SERVICE`]) as
//! they come in, each map sized to what it keeps, so the trees of a bundle
//! of thousands of workloads (probes, rule expressions, dashboard JSON,
//! labels no selector is matched against) are not all held at once. The checks' tests read their bundles
//! through the same cut, so a field a check reads but [`READ`] drops fails
//! them.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// The fields of a pod template the checks read.
fn pod_template() -> Value {
    let container = json!({
        "name": true,
        "ports": true,
        "volumeMounts": true,
        "envFrom": true,
        "env": {"valueFrom": true},
    });
    json!({
        "metadata": {"labels": true},
        "spec": {
            "containers": container,
            "initContainers": container,
            "volumes": true,
        },
    })
}

/// Every field any check reads of a Service, as a tree: `true` keeps the
/// whole value, `"keys"` keeps a map's keys (with null values), an object
/// keeps those of its fields (of every item, for a list).
static READ_SERVICE: LazyLock<Value> = LazyLock::new(|| fields_read(true));

/// Every field any check reads of an object of another kind: the same but
/// its `metadata.labels`, which only a Service's are matched against a
/// selector (a pod's are in its workload's template).
static READ: LazyLock<Value> = LazyLock::new(|| fields_read(false));

/// The fields read, with or without the object's own labels.
fn fields_read(labels: bool) -> Value {
    let keys = json!("keys");
    json!({
        "apiVersion": true,
        "kind": true,
        "metadata": {
            "name": true,
            "namespace": true,
            "labels": labels,
            // An Ingress's ingress-nginx basic authentication.
            "annotations": {"nginx.ingress.kubernetes.io/auth-secret": true},
        },
        "spec": {
            // Workloads, Services, ServiceMonitors.
            "selector": true,
            "template": pod_template(),
            "jobTemplate": {"spec": {"template": pod_template()}},
            "serviceName": true,
            "volumeClaimTemplates": {"metadata": {"name": true}},
            // Services.
            "ports": true,
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
    })
}

/// `document` cut down to what the checks read.
pub(super) fn what_checks_read(document: Value) -> Value {
    let read = if document.get("kind").and_then(Value::as_str) == Some("Service") {
        &READ_SERVICE
    } else {
        &READ
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
                    let read = fields.get(&key).filter(|read| **read != false)?;
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
