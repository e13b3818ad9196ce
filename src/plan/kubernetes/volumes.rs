//! A pod's volumes: named volumes as claims, the stack's config files as a
//! `ConfigMap` mounted at the same paths, other host paths as empty folders
//! (a loss).

use std::collections::BTreeMap;

use super::{Loss, PlannedClaim, WorkloadKind, container::bytes_quantity};
use crate::config::{Kubernetes, MountSource};
use crate::load::pointer;
use crate::plan::{Plan, PlannedService};
use crate::syntax::check_config_key;

/// A volume of a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodVolume {
    /// The volume's name in the pod.
    pub name: String,
    /// Where its data is.
    pub source: VolumeSource,
}

/// Where a pod volume's data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeSource {
    /// A claim per pod, from the `StatefulSet`'s `volumeClaimTemplates`.
    ClaimTemplate {
        /// The requested size, as a Kubernetes quantity.
        size: String,
        /// The `StorageClass` (the cluster's default when `None`).
        storage_class: Option<String>,
    },
    /// A `PersistentVolumeClaim` of its own, named like the volume.
    Claim {
        /// The claim's name.
        claim: String,
    },
    /// A `ConfigMap` of the bundle.
    ConfigMap {
        /// Its name.
        name: String,
    },
    /// An empty folder that lives as long as the pod.
    EmptyDir,
}

/// A mount of a pod volume into a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMount {
    /// The pod volume.
    pub volume: String,
    /// The path in the container.
    pub path: String,
    /// The key of the volume mounted there, for one file of a `ConfigMap`.
    pub sub_path: Option<String>,
    /// Read-only.
    pub read_only: bool,
}

/// A `ConfigMap` holding files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedConfigMap {
    /// Its name.
    pub name: String,
    /// UTF-8 files by key.
    pub data: BTreeMap<String, String>,
    /// Other files by key.
    pub binary_data: BTreeMap<String, Vec<u8>>,
}

/// The largest `ConfigMap` Kubernetes stores.
pub const MAX_CONFIG_MAP_BYTES: usize = 1024 * 1024;

/// What planning one workload's volumes gives.
#[derive(Debug, Default)]
pub struct PodStorage {
    /// The pod's volumes.
    pub volumes: Vec<PodVolume>,
    /// The main container's mounts.
    pub mounts: Vec<PlannedMount>,
    /// The `ConfigMap` of its files, if it has any.
    pub config_map: Option<PlannedConfigMap>,
    /// Claims of its own.
    pub claims: Vec<PlannedClaim>,
    /// What is lost.
    pub losses: Vec<Loss>,
}

/// Whether `service` mounts a named volume (and so runs as a `StatefulSet`,
/// unless it is a one-shot).
pub fn has_named_volume(service: &PlannedService) -> bool {
    service
        .mounts
        .iter()
        .any(|mount| matches!(mount.source, MountSource::Volume(_)))
}

