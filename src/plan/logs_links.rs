//! What `[logs]` links to the lines Alloy collects, each labelled with its
//! `service`, decided once every service and alert is planned. The texts are
//! data, `templates/logs/links.toml`.
//!
//! - The built-in overview dashboard ends with a row of logs panels, one per
//!   service whose lines Alloy collects (those with `logs = false` have
//!   none), in the `[[dashboards]]` syntax, `[[ service ]]` standing for the
//!   service's name.
//! - A panel's `logs` query is its "Logs" link to Explore. The built-in
//!   dashboards' links read the `service` label of Alloy's lines, so they
//!   stay only with `[logs]`; a stack's own dashboards keep theirs when there
//!   is a Loki datasource to open them on.
//! - Each built-in alert whose series carry the `service` target label, on
//!   services that are all collected, gets a `logs` annotation: the query of
//!   its service's lines (an alert does not know Grafana's address, so the
//!   annotation is the query to open in Explore, not a link).

use std::sync::OnceLock;

use minijinja::Template;
use serde::Deserialize;

use super::Plan;
use super::alerts::AlertOrigin;
use crate::config::{Panel, Query, Row};
use crate::error::Error;
use crate::templates;

/// The links file, under `templates/`.
const FILE: &str = "logs/links.toml";

/// Adds the overview's logs row and drops the logs links no Loki can answer.
pub fn add_to_dashboards(plan: &mut Plan) -> Result<(), Error> {
    let has_loki = plan.loki_url.is_some();
    let collected = plan.logs.is_some();
    for planned in &mut plan.dashboards {
        if !(if planned.builtin { collected } else { has_loki }) {
            for panel in planned
                .dashboard
                .rows
                .iter_mut()
                .flat_map(|row| row.panels.iter_mut())
            {
                panel.logs = None;
            }
        }
    }
    let Some(logs) = &plan.logs else {
        return Ok(());
    };
    let file = &links_file()?.overview;
    let Some(overview) = plan
        .dashboards
        .iter_mut()
        .find(|planned| planned.builtin && planned.uid == file.dashboard)
    else {
        return Ok(());
    };
    let stack = &plan.stack.stack.name;
    let panels = file
        .row
        .panels
        .iter()
        .map(PanelTemplate::compile)
        .collect::<Result<Vec<_>, Error>>()?;
    let mut row = Row {
        title: file.row.title.clone(),
        panels: Vec::with_capacity(panels.len() * logs.collection.services.len()),
    };
    for collected in &logs.collection.services {
        let context = minijinja::context! { stack, service => &collected.service };
        for panel in &panels {
            row.panels.push(panel.fill(&context)?);
        }
    }
    overview.dashboard.rows.push(row);
    Ok(())
}

/// Adds the `logs` annotation to the built-in alerts of collected services,
/// and to the alerts their promtool tests expect.
pub fn add_to_alerts(plan: &mut Plan) -> Result<(), Error> {
    let Some(logs) = &plan.logs else {
        return Ok(());
    };
    let annotation = &links_file()?.alerts;
    let collected = |service: &str| {
        logs.collection
            .services
            .iter()
            .any(|collected| collected.service == service)
    };
    for alert in &mut plan.alerts {
        let AlertOrigin::Library { members } = &alert.origin else {
            continue;
        };
        if members.is_empty() || !members.iter().all(|member| collected(&member.service)) {
            continue;
        }
        alert
            .annotations
            .insert(annotation.annotation.clone(), annotation.text.clone());
        let mut tests = std::mem::take(&mut alert.tests);
        for expected in tests.iter_mut().flat_map(|test| &mut test.expected) {
            expected.annotations =
                alert
                    .expanded_annotations(&expected.labels)
                    .ok_or_else(|| {
                        Error::Bug(format!(
                            "{FILE}: the annotation of {} cannot be expanded in its test",
                            alert.name
                        ))
                    })?;
        }
        alert.tests = tests;
    }
    Ok(())
}

/// The links file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksFile {
    /// The overview's logs row.
    overview: OverviewRow,
    /// The built-in alerts' annotation.
    alerts: AlertAnnotation,
}

/// The row the overview dashboard ends with.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverviewRow {
    /// The uid of the built-in dashboard that gets the row.
    dashboard: String,
    /// The row, its panels repeated per collected service.
    row: Row,
}

/// The annotation of the built-in alerts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertAnnotation {
    /// Its name.
    annotation: String,
    /// Its text, a Prometheus template over the alert's labels.
    text: String,
}

/// The links file, parsed once per process.
fn links_file() -> Result<&'static LinksFile, Error> {
    static PARSED: OnceLock<Result<LinksFile, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            let text = templates::file(FILE).map_err(|e| e.to_string())?;
            toml::from_str(text).map_err(|e| format!("{FILE}: {e}"))
        })
        .as_ref()
        .map_err(|message| Error::Bug(message.clone()))
}

/// A panel of the row with its texts compiled, filled once per service.
struct PanelTemplate {
    panel: &'static Panel,
    title: Template<'static, 'static>,
    exprs: Vec<Template<'static, 'static>>,
}

