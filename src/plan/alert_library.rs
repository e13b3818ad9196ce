//! The built-in alert library: `templates/alerts/<kind>.toml`, rendered for
//! every scrape job of the plan.
//!
//! Every job gets the rules of `targets.toml` (`TargetDown`); a job whose
//! service has a library file gets that file's rules too:
//!
//! | library file | scraped service |
//! | --- | --- |
//! | `app` | a `kind = "app"` service with `metrics` |
//! | `redis`, `postgres`, `mongodb`, `kafka`, `elasticsearch` | `<service>-exporter` (or the service itself when it has `metrics`) |
//! | `node` | `node-exporter` |
//! | `containers` | `cadvisor` |
//! | `blackbox` | `blackbox-exporter` (the rules watch the probe job) |
//! | `nginx` | `nginx-exporter` |
//! | `prometheus` | `prometheus` itself |
//!
//! The rules of a job land in the group (and file) `library-<service>`,
//! where `<service>` is the `[services]` entry the job reports on
//! (`postgres` for `postgres-exporter`). That entry's `alerts` table turns
//! them off (`enabled = false`), drops rules (`disable`) and overrides
//! thresholds (`thresholds`); generated services have no such table.
//!
//! Labels: `severity` from the library, `service` = that entry, and
//! `team` = the entry's `team`, falling back to the library file's team:
//! `backend` for app, `database` for postgres, redis, mongodb and
//! elasticsearch, `data` for kafka, `infrastructure` for node, containers,
//! blackbox, nginx, prometheus and `TargetDown` of generated services.
//!
//! Library files are templates in the bracket syntax (`[[ job ]]`,
//! `[[ service ]]`, `[[ target ]]`, `[[ probe_job ]]`, `[[ threshold ]]`),
//! so `{{ $labels.x }}` in annotations reaches Prometheus untouched; each
//! text is split once per process (see [`super::library_text`]). Each
//! rule carries test data: series that make it fire, series that keep it
//! quiet, and the labels of the alert it raises; both become promtool tests.
//!
//! Recorded series (`app.toml`, one set per app job, labelled `job`), for
//! dashboards and alerts alike:
//! - `job:http_requests:rate5m`: requests per second;
//! - `job:http_errors:rate5m`: 5xx responses per second;
//! - `job:http_error_ratio:rate5m`: the 5xx share of requests (0..1);
//! - `job:http_request_duration_seconds:p95`: the 95th percentile latency in seconds.

use std::collections::HashSet;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;

use super::alerts::{AlertOrigin, ExpectedAlert, PlannedAlert, PlannedRecording, PlannedTest};
use super::library_text::{LibraryText, Values};
use super::prometheus::{BLACKBOX, CADVISOR, NODE_EXPORTER, PROBE_JOB, PROMETHEUS, owner_of};
use super::{Plan, PlannedService};
use crate::config::{LibraryAlerts, ServiceKind, Severity};
use crate::error::Error;
use crate::render::templates;

/// The library file every scrape job gets.
pub const TARGETS: &str = "targets";

/// The directory of the library under `templates/`.
const DIR: &str = "alerts";

/// What a library file is rendered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobContext {
    /// The scrape job (the service's group).
    pub job: String,
    /// The `[services]` entry the job reports on.
    pub service: String,
    /// The job's first target, `host:port`.
    pub target: String,
}

/// Adds the library rules and recording rules for every scrape job of `plan`
/// (with a `[prometheus]` section, which does the scraping).
pub fn add_library(plan: &mut Plan) {
    if plan.stack.prometheus.is_none() {
        return;
    }
    let (alerts, recordings) =
        library_for(plan).expect("the built-in alert library renders; its unit tests prove it");
    plan.alerts.extend(alerts);
    plan.recording_rules.extend(recordings);
}

/// Every library file name (`app`, `node`, ...), sorted.
pub fn kinds() -> Vec<&'static str> {
    templates::files_in(DIR, ".toml")
        .into_iter()
        .filter_map(|path| path.strip_prefix("alerts/")?.strip_suffix(".toml"))
        .collect()
}

