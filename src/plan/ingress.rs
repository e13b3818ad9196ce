//! Services the `[ingress]` section adds to the plan: `nginx`, and with
//! `exporter = true`, `nginx-exporter` scraping its `stub_status` page.

use super::service::join_networks;
use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedService};
use crate::config::ResolvedMount;
use crate::config::{DependsCondition, PortMapping, ServiceKind};

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
    nginx.mounts.push(ResolvedMount::read_only_bind(
        "./nginx/nginx.conf",
        "/etc/nginx/nginx.conf",
    ));
    if ingress.tls.is_some() {
        nginx.ports.push(published(HTTPS_PORT, ingress.https_port));
        nginx
            .mounts
            .push(ResolvedMount::read_only_bind("./nginx/certs", CERTS_DIR));
    }
    let mut networks: Vec<String> = Vec::new();
    let replicas = plan.replicas_by_group();
    for route in &ingress.routes {
        for replica in replicas.get(route.service.as_str()).into_iter().flatten() {
            join_networks(&mut networks, &replica.networks);
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
    nginx.healthcheck = Some(PlannedHealthcheck::wget(
        &format!("http://127.0.0.1:{HTTP_PORT}{HEALTH_PATH}"),
        "10s",
        "5s",
        3,
        "10s",
    ));
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
        exporter.metrics = Some(PlannedMetrics::http(EXPORTER_PORT));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(ingress: &str) -> Plan {
        let text = format!(
            "[stack]\nname = \"t\"\n[services.app]\nimage = \"app:1\"\nreplicas = 2\nexpose = [8000]\nhealthcheck = {{ http = \"/health\" }}\n[services.ws]\nimage = \"ws:1\"\nexpose = [9000]\n[ingress]\n{ingress}\n[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\n[[ingress.routes]]\npath = \"/ws/\"\nservice = \"ws\"\nkind = \"websocket\"\n"
        );
        let loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        crate::plan_loaded(&loaded).expect("valid").0
    }

    #[test]
    fn nginx_waits_for_routed_replicas() {
        let plan = plan("http-port = 8080");
        let nginx = plan.service("nginx").expect("nginx");
        assert_eq!(nginx.image.as_deref(), Some(DEFAULT_IMAGE));
        let ports: Vec<(u16, Option<u16>)> =
            nginx.ports.iter().map(|p| (p.container, p.host)).collect();
        assert_eq!(ports, [(80, Some(8080))]);
        assert_eq!(nginx.mounts.len(), 1);
        let depends: Vec<(&str, DependsCondition)> = nginx
            .depends_on
            .iter()
            .map(|(name, condition)| (name.as_str(), *condition))
            .collect();
        assert_eq!(
            depends,
            [
                ("app-1", DependsCondition::Healthy),
                ("app-2", DependsCondition::Healthy),
                ("ws", DependsCondition::Started)
            ]
        );
        assert!(
            nginx
                .healthcheck
                .as_ref()
                .is_some_and(|h| h.test.last().is_some_and(|url| url.ends_with(HEALTH_PATH)))
        );
        assert!(plan.service("nginx-exporter").is_none());
    }

    #[test]
    fn tls_and_exporter_add_a_port_a_mount_and_a_scraped_service() {
        let plan = plan(
            "exporter = true\ntls = { certificate = \"examples/certs/dev.crt\", key = \"examples/certs/dev.key\" }",
        );
        let nginx = plan.service("nginx").expect("nginx");
        let ports: Vec<(u16, Option<u16>)> =
            nginx.ports.iter().map(|p| (p.container, p.host)).collect();
        assert_eq!(ports, [(80, Some(80)), (443, Some(443))]);
        assert_eq!(
            nginx.mounts[1],
            ResolvedMount::read_only_bind("./nginx/certs", CERTS_DIR)
        );
        let exporter = plan.service("nginx-exporter").expect("exporter");
        assert_eq!(
            exporter.metrics.as_ref().map(|m| m.port),
            Some(EXPORTER_PORT)
        );
        assert_eq!(
            exporter.command.as_deref(),
            Some(&["--nginx.scrape-uri=http://nginx:80/nginx-status".to_owned()][..])
        );
    }
}
