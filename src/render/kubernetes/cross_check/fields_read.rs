//! What the checks read of an object, and nothing more: each manifest's
//! documents are cut down to [`READ`] as they come in, so the trees of a
//! bundle of thousands of workloads (probes, rule expressions, dashboard
//! JSON) are not all held at once. The checks' tests read their bundles
//! through the same cut, so a field a check reads but [`READ`] drops fails
//! them.

use std::sync::LazyLock;

use serde_json::{Value, json};

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

/// Every field any check reads, as a tree: `true` keeps the whole value,
/// `"keys"` keeps a map's keys (with null values), an object keeps those of
/// its fields (of every item, for a list).
static READ: LazyLock<Value> = LazyLock::new(|| {
    let keys = json!("keys");
    json!({
        "apiVersion": true,
        "kind": true,
        "metadata": {
            "name": true,
            "namespace": true,
            "labels": true,
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
});

/// `document` cut down to what the checks read.
pub(super) fn what_checks_read(document: Value) -> Value {
    cut(document, &READ)
}

fn cut(value: Value, read: &Value) -> Value {
    match (value, read) {
        (value, Value::Bool(true)) => value,
        (Value::Object(map), Value::String(_)) => {
            Value::Object(map.into_iter().map(|(key, _)| (key, Value::Null)).collect())
        }
        (Value::Object(map), Value::Object(fields)) => Value::Object(
            map.into_iter()
                .filter_map(|(key, value)| {
                    let read = fields.get(&key)?;
                    Some((key, cut(value, read)))
                })
                .collect(),
        ),
        (Value::Array(items), read) => {
            Value::Array(items.into_iter().map(|item| cut(item, read)).collect())
        }
        // Anything else is kept as it is, for the checks to refuse.
        (value, _) => value,
    }
}
