//! The built-in alert library: `templates/alerts/<kind>.toml`, rendered
//! once per group of scrape jobs that share a library file, the way generic
//! rule sets (kube-prometheus, awesome-prometheus-alerts) are written: the
//! rules select their jobs, and the alerts take their labels from the series.
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
//! Groups: the jobs whose `[services]` entry (the one the job reports on,
//! `postgres` for `postgres-exporter`) leaves the library's settings alone
//! share one group per library file, `library-<kind>` (`library-targets`,
//! `library-app`, ...), whose rules select them all with
//! `job=~"<job1>|<job2>|..."`, in plan order. A job whose entry drops rules
//! of a file (`alerts.disable`) or changes their thresholds
//! (`alerts.thresholds`) gets that file's rules in a group of its own,
//! `library-<kind>-<service>`, selecting `job="<job>"` (all of the entry's
//! jobs, when it has several); its other files stay shared.
//! `alerts = { enabled = false }` takes the entry's jobs out of every group.
//! Each group is one rules file, `prometheus/rules/<group>.yml`.
//!
//! Labels: the rules set only `severity`. Every scrape target carries the
//! target labels `service` (the `[services]` entry the job reports on) and
//! `team` (that entry's `team`, else the team of the job's library file:
//! `backend` for app, `database` for postgres, redis, mongodb and
//! elasticsearch, `data` for kafka, `infrastructure` for node, containers,
//! blackbox, nginx, prometheus and jobs with no library file of their own),
//! and the alerts inherit `job`, `instance`, `service` and `team` from the
//! series; rules that aggregate keep `job`, `service` and `team` in their
//! `by` clause. So `TargetDown` of a job carries the job's team (`database`
//! for the exporter of a postgres without a team). The probe job's targets
//! carry the probed service and its team (else `infrastructure`).
//!
//! Library files are templates in the bracket syntax (`[[ job_matcher ]]`,
//! `[[ job ]]`, `[[ target ]]`, `[[ probe_job ]]`, `[[ threshold ]]`), so
//! `{{ $labels.x }}` in annotations reaches Prometheus untouched; each text
//! is compiled once per process (see [`super::library_file`]). Each rule
//! carries test data: series that make it fire, series that keep it quiet,
//! and the labels of the alert it raises; both become promtool tests of the
//! group's first job (`[[ job ]]`, `[[ target ]]`), whose input series get
//! the target labels that job's scraped series carry.
//!
//! Recorded series (`app.toml`, per app job, labelled `job`, `service` and
//! `team`), for alerts:
//! - `job:http_requests:rate5m`: requests per second;
//! - `job:http_errors:rate5m`: 5xx responses per second;
//! - `job:http_error_ratio:rate5m`: the 5xx share of requests (0..1);
//! - `job:http_request_duration_seconds:p95`: the 95th percentile latency in seconds.

use std::collections::HashSet;
use std::sync::Arc;

use indexmap::IndexMap;

use super::alerts::{
    AlertOrigin, ExpectedAlert, LibraryMember, PlannedAlert, PlannedRecording, PlannedTest,
};
pub use super::library_file::kinds;
use super::library_file::{LibraryFile, LibraryRule, LibrarySeries, LibraryText, TextValues, load};
use super::library_kinds::{APP, LIBRARY_GROUP_PREFIX, PROBES, files_of, library_kind};
pub use super::library_requirements::{Fed, Requirement};
use super::prometheus::{PROBE_JOB, probe_targets, scrape_targets, target_labels};
use super::selector_text::{regex_escape, with_missing_labels};
use super::{Plan, Purpose};
use crate::config::LibraryAlerts;
use crate::error::Error;
use crate::syntax::matcher::quote;

/// The label of `http_requests_total` the `app` rules read the status from,
/// unless the service's `metrics.status-label` names another.
pub const DEFAULT_STATUS_LABEL: &str = "status";

/// One group of the library: a library file rendered for the jobs that share it.
#[derive(Debug, Clone)]
pub struct LibraryGroup<'a> {
    /// The library file (`targets`, `app`, ...).
    pub kind: &'static str,
    /// The group (and rules file) name.
    pub name: String,
    /// The settings of the entry that owns the group; `None` for a shared group.
    pub settings: Option<&'a LibraryAlerts>,
    /// The label of `http_requests_total` holding the status, for the `app`
    /// rules: [`DEFAULT_STATUS_LABEL`], or the entry's `metrics.status-label`
    /// in a group of its own.
    pub status_label: &'a str,
    /// What the rules watch, in plan order; a rule's tests use the first
    /// that meets its requirements.
    pub members: Vec<LibraryMember>,
    /// The requirements each member meets: a rule none of them can feed is
    /// left out of the group.
    pub fed: Fed,
}

