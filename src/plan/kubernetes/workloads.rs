//! One workload per deployed service: its kind, names, labels, container,
//! volumes and Services.

use indexmap::IndexMap;

use super::container::{self, PlannedContainer};
use super::ports::{self, NODE_PORTS, PUBLISHED_SUFFIX, PublishedPort, PublishedService};
use super::volumes::{self, has_named_volume};
use super::{COMPONENT, INSTANCE, KubernetesPlan, Loss, NAME, Workload, WorkloadKind};
use crate::config::{Kubernetes, PublishedServiceType, RestartPolicy};
use crate::load::pointer;
use crate::plan::prometheus::{BLACKBOX, EXPORTER_ORIGIN};
use crate::plan::{Origin, Plan, PlannedService};
use crate::syntax::check_label_key;

/// Adds a workload for every service the cluster runs, in plan order.
pub fn add_workloads(plan: &Plan, settings: &Kubernetes, planned: &mut KubernetesPlan) {
    for service in &plan.services {
        if !deployed(service) {
            continue;
        }
        let workload = workload(plan, settings, service, planned);
        planned.workloads.push(workload);
    }
}

/// Whether the cluster runs `service`: the stack's own services, the
/// exporters and the blackbox exporter (the prober of the `Probe`s) do; Prometheus, Alertmanager and Grafana come from the
/// operator stack, nginx's place is taken by the Gateway or ingress
/// controller, Loki and Alloy by the cluster's logging.
pub fn deployed(service: &PlannedService) -> bool {
    match service.origin {
        Origin::User => true,
        // The blackbox exporter is the prober of the stack's `Probe`s.
        Origin::Generated(by) => by == EXPORTER_ORIGIN || service.name == BLACKBOX,
    }
}

/// How many pods run `service`: the replicas of its `[services]` entry.
fn replica_count(service: &PlannedService) -> u32 {
    service.replicas.max(1)
}

/// The workload kind of `service`.
pub fn kind_of(service: &PlannedService) -> WorkloadKind {
    if service.restart == Some(RestartPolicy::No) {
        WorkloadKind::Job
    } else if has_named_volume(service) {
        WorkloadKind::StatefulSet
    } else {
        WorkloadKind::Deployment
    }
}

fn workload(
    plan: &Plan,
    settings: &Kubernetes,
    service: &PlannedService,
    planned: &mut KubernetesPlan,
) -> Workload {
    let name = service.name.clone();
    let at = |field: &str| pointer(["services", &service.name, field]);
    let kind = kind_of(service);
    let stack_service = plan.stack.services.get(&service.name);
    let mut losses = Vec::new();

    let mut selector = IndexMap::new();
    selector.insert(NAME.to_owned(), name.clone());
    selector.insert(INSTANCE.to_owned(), plan.stack.stack.name.clone());
    let mut labels = selector.clone();
    labels.insert(COMPONENT.to_owned(), service.kind.as_str().to_owned());
    labels.extend(planned.common_labels.clone());

    let image = service.image.clone().unwrap_or_else(|| {
        let image = format!("{}-{name}", plan.stack.stack.name);
        losses.push(Loss {
            pointer: at("build"),
            what: format!("the build of `{name}`"),
            consequence: format!("the cluster does not build images: the pod runs the image `{image}`, the name Compose gives the built image"),
            fix: "push the built image to a registry the cluster pulls from and set `image`".to_owned(),
        });
        image
    });
    let mut main = PlannedContainer::new(&name, &image);
    main.env = container::environment(&service.environment, &mut planned.secret_keys);
    main.command = service.entrypoint.as_ref().map(|entrypoint| {
        container::arguments(entrypoint, &mut main.env, &mut planned.secret_keys)
    });
    main.args = service
        .command
        .as_ref()
        .map(|command| container::arguments(command, &mut main.env, &mut planned.secret_keys));

    let health = stack_service.and_then(|s| s.healthcheck.as_ref());
    let primary = service.primary_port();
    let health_port = health
        .filter(|check| check.http.is_some())
        .and_then(|check| check.port.or(primary));
    main.ports = ports::container_ports(service, health_port);
    main.probes = service.healthcheck.as_ref().and_then(|check| {
        container::probes(
            check,
            health,
            primary,
            &mut main.env,
            &mut planned.secret_keys,
        )
    });
    if service
        .healthcheck
        .as_ref()
        .is_some_and(|check| check.test.is_none())
    {
        losses.push(Loss {
            pointer: at("healthcheck"),
            what: format!("the image's own health check of `{name}`"),
            consequence: "Kubernetes does not run an image's HEALTHCHECK: the pod has no probes"
                .to_owned(),
            fix: "write the check as `command`, `shell` or `http`".to_owned(),
        });
    }
    main.resources = service.resources.as_ref().map(container::resources);
    main.working_dir.clone_from(&service.working_dir);
    if let Some(user) = &service.user {
        main.run_as = user.ids();
        if main.run_as.is_none() {
            losses.push(Loss {
                pointer: at("user"),
                what: format!("the user `{user}` of `{name}`"),
                consequence:
                    "Kubernetes runs containers as numeric users only: the image's user is kept"
                        .to_owned(),
                fix: "write the user as `UID` or `UID:GID`".to_owned(),
            });
        }
    }

    let volumes = volumes::plan_volumes(plan, settings, &name, service, kind);
    main.mounts = volumes.mounts;
    losses.extend(volumes.losses);
    if let Some(config_map) = volumes.config_map {
        planned.config_maps.push(config_map);
    }
    for claim in volumes.claims {
        if !planned.claims.iter().any(|c| c.name == claim.name) {
            planned.claims.push(claim);
        }
    }

    let mut pod_annotations = IndexMap::new();
    for (key, value) in &service.labels {
        if check_label_key(key).is_none() {
            pod_annotations.insert(key.clone(), value.clone());
        } else {
            losses.push(Loss {
                pointer: pointer(["services", &service.name, "labels", key]),
                what: format!("the label `{key}` of `{name}`"),
                consequence: "it is no valid annotation key, so the pods do not carry it"
                    .to_owned(),
                fix: "use a key Kubernetes accepts (`example.com/name`)".to_owned(),
            });
        }
    }

    match (service.restart, kind) {
        (Some(RestartPolicy::OnFailure), WorkloadKind::Deployment | WorkloadKind::StatefulSet) => {
            losses.push(Loss {
                pointer: at("restart"),
                what: format!("`restart = \"on-failure\"` of `{name}`"),
                consequence:
                    "the pods of a Deployment or StatefulSet are restarted after every exit"
                        .to_owned(),
                fix: "use `restart = \"no\"` for a task that runs once (a Job)".to_owned(),
            });
        }
        (_, WorkloadKind::Job) if !main.ports.is_empty() => {
            losses.push(Loss {
                pointer: at("restart"),
                what: format!("the ports of the one-shot `{name}`"),
                consequence: "a Job gets no Service: other pods cannot reach it by name".to_owned(),
                fix: "run it as a long-running service if others must reach it".to_owned(),
            });
        }
        _ => {}
    }

    let published = published(plan, settings, service, &mut losses);
    planned.losses.extend(losses);
    Workload {
        name: name.clone(),
        service: service.name.clone(),
        kind,
        replicas: replica_count(service),
        labels,
        selector,
        pod_annotations,
        ports: main.ports.clone(),
        container: main,
        init_containers: Vec::new(),
        volumes: volumes.volumes,
        published,
        image_pull_secrets: settings.image_pull_secrets.clone(),
        termination_grace_seconds: service
            .stop_grace_period
            .as_ref()
            .map(|period| i64::try_from(period.millis().div_ceil(1000)).unwrap_or(i64::MAX)),
        run_as_init: false,
    }
}

