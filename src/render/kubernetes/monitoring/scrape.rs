//! `ServiceMonitor`s and `Probe`s: what Prometheus scrapes and probes.

use indexmap::IndexMap;

use super::super::crd::LabelSelector;
use super::super::crd::monitoring::{
    Endpoint, Probe, ProbeSpec, ProbeTargets, Prober, RelabelConfig, ServiceMonitor,
    ServiceMonitorSpec, StaticConfig,
};
use super::super::{Files, kubernetes_plan};
use super::{DIR, monitoring_metadata};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::kubernetes::{PlannedBlackboxProbe, PlannedServiceMonitor};
use crate::plan::prometheus::TargetLabels;

/// The Service label prometheus-operator keeps the Service's name in
/// before relabeling.
const SERVICE_NAME_META: &str = "__meta_kubernetes_service_name";

/// Renders `servicemonitors.yaml` and `probes.yaml`, each when it has objects.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let monitoring = &kubernetes_plan(plan)?.monitoring;
    let mut files = Files::default();
    if !monitoring.service_monitors.is_empty() {
        let monitors = monitoring
            .service_monitors
            .iter()
            .map(|planned| service_monitor(plan, planned))
            .collect::<Result<Vec<_>, Error>>()?;
        files.manifest(plan, &format!("{DIR}/servicemonitors.yaml"), &monitors)?;
    }
    if !monitoring.probes.is_empty() {
        let probes = monitoring
            .probes
            .iter()
            .map(|planned| probe(plan, planned))
            .collect::<Result<Vec<_>, Error>>()?;
        files.manifest(plan, &format!("{DIR}/probes.yaml"), &probes)?;
    }
    Ok(files)
}

/// One workload's monitor: its Service port by name, and relabelings that
/// keep only that Service (its `-public` twin has the same labels) and set
/// the `service` and `team` target labels.
fn service_monitor(plan: &Plan, planned: &PlannedServiceMonitor) -> Result<ServiceMonitor, Error> {
    let mut relabelings = vec![RelabelConfig::keep(SERVICE_NAME_META, &planned.name)];
    relabelings.extend(target_relabelings(&planned.target_labels));
    Ok(ServiceMonitor::new(
        monitoring_metadata(plan, &planned.name)?,
        ServiceMonitorSpec {
            selector: LabelSelector {
                match_labels: planned.selector.clone(),
            },
            endpoints: vec![Endpoint {
                port: planned.port.clone(),
                path: planned.path.clone(),
                scheme: planned.scheme.clone(),
                interval: planned.interval.as_ref().map(ToString::to_string),
                scrape_timeout: planned.timeout.as_ref().map(ToString::to_string),
                honor_labels: planned.honor_labels,
                relabelings,
            }],
        },
    ))
}

fn probe(plan: &Plan, planned: &PlannedBlackboxProbe) -> Result<Probe, Error> {
    Ok(Probe::new(
        monitoring_metadata(plan, &planned.name)?,
        ProbeSpec {
            job_name: planned.job.clone(),
            module: planned.module.clone(),
            prober: Prober {
                url: planned.prober.clone(),
                path: "/probe".to_owned(),
                scheme: "http".to_owned(),
            },
            targets: ProbeTargets {
                static_config: StaticConfig {
                    targets: planned.targets.clone(),
                    labels: IndexMap::from([
                        ("service".to_owned(), planned.target_labels.service.clone()),
                        ("team".to_owned(), planned.target_labels.team.clone()),
                    ]),
                },
            },
        },
    ))
}

/// Relabelings that set the `service` and `team` labels (after the
/// operator's own, which set `service` to the Service's name).
fn target_relabelings(labels: &TargetLabels) -> [RelabelConfig; 2] {
    [
        RelabelConfig::set("service", &labels.service),
        RelabelConfig::set("team", &labels.team),
    ]
}
