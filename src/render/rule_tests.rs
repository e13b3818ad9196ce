//! `prometheus/tests/<group>.test.yml`: promtool unit tests for every rule
//! group with tested alerts. Each built-in rule has a case where it fires and
//! one where it stays quiet; users' `[[alerts.tests]]` follow theirs.
//! Each file loads its own group's rules and every group holding recording
//! rules, so an alert that reads a recorded series is tested against it.
//! Run with `promtool test rules prometheus/tests/*.test.yml`.

use indexmap::IndexMap;
use serde::Serialize;

use super::OutputFile;
use super::format::yaml_file;
use crate::error::Error;
use crate::plan::Plan;

/// The directory of test files in the bundle.
pub const DIR: &str = "prometheus/tests";

/// Renders one test file per rule group that has tests.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    if plan.stack.prometheus.is_none() {
        return Ok(Vec::new());
    }
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
    let recording_groups: Vec<&str> = plan
        .recording_rules
        .iter()
        .map(|recording| recording.group.as_str())
        .fold(Vec::new(), |mut seen, group| {
            if !seen.contains(&group) {
                seen.push(group);
            }
            seen
        });
    groups
        .into_iter()
        .map(|(group, tests)| {
            // The alert's own group, then every group of recording rules, so
            // alerts that read recorded series see them; paths are relative
            // to the test file, as promtool resolves them.
            let rule_files = std::iter::once(group)
                .chain(recording_groups.iter().copied().filter(|g| *g != group))
                .map(|g| format!("../rules/{g}.yml"))
                .collect();
            let file = TestFile {
                rule_files,
                evaluation_interval: "1m".to_owned(),
                tests,
            };
            Ok(OutputFile::text(
                format!("{DIR}/{group}.test.yml"),
                yaml_file(plan, &file)?,
            ))
        })
        .collect()
}

#[derive(Serialize)]
struct TestFile {
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
