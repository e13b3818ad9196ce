//! `prometheus/prometheus.yml` and `blackbox/blackbox.yml`: the plan's
//! scrape jobs ([`crate::plan::scrape_jobs`]) in Prometheus' terms, the
//! rule files and Alertmanager; the blackbox modules the probe job names.

use indexmap::IndexMap;
use serde::Serialize;

use super::OutputFile;
use super::format::{to_yaml, yaml_file};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::prometheus::{BLACKBOX, TLS_PROBE_MODULE};
use crate::plan::scrape_jobs::{JobTargets, Relabel, ScrapeJob, TargetGroup};

/// The path of prometheus.yml in the bundle.
pub const PATH: &str = "prometheus/prometheus.yml";
/// The path of the blackbox exporter's configuration in the bundle.
pub const BLACKBOX_PATH: &str = "blackbox/blackbox.yml";

/// Renders prometheus.yml (and blackbox.yml when anything is probed).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(server) = &plan.prometheus else {
        return Ok(Vec::new());
    };
    let config = Config {
        global: Global {
            scrape_interval: server.scrape_interval.to_string(),
            evaluation_interval: server.evaluation_interval.to_string(),
            external_labels: server.external_labels.clone(),
        },
        alerting: server.alertmanager.as_ref().map(|target| Alerting {
            alertmanagers: vec![AlertmanagerConfig {
                path_prefix: target.path_prefix.clone(),
                static_configs: vec![StaticConfig {
                    targets: vec![target.address.clone()],
                    labels: IndexMap::new(),
                }],
            }],
        }),
        rule_files: vec!["rules/*.yml".to_owned()],
        scrape_configs: scrape_configs(plan),
    };
    let mut files = vec![OutputFile::text(PATH, yaml_file(plan, &config)?)];
    if plan.service(BLACKBOX).is_some() {
        files.push(OutputFile::text(
            BLACKBOX_PATH,
            yaml_file(plan, &blackbox_config(plan))?,
        ));
    }
    Ok(files)
}

/// The plan's scrape jobs in prometheus.yml's terms.
fn scrape_configs(plan: &Plan) -> Vec<ScrapeConfig> {
    plan.scrape_jobs.iter().map(scrape_config).collect()
}

fn scrape_config(job: &ScrapeJob) -> ScrapeConfig {
    let (static_configs, dns_sd_configs) = match &job.targets {
        JobTargets::Static(groups) => (groups.iter().map(static_config).collect(), Vec::new()),
        JobTargets::Dns { names, port } => (
            Vec::new(),
            vec![DnsSdConfig {
                names: names.clone(),
                kind: "A",
                port: *port,
            }],
        ),
    };
    ScrapeConfig {
        job_name: job.name.clone(),
        scrape_interval: job.interval.as_ref().map(ToString::to_string),
        scrape_timeout: job.timeout.as_ref().map(ToString::to_string),
        metrics_path: job.path.clone(),
        scheme: job.scheme.clone(),
        honor_labels: job.honor_labels,
        params: IndexMap::new(),
        static_configs,
        dns_sd_configs,
        relabel_configs: job.relabels.iter().map(relabel).collect(),
    }
}

/// A group of targets; a blackbox module is the `__param_module` label
/// (`?module=`), since a job-level `params` would apply to every group.
fn static_config(group: &TargetGroup) -> StaticConfig {
    let mut labels = IndexMap::new();
    if let Some(module) = group.module {
        labels.insert("__param_module".to_owned(), module.to_owned());
    }
    labels.extend(group.labels.clone());
    StaticConfig {
        targets: group.targets.clone(),
        labels,
    }
}

fn relabel(step: &Relabel) -> RelabelConfig {
    match step {
        Relabel::Set { label, value } => RelabelConfig {
            source_labels: Vec::new(),
            target_label: label.clone(),
            replacement: Some(literal_replacement(value)),
        },
        Relabel::Copy { from, to } => RelabelConfig {
            source_labels: vec![from.clone()],
            target_label: to.clone(),
            replacement: None,
        },
    }
}