impl PanelTemplate {
    fn compile(panel: &'static Panel) -> Result<Self, Error> {
        let environment = templates::bracket_environment()?;
        let compile = |text: &'static str| {
            environment
                .template_from_str(text)
                .map_err(|e| Error::Bug(format!("{FILE}: {e:#}")))
        };
        Ok(Self {
            panel,
            title: compile(&panel.title)?,
            exprs: panel
                .queries
                .iter()
                .map(|query| compile(&query.expr))
                .collect::<Result<_, _>>()?,
        })
    }

    fn fill(&self, context: &minijinja::Value) -> Result<Panel, Error> {
        let render = |template: &Template<'_, '_>| {
            template
                .render(context)
                .map_err(|e| Error::Bug(format!("{FILE}: {e:#}")))
        };
        let queries = self
            .panel
            .queries
            .iter()
            .zip(&self.exprs)
            .map(|(query, expr)| {
                Ok(Query {
                    expr: render(expr)?,
                    legend: query.legend.clone(),
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Panel {
            title: render(&self.title)?,
            queries,
            ..self.panel.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::PanelKind;
    use crate::load::load_str;
    use crate::plan::Plan;
    use crate::plan::alerts::AlertOrigin;

    const STACK: &str = r#"
[stack]
name = "shop"
[services.api]
image = "api:1"
expose = [8000]
metrics = { path = "/metrics" }
[services.batch]
image = "batch:1"
expose = [9000]
logs = false
[prometheus]
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
"#;

    fn planned(extra: &str) -> Plan {
        crate::plan::plan(&load_str("shop.toml", &format!("{STACK}{extra}")).expect("loads"))
    }

    fn dashboard<'a>(plan: &'a Plan, uid: &str) -> &'a crate::config::Dashboard {
        &plan
            .dashboards
            .iter()
            .find(|d| d.uid == uid)
            .expect("dashboard")
            .dashboard
    }

    #[test]
    fn the_overview_gets_a_logs_panel_per_collected_service() {
        let plan = planned("[logs]\n");
        let overview = dashboard(&plan, "stack-overview");
        let row = overview.rows.last().expect("row");
        assert_eq!(row.title, "Logs");
        let panels: Vec<(&str, &str)> = row
            .panels
            .iter()
            .map(|p| (p.title.as_str(), p.queries[0].expr.as_str()))
            .collect();
        assert_eq!(panels[0], ("api logs", r#"{service="api"}"#));
        assert!(!panels.iter().any(|(title, _)| title.starts_with("batch")));
        let collected = &plan.logs.as_ref().expect("logs").collection.services;
        assert_eq!(panels.len(), collected.len());
        assert!(row.panels.iter().all(|p| p.kind == PanelKind::Logs));
    }

    #[test]
    fn built_in_links_to_logs_need_the_logs_section() {
        let links = |plan: &Plan| {
            dashboard(plan, "services-red")
                .rows
                .iter()
                .flat_map(|row| &row.panels)
                .filter(|panel| panel.logs.is_some())
                .count()
        };
        assert!(links(&planned("[logs]\n")) > 0);
        let without = planned("");
        assert_eq!(links(&without), 0);
        let overview = dashboard(&without, "stack-overview");
        assert!(!overview.rows.iter().any(|row| row.title == "Logs"));
    }

    #[test]
    fn a_stacks_own_links_stay_with_a_loki_datasource() {
        let own = r#"
[[dashboards]]
title = "Mine"
[[dashboards.rows]]
title = "Traffic"
[[dashboards.rows.panels]]
title = "Up"
queries = [{ expr = "up" }]
logs = '{service="${__field.labels.service}"}'
"#;
        let link = |plan: &Plan| dashboard(plan, "mine").rows[0].panels[0].logs.clone();
        assert_eq!(link(&planned(own)), None);
        let loki = "[services.logstore]\nimage = \"grafana/loki:2.9.4\"\nkind = \"loki\"\nexpose = [3100]\n";
        assert_eq!(
            link(&planned(&format!("{loki}{own}"))).as_deref(),
            Some(r#"{service="${__field.labels.service}"}"#)
        );
    }

    #[test]
    fn built_in_alerts_of_collected_services_name_their_lines() {
        let plan = planned("[logs]\n");
        let library: Vec<_> = plan
            .alerts
            .iter()
            .filter(|alert| matches!(&alert.origin, AlertOrigin::Library { members } if !members.is_empty()))
            .collect();
        assert!(!library.is_empty());
        for alert in library {
            assert_eq!(
                alert.annotations["logs"],
                r#"{service="{{ $labels.service }}"}"#
            );
            let expected = &alert.tests[0].expected[0];
            let service = &expected.labels["service"];
            assert_eq!(
                expected.annotations["logs"],
                format!(r#"{{service="{service}"}}"#),
                "{}",
                alert.name
            );
        }
        let opted_out = planned("[logs]\n[services.batch.metrics]\npath = \"/metrics\"\n");
        let targets: Vec<_> = opted_out
            .alerts
            .iter()
            .filter(|alert| alert.name == "TargetDown")
            .collect();
        assert!(!targets.is_empty());
        assert!(
            targets
                .iter()
                .all(|alert| !alert.annotations.contains_key("logs")),
            "{targets:#?}"
        );
        assert!(
            planned("")
                .alerts
                .iter()
                .all(|alert| !alert.annotations.contains_key("logs"))
        );
    }
}
