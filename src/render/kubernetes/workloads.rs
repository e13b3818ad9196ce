//! `k8s/services/<name>.yaml`: each workload with its Services and the
//! `ConfigMap` of its files; `k8s/volumes.yaml`: the claims of named volumes
//! outside `StatefulSets`; `k8s/namespace.yaml`: the namespace.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::objects::{Object, map, metadata};
use super::{Files, kubernetes_plan, pods, services};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::kubernetes::{
    BLACKBOX_CONFIG_KEY, KubernetesPlan, PlannedClaim, PlannedConfigMap, VolumeSource, Workload,
    WorkloadKind,
};
use crate::plan::prometheus::BLACKBOX;
use crate::render::prometheus::blackbox_yaml;

/// The path of the file of the workload `name`, inside `k8s/`.
pub fn workload_path(name: &str) -> String {
    format!("services/{name}.yaml")
}

/// Renders the workloads' files and the claims'.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(kubernetes.namespace.clone()),
            labels: Some(map(&kubernetes.common_labels)),
            ..ObjectMeta::default()
        },
        spec: None,
        status: None,
    };
    let mut files = Files::default();
    files.manifest(
        plan,
        "namespace.yaml",
        &[Object::Namespace(Box::new(namespace))],
    )?;
    let mut config_maps: HashMap<&str, &PlannedConfigMap> = HashMap::new();
    for config_map in &kubernetes.config_maps {
        config_maps
            .entry(config_map.name.as_str())
            .or_insert(config_map);
    }
    for workload in &kubernetes.workloads {
        let mut objects = Vec::new();
        if !workload.run_as_init {
            objects.push(workload_object(kubernetes, workload));
            if let Some(service) = services::cluster_service(kubernetes, workload) {
                objects.push(Object::Service(Box::new(service)));
            }
            if let Some(service) = services::published_service(kubernetes, workload) {
                objects.push(Object::Service(Box::new(service)));
            }
        }
        let files_name = format!("{}-files", workload.name);
        if let Some(config_map) = config_maps.get(files_name.as_str()) {
            objects.push(Object::ConfigMap(Box::new(config_map_object(
                kubernetes, workload, config_map,
            ))));
        }
        if let (Some(name), true) = (
            &kubernetes.monitoring.blackbox_config,
            workload.service == BLACKBOX,
        ) {
            // The compose bundle's blackbox.yml, which the prober mounts.
            let config = PlannedConfigMap {
                name: name.clone(),
                data: BTreeMap::from([(BLACKBOX_CONFIG_KEY.to_owned(), blackbox_yaml(plan)?)]),
                binary_data: BTreeMap::new(),
            };
            objects.push(Object::ConfigMap(Box::new(config_map_object(
                kubernetes, workload, &config,
            ))));
        }
        if !objects.is_empty() {
            files.manifest(plan, &workload_path(&workload.name), &objects)?;
        }
    }
    if !kubernetes.claims.is_empty() {
        let claims: Vec<Object> = kubernetes
            .claims
            .iter()
            .map(|claim| Object::Claim(Box::new(claim_object(kubernetes, claim))))
            .collect();
        files.manifest(plan, "volumes.yaml", &claims)?;
    }
    Ok(files)
}

fn workload_object(kubernetes: &KubernetesPlan, workload: &Workload) -> Object {
    let meta = metadata(&workload.name, &kubernetes.namespace, &workload.labels);
    let selector = LabelSelector {
        match_labels: Some(map(&workload.selector)),
        match_expressions: None,
    };
    let template = pods::template(kubernetes, workload);
    let replicas = i32::try_from(workload.replicas).unwrap_or(i32::MAX);
    match workload.kind {
        WorkloadKind::Deployment => Object::Deployment(Box::new(Deployment {
            metadata: meta,
            spec: Some(DeploymentSpec {
                replicas: Some(replicas),
                selector,
                template,
                ..DeploymentSpec::default()
            }),
            status: None,
        })),
        WorkloadKind::StatefulSet => {
            let templates = workload
                .volumes
                .iter()
                .filter_map(|volume| match &volume.source {
                    VolumeSource::ClaimTemplate {
                        size,
                        storage_class,
                    } => Some(PersistentVolumeClaim {
                        metadata: ObjectMeta {
                            name: Some(volume.name.clone()),
                            ..ObjectMeta::default()
                        },
                        spec: Some(claim_spec(size, storage_class.as_ref())),
                        status: None,
                    }),
                    _ => None,
                })
                .collect();
            Object::StatefulSet(Box::new(StatefulSet {
                metadata: meta,
                spec: Some(StatefulSetSpec {
                    replicas: Some(replicas),
                    selector,
                    service_name: Some(workload.name.clone()),
                    template,
                    volume_claim_templates: Some(templates),
                    ..StatefulSetSpec::default()
                }),
                status: None,
            }))
        }
        WorkloadKind::Job => Object::Job(Box::new(Job {
            metadata: meta,
            spec: Some(JobSpec {
                completions: Some(replicas),
                parallelism: Some(replicas),
                backoff_limit: Some(0),
                template,
                ..JobSpec::default()
            }),
            status: None,
        })),
    }
}

fn claim_spec(size: &str, storage_class: Option<&String>) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_owned(),
                Quantity(size.to_owned()),
            )])),
            limits: None,
        }),
        storage_class_name: storage_class.cloned(),
        ..PersistentVolumeClaimSpec::default()
    }
}

fn claim_object(kubernetes: &KubernetesPlan, claim: &PlannedClaim) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: metadata(
            &claim.name,
            &kubernetes.namespace,
            &kubernetes.common_labels,
        ),
        spec: Some(claim_spec(&claim.size, claim.storage_class.as_ref())),
        status: None,
    }
}

fn config_map_object(
    kubernetes: &KubernetesPlan,
    workload: &Workload,
    planned: &PlannedConfigMap,
) -> ConfigMap {
    ConfigMap {
        metadata: metadata(&planned.name, &kubernetes.namespace, &workload.labels),
        data: (!planned.data.is_empty()).then(|| planned.data.clone()),
        binary_data: (!planned.binary_data.is_empty()).then(|| {
            planned
                .binary_data
                .iter()
                .map(|(key, bytes)| (key.clone(), ByteString(bytes.clone())))
                .collect()
        }),
        immutable: None,
    }
}
