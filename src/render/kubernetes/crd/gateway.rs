//! Gateway API v1.6 (standard channel) `gateway.networking.k8s.io/v1`
//! `HTTPRoute`.

use serde::Serialize;

use super::ObjectMeta;

/// The API version.
pub const API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// HTTP routing rules attached to a Gateway.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    /// [`API_VERSION`].
    pub api_version: &'static str,
    /// `HTTPRoute`.
    pub kind: &'static str,
    /// Name and labels.
    pub metadata: ObjectMeta,
    /// Where it attaches and what it routes.
    pub spec: HttpRouteSpec,
}

impl HttpRoute {
    /// An `HTTPRoute` with this metadata and spec.
    pub fn new(metadata: ObjectMeta, spec: HttpRouteSpec) -> Self {
        Self {
            api_version: API_VERSION,
            kind: "HTTPRoute",
            metadata,
            spec,
        }
    }
}

/// The spec of an [`HttpRoute`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSpec {
    /// The Gateways (listeners) it attaches to.
    pub parent_refs: Vec<ParentRef>,
    /// Host names matched (any when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
    /// The rules (at most 16).
    pub rules: Vec<HttpRouteRule>,
}

/// A Gateway, or one of its listeners.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRef {
    /// The Gateway's name.
    pub name: String,
    /// Its namespace (the route's own when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The listener's name (every listener when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// One rule: matches, the backend, timeouts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// Requests matching any of these.
    pub matches: Vec<HttpRouteMatch>,
    /// Where they go.
    pub backend_refs: Vec<BackendRef>,
    /// Timeouts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<HttpRouteTimeouts>,
}

/// A request match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpRouteMatch {
    /// The path match.
    pub path: PathMatch,
}

/// A path match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathMatch {
    /// `PathPrefix`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The path.
    pub value: String,
}

/// A Service port requests go to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackendRef {
    /// The Service's name.
    pub name: String,
    /// The Service port's number.
    pub port: u16,
}

/// Request timeouts, as Gateway API durations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpRouteTimeouts {
    /// The whole request, from the Gateway receiving it to the response's end.
    pub request: String,
}
