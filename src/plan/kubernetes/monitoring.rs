//! What the monitoring of a stack becomes on a cluster that runs
//! prometheus-operator (kube-prometheus-stack): the operator's Prometheus,
//! Alertmanager and Grafana take the place of the generated ones, and the
//! stack brings the objects they read.
//!
//! - a `ServiceMonitor` per scraped `[services]` entry (and exporter) that
//!   runs in the cluster, named after its workload: the Service port by
//!   name, the metrics path, scheme, interval and timeout, and relabelings
//!   that give every target the `service` and `team` labels the compose
//!   bundle's static targets carry, so the same rules select the same jobs
//!   (the `job` label is the Service's name, the `[services]` entry's);
//! - a `PrometheusRule` per rule group: the groups of
//!   `prometheus/rules/*.yml`, tested by the same promtool tests;
//! - a `Probe` per probed entry, through the blackbox exporter the stack
//!   deploys, with the probe job's name and the same target labels;
//! - one `AlertmanagerConfig` holding the `[alertmanager]` routing, its
//!   secrets read from the stack's Secret;
//! - a `ConfigMap` per Grafana dashboard, labelled for Grafana's sidecar.
//!
//! Every monitoring object carries the stack's labels and the
//! `prometheus-selector` labels, so kube-prometheus-stack selects it.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::{KubernetesPlan, Loss, PlannedMount, PodVolume, VolumeSource, Workload};
use crate::config::Duration;
use crate::load::pointer;
use crate::plan::prometheus::{
    BLACKBOX, BLACKBOX_CONFIG, BLACKBOX_PORT, PROBE_JOB, PROBE_MODULE, TargetLabels,
};
use crate::plan::prometheus::{owner_of, probe_targets};
use crate::plan::{Plan, alertmanager};

/// The label Grafana's dashboard sidecar looks for (kube-prometheus-stack's default).
pub const DASHBOARD_LABEL: &str = "grafana_dashboard";
/// The prefix of the dashboards' `ConfigMaps`.
pub const DASHBOARD_PREFIX: &str = "grafana-dashboard-";

/// The monitoring objects of the Kubernetes target, decided.
#[derive(Debug, Clone, Default)]
pub struct PlannedMonitoring {
    /// Labels on every monitoring object: the stack's labels, then the
    /// `prometheus-selector` ones.
    pub labels: IndexMap<String, String>,
    /// The `ConfigMap` of the blackbox exporter's configuration (the modules
    /// its `Probe`s use), when the stack deploys one.
    pub blackbox_config: Option<String>,
    /// One per scraped workload, in plan order.
    pub service_monitors: Vec<PlannedServiceMonitor>,
    /// One `PrometheusRule` per rule group, in the order of
    /// `prometheus/rules/`; each named after its group.
    pub rule_groups: Vec<String>,
    /// One per probed `[services]` entry.
    pub probes: Vec<PlannedBlackboxProbe>,
    /// The `AlertmanagerConfig`'s name, with `[alertmanager]`.
    pub alertmanager_config: Option<String>,
    /// One `ConfigMap` per dashboard of the plan, in its order.
    pub dashboards: Vec<PlannedDashboardMap>,
    /// The uid of the Prometheus datasource the dashboards query.
    pub datasource_uid: String,
}

/// A `ServiceMonitor` of one workload's `ClusterIP` Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedServiceMonitor {
    /// The monitor's name: the workload's (and its Service's, so the `job` label).
    pub name: String,
    /// The labels that select the Service.
    pub selector: IndexMap<String, String>,
    /// The Service port's name.
    pub port: String,
    /// The metrics path.
    pub path: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The scrape interval: the service's, else `[prometheus] scrape-interval`
    /// when the stack sets one (else the operator's default).
    pub interval: Option<Duration>,
    /// The scrape timeout, when the service sets one.
    pub timeout: Option<Duration>,
    /// Whether the scraped series' own labels win over the target's.
    pub honor_labels: bool,
    /// The `service` and `team` target labels.
    pub target_labels: TargetLabels,
}

/// A `Probe` of one `[services]` entry's URLs through the blackbox exporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedBlackboxProbe {
    /// The object's name: `<entry>-probe`.
    pub name: String,
    /// The `job` label of the probe's series.
    pub job: String,
    /// The blackbox module.
    pub module: String,
    /// The blackbox exporter's address, `host:port`, as Prometheus reaches
    /// it from its own namespace.
    pub prober: String,
    /// The probed URLs, through the entry's Service.
    pub targets: Vec<String>,
    /// The `service` and `team` labels of the probed entry.
    pub target_labels: TargetLabels,
}

