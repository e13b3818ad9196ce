//! The Kubernetes plan: every decision the `kubernetes` target needs,
//! made once from the target-neutral plan, so `render/kubernetes/` only maps
//! it onto Kubernetes objects.
//!
//! Decided here: which services run in the cluster (the stack's own and the
//! exporters; Prometheus, Alertmanager and Grafana come from the operator
//! stack, nginx's place is taken by a Gateway or an ingress controller, Loki
//! and Alloy by the cluster's logging), the workload kind of each
//! ([`WorkloadKind`]), object names and labels, Service ports and their
//! names, published ports, probes, resources, the mounts of named volumes
//! and config files, the keys of the stack's Secret, the init containers
//! that wait for dependencies, and the loss report ([`Loss`]): everything
//! of the stack the manifests carry only in part.

mod container;
mod dependencies;
mod losses;
mod monitoring;
mod ports;
mod routing;
mod volumes;
mod workloads;

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;

pub use container::{
    EnvSource, EnvVar, PlannedContainer, PlannedProbe, PlannedProbes, PlannedResources, ProbeAction,
};
pub use losses::Loss;
pub use monitoring::{
    BLACKBOX_CONFIG_KEY, DASHBOARD_LABEL, PlannedBlackboxProbe, PlannedDashboardMap,
    PlannedMonitoring, PlannedServiceMonitor,
};
pub use ports::{PlannedPort, PublishedPort, PublishedService};
pub use routing::{
    AUTH_SECRET_KEY, PlannedAuthSecret, PlannedHttpRoute, PlannedRateLimit, PlannedRoutes,
};
pub use volumes::{PlannedConfigMap, PlannedMount, PodVolume, VolumeSource};

use crate::config::{IngressFlavour, PublishedServiceType};
use crate::plan::Plan;

/// The label every object carries: the stack it belongs to.
pub const PART_OF: &str = "app.kubernetes.io/part-of";
/// The label naming the service an object is for.
pub const NAME: &str = "app.kubernetes.io/name";
/// The label naming the instance: the stack and the service.
pub const INSTANCE: &str = "app.kubernetes.io/instance";
/// The label naming the role of the service (its kind).
pub const COMPONENT: &str = "app.kubernetes.io/component";
/// The label saying stackgen made the object.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// The default image of the init containers that wait for a dependency.
pub const DEFAULT_WAIT_IMAGE: &str = "busybox:1.36";
/// The default size of a named volume: 1 GiB.
pub const DEFAULT_VOLUME_BYTES: u64 = 1 << 30;
/// The default Prometheus datasource uid (kube-prometheus-stack's).
pub const DEFAULT_DATASOURCE_UID: &str = "prometheus";
/// The default Gateway's name.
pub const DEFAULT_GATEWAY: &str = "gateway";
/// The label kube-prometheus-stack's Prometheus selects monitors and rules by.
pub const DEFAULT_SELECTOR: (&str, &str) = ("release", "kube-prometheus-stack");

/// Everything the Kubernetes manifests hold, decided.
#[derive(Debug, Clone)]
pub struct KubernetesPlan {
    /// The namespace of every object.
    pub namespace: String,
    /// Labels on every object (`app.kubernetes.io/part-of`, `managed-by`).
    pub common_labels: IndexMap<String, String>,
    /// The one Secret every `${VAR}` of the workloads is read from.
    pub secret_name: String,
    /// Its keys: every variable the workloads reference, sorted.
    pub secret_keys: BTreeSet<String>,
    /// The `kubernetes.io/tls` Secret of `[ingress] tls`, by name.
    pub tls_secret: Option<String>,
    /// The workloads, in the plan's service order.
    pub workloads: Vec<Workload>,
    /// `ConfigMaps` holding the files the stack mounts into containers.
    pub config_maps: Vec<PlannedConfigMap>,
    /// Standalone `PersistentVolumeClaims` (named volumes of Deployments and Jobs).
    pub claims: Vec<PlannedClaim>,
    /// How `[ingress]` routes reach the cluster.
    pub ingress: IngressFlavour,
    /// The Gateway routes attach to.
    pub gateway: PlannedGateway,
    /// Labels that make kube-prometheus-stack select monitors and rules.
    pub prometheus_selector: IndexMap<String, String>,
    /// The Prometheus datasource uid of the dashboards.
    pub grafana_datasource_uid: String,
    /// What the manifests carry only in part, in stack order.
    pub losses: Vec<Loss>,
    /// The monitoring objects for prometheus-operator and Grafana.
    pub monitoring: PlannedMonitoring,
    /// The routes of `[ingress]`.
    pub routes: PlannedRoutes,
    /// The position in `workloads` of each service's workload, made once
    /// every workload is planned: each service looks its dependencies,
    /// monitors and routes up by name.
    workload_index: HashMap<String, usize>,
}

impl KubernetesPlan {
    /// The workload running the planned service or `[services]` entry `name`.
    pub fn workload(&self, name: &str) -> Option<&Workload> {
        self.workload_index
            .get(name)
            .map(|&index| &self.workloads[index])
    }
}

