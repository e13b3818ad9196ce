//! `depends-on`: every target exists, `healthy` targets have a health check,
//! and there is no cycle. Also checks that joined networks exist.

use std::collections::{BTreeSet, HashMap};

use super::Checker;
use crate::config::{DependsCondition, Stack};
use crate::error::ErrorKind;
use crate::load::{closest, pointer};

/// Names a service may depend on besides `[services]`: what the stack's sections generate.
pub fn generated_services(stack: &Stack) -> Vec<&'static str> {
    let mut names = Vec::new();
    if stack.prometheus.is_some() {
        names.push("prometheus");
    }
    if stack.alertmanager.is_some() {
        names.push("alertmanager");
    }
    if stack.grafana.is_some() {
        names.push("grafana");
    }
    if stack.ingress.is_some() {
        names.push("nginx");
    }
    names
}

/// Runs the dependency and network checks.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let generated = generated_services(stack);
    let mut known: Vec<String> = stack.services.keys().cloned().collect();
    known.extend(generated.iter().map(|s| (*s).to_owned()));
    for (name, service) in &stack.services {
        for (position, (target, condition)) in service.depends_on.entries().into_iter().enumerate()
        {
            let at = pointer(["services", name, "depends-on"])
                + "/"
                + &service.depends_on.pointer(position, &target);
            if target == *name {
                checker.error(
                    &at,
                    ErrorKind::DependencyCycle {
                        cycle: vec![name.clone(), name.clone()],
                    },
                );
                continue;
            }
            let Some(dependency) = stack.services.get(&target) else {
                if !generated.contains(&target.as_str()) {
                    checker.error(
                        &at,
                        ErrorKind::DanglingReference {
                            what: "service",
                            suggestion: closest(&target, &known),
                            name: target.clone(),
                        },
                    );
                }
                continue;
            };
            if condition == DependsCondition::Healthy && dependency.healthcheck.is_none() {
                checker.error(
                    &at,
                    ErrorKind::HealthyWithoutHealthcheck {
                        dependency: target.clone(),
                    },
                );
            }
        }
        let networks: Vec<String> = stack.networks.keys().cloned().collect();
        for (position, network) in service.networks.iter().enumerate() {
            if !stack.networks.contains_key(network) {
                checker.error(
                    &pointer(["services", name, "networks", &position.to_string()]),
                    ErrorKind::DanglingReference {
                        what: "network",
                        suggestion: closest(network, &networks),
                        name: network.clone(),
                    },
                );
            }
        }
    }
    report_cycles(checker);
}

/// Finds every dependency cycle among `[services]` and reports each once,
/// at the edge that closes it.
fn report_cycles(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let edges: HashMap<&str, Vec<(usize, String)>> = stack
        .services
        .iter()
        .map(|(name, service)| {
            let targets = service
                .depends_on
                .entries()
                .into_iter()
                .enumerate()
                .filter(|(_, (target, _))| target != name && stack.services.contains_key(target))
                .map(|(position, (target, _))| (position, target))
                .collect();
            (name.as_str(), targets)
        })
        .collect();
    let mut state: HashMap<&str, Visit> = HashMap::new();
    let mut seen_cycles: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in stack.services.keys() {
        if state.contains_key(start.as_str()) {
            continue;
        }
        // Iterative depth-first search: (node, next edge to follow).
        let mut path: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start.as_str(), Visit::InProgress);
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let targets = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            let Some((position, target)) = targets.get(*next) else {
                state.insert(node, Visit::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(target.as_str()) {
                Some(Visit::InProgress) => {
                    let from = path.iter().position(|(n, _)| n == target).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[from..].iter().map(|(n, _)| (*n).to_owned()).collect();
                    cycle.push(target.clone());
                    let mut key = cycle.clone();
                    key.sort();
                    if seen_cycles.insert(key) {
                        let service = &stack.services[node];
                        let at = pointer(["services", node, "depends-on"])
                            + "/"
                            + &service.depends_on.pointer(*position, target);
                        checker.error(&at, ErrorKind::DependencyCycle { cycle });
                    }
                }
                Some(Visit::Done) => {}
                None => {
                    if let Some((key, _)) = edges.get_key_value(target.as_str()) {
                        state.insert(key, Visit::InProgress);
                        path.push((key, 0));
                    }
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    InProgress,
    Done,
}
