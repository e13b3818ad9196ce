//! `prometheus/prometheus.yml` and `blackbox/blackbox.yml`.
//!
//! One scrape job per planned service with `metrics` (user services and
//! generated exporters alike): a static target for a service of one
//! container, DNS discovery of every replica for a replicated one
//! ([`crate::plan::prometheus::ScrapeTargets`]), labelled
//! `service=<the [services] entry>` and
//! `team=<its team, else the team of the job's library file>` (see
//! [`crate::plan::prometheus::target_labels`]; the built-in alerts take
//! these labels from the series); a probe job through the blackbox exporter
//! for services with `probes` and nginx's TLS listener, labelled the same way
//! per probed service, each target group naming its blackbox module
//! (`__param_module`);
//! the extra jobs of `[prometheus] scrape`, as written; rule files and
//! Alertmanager.

use indexmap::IndexMap;
use serde::Serialize;

use super::OutputFile;
use super::format::{to_yaml, yaml_file};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::alertmanager::SERVICE as ALERTMANAGER;
use crate::plan::prometheus::{
    BLACKBOX, BLACKBOX_PORT, PROBE_JOB, ScrapeTargets, TLS_PROBE_MODULE, TargetLabels,
    probe_targets, scrape_targets, target_labels,
};

/// The path of prometheus.yml in the bundle.
pub const PATH: &str = "prometheus/prometheus.yml";
/// The path of the blackbox exporter's configuration in the bundle.
pub const BLACKBOX_PATH: &str = "blackbox/blackbox.yml";