/// One workload: a Deployment, `StatefulSet` or Job and the Services in front of it.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The object name of the workload and its `ClusterIP` Service.
    pub name: String,
    /// The `[services]` entry (or generated service) it runs.
    pub service: String,
    /// Deployment, `StatefulSet` or Job.
    pub kind: WorkloadKind,
    /// How many pods.
    pub replicas: u32,
    /// Labels of the workload, its pods and its Services.
    pub labels: IndexMap<String, String>,
    /// The labels that select its pods (a subset of `labels`).
    pub selector: IndexMap<String, String>,
    /// Annotations of the pods (the service's container labels that are valid keys).
    pub pod_annotations: IndexMap<String, String>,
    /// The main container.
    pub container: PlannedContainer,
    /// Containers that run to completion first: waits for dependencies,
    /// one-shot services the workload depends on.
    pub init_containers: Vec<PlannedContainer>,
    /// The pod's volumes.
    pub volumes: Vec<PodVolume>,
    /// The `ClusterIP` Service's ports (every container port, named);
    /// no Service when empty, unless the workload is a `StatefulSet` (which
    /// then gets a headless one).
    pub ports: Vec<PlannedPort>,
    /// The Service publishing ports outside the cluster.
    pub published: Option<PublishedService>,
    /// Registry credentials.
    pub image_pull_secrets: Vec<String>,
    /// Seconds between the stop signal and the kill.
    pub termination_grace_seconds: Option<i64>,
    /// A one-shot that runs as an init container of the workloads that
    /// wait for it to complete, instead of as a Job of its own.
    pub run_as_init: bool,
}

impl Workload {
    /// The name of the Service port for container port `port`.
    pub fn port_name(&self, port: u16) -> Option<&str> {
        self.ports
            .iter()
            .find(|p| p.port == port)
            .map(|p| p.name.as_str())
    }

    /// Whether it has a `ClusterIP` Service named after it.
    pub fn has_service(&self) -> bool {
        match self.kind {
            WorkloadKind::Job => false,
            WorkloadKind::StatefulSet => true,
            WorkloadKind::Deployment => !self.ports.is_empty(),
        }
    }
}

/// The kind of workload a service runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    /// A long-running service without named volumes.
    Deployment,
    /// A long-running service with named volumes: one volume per pod,
    /// from `volumeClaimTemplates`.
    StatefulSet,
    /// A one-shot service (`restart = "no"`).
    Job,
}

/// A `PersistentVolumeClaim` of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedClaim {
    /// The claim's name (the volume's).
    pub name: String,
    /// The requested size, as a Kubernetes quantity.
    pub size: String,
    /// The `StorageClass` (the cluster's default when `None`).
    pub storage_class: Option<String>,
}

/// The Gateway `HTTPRoute`s attach to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGateway {
    /// Its name.
    pub name: String,
    /// Its namespace (the stack's when `None`).
    pub namespace: Option<String>,
    /// The listener (every listener when `None`).
    pub section_name: Option<String>,
}

/// Plans the Kubernetes target of `plan`.
pub fn plan(plan: &Plan) -> KubernetesPlan {
    let settings = plan.stack.kubernetes.clone().unwrap_or_default();
    let stack_name = plan.stack.stack.name.clone();
    let namespace = settings
        .namespace
        .clone()
        .unwrap_or_else(|| stack_name.clone());
    let mut common_labels = IndexMap::new();
    common_labels.insert(PART_OF.to_owned(), stack_name.clone());
    common_labels.insert(MANAGED_BY.to_owned(), "stackgen".to_owned());
    let mut planned = KubernetesPlan {
        namespace,
        common_labels,
        secret_name: format!("{stack_name}-secrets"),
        secret_keys: BTreeSet::new(),
        tls_secret: plan
            .stack
            .ingress
            .as_ref()
            .and_then(|ingress| ingress.tls.as_ref())
            .map(|_| format!("{stack_name}-tls")),
        workloads: Vec::new(),
        config_maps: Vec::new(),
        claims: Vec::new(),
        ingress: settings.ingress,
        gateway: settings.gateway.as_ref().map_or_else(
            || PlannedGateway {
                name: DEFAULT_GATEWAY.to_owned(),
                namespace: None,
                section_name: None,
            },
            |gateway| PlannedGateway {
                name: gateway.name.clone(),
                namespace: gateway.namespace.clone(),
                section_name: gateway.section_name.clone(),
            },
        ),
        prometheus_selector: settings.prometheus_selector.clone().unwrap_or_else(|| {
            let (key, value) = DEFAULT_SELECTOR;
            IndexMap::from([(key.to_owned(), value.to_owned())])
        }),
        grafana_datasource_uid: settings
            .grafana_datasource_uid
            .clone()
            .unwrap_or_else(|| DEFAULT_DATASOURCE_UID.to_owned()),
        losses: Vec::new(),
        monitoring: PlannedMonitoring::default(),
        routes: PlannedRoutes::default(),
        workload_index: HashMap::new(),
    };
    workloads::add_workloads(plan, &settings, &mut planned);
    for (index, workload) in planned.workloads.iter().enumerate() {
        planned
            .workload_index
            .entry(workload.service.clone())
            .or_insert(index);
    }
    dependencies::add_waits(plan, &settings, &mut planned);
    monitoring::plan_monitoring(plan, &mut planned);
    routing::plan_routes(plan, &mut planned);
    losses::add_stack_losses(plan, &settings, &mut planned);
    planned
}

/// Whether published ports of `service` stay unpublished because `[ingress]` routes serve it.
fn routed(plan: &Plan, service: &str) -> bool {
    plan.stack
        .ingress
        .as_ref()
        .is_some_and(|ingress| ingress.routes.iter().any(|route| route.service == service))
}

/// The Service type published ports get.
fn published_type(settings: &crate::config::Kubernetes) -> PublishedServiceType {
    settings.published_service_type
}
