//! `[logs]` and the services' `logs` settings: supported Loki and Alloy
//! releases, a retention Loki's compactor applies, host log paths under
//! `/var/log`, log labels that are Loki label names stackgen does not set
//! itself, and text that reaches the Alloy configuration as a string.
//! (Loki's published port is checked with the other ports.)

use super::Checker;
use crate::config::{GENERATED_LOG_LABELS, Logs, alloy_release, loki_release};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::pointer;
use crate::syntax::{ReleaseVersion, alloy_text_problem, is_label_name};

/// A day in milliseconds: the shortest retention Loki's compactor applies.
const DAY_MS: u64 = 24 * 3_600_000;

/// The services `[logs]` generates.
pub const GENERATED: [&str; 2] = ["loki", "alloy"];

/// Runs the checks.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let Some(logs) = &stack.logs else {
        for (name, service) in &stack.services {
            if service.logs.is_some() {
                checker.warn(
                    &pointer(["services", name, "logs"]),
                    ErrorKind::MissingSection {
                        feature: format!("the `logs` setting of `{name}`"),
                        section: "logs".to_owned(),
                    },
                );
            }
        }
        return;
    };
    if stack.grafana.is_none() {
        let location = checker.spans.key("/logs");
        checker.push(Diagnostic::warning(
            ErrorKind::LogsWithoutGrafana {},
            location,
        ));
    }
    check_releases(checker, logs);
    if let Some(retention) = &logs.loki.retention
        && retention.millis() < DAY_MS
    {
        checker.error(
            "/logs/loki/retention",
            ErrorKind::LogRetentionTooShort {
                value: retention.as_str().to_owned(),
            },
        );
    }
    check_host_logs(checker, logs);
    check_services(checker);
}

/// Loki and Alloy releases stackgen writes configuration for.
fn check_releases(checker: &mut Checker<'_>, logs: &Logs) {
    let loki = logs.loki.version.as_ref().map(|version| {
        let problem = version.parts().map_or(Err(MALFORMED), loki_release).err();
        (version, problem, "Loki", "loki", LOKI_FIX)
    });
    let alloy = logs.alloy.version.as_ref().map(|version| {
        let problem = version.parts().map_or(Err(MALFORMED), alloy_release).err();
        (version, problem, "Alloy", "alloy", ALLOY_FIX)
    });
    for (version, problem, product, section, fix) in loki.into_iter().chain(alloy) {
        let Some(reason) = problem else { continue };
        report_release(checker, version, product, section, reason, fix);
    }
}

const MALFORMED: &str = "a release is three numbers, `MAJOR.MINOR.PATCH`";
const LOKI_FIX: &str = "use a Loki 2.9.x or 3.x release (3.6.5 or later within 3.6), such as `3.7.6`, or leave `version` out";
const ALLOY_FIX: &str = "use an Alloy 1.x release, such as `1.18.1`, or leave `version` out";

fn report_release(
    checker: &mut Checker<'_>,
    version: &ReleaseVersion,
    product: &'static str,
    section: &str,
    reason: &str,
    fix: &str,
) {
    checker.error(
        &pointer(["logs", section, "version"]),
        ErrorKind::UnsupportedRelease {
            product,
            value: version.as_str().to_owned(),
            reason: reason.to_owned(),
            fix: fix.to_owned(),
        },
    );
}

/// Host log paths: absolute, under `/var/log/` (the folder Alloy mounts),
/// no `..`, nothing that would end an Alloy string.
fn check_host_logs(checker: &mut Checker<'_>, logs: &Logs) {
    let crate::config::HostLogs::Paths(paths) = &logs.host_logs else {
        return;
    };
    for (position, path) in paths.iter().enumerate() {
        let at = pointer(["logs", "host-logs", &position.to_string()]);
        if let Some(what) = alloy_text_problem(path) {
            checker.error(
                &at,
                ErrorKind::UnsafeText {
                    field: "a host log path".to_owned(),
                    what,
                },
            );
            continue;
        }
        let reason = if !path.starts_with("/var/log/") || path.len() == "/var/log/".len() {
            Some("Alloy reads host files under `/var/log/` only")
        } else if path.split('/').any(|segment| segment == "..") {
            Some("`..` leaves `/var/log`")
        } else {
            None
        };
        if let Some(reason) = reason {
            checker.error(
                &at,
                ErrorKind::InvalidValue {
                    value: format!("`{path}`"),
                    reason: reason.to_owned(),
                    fix: "write a path or glob under `/var/log/`, such as `/var/log/nginx/*.log`"
                        .to_owned(),
                },
            );
        }
    }
}