/// The `ConfigMap` of one Grafana dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDashboardMap {
    /// The `ConfigMap`'s name: `grafana-dashboard-<uid>`, lowercased, unique.
    pub name: String,
    /// The data key: `<uid>.json`.
    pub key: String,
    /// The dashboard's position in `plan.dashboards`.
    pub index: usize,
}

/// Plans the monitoring objects; `kubernetes` has its workloads already.
/// Nothing without `[prometheus]` (dashboards need `[grafana]`, routing
/// `[alertmanager]`, as in the compose bundle).
pub fn plan_monitoring(plan: &Plan, kubernetes: &mut KubernetesPlan) {
    let mut labels = kubernetes.common_labels.clone();
    for (key, value) in &kubernetes.prometheus_selector {
        labels.insert(key.clone(), value.clone());
    }
    let mut monitoring = PlannedMonitoring {
        labels,
        datasource_uid: kubernetes.grafana_datasource_uid.clone(),
        ..PlannedMonitoring::default()
    };
    monitoring.blackbox_config = prober_reads_the_stack_config(kubernetes);
    if plan.stack.prometheus.is_some() {
        monitoring.service_monitors = service_monitors(plan, kubernetes);
        monitoring.rule_groups = rule_groups(plan);
        monitoring.probes = probes(plan, kubernetes);
        if let Some(alertmanager) = plan.service(alertmanager::SERVICE) {
            monitoring.alertmanager_config = Some(format!("{}-routing", plan.stack.stack.name));
            // The receivers read their secrets from the stack's Secret too.
            kubernetes.secret_keys.extend(
                alertmanager
                    .secrets
                    .iter()
                    .map(|secret| secret.environment.clone()),
            );
            kubernetes.losses.push(Loss {
                pointer: pointer(["alertmanager"]),
                what: "`[alertmanager]` routing".to_owned(),
                consequence: format!(
                    "it becomes an AlertmanagerConfig, which the operator applies only to alerts with `namespace=\"{}\"`; the root route's grouping and timing apply under the cluster's own root route",
                    kubernetes.namespace
                ),
                fix: "label the stack's alerts with its namespace (rules from its PrometheusRules are), and have the Alertmanager select AlertmanagerConfigs in this namespace (kube-prometheus-stack selects every namespace by default)".to_owned(),
            });
        }
    }
    monitoring.dashboards = dashboard_maps(plan);
    if !monitoring.dashboards.is_empty() {
        kubernetes.losses.push(Loss {
            pointer: pointer(["grafana"]),
            what: "`[grafana]`".to_owned(),
            consequence: format!(
                "Grafana is not deployed: each dashboard is a ConfigMap labelled `{DASHBOARD_LABEL}: \"1\"` that Grafana's sidecar loads, querying the datasource with uid `{}`",
                monitoring.datasource_uid
            ),
            fix: format!(
                "let the sidecar search the namespace `{}` (kube-prometheus-stack: `grafana.sidecar.dashboards.searchNamespace: ALL`); set `[kubernetes] grafana-datasource-uid` if the datasource has another uid",
                kubernetes.namespace
            ),
        });
    }
    kubernetes.monitoring = monitoring;
}

/// The key of the blackbox exporter's configuration in its `ConfigMap`.
pub const BLACKBOX_CONFIG_KEY: &str = "config.yml";

/// The blackbox exporter reads the compose bundle's `blackbox.yml` (the
/// modules every probe uses) from a `ConfigMap` of its own, mounted where
/// the compose service mounts the generated file; that mount is no loss.
/// Returns the `ConfigMap`'s name.
fn prober_reads_the_stack_config(kubernetes: &mut KubernetesPlan) -> Option<String> {
    let workload = kubernetes
        .workloads
        .iter_mut()
        .find(|w| w.service == BLACKBOX)?;
    let config: Vec<String> = workload
        .container
        .mounts
        .iter()
        .filter(|mount| mount.path == BLACKBOX_CONFIG)
        .map(|mount| mount.volume.clone())
        .collect();
    workload
        .container
        .mounts
        .retain(|mount| mount.path != BLACKBOX_CONFIG);
    workload
        .volumes
        .retain(|volume| !config.contains(&volume.name));
    let name = format!("{}-config", workload.name);
    workload.volumes.push(PodVolume {
        name: "config".to_owned(),
        source: VolumeSource::ConfigMap { name: name.clone() },
    });
    workload.container.mounts.push(PlannedMount {
        volume: "config".to_owned(),
        path: BLACKBOX_CONFIG.to_owned(),
        sub_path: Some(BLACKBOX_CONFIG_KEY.to_owned()),
        read_only: true,
    });
    let own = pointer(["services", BLACKBOX]);
    kubernetes
        .losses
        .retain(|loss| !loss.pointer.starts_with(&own));
    Some(name)
}

