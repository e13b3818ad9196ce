//! Services the `[prometheus]` section and the services' `exporter` and
//! `probes` settings add to the plan: the Prometheus server, one exporter per
//! service that asks for one (`<service>-exporter`), node-exporter, cAdvisor
//! and the blackbox exporter.
//!
//! Every service added here that serves metrics has `metrics` set, so the
//! prometheus.yml renderer scrapes it like any other service.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::alertmanager::{CONTAINER_PORT as ALERTMANAGER_PORT, SERVICE as ALERTMANAGER};
use super::library_kinds;
use super::service::join_networks;
use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::{DependsCondition, EnvValue, Exporter, PortMapping, Service, ServiceKind};
use crate::config::{Duration, MountSource, ResolvedMount};

/// The default Prometheus image.
pub const PROMETHEUS_IMAGE: &str = "prom/prometheus:v2.42.0";
/// The Prometheus service name.
pub const PROMETHEUS: &str = "prometheus";
/// The port Prometheus listens on inside its container.
pub const PROMETHEUS_PORT: u16 = 9090;
/// The blackbox exporter's service name.
pub const BLACKBOX: &str = "blackbox-exporter";
/// The port the blackbox exporter listens on.
pub const BLACKBOX_PORT: u16 = 9115;
/// Where the blackbox exporter reads its configuration.
pub const BLACKBOX_CONFIG: &str = "/etc/blackbox_exporter/config.yml";
/// The scrape job that probes services' `probes` through the blackbox exporter.
pub const PROBE_JOB: &str = "blackbox";
/// The blackbox module of the services' `probes`: plain HTTP, up on a 2xx answer.
pub const PROBE_MODULE: &str = "http_2xx";
/// The blackbox module of TLS listeners: a TLS handshake that reads the
/// certificate without verifying it (an expired or self-signed one still
/// reports its dates).
pub const TLS_PROBE_MODULE: &str = "tls_connect";
/// The node-exporter service name.
pub const NODE_EXPORTER: &str = "node-exporter";
/// The port node-exporter listens on, on the host's network.
pub const NODE_EXPORTER_PORT: u16 = 9100;
/// The cAdvisor service name.
pub const CADVISOR: &str = "cadvisor";
/// The kernel log device, where cAdvisor reads the kernel's OOM kills.
pub const KERNEL_LOG: &str = "/dev/kmsg";
/// The Redis exporter's setting that adds the host's memory to its metrics.
pub const REDIS_SYSTEM_METRICS: &str = "REDIS_EXPORTER_INCL_SYSTEM_METRICS";
/// The `by` of exporters generated for a service's `exporter` setting.
pub const EXPORTER_ORIGIN: &str = "exporter";

