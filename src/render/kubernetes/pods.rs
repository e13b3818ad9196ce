//! Pod templates: containers, init containers and volumes of a workload.

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, EnvVarSource,
    ExecAction, HTTPGetAction, LocalObjectReference, PersistentVolumeClaimVolumeSource, PodSpec,
    PodTemplateSpec, Probe, ResourceRequirements, SecretKeySelector, SecurityContext, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::objects::{map, protocol_name};
use crate::plan::kubernetes::{
    EnvSource, KubernetesPlan, PlannedContainer, PlannedProbe, PlannedResources, ProbeAction,
    VolumeSource, Workload, WorkloadKind,
};

/// The pod template of `workload`.
pub fn template(kubernetes: &KubernetesPlan, workload: &Workload) -> PodTemplateSpec {
    let annotations =
        (!workload.pod_annotations.is_empty()).then(|| map(&workload.pod_annotations));
    let volumes: Vec<Volume> = workload
        .volumes
        .iter()
        .filter_map(|volume| {
            let mut out = Volume {
                name: volume.name.clone(),
                ..Volume::default()
            };
            match &volume.source {
                // Claimed per pod by the StatefulSet's volumeClaimTemplates.
                VolumeSource::ClaimTemplate { .. } => return None,
                VolumeSource::Claim { claim } => {
                    out.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                        claim_name: claim.clone(),
                        read_only: None,
                    });
                }
                VolumeSource::ConfigMap { name } => {
                    out.config_map = Some(ConfigMapVolumeSource {
                        name: name.clone(),
                        ..ConfigMapVolumeSource::default()
                    });
                }
                VolumeSource::EmptyDir => out.empty_dir = Some(EmptyDirVolumeSource::default()),
            }
            Some(out)
        })
        .collect();
    let init_containers: Vec<Container> = workload
        .init_containers
        .iter()
        .map(|c| container(kubernetes, c))
        .collect();
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(map(&workload.labels)),
            annotations,
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![container(kubernetes, &workload.container)],
            init_containers: (!init_containers.is_empty()).then_some(init_containers),
            volumes: (!volumes.is_empty()).then_some(volumes),
            image_pull_secrets: (!workload.image_pull_secrets.is_empty()).then(|| {
                workload
                    .image_pull_secrets
                    .iter()
                    .map(|name| LocalObjectReference { name: name.clone() })
                    .collect()
            }),
            restart_policy: (workload.kind == WorkloadKind::Job).then(|| "Never".to_owned()),
            termination_grace_period_seconds: workload.termination_grace_seconds,
            ..PodSpec::default()
        }),
    }
}

/// One container.
fn container(kubernetes: &KubernetesPlan, planned: &PlannedContainer) -> Container {
    let env: Vec<EnvVar> = planned
        .env
        .iter()
        .map(|var| match &var.value {
            EnvSource::Text(text) => EnvVar {
                name: var.name.clone(),
                value: Some(text.clone()),
                value_from: None,
            },
            EnvSource::Secret { key } => EnvVar {
                name: var.name.clone(),
                value: None,
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: kubernetes.secret_name.clone(),
                        key: key.clone(),
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }),
            },
        })
        .collect();
    let ports: Vec<ContainerPort> = planned
        .ports
        .iter()
        .map(|port| ContainerPort {
            name: Some(port.name.clone()),
            container_port: i32::from(port.port),
            protocol: Some(protocol_name(port.protocol)),
            ..ContainerPort::default()
        })
        .collect();
    let mounts: Vec<VolumeMount> = planned
        .mounts
        .iter()
        .map(|mount| VolumeMount {
            name: mount.volume.clone(),
            mount_path: mount.path.clone(),
            sub_path: mount.sub_path.clone(),
            read_only: mount.read_only.then_some(true),
            ..VolumeMount::default()
        })
        .collect();
    let probes = planned.probes.as_ref();
    Container {
        name: planned.name.clone(),
        image: Some(planned.image.clone()),
        command: planned.command.clone(),
        args: planned.args.clone(),
        env: (!env.is_empty()).then_some(env),
        ports: (!ports.is_empty()).then_some(ports),
        volume_mounts: (!mounts.is_empty()).then_some(mounts),
        readiness_probe: probes.map(|p| probe(&p.probe)),
        liveness_probe: probes.map(|p| probe(&p.probe)),
        startup_probe: probes.and_then(|p| p.startup.as_ref()).map(probe),
        resources: planned.resources.as_ref().map(resources),
        working_dir: planned.working_dir.clone(),
        security_context: planned.run_as.map(|(user, group)| SecurityContext {
            run_as_user: Some(i64::from(user)),
            run_as_group: group.map(i64::from),
            ..SecurityContext::default()
        }),
        ..Container::default()
    }
}

fn probe(planned: &PlannedProbe) -> Probe {
    let mut probe = Probe {
        period_seconds: Some(planned.period_seconds),
        timeout_seconds: Some(planned.timeout_seconds),
        failure_threshold: Some(planned.failure_threshold),
        ..Probe::default()
    };
    match &planned.action {
        ProbeAction::HttpGet { path, port } => {
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: IntOrString::Int(i32::from(*port)),
                ..HTTPGetAction::default()
            });
        }
        ProbeAction::Exec(command) => {
            probe.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
    }
    probe
}

fn resources(planned: &PlannedResources) -> ResourceRequirements {
    let quantities = |cpu: &Option<String>, memory: &Option<String>| {
        let mut out = std::collections::BTreeMap::new();
        if let Some(cpu) = cpu {
            out.insert("cpu".to_owned(), Quantity(cpu.clone()));
        }
        if let Some(memory) = memory {
            out.insert("memory".to_owned(), Quantity(memory.clone()));
        }
        (!out.is_empty()).then_some(out)
    };
    ResourceRequirements {
        limits: quantities(&planned.cpu_limit, &planned.memory_limit),
        requests: quantities(&planned.cpu_request, &planned.memory_request),
        ..ResourceRequirements::default()
    }
}
