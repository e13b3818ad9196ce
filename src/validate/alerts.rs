//! Alerting and recording rules, built-in alert settings, scrape settings
//! and probes: names are valid and unique, references resolve, group names
//! are safe as file names.

use std::collections::HashSet;

use super::{Checker, check_dns_label};
use crate::config::{LibraryAlerts, Service, ServiceKind};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Section, closest, pointer};
use crate::plan::library_kinds::{LIBRARY_GROUP_PREFIX, files_of, kind_file, rule_names};
use crate::plan::prometheus::{PROBE_JOB, exporter_defaults};

/// Checks the services' built-in alert settings and exporters.
pub fn check_services(checker: &mut Checker<'_>) {
    for (name, service) in &checker.stack.services {
        if let Some(settings) = &service.alerts {
            check_library_settings(checker, name, service, settings);
        }
        check_exporter(checker, name, service);
    }
}

/// Checks the services' `metrics` and `probes`.
pub fn check_metrics_and_probes(checker: &mut Checker<'_>) {
    for (name, service) in &checker.stack.services {
        check_service_metrics(checker, name, service);
    }
}

/// Rules need Prometheus to evaluate them: without `[prometheus]` no rules
/// file is written, and the alerts only shape Alertmanager's route tests.
/// A warning, not an error: Alertmanager may be all the stack runs.
pub fn check_evaluated(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    if stack.prometheus.is_some() {
        return;
    }
    for (key, present) in [
        ("alerts", !stack.alerts.is_empty()),
        ("recording-rules", !stack.recording_rules.is_empty()),
    ] {
        if present {
            let location = checker.spans.key(&format!("/{key}"));
            checker.push(Diagnostic::warning(
                ErrorKind::MissingSection {
                    feature: format!("`[[{key}]]`"),
                    section: "prometheus".to_owned(),
                },
                location,
            ));
        }
    }
}

/// Whether `name` is a valid alert name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_alert_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is a valid metric name: `[A-Za-z_:][A-Za-z0-9_:]*`.
pub fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Checks the names, services and groups of `[[alerts]]`.
pub fn check_alerts(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let mut seen: HashSet<&str> = HashSet::new();
    for (position, alert) in stack.alerts.iter().enumerate() {
        let index = position.to_string();
        let at_name = pointer(["alerts", &index, "name"]);
        if !is_alert_name(&alert.name) {
            checker.error(
                &at_name,
                ErrorKind::InvalidValue {
                    value: format!("`{}`", alert.name),
                    reason: "not a valid alert name".to_owned(),
                    fix: "use letters, digits and `_`, starting with a letter (`HighErrorRate`)"
                        .to_owned(),
                },
            );
        } else if !seen.insert(&alert.name) {
            checker.error(
                &at_name,
                ErrorKind::DuplicateName {
                    what: "alert",
                    name: alert.name.clone(),
                },
            );
        }
        if let Some(service) = &alert.service {
            if !stack.services.contains_key(service) {
                checker.error(
                    &pointer(["alerts", &index, "service"]),
                    ErrorKind::DanglingReference {
                        what: "service",
                        name: service.clone(),
                        suggestion: closest(service, &checker.defined_names(Section::Services)),
                    },
                );
            }
        }
        if let Some(group) = &alert.group {
            check_group(checker, &pointer(["alerts", &index, "group"]), group);
        }
    }
}

/// Checks the names and groups of `[[recording-rules]]`.
pub fn check_recording_rules(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (position, rule) in stack.recording_rules.iter().enumerate() {
        let index = position.to_string();
        if !is_metric_name(&rule.record) {
            checker.error(
                &pointer(["recording-rules", &index, "record"]),
                ErrorKind::InvalidValue {
                    value: format!("`{}`", rule.record),
                    reason: "not a valid metric name".to_owned(),
                    fix: "use letters, digits, `_` and `:`, as in `job:http_requests:rate5m`"
                        .to_owned(),
                },
            );
        }
        if let Some(group) = &rule.group {
            check_group(
                checker,
                &pointer(["recording-rules", &index, "group"]),
                group,
            );
        }
    }
}

fn check_group(checker: &mut Checker<'_>, at: &str, group: &str) {
    if let Some(reason) = check_dns_label(group) {
        checker.error(
            at,
            ErrorKind::UnsafeName {
                what: "rule group",
                name: group.to_owned(),
                reason,
            },
        );
    } else if group.starts_with(LIBRARY_GROUP_PREFIX) {
        // Its rules would land in a built-in group's file.
        checker.error(
            at,
            ErrorKind::ReservedName {
                what: "rule group",
                name: group.to_owned(),
                owner: "built-in alert library".to_owned(),
            },
        );
    }
}

