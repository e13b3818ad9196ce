//! What only a Kubernetes cluster needs: the `[kubernetes]` section, and
//! the output targets `[stack] targets` chooses from.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::syntax::ByteSize;

/// An output target of `stackgen render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `docker-compose.yml` and the configuration of the services it runs.
    Compose,
    /// Manifests for `kubectl apply -k` in `k8s/`.
    Kubernetes,
}

/// Which targets one run renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    /// The Compose bundle.
    pub compose: bool,
    /// The Kubernetes manifests in `k8s/`.
    pub kubernetes: bool,
}

impl Targets {
    /// Only the Compose bundle, the default.
    pub const COMPOSE: Self = Self {
        compose: true,
        kubernetes: false,
    };
    /// Only the Kubernetes manifests.
    pub const KUBERNETES: Self = Self {
        compose: false,
        kubernetes: true,
    };
    /// Both.
    pub const ALL: Self = Self {
        compose: true,
        kubernetes: true,
    };

    /// The targets `[stack] targets` lists; Compose when it lists none.
    pub fn from_list(list: &[Target]) -> Self {
        if list.is_empty() {
            return Self::COMPOSE;
        }
        Self {
            compose: list.contains(&Target::Compose),
            kubernetes: list.contains(&Target::Kubernetes),
        }
    }
}

/// Settings only a Kubernetes cluster needs. The defaults suit a plain
/// kube-prometheus-stack install with a Gateway API implementation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Kubernetes {
    /// The namespace every object goes to (the stack's name by default).
    #[serde(default)]
    pub namespace: Option<String>,
    /// The Gateway that `HTTPRoute`s attach to (`ingress = "gateway-api"`);
    /// a Gateway named `gateway` in the stack's namespace by default.
    #[serde(default)]
    pub gateway: Option<GatewayRef>,
    /// How `[ingress]` routes reach the cluster: Gateway API `HTTPRoute`s
    /// (the default) or `networking.k8s.io/v1` Ingress objects for
    /// ingress-nginx. The ingress-nginx project was retired in March 2026 and
    /// gets no more fixes: prefer the Gateway API.
    #[serde(default)]
    pub ingress: IngressFlavour,
    /// The `StorageClass` of the volumes (the cluster's default class when unset).
    #[serde(default)]
    pub storage_class: Option<String>,
    /// The size requested for each named volume without a size of its own (`1G` by default).
    #[serde(default)]
    pub volume_size: Option<ByteSize>,
    /// Sizes of single named volumes, such as `{ pg-data = "20G" }`.
    #[serde(default)]
    pub volume_sizes: IndexMap<String, ByteSize>,
    /// Labels on every `ServiceMonitor`, `PrometheusRule` and Probe so that the
    /// Prometheus of kube-prometheus-stack selects them
    /// (`{ release = "kube-prometheus-stack" }` by default: the release name of a plain install).
    #[serde(default)]
    pub prometheus_selector: Option<IndexMap<String, String>>,
    /// Secrets holding registry credentials, attached to every pod.
    #[serde(default)]
    pub image_pull_secrets: Vec<String>,
    /// The Service type for published ports that no `[ingress]` route
    /// serves (`LoadBalancer` by default; `NodePort` keeps the host port
    /// when it is within the cluster's node port range).
    #[serde(default)]
    pub published_service_type: PublishedServiceType,
    /// The uid of the Prometheus datasource the dashboards query
    /// (`prometheus`, kube-prometheus-stack's, by default).
    #[serde(default)]
    pub grafana_datasource_uid: Option<String>,
    /// The image of the init containers that wait for a dependency's
    /// Service (`busybox:1.36` by default; it needs `sh` and `nc`).
    #[serde(default)]
    pub wait_image: Option<String>,
}

/// The Gateway routes attach to.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatewayRef {
    /// The Gateway's name.
    pub name: String,
    /// Its namespace (the stack's namespace when unset).
    #[serde(default)]
    pub namespace: Option<String>,
    /// The listener to attach to (every listener that allows the routes when unset).
    #[serde(default)]
    pub section_name: Option<String>,
}

/// How HTTP routes reach the cluster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IngressFlavour {
    /// Gateway API `HTTPRoute`s attached to `gateway`.
    #[default]
    GatewayApi,
    /// `networking.k8s.io/v1` Ingress objects with ingress-nginx annotations
    /// (ingress-nginx was retired in March 2026).
    IngressNginx,
}

/// The Service type of published ports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PublishedServiceType {
    /// A cloud load balancer listening on the host port.
    #[default]
    LoadBalancer,
    /// A port on every node.
    NodePort,
}

impl PublishedServiceType {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoadBalancer => "LoadBalancer",
            Self::NodePort => "NodePort",
        }
    }
}