/// Adds the library rules and recording rules for every scrape job of `plan`
/// (with a `[prometheus]` section, which does the scraping). A plan for
/// checks gets each alert's name, group, severity and members only.
pub fn add_library(plan: &mut Plan) {
    if plan.stack.prometheus.is_none() {
        return;
    }
    let mut alerts = Vec::new();
    let mut recordings = Vec::new();
    for group in groups(plan) {
        if plan.purpose == Purpose::Check {
            alerts.extend(group_outline(&group));
            continue;
        }
        let (more_alerts, more_recordings) = render_group(&group)
            .expect("the built-in alert library renders; its unit tests prove it");
        alerts.extend(more_alerts);
        recordings.extend(more_recordings);
    }
    plan.alerts.extend(alerts);
    plan.recording_rules.extend(recordings);
}

/// The library groups of the plan's scrape jobs, in the order their first
/// job appears in the plan (and, per job, `targets` before its own file).
pub fn groups(plan: &Plan) -> Vec<LibraryGroup<'_>> {
    let mut groups: IndexMap<String, LibraryGroup<'_>> = IndexMap::new();
    for service in &plan.services {
        let Some(targets) = scrape_targets(service) else {
            continue;
        };
        let labels = target_labels(plan, service);
        let entry = plan.stack.services.get(&labels.service);
        let settings = entry.and_then(|entry| entry.alerts.as_ref());
        if settings.is_some_and(|s| !s.enabled) {
            continue;
        }
        let status_label = entry
            .and_then(|entry| entry.metrics.as_ref())
            .and_then(|metrics| metrics.status_label.as_deref())
            .filter(|label| *label != DEFAULT_STATUS_LABEL);
        let member = LibraryMember {
            job: service.name.clone(),
            target: targets.first_instance(),
            service: labels.service,
            team: labels.team,
        };
        for kind in files_of(library_kind(service)) {
            let own = settings.filter(|s| overrides_rules_of(s, kind));
            // The app rules read the status from the label the service names.
            let status_label = status_label.filter(|_| kind == APP);
            let name = if own.is_some() || status_label.is_some() {
                format!("{LIBRARY_GROUP_PREFIX}{kind}-{}", member.service)
            } else {
                format!("{LIBRARY_GROUP_PREFIX}{kind}")
            };
            let group = groups.entry(name).or_insert_with_key(|name| LibraryGroup {
                kind,
                name: name.clone(),
                settings: own,
                status_label: status_label.unwrap_or(DEFAULT_STATUS_LABEL),
                members: Vec::new(),
                fed: Fed::everything(0),
            });
            if kind == PROBES {
                // The probe rules watch the probed services, not the exporter.
                if group.members.is_empty() {
                    group.members = probe_members(plan);
                }
            } else {
                group.members.push(member.clone());
            }
        }
    }
    groups
        .into_values()
        .filter(|group| !group.members.is_empty())
        .map(|mut group| {
            group.fed = Fed::of(plan, &group.members);
            group
        })
        .collect()
}

/// The rules of `group` that it keeps (`alerts.disable` drops some, and so
/// do requirements no member meets), each with the member its tests use and
/// its threshold (`alerts.thresholds` changes some).
fn kept_rules<'a, 'g>(
    library: &'a LibraryFile,
    group: &'g LibraryGroup<'_>,
) -> impl Iterator<Item = (&'a LibraryRule, &'g LibraryMember, Option<f64>)> {
    let settings = group.settings;
    library
        .rules
        .iter()
        .filter(move |rule| !settings.is_some_and(|s| s.disable.contains(&rule.name)))
        .filter_map(move |rule| {
            let tested = group.members.get(group.fed.member_for(&rule.requires)?)?;
            let threshold = settings
                .and_then(|s| s.thresholds.get(&rule.name).copied())
                .or(rule.threshold);
            Some((rule, tested, threshold))
        })
}

/// An alert of `rule` for the jobs `members`, with no expression,
/// annotations or tests yet. A rule whose alerts carry no target labels
/// (`Watchdog`) has no members: its alerts belong to no job's team.
fn outline(rule: &LibraryRule, group: &str, members: &Arc<[LibraryMember]>) -> PlannedAlert {
    let members = if rule.test.target_labels {
        Arc::clone(members)
    } else {
        Arc::from([])
    };
    PlannedAlert {
        name: rule.name.clone(),
        group: group.to_owned(),
        expr: String::new(),
        for_: rule.for_.clone(),
        severity: rule.severity,
        team: None,
        service: None,
        labels: IndexMap::new(),
        annotations: IndexMap::new(),
        origin: AlertOrigin::Library { members },
        tests: Vec::new(),
    }
}

