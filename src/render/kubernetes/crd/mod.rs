//! Typed models of the custom resources the Kubernetes target writes,
//! holding only the fields stackgen emits: prometheus-operator v0.93
//! (`monitoring.coreos.com/v1` `ServiceMonitor`, `PrometheusRule`, `Probe`;
//! `v1alpha1` `AlertmanagerConfig`) and Gateway API v1.6 standard channel
//! (`gateway.networking.k8s.io/v1` `HTTPRoute`). Field names follow the
//! CRDs' `OpenAPI` schemas; the metadata is `k8s-openapi`'s, as on the
//! built-in kinds.

pub mod alertmanager_config;
pub mod gateway;
pub mod monitoring;

use indexmap::IndexMap;
use serde::Serialize;

pub use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// A label selector with `matchLabels` only.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Every label must equal.
    pub match_labels: IndexMap<String, String>,
}

/// A key of a Secret in the object's namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretKeySelector {
    /// The Secret's name.
    pub name: String,
    /// The key in its `data`.
    pub key: String,
}