/// Adds the services, volumes and mounts the `[prometheus]` section implies.
pub fn add_services(plan: &mut Plan) {
    // Shared, not copied: the loop below adds services to the plan.
    let stack = plan.stack.clone();
    // Where each entry's planned service is in `plan.services` (one pass,
    // not one per exporter); exporters are added after every entry.
    let positions: HashMap<String, usize> = plan
        .services
        .iter()
        .enumerate()
        .map(|(at, service)| (service.name.clone(), at))
        .collect();
    let mut added: Vec<String> = Vec::new();
    for (name, service) in &stack.services {
        let planned = positions.get(name).map(|&at| &plan.services[at]);
        if let Some(exporter) = service_exporter(name, service, planned) {
            added.push(exporter.name.clone());
            plan.services.push(exporter);
        }
    }
    let Some(prometheus) = &stack.prometheus else {
        return;
    };
    let network = plan.networks.keys().next().cloned();
    let networks: Vec<String> = network.into_iter().collect();
    if prometheus.node_exporter {
        // The host's network and PID namespaces, as node-exporter's own
        // instructions for containers say: in the stack's network it would
        // report its container's interfaces. Prometheus reaches it through
        // the host (`depend_on_later_services`).
        let mut node = PlannedService::generated(
            NODE_EXPORTER,
            "prom/node-exporter:v1.5.0",
            ServiceKind::Generic,
            "prometheus",
        );
        node.command = Some(
            [
                "--path.procfs=/host/proc",
                "--path.sysfs=/host/sys",
                "--path.rootfs=/rootfs",
                "--collector.filesystem.mount-points-exclude=^/(sys|proc|dev|host|etc)($|/)",
            ]
            .map(str::to_owned)
            .to_vec(),
        );
        node.mounts = vec![
            ResolvedMount::read_only_bind("/proc", "/host/proc"),
            ResolvedMount::read_only_bind("/sys", "/host/sys"),
            ResolvedMount::read_only_bind("/", "/rootfs"),
        ];
        node.host_network = true;
        node.host_pid = true;
        node.metrics = Some(PlannedMetrics::http(NODE_EXPORTER_PORT));
        added.push(node.name.clone());
        plan.services.push(node);
    }
    if prometheus.cadvisor {
        let mut cadvisor = PlannedService::generated(
            CADVISOR,
            "gcr.io/cadvisor/cadvisor:v0.47.1",
            ServiceKind::Generic,
            "prometheus",
        );
        // Only host paths every Linux host has: `/var/lib/docker` (image layer
        // sizes) and `/dev/disk` (disk stats) are missing on hosts that run
        // another container engine or in CI, and Docker would create empty
        // directories there. Container CPU and memory metrics come from the
        // cgroup tree under /sys and the runtime socket under /var/run; OOM
        // kills from the kernel log, which takes `/dev/kmsg` and privileges
        // (cAdvisor's own instructions run it so).
        cadvisor.privileged = true;
        cadvisor.devices = vec![KERNEL_LOG.to_owned()];
        cadvisor.mounts = vec![
            ResolvedMount::read_only_bind("/", "/rootfs"),
            ResolvedMount::read_only_bind("/var/run", "/var/run"),
            ResolvedMount::read_only_bind("/sys", "/sys"),
        ];
        cadvisor.expose = vec![8080];
        cadvisor.metrics = Some(PlannedMetrics::http(8080));
        cadvisor.networks.clone_from(&networks);
        added.push(cadvisor.name.clone());
        plan.services.push(cadvisor);
    }
    if plan.services.iter().any(|s| !s.probes.is_empty()) || tls_listener(plan).is_some() {
        let mut blackbox = PlannedService::generated(
            BLACKBOX,
            "prom/blackbox-exporter:v0.23.0",
            ServiceKind::Generic,
            "prometheus",
        );
        blackbox.command = Some(vec![format!("--config.file={BLACKBOX_CONFIG}")]);
        blackbox.mounts = vec![ResolvedMount {
            source: MountSource::Host("./blackbox/blackbox.yml".to_owned()),
            target: BLACKBOX_CONFIG.to_owned(),
            read_only: true,
        }];
        blackbox.expose = vec![BLACKBOX_PORT];
        blackbox.metrics = Some(PlannedMetrics::http(BLACKBOX_PORT));
        blackbox.networks.clone_from(&networks);
        added.push(blackbox.name.clone());
        plan.services.push(blackbox);
    }
    let port = prometheus.port.unwrap_or(PROMETHEUS_PORT);
    let mut server = PlannedService::generated(
        PROMETHEUS,
        prometheus.image.as_deref().unwrap_or(PROMETHEUS_IMAGE),
        ServiceKind::Generic,
        "prometheus",
    );
    let mut command = vec![
        "--config.file=/etc/prometheus/prometheus.yml".to_owned(),
        "--storage.tsdb.path=/prometheus".to_owned(),
        format!(
            "--storage.tsdb.retention.time={}",
            prometheus
                .retention
                .as_ref()
                .map_or(crate::config::DEFAULT_RETENTION, |r| r.as_str())
        ),
    ];
    if let Some(bytes) = prometheus
        .retention_size
        .as_ref()
        .map(crate::config::ByteSize::bytes)
    {
        // Prometheus reads sizes in base-2 units; whole mebibytes are exact enough.
        command.push(format!(
            "--storage.tsdb.retention.size={}MB",
            (bytes / (1024 * 1024)).max(1)
        ));
    }
    command.push("--web.enable-lifecycle".to_owned());
    let prefix = plan.web_prefix(PROMETHEUS).to_owned();
    if let Some(root) = plan.web_root(PROMETHEUS) {
        // Links follow the proxy's URL; every endpoint moves under the prefix.
        command.push(format!("--web.external-url={}", root.external_url));
        command.push(format!("--web.route-prefix={prefix}/"));
    }
    server.command = Some(command);
    server.ports = vec![PortMapping {
        container: PROMETHEUS_PORT,
        host: Some(port),
        bind: prometheus.bind.clone(),
        protocol: None,
    }];
    server.mounts = vec![
        ResolvedMount {
            source: MountSource::Host("./prometheus/prometheus.yml".to_owned()),
            target: "/etc/prometheus/prometheus.yml".to_owned(),
            read_only: true,
        },
        ResolvedMount {
            source: MountSource::Host("./prometheus/rules".to_owned()),
            target: "/etc/prometheus/rules".to_owned(),
            read_only: true,
        },
        ResolvedMount {
            source: MountSource::Volume("prometheus-data".to_owned()),
            target: "/prometheus".to_owned(),
            read_only: false,
        },
    ];
    server.healthcheck = Some(PlannedHealthcheck::wget(
        &format!("http://localhost:{PROMETHEUS_PORT}{prefix}/-/healthy"),
        30,
        10,
        3,
        30,
    ));
    server.metrics = Some(PlannedMetrics::http(PROMETHEUS_PORT).under(&prefix));
    server.networks = networks;
    let mut first_named: HashMap<&str, &PlannedService> = HashMap::new();
    for service in &plan.services {
        first_named.entry(&service.name).or_insert(service);
    }
    for name in added {
        // A service behind a compose profile may not run; depending on it would
        // keep Prometheus from starting.
        if first_named
            .get(name.as_str())
            .is_some_and(|s| s.profiles.is_empty())
        {
            server.depends_on.insert(name, DependsCondition::Started);
        }
    }
    plan.ensure_volume("prometheus-data");
    plan.services.push(server);
}

