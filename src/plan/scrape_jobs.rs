//! The scrape jobs of the plan (`plan.scrape_jobs`), in no target's
//! syntax: what Prometheus scrapes, where, with which labels.
//!
//! - One job per planned service with `metrics` (user services and
//!   generated exporters alike), named after it: a static target for a
//!   service of one container, DNS discovery of every replica for a
//!   replicated one ([`ScrapeTargets`]), labelled `service=<the [services]
//!   entry>` and `team=<its team, else the team of the job's library file>`
//!   ([`target_labels`]; the built-in alerts take these labels from the
//!   series). A discovered target has no labels of its own, so relabelling
//!   sets them. A job whose service serves others' series (a Pushgateway)
//!   honours their labels.
//! - The probe job, when the blackbox exporter runs: every probed URL is a
//!   target, in one group per probed service and blackbox module, labelled
//!   the same way; relabelling hands the URL to the exporter as `?target=`,
//!   keeps it as `instance`, and sends the scrape to the exporter.
//! - The extra jobs of `[prometheus] scrape`, as written.
//!
//! `render/prometheus.rs` maps these onto prometheus.yml; a Kubernetes
//! `ServiceMonitor` reads the scraped service, port and labels of a job.

use indexmap::IndexMap;

use super::Plan;
use super::prometheus::{
    BLACKBOX, BLACKBOX_PORT, PROBE_JOB, ScrapeTargets, TargetLabels, probe_targets, scrape_targets,
    target_labels,
};
use crate::config::Duration;

/// The metrics path of a `[prometheus] scrape` job that names none.
const DEFAULT_PATH: &str = "/metrics";
/// The scheme of a `[prometheus] scrape` job that names none.
const DEFAULT_SCHEME: &str = "http";

/// One scrape job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeJob {
    /// The `job` label.
    pub name: String,
    /// The planned service whose containers the job scrapes; `None` for
    /// the probe job and the extra jobs.
    pub scraped: Option<ScrapedService>,
    /// The scrape interval, when the job sets one.
    pub interval: Option<Duration>,
    /// The scrape timeout, when the job sets one.
    pub timeout: Option<Duration>,
    /// The metrics path.
    pub path: String,
    /// `http` or `https`.
    pub scheme: String,
    /// Whether the scraped series' own labels win over the target's
    /// (a Pushgateway's `job` and `instance` are the pushers').
    pub honor_labels: bool,
    /// Where the targets come from.
    pub targets: JobTargets,
    /// How each target's labels are rewritten, in order.
    pub relabels: Vec<Relabel>,
}

/// The service a job scrapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedService {
    /// The planned service.
    pub service: String,
    /// The port its metrics are served on.
    pub port: u16,
    /// The `service` and `team` target labels.
    pub labels: TargetLabels,
}

/// Where a job's targets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobTargets {
    /// Fixed targets, in groups that share labels.
    Static(Vec<TargetGroup>),
    /// Every address these names resolve to (A records), at `port`.
    Dns {
        /// The names to resolve.
        names: Vec<String>,
        /// The port scraped on every address.
        port: u16,
    },
}

/// Targets that share labels (and, for the probe job, a blackbox module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroup {
    /// The targets.
    pub targets: Vec<String>,
    /// The blackbox module each target is probed with (probe job only).
    pub module: Option<&'static str>,
    /// The labels every target of the group carries.
    pub labels: IndexMap<String, String>,
}

/// One relabelling step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relabel {
    /// Sets `label` to the literal `value`.
    Set {
        /// The label written.
        label: String,
        /// Its value, as is.
        value: String,
    },
    /// Copies label `from` into label `to`.
    Copy {
        /// The label read.
        from: String,
        /// The label written.
        to: String,
    },
}

/// Every scrape job of `plan`, in the order prometheus.yml lists them;
/// none without `[prometheus]`.
pub fn scrape_jobs(plan: &Plan) -> Vec<ScrapeJob> {
    let Some(prometheus) = &plan.stack.prometheus else {
        return Vec::new();
    };
    let mut jobs: Vec<ScrapeJob> = Vec::new();
    for service in &plan.services {
        let (Some(metrics), Some(targets)) = (&service.metrics, scrape_targets(service)) else {
            continue;
        };
        let labels = target_labels(plan, service);
        let label_values = label_map(&labels);
        let (targets, relabels) = match targets {
            ScrapeTargets::Static(target) => (
                JobTargets::Static(vec![TargetGroup {
                    targets: vec![target],
                    module: None,
                    labels: label_values,
                }]),
                Vec::new(),
            ),
            ScrapeTargets::Dns { name, port } => (
                JobTargets::Dns {
                    names: vec![name],
                    port,
                },
                label_values
                    .into_iter()
                    .map(|(label, value)| Relabel::Set { label, value })
                    .collect(),
            ),
        };
        jobs.push(ScrapeJob {
            name: service.name.clone(),
            scraped: Some(ScrapedService {
                service: service.name.clone(),
                port: metrics.port,
                labels,
            }),
            interval: metrics.interval.clone(),
            timeout: metrics.timeout.clone(),
            path: metrics.path.clone(),
            scheme: metrics.scheme.clone(),
            honor_labels: metrics.honor_labels,
            targets,
            relabels,
        });
    }
    if plan.service(BLACKBOX).is_some() {
        jobs.push(probe_job(plan));
    }
    for extra in &prometheus.scrape {
        jobs.push(ScrapeJob {
            name: extra.job.clone(),
            scraped: None,
            interval: extra.interval.clone(),
            timeout: None,
            path: extra
                .path
                .clone()
                .unwrap_or_else(|| DEFAULT_PATH.to_owned()),
            scheme: extra
                .scheme
                .clone()
                .unwrap_or_else(|| DEFAULT_SCHEME.to_owned()),
            honor_labels: false,
            targets: JobTargets::Static(vec![TargetGroup {
                targets: extra.targets.clone(),
                module: None,
                labels: IndexMap::new(),
            }]),
            relabels: Vec::new(),
        });
    }
    jobs
}

