//! Grafana: provisioning files for datasources and the dashboard provider,
//! and one JSON file per dashboard (the user's and the automatic ones).

mod auto;
mod dashboards;
pub mod layout;
pub mod model;
mod provisioning;
mod uid;

pub use auto::auto_dashboards;
pub use dashboards::{PROMETHEUS, dashboard_json};
pub use provisioning::{DATASOURCES_PATH, PROVIDERS_PATH, datasource_uids};
pub use uid::{MAX_UID_LEN, dashboard_uid, slug, uid_problem};

use super::OutputFile;
use super::format::to_json;
use crate::config::{Dashboard, Stack};
use crate::error::Error;
use crate::plan::Plan;

/// Where the dashboards directory is mounted in the Grafana container.
pub const DASHBOARDS_MOUNT: &str = "/etc/grafana/dashboards";

/// Every dashboard of the stack: the user's first, then the automatic ones.
pub fn all_dashboards(stack: &Stack) -> Vec<Dashboard> {
    let mut all = stack.dashboards.clone();
    all.extend(auto_dashboards(stack));
    all
}

/// Renders the provisioning files and `grafana/dashboards/<uid>.json`
/// (nothing without a `[grafana]` section).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    if plan.stack.grafana.is_none() {
        return Ok(Vec::new());
    }
    let mut files = provisioning::render(plan)?;
    for dashboard in all_dashboards(&plan.stack) {
        let json = dashboard_json(&dashboard);
        files.push(OutputFile::text(
            format!("grafana/dashboards/{}.json", json.uid),
            to_json(&json)?,
        ));
    }
    Ok(files)
}