/// Service names `[logs]` generates, and what each service's settings put
/// into the Alloy configuration: its labels and its team.
fn check_services(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        if GENERATED.contains(&name.as_str()) {
            checker.error_at_key(
                &pointer(["services", name]),
                ErrorKind::ReservedName {
                    what: "service",
                    name: name.clone(),
                    owner: "[logs]".to_owned(),
                },
            );
        }
        let settings = service.logs.as_ref();
        if settings.is_some_and(|logs| !logs.collected()) {
            continue;
        }
        if let Some(team) = &service.team
            && let Some(what) = alloy_text_problem(team)
        {
            checker.error(
                &pointer(["services", name, "team"]),
                ErrorKind::UnsafeText {
                    field: format!("the team of `{name}`, a log label,"),
                    what,
                },
            );
        }
        for (label, value) in settings
            .and_then(|logs| logs.labels())
            .into_iter()
            .flatten()
        {
            let at = pointer(["services", name, "logs", "labels", label]);
            if !is_label_name(label) {
                checker.error_at_key(
                    &at,
                    ErrorKind::InvalidValue {
                        value: format!("`{label}`"),
                        reason: "not a Loki label name".to_owned(),
                        fix: "use letters, digits and `_`, starting with a letter".to_owned(),
                    },
                );
            } else if label.starts_with("__") || GENERATED_LOG_LABELS.contains(&label.as_str()) {
                checker.error_at_key(
                    &at,
                    ErrorKind::ReservedName {
                        what: "log label",
                        name: label.clone(),
                        owner: "labels stackgen puts on every log line".to_owned(),
                    },
                );
            }
            if let Some(what) = alloy_text_problem(value) {
                checker.error(
                    &at,
                    ErrorKind::UnsafeText {
                        field: format!("log label `{label}`"),
                        what,
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{Diagnostic, ErrorKind};

    const BASE: &str = r#"
[stack]
name = "shop"
[services.api]
image = "api:1"
team = "backend"
[prometheus]
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
"#;

    fn diagnostics(extra: &str) -> (String, Vec<Diagnostic>) {
        let text = format!("{BASE}{extra}");
        let loaded = crate::load::load_str("shop.toml", &text).expect("loads");
        (text.clone(), crate::validate::validate(&loaded))
    }

    /// Each diagnostic's code and the text its span covers.
    fn pointed(extra: &str) -> Vec<(&'static str, String)> {
        let (text, found) = diagnostics(extra);
        found
            .iter()
            .map(|d| (d.kind.code(), text[d.location.span.clone()].to_owned()))
            .collect()
    }

    #[test]
    fn a_plain_logs_section_is_valid() {
        assert_eq!(pointed("[logs]\n"), []);
        assert_eq!(
            pointed(
                "[logs]\nloki = { version = \"2.9.17\", retention = \"1d\", port = 3101 }\nalloy = { version = \"1.0.0\" }\nhost-logs = true\n"
            ),
            []
        );
    }

    #[test]
    fn retention_shorter_than_a_day_is_refused_at_its_value() {
        assert_eq!(
            pointed("[logs]\nloki = { retention = \"23h59m\" }\n"),
            [("stackgen::logs::retention", "\"23h59m\"".to_owned())]
        );
        let (_, found) = diagnostics("[logs]\nloki = { retention = \"12h\" }\n");
        assert_eq!(
            found[0].to_string(),
            "log retention 12h is shorter than a day"
        );
    }

    #[test]
    fn releases_outside_2_9_to_3_and_alloy_1_are_refused() {
        assert_eq!(
            pointed("[logs]\nloki = { version = \"2.8.4\" }\nalloy = { version = \"v1.2.0\" }\n"),
            [
                ("stackgen::logs::version", "\"2.8.4\"".to_owned()),
                ("stackgen::logs::version", "\"v1.2.0\"".to_owned()),
            ]
        );
        let (_, found) = diagnostics("[logs]\nloki = { version = \"3.6.2\" }\n");
        assert!(
            matches!(&found[0].kind, ErrorKind::UnsupportedRelease { reason, .. } if reason.contains("loki -health")),
            "{found:?}"
        );
    }

    #[test]
    fn logs_without_grafana_warn_at_the_section() {
        let text = "[stack]\nname = \"s\"\n[logs]\n";
        let loaded = crate::load::load_str("s.toml", text).expect("loads");
        let found = crate::validate::validate(&loaded);
        assert_eq!(found.len(), 1);
        assert!(!found[0].is_error());
        assert_eq!(found[0].kind.code(), "stackgen::logs::no-grafana");
        assert_eq!(&text[found[0].location.span.clone()], "logs");
    }

    #[test]
    fn labels_and_teams_that_would_break_the_alloy_configuration_are_refused() {
        let found = pointed(
            r#"
[services.web]
image = "web:1"
team = "a\"b"
logs = { labels = { tier = "x\\y", service = "web", "bad-name" = "ok" } }
[services.quiet]
image = "q:1"
team = "a\"b"
logs = false
[logs]
"#,
        );
        assert_eq!(
            found,
            [
                ("stackgen::text::unsafe", "\"a\\\"b\"".to_owned()),
                ("stackgen::text::unsafe", "\"x\\\\y\"".to_owned()),
                ("stackgen::names::reserved", "service".to_owned()),
                ("stackgen::schema::value", "\"bad-name\"".to_owned()),
            ]
        );
    }

    #[test]
    fn host_log_paths_stay_under_var_log() {
        assert_eq!(
            pointed(
                "[logs]\nhost-logs = [\"/var/log/nginx/*.log\", \"/etc/passwd\", \"/var/log/../x\", \"/var/log/\\\"\"]\n"
            ),
            [
                ("stackgen::schema::value", "\"/etc/passwd\"".to_owned()),
                ("stackgen::schema::value", "\"/var/log/../x\"".to_owned()),
                ("stackgen::text::unsafe", "\"/var/log/\\\"\"".to_owned()),
            ]
        );
    }

    #[test]
    fn generated_names_are_reserved_and_service_settings_need_the_section() {
        assert_eq!(
            pointed("[services.loki]\nimage = \"grafana/loki:3.7.6\"\n[logs]\n"),
            [("stackgen::names::reserved", "loki".to_owned())]
        );
        let (text, found) = diagnostics("[services.web]\nimage = \"web:1\"\nlogs = false\n");
        assert_eq!(found.len(), 1);
        assert!(!found[0].is_error());
        assert_eq!(found[0].kind.code(), "stackgen::refs::missing-section");
        assert_eq!(&text[found[0].location.span.clone()], "false");
    }
}