/// `value` as a relabeling `replacement`, which expands `$1` and `${name}`:
/// `$$` is a literal `$`.
fn literal_replacement(value: &str) -> String {
    value.replace('$', "$$")
}

/// `blackbox.yml` without its header: the modules the probe job's targets
/// use, for the Kubernetes target's `ConfigMap` of the same file.
pub fn blackbox_yaml(plan: &Plan) -> Result<String, Error> {
    to_yaml(&blackbox_config(plan))
}

/// The modules the probe job's targets use, in their order.
fn blackbox_config(plan: &Plan) -> BlackboxConfig {
    let mut modules = IndexMap::new();
    let groups = plan.scrape_jobs.iter().flat_map(|job| match &job.targets {
        JobTargets::Static(groups) => groups.as_slice(),
        JobTargets::Dns { .. } => &[],
    });
    for module in groups.filter_map(|group| group.module) {
        modules
            .entry(module.to_owned())
            .or_insert_with(|| blackbox_module(module));
    }
    BlackboxConfig { modules }
}

/// What a blackbox module does: a TLS handshake for [`TLS_PROBE_MODULE`],
/// else an HTTP request that a 2xx answer passes.
fn blackbox_module(module: &str) -> BlackboxModule {
    match module {
        TLS_PROBE_MODULE => BlackboxModule {
            prober: "tcp",
            timeout: "5s",
            http: None,
            tcp: Some(BlackboxTcp {
                preferred_ip_protocol: "ip4",
                tls: true,
                tls_config: BlackboxTls {
                    insecure_skip_verify: true,
                },
            }),
        },
        _ => BlackboxModule {
            prober: "http",
            timeout: "5s",
            http: Some(BlackboxHttp {
                preferred_ip_protocol: "ip4",
                follow_redirects: true,
            }),
            tcp: None,
        },
    }
}

#[derive(Serialize)]
struct Config {
    global: Global,
    #[serde(skip_serializing_if = "Option::is_none")]
    alerting: Option<Alerting>,
    rule_files: Vec<String>,
    scrape_configs: Vec<ScrapeConfig>,
}

#[derive(Serialize)]
struct Global {
    scrape_interval: String,
    evaluation_interval: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    external_labels: IndexMap<String, String>,
}

#[derive(Serialize)]
struct Alerting {
    alertmanagers: Vec<AlertmanagerConfig>,
}

#[derive(Serialize)]
struct AlertmanagerConfig {
    #[serde(skip_serializing_if = "String::is_empty")]
    path_prefix: String,
    static_configs: Vec<StaticConfig>,
}

#[derive(Serialize)]
struct ScrapeConfig {
    job_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scrape_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scrape_timeout: Option<String>,
    metrics_path: String,
    scheme: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    honor_labels: bool,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    params: IndexMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    static_configs: Vec<StaticConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dns_sd_configs: Vec<DnsSdConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relabel_configs: Vec<RelabelConfig>,
}

#[derive(Serialize)]
struct StaticConfig {
    targets: Vec<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    labels: IndexMap<String, String>,
}

/// DNS service discovery: every address `names` resolve to, at `port`.
#[derive(Serialize)]
struct DnsSdConfig {
    names: Vec<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    port: u16,
}

#[derive(Serialize)]
struct RelabelConfig {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    source_labels: Vec<String>,
    target_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement: Option<String>,
}

#[derive(Serialize)]
struct BlackboxConfig {
    modules: IndexMap<String, BlackboxModule>,
}

#[derive(Serialize)]
struct BlackboxModule {
    prober: &'static str,
    timeout: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<BlackboxHttp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp: Option<BlackboxTcp>,
}

#[derive(Serialize)]
struct BlackboxHttp {
    preferred_ip_protocol: &'static str,
    follow_redirects: bool,
}

#[derive(Serialize)]
struct BlackboxTcp {
    preferred_ip_protocol: &'static str,
    tls: bool,
    tls_config: BlackboxTls,
}

#[derive(Serialize)]
struct BlackboxTls {
    insecure_skip_verify: bool,
}