/// One `ServiceMonitor` per scraped group whose workload has a Service.
fn service_monitors(plan: &Plan, kubernetes: &KubernetesPlan) -> Vec<PlannedServiceMonitor> {
    // The stack's own scrape interval, when it sets one; otherwise the
    // operator's Prometheus decides, as it does for every other monitor.
    let stack_interval = plan
        .stack
        .prometheus
        .as_ref()
        .and_then(|prometheus| prometheus.scrape_interval.clone());
    let mut monitors = Vec::new();
    for job in &plan.scrape_jobs {
        let Some(scraped) = &job.scraped else {
            continue;
        };
        let Some((workload, port)) = service_port(kubernetes, &scraped.service, scraped.port)
        else {
            continue;
        };
        monitors.push(PlannedServiceMonitor {
            name: workload.name.clone(),
            selector: workload.selector.clone(),
            port,
            path: job.path.clone(),
            scheme: job.scheme.clone(),
            interval: job.interval.clone().or_else(|| stack_interval.clone()),
            timeout: job.timeout.clone(),
            honor_labels: job.honor_labels,
            target_labels: scraped.labels.clone(),
        });
    }
    monitors
}

/// The workload of `group` and the name of its Service port `port`, when
/// the workload has a `ClusterIP` Service with that port.
fn service_port<'a>(
    kubernetes: &'a KubernetesPlan,
    group: &str,
    port: u16,
) -> Option<(&'a Workload, String)> {
    let workload = kubernetes.workload(group)?;
    if !workload.has_service() {
        return None;
    }
    let name = workload.port_name(port)?.to_owned();
    Some((workload, name))
}

/// Every rule group, in the order the rules renderer writes them.
fn rule_groups(plan: &Plan) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let names = plan
        .recording_rules
        .iter()
        .map(|r| r.group.as_str())
        .chain(plan.alerts.iter().map(|a| a.group.as_str()));
    for name in names {
        if seen.insert(name) {
            groups.push(name.to_owned());
        }
    }
    groups
}

/// One `Probe` per probed entry whose workload has a Service on the port
/// it is probed on, through the blackbox exporter's Service.
fn probes(plan: &Plan, kubernetes: &KubernetesPlan) -> Vec<PlannedBlackboxProbe> {
    let Some(blackbox) = kubernetes.workload(BLACKBOX) else {
        return Vec::new();
    };
    let prober = format!(
        "{}.{}.svc:{BLACKBOX_PORT}",
        blackbox.name, kubernetes.namespace
    );
    // The labels of each probed entry, as the compose bundle's probe job has them.
    let labels: IndexMap<String, TargetLabels> = probe_targets(plan)
        .into_iter()
        .filter(|probe| probe.module == PROBE_MODULE)
        .map(|probe| (probe.labels.service.clone(), probe.labels))
        .collect();
    // One entry per probed service: each `[services]` entry is one planned
    // service, and only entries have `probes`.
    let mut planned = Vec::new();
    for service in &plan.services {
        if service.probes.is_empty() {
            continue;
        }
        let owner = owner_of(plan, service);
        let (Some(port), Some(target_labels)) = (service.primary_port(), labels.get(&owner)) else {
            continue;
        };
        let Some((workload, _)) = service_port(kubernetes, &service.name, port) else {
            continue;
        };
        let host = format!("{}.{}.svc", workload.name, kubernetes.namespace);
        planned.push(PlannedBlackboxProbe {
            name: format!("{owner}-probe"),
            job: PROBE_JOB.to_owned(),
            module: PROBE_MODULE.to_owned(),
            prober: prober.clone(),
            targets: service
                .probes
                .iter()
                .map(|path| format!("http://{host}:{port}{path}"))
                .collect(),
            target_labels: target_labels.clone(),
        });
    }
    planned
}