/// What the validator needs to know of a library rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// The alert name.
    pub name: String,
    /// The default threshold, for rules that have one.
    pub threshold: Option<f64>,
    /// Overrides must stay below this (percentages below 100, ratios below 1).
    pub max_threshold: Option<f64>,
}

/// The rules in library file `kind`.
pub fn rule_names(kind: &str) -> Vec<RuleInfo> {
    load(kind)
        .map(|library| {
            library
                .rules
                .iter()
                .map(|rule| RuleInfo {
                    name: rule.name.clone(),
                    threshold: rule.threshold,
                    max_threshold: rule.max_threshold,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The library file for a scraped service, besides `targets`.
pub fn library_kind(service: &PlannedService) -> Option<&'static str> {
    let by_name = match service.name.as_str() {
        NODE_EXPORTER => Some("node"),
        CADVISOR => Some("containers"),
        BLACKBOX => Some("blackbox"),
        PROMETHEUS => Some("prometheus"),
        "nginx-exporter" => Some("nginx"),
        _ => None,
    };
    by_name.or_else(|| kind_file(service.kind))
}

/// The library file for a `[services]` entry's kind, when there is one.
pub fn kind_file(kind: ServiceKind) -> Option<&'static str> {
    match kind {
        ServiceKind::App => Some("app"),
        ServiceKind::Redis => Some("redis"),
        ServiceKind::Postgres => Some("postgres"),
        ServiceKind::Mongodb => Some("mongodb"),
        ServiceKind::Kafka => Some("kafka"),
        ServiceKind::Elasticsearch => Some("elasticsearch"),
        _ => None,
    }
}

/// Renders library file `kind` for one job.
pub fn render_kind(
    kind: &str,
    context: &JobContext,
    settings: Option<&LibraryAlerts>,
    team: Option<&str>,
) -> Result<(Vec<PlannedAlert>, Vec<PlannedRecording>), Error> {
    let library = load(kind)?;
    let group = format!("library-{}", context.service);
    let team = team.unwrap_or(&library.team).to_owned();
    let values = |threshold: Option<f64>| {
        Values::new(
            &context.job,
            &context.service,
            &context.target,
            PROBE_JOB,
            threshold,
        )
    };
    let fill = |text: &LibraryText, values: &Values<'_>| -> Result<String, Error> {
        text.fill(values)
            .map_err(|e| Error::Bug(format!("alert library {kind}: {e:#}")))
    };
    let unset = values(None);
    let recordings = library
        .recording
        .iter()
        .map(|rule| {
            let mut labels = IndexMap::new();
            labels.insert("service".to_owned(), context.service.clone());
            Ok(PlannedRecording {
                record: rule.record.clone(),
                expr: fill(&rule.expr, &unset)?,
                group: group.clone(),
                labels,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut alerts = Vec::new();
    for rule in &library.rules {
        if settings.is_some_and(|s| s.disable.contains(&rule.name)) {
            continue;
        }
        let threshold = settings
            .and_then(|s| s.thresholds.get(&rule.name).copied())
            .or(rule.threshold);
        let values = values(threshold);
        let mut annotations = IndexMap::new();
        annotations.insert("summary".to_owned(), fill(&rule.summary, &values)?);
        annotations.insert("description".to_owned(), fill(&rule.description, &values)?);
        let mut alert = PlannedAlert {
            name: rule.name.clone(),
            group: group.clone(),
            expr: fill(&rule.expr, &values)?,
            for_: rule.for_.clone(),
            severity: rule.severity,
            team: Some(team.clone()),
            service: library.service_label.then(|| context.service.clone()),
            labels: IndexMap::new(),
            annotations,
            origin: AlertOrigin::Library {
                service: context.service.clone(),
            },
            tests: Vec::new(),
        };
        let test = &rule.test;
        let mut labels = IndexMap::new();
        for (key, value) in &test.labels {
            labels.insert(key.clone(), fill(value, &values)?);
        }
        for (key, value) in alert.rule_labels() {
            labels.insert(key, value);
        }
        let annotations = alert.expanded_annotations(&labels).ok_or_else(|| {
            Error::Bug(format!(
                "alert library {kind}: the annotations of {} use templates its test cannot expand",
                rule.name
            ))
        })?;
        let series = |list: &[LibrarySeries]| -> Result<Vec<(String, String)>, Error> {
            list.iter()
                .map(|s| Ok((fill(&s.series, &values)?, fill(&s.values, &values)?)))
                .collect()
        };
        let interval = test.interval.clone().unwrap_or_else(|| "1m".to_owned());
        alert.tests = vec![
            PlannedTest {
                interval: interval.clone(),
                series: series(&test.firing)?,
                eval_time: test.eval_time.clone(),
                expected: vec![ExpectedAlert {
                    labels,
                    annotations,
                }],
            },
            PlannedTest {
                interval,
                series: series(&test.healthy)?,
                eval_time: test.eval_time.clone(),
                expected: Vec::new(),
            },
        ];
        alerts.push(alert);
    }
    Ok((alerts, recordings))
}

/// Renders the library for every scrape job of the plan.
fn library_for(plan: &Plan) -> Result<(Vec<PlannedAlert>, Vec<PlannedRecording>), Error> {
    let mut alerts = Vec::new();
    let mut recordings = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for service in &plan.services {
        let Some(metrics) = &service.metrics else {
            continue;
        };
        if !seen.insert(&service.group) {
            continue;
        }
        let owner = owner_of(plan, service);
        let entry = plan.stack.services.get(&owner);
        let settings = entry.and_then(|s| s.alerts.as_ref());
        if settings.is_some_and(|s| !s.enabled) {
            continue;
        }
        let context = JobContext {
            job: service.group.clone(),
            service: owner,
            target: format!("{}:{}", service.name, metrics.port),
        };
        let team = entry.and_then(|s| s.team.as_deref());
        let mut files = vec![TARGETS];
        files.extend(library_kind(service));
        for kind in files {
            let (more_alerts, more_recordings) = render_kind(kind, &context, settings, team)?;
            alerts.extend(more_alerts);
            recordings.extend(more_recordings);
        }
    }
    Ok((alerts, recordings))
}

/// Library file `kind`, parsed once per process when first asked for
/// (every job renders the same few files; most stacks need only some).
fn load(kind: &str) -> Result<&'static LibraryFile, Error> {
    type Parsed = OnceLock<Result<LibraryFile, String>>;
    static FILES: OnceLock<Vec<(&'static str, Parsed)>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        kinds()
            .into_iter()
            .map(|name| (name, OnceLock::new()))
            .collect()
    });
    match files.iter().find(|(name, _)| *name == kind) {
        Some((name, parsed)) => match parsed.get_or_init(|| parse(name)) {
            Ok(library) => Ok(library),
            Err(message) => Err(Error::Bug(message.clone())),
        },
        // Not a library file: report it the way a missing template is reported.
        None => Err(templates::file(&format!("{DIR}/{kind}.toml"))
            .err()
            .unwrap_or_else(|| Error::Bug(format!("alert library {kind} is not listed")))),
    }
}

// `LIBRARY_JSON`: the library files as JSON, converted by build.rs.
include!(concat!(env!("OUT_DIR"), "/alert_library_json.rs"));

fn parse(kind: &str) -> Result<LibraryFile, String> {
    let json = LIBRARY_JSON
        .iter()
        .find_map(|(name, json)| (*name == kind).then_some(*json))
        .ok_or_else(|| format!("alert library {kind} was not converted to JSON"))?;
    serde_json::from_str(json).map_err(|e| format!("alert library {kind}: {e}"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LibraryFile {
    team: String,
    #[serde(default = "yes")]
    service_label: bool,
    #[serde(default)]
    recording: Vec<LibraryRecording>,
    rules: Vec<LibraryRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LibraryRecording {
    record: String,
    expr: LibraryText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LibraryRule {
    name: String,
    expr: LibraryText,
    #[serde(default, rename = "for")]
    for_: Option<String>,
    severity: Severity,
    #[serde(default)]
    threshold: Option<f64>,
    /// Thresholds must stay below this for the rule (and its test data) to make sense.
    #[serde(default)]
    max_threshold: Option<f64>,
    summary: LibraryText,
    description: LibraryText,
    test: LibraryTest,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LibraryTest {
    #[serde(default)]
    interval: Option<String>,
    eval_time: String,
    labels: IndexMap<String, LibraryText>,
    firing: Vec<LibrarySeries>,
    healthy: Vec<LibrarySeries>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LibrarySeries {
    series: LibraryText,
    values: LibraryText,
}

const fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_promql;

    fn context() -> JobContext {
        JobContext {
            job: "api".to_owned(),
            service: "api".to_owned(),
            target: "api-1:8000".to_owned(),
        }
    }

    #[test]
    fn every_library_rule_renders_and_parses() {
        let kinds = kinds();
        assert!(
            kinds.contains(&"targets") && kinds.contains(&"node"),
            "{kinds:?}"
        );
        let mut total = 0;
        for kind in kinds {
            let (alerts, recordings) =
                render_kind(kind, &context(), None, None).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(!alerts.is_empty(), "{kind} has no rules");
            for alert in &alerts {
                parse_promql(&alert.expr)
                    .unwrap_or_else(|e| panic!("{kind} {}: {e}\n{}", alert.name, alert.expr));
                assert_eq!(alert.tests.len(), 2, "{}", alert.name);
                assert!(!alert.expr.contains("[["), "{}", alert.name);
            }
            for rule in &recordings {
                parse_promql(&rule.expr).unwrap_or_else(|e| panic!("{}: {e}", rule.record));
            }
            total += alerts.len();
        }
        assert!(total >= 40, "only {total} library rules");
    }

    #[test]
    fn overrides_drop_rules_and_change_thresholds() {
        let settings = LibraryAlerts {
            enabled: true,
            disable: vec!["HostHighLoad".to_owned()],
            thresholds: [("HostHighCpuUsage".to_owned(), 75.0)].into(),
        };
        let (alerts, _) =
            render_kind("node", &context(), Some(&settings), Some("ops")).expect("renders");
        assert!(alerts.iter().all(|a| a.name != "HostHighLoad"));
        let cpu = alerts
            .iter()
            .find(|a| a.name == "HostHighCpuUsage")
            .expect("cpu rule");
        assert!(cpu.expr.ends_with("> 75"), "{}", cpu.expr);
        assert_eq!(cpu.team.as_deref(), Some("ops"));
        assert_eq!(cpu.group, "library-api");
        let default = render_kind("node", &context(), None, None).expect("renders");
        assert_eq!(default.0[0].team.as_deref(), Some("infrastructure"));
    }

    /// The JSON the binary reads holds exactly what the TOML files say.
    #[test]
    fn converted_library_matches_the_toml_files() {
        let converted: Vec<&str> = LIBRARY_JSON.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(converted, kinds());
        for (kind, json) in LIBRARY_JSON {
            let text = templates::file(&format!("{DIR}/{kind}.toml")).expect("library file");
            let from_toml: serde_json::Value = toml::from_str(text).expect("library TOML");
            let from_json: serde_json::Value = serde_json::from_str(json).expect("library JSON");
            assert_eq!(from_json, from_toml, "{kind}");
            assert_eq!(
                serde_json::to_string(&from_json).expect("JSON"),
                serde_json::to_string(&from_toml).expect("JSON"),
                "{kind}: key order"
            );
        }
    }

    #[test]
    fn kinds_map_to_library_files() {
        let node = PlannedService::generated(NODE_EXPORTER, "x", ServiceKind::Generic, "t");
        assert_eq!(library_kind(&node), Some("node"));
        let pg = PlannedService::generated("db-exporter", "x", ServiceKind::Postgres, "t");
        assert_eq!(library_kind(&pg), Some("postgres"));
        let worker = PlannedService::generated("worker", "x", ServiceKind::Worker, "t");
        assert_eq!(library_kind(&worker), None);
        for kind in [
            "app",
            "redis",
            "postgres",
            "mongodb",
            "kafka",
            "elasticsearch",
        ] {
            assert!(kinds().contains(&kind), "{kind}");
            assert!(!rule_names(kind).is_empty(), "{kind}");
        }
    }
}
