//! Services the `[grafana]` section adds to the plan: Grafana itself, with
//! the provisioning and dashboards directories mounted read-only.

use super::service::join_networks;
use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::{DependsCondition, PortMapping, ServiceKind};
use crate::config::{MountSource, ResolvedMount};

/// The image when `[grafana] image` is unset.
pub const DEFAULT_IMAGE: &str = "grafana/grafana:10.4.5";
/// The port Grafana listens on inside its container.
pub const CONTAINER_PORT: u16 = 3000;
/// The named volume holding Grafana's database.
pub const DATA_VOLUME: &str = "grafana-data";
/// Where the dashboards directory is mounted in the Grafana container.
pub const DASHBOARDS_MOUNT: &str = "/etc/grafana/dashboards";

/// Adds the services, volumes and mounts the `[grafana]` section implies.
pub fn add_services(plan: &mut Plan) {
    let Some(grafana) = plan.stack.grafana.clone() else {
        return;
    };
    let image = grafana.image.as_deref().unwrap_or(DEFAULT_IMAGE);
    let mut service = PlannedService::generated("grafana", image, ServiceKind::Generic, "grafana");
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
    service.healthcheck = Some(PlannedHealthcheck::wget(
        "http://localhost:3000/api/health",
        "15s",
        "5s",
        5,
        "30s",
    ));
    service.metrics = Some(PlannedMetrics::http(CONTAINER_PORT));
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