/// The alerts of `group` as far as the checks read them: name, group,
/// severity and members ([`outline`]).
fn group_outline(group: &LibraryGroup<'_>) -> Vec<PlannedAlert> {
    let library =
        load(group.kind).expect("the built-in alert library parses; its unit tests prove it");
    let members: Arc<[LibraryMember]> = group.members.clone().into();
    kept_rules(library, group)
        .map(|(rule, _, _)| outline(rule, &group.name, &members))
        .collect()
}

/// Renders library file `group.kind` for the jobs of `group`.
pub fn render_group(
    group: &LibraryGroup<'_>,
) -> Result<(Vec<PlannedAlert>, Vec<PlannedRecording>), Error> {
    let kind = group.kind;
    let library = load(kind)?;
    let Some(first) = group.members.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let matcher = job_matcher(group);
    let fill = |text: &'static LibraryText, values: &TextValues| text.fill(values);
    let unset = TextValues::new(first, &matcher, PROBE_JOB, group.status_label, None);
    let recordings = library
        .recording
        .iter()
        .map(|rule| {
            Ok(PlannedRecording {
                record: rule.record.clone(),
                expr: fill(&rule.expr, &unset)?,
                group: group.name.clone(),
                labels: IndexMap::new(),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let members: Arc<[LibraryMember]> = group.members.clone().into();
    let mut alerts = Vec::new();
    for (rule, tested, threshold) in kept_rules(library, group) {
        let values = TextValues::new(tested, &matcher, PROBE_JOB, group.status_label, threshold);
        let mut alert = outline(rule, &group.name, &members);
        alert.expr = fill(&rule.expr, &values)?;
        alert
            .annotations
            .insert("summary".to_owned(), fill(&rule.summary, &values)?);
        alert
            .annotations
            .insert("description".to_owned(), fill(&rule.description, &values)?);
        let test = &rule.test;
        let target_labels = [
            ("job", tested.job.as_str()),
            ("instance", tested.target.as_str()),
            ("service", tested.service.as_str()),
            ("team", tested.team.as_str()),
        ];
        let mut labels = IndexMap::new();
        for (key, value) in &test.labels {
            labels.insert(key.clone(), fill(value, &values)?);
        }
        // Every library alert keeps these labels of the series it comes from,
        // but for one whose expression makes its own series.
        if test.target_labels {
            for (key, value) in &target_labels {
                if *key != "instance" && !labels.contains_key(*key) {
                    labels.insert((*key).to_owned(), (*value).to_owned());
                }
            }
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
        let series = |list: &'static [LibrarySeries]| -> Result<Vec<(String, String)>, Error> {
            list.iter()
                .map(|s| {
                    let series = fill(&s.series, &values)?;
                    Ok((
                        with_missing_labels(&series, &target_labels),
                        fill(&s.values, &values)?,
                    ))
                })
                .collect()
        };
        let interval = test.interval.clone().unwrap_or_else(|| "1m".to_owned());
        alert.tests = vec![PlannedTest {
            interval: interval.clone(),
            series: series(&test.firing)?,
            eval_time: test.eval_time.clone(),
            expected: vec![ExpectedAlert {
                labels,
                annotations,
            }],
        }];
        if let Some(healthy) = &test.healthy {
            alert.tests.push(PlannedTest {
                interval,
                series: series(healthy)?,
                eval_time: test.eval_time.clone(),
                expected: Vec::new(),
            });
        }
        alerts.push(alert);
    }
    Ok((alerts, recordings))
}

/// The `job` matcher of a group: `job=~"a|b"` for a shared group (whatever
/// its size), `job="a"` for a group of one job of its own.
pub fn job_matcher(group: &LibraryGroup<'_>) -> String {
    let mut seen = HashSet::new();
    let jobs: Vec<&str> = group
        .members
        .iter()
        .map(|member| member.job.as_str())
        .filter(|job| seen.insert(*job))
        .collect();
    let own = group.settings.is_some() || group.status_label != DEFAULT_STATUS_LABEL;
    if own && let [job] = jobs.as_slice() {
        return format!("job={}", quote(job));
    }
    let alternatives: Vec<String> = jobs.iter().map(|job| regex_escape(job)).collect();
    format!("job=~{}", quote(&alternatives.join("|")))
}

/// Whether `settings` drop or change any rule of library file `kind`.
fn overrides_rules_of(settings: &LibraryAlerts, kind: &str) -> bool {
    load(kind).is_ok_and(|library| {
        library.rules.iter().any(|rule| {
            settings.disable.contains(&rule.name) || settings.thresholds.contains_key(&rule.name)
        })
    })
}

/// One member per probed service and module: the probe job's targets and
/// their labels.
fn probe_members(plan: &Plan) -> Vec<LibraryMember> {
    probe_targets(plan)
        .into_iter()
        .filter_map(|probed| {
            Some(LibraryMember {
                job: PROBE_JOB.to_owned(),
                target: probed.targets.into_iter().next()?,
                service: probed.labels.service,
                team: probed.labels.team,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
