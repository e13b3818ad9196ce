//! Services and decisions the `[logs]` section adds to the plan: Loki (single
//! binary, filesystem storage in a named volume, retention by its compactor,
//! a health check on `/ready`), Alloy (every container of the compose
//! project, read through the Docker socket, and optionally host files under
//! `/var/log`), which services' output is collected and with which labels,
//! and the Loki datasource Grafana reads.
//!
//! Every log line of a container carries:
//!
//! | label | value |
//! | --- | --- |
//! | `service` | the `[services]` entry (the same for each of its replicas), or the generated service |
//! | `team` | the entry's `team`, else its kind's library team, as the built-in alerts route it |
//! | `container` | the container name (`shop-api-2` for the second replica of `api`) |
//! | `project` | the compose project, the stack's name |
//! | `stream` | `stdout` or `stderr` |
//!
//! and the entry's own `logs.labels`. Lines of host files carry `job="host"`,
//! `project` and `filename`.

use indexmap::IndexMap;

use super::prometheus::target_labels;
use super::service::PlannedHealthcheck;
use super::{Origin, Plan, PlannedMetrics, PlannedService};
use crate::config::{
    DEFAULT_ALLOY_VERSION, DEFAULT_LOG_RETENTION, DEFAULT_LOKI_VERSION, DependsCondition,
    LokiProbe, MountSource, PortMapping, ResolvedMount, ServiceKind, loki_release,
};
use crate::syntax::{Duration, ReleaseVersion};

/// The Loki service.
pub const LOKI: &str = "loki";
/// The Alloy service.
pub const ALLOY: &str = "alloy";
/// The port Loki listens on inside its container (HTTP API, push, `/metrics`).
pub const LOKI_PORT: u16 = 3100;
/// The port of Alloy's HTTP server (UI, `/metrics`, `/-/ready`).
pub const ALLOY_PORT: u16 = 12345;
/// Loki's data directory in its container: chunks, index, compactor.
pub const LOKI_DATA_DIR: &str = "/loki";
/// Where the Docker socket's folder is mounted, read-only, in Alloy's
/// container: the host's `/var/run`, which every Linux host has (a socket
/// missing on the host would make Docker create an empty folder in its place).
pub const DOCKER_RUN_DIR: &str = "/host/var/run";
/// The host folder of log files Alloy may read, mounted read-only at the same path.
pub const HOST_LOG_DIR: &str = "/var/log";

/// What the plan decided for `[logs]`.
#[derive(Debug, Clone)]
pub struct PlannedLogs {
    /// How long Loki keeps logs.
    pub retention: Duration,
    /// What Alloy collects and how it labels it.
    pub collection: Collection,
}

/// What Alloy collects, where from, and where it sends it.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// The compose project whose containers are read (the stack's name).
    pub project: String,
    /// The Docker daemon's address, as seen from Alloy's container.
    pub docker_host: String,
    /// Loki's push endpoint.
    pub push_url: String,
    /// The collected services, in plan order.
    pub services: Vec<CollectedService>,
    /// Host files and globs read, under `/var/log`.
    pub host_paths: Vec<String>,
}

/// One collected service (all its replicas' containers) and the labels of its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedService {
    /// The `service` label: the `[services]` entry, or the generated service.
    pub service: String,
    /// The `team` label: the entry's team, else its kind's library team.
    pub team: String,
    /// The entry's own `logs.labels`.
    pub labels: IndexMap<String, String>,
}

