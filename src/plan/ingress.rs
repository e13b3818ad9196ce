//! Services the `[ingress]` section adds to the plan: `nginx`, and with
//! `exporter = true`, `nginx-exporter` scraping its `stub_status` page.

use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::{DependsCondition, PortMapping, ServiceKind};
use crate::validate::volumes::{MountSource, ResolvedMount};

/// The nginx image used when `[ingress] image` is unset.
pub const DEFAULT_IMAGE: &str = "nginx:1.22-alpine";
/// The exporter image.
pub const EXPORTER_IMAGE: &str = "nginx/nginx-prometheus-exporter:1.1.0";
/// The exporter's metrics port.
pub const EXPORTER_PORT: u16 = 9113;
/// The container port of the plain HTTP listener.
pub const HTTP_PORT: u16 = 80;
/// The container port of the TLS listener.
pub const HTTPS_PORT: u16 = 443;
/// The path nginx answers health checks on.
pub const HEALTH_PATH: &str = "/nginx-health";
/// The path of the `stub_status` page.
pub const STATUS_PATH: &str = "/nginx-status";
/// Where the TLS files are mounted in the container.
pub const CERTS_DIR: &str = "/etc/nginx/certs";

/// Adds the services, volumes and mounts the `[ingress]` section implies.
pub fn add_services(plan: &mut Plan) {
    let Some(ingress) = plan.stack.ingress.clone() else {
        return;
    };
    let mut nginx = PlannedService::generated(
        "nginx",
        ingress.image.as_deref().unwrap_or(DEFAULT_IMAGE),
        ServiceKind::Generic,
        "ingress",
    );
    nginx.ports.push(published(HTTP_PORT, ingress.http_port));
    nginx
        .mounts
        .push(bind("./nginx/nginx.conf", "/etc/nginx/nginx.conf"));
    if ingress.tls.is_some() {
        nginx.ports.push(published(HTTPS_PORT, ingress.https_port));
        nginx.mounts.push(bind("./nginx/certs", CERTS_DIR));
    }
    let mut networks: Vec<String> = Vec::new();
    for route in &ingress.routes {
        for replica in plan.replicas(&route.service) {
            for network in &replica.networks {
                if !networks.contains(network) {
                    networks.push(network.clone());
                }
            }
            if !replica.profiles.is_empty() {
                // Depending on a profiled service breaks `docker compose up` without the profile.
                continue;
            }
            let condition = if replica.healthcheck.is_some() {
                DependsCondition::Healthy
            } else {
                DependsCondition::Started
            };
            nginx.depends_on.insert(replica.name.clone(), condition);
        }
    }
    if networks.is_empty() {
        networks.extend(plan.networks.keys().take(1).cloned());
    }
    nginx.networks.clone_from(&networks);
    nginx.healthcheck = Some(PlannedHealthcheck {
        test: [
            "CMD",
            "wget",
            "--quiet",
            "--tries=1",
            "--spider",
            &format!("http://127.0.0.1:{HTTP_PORT}{HEALTH_PATH}"),
        ]
        .map(str::to_owned)
        .to_vec(),
        interval: Some("10s".to_owned()),
        timeout: Some("5s".to_owned()),
        retries: Some(3),
        start_period: Some("10s".to_owned()),
    });
    plan.services.push(nginx);

    if ingress.exporter {
        let mut exporter = PlannedService::generated(
            "nginx-exporter",
            EXPORTER_IMAGE,
            ServiceKind::Generic,
            "ingress",
        );
        exporter.command = Some(vec![format!(
            "--nginx.scrape-uri=http://nginx:{HTTP_PORT}{STATUS_PATH}"
        )]);
        exporter.expose.push(EXPORTER_PORT);
        exporter.networks = networks;
        exporter
            .depends_on
            .insert("nginx".to_owned(), DependsCondition::Healthy);
        exporter.metrics = Some(PlannedMetrics {
            port: EXPORTER_PORT,
            path: "/metrics".to_owned(),
            interval: None,
            timeout: None,
            scheme: "http".to_owned(),
        });
        plan.services.push(exporter);
    }
}

fn published(container: u16, host: Option<u16>) -> PortMapping {
    PortMapping {
        container,
        host: Some(host.unwrap_or(container)),
        bind: None,
        protocol: None,
    }
}

fn bind(source: &str, target: &str) -> ResolvedMount {
    ResolvedMount {
        source: MountSource::Host(source.to_owned()),
        target: target.to_owned(),
        read_only: true,
    }
}