/// The Prometheus server's global settings, decided: prometheus.yml's
/// `global` and `alerting`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedServer {
    /// How often targets are scraped unless their job says otherwise.
    pub scrape_interval: Duration,
    /// How often rules are evaluated.
    pub evaluation_interval: Duration,
    /// Labels on every series and alert leaving the server: `[stack]`'s
    /// `environment` and `cluster`, then the section's `external-labels`.
    pub external_labels: IndexMap<String, String>,
    /// Where alerts go, with `[alertmanager]`.
    pub alertmanager: Option<AlertmanagerTarget>,
}

/// The Alertmanager Prometheus sends alerts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertmanagerTarget {
    /// `host:port` on the stack's network.
    pub address: String,
    /// The path its API is served under behind the proxy (`""` at the root).
    pub path_prefix: String,
}

/// The server's settings with `[prometheus]` (`plan.prometheus`).
pub fn server(plan: &Plan) -> Option<PlannedServer> {
    let prometheus = plan.stack.prometheus.as_ref()?;
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
    Some(PlannedServer {
        scrape_interval: prometheus.scrape_interval_or_default(),
        evaluation_interval: prometheus.evaluation_interval_or_default(),
        external_labels,
        alertmanager: plan.alertmanager.as_ref().map(|_| AlertmanagerTarget {
            address: format!("{ALERTMANAGER}:{ALERTMANAGER_PORT}"),
            path_prefix: plan.web_prefix(ALERTMANAGER).to_owned(),
        }),
    })
}

/// Finishes the Prometheus services once every section has added its own:
/// Prometheus starts after Alertmanager, joins every network a scraped
/// service is on and reaches the host's network through the Docker host;
/// the blackbox exporter joins the networks of the probed services.
pub fn depend_on_later_services(plan: &mut Plan) {
    let has_alertmanager = plan.service("alertmanager").is_some();
    let scraped = networks_of(plan, |s| s.metrics.is_some() && s.name != PROMETHEUS);
    let scrapes_host = plan
        .services
        .iter()
        .any(|s| s.metrics.is_some() && s.host_network);
    let tls = tls_listener(plan).map(|(listener, _)| listener.to_owned());
    let probed = networks_of(plan, |s| {
        !s.probes.is_empty() || tls.as_deref() == Some(s.name.as_str())
    });
    for service in &mut plan.services {
        if service.name == PROMETHEUS {
            if has_alertmanager {
                service
                    .depends_on
                    .insert("alertmanager".to_owned(), DependsCondition::Started);
            }
            join_networks(&mut service.networks, &scraped);
            if scrapes_host {
                service
                    .extra_hosts
                    .push(format!("{}:host-gateway", super::HOST_GATEWAY));
            }
        } else if service.name == BLACKBOX {
            join_networks(&mut service.networks, &probed);
        }
    }
}

