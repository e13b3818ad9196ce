//! Objects that point at Services and pods: each Service selects pods of the
//! bundle, and every Service port that a `ServiceMonitor`, an `HTTPRoute`, an
//! Ingress or a Probe names exists.

use serde_json::Value;

use super::selector::{ByLabel, Selector};
use super::workloads::{Pod, pods};
use super::{Index, Object, items, namespaces_match};

/// Checks Services and everything that names a Service port.
pub(super) fn check(bundle: &Index, problems: &mut Vec<String>) {
    let pods = ByLabel::new(
        pods(bundle)
            .into_iter()
            .map(|pod| (pod.labels, pod))
            .collect(),
    );
    for service in bundle.of_kind("Service") {
        service_selects_pods(service, &pods, problems);
    }
    let services = ByLabel::new(
        bundle
            .of_kind("Service")
            .map(|service| (service.value.pointer("/metadata/labels"), service))
            .collect(),
    );
    for monitor in bundle.of_kind("ServiceMonitor") {
        service_monitor(monitor, &services, problems);
    }
    for route in bundle.of_kind("HTTPRoute") {
        for (i, rule) in items(route.at("/spec/rules")).enumerate() {
            for (j, backend) in items(rule.get("backendRefs")).enumerate() {
                http_route_backend(
                    bundle,
                    route,
                    backend,
                    &format!("spec.rules[{i}].backendRefs[{j}]"),
                    problems,
                );
            }
        }
    }
    for ingress in bundle.of_kind("Ingress") {
        if let Some(backend) = ingress.at("/spec/defaultBackend/service") {
            ingress_backend(bundle, ingress, backend, "spec.defaultBackend", problems);
        }
        for (i, rule) in items(ingress.at("/spec/rules")).enumerate() {
            for (j, path) in items(rule.pointer("/http/paths")).enumerate() {
                if let Some(backend) = path.pointer("/backend/service") {
                    let at = format!("spec.rules[{i}].http.paths[{j}].backend");
                    ingress_backend(bundle, ingress, backend, &at, problems);
                }
            }
        }
    }
    for probe in bundle.of_kind("Probe") {
        if let Some(url) = probe.at("/spec/prober/url").and_then(Value::as_str) {
            probe_target(bundle, probe, url, "spec.prober.url", problems);
        }
        for (i, target) in items(probe.at("/spec/targets/staticConfig/static")).enumerate() {
            if let Some(url) = target.as_str() {
                let at = format!("spec.targets.staticConfig.static[{i}]");
                probe_target(bundle, probe, url, &at, problems);
            }
        }
    }
}

/// A Service's selector matches some workload's pods, and a named
/// `targetPort` is a container port of those pods.
fn service_selects_pods(service: &Object, pods: &ByLabel<Pod>, problems: &mut Vec<String>) {
    let Some(selector) = service.at("/spec/selector").and_then(Value::as_object) else {
        return; // a Service without selector has its endpoints managed elsewhere
    };
    let selector = Selector::Plain(selector);
    let selected = pods.selected(&selector, |pod| service.same_namespace(pod.owner.namespace));
    if selector.is_empty() || selected.is_empty() {
        problems.push(format!(
            "{}: spec.selector {} matches the pods of no workload of the bundle",
            service.describe(),
            selector.describe()
        ));
        return;
    }
    for (i, port) in items(service.at("/spec/ports")).enumerate() {
        if let Some(name) = port.get("targetPort").and_then(Value::as_str) {
            if !selected.iter().any(|pod| pod.has_port_name(name)) {
                problems.push(format!(
                    "{}: spec.ports[{i}].targetPort {name} is no container port of the pods it selects",
                    service.describe()
                ));
            }
        }
    }
}