/// One `ConfigMap` per dashboard, named after its uid (lowercased, `_` as
/// `-`), numbered when two uids differ only there.
fn dashboard_maps(plan: &Plan) -> Vec<PlannedDashboardMap> {
    let mut taken: HashSet<String> = HashSet::new();
    plan.dashboards
        .iter()
        .enumerate()
        .map(|(index, dashboard)| {
            let slug: String = dashboard
                .uid
                .chars()
                .map(|c| match c {
                    'A'..='Z' => c.to_ascii_lowercase(),
                    'a'..='z' | '0'..='9' => c,
                    _ => '-',
                })
                .collect();
            let base = format!("{DASHBOARD_PREFIX}{}", slug.trim_matches('-'));
            let base = base.trim_end_matches('-').to_owned();
            let mut name = base.clone();
            let mut number = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}-{number}");
                number += 1;
            }
            PlannedDashboardMap {
                name,
                key: format!("{}.json", dashboard.uid),
                index,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::Targets;

    fn planned(text: &str) -> super::KubernetesPlan {
        let mut loaded = crate::load::load_str("stack.toml", text).expect("loads");
        loaded.targets = Targets::ALL;
        let output = crate::run(&loaded, &crate::Options::default()).expect("valid");
        output.plan.kubernetes.expect("the Kubernetes plan")
    }

    const STACK: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
team = "payments"
replicas = 2
expose = [8000]
metrics = { path = "/metrics", interval = "30s" }
probes = ["/health"]

[services.db]
image = "postgres:16"
kind = "postgres"
expose = [5432]
exporter = true

[prometheus]
"#;

    #[test]
    fn monitors_name_the_service_port_and_carry_the_target_labels() {
        let kubernetes = planned(STACK);
        let monitors: Vec<(&str, &str, &str, &str)> = kubernetes
            .monitoring
            .service_monitors
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.port.as_str(),
                    m.target_labels.service.as_str(),
                    m.target_labels.team.as_str(),
                )
            })
            .collect();
        assert_eq!(
            monitors,
            [
                ("api", "tcp-8000", "api", "payments"),
                ("db-exporter", "tcp-9187", "db", "database"),
                (
                    "blackbox-exporter",
                    "tcp-9115",
                    "blackbox-exporter",
                    "infrastructure"
                ),
            ]
        );
        assert_eq!(
            kubernetes.monitoring.service_monitors[0]
                .interval
                .as_ref()
                .map(crate::config::Duration::as_str),
            Some("30s")
        );
        assert_eq!(
            kubernetes.monitoring.labels["release"],
            "kube-prometheus-stack"
        );
        // Prometheus itself is the operator's: no workload, no monitor.
        assert!(kubernetes.workload("prometheus").is_none());
    }

    #[test]
    fn monitors_without_an_interval_take_the_stacks_scrape_interval() {
        let interval = |kubernetes: &super::KubernetesPlan, name: &str| {
            kubernetes
                .monitoring
                .service_monitors
                .iter()
                .find(|m| m.name == name)
                .and_then(|m| m.interval.as_ref())
                .map(|d| d.as_str().to_owned())
        };
        // Unset: the operator's Prometheus decides.
        assert_eq!(interval(&planned(STACK), "db-exporter"), None);
        let stack = STACK.replace("[prometheus]", "[prometheus]\nscrape-interval = \"20s\"");
        let kubernetes = planned(&stack);
        assert_eq!(interval(&kubernetes, "db-exporter").as_deref(), Some("20s"));
        // A service's own interval wins.
        assert_eq!(interval(&kubernetes, "api").as_deref(), Some("30s"));
    }

    #[test]
    fn probes_go_through_the_deployed_blackbox_exporter_with_the_stack_config() {
        let kubernetes = planned(STACK);
        let probe = &kubernetes.monitoring.probes[0];
        assert_eq!(probe.name, "api-probe");
        assert_eq!(probe.prober, "blackbox-exporter.shop.svc:9115");
        assert_eq!(probe.targets, ["http://api.shop.svc:8000/health"]);
        assert_eq!(probe.job, "blackbox");
        assert_eq!(probe.target_labels.team, "payments");
        let blackbox = kubernetes
            .workload("blackbox-exporter")
            .expect("the prober runs in the cluster");
        let mount = &blackbox.container.mounts[0];
        assert_eq!(
            (mount.path.as_str(), mount.sub_path.as_deref()),
            ("/etc/blackbox_exporter/config.yml", Some("config.yml"))
        );
        assert_eq!(
            kubernetes.monitoring.blackbox_config.as_deref(),
            Some("blackbox-exporter-config")
        );
        assert!(
            !kubernetes
                .losses
                .iter()
                .any(|loss| loss.pointer.contains("blackbox"))
        );
    }

    #[test]
    fn rule_groups_follow_the_rules_files_and_dashboards_get_unique_names() {
        let kubernetes = planned(&format!(
            "{STACK}[grafana]\nadmin-password = \"${{GRAFANA_PASSWORD}}\"\n[[dashboards]]\ntitle = \"A\"\nuid = \"My_Board\"\n[[dashboards]]\ntitle = \"B\"\nuid = \"my-board\"\n"
        ));
        assert!(
            kubernetes
                .monitoring
                .rule_groups
                .iter()
                .any(|g| g == "library-postgres")
        );
        let names: Vec<(&str, &str)> = kubernetes
            .monitoring
            .dashboards
            .iter()
            .take(2)
            .map(|d| (d.name.as_str(), d.key.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("grafana-dashboard-my-board", "My_Board.json"),
                ("grafana-dashboard-my-board-2", "my-board.json"),
            ]
        );
        assert!(
            kubernetes
                .losses
                .iter()
                .any(|loss| loss.consequence.contains("grafana_dashboard"))
        );
    }
}
