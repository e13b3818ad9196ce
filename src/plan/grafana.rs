//! Services the `[grafana]` section adds to the plan: Grafana itself, with
//! the provisioning and dashboards directories mounted read-only, and the
//! datasources it is provisioned with (`plan.grafana`).

use super::alertmanager::{CONTAINER_PORT as ALERTMANAGER_PORT, SERVICE as ALERTMANAGER};
use super::prometheus::{PROMETHEUS, PROMETHEUS_PORT};
use super::service::join_networks;
use super::{Origin, Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::{DEFAULT_INTERVAL_MS, DependsCondition, Duration, PortMapping, ServiceKind};
use crate::config::{MountSource, ResolvedMount};

/// The service's name.
pub const SERVICE: &str = "grafana";
/// The image when `[grafana] image` is unset.
pub const DEFAULT_IMAGE: &str = "grafana/grafana:10.4.5";
/// The port Grafana listens on inside its container.
pub const CONTAINER_PORT: u16 = 3000;
/// The named volume holding Grafana's database.
pub const DATA_VOLUME: &str = "grafana-data";
/// Where the dashboards directory is mounted in the Grafana container.
pub const DASHBOARDS_MOUNT: &str = "/etc/grafana/dashboards";

/// The port Elasticsearch listens on when its service names none.
const ELASTICSEARCH_PORT: u16 = 9200;

/// What a datasource serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasourceKind {
    /// Prometheus: metrics.
    Prometheus,
    /// Alertmanager: alerts and silences.
    Alertmanager,
    /// Loki: logs.
    Loki,
    /// Elasticsearch: logs and documents.
    Elasticsearch,
}

/// What Grafana is provisioned with (`plan.grafana`, with `[grafana]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGrafana {
    /// The datasources, the default first.
    pub datasources: Vec<PlannedDatasource>,
}

/// A datasource Grafana is provisioned with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDatasource {
    /// What it serves.
    pub kind: DatasourceKind,
    /// Where Grafana reads it, from inside the stack.
    pub url: String,
    /// Whether panels without a datasource read this one.
    pub is_default: bool,
    /// The shortest step its queries take (Grafana's `timeInterval`), for
    /// Prometheus: the scrape interval of its server (`[prometheus]
    /// scrape-interval`, else 15 s).
    pub time_interval: Option<Duration>,
}

/// Adds the services, volumes and mounts the `[grafana]` section implies,
/// and the datasources.
pub fn add_services(plan: &mut Plan) {
    let Some(grafana) = plan.stack.grafana.clone() else {
        return;
    };
    plan.grafana = Some(PlannedGrafana {
        datasources: datasources(plan),
    });
    let image = grafana.image.as_deref().unwrap_or(DEFAULT_IMAGE);
    let mut service = PlannedService::generated(SERVICE, image, ServiceKind::Generic, "grafana");
    service.ports.push(PortMapping {
        container: CONTAINER_PORT,
        host: Some(grafana.port.unwrap_or(CONTAINER_PORT)),
        bind: grafana.bind.clone(),
        protocol: None,
    });
    service.mounts = vec![ResolvedMount::read_only_bind(
        "./grafana/provisioning",
        "/etc/grafana/provisioning",
    )];
    // Without any dashboard the directory is not written, and Docker would
    // create an empty one owned by root in its place.
    if !plan.dashboards.is_empty() {
        service.mounts.push(ResolvedMount::read_only_bind(
            "./grafana/dashboards",
            DASHBOARDS_MOUNT,
        ));
    }
    service.mounts.push(ResolvedMount {
        source: MountSource::Volume(DATA_VOLUME.to_owned()),
        target: "/var/lib/grafana".to_owned(),
        read_only: false,
    });
    plan.ensure_volume(DATA_VOLUME);
    let environment = [
        (
            "GF_SECURITY_ADMIN_USER",
            grafana.admin_user.as_deref().unwrap_or("admin"),
        ),
        (
            "GF_SECURITY_ADMIN_PASSWORD",
            grafana.admin_password.as_ref().map_or("", |p| p.as_str()),
        ),
        ("GF_USERS_ALLOW_SIGN_UP", "false"),
        ("GF_AUTH_ANONYMOUS_ENABLED", "false"),
        ("GF_ANALYTICS_REPORTING_ENABLED", "false"),
        ("GF_METRICS_ENABLED", "true"),
    ];
    service.environment = environment
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
    let prefix = plan.web_prefix(SERVICE).to_owned();
    if let Some(root) = plan.web_root(SERVICE) {
        // Links and redirects follow the proxy's URL; under a prefix,
        // Grafana serves every path below it, as the proxy passes them on.
        service
            .environment
            .insert("GF_SERVER_ROOT_URL".to_owned(), root.external_url.clone());
        if !prefix.is_empty() {
            service.environment.insert(
                "GF_SERVER_SERVE_FROM_SUB_PATH".to_owned(),
                "true".to_owned(),
            );
        }
    }
    service.healthcheck = Some(PlannedHealthcheck::wget(
        &format!("http://localhost:{CONTAINER_PORT}{prefix}/api/health"),
        15,
        5,
        5,
        30,
    ));
    service.metrics = Some(PlannedMetrics::http(CONTAINER_PORT).under(&prefix));
    if let Some(prometheus) = plan.service("prometheus") {
        let condition = if prometheus.healthcheck.is_some() {
            DependsCondition::Healthy
        } else {
            DependsCondition::Started
        };
        service
            .depends_on
            .insert("prometheus".to_owned(), condition);
    }
    service.networks = datasource_networks(plan);
    plan.services.push(service);
}