/// Adds Loki and Alloy with their files, volumes and mounts, and points
/// Grafana's Loki datasource at Loki. Without `[logs]`, a `kind = "loki"`
/// service of the stack is the datasource, if there is one.
pub fn add_services(plan: &mut Plan) {
    let Some(logs) = plan.stack.logs.clone() else {
        plan.loki_url = plan
            .services
            .iter()
            .find(|s| s.kind == ServiceKind::Loki && s.origin == Origin::User)
            .map(|s| {
                format!(
                    "http://{}:{}",
                    s.name,
                    s.primary_port().unwrap_or(LOKI_PORT)
                )
            });
        return;
    };
    let networks: Vec<String> = plan.networks.keys().take(1).cloned().collect();
    let version = logs
        .loki
        .version
        .as_ref()
        .map_or(DEFAULT_LOKI_VERSION, |v| v.as_str());
    let probe = logs
        .loki
        .version
        .as_ref()
        .and_then(ReleaseVersion::parts)
        .and_then(|parts| loki_release(parts).ok())
        .unwrap_or(LokiProbe::LokiHealth);
    let mut loki = PlannedService::generated(
        LOKI,
        &format!("grafana/loki:{version}"),
        ServiceKind::Loki,
        "logs",
    );
    loki.command = Some(vec![format!("-config.file=/etc/loki/loki.yml")]);
    loki.ports = vec![PortMapping {
        container: LOKI_PORT,
        host: Some(logs.loki.port.unwrap_or(LOKI_PORT)),
        bind: logs.loki.bind.clone(),
        protocol: None,
    }];
    loki.mounts = vec![
        ResolvedMount::read_only_bind("./loki/loki.yml", "/etc/loki/loki.yml"),
        ResolvedMount {
            source: MountSource::Volume("loki-data".to_owned()),
            target: LOKI_DATA_DIR.to_owned(),
            read_only: false,
        },
    ];
    let ready = format!("http://localhost:{LOKI_PORT}/ready");
    let mut healthcheck = PlannedHealthcheck::wget(&ready, 15, 5, 5, 30);
    if probe == LokiProbe::LokiHealth {
        // The image holds no other tool; `-health` fetches `/ready` itself.
        healthcheck.test = Some(
            ["CMD", "/usr/bin/loki", "-health"]
                .map(str::to_owned)
                .to_vec(),
        );
    }
    loki.healthcheck = Some(healthcheck);
    loki.metrics = Some(PlannedMetrics::http(LOKI_PORT));
    loki.networks.clone_from(&networks);

    let alloy_version = logs
        .alloy
        .version
        .as_ref()
        .map_or(DEFAULT_ALLOY_VERSION, |v| v.as_str());
    let mut alloy = PlannedService::generated(
        ALLOY,
        &format!("grafana/alloy:v{alloy_version}"),
        ServiceKind::Alloy,
        "logs",
    );
    alloy.command = Some(
        [
            "run",
            &format!("--server.http.listen-addr=0.0.0.0:{ALLOY_PORT}"),
            "--storage.path=/var/lib/alloy/data",
            "--disable-reporting",
            "/etc/alloy/config.alloy",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    alloy.mounts = vec![
        ResolvedMount::read_only_bind("./alloy/config.alloy", "/etc/alloy/config.alloy"),
        ResolvedMount::read_only_bind("/var/run", DOCKER_RUN_DIR),
        ResolvedMount {
            source: MountSource::Volume("alloy-data".to_owned()),
            target: "/var/lib/alloy/data".to_owned(),
            read_only: false,
        },
    ];
    let host_paths: Vec<String> = logs
        .host_logs
        .paths()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if !host_paths.is_empty() {
        alloy
            .mounts
            .push(ResolvedMount::read_only_bind(HOST_LOG_DIR, HOST_LOG_DIR));
    }
    alloy.expose = vec![ALLOY_PORT];
    alloy.metrics = Some(PlannedMetrics::http(ALLOY_PORT));
    alloy
        .depends_on
        .insert(LOKI.to_owned(), DependsCondition::Healthy);
    alloy.networks = networks;

    plan.ensure_volume("loki-data");
    plan.ensure_volume("alloy-data");
    plan.services.push(loki);
    plan.services.push(alloy);
    plan.loki_url = Some(format!("http://{LOKI}:{LOKI_PORT}"));
    plan.logs = Some(PlannedLogs {
        retention: logs
            .loki
            .retention
            .clone()
            .unwrap_or_else(|| Duration::parse(DEFAULT_LOG_RETENTION).unwrap_or_default()),
        collection: Collection {
            project: plan.stack.stack.name.clone(),
            docker_host: format!("unix://{DOCKER_RUN_DIR}/docker.sock"),
            push_url: format!("http://{LOKI}:{LOKI_PORT}/loki/api/v1/push"),
            services: Vec::new(),
            host_paths,
        },
    });
}

/// Decides which services Alloy collects, once every section has added its
/// own: all of them, generated ones included, but the `[services]` entries
/// with `logs = false`; each with its team and its entry's labels.
pub fn collect_services(plan: &mut Plan) {
    if plan.logs.is_none() {
        return;
    }
    let mut collected = Vec::new();
    for service in &plan.services {
        let entry = plan
            .stack
            .services
            .get(&service.name)
            .filter(|_| service.origin == Origin::User);
        let settings = entry.and_then(|entry| entry.logs.as_ref());
        if settings.is_some_and(|logs| !logs.collected()) {
            continue;
        }
        collected.push(CollectedService {
            service: service.name.clone(),
            team: target_labels(plan, service).team,
            labels: settings
                .and_then(|logs| logs.labels())
                .cloned()
                .unwrap_or_default(),
        });
    }
    if let Some(logs) = &mut plan.logs {
        logs.collection.services = collected;
    }
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
replicas = 2
expose = [8000]
logs = { labels = { tier = "web" } }
[services.db]
image = "postgres:16"
kind = "postgres"
team = "data"
exporter = true
[services.batch]
image = "batch:1"
logs = false
[prometheus]
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
[logs]
loki = { version = "2.9.17", retention = "30d", port = 3200, bind = "127.0.0.1" }
host-logs = true
"#;

    fn planned(text: &str) -> Plan {
        crate::plan::plan(&load_str("shop.toml", text).expect("loads"))
    }

    #[test]
    fn loki_and_alloy_join_the_stack() {
        let plan = planned(STACK);
        let loki = plan.service(LOKI).expect("loki");
        assert_eq!(loki.image.as_deref(), Some("grafana/loki:2.9.17"));
        assert_eq!(loki.ports[0].host, Some(3200));
        assert_eq!(loki.ports[0].container, 3100);
        assert_eq!(
            loki.ports[0]
                .bind
                .as_ref()
                .map(crate::config::BindAddress::as_str),
            Some("127.0.0.1")
        );
        let check = loki.healthcheck.as_ref().expect("health check");
        assert_eq!(
            check.test.iter().flatten().last().map(String::as_str),
            Some("http://localhost:3100/ready")
        );
        assert!(plan.volumes.contains_key("loki-data"));
        let alloy = plan.service(ALLOY).expect("alloy");
        assert_eq!(alloy.image.as_deref(), Some("grafana/alloy:v1.18.1"));
        assert_eq!(alloy.depends_on.get(LOKI), Some(&DependsCondition::Healthy));
        let binds: Vec<(&MountSource, &str, bool)> = alloy
            .mounts
            .iter()
            .map(|m| (&m.source, m.target.as_str(), m.read_only))
            .collect();
        assert!(binds.contains(&(
            &MountSource::Host("/var/run".to_owned()),
            DOCKER_RUN_DIR,
            true
        )));
        assert!(binds.contains(&(&MountSource::Host("/var/log".to_owned()), "/var/log", true)));
        assert_eq!(plan.loki_url.as_deref(), Some("http://loki:3100"));
        let logs = plan.logs.as_ref().expect("logs");
        assert_eq!(logs.retention.as_str(), "30d");
        assert_eq!(
            logs.collection.docker_host,
            "unix:///host/var/run/docker.sock"
        );
        assert_eq!(logs.collection.host_paths.len(), 3);
    }

    #[test]
    fn newer_loki_releases_check_their_own_health() {
        let plan = planned(&STACK.replace("2.9.17", "3.7.6"));
        let loki = plan.service(LOKI).expect("loki");
        let check = loki.healthcheck.as_ref().expect("health check");
        assert_eq!(
            check.test.as_deref(),
            Some(
                ["CMD", "/usr/bin/loki", "-health"]
                    .map(str::to_owned)
                    .as_slice()
            )
        );
    }

    #[test]
    fn every_service_but_the_opted_out_is_collected_with_team_and_labels() {
        let plan = planned(STACK);
        let services = &plan.logs.as_ref().expect("logs").collection.services;
        let names: Vec<&str> = services.iter().map(|s| s.service.as_str()).collect();
        assert!(!names.contains(&"batch"), "{names:?}");
        for generated in ["db-exporter", "prometheus", "loki", "alloy", "grafana"] {
            assert!(names.contains(&generated), "{generated} in {names:?}");
        }
        let api = &services[0];
        assert_eq!(api.service, "api");
        assert_eq!(api.team, "backend");
        assert_eq!(
            api.labels,
            IndexMap::from([("tier".to_owned(), "web".to_owned())])
        );
        let team = |name: &str| {
            services
                .iter()
                .find(|s| s.service == name)
                .map(|s| s.team.clone())
        };
        assert_eq!(team("db").as_deref(), Some("data"));
        assert_eq!(team("db-exporter").as_deref(), Some("data"));
        assert_eq!(team("prometheus").as_deref(), Some("infrastructure"));
    }

    #[test]
    fn without_the_section_a_loki_service_of_the_stack_is_the_datasource() {
        let plan = planned(
            "[stack]\nname = \"s\"\n[services.logstore]\nimage = \"grafana/loki:2.9.4\"\nkind = \"loki\"\nexpose = [3101]\n",
        );
        assert!(plan.logs.is_none());
        assert!(plan.service(ALLOY).is_none());
        assert_eq!(plan.loki_url.as_deref(), Some("http://logstore:3101"));
    }
}
