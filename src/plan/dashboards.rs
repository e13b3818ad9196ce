//! The Grafana dashboards of the plan: the stack's own `[[dashboards]]`,
//! then the built-in ones it gets (none without `[grafana]` or with
//! `auto-dashboards = false`), in a stable order.
//!
//! The built-in dashboards are data, `templates/dashboards/<name>.toml`,
//! written in the `[[dashboards]]` syntax of stack.toml, so any of them can
//! be copied into a stack. Each is fixed-size: the services it covers are
//! template-variable values read from Prometheus, not copies of the
//! dashboard, so a stack of a thousand services still gets a handful of files.
//!
//! | file | the stack gets it when |
//! | --- | --- |
//! | `overview` | always |
//! | `services` (RED, a `service` picker) | a service has `metrics` |
//! | `redis`, `postgres`, `mongodb`, `kafka`, `elasticsearch` | a service of that kind has its exporter on |
//! | `nginx` | it has `[ingress]` |
//! | `node` | `[prometheus] node-exporter = true` |
//! | `containers` | `[prometheus] cadvisor = true` |
//! | `blackbox` | a service has `probes` |
//! | `slos` (an SLO picker) | it has `[[slos]]` and `[prometheus]` |
//!
//! A built-in title is a template in the bracket syntax with the stack's
//! name as `[[ stack ]]` (`[[ stack ]] overview`). A dashboard of the stack
//! whose uid is a built-in one's takes its place: copy a built-in into the
//! stack, keep its uid and change what you like.
//!
//! What logs add (the overview's logs row, the links to logs) is decided once
//! the services are planned, in [`super::logs_links`].

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::dashboard_uid::dashboard_uid;
use crate::config::{Dashboard, Exporter, ServiceKind, Stack};
use crate::error::Error;
use crate::templates;

/// The directory of the built-in dashboards under `templates/`.
const DIR: &str = "dashboards";

/// A dashboard of the plan.
#[derive(Debug, Clone)]
pub struct PlannedDashboard {
    /// Its uid: the one written, else a slug of its title.
    pub uid: String,
    /// The dashboard.
    pub dashboard: Dashboard,
    /// Whether it is a built-in one (from `templates/dashboards/`).
    pub builtin: bool,
}

/// Every dashboard of `stack`: its own first, then the built-in ones it gets.
pub fn dashboards(stack: &Stack) -> Result<Vec<PlannedDashboard>, Error> {
    let mut all: Vec<PlannedDashboard> = stack
        .dashboards
        .iter()
        .map(|dashboard| PlannedDashboard {
            uid: dashboard_uid(dashboard),
            dashboard: dashboard.clone(),
            builtin: false,
        })
        .collect();
    let taken: HashSet<String> = all.iter().map(|d| d.uid.clone()).collect();
    for name in builtin_names(stack) {
        for builtin in load(name)? {
            let uid = dashboard_uid(builtin);
            if taken.contains(&uid) {
                continue;
            }
            let mut dashboard = builtin.clone();
            dashboard.title = templates::bracket_environment()?
                .render_str(
                    &builtin.title,
                    minijinja::context! { stack => &stack.stack.name },
                )
                .map_err(|e| Error::Bug(format!("built-in dashboard {name}: {e:#}")))?;
            all.push(PlannedDashboard {
                uid,
                dashboard,
                builtin: true,
            });
        }
    }
    Ok(all)
}

/// Every built-in dashboard file name (`overview`, `redis`, ...), sorted.
pub fn builtin_files() -> Vec<&'static str> {
    templates::files_in(DIR, ".toml")
        .into_iter()
        .filter_map(|path| path.strip_prefix("dashboards/")?.strip_suffix(".toml"))
        .collect()
}

/// The built-in dashboard files `stack` gets, in the order of its dashboards.
fn builtin_names(stack: &Stack) -> Vec<&'static str> {
    if !stack.grafana.as_ref().is_some_and(|g| g.auto_dashboards) {
        return Vec::new();
    }
    let mut names = vec!["overview"];
    if stack.services.values().any(|s| s.metrics.is_some()) {
        names.push("services");
    }
    let mut exporters: Vec<&'static str> = stack
        .services
        .values()
        .filter(|s| match &s.exporter {
            Some(Exporter::Enabled(on)) => *on,
            Some(Exporter::Custom(_)) => true,
            None => false,
        })
        .filter_map(|s| exporter_file(s.kind))
        .collect();
    exporters.sort_unstable();
    exporters.dedup();
    names.extend(exporters);
    if stack.ingress.is_some() {
        names.push("nginx");
    }
    if let Some(prometheus) = &stack.prometheus {
        if prometheus.node_exporter {
            names.push("node");
        }
        if prometheus.cadvisor {
            names.push("containers");
        }
    }
    if stack.services.values().any(|s| !s.probes.is_empty()) {
        names.push("blackbox");
    }
    if !stack.slos.is_empty() && stack.prometheus.is_some() {
        names.push("slos");
    }
    names
}