/// `disable` and `thresholds` must name rules of the library files the service gets.
fn check_library_settings(
    checker: &mut Checker<'_>,
    name: &str,
    service: &Service,
    settings: &LibraryAlerts,
) {
    let rules: Vec<_> = files_of(kind_file(service.kind))
        .into_iter()
        .flat_map(rule_names)
        .collect();
    let all: Vec<String> = rules.iter().map(|rule| rule.name.clone()).collect();
    let with_threshold: Vec<String> = rules
        .iter()
        .filter(|rule| rule.threshold.is_some())
        .map(|rule| rule.name.clone())
        .collect();
    for (position, rule) in settings.disable.iter().enumerate() {
        if !all.contains(rule) {
            checker.error(
                &pointer(["services", name, "alerts", "disable", &position.to_string()]),
                ErrorKind::DanglingReference {
                    what: "built-in alert",
                    name: rule.clone(),
                    suggestion: closest(rule, &all),
                },
            );
        }
    }
    for (rule, value) in &settings.thresholds {
        let at = pointer(["services", name, "alerts", "thresholds", rule]);
        let Some(info) = rules.iter().find(|info| &info.name == rule) else {
            checker.error_at_key(
                &at,
                ErrorKind::DanglingReference {
                    what: "built-in alert",
                    name: rule.clone(),
                    suggestion: closest(rule, &all),
                },
            );
            continue;
        };
        if info.threshold.is_none() {
            checker.error_at_key(
                &at,
                ErrorKind::InvalidValue {
                    value: format!("`{rule}`"),
                    reason: "this built-in alert has no threshold".to_owned(),
                    fix: format!(
                        "remove it; alerts with a threshold here: {}",
                        with_threshold.join(", ")
                    ),
                },
            );
        } else if !value.is_finite()
            || *value <= 0.0
            || info.max_threshold.is_some_and(|max| *value >= max)
        {
            let range = info.max_threshold.map_or_else(
                || "above 0".to_owned(),
                |max| format!("above 0 and below {max}"),
            );
            checker.error(
                &at,
                ErrorKind::InvalidValue {
                    value: value.to_string(),
                    reason: format!("the threshold of `{rule}` must be {range}"),
                    fix: format!("pick a threshold {range}"),
                },
            );
        }
    }
}

/// `exporter` only on kinds that have a built-in exporter.
fn check_exporter(checker: &mut Checker<'_>, name: &str, service: &Service) {
    let wanted = match &service.exporter {
        Some(crate::config::Exporter::Enabled(flag)) => *flag,
        Some(crate::config::Exporter::Custom(_)) => true,
        None => false,
    };
    if wanted && exporter_defaults(service.kind).is_none() {
        checker.error_at_key(
            &pointer(["services", name, "exporter"]),
            ErrorKind::InvalidValue {
                value: format!("kind `{}`", service.kind.as_str()),
                reason: "there is no built-in exporter for this kind".to_owned(),
                fix: "set `kind` to redis, postgres, mongodb, kafka or elasticsearch, or run the exporter as a service of its own".to_owned(),
            },
        );
    }
}

/// `[prometheus] scrape` job names must not clash with generated jobs.
pub fn check_extra_jobs(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let Some(prometheus) = &stack.prometheus else {
        return;
    };
    let mut taken: Vec<String> = stack
        .services
        .iter()
        .filter(|(_, s)| s.metrics.is_some() || s.kind == ServiceKind::Pushgateway)
        .map(|(name, _)| name.clone())
        .collect();
    taken.extend(
        stack
            .services
            .iter()
            .filter(|(_, s)| s.exporter.is_some())
            .map(|(name, _)| format!("{name}-exporter")),
    );
    taken.extend(
        [
            PROBE_JOB,
            "prometheus",
            "node-exporter",
            "cadvisor",
            "blackbox-exporter",
        ]
        .map(str::to_owned),
    );
    for (position, extra) in prometheus.scrape.iter().enumerate() {
        let at = pointer(["prometheus", "scrape", &position.to_string(), "job"]);
        if taken.contains(&extra.job) {
            checker.error(
                &at,
                ErrorKind::DuplicateName {
                    what: "scrape job",
                    name: extra.job.clone(),
                },
            );
        }
        taken.push(extra.job.clone());
    }
}

/// A scrape timeout within the interval; probes are paths on a known port.
fn check_service_metrics(checker: &mut Checker<'_>, name: &str, service: &Service) {
    if let Some(metrics) = &service.metrics {
        // Without its own interval the job scrapes at the global one.
        let global = checker
            .stack
            .prometheus
            .as_ref()
            .map_or(crate::config::DEFAULT_INTERVAL_MS, |p| {
                p.scrape_interval_or_default().millis()
            });
        let interval = metrics
            .interval
            .as_ref()
            .map(crate::config::Duration::millis)
            .or(Some(global));
        let timeout = metrics
            .timeout
            .as_ref()
            .map(crate::config::Duration::millis);
        if let Some(label) = metrics.status_label.as_deref() {
            if !crate::syntax::is_label_name(label) {
                checker.error(
                    &pointer(["services", name, "metrics", "status-label"]),
                    ErrorKind::InvalidValue {
                        value: format!("`{label}`"),
                        reason: "a status label is a Prometheus label name".to_owned(),
                        fix: "write letters, digits and underscores, not starting with a digit, such as `code`".to_owned(),
                    },
                );
            }
        }
        if let (Some(interval), Some(timeout)) = (interval, timeout) {
            if timeout > interval {
                checker.error(
                    &pointer(["services", name, "metrics", "timeout"]),
                    ErrorKind::InvalidValue {
                        value: format!("`{}`", metrics.timeout.as_ref().map_or("", |d| d.as_str())),
                        reason: "the scrape timeout is longer than the scrape interval".to_owned(),
                        fix: "make `timeout` at most the scrape interval (`interval`, or `[prometheus] scrape-interval`)".to_owned(),
                    },
                );
            }
        }
    }
    let has_port = !service.ports.is_empty() || !service.expose.is_empty();
    if !service.probes.is_empty() && !has_port {
        checker.error_at_key(
            &pointer(["services", name, "probes"]),
            ErrorKind::MissingPort {
                service: name.to_owned(),
                purpose: "probes".to_owned(),
            },
        );
    }
    for (position, path) in service.probes.iter().enumerate() {
        let at = pointer(["services", name, "probes", &position.to_string()]);
        if path.starts_with('/') {
            super::forbid_unsafe_text(checker, &at, "probe path", path, false);
        } else {
            checker.error(
                &at,
                ErrorKind::InvalidValue {
                    value: format!("`{path}`"),
                    reason: "a probe is an HTTP path".to_owned(),
                    fix: format!("write `/{}`", path.trim_start_matches('/')),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests;
