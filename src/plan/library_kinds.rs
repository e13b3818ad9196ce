//! Which built-in library file (`templates/alerts/<kind>.toml`) and team a
//! scraped service gets, and what the checks need to know of a file's rules:
//! a leaf both the checks (`validate/alerts.rs`) and the plan's alert
//! library read, so neither reaches into the other.

use super::PlannedService;
use super::alertmanager::SERVICE as ALERTMANAGER;
use super::library_file::load;
use super::prometheus::{BLACKBOX, CADVISOR, NODE_EXPORTER, PROMETHEUS};
use crate::config::ServiceKind;

/// How every group of the library is named: `library-<kind>`,
/// `library-<kind>-<service>`.
pub const LIBRARY_GROUP_PREFIX: &str = "library-";

/// The library file every scrape job gets.
pub const TARGETS: &str = "targets";

/// The library file whose rules watch the probe job rather than their own.
pub const PROBES: &str = "blackbox";

/// The library file of `kind = "app"` services.
pub const APP: &str = "app";

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::library_file::kinds;

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