/// The Services a `ServiceMonitor` selects must exist, and each endpoint's
/// `port` must be a port name of one of them.
fn service_monitor(monitor: &Object, services: &ByLabel<&Object>, problems: &mut Vec<String>) {
    let namespace_selector = monitor.at("/spec/namespaceSelector");
    if namespace_selector
        .and_then(|s| s.get("any"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return; // watches the whole cluster: nothing to hold it to here
    }
    let names: Vec<&str> = items(namespace_selector.and_then(|s| s.get("matchNames")))
        .filter_map(Value::as_str)
        .collect();
    let visible = |namespace: Option<&str>| {
        if names.is_empty() {
            monitor.same_namespace(namespace)
        } else {
            names.iter().any(|n| namespaces_match(Some(n), namespace))
        }
    };
    let selector = Selector::Label(monitor.at("/spec/selector").unwrap_or(&Value::Null));
    let selected: Vec<&Object> = services
        .selected(&selector, |s| visible(s.namespace))
        .into_iter()
        .copied()
        .collect();
    if selector.is_empty() || selected.is_empty() {
        problems.push(format!(
            "{}: spec.selector {} selects no Service of the bundle",
            monitor.describe(),
            selector.describe()
        ));
        return;
    }
    for (i, endpoint) in items(monitor.at("/spec/endpoints")).enumerate() {
        let Some(port) = endpoint.get("port").and_then(Value::as_str) else {
            continue;
        };
        if !selected.iter().any(|s| port_named(s, port).is_some()) {
            problems.push(format!(
                "{}: spec.endpoints[{i}].port {port} is no port name of {}",
                monitor.describe(),
                names_of(&selected)
            ));
        }
    }
}

/// An `HTTPRoute` backendRef of kind Service names a Service and one of its
/// port numbers.
fn http_route_backend(
    bundle: &Index,
    route: &Object,
    backend: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let group = backend.get("group").and_then(Value::as_str).unwrap_or("");
    let kind = backend
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("Service");
    if !group.is_empty() || kind != "Service" {
        return;
    }
    let name = backend.get("name").and_then(Value::as_str).unwrap_or("");
    let namespace = backend
        .get("namespace")
        .and_then(Value::as_str)
        .or(route.namespace);
    let Some(service) = bundle.find("Service", name, namespace) else {
        problems.push(format!(
            "{}: {at}: Service {name} is not in the bundle",
            route.describe()
        ));
        return;
    };
    match backend.get("port").and_then(Value::as_u64) {
        None => problems.push(format!(
            "{}: {at}: a Service backendRef needs a port",
            route.describe()
        )),
        Some(number) if port_numbered(service, number).is_none() => problems.push(format!(
            "{}: {at}: port {number} is not a port of {}",
            route.describe(),
            service.describe()
        )),
        Some(_) => {}
    }
}

/// An Ingress backend names a Service and one of its ports, by number or name.
fn ingress_backend(
    bundle: &Index,
    ingress: &Object,
    backend: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let name = backend.get("name").and_then(Value::as_str).unwrap_or("");
    let Some(service) = bundle.find("Service", name, ingress.namespace) else {
        problems.push(format!(
            "{}: {at}: Service {name} is not in the bundle",
            ingress.describe()
        ));
        return;
    };
    let port = backend.get("port");
    let found = match (
        port.and_then(|p| p.get("number")).and_then(Value::as_u64),
        port.and_then(|p| p.get("name")).and_then(Value::as_str),
    ) {
        (Some(number), _) => port_numbered(service, number)
            .map(|_| ())
            .ok_or(number.to_string()),
        (None, Some(name)) => port_named(service, name).map(|_| ()).ok_or(name.to_owned()),
        (None, None) => Err("(none)".to_owned()),
    };
    if let Err(port) = found {
        problems.push(format!(
            "{}: {at}: port {port} is not a port of {}",
            ingress.describe(),
            service.describe()
        ));
    }
}

/// A Probe's prober or static target that is a Service of the bundle
/// (`name`, `name.namespace`, `name.namespace.svc...`, with or without a
/// scheme and path) must use one of its ports; other hosts are outside.
fn probe_target(bundle: &Index, probe: &Object, url: &str, at: &str, problems: &mut Vec<String>) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u64>().ok()),
        None => (authority, None),
    };
    let labels: Vec<&str> = host.split('.').collect();
    let (name, namespace) = match labels.as_slice() {
        [name] => (*name, None),
        [name, namespace]
        | [name, namespace, "svc"]
        | [name, namespace, "svc", "cluster", "local"] => (*name, Some(*namespace)),
        _ => return,
    };
    let Some(service) = bundle.find("Service", name, namespace.or(probe.namespace)) else {
        return;
    };
    // `api.shop` is the Service only in namespace `shop`; `example.com` is outside.
    if namespace.is_some() && service.namespace.or(bundle.namespace) != namespace {
        return;
    }
    if let Some(number) = port {
        if port_numbered(service, number).is_none() {
            problems.push(format!(
                "{}: {at}: port {number} of {url} is not a port of {}",
                probe.describe(),
                service.describe()
            ));
        }
    }
}

/// The Service port of this name.
fn port_named<'a>(service: &'a Object, name: &str) -> Option<&'a Value> {
    items(service.at("/spec/ports")).find(|p| p.get("name").and_then(Value::as_str) == Some(name))
}

/// The Service port of this number.
fn port_numbered<'a>(service: &'a Object, number: u64) -> Option<&'a Value> {
    items(service.at("/spec/ports")).find(|p| p.get("port").and_then(Value::as_u64) == Some(number))
}

/// `Service/a, Service/b`, for messages.
fn names_of(services: &[&Object]) -> String {
    services
        .iter()
        .map(|s| format!("{}/{}", s.kind, s.name))
        .collect::<Vec<_>>()
        .join(", ")
}
