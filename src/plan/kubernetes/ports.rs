//! Service ports: every port a container listens on, named after its
//! number and protocol, and the published ones.

use crate::config::Protocol;
use crate::plan::PlannedService;

/// A named port of a container and of its `ClusterIP` Service (same number on both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPort {
    /// The name, `tcp-8000` (an IANA service name: at most 15 characters).
    pub name: String,
    /// The port number.
    pub port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
}

/// The Service that publishes ports outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedService {
    /// Its name: the workload's and `-public`.
    pub name: String,
    /// `LoadBalancer` or `NodePort`.
    pub service_type: crate::config::PublishedServiceType,
    /// The ports.
    pub ports: Vec<PublishedPort>,
}

/// One published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPort {
    /// The name (`tcp-8080`, after the port the Service listens on).
    pub name: String,
    /// The port the Service listens on: the host port.
    pub port: u16,
    /// The container port.
    pub target_port: u16,
    /// TCP or UDP.
    pub protocol: Protocol,
    /// The node port, for a `NodePort` Service whose host port is in the node port range.
    pub node_port: Option<u16>,
}

/// The node port range of a default cluster.
pub const NODE_PORTS: std::ops::RangeInclusive<u16> = 30000..=32767;

/// The suffix of the Service publishing a workload's ports.
pub const PUBLISHED_SUFFIX: &str = "-public";

/// Every port `service` listens on: published and exposed ports, and the
/// metrics and health check ports, each once, in that order.
pub fn container_ports(service: &PlannedService, health_port: Option<u16>) -> Vec<PlannedPort> {
    let mut ports: Vec<PlannedPort> = Vec::new();
    let mut add = |port: u16, protocol: Protocol| {
        if !ports
            .iter()
            .any(|p| p.port == port && p.protocol == protocol)
        {
            ports.push(PlannedPort {
                name: port_name(protocol, port),
                port,
                protocol,
            });
        }
    };
    for mapping in &service.ports {
        add(mapping.container, mapping.protocol());
    }
    for port in &service.expose {
        add(*port, Protocol::Tcp);
    }
    if let Some(metrics) = &service.metrics {
        add(metrics.port, Protocol::Tcp);
    }
    if let Some(port) = health_port {
        add(port, Protocol::Tcp);
    }
    ports
}

/// `tcp-8000`, `udp-53`.
pub fn port_name(protocol: Protocol, port: u16) -> String {
    format!("{}-{port}", protocol.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{PortMapping, ServiceKind};
    use crate::plan::PlannedMetrics;

    #[test]
    fn every_port_once_named_by_number_and_protocol() {
        let mut service = PlannedService::generated("api", "x", ServiceKind::App, "t");
        service.ports = vec![
            PortMapping {
                container: 8000,
                host: Some(8080),
                bind: None,
                protocol: None,
            },
            PortMapping {
                container: 53,
                host: Some(53),
                bind: None,
                protocol: Some(Protocol::Udp),
            },
        ];
        service.expose = vec![8000, 9000];
        service.metrics = Some(PlannedMetrics::http(9100));
        let names: Vec<String> = container_ports(&service, Some(8000))
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["tcp-8000", "udp-53", "tcp-9000", "tcp-9100"]);
        assert!(port_name(Protocol::Udp, 65535).len() <= 15);
    }
}
