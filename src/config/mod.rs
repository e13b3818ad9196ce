//! The serde model of `stack.toml`: what users write, before any checking.
//!
//! Every struct denies unknown keys and every field carries a doc comment, so
//! the JSON Schema generated from these types documents the file format.

mod alerting;
mod dashboards;
pub mod exact;
mod ingress;
mod kubernetes;
pub mod label_examples;
mod logs;
mod monitoring;
mod mount;
mod port;
mod service;
mod shared;
mod slo;
mod slo_series;
mod slo_windows;
mod table;
mod user;

pub use alerting::{
    AlertRule, AlertTest, AlertTestAlert, AlertTestSeries, Alertmanager, DeadMansSwitch,
    InhibitRule, LibraryAlerts, MatcherRoute, PagerdutyTarget, Receiver, RecordingRule, Severity,
    SeverityRoute, SeverityRoutes, SlackTarget, Smtp, TeamRoute, WebhookTarget,
};
pub use dashboards::{Dashboard, Panel, PanelKind, Query, Row, Variable};
pub use ingress::{Balance, Ingress, IngressRoute, RateLimit, RouteAuth, RouteKind, Tls};
pub use kubernetes::{
    GatewayRef, IngressFlavour, Kubernetes, PublishedServiceType, Target, Targets,
};
pub use logs::{
    Alloy, DEFAULT_ALLOY_VERSION, DEFAULT_HOST_LOGS, DEFAULT_LOG_RETENTION, DEFAULT_LOKI_VERSION,
    GENERATED_LOG_LABELS, HostLogs, Logs, Loki, LokiProbe, ServiceLogSettings, ServiceLogs,
    alloy_release, loki_release,
};
pub use monitoring::{DEFAULT_INTERVAL_MS, DEFAULT_RETENTION, ExtraScrape, Grafana, Prometheus};
pub use mount::{Mount, MountSource, ResolvedMount};
pub use port::{BindAddress, Port, check_address};
pub use service::{
    Build, DependsCondition, DependsOn, DependsOnEntry, DependsOnTable, EnvValue, Exporter,
    ExporterSettings, Healthcheck, HttpTool, LimitValue, Metrics, PortMapping, PortSpec, Protocol,
    Replicas, Reservations, Resources, RestartPolicy, Retries, Service, ServiceFile, ServiceKind,
    Ulimit, UlimitPair, Ulimits, VolumeMount, VolumeMountLong, env_file_bundle_path,
};
pub use shared::SharedStack;
pub use slo::{
    AlertTier, AlertTierSettings, BucketBound, DEFAULT_PERIOD, LatencySli, Objective, RatioSli,
    Selector, SelectorShape, SeriesSelector, Slo, SloAlerting,
};
pub use slo_series::{EventShare, SliSeries};
pub use slo_windows::{BurnTier, BurnWindow, BurnWindows, burn_windows, prometheus_duration};
pub use table::Table;
pub use user::User;

pub use crate::syntax::{
    ByteSize, ContainerName, Cpus, DockerLabelKey, Duration, EnvName, LabelName, SecretRef,
    parse_duration_millis,
};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole stack: services, monitoring, alerting, ingress and dashboards.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Stack {
    /// Stack-wide metadata.
    pub stack: StackMeta,
    /// The services of the stack, keyed by name. A name becomes the compose
    /// service name, the DNS name on the network and part of file names.
    #[serde(default)]
    pub services: IndexMap<String, Service>,
    /// Named volumes, keyed by name.
    #[serde(default)]
    pub volumes: IndexMap<String, NamedVolume>,
    /// Networks, keyed by name. Without any, one network named after the stack is created.
    #[serde(default)]
    pub networks: IndexMap<String, Network>,
    /// The Prometheus server: scrape settings, retention, external labels.
    #[serde(default)]
    pub prometheus: Option<Prometheus>,
    /// Alertmanager: receivers, severity and team routing, inhibit rules.
    #[serde(default)]
    pub alertmanager: Option<Alertmanager>,
    /// Grafana: datasources are provisioned from the stack, dashboards from `[[dashboards]]`.
    #[serde(default)]
    pub grafana: Option<Grafana>,
    /// The nginx reverse proxy / load balancer in front of the services.
    #[serde(default)]
    pub ingress: Option<Ingress>,
    /// Logs: Loki stores every container's output, Alloy collects it from the
    /// Docker socket, Grafana reads it.
    #[serde(default)]
    pub logs: Option<Logs>,
    /// What only a Kubernetes cluster needs (namespace, Gateway, storage, the
    /// labels kube-prometheus-stack selects by), for the `kubernetes` target.
    #[serde(default)]
    pub kubernetes: Option<Kubernetes>,
    /// Your own alerting rules, written to `prometheus/rules/`.
    #[serde(default)]
    pub alerts: Vec<AlertRule>,
    /// Recording rules, for expressions that dashboards and alerts share.
    #[serde(default)]
    pub recording_rules: Vec<RecordingRule>,
    /// Grafana dashboards, written to `grafana/dashboards/`.
    #[serde(default)]
    pub dashboards: Vec<Dashboard>,
    /// Service level objectives: each gets Sloth-compatible recording rules,
    /// multi-window multi-burn-rate alerts with promtool tests, and a dashboard.
    #[serde(default)]
    pub slos: Vec<Slo>,
    /// Per-environment overlays (`[env.production]`), merged over the base with `--env`.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, serde_json::Map<String, serde_json::Value>>")]
    pub env: IndexMap<String, toml::Table>,
}

/// Stack-wide metadata.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StackMeta {
    /// The stack's name: the compose project name and a label on every metric.
    pub name: String,
    /// One line on what the stack is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The environment this rendering targets (`production`, `staging`, `dev`).
    #[serde(default)]
    pub environment: Option<String>,
    /// The cluster name, added to Prometheus `external_labels`.
    #[serde(default)]
    pub cluster: Option<String>,
    /// What `stackgen render` and `check` write when `--target` is not given:
    /// `["compose"]` (the default), `["kubernetes"]` or both.
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A named volume.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NamedVolume {
    /// The volume driver (`local` when unset).
    #[serde(default)]
    pub driver: Option<String>,
    /// Labels on the volume, keyed by Docker label keys.
    #[serde(default)]
    pub labels: IndexMap<DockerLabelKey, String>,
}

/// A network.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Network {
    /// The network driver (`bridge` when unset).
    #[serde(default)]
    pub driver: Option<String>,
    /// An internal network has no route to the outside world.
    #[serde(default)]
    pub internal: bool,
}
