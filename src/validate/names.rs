//! Names must be safe as DNS labels and file names, unique, and not reserved.

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;

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

/// Checks service, volume and network names.
pub fn check(checker: &mut Checker<'_>) {
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
        if service.replicas.get() > 1 {
            for index in 1..=service.replicas.get() {
                let expanded = format!("{name}-{index}");
                if stack.services.contains_key(&expanded) {
                    checker.error_at_key(
                        &pointer(["services", &expanded]),
                        ErrorKind::DuplicateName {
                            what: "service",
                            name: expanded.clone(),
                        },
                    );
                }
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
    for name in stack.volumes.keys() {
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
    for name in stack.networks.keys() {
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

/// Why `name` is not a safe DNS label / file name, or `None` when it is.
pub fn check_dns_label(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!("it is {} characters long", name.len()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("it contains {}", describe_char(bad)));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lowercase letter".to_owned());
    }
    if name.ends_with('-') {
        return Some("it ends with `-`".to_owned());
    }
    None
}

/// Whether `name` is a safe DNS label / file name.
pub fn is_safe_name(name: &str) -> bool {
    check_dns_label(name).is_none()
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '/' => "`/`".to_owned(),
        '.' => "`.`".to_owned(),
        c if c.is_ascii_uppercase() => format!("the uppercase letter `{c}`"),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(is_safe_name("app-1"));
        assert!(check_dns_label("../etc").is_some());
        assert!(check_dns_label("my app").is_some());
        assert!(check_dns_label("App").is_some());
        assert!(check_dns_label("1app").is_some());
        assert!(check_dns_label("app-").is_some());
        assert!(check_dns_label(&"a".repeat(64)).is_some());
    }
}
