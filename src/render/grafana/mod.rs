//! Grafana: provisioning files for datasources and the dashboard provider,
//! and one JSON file per dashboard of the plan (the user's and the built-in
//! ones, see [`crate::plan::dashboards`]).

mod dashboards;
pub mod layout;
pub mod model;
mod provisioning;

pub use dashboards::{PROMETHEUS_UID, dashboard_json};
pub use provisioning::{DATASOURCES_PATH, PROVIDERS_PATH};

use super::OutputFile;
use super::format::to_json;
use crate::error::Error;
use crate::plan::Plan;

/// Renders the provisioning files and `grafana/dashboards/<uid>.json`
/// (nothing without a `[grafana]` section).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(grafana) = &plan.grafana else {
        return Ok(Vec::new());
    };
    let mut files = provisioning::render(plan, grafana)?;
    for planned in &plan.dashboards {
        let json = dashboard_json(planned, PROMETHEUS_UID);
        files.push(OutputFile::text(
            format!("grafana/dashboards/{}.json", json.uid),
            to_json(&json)?,
        ));
    }
    Ok(files)
}
