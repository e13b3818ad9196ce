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

use super::alertmanager::SERVICE as ALERTMANAGER;
use super::alerts::{
    AlertOrigin, ExpectedAlert, LibraryMember, PlannedAlert, PlannedRecording, PlannedTest,
};
pub use super::library_file::kinds;
use super::library_file::{LibraryFile, LibraryRule, LibrarySeries, LibraryText, TextValues, load};
pub use super::library_requirements::{Fed, Requirement};
use super::prometheus::{
    BLACKBOX, CADVISOR, NODE_EXPORTER, PROBE_JOB, PROMETHEUS, probe_targets, scrape_targets,
    target_labels,
};
use super::selector_text::{regex_escape, with_missing_labels};
use super::{Plan, PlannedService, Purpose};
use crate::config::{LibraryAlerts, ServiceKind};
use crate::error::Error;
use crate::syntax::matcher::quote;

/// How every group of the library is named: `library-<kind>`,
/// `library-<kind>-<service>`.
pub const LIBRARY_GROUP_PREFIX: &str = "library-";

/// The library file every scrape job gets.
pub const TARGETS: &str = "targets";

/// The library file whose rules watch the probe job rather than their own.
pub const PROBES: &str = "blackbox";

/// The library file of `kind = "app"` services.
pub const APP: &str = "app";

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

/// The team of library file `kind` (`team = ...` at its top): the `team`
/// target label of its jobs whose entry names none.
pub fn default_team(kind: &str) -> String {
    load(kind).map_or_else(
        |_| "infrastructure".to_owned(),
        |library| library.team.clone(),
    )
}

/// The library files of a job whose own file is `own`: `targets` first,
/// unless `own` has its own down alert, then `own`.
pub fn files_of(own: Option<&'static str>) -> Vec<&'static str> {
    let own_down = own.is_some_and(|kind| load(kind).is_ok_and(|file| file.down_alert.is_some()));
    (!own_down)
        .then_some(TARGETS)
        .into_iter()
        .chain(own)
        .collect()
}

/// The library file for a scraped service, besides `targets`.
pub fn library_kind(service: &PlannedService) -> Option<&'static str> {
    let by_name = match service.name.as_str() {
        NODE_EXPORTER => Some("node"),
        CADVISOR => Some("containers"),
        BLACKBOX => Some(PROBES),
        PROMETHEUS => Some("prometheus"),
        ALERTMANAGER => Some("alertmanager"),
        "nginx-exporter" => Some("nginx"),
        _ => None,
    };
    by_name.or_else(|| kind_file(service.kind))
}

/// The library file for a `[services]` entry's kind, when there is one.
pub fn kind_file(kind: ServiceKind) -> Option<&'static str> {
    match kind {
        ServiceKind::App => Some(APP),
        ServiceKind::Redis => Some("redis"),
        ServiceKind::Postgres => Some("postgres"),
        ServiceKind::Mongodb => Some("mongodb"),
        ServiceKind::Kafka => Some("kafka"),
        ServiceKind::Elasticsearch => Some("elasticsearch"),
        ServiceKind::Loki => Some("loki"),
        ServiceKind::Alloy => Some("alloy"),
        ServiceKind::Pushgateway => Some("pushgateway"),
        _ => None,
    }
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
mod tests {
    use super::*;
    use crate::load::load_str;

    const STACK: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
team = "payments"
probes = ["/health"]

[services.web]
image = "web:1"
kind = "app"
replicas = 2
expose = [8080]
metrics = { path = "/metrics" }

[services.admin]
image = "admin:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
alerts = { thresholds = { HighErrorRate = 0.2 }, disable = ["HighLatencyP95"] }

[services.legacy]
image = "legacy:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
alerts = { enabled = false }

[services.db]
image = "postgres:16"
kind = "postgres"
expose = [5432]
exporter = true

[services.cache]
image = "redis:7"
kind = "redis"
expose = [6379]
exporter = true
team = "platform"
alerts = { disable = ["TargetDown"] }

[services.worker]
image = "worker:1"
expose = [9000]
metrics = { path = "/metrics" }

[prometheus]
node-exporter = true
"#;

    fn plan() -> Plan {
        crate::plan::plan(&load_str("stack.toml", STACK).expect("loads"))
    }

    fn member(job: &str, service: &str, team: &str, target: &str) -> LibraryMember {
        LibraryMember {
            job: job.to_owned(),
            service: service.to_owned(),
            team: team.to_owned(),
            target: target.to_owned(),
        }
    }

