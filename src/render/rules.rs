//! `prometheus/rules/<group>.yml`: one file per rule group, holding the
//! group's recording rules first (alerts may read them), then its alerts.

use indexmap::IndexMap;
use serde::Serialize;

use super::OutputFile;
use super::format::yaml_file;
use super::parallel::map_in_order;
use crate::error::Error;
use crate::plan::Plan;

/// The directory of rule files in the bundle.
pub const DIR: &str = "prometheus/rules";

/// Renders one rules file per group (nothing without `[prometheus]`).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    if plan.prometheus.is_none() {
        return Ok(Vec::new());
    }
    let files: Vec<RulesFile> = groups(plan)
        .into_iter()
        .map(|group| RulesFile {
            groups: vec![group],
        })
        .collect();
    map_in_order(&files, |file| {
        Ok(OutputFile::text(
            path(&file.groups[0].name),
            yaml_file(plan, file)?,
        ))
    })
    .into_iter()
    .collect()
}

/// Every rule group of the plan, in the order its rules first name them:
/// each holds the group's recording rules first (alerts may read them),
/// then its alerts. The Kubernetes target writes the same groups as
/// `PrometheusRule` objects.
pub fn groups(plan: &Plan) -> Vec<Group> {
    let mut groups: IndexMap<&str, Vec<Rule>> = IndexMap::new();
    for recording in &plan.recording_rules {
        groups.entry(&recording.group).or_default().push(Rule {
            record: Some(recording.record.clone()),
            alert: None,
            expr: recording.expr.clone(),
            for_: None,
            labels: recording.labels.clone(),
            annotations: IndexMap::new(),
        });
    }
    for alert in &plan.alerts {
        groups.entry(&alert.group).or_default().push(Rule {
            record: None,
            alert: Some(alert.name.clone()),
            expr: alert.expr.clone(),
            for_: alert.for_.clone(),
            labels: alert.rule_labels(),
            annotations: alert.annotations.clone(),
        });
    }
    groups
        .into_iter()
        .map(|(name, rules)| Group {
            name: name.to_owned(),
            rules,
        })
        .collect()
}

/// The bundle path of the rules file of `group`.
pub fn path(group: &str) -> String {
    format!("{DIR}/{group}.yml")
}

#[derive(Serialize)]
struct RulesFile {
    groups: Vec<Group>,
}

/// One rule group, as Prometheus reads it.
#[derive(Debug, Serialize)]
pub struct Group {
    /// The group's name (and file stem).
    pub name: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<String>,
    expr: String,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    for_: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    annotations: IndexMap<String, String>,
}