/// Renders prometheus.yml (and blackbox.yml when anything is probed).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(prometheus) = &plan.stack.prometheus else {
        return Ok(Vec::new());
    };
    let meta = &plan.stack.stack;
    let mut external_labels = IndexMap::new();
    if let Some(environment) = &meta.environment {
        external_labels.insert("environment".to_owned(), environment.clone());
    }
    if let Some(cluster) = &meta.cluster {
        external_labels.insert("cluster".to_owned(), cluster.clone());
    }
    for (key, value) in &prometheus.external_labels {
        external_labels.insert(key.to_string(), value.clone());
    }
    let config = Config {
        global: Global {
            scrape_interval: prometheus
                .scrape_interval
                .as_ref()
                .map_or_else(|| "15s".to_owned(), |d| d.as_str().to_owned()),
            evaluation_interval: prometheus
                .evaluation_interval
                .as_ref()
                .map_or_else(|| "15s".to_owned(), |d| d.as_str().to_owned()),
            external_labels,
        },
        alerting: plan.stack.alertmanager.as_ref().map(|_| Alerting {
            alertmanagers: vec![AlertmanagerConfig {
                // Behind the proxy under a prefix, Alertmanager's API moved with it.
                path_prefix: plan.web_prefix(ALERTMANAGER).to_owned(),
                static_configs: vec![StaticConfig {
                    targets: vec!["alertmanager:9093".to_owned()],
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

fn scrape_configs(plan: &Plan) -> Vec<ScrapeConfig> {
    let mut configs: Vec<ScrapeConfig> = Vec::new();
    for service in &plan.services {
        let (Some(metrics), Some(targets)) = (&service.metrics, scrape_targets(service)) else {
            continue;
        };
        let labels = label_map(target_labels(plan, service));
        let (static_configs, dns_sd_configs, relabel_configs) = match targets {
            ScrapeTargets::Static(target) => (
                vec![StaticConfig {
                    targets: vec![target],
                    labels,
                }],
                Vec::new(),
                Vec::new(),
            ),
            // A discovered target has no labels of its own: relabeling sets them.
            ScrapeTargets::Dns { name, port } => (
                Vec::new(),
                vec![DnsSdConfig {
                    names: vec![name],
                    kind: "A",
                    port,
                }],
                labels
                    .into_iter()
                    .map(|(label, value)| Relabel {
                        source_labels: Vec::new(),
                        target_label: label,
                        replacement: Some(literal_replacement(&value)),
                    })
                    .collect(),
            ),
        };
        configs.push(ScrapeConfig {
            job_name: service.name.clone(),
            scrape_interval: metrics.interval.clone(),
            scrape_timeout: metrics.timeout.clone(),
            metrics_path: metrics.path.clone(),
            scheme: metrics.scheme.clone(),
            honor_labels: metrics.honor_labels,
            params: IndexMap::new(),
            static_configs,
            dns_sd_configs,
            relabel_configs,
        });
    }
    if plan.service(BLACKBOX).is_some() {
        configs.push(probe_job(plan));
    }
    if let Some(prometheus) = &plan.stack.prometheus {
        for extra in &prometheus.scrape {
            configs.push(ScrapeConfig {
                job_name: extra.job.clone(),
                scrape_interval: extra.interval.as_ref().map(|d| d.as_str().to_owned()),
                scrape_timeout: None,
                metrics_path: extra.path.clone().unwrap_or_else(|| "/metrics".to_owned()),
                scheme: extra.scheme.clone().unwrap_or_else(|| "http".to_owned()),
                honor_labels: false,
                params: IndexMap::new(),
                static_configs: vec![StaticConfig {
                    targets: extra.targets.clone(),
                    labels: IndexMap::new(),
                }],
                dns_sd_configs: Vec::new(),
                relabel_configs: Vec::new(),
            });
        }
    }
    configs
}

/// The probe job: every probed URL is a target; relabeling hands it to the
/// blackbox exporter as `?target=` and keeps it as `instance`. Each group of
/// targets names its module as `__param_module` (`?module=`): a job-level
/// `params` would override it.
fn probe_job(plan: &Plan) -> ScrapeConfig {
    let static_configs = probe_targets(plan)
        .into_iter()
        .map(|probed| {
            let mut labels = IndexMap::new();
            labels.insert("__param_module".to_owned(), probed.module.to_owned());
            labels.extend(label_map(probed.labels));
            StaticConfig {
                targets: probed.targets,
                labels,
            }
        })
        .collect();
    ScrapeConfig {
        job_name: PROBE_JOB.to_owned(),
        scrape_interval: None,
        scrape_timeout: None,
        metrics_path: "/probe".to_owned(),
        scheme: "http".to_owned(),
        honor_labels: false,
        params: IndexMap::new(),
        static_configs,
        dns_sd_configs: Vec::new(),
        relabel_configs: vec![
            Relabel {
                source_labels: vec!["__address__".to_owned()],
                target_label: "__param_target".to_owned(),
                replacement: None,
            },
            Relabel {
                source_labels: vec!["__param_target".to_owned()],
                target_label: "instance".to_owned(),
                replacement: None,
            },
            Relabel {
                source_labels: Vec::new(),
                target_label: "__address__".to_owned(),
                replacement: Some(format!("{BLACKBOX}:{BLACKBOX_PORT}")),
            },
        ],
    }
}

/// `value` as a relabeling `replacement`, which expands `$1` and `${name}`:
/// `$$` is a literal `$`.
fn literal_replacement(value: &str) -> String {
    value.replace('$', "$$")
}

fn label_map(labels: TargetLabels) -> IndexMap<String, String> {
    let mut map = IndexMap::new();
    map.insert("service".to_owned(), labels.service);
    map.insert("team".to_owned(), labels.team);
    map
}

/// `blackbox.yml` without its header: the modules the probe job's targets
/// use, for the Kubernetes target's `ConfigMap` of the same file.
pub fn blackbox_yaml(plan: &Plan) -> Result<String, Error> {
    to_yaml(&blackbox_config(plan))
}

/// The modules the probe job's targets use.
fn blackbox_config(plan: &Plan) -> BlackboxConfig {
    let mut modules = IndexMap::new();
    for probed in probe_targets(plan) {
        let module = match probed.module {
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
        };
        modules.entry(probed.module.to_owned()).or_insert(module);
    }
    BlackboxConfig { modules }
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
    relabel_configs: Vec<Relabel>,
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
struct Relabel {
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
