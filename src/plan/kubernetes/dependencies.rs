//! `depends-on`, never dropped silently: `healthy` and `started` become an
//! init container that waits until the dependency's Service answers (a
//! Service forwards only to ready pods, so this waits for its readiness
//! probe); `completed` runs the one-shot dependency as an init container of
//! the dependent, before every start of each of its pods. A dependency the
//! manifests cannot wait for is an entry of the loss report.

use std::collections::HashMap;

use super::container::PlannedContainer;
use super::{DEFAULT_WAIT_IMAGE, KubernetesPlan, Loss, PodVolume, Workload, WorkloadKind};
use crate::config::{DependsCondition, Kubernetes, Protocol};
use crate::load::pointer;
use crate::plan::{Plan, PlannedService};

/// The longest name Kubernetes gives a container.
const MAX_CONTAINER_NAME: usize = 63;

/// Adds the init containers of every workload's dependencies: first the
/// waits of every workload, then the one-shots run as init containers
/// (each after the waits it has itself).
pub fn add_waits(plan: &Plan, settings: &Kubernetes, planned: &mut KubernetesPlan) {
    let wait_image = settings
        .wait_image
        .clone()
        .unwrap_or_else(|| DEFAULT_WAIT_IMAGE.to_owned());
    // The planned service standing for each `[services]` entry, by name.
    let mut services: HashMap<&str, &PlannedService> = HashMap::new();
    for service in &plan.services {
        services.entry(service.name.as_str()).or_insert(service);
    }
    let mut inlines: Vec<(usize, String)> = Vec::new();
    for index in 0..planned.workloads.len() {
        let Some(service) = services.get(planned.workloads[index].service.as_str()) else {
            continue;
        };
        let mut seen = Vec::new();
        let mut init_containers = Vec::new();
        let mut losses = Vec::new();
        for (dependency, condition) in &service.depends_on {
            let group = dependency.as_str();
            if seen.contains(&group) || group == service.name {
                continue;
            }
            seen.push(group);
            let at = pointer(["services", &service.name, "depends-on", group]);
            let what = format!("`{}` depending on `{group}`", service.name);
            let Some(target) = planned.workload(group) else {
                losses.push(Loss {
                    pointer: at,
                    what,
                    consequence: format!(
                        "`{group}` is not deployed to the cluster, so nothing waits for it"
                    ),
                    fix: "make sure it runs before the pods start".to_owned(),
                });
                continue;
            };
            if *condition == DependsCondition::Completed && target.kind == WorkloadKind::Job {
                inlines.push((index, group.to_owned()));
                continue;
            }
            let port = target
                .has_service()
                .then(|| target.ports.iter().find(|p| p.protocol == Protocol::Tcp))
                .flatten();
            let Some(port) = port else {
                losses.push(Loss {
                    pointer: at,
                    what,
                    consequence: format!("`{group}` has no TCP port on a Service to wait for, so the pods start without waiting"),
                    fix: format!("expose a port of `{group}`, or make the service retry until it is there"),
                });
                continue;
            };
            if *condition == DependsCondition::Completed {
                losses.push(Loss {
                    pointer: at,
                    what,
                    consequence: format!("`{group}` is no one-shot (`restart = \"no\"`), so the pods wait until it answers, not until it completed"),
                    fix: "depend on it with `healthy` or `started`".to_owned(),
                });
            }
            init_containers.push(wait_for(&wait_image, &target.name, port.port));
        }
        planned.workloads[index].init_containers = init_containers;
        planned.losses.extend(losses);
    }
    for (index, group) in &inlines {
        let Some(target) = planned.workload(group) else {
            continue;
        };
        let (containers, volumes) = inline(target);
        let workload = &mut planned.workloads[*index];
        for container in containers {
            if !workload
                .init_containers
                .iter()
                .any(|c| c.name == container.name)
            {
                workload.init_containers.push(container);
            }
        }
        workload.volumes.extend(volumes);
    }
    for workload in &mut planned.workloads {
        if inlines.iter().any(|(_, group)| *group == workload.name) {
            workload.run_as_init = true;
        }
    }
}

/// An init container waiting until `service:port` accepts connections.
pub fn wait_for(image: &str, service: &str, port: u16) -> PlannedContainer {
    let mut name = format!("wait-for-{service}");
    if name.len() > MAX_CONTAINER_NAME {
        name = format!("wait-for-port-{port}");
    }
    let mut container = PlannedContainer::new(&name, image);
    // `service` is a DNS label and `port` a number: nothing to quote.
    container.command = Some(vec![
        "sh".to_owned(),
        "-c".to_owned(),
        format!(
            "until nc -z -w 2 {service} {port}; do echo waiting for {service}:{port}; sleep 2; done"
        ),
    ]);
    container
}

/// The one-shot `target` as init containers (its own waits, then itself), with the pod volumes it
/// mounts renamed `<one-shot>-<volume>` so they cannot clash with the
/// dependent's own.
fn inline(target: &Workload) -> (Vec<PlannedContainer>, Vec<PodVolume>) {
    let mut container = target.container.clone();
    container.probes = None;
    container.ports = Vec::new();
    let rename = |volume: &str| format!("{}-{volume}", target.name);
    for mount in &mut container.mounts {
        mount.volume = rename(&mount.volume);
    }
    let volumes = target
        .volumes
        .iter()
        .map(|volume| PodVolume {
            name: rename(&volume.name),
            source: volume.source.clone(),
        })
        .collect();
    let mut containers = target.init_containers.clone();
    containers.push(container);
    (containers, volumes)
}
