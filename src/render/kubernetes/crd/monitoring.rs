//! prometheus-operator's `monitoring.coreos.com/v1` kinds: `ServiceMonitor`,
//! `PrometheusRule` and `Probe`.

use indexmap::IndexMap;
use serde::Serialize;

use super::{LabelSelector, ObjectMeta};

/// The API version of the three kinds.
pub const API_VERSION: &str = "monitoring.coreos.com/v1";

/// Scrape configuration for the endpoints of Services.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitor {
    /// [`API_VERSION`].
    pub api_version: &'static str,
    /// `ServiceMonitor`.
    pub kind: &'static str,
    /// Name and labels.
    pub metadata: ObjectMeta,
    /// What to scrape.
    pub spec: ServiceMonitorSpec,
}

impl ServiceMonitor {
    /// A `ServiceMonitor` with this metadata and spec.
    pub fn new(metadata: ObjectMeta, spec: ServiceMonitorSpec) -> Self {
        Self {
            api_version: API_VERSION,
            kind: "ServiceMonitor",
            metadata,
            spec,
        }
    }
}

/// The spec of a [`ServiceMonitor`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// The Services scraped (in the monitor's namespace).
    pub selector: LabelSelector,
    /// Their ports, by name.
    pub endpoints: Vec<Endpoint>,
}

/// One scraped port of the selected Services.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The Service port's name.
    pub port: String,
    /// The metrics path.
    pub path: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The scrape interval (Prometheus' global one when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// The scrape timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<String>,
    /// Whether the scraped series' own labels win over the target's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub honor_labels: bool,
    /// Relabelings applied after the operator's own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relabelings: Vec<RelabelConfig>,
}

/// A relabeling: a fixed value for a target label, or a filter on one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelabelConfig {
    /// The labels read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_labels: Vec<String>,
    /// The regex their values must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// The label set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    /// Its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// `replace` or `keep`.
    pub action: &'static str,
}

impl RelabelConfig {
    /// Sets `label` to `value` on every target.
    pub fn set(label: &str, value: &str) -> Self {
        Self {
            source_labels: Vec::new(),
            regex: None,
            target_label: Some(label.to_owned()),
            replacement: Some(value.to_owned()),
            action: "replace",
        }
    }

    /// Keeps only the targets whose `label` matches `regex` in full.
    pub fn keep(label: &str, regex: &str) -> Self {
        Self {
            source_labels: vec![label.to_owned()],
            regex: Some(regex.to_owned()),
            target_label: None,
            replacement: None,
            action: "keep",
        }
    }
}

/// Recording and alerting rules, in Prometheus' rule-group format.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule<G> {
    /// [`API_VERSION`].
    pub api_version: &'static str,
    /// `PrometheusRule`.
    pub kind: &'static str,
    /// Name and labels.
    pub metadata: ObjectMeta,
    /// The groups.
    pub spec: PrometheusRuleSpec<G>,
}

impl<G> PrometheusRule<G> {
    /// A `PrometheusRule` holding `groups`.
    pub fn new(metadata: ObjectMeta, groups: Vec<G>) -> Self {
        Self {
            api_version: API_VERSION,
            kind: "PrometheusRule",
            metadata,
            spec: PrometheusRuleSpec { groups },
        }
    }
}

/// The spec of a [`PrometheusRule`]: rule groups exactly as in a
/// Prometheus rules file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrometheusRuleSpec<G> {
    /// The groups.
    pub groups: Vec<G>,
}

/// Static targets probed through a prober (the blackbox exporter).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// [`API_VERSION`].
    pub api_version: &'static str,
    /// `Probe`.
    pub kind: &'static str,
    /// Name and labels.
    pub metadata: ObjectMeta,
    /// The prober and targets.
    pub spec: ProbeSpec,
}

impl Probe {
    /// A `Probe` with this metadata and spec.
    pub fn new(metadata: ObjectMeta, spec: ProbeSpec) -> Self {
        Self {
            api_version: API_VERSION,
            kind: "Probe",
            metadata,
            spec,
        }
    }
}

/// The spec of a [`Probe`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeSpec {
    /// The `job` label of the probe's series.
    pub job_name: String,
    /// The prober's module.
    pub module: String,
    /// Where the prober listens.
    pub prober: Prober,
    /// What it probes.
    pub targets: ProbeTargets,
}

/// The prober's address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prober {
    /// `host:port`.
    pub url: String,
    /// The probe path (`/probe`).
    pub path: String,
    /// `http`.
    pub scheme: String,
}

/// The targets of a [`Probe`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeTargets {
    /// A fixed list of URLs.
    pub static_config: StaticConfig,
}

/// Fixed probe targets and the labels their series carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaticConfig {
    /// The URLs.
    #[serde(rename = "static")]
    pub targets: Vec<String>,
    /// Labels added to every target.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
}
