//! The monitoring objects of the Kubernetes target, in `k8s/monitoring/`:
//! the plan's [`PlannedMonitoring`](crate::plan::kubernetes::PlannedMonitoring)
//! mapped onto prometheus-operator's kinds and Grafana's sidecar `ConfigMaps`.
//!
//! | file | objects |
//! | --- | --- |
//! | `servicemonitors.yaml` | a `ServiceMonitor` per scraped workload |
//! | `rules/<group>.yaml` | the `PrometheusRule` of each rule group |
//! | `tests/<group>.test.yml` | its promtool tests (not a manifest) |
//! | `probes.yaml` | a `Probe` per probed service |
//! | `alertmanager-config.yaml` | the `AlertmanagerConfig` |
//! | `dashboards.yaml` | a `ConfigMap` per Grafana dashboard |

mod alerting;
mod dashboards;
mod rules;
mod scrape;

use super::crd::ObjectMeta;
use super::objects::metadata;
use super::{Files, kubernetes_plan};
use crate::error::Error;
use crate::plan::Plan;

/// The folder of the monitoring files inside `k8s/`.
pub const DIR: &str = "monitoring";

/// Renders every monitoring file the plan asks for.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let mut files = Files::default();
    files.append(scrape::render(plan)?);
    files.append(rules::render(plan)?);
    files.append(alerting::render(plan)?);
    files.append(dashboards::render(plan)?);
    Ok(files)
}

/// The metadata of a monitoring object: its name, the namespace and the
/// labels that make the operator's Prometheus select it.
fn monitoring_metadata(plan: &Plan, name: &str) -> Result<ObjectMeta, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    Ok(metadata(
        name,
        &kubernetes.namespace,
        &kubernetes.monitoring.labels,
    ))
}