/// Prometheus (the default), then Alertmanager, Loki and Elasticsearch when
/// the stack has them.
fn datasources(plan: &Plan) -> Vec<PlannedDatasource> {
    // Grafana's shortest query step is Prometheus' scrape interval: a
    // shorter step would ask for points between two samples.
    let scrape_interval = plan.prometheus.as_ref().map_or_else(
        || Duration::from_millis(DEFAULT_INTERVAL_MS),
        |server| server.scrape_interval.clone(),
    );
    let source = |kind, url: String| PlannedDatasource {
        kind,
        url,
        is_default: kind == DatasourceKind::Prometheus,
        time_interval: (kind == DatasourceKind::Prometheus).then(|| scrape_interval.clone()),
    };
    let mut list = vec![source(
        DatasourceKind::Prometheus,
        format!(
            "http://{PROMETHEUS}:{PROMETHEUS_PORT}{}",
            plan.web_prefix(PROMETHEUS)
        ),
    )];
    if plan.stack.alertmanager.is_some() {
        list.push(source(
            DatasourceKind::Alertmanager,
            format!(
                "http://{ALERTMANAGER}:{ALERTMANAGER_PORT}{}",
                plan.web_prefix(ALERTMANAGER)
            ),
        ));
    }
    if let Some(url) = &plan.loki_url {
        list.push(source(DatasourceKind::Loki, url.clone()));
    }
    let elasticsearch = plan
        .services
        .iter()
        .find(|s| s.kind == ServiceKind::Elasticsearch && s.origin == Origin::User);
    if let Some(service) = elasticsearch {
        let port = service.primary_port().unwrap_or(ELASTICSEARCH_PORT);
        list.push(source(
            DatasourceKind::Elasticsearch,
            format!("http://{}:{port}", service.name),
        ));
    }
    list
}

/// The stack's first network, where Prometheus and Alertmanager are, then
/// every network of a Loki or Elasticsearch service Grafana reads as a datasource.
fn datasource_networks(plan: &Plan) -> Vec<String> {
    let mut networks: Vec<String> = plan.networks.keys().take(1).cloned().collect();
    let sources = plan
        .services
        .iter()
        .filter(|s| matches!(s.kind, ServiceKind::Loki | ServiceKind::Elasticsearch));
    join_networks(&mut networks, sources.flat_map(|s| &s.networks));
    networks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasources_follow_the_stack() {
        let source = "[stack]\nname = \"logs\"\n[services.loki]\nimage = \"grafana/loki:2.9.4\"\nkind = \"loki\"\nreplicas = 2\n[services.search]\nimage = \"elasticsearch:8.13.0\"\nkind = \"elasticsearch\"\n[prometheus]\n[alertmanager]\ndefault-receiver = \"ops\"\n[grafana]\n";
        let loaded = crate::load::load_str("logs.toml", source).expect("the stack loads");
        let plan = crate::plan::plan(&loaded);
        let grafana = plan.grafana.expect("the stack has [grafana]");
        let planned: Vec<(DatasourceKind, &str, bool)> = grafana
            .datasources
            .iter()
            .map(|d| (d.kind, d.url.as_str(), d.is_default))
            .collect();
        assert_eq!(
            planned,
            [
                (DatasourceKind::Prometheus, "http://prometheus:9090", true),
                (
                    DatasourceKind::Alertmanager,
                    "http://alertmanager:9093",
                    false
                ),
                (DatasourceKind::Loki, "http://loki:3100", false),
                (DatasourceKind::Elasticsearch, "http://search:9200", false)
            ]
        );
    }

    #[test]
    fn no_datasources_without_grafana() {
        let loaded = crate::load::load_str("s.toml", "[stack]\nname = \"s\"\n[prometheus]\n")
            .expect("the stack loads");
        assert!(crate::plan::plan(&loaded).grafana.is_none());
    }
}