/// The default exporter image and port for a service kind that has one.
pub fn exporter_defaults(kind: ServiceKind) -> Option<(&'static str, u16)> {
    match kind {
        ServiceKind::Redis => Some(("oliver006/redis_exporter:v1.50.0", 9121)),
        ServiceKind::Postgres => Some(("prometheuscommunity/postgres-exporter:v0.12.0", 9187)),
        ServiceKind::Mongodb => Some(("percona/mongodb_exporter:0.39", 9216)),
        ServiceKind::Kafka => Some(("danielqsj/kafka-exporter:v1.6.0", 9308)),
        ServiceKind::Elasticsearch => {
            Some(("prometheuscommunity/elasticsearch-exporter:v1.5.0", 9114))
        }
        _ => None,
    }
}

/// The `[services]` entry an exporter or other generated service reports on:
/// `postgres` for `postgres-exporter`; the service's own name otherwise.
pub fn owner_of(plan: &Plan, service: &PlannedService) -> String {
    if matches!(service.origin, super::Origin::Generated(_)) {
        if let Some(base) = service.name.strip_suffix("-exporter") {
            if plan.stack.services.contains_key(base) {
                return base.to_owned();
            }
        }
    }
    service.name.clone()
}

/// The target labels every target of a scrape job carries besides `job`
/// and `instance`; the built-in alerts take theirs from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLabels {
    /// The `[services]` entry the job reports on ([`owner_of`]).
    pub service: String,
    /// That entry's `team`, else the team of the job's library file.
    pub team: String,
}

/// The target labels of the job of `service`:
/// `service` is the entry it reports on, `team` that entry's team, else
/// the team of the job's library file (`targets` for a job without one).
pub fn target_labels(plan: &Plan, service: &PlannedService) -> TargetLabels {
    let owner = owner_of(plan, service);
    let kind = library_kinds::library_kind(service).unwrap_or(library_kinds::TARGETS);
    TargetLabels {
        team: team_of(plan, &owner, kind),
        service: owner,
    }
}

/// Where Prometheus finds the containers of a scraped service: a plan
/// decision that prometheus.yml maps and the alert library's tests follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrapeTargets {
    /// The one container, as `name:port`, which is also its `instance`.
    Static(String),
    /// Every replica of a replicated service: Docker's DNS answers the
    /// service's name with one address per running replica, and Prometheus
    /// asks again every 30 seconds (so `docker compose up --scale` is
    /// followed, whatever the project name). A replica's `instance` is its
    /// container address with the port.
    Dns {
        /// The name to resolve: the service's.
        name: String,
        /// The port scraped on every address.
        port: u16,
    },
}

/// The address that stands for a replica's container address in the
/// alert library's tests: the first of the documentation range (RFC 5737),
/// since only Docker knows the real one.
pub const EXAMPLE_REPLICA_ADDRESS: &str = "192.0.2.1";

impl ScrapeTargets {
    /// The `instance` label of the first target, as Prometheus sets it (for
    /// DNS discovery with [`EXAMPLE_REPLICA_ADDRESS`] for the address).
    pub fn first_instance(&self) -> String {
        match self {
            Self::Static(target) => target.clone(),
            Self::Dns { port, .. } => format!("{EXAMPLE_REPLICA_ADDRESS}:{port}"),
        }
    }
}

/// Where Prometheus scrapes `service`, when it serves metrics: its one
/// container ([`PlannedService::scrape_address`]), or every replica through
/// DNS.
pub fn scrape_targets(service: &PlannedService) -> Option<ScrapeTargets> {
    let address = service.scrape_address()?;
    let port = service.metrics.as_ref()?.port;
    Some(if service.replicas > 1 && !service.host_network {
        ScrapeTargets::Dns {
            name: service.name.clone(),
            port,
        }
    } else {
        ScrapeTargets::Static(address)
    })
}

/// A group of the probe job's targets: one probed `[services]` entry (or
/// generated service) and blackbox module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTargets {
    /// The target labels: the probed entry and its team, else the probe
    /// library's team.
    pub labels: TargetLabels,
    /// The blackbox module: [`PROBE_MODULE`] or [`TLS_PROBE_MODULE`].
    pub module: &'static str,
    /// The probed URLs (`host:port` for a TLS listener). A replicated
    /// service's URLs name the service, so each probe reaches one of its
    /// replicas, as a client would.
    pub targets: Vec<String>,
}