/// The probe job: each group of probed URLs names its module; relabelling
/// hands the URL to the blackbox exporter as `?target=`, keeps it as
/// `instance`, and scrapes the exporter.
fn probe_job(plan: &Plan) -> ScrapeJob {
    let groups = probe_targets(plan)
        .into_iter()
        .map(|probed| TargetGroup {
            targets: probed.targets,
            module: Some(probed.module),
            labels: label_map(&probed.labels),
        })
        .collect();
    let copy = |from: &str, to: &str| Relabel::Copy {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    ScrapeJob {
        name: PROBE_JOB.to_owned(),
        scraped: None,
        interval: None,
        timeout: None,
        path: "/probe".to_owned(),
        scheme: DEFAULT_SCHEME.to_owned(),
        honor_labels: false,
        targets: JobTargets::Static(groups),
        relabels: vec![
            copy("__address__", "__param_target"),
            copy("__param_target", "instance"),
            Relabel::Set {
                label: "__address__".to_owned(),
                value: format!("{BLACKBOX}:{BLACKBOX_PORT}"),
            },
        ],
    }
}

/// The target labels as label names and values.
fn label_map(labels: &TargetLabels) -> IndexMap<String, String> {
    IndexMap::from([
        ("service".to_owned(), labels.service.clone()),
        ("team".to_owned(), labels.team.clone()),
    ])
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
replicas = 2
expose = [8000]
metrics = { path = "/metrics" }
probes = ["/health"]
[services.db]
image = "postgres:16"
kind = "postgres"
team = "data"
exporter = true
[prometheus]
scrape = [{ job = "external", targets = ["10.0.0.1:9100"] }]
"#;

    fn jobs() -> Vec<ScrapeJob> {
        crate::plan::plan(&load_str("shop.toml", STACK).expect("loads")).scrape_jobs
    }

    fn job<'a>(jobs: &'a [ScrapeJob], name: &str) -> &'a ScrapeJob {
        jobs.iter().find(|job| job.name == name).expect("job")
    }

    #[test]
    fn a_replicated_service_is_discovered_and_relabelled() {
        let jobs = jobs();
        let api = job(&jobs, "api");
        assert_eq!(
            api.targets,
            JobTargets::Dns {
                names: vec!["api".to_owned()],
                port: 8000
            }
        );
        let set: Vec<(&str, &str)> = api
            .relabels
            .iter()
            .map(|step| match step {
                Relabel::Set { label, value } => (label.as_str(), value.as_str()),
                Relabel::Copy { .. } => ("copy", ""),
            })
            .collect();
        assert_eq!(set, [("service", "api"), ("team", "infrastructure")]);
        let scraped = api.scraped.as_ref().expect("scraped");
        assert_eq!((scraped.service.as_str(), scraped.port), ("api", 8000));
    }

    #[test]
    fn an_exporter_carries_its_entrys_labels_and_extras_keep_their_defaults() {
        let jobs = jobs();
        let exporter = job(&jobs, "db-exporter");
        let JobTargets::Static(groups) = &exporter.targets else {
            panic!("static: {:?}", exporter.targets);
        };
        assert_eq!(groups[0].labels["service"], "db");
        assert_eq!(groups[0].labels["team"], "data");
        assert!(exporter.relabels.is_empty());
        let external = job(&jobs, "external");
        assert_eq!(
            (external.path.as_str(), external.scheme.as_str()),
            ("/metrics", "http")
        );
        assert!(external.scraped.is_none());
        assert_eq!(jobs.last().map(|job| job.name.as_str()), Some("external"));
    }

    #[test]
    fn the_probe_job_hands_each_url_to_the_blackbox_exporter() {
        let jobs = jobs();
        let probe = job(&jobs, PROBE_JOB);
        let JobTargets::Static(groups) = &probe.targets else {
            panic!("static: {:?}", probe.targets);
        };
        assert_eq!(groups[0].targets, ["http://api:8000/health"]);
        assert_eq!(groups[0].module, Some("http_2xx"));
        assert_eq!(
            probe.relabels.last(),
            Some(&Relabel::Set {
                label: "__address__".to_owned(),
                value: format!("{BLACKBOX}:{BLACKBOX_PORT}"),
            })
        );
    }
}