/// The Service publishing the host ports of `service`, unless `[ingress]`
/// routes serve it (the routes then stand for its published HTTP ports).
fn published(
    plan: &Plan,
    settings: &Kubernetes,
    service: &PlannedService,
    losses: &mut Vec<Loss>,
) -> Option<PublishedService> {
    let published: Vec<(usize, &crate::config::PortMapping)> = service
        .ports
        .iter()
        .enumerate()
        .filter(|(_, mapping)| mapping.host.is_some())
        .collect();
    if published.is_empty() {
        return None;
    }
    if super::routed(plan, &service.name) {
        losses.push(Loss {
            pointer: pointer(["services", &service.name, "ports"]),
            what: format!("the published ports of `{}`", service.name),
            consequence: "they are not published: `[ingress]` routes reach the service through the Gateway or ingress controller".to_owned(),
            fix: "reach the service through its routes".to_owned(),
        });
        return None;
    }
    let service_type = super::published_type(settings);
    let mut ports: Vec<PublishedPort> = Vec::new();
    for (index, mapping) in published {
        let host = mapping.host.unwrap_or(mapping.container);
        let protocol = mapping.protocol();
        let at = || pointer(["services", &service.name, "ports", &index.to_string()]);
        if mapping.bind.is_some() {
            losses.push(Loss {
                pointer: at(),
                what: format!("the bind address of port {host} of `{}`", service.name),
                consequence: format!("the {} Service listens on every address it has", service_type.as_str()),
                fix: "restrict who reaches it with the load balancer's source ranges or a NetworkPolicy".to_owned(),
            });
        }
        let node_port = (service_type == PublishedServiceType::NodePort)
            .then_some(host)
            .filter(|port| NODE_PORTS.contains(port));
        if service_type == PublishedServiceType::NodePort && node_port.is_none() {
            losses.push(Loss {
                pointer: at(),
                what: format!("host port {host} of `{}`", service.name),
                consequence: "it is outside the node port range 30000-32767: the cluster picks the node port".to_owned(),
                fix: "publish on a port from 30000 to 32767, or use `published-service-type = \"LoadBalancer\"`".to_owned(),
            });
        }
        if ports
            .iter()
            .any(|p| p.port == host && p.protocol == protocol)
        {
            continue;
        }
        ports.push(PublishedPort {
            name: ports::port_name(protocol, host),
            port: host,
            target_port: mapping.container,
            protocol,
            node_port,
        });
    }
    Some(PublishedService {
        name: format!("{}{PUBLISHED_SUFFIX}", service.name),
        service_type,
        ports,
    })
}