/// Plans the volumes and mounts of the workload `name` running `service`.
pub fn plan_volumes(
    plan: &Plan,
    settings: &Kubernetes,
    name: &str,
    service: &PlannedService,
    kind: WorkloadKind,
) -> PodStorage {
    let mut out = PodStorage::default();
    let files = plan
        .stack
        .services
        .get(&service.name)
        .map(|s| s.files.as_slice())
        .unwrap_or_default();
    let mut config_map = PlannedConfigMap {
        name: format!("{name}-files"),
        data: BTreeMap::new(),
        binary_data: BTreeMap::new(),
    };
    let mut size = 0;
    let mut host_paths = 0;
    for (index, mount) in service.mounts.iter().enumerate() {
        match &mount.source {
            MountSource::Volume(volume) => {
                let source = match kind {
                    WorkloadKind::StatefulSet => VolumeSource::ClaimTemplate {
                        size: volume_size(settings, volume),
                        storage_class: settings.storage_class.clone(),
                    },
                    WorkloadKind::Deployment | WorkloadKind::Job => {
                        out.claims.push(PlannedClaim {
                            name: volume.clone(),
                            size: volume_size(settings, volume),
                            storage_class: settings.storage_class.clone(),
                        });
                        VolumeSource::Claim {
                            claim: volume.clone(),
                        }
                    }
                };
                if !out.volumes.iter().any(|v| &v.name == volume) {
                    out.volumes.push(PodVolume {
                        name: volume.clone(),
                        source,
                    });
                }
                out.mounts.push(PlannedMount {
                    volume: volume.clone(),
                    path: mount.target.clone(),
                    sub_path: None,
                    read_only: mount.read_only,
                });
            }
            MountSource::Host(path) => {
                let file = files.iter().enumerate().find(|(_, file)| {
                    path.trim_start_matches("./") == file.bundle_path(&service.name)
                        && file.target == mount.target
                });
                if let Some((position, file)) = file {
                    let contents = plan
                        .inputs
                        .file(&file.source)
                        .map(|input| input.contents.clone())
                        .unwrap_or_default();
                    size += contents.len();
                    let key = file_key(&file.source, position, &config_map);
                    match String::from_utf8(contents) {
                        Ok(text) => {
                            config_map.data.insert(key.clone(), text);
                        }
                        Err(binary) => {
                            config_map
                                .binary_data
                                .insert(key.clone(), binary.into_bytes());
                        }
                    }
                    out.mounts.push(PlannedMount {
                        volume: "files".to_owned(),
                        path: mount.target.clone(),
                        sub_path: Some(key),
                        read_only: true,
                    });
                } else {
                    host_paths += 1;
                    let volume = format!("host-{host_paths}");
                    out.volumes.push(PodVolume {
                        name: volume.clone(),
                        source: VolumeSource::EmptyDir,
                    });
                    out.mounts.push(PlannedMount {
                        volume,
                        path: mount.target.clone(),
                        sub_path: None,
                        read_only: mount.read_only,
                    });
                    out.losses.push(Loss {
                        pointer: pointer(["services", &service.name, "volumes", &index.to_string()]),
                        what: format!("the host path `{path}` mounted at `{}`", mount.target),
                        consequence: "the pod gets an empty folder there instead: a cluster has no host folder to share".to_owned(),
                        fix: "keep the data in a named volume, or ship the files with `files`".to_owned(),
                    });
                }
            }
        }
    }
    if size > MAX_CONFIG_MAP_BYTES {
        out.losses.push(Loss {
            pointer: pointer(["services", &service.name, "files"]),
            what: format!("the files of `{}` ({size} bytes)", service.name),
            consequence:
                "they exceed the 1 MiB a ConfigMap holds, so the API server refuses the ConfigMap"
                    .to_owned(),
            fix: "ship large files in the image, or in a volume".to_owned(),
        });
    }
    if !config_map.data.is_empty() || !config_map.binary_data.is_empty() {
        out.volumes.push(PodVolume {
            name: "files".to_owned(),
            source: VolumeSource::ConfigMap {
                name: config_map.name.clone(),
            },
        });
        out.config_map = Some(config_map);
    }
    out
}

/// The size of the named volume `volume`: its own, else the default.
fn volume_size(settings: &Kubernetes, volume: &str) -> String {
    let bytes = settings
        .volume_sizes
        .get(volume)
        .or(settings.volume_size.as_ref())
        .map_or(super::DEFAULT_VOLUME_BYTES, crate::config::ByteSize::bytes);
    bytes_quantity(bytes)
}

/// The `ConfigMap` key of the file at `source`: its file name when that is a
/// valid key not yet taken, else `file-<position>`.
fn file_key(source: &str, position: usize, config_map: &PlannedConfigMap) -> String {
    let file_name = source.rsplit('/').next().unwrap_or(source);
    let taken =
        |key: &str| config_map.data.contains_key(key) || config_map.binary_data.contains_key(key);
    if check_config_key(file_name).is_none() && !taken(file_name) {
        file_name.to_owned()
    } else {
        format!("file-{}", position + 1)
    }
}