/// The probe job's targets in plan order: one entry per `[services]` entry
/// with `probes` (HTTP), then nginx's TLS listener with `[ingress] tls`.
pub fn probe_targets(plan: &Plan) -> Vec<ProbeTargets> {
    let mut http: IndexMap<String, Vec<String>> = IndexMap::new();
    for service in &plan.services {
        if service.probes.is_empty() {
            continue;
        }
        let Some(port) = service.primary_port() else {
            continue;
        };
        http.entry(owner_of(plan, service)).or_default().extend(
            service
                .probes
                .iter()
                .map(|path| format!("http://{}:{port}{path}", service.name)),
        );
    }
    let labels = |owner: String| TargetLabels {
        team: team_of(plan, &owner, library_kinds::PROBES),
        service: owner,
    };
    let mut all: Vec<ProbeTargets> = http
        .into_iter()
        .map(|(owner, targets)| ProbeTargets {
            labels: labels(owner),
            module: PROBE_MODULE,
            targets,
        })
        .collect();
    if let Some((listener, port)) = tls_listener(plan) {
        all.push(ProbeTargets {
            labels: labels(listener.to_owned()),
            module: TLS_PROBE_MODULE,
            targets: vec![format!("{listener}:{port}")],
        });
    }
    all
}

/// The TLS listener the probe job checks the certificate of, with its
/// container port: nginx's HTTPS port, with `[ingress] tls` and `[prometheus]`.
pub fn tls_listener(plan: &Plan) -> Option<(&'static str, u16)> {
    plan.stack.prometheus.as_ref()?;
    plan.stack.ingress.as_ref()?.tls.as_ref()?;
    Some((super::ingress::SERVICE, super::ingress::HTTPS_PORT))
}

/// The team of entry `owner`, else of library file `kind`.
fn team_of(plan: &Plan, owner: &str, kind: &str) -> String {
    plan.stack
        .services
        .get(owner)
        .and_then(|entry| entry.team.clone())
        .unwrap_or_else(|| library_kinds::default_team(kind))
}

/// The exporter for `service`, when it asks for one and its kind has one;
/// `planned` is the service as planned. The exporter reaches the service by
/// its name, so for a replicated service, whichever replica Docker's DNS
/// answers with.
fn service_exporter(
    name: &str,
    service: &Service,
    planned: Option<&PlannedService>,
) -> Option<PlannedService> {
    let settings = match service.exporter.as_ref()? {
        Exporter::Enabled(false) => return None,
        Exporter::Enabled(true) => None,
        Exporter::Custom(settings) => Some(settings),
    };
    let (default_image, port) = exporter_defaults(service.kind)?;
    let image = settings
        .and_then(|s| s.image.as_deref())
        .unwrap_or(default_image);
    let mut exporter = PlannedService::generated(
        &format!("{name}-exporter"),
        image,
        service.kind,
        EXPORTER_ORIGIN,
    );
    let target_port = planned.and_then(PlannedService::primary_port);
    let env = |key: &str| service.environment.get(key).map(EnvValue::to_text);
    let host = name;
    let mut environment = IndexMap::new();
    match service.kind {
        ServiceKind::Redis => {
            let port = target_port.unwrap_or(6379);
            environment.insert("REDIS_ADDR".to_owned(), format!("redis://{host}:{port}"));
            if let Some(password) = env("REDIS_PASSWORD") {
                environment.insert("REDIS_PASSWORD".to_owned(), password);
            }
            // The host's memory, for `RedisOutOfSystemMemory`.
            environment.insert(REDIS_SYSTEM_METRICS.to_owned(), "true".to_owned());
        }
        ServiceKind::Postgres => {
            let port = target_port.unwrap_or(5432);
            let database = env("POSTGRES_DB").unwrap_or_else(|| "postgres".to_owned());
            environment.insert(
                "DATA_SOURCE_URI".to_owned(),
                format!("{host}:{port}/{database}?sslmode=disable"),
            );
            environment.insert(
                "DATA_SOURCE_USER".to_owned(),
                env("POSTGRES_USER").unwrap_or_else(|| "postgres".to_owned()),
            );
            if let Some(password) = env("POSTGRES_PASSWORD") {
                environment.insert("DATA_SOURCE_PASS".to_owned(), password);
            }
        }
        ServiceKind::Mongodb => {
            let port = target_port.unwrap_or(27017);
            environment.insert("MONGODB_URI".to_owned(), format!("mongodb://{host}:{port}"));
            exporter.command = Some(vec![
                "--collect-all".to_owned(),
                "--compatible-mode".to_owned(),
            ]);
        }
        ServiceKind::Kafka => {
            let port = target_port.unwrap_or(9092);
            exporter.command = Some(vec![format!("--kafka.server={host}:{port}")]);
        }
        ServiceKind::Elasticsearch => {
            let port = target_port.unwrap_or(9200);
            exporter.command = Some(vec![format!("--es.uri=http://{host}:{port}")]);
        }
        _ => {}
    }
    if let Some(settings) = settings {
        for (key, value) in &settings.environment {
            environment.insert(key.to_string(), value.to_text());
        }
    }
    exporter.environment = environment;
    exporter.team.clone_from(&service.team);
    exporter.expose = vec![port];
    exporter.metrics = Some(PlannedMetrics::http(port));
    exporter.networks = planned.map(|s| s.networks.clone()).unwrap_or_default();
    exporter.profiles.clone_from(&service.profiles);
    exporter
        .depends_on
        .insert(name.to_owned(), DependsCondition::Started);
    Some(exporter)
}

