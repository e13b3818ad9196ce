//! `prometheus/tests/<group>.test.yml`: promtool unit tests for every rule
//! group with tested alerts. Each built-in rule has a case where it fires and
//! one where it stays quiet, both on the first job of its group (the rules
//! are the same for every job); users' `[[alerts.tests]]` follow theirs.
//! Each file loads its own group's rules and the groups recording the series
//! its alerts read (followed through recording rules that read other recorded
//! series), so an alert that reads a recorded series is tested against it.
//! Run with `promtool test rules prometheus/tests/*.test.yml`.

use std::collections::{HashMap, HashSet, VecDeque};

use indexmap::IndexMap;
use serde::Serialize;

use super::OutputFile;
use super::format::yaml_file;
use super::parallel::map_in_order;
use crate::error::Error;
use crate::plan::Plan;

/// The directory of test files in the bundle.
pub const DIR: &str = "prometheus/tests";

/// Renders one test file per rule group that has tests.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    if plan.prometheus.is_none() {
        return Ok(Vec::new());
    }
    let files = test_files(plan, |group| format!("../rules/{group}.yml"));
    map_in_order(&files, |(group, file)| {
        Ok(OutputFile::text(
            format!("{DIR}/{group}.test.yml"),
            yaml_file(plan, file)?,
        ))
    })
    .into_iter()
    .collect()
}

/// The promtool test file of every rule group with tests, keyed by group:
/// each loads its own group's rules and the groups recording what its
/// alerts read, from the paths `rule_file` gives (relative to the test
/// file). The Kubernetes target points them at its `PrometheusRule`s.
pub fn test_files(plan: &Plan, rule_file: impl Fn(&str) -> String) -> Vec<(&str, TestFile)> {
    let mut groups: IndexMap<&str, Vec<TestCase>> = IndexMap::new();
    for alert in &plan.alerts {
        for test in &alert.tests {
            groups.entry(&alert.group).or_default().push(TestCase {
                interval: test.interval.clone(),
                input_series: test
                    .series
                    .iter()
                    .map(|(series, values)| InputSeries {
                        series: series.clone(),
                        values: values.clone(),
                    })
                    .collect(),
                alert_rule_test: vec![AlertRuleTest {
                    eval_time: test.eval_time.clone(),
                    alertname: alert.name.clone(),
                    exp_alerts: test
                        .expected
                        .iter()
                        .map(|expected| ExpectedAlert {
                            exp_labels: expected.labels.clone(),
                            exp_annotations: expected.annotations.clone(),
                        })
                        .collect(),
                }],
            });
        }
    }
    let recorders = Recorders::of(plan);
    let mut exprs_by_group: HashMap<&str, Vec<&str>> = HashMap::new();
    for alert in &plan.alerts {
        exprs_by_group
            .entry(&alert.group)
            .or_default()
            .push(&alert.expr);
    }
    groups
        .into_iter()
        .map(|(group, tests)| {
            // The alert's own group, then the groups recording what its alerts
            // read; paths are relative to the test file, as promtool resolves them.
            let exprs = exprs_by_group.get(group).into_iter().flatten().copied();
            let rule_files = std::iter::once(group)
                .chain(recorders.groups_read_by(group, exprs))
                .map(&rule_file)
                .collect();
            let file = TestFile {
                rule_files,
                evaluation_interval: "1m".to_owned(),
                tests,
            };
            (group, file)
        })
        .collect()
}

/// Which groups record each recorded series, and what each of their
/// recordings of it reads.
struct Recorders<'a> {
    by_record: HashMap<&'a str, IndexMap<&'a str, Vec<&'a str>>>,
}

impl<'a> Recorders<'a> {
    fn of(plan: &'a Plan) -> Self {
        let mut by_record: HashMap<&str, IndexMap<&str, Vec<&str>>> = HashMap::new();
        for recording in &plan.recording_rules {
            by_record
                .entry(recording.record.as_str())
                .or_default()
                .entry(recording.group.as_str())
                .or_default()
                .push(recording.expr.as_str());
        }
        Self { by_record }
    }

    /// The groups recording any series the expressions of `own` group read,
    /// directly or through other recordings, in first-seen order. A series the
    /// own group records is taken from there alone (each `app` library group,
    /// shared or of one service's own, records its jobs' series under shared
    /// names such as `job:http_requests:rate5m`); others come from every
    /// group recording them.
    fn groups_read_by(&self, own: &'a str, exprs: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut pending: VecDeque<&str> = exprs.collect();
        let mut seen_records: HashSet<&str> = HashSet::new();
        let mut seen_groups: HashSet<&str> = HashSet::from([own]);
        let mut groups: Vec<&str> = Vec::new();
        while let Some(expr) = pending.pop_front() {
            for name in identifiers(expr) {
                let Some(recorders) = self.by_record.get(name) else {
                    continue;
                };
                if !seen_records.insert(name) {
                    continue;
                }
                if let Some(own_exprs) = recorders.get(own) {
                    pending.extend(own_exprs);
                    continue;
                }
                for (group, recording_exprs) in recorders {
                    if seen_groups.insert(group) {
                        groups.push(group);
                    }
                    pending.extend(recording_exprs);
                }
            }
        }
        groups
    }
}

/// Every identifier-like token of a `PromQL` expression (metric and recorded
/// series names among them; label names and functions are harmless extras).
fn identifiers(expr: &str) -> impl Iterator<Item = &str> {
    expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|token| {
            token.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
        })
}

/// A promtool test file.
#[derive(Serialize)]
pub struct TestFile {
    rule_files: Vec<String>,
    evaluation_interval: String,
    tests: Vec<TestCase>,
}

#[derive(Serialize)]
struct TestCase {
    interval: String,
    input_series: Vec<InputSeries>,
    alert_rule_test: Vec<AlertRuleTest>,
}

#[derive(Serialize)]
struct InputSeries {
    series: String,
    values: String,
}

#[derive(Serialize)]
struct AlertRuleTest {
    eval_time: String,
    alertname: String,
    exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Serialize)]
struct ExpectedAlert {
    exp_labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    exp_annotations: IndexMap<String, String>,
}
