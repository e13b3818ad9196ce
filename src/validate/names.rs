//! Names must be safe as DNS labels and file names, unique, and not reserved.

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::syntax::check_dns_label;

/// Service names that stackgen generates itself, and the section that owns each.
const RESERVED: &[(&str, &str)] = &[
    ("prometheus", "[prometheus]"),
    ("alertmanager", "[alertmanager]"),
    ("grafana", "[grafana]"),
    ("nginx", "[ingress]"),
    ("node-exporter", "[prometheus]"),
    ("cadvisor", "[prometheus]"),
    ("blackbox-exporter", "service `probes`"),
    ("nginx-exporter", "[ingress]"),
];

/// The section that generates the service named `name`, when stackgen
/// reserves the name (`prometheus` → `[prometheus]`).
pub fn reserved_service_owner(name: &str) -> Option<&'static str> {
    RESERVED.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
}

/// Checks service names: safe, not reserved, not taken by a replica, and
/// each entry has an image or a build.
pub fn check_services(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let owner_of = reserved_service_owner;
    for (name, service) in &stack.services {
        let at = pointer(["services", name]);
        if let Some(reason) = check_dns_label(name) {
            checker.error_at_key(
                &at,
                ErrorKind::UnsafeName {
                    what: "service",
                    name: name.clone(),
                    reason,
                },
            );
            continue;
        }
        if service.image.is_none() && service.build.is_none() {
            checker.error_at_key(
                &at,
                ErrorKind::MissingImage {
                    service: name.clone(),
                },
            );
        }
        if let Some(owner) = owner_of(name) {
            checker.error_at_key(
                &at,
                ErrorKind::ReservedName {
                    what: "service",
                    name: name.clone(),
                    owner: owner.to_owned(),
                },
            );
        }
        if name.ends_with("-exporter") && service.exporter.is_none() {
            // Exporters generated for other services are named `<service>-exporter`.
            let base = name.trim_end_matches("-exporter");
            if stack
                .services
                .get(base)
                .is_some_and(|s| s.exporter.is_some())
            {
                checker.error_at_key(
                    &at,
                    ErrorKind::ReservedName {
                        what: "service",
                        name: name.clone(),
                        owner: format!("`exporter` of `{base}`"),
                    },
                );
            }
        }
        if let Some(container) = &service.container_name {
            let replicas = service.replicas.get();
            if replicas > 1 {
                // Compose refuses one fixed name for several containers.
                checker.error(
                    &pointer(["services", name, "container-name"]),
                    ErrorKind::InvalidValue {
                        value: format!("`{}`", container.as_str()),
                        reason: format!(
                            "the {replicas} replicas of `{name}` cannot share one container name"
                        ),
                        fix: format!(
                            "remove `container-name`: Compose names the replicas `<project>-{name}-1` to `<project>-{name}-{replicas}`"
                        ),
                    },
                );
            }
        }
        for (position, profile) in service.profiles.iter().enumerate() {
            if let Some(reason) = check_dns_label(profile) {
                checker.error(
                    &pointer(["services", name, "profiles", &position.to_string()]),
                    ErrorKind::UnsafeName {
                        what: "profile",
                        name: profile.clone(),
                        reason,
                    },
                );
            }
        }
    }
}

/// Checks volume names.
pub fn check_volumes(checker: &mut Checker<'_>) {
    for name in checker.stack.volumes.keys() {
        if let Some(reason) = check_dns_label(name) {
            checker.error_at_key(
                &pointer(["volumes", name]),
                ErrorKind::UnsafeName {
                    what: "volume",
                    name: name.clone(),
                    reason,
                },
            );
        }
    }
}

/// Checks network names.
pub fn check_networks(checker: &mut Checker<'_>) {
    for name in checker.stack.networks.keys() {
        if let Some(reason) = check_dns_label(name) {
            checker.error_at_key(
                &pointer(["networks", name]),
                ErrorKind::UnsafeName {
                    what: "network",
                    name: name.clone(),
                    reason,
                },
            );
        }
    }
}

/// Checks the stack's name.
pub fn check_stack(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    if let Some(reason) = check_dns_label(&stack.stack.name) {
        checker.error(
            "/stack/name",
            ErrorKind::UnsafeName {
                what: "stack",
                name: stack.stack.name.clone(),
                reason,
            },
        );
    }
}
