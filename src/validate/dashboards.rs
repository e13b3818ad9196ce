//! Grafana and dashboards: the sections Grafana needs, dashboard uids (valid
//! and unique; one that is a built-in dashboard's replaces that one),
//! thresholds, ranges, template variables, and a Loki datasource for logs
//! panels.

use std::collections::HashMap;

use super::{Checker, promql};
use crate::config::{Dashboard, Panel, PanelKind, ServiceKind, Stack};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::pointer;
use crate::plan::dashboard_uid::{dashboard_uid, uid_problem};
use crate::syntax::is_label_name;
use crate::syntax::parse_promql;

/// `[grafana]` has an admin password and `[prometheus]` for its
/// datasource; `[[dashboards]]` have `[grafana]`.
pub fn check_sections(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    if let Some(grafana) = &stack.grafana {
        if grafana.admin_password.is_none() {
            checker.error_at_key(
                "/grafana",
                ErrorKind::MissingKey {
                    key: "admin-password".to_owned(),
                },
            );
        }
        if stack.prometheus.is_none() {
            checker.error_at_key(
                "/grafana",
                ErrorKind::MissingSection {
                    feature: "Grafana (its datasource)".to_owned(),
                    section: "prometheus".to_owned(),
                },
            );
        }
    } else if !stack.dashboards.is_empty() {
        checker.error_at_key(
            "/dashboards",
            ErrorKind::MissingSection {
                feature: "`[[dashboards]]`".to_owned(),
                section: "grafana".to_owned(),
            },
        );
    }
}

/// A logs panel reads the Loki datasource: Loki of `[logs]`, or a Loki
/// service of the stack.
pub fn check_logs_panels(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let has_loki = stack.logs.is_some()
        || stack
            .services
            .values()
            .any(|service| service.kind == ServiceKind::Loki);
    if has_loki {
        return;
    }
    for (at, panel) in panels(stack) {
        if panel.kind == PanelKind::Logs {
            checker.error(
                &format!("{at}/kind"),
                ErrorKind::MissingSection {
                    feature: "a logs panel (its Loki datasource)".to_owned(),
                    section: "logs".to_owned(),
                },
            );
        }
    }
}

/// Each dashboard's uid, template variables, panels and thresholds.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    // Where each uid was first used.
    let mut seen: HashMap<String, String> = HashMap::new();
    for (index, dashboard) in stack.dashboards.iter().enumerate() {
        let position = index.to_string();
        check_uid(checker, &position, dashboard, &mut seen);
        for (v, variable) in dashboard.variables.iter().enumerate() {
            let at =
                |key: &str| pointer(["dashboards", &position, "variables", &v.to_string(), key]);
            if !is_label_name(&variable.name) {
                checker.error(
                    &at("name"),
                    invalid(
                        &variable.name,
                        "not a variable name",
                        "use letters, digits and `_`, starting with a letter",
                    ),
                );
            }
            if !is_label_name(&variable.label) {
                checker.error(
                    &at("label"),
                    invalid(
                        &variable.label,
                        "not a label name",
                        "use a Prometheus label name such as `instance` or `job`",
                    ),
                );
            }
            if let Some(metric) = &variable.metric
                && let Err(message) = parse_promql(metric)
            {
                promql::report_invalid(checker, &at("metric"), metric, message);
            }
        }
    }
    for (at, panel) in panels(stack) {
        check_panel(checker, &at, panel);
    }
}

/// Every panel of the stack's dashboards, with its pointer
/// (`/dashboards/0/rows/1/panels/2`).
pub fn panels(stack: &Stack) -> impl Iterator<Item = (String, &Panel)> {
    stack
        .dashboards
        .iter()
        .enumerate()
        .flat_map(|(d, dashboard)| {
            dashboard.rows.iter().enumerate().flat_map(move |(r, row)| {
                row.panels.iter().enumerate().map(move |(p, panel)| {
                    let at = pointer([
                        "dashboards",
                        &d.to_string(),
                        "rows",
                        &r.to_string(),
                        "panels",
                        &p.to_string(),
                    ]);
                    (at, panel)
                })
            })
        })
}

fn check_uid(
    checker: &mut Checker<'_>,
    position: &str,
    dashboard: &Dashboard,
    seen: &mut HashMap<String, String>,
) {
    let at = match &dashboard.uid {
        Some(uid) => {
            let at = pointer(["dashboards", position, "uid"]);
            if let Some(reason) = uid_problem(uid) {
                checker.error(
                    &at,
                    invalid(uid, &reason, "use at most 40 letters, digits, `-` and `_`"),
                );
                return;
            }
            at
        }
        None => pointer(["dashboards", position, "title"]),
    };
    let uid = dashboard_uid(dashboard);
    match seen.get(&uid) {
        None => {
            seen.insert(uid, at);
        }
        Some(first) => {
            let kind = ErrorKind::DuplicateName {
                what: "dashboard uid",
                name: uid.clone(),
            };
            let span = checker.spans.value(first).span;
            let diagnostic = Diagnostic::error(kind, checker.spans.value(&at))
                .with_related(span, format!("`{uid}` first used here"));
            checker.push(diagnostic);
        }
    }
}

fn check_panel(checker: &mut Checker<'_>, at: &str, panel: &Panel) {
    if panel.queries.is_empty() {
        checker.error(
            &format!("{at}/queries"),
            invalid(
                "[]",
                "a panel needs at least one query",
                "add `{ expr = \"...\" }`",
            ),
        );
    }
    let ascending = panel.thresholds.windows(2).all(|w| w[0] < w[1]);
    if panel.thresholds.len() > 2 || !ascending {
        checker.error(
            &format!("{at}/thresholds"),
            invalid(
                &format!("{:?}", panel.thresholds),
                "thresholds are at most two ascending values (amber, then red)",
                "write `[amber, red]` such as `[0.8, 0.9]`, or one value for green/red",
            ),
        );
    }
    if let (Some(min), Some(max)) = (panel.min, panel.max)
        && min >= max
    {
        checker.error(
            &format!("{at}/max"),
            invalid(
                &max.to_string(),
                &format!("max must be above min ({min})"),
                "raise `max` or lower `min`",
            ),
        );
    }
}

fn invalid(value: &str, reason: &str, fix: &str) -> ErrorKind {
    ErrorKind::InvalidValue {
        value: value.to_owned(),
        reason: reason.to_owned(),
        fix: fix.to_owned(),
    }
}
