//! `[logs]`: Loki stores the logs, Alloy collects them, Grafana reads them;
//! and each service's `logs` setting (opt out, static labels).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{BindAddress, Table};
use crate::syntax::{Duration, ReleaseVersion};

/// The Loki release when `[logs] loki.version` is unset.
pub const DEFAULT_LOKI_VERSION: &str = "3.7.6";
/// The Alloy release when `[logs] alloy.version` is unset.
pub const DEFAULT_ALLOY_VERSION: &str = "1.18.1";
/// How long Loki keeps logs when `[logs] loki.retention` is unset: as long
/// as Prometheus keeps metrics by default, so both cover the same window.
pub const DEFAULT_LOG_RETENTION: &str = "15d";
/// The host files Alloy reads with `host-logs = true`.
pub const DEFAULT_HOST_LOGS: &[&str] = &["/var/log/syslog", "/var/log/messages", "/var/log/*.log"];

/// Logs: a Loki server, an Alloy agent collecting every container's output
/// from the Docker socket, and a Loki datasource in Grafana.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Logs {
    /// The Loki server: single binary, filesystem storage, retention by its compactor.
    #[serde(default)]
    pub loki: Loki,
    /// The Alloy agent that collects the logs.
    #[serde(default)]
    pub alloy: Alloy,
    /// Also collect log files of the host under `/var/log` (mounted read-only):
    /// `true` for `/var/log/syslog`, `/var/log/messages` and `/var/log/*.log`, or a
    /// list of paths and globs under `/var/log/` (`["/var/log/nginx/*.log"]`).
    #[serde(default)]
    pub host_logs: HostLogs,
}

/// The Loki server of `[logs]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Loki {
    /// The `grafana/loki` release, such as `3.7.6` (2.9.x and 3.x are supported;
    /// 3.7.6 by default).
    #[serde(default)]
    pub version: Option<ReleaseVersion>,
    /// How long logs are kept, at least a day (`15d` by default); the compactor deletes older ones.
    #[serde(default)]
    pub retention: Option<Duration>,
    /// The published host port of Loki's HTTP API (3100 by default; Loki listens on 3100 inside).
    #[serde(default)]
    pub port: Option<u16>,
    /// The host address the port is published on, such as `127.0.0.1` to keep it off other machines (all addresses by default).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bind: Option<BindAddress>,
}

/// The Alloy agent of `[logs]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Alloy {
    /// The `grafana/alloy` release, such as `1.18.1` (1.x is supported; 1.18.1 by default).
    #[serde(default)]
    pub version: Option<ReleaseVersion>,
}

/// Which host log files Alloy reads.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HostLogs {
    /// `true` reads the usual files under `/var/log`; `false` (the default) none.
    Enabled(bool),
    /// Paths or globs under `/var/log/`, such as `/var/log/nginx/*.log`.
    Paths(Vec<String>),
}

impl Default for HostLogs {
    fn default() -> Self {
        Self::Enabled(false)
    }
}

impl HostLogs {
    /// The paths read, in order: the defaults for `true`, none for `false`.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Self::Enabled(true) => DEFAULT_HOST_LOGS.to_vec(),
            Self::Enabled(false) => Vec::new(),
            Self::Paths(paths) => paths.iter().map(String::as_str).collect(),
        }
    }
}

/// A service's logs: `false` leaves them out; a table adds static labels.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ServiceLogs {
    /// `true` (the default) collects the service's output; `false` leaves it out.
    Enabled(bool),
    /// Collected, with settings.
    Settings(Table<ServiceLogSettings>),
}

impl ServiceLogs {
    /// Whether the service's output is collected.
    pub fn collected(&self) -> bool {
        match self {
            Self::Enabled(on) => *on,
            Self::Settings(_) => true,
        }
    }

    /// The static labels added to the service's log lines.
    pub fn labels(&self) -> Option<&IndexMap<String, String>> {
        match self {
            Self::Enabled(_) => None,
            Self::Settings(settings) => Some(&settings.labels),
        }
    }
}

/// Log settings of a collected service.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServiceLogSettings {
    /// Labels added to every log line of the service, such as `{ tier = "web" }`:
    /// Loki label names, other than the ones stackgen sets.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
}

/// The labels stackgen puts on log lines itself, which a service's own
/// labels may not take.
pub const GENERATED_LOG_LABELS: &[&str] = &[
    "service",
    "team",
    "container",
    "project",
    "stream",
    "job",
    "filename",
];

/// How the container of a Loki release is asked whether it is ready
/// (`/ready`), which depends on what its image holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LokiProbe {
    /// `BusyBox` `wget` (the Alpine images up to 3.1, the distroless debug
    /// images of 3.2 to 3.5).
    Wget,
    /// `loki -health` (3.6.5 and later, whose distroless images hold no other tool).
    LokiHealth,
}

/// Whether stackgen writes configuration for Loki release `parts` (2.9.x,
/// whose schema v13 the configuration uses, to 3.x), and how its container
/// is probed; else why not.
pub fn loki_release(parts: (u32, u32, u32)) -> Result<LokiProbe, &'static str> {
    match parts {
        (2, 9, _) | (3, 0..=5, _) => Ok(LokiProbe::Wget),
        (3, 6, 0..=4) => Err(
            "the images of 3.6.0 to 3.6.4 hold neither a shell tool nor `loki -health` for the health check on /ready",
        ),
        (3, _, _) => Ok(LokiProbe::LokiHealth),
        (0..=1, _, _) | (2, 0..=8, _) => {
            Err("releases before 2.9 lack the TSDB index schema v13 the configuration uses")
        }
        _ => Err("its configuration format is not known yet"),
    }
}

/// Whether stackgen writes configuration for Alloy release `parts` (1.x); else why not.
pub fn alloy_release(parts: (u32, u32, u32)) -> Result<(), &'static str> {
    match parts.0 {
        1 => Ok(()),
        0 => Err("releases before 1.0 are previews with another configuration"),
        _ => Err("its configuration format is not known yet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_supported_from_loki_2_9_and_alloy_1() {
        assert_eq!(loki_release((2, 9, 0)), Ok(LokiProbe::Wget));
        assert_eq!(loki_release((3, 5, 12)), Ok(LokiProbe::Wget));
        assert!(loki_release((3, 6, 4)).is_err());
        assert_eq!(loki_release((3, 6, 5)), Ok(LokiProbe::LokiHealth));
        assert_eq!(loki_release((3, 7, 6)), Ok(LokiProbe::LokiHealth));
        assert!(loki_release((2, 8, 11)).is_err());
        assert!(loki_release((4, 0, 0)).is_err());
        assert_eq!(alloy_release((1, 0, 0)), Ok(()));
        assert!(alloy_release((0, 40, 0)).is_err());
        assert!(alloy_release((2, 0, 0)).is_err());
    }
}