/// The dashboard file of the exporter of a service of `kind`, if it has one.
fn exporter_file(kind: ServiceKind) -> Option<&'static str> {
    match kind {
        ServiceKind::Redis => Some("redis"),
        ServiceKind::Postgres => Some("postgres"),
        ServiceKind::Mongodb => Some("mongodb"),
        ServiceKind::Kafka => Some("kafka"),
        ServiceKind::Elasticsearch => Some("elasticsearch"),
        _ => None,
    }
}

/// The dashboards of built-in file `name`, parsed once per process when
/// first asked for.
pub fn load(name: &str) -> Result<&'static [Dashboard], Error> {
    type Parsed = OnceLock<Result<Vec<Dashboard>, String>>;
    static FILES: OnceLock<Vec<(&'static str, Parsed)>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        builtin_files()
            .into_iter()
            .map(|file| (file, OnceLock::new()))
            .collect()
    });
    let Some((file, parsed)) = files.iter().find(|(file, _)| *file == name) else {
        return Err(Error::Bug(format!(
            "built-in dashboard {name} is not listed"
        )));
    };
    parsed
        .get_or_init(|| {
            let text = templates::file(&format!("{DIR}/{file}.toml")).map_err(|e| e.to_string())?;
            toml::from_str::<DashboardFile>(text)
                .map(|parsed| parsed.dashboards)
                .map_err(|e| format!("built-in dashboard {file}: {e}"))
        })
        .as_deref()
        .map_err(|message| Error::Bug(message.clone()))
}

/// A built-in dashboard file: `[[dashboards]]` entries and nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DashboardFile {
    dashboards: Vec<Dashboard>,
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
expose = [8000]
metrics = { path = "/metrics" }
[services.db]
image = "postgres:16"
kind = "postgres"
exporter = true
[services.cache]
image = "redis:7"
kind = "redis"
exporter = true
[services.cache2]
image = "redis:7"
kind = "redis"
exporter = true
[prometheus]
cadvisor = true
[grafana]
"#;

    fn planned(extra: &str) -> Vec<PlannedDashboard> {
        let loaded = load_str("shop.toml", &format!("{STACK}{extra}")).expect("loads");
        dashboards(&loaded.stack).expect("dashboards")
    }

    fn uids(dashboards: &[PlannedDashboard]) -> Vec<&str> {
        dashboards.iter().map(|d| d.uid.as_str()).collect()
    }

    #[test]
    fn the_stack_gets_the_built_ins_its_services_and_sections_call_for() {
        let all = planned("");
        assert_eq!(
            uids(&all),
            [
                "stack-overview",
                "services-red",
                "exporter-postgres",
                "exporter-redis",
                "host-containers",
            ]
        );
        assert_eq!(all[0].dashboard.title, "shop overview");
        assert!(planned("auto-dashboards = false").is_empty());
    }

    #[test]
    fn the_stacks_own_come_first_and_take_the_place_of_built_ins_with_their_uid() {
        let all = planned(
            r#"
[[dashboards]]
title = "Mine"
[[dashboards]]
title = "Redis"
uid = "exporter-redis"
"#,
        );
        assert_eq!(
            uids(&all),
            [
                "mine",
                "exporter-redis",
                "stack-overview",
                "services-red",
                "exporter-postgres",
                "host-containers",
            ]
        );
        assert!(all[1].dashboard.rows.is_empty());
    }

    #[test]
    fn every_built_in_file_parses() {
        let files = builtin_files();
        assert_eq!(files.len(), 12, "{files:?}");
        for file in files {
            let dashboards = load(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(dashboards.len(), 1, "{file}");
            assert!(
                dashboards[0].uid.is_some(),
                "{file}: a built-in names its uid"
            );
        }
    }
}