    fn shared<'a>(kind: &'static str, members: Vec<LibraryMember>) -> LibraryGroup<'a> {
        LibraryGroup {
            kind,
            name: format!("library-{kind}"),
            settings: None,
            status_label: DEFAULT_STATUS_LABEL,
            fed: Fed::everything(members.len()),
            members,
        }
    }

    fn two_jobs() -> Vec<LibraryMember> {
        vec![
            member("api", "api", "backend", "api-1:8000"),
            member("web", "web", "payments", "web-1:8080"),
        ]
    }

    fn jobs_of<'a>(groups: &'a [LibraryGroup<'_>], name: &str) -> Vec<&'a str> {
        let group = groups
            .iter()
            .find(|g| g.name == name)
            .unwrap_or_else(|| panic!("no group {name}"));
        group.members.iter().map(|m| m.job.as_str()).collect()
    }

    #[test]
    fn every_library_rule_renders_for_the_jobs_of_its_group() {
        let kinds = kinds();
        assert!(
            kinds.contains(&"targets") && kinds.contains(&"node"),
            "{kinds:?}"
        );
        let mut total = 0;
        for kind in kinds {
            let library = load(kind).expect("parses");
            let (alerts, recordings) =
                render_group(&shared(kind, two_jobs())).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(!alerts.is_empty(), "{kind} has no rules");
            assert_eq!(
                alerts.len(),
                library.rules.len(),
                "{kind}: every rule is fed"
            );
            for (alert, rule) in alerts.iter().zip(&library.rules) {
                assert!(!alert.expr.contains("[["), "{}", alert.name);
                assert!(!alert.expr.contains(r#"job="api""#), "{}", alert.expr);
                assert_eq!(alert.rule_labels().keys().collect::<Vec<_>>(), ["severity"]);
                let labels = &alert.tests[0].expected[0].labels;
                if !rule.test.target_labels {
                    // `Watchdog`: its own series, always firing, no quiet test.
                    assert_eq!(alert.tests.len(), 1, "{}", alert.name);
                    assert_eq!(labels.keys().collect::<Vec<_>>(), ["severity"]);
                    assert_eq!(alert.owners(), [(None, None)]);
                    continue;
                }
                assert_eq!(alert.tests.len(), 2, "{}", alert.name);
                assert!(
                    alert.expr.contains(r#"job=~"api|web""#)
                        || alert.expr.contains(r#"job="blackbox""#),
                    "{kind} {}: {}",
                    alert.name,
                    alert.expr
                );
                for key in ["job", "service", "team", "severity"] {
                    assert!(
                        labels.contains_key(key),
                        "{kind} {}: {labels:?}",
                        alert.name
                    );
                }
                assert_eq!(labels["service"], "api", "{}", alert.name);
                assert_eq!(labels["team"], "backend", "{}", alert.name);
                for test in &alert.tests {
                    for (series, _) in &test.series {
                        assert!(
                            series.contains(r#"service="api""#)
                                && series.contains(r#"team="backend""#)
                                && !series.contains("web"),
                            "{kind} {}: {series}",
                            alert.name
                        );
                    }
                }
            }
            for rule in &recordings {
                assert!(rule.labels.is_empty(), "{}", rule.record);
                assert!(rule.expr.contains(r#"job=~"api|web""#), "{}", rule.expr);
            }
            total += alerts.len();
        }
        assert!(total >= 130, "only {total} library rules");
    }

    #[test]
    fn jobs_with_default_settings_share_one_group_per_file() {
        let plan = plan();
        let groups = groups(&plan);
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "library-targets",
                "library-app",
                "library-app-admin",
                "library-postgres",
                "library-targets-cache",
                "library-redis",
                "library-node",
                "library-blackbox",
                "library-prometheus",
            ]
        );
        // Plan order; replicas are one job; `legacy` (enabled = false) is in no group.
        assert_eq!(
            jobs_of(&groups, "library-targets"),
            [
                "api",
                "web",
                "admin",
                "worker",
                "db-exporter",
                "node-exporter",
                "blackbox-exporter",
                "prometheus"
            ]
        );
        assert_eq!(jobs_of(&groups, "library-app"), ["api", "web"]);
        assert!(
            groups
                .iter()
                .all(|g| g.members.iter().all(|m| m.service != "legacy"))
        );
        let (alerts, recordings) = render_group(&groups[1]).expect("renders");
        let error_rate = alerts
            .iter()
            .find(|a| a.name == "HighErrorRate")
            .expect("rule");
        assert_eq!(
            error_rate.expr,
            r#"job:http_error_ratio:rate5m{job=~"api|web"} > 0.05"#
        );
        assert_eq!(
            recordings[0].expr,
            r#"sum by (job, service, team) (rate(http_requests_total{job=~"api|web"}[5m]))"#
        );
        let AlertOrigin::Library { members } = &error_rate.origin else {
            panic!("a library rule");
        };
        assert_eq!(members.len(), 2);
        assert_eq!(
            error_rate.owners(),
            [
                (Some("payments"), Some("api")),
                (Some("backend"), Some("web"))
            ]
        );
    }

    /// A service whose status label is not `status` gets the app rules in a
    /// group of its own, reading its label; its other files stay shared.
    #[test]
    fn a_status_label_gets_the_app_rules_a_group_of_their_own() {
        let text = STACK.replace(
            "expose = [8080]\nmetrics = { path = \"/metrics\" }",
            "expose = [8080]\nmetrics = { path = \"/metrics\", status-label = \"code\" }",
        );
        let plan = crate::plan::plan(&load_str("stack.toml", &text).expect("loads"));
        let groups = groups(&plan);
        assert_eq!(jobs_of(&groups, "library-app"), ["api"]);
        assert_eq!(jobs_of(&groups, "library-app-web"), ["web"]);
        assert!(jobs_of(&groups, "library-targets").contains(&"web"));
        let web = groups
            .iter()
            .find(|g| g.name == "library-app-web")
            .expect("own group");
        assert_eq!(web.status_label, "code");
        let (alerts, recordings) = render_group(web).expect("renders");
        assert_eq!(
            recordings[1].expr,
            r#"sum by (job, service, team) (rate(http_requests_total{job="web", code=~"5.."}[5m]))"#
        );
        let error_rate = alerts
            .iter()
            .find(|a| a.name == "HighErrorRate")
            .expect("rule");
        assert!(
            error_rate.tests[0]
                .series
                .iter()
                .any(|(series, _)| series.contains(r#"code="500""#)),
            "{:?}",
            error_rate.tests[0].series
        );
    }

    #[test]
    fn overrides_get_a_group_of_their_own_for_the_files_they_change() {
        let plan = plan();
        let groups = groups(&plan);
        let admin = groups
            .iter()
            .find(|g| g.name == "library-app-admin")
            .expect("own group");
        assert_eq!(jobs_of(&groups, "library-app-admin"), ["admin"]);
        let (alerts, recordings) = render_group(admin).expect("renders");
        assert!(alerts.iter().all(|a| a.name != "HighLatencyP95"));
        let error_rate = alerts
            .iter()
            .find(|a| a.name == "HighErrorRate")
            .expect("rule");
        assert_eq!(
            error_rate.expr,
            r#"job:http_error_ratio:rate5m{job="admin"} > 0.2"#
        );
        assert_eq!(error_rate.group, "library-app-admin");
        // Its own tests use its own threshold: 200 * 0.2 / 0.8 errors a minute.
        assert!(
            error_rate.tests[0]
                .series
                .iter()
                .any(|(series, values)| series.contains(r#"status="500""#) && values == "0+50.0x30"),
            "{:?}",
            error_rate.tests[0].series
        );
        assert_eq!(recordings.len(), 4);
        assert!(recordings.iter().all(|r| r.group == "library-app-admin"));
        // Its TargetDown is not overridden, so it stays shared; cache drops
        // TargetDown and so has a targets group without it.
        assert!(jobs_of(&groups, "library-targets").contains(&"admin"));
        assert_eq!(
            jobs_of(&groups, "library-targets-cache"),
            ["cache-exporter"]
        );
        let cache_targets = groups
            .iter()
            .find(|g| g.name == "library-targets-cache")
            .expect("group");
        assert!(render_group(cache_targets).expect("renders").0.is_empty());
        assert_eq!(jobs_of(&groups, "library-redis"), ["cache-exporter"]);
    }

    #[test]
    fn teams_come_from_the_entry_then_the_library_file() {
        let plan = plan();
        let groups = groups(&plan);
        let teams: Vec<(&str, &str)> = groups
            .iter()
            .flat_map(|g| &g.members)
            .map(|m| (m.job.as_str(), m.team.as_str()))
            .collect();
        for expected in [
            ("api", "payments"),
            ("web", "backend"),
            ("db-exporter", "database"),
            ("cache-exporter", "platform"),
            ("worker", "infrastructure"),
            ("node-exporter", "infrastructure"),
            ("prometheus", "infrastructure"),
        ] {
            assert!(teams.contains(&expected), "{expected:?} in {teams:?}");
        }
        let db = groups
            .iter()
            .flat_map(|g| &g.members)
            .find(|m| m.job == "db-exporter")
            .expect("member");
        assert_eq!(db.service, "db");
        // The probe rules watch the probed services, with their teams.
        let blackbox = groups
            .iter()
            .find(|g| g.name == "library-blackbox")
            .expect("group");
        assert_eq!(
            blackbox.members,
            [member(
                "blackbox",
                "api",
                "payments",
                "http://api:8000/health"
            )]
        );
        let (alerts, _) = render_group(blackbox).expect("renders");
        assert_eq!(alerts[0].expr, r#"probe_success{job="blackbox"} == 0"#);
        assert_eq!(
            alerts[0].tests[0].series[0].0,
            r#"probe_success{job="blackbox", instance="http://api:8000/health", service="api", team="payments"}"#
        );
        assert_eq!(
            alerts[0].tests[0].expected[0].annotations["description"],
            "The blackbox exporter cannot reach http://api:8000/health (api), or gets no good answer."
        );
    }

    #[test]
    fn job_matchers_escape_regexes_and_strings() {
        let mut group = shared(
            "targets",
            vec![
                member("a.b", "a", "t", "a:1"),
                member("c", "c", "t", "c:1"),
                member("c", "c", "t", "c-2:1"),
            ],
        );
        assert_eq!(job_matcher(&group), r#"job=~"a\\.b|c""#);
        let settings = LibraryAlerts::default();
        group.settings = Some(&settings);
        group.members.truncate(1);
        assert_eq!(job_matcher(&group), r#"job="a.b""#);
        group.members[0].job = r#"q"x"#.to_owned();
        assert_eq!(job_matcher(&group), r#"job="q\"x""#);
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
