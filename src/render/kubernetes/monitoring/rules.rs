//! `PrometheusRule`s, one per rule group (the groups of
//! `prometheus/rules/`, built by the same code), and their promtool tests,
//! which load the `PrometheusRule` files themselves.

use super::super::crd::monitoring::PrometheusRule;
use super::super::{Files, kubernetes_plan};
use super::{DIR, monitoring_metadata};
use crate::error::Error;
use crate::plan::Plan;
use crate::render::format::yaml_file;
use crate::render::{OutputFile, rule_tests, rules};

/// Renders `rules/<group>.yaml` per group and `tests/<group>.test.yml`
/// per group with tests.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let monitoring = &kubernetes_plan(plan)?.monitoring;
    if monitoring.rule_groups.is_empty() {
        return Ok(Files::default());
    }
    let mut files = Files::default();
    for group in rules::groups(plan) {
        if !monitoring.rule_groups.contains(&group.name) {
            return Err(Error::Bug(format!(
                "rule group {} has no PrometheusRule in the plan",
                group.name
            )));
        }
        let name = group.name.clone();
        let rule = PrometheusRule::new(monitoring_metadata(plan, &name)?, vec![group]);
        files.manifest(plan, &rule_path(&name), &[rule])?;
    }
    for (group, tests) in rule_tests::test_files(plan, |g| format!("../rules/{g}.yaml")) {
        files.push(OutputFile::text(
            format!("{}/{DIR}/tests/{group}.test.yml", super::super::DIR),
            yaml_file(plan, &tests)?,
        ));
    }
    Ok(files)
}

/// The path of a group's `PrometheusRule` inside `k8s/`.
fn rule_path(group: &str) -> String {
    format!("{DIR}/rules/{group}.yaml")
}