/// The networks of the services `wanted` selects, in the plan's network order.
fn networks_of(plan: &Plan, wanted: impl Fn(&PlannedService) -> bool) -> Vec<String> {
    plan.networks
        .keys()
        .filter(|network| {
            plan.services
                .iter()
                .any(|s| wanted(s) && s.networks.contains(network))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::DependsCondition;
    use crate::config::MountSource;
    use crate::load::load_str;

    const STACK: &str = r#"
[stack]
name = "shop"

[services.db]
image = "postgres:16"
kind = "postgres"
expose = [5432]
environment = { POSTGRES_USER = "shop", POSTGRES_DB = "shop", POSTGRES_PASSWORD = "${DB_PASSWORD}" }
exporter = true

[services.cache]
image = "redis:7"
kind = "redis"
expose = [6380]
exporter = { image = "oliver006/redis_exporter:v1.45.0" }

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
probes = ["/health"]

[prometheus]
retention = "30d"
retention-size = "2GB"
node-exporter = true
"#;

    #[test]
    fn exporters_point_at_their_service_and_pass_secrets_through() {
        let plan = crate::plan::plan(&load_str("stack.toml", STACK).expect("loads"));
        let db = plan.service("db-exporter").expect("postgres exporter");
        assert_eq!(
            db.environment["DATA_SOURCE_URI"],
            "db:5432/shop?sslmode=disable"
        );
        assert_eq!(db.environment["DATA_SOURCE_USER"], "shop");
        assert_eq!(db.environment["DATA_SOURCE_PASS"], "${DB_PASSWORD}");
        assert_eq!(db.metrics.as_ref().map(|m| m.port), Some(9187));
        let cache = plan.service("cache-exporter").expect("redis exporter");
        assert_eq!(
            cache.image.as_deref(),
            Some("oliver006/redis_exporter:v1.45.0")
        );
        assert_eq!(cache.environment["REDIS_ADDR"], "redis://cache:6380");
        assert!(plan.service("cadvisor").is_none());
        assert!(plan.service("blackbox-exporter").is_some());
    }

    #[test]
    fn the_server_gets_flags_mounts_and_dependencies() {
        let plan = crate::plan::plan(&load_str("stack.toml", STACK).expect("loads"));
        let server = plan.service("prometheus").expect("prometheus");
        let command = server.command.clone().unwrap_or_default();
        assert!(command.contains(&"--storage.tsdb.retention.time=30d".to_owned()));
        assert!(command.contains(&"--storage.tsdb.retention.size=2048MB".to_owned()));
        assert!(command.contains(&"--web.enable-lifecycle".to_owned()));
        assert!(server.mounts.iter().any(|m| m.source
            == MountSource::Host("./prometheus/rules".to_owned())
            && m.target == "/etc/prometheus/rules"));
        assert!(plan.volumes.contains_key("prometheus-data"));
        let dependencies: Vec<&String> = server.depends_on.keys().collect();
        assert_eq!(
            dependencies,
            [
                "db-exporter",
                "cache-exporter",
                "node-exporter",
                "blackbox-exporter"
            ]
        );
        assert!(
            server
                .depends_on
                .values()
                .all(|c| *c == DependsCondition::Started)
        );
    }
}
