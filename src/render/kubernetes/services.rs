//! The Services in front of a workload: a `ClusterIP` Service with a named
//! port for every container port (headless for a `StatefulSet` without
//! ports), and the Service publishing host ports.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::objects::{map, metadata, protocol_name};
use crate::plan::kubernetes::{KubernetesPlan, Workload};

/// The `ClusterIP` Service named after `workload`, if it has one.
pub fn cluster_service(kubernetes: &KubernetesPlan, workload: &Workload) -> Option<Service> {
    if !workload.has_service() {
        return None;
    }
    let ports: Vec<ServicePort> = workload
        .ports
        .iter()
        .map(|port| ServicePort {
            name: Some(port.name.clone()),
            port: i32::from(port.port),
            target_port: Some(IntOrString::String(port.name.clone())),
            protocol: Some(protocol_name(port.protocol)),
            ..ServicePort::default()
        })
        .collect();
    let headless = ports.is_empty();
    Some(Service {
        metadata: metadata(&workload.name, &kubernetes.namespace, &workload.labels),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            cluster_ip: headless.then(|| "None".to_owned()),
            selector: Some(map(&workload.selector)),
            ports: (!headless).then_some(ports),
            ..ServiceSpec::default()
        }),
        status: None,
    })
}

/// The Service publishing `workload`'s host ports, if it has any.
pub fn published_service(kubernetes: &KubernetesPlan, workload: &Workload) -> Option<Service> {
    let published = workload.published.as_ref()?;
    let ports = published
        .ports
        .iter()
        .map(|port| ServicePort {
            name: Some(port.name.clone()),
            port: i32::from(port.port),
            target_port: Some(IntOrString::Int(i32::from(port.target_port))),
            protocol: Some(protocol_name(port.protocol)),
            node_port: port.node_port.map(i32::from),
            ..ServicePort::default()
        })
        .collect();
    Some(Service {
        metadata: metadata(&published.name, &kubernetes.namespace, &workload.labels),
        spec: Some(ServiceSpec {
            type_: Some(published.service_type.as_str().to_owned()),
            selector: Some(map(&workload.selector)),
            ports: Some(ports),
            ..ServiceSpec::default()
        }),
        status: None,
    })
}
