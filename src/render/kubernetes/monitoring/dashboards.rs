//! Grafana dashboards as `ConfigMaps` labelled `grafana_dashboard: "1"`,
//! which the Grafana sidecar of kube-prometheus-stack loads; each holds
//! the dashboard's JSON under `<uid>.json`, querying the planned
//! Prometheus datasource uid.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;

use super::super::{Files, kubernetes_plan};
use super::DIR;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::kubernetes::DASHBOARD_LABEL;
use crate::render::format::to_json;
use crate::render::grafana::dashboard_json;

/// Renders `dashboards.yaml` when the plan has dashboards.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let monitoring = &kubernetes.monitoring;
    if monitoring.dashboards.is_empty() {
        return Ok(Files::default());
    }
    let mut maps = Vec::new();
    for planned in &monitoring.dashboards {
        let dashboard = plan
            .dashboards
            .get(planned.index)
            .ok_or_else(|| Error::Bug(format!("dashboard {} is not in the plan", planned.name)))?;
        let json = to_json(&dashboard_json(dashboard, &monitoring.datasource_uid))?;
        let mut labels = kubernetes.common_labels.clone();
        labels.insert(DASHBOARD_LABEL.to_owned(), "1".to_owned());
        maps.push(ConfigMap {
            metadata: super::super::objects::metadata(
                &planned.name,
                &kubernetes.namespace,
                &labels,
            ),
            data: Some(BTreeMap::from([(planned.key.clone(), json)])),
            ..ConfigMap::default()
        });
    }
    let mut files = Files::default();
    files.manifest(plan, &format!("{DIR}/dashboards.yaml"), &maps)?;
    Ok(files)
}
