//! The objects of a manifest file, and the metadata they share.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::config::Protocol;

/// Any built-in object the workloads need; each serializes with its
/// `apiVersion` and `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Object {
    /// A Deployment.
    Deployment(Box<Deployment>),
    /// A `StatefulSet`.
    StatefulSet(Box<StatefulSet>),
    /// A Job.
    Job(Box<Job>),
    /// A Service.
    Service(Box<Service>),
    /// A `ConfigMap`.
    ConfigMap(Box<ConfigMap>),
    /// A `PersistentVolumeClaim`.
    Claim(Box<PersistentVolumeClaim>),
    /// A Namespace.
    Namespace(Box<Namespace>),
}

/// Metadata with a name, the namespace and labels.
pub fn metadata(name: &str, namespace: &str, labels: &IndexMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        labels: Some(map(labels)),
        ..ObjectMeta::default()
    }
}

/// A port's protocol as Kubernetes spells it: `TCP` or `UDP`.
pub fn protocol_name(protocol: Protocol) -> String {
    match protocol {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
    }
    .to_owned()
}

/// An ordered map as the sorted map of `k8s-openapi`.
pub fn map(map: &IndexMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
