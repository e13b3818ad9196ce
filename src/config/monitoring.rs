//! Prometheus and Grafana server settings.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::BindAddress;
use crate::syntax::{ByteSize, Duration, LabelName, SecretRef};

/// How long Prometheus keeps data when `retention` is unset (its own default).
pub const DEFAULT_RETENTION: &str = "15d";
/// How often Prometheus scrapes and evaluates rules when the section says
/// nothing: 15 s, the interval every interval check assumes by default.
pub const DEFAULT_INTERVAL_MS: u64 = 15_000;

/// The Prometheus server.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Prometheus {
    /// The image.
    #[serde(default)]
    pub image: Option<String>,
    /// The published port (9090 by default).
    #[serde(default)]
    pub port: Option<u16>,
    /// The host address the port is published on, such as `127.0.0.1` to keep it off other machines (all addresses by default).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bind: Option<BindAddress>,
    /// How often to scrape targets (15s by default).
    #[serde(default)]
    pub scrape_interval: Option<Duration>,
    /// How often to evaluate rules (15s by default).
    #[serde(default)]
    pub evaluation_interval: Option<Duration>,
    /// How long to keep data (15d by default). An SLO's period must fit in it.
    #[serde(default)]
    pub retention: Option<Duration>,
    /// The most disk the data may take, such as `10GB`.
    #[serde(default)]
    pub retention_size: Option<ByteSize>,
    /// Labels added to every series and alert leaving this server.
    #[serde(default)]
    pub external_labels: IndexMap<LabelName, String>,
    /// Run node-exporter for host metrics.
    #[serde(default)]
    pub node_exporter: bool,
    /// Run cAdvisor for container metrics.
    #[serde(default)]
    pub cadvisor: bool,
    /// Extra scrape jobs for targets outside the stack's services.
    #[serde(default)]
    pub scrape: Vec<ExtraScrape>,
}

impl Prometheus {
    /// How often targets are scraped: `scrape-interval`, else [`DEFAULT_INTERVAL_MS`].
    pub fn scrape_interval_or_default(&self) -> Duration {
        self.scrape_interval
            .clone()
            .unwrap_or_else(|| Duration::from_millis(DEFAULT_INTERVAL_MS))
    }

    /// How often rules are evaluated: `evaluation-interval`, else [`DEFAULT_INTERVAL_MS`].
    pub fn evaluation_interval_or_default(&self) -> Duration {
        self.evaluation_interval
            .clone()
            .unwrap_or_else(|| Duration::from_millis(DEFAULT_INTERVAL_MS))
    }
}

/// An extra scrape job.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExtraScrape {
    /// The job name.
    pub job: String,
    /// `host:port` targets.
    pub targets: Vec<String>,
    /// The metrics path.
    #[serde(default)]
    pub path: Option<String>,
    /// `http` or `https`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The scrape interval.
    #[serde(default)]
    pub interval: Option<Duration>,
}

/// The Grafana server.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Grafana {
    /// The image (`grafana/grafana` at a pinned version by default).
    #[serde(default)]
    pub image: Option<String>,
    /// The published host port (3000 by default; Grafana listens on 3000 inside).
    #[serde(default)]
    pub port: Option<u16>,
    /// The host address the port is published on, such as `127.0.0.1` to keep it off other machines (all addresses by default).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bind: Option<BindAddress>,
    /// The admin user name (`admin` by default).
    #[serde(default)]
    pub admin_user: Option<String>,
    /// The admin password, as `${VAR}`. Required: without it Grafana would
    /// start with its well-known default password.
    #[serde(default)]
    pub admin_password: Option<SecretRef>,
    /// Generate a RED dashboard for the services with metrics (one, with a service picker) and one per exporter kind.
    #[serde(default = "yes")]
    pub auto_dashboards: bool,
}

const fn yes() -> bool {
    true
}
