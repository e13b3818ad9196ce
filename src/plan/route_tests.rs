//! The `amtool config routes test` cases of a stack with `[alertmanager]`:
//! the labels of an alert and the receivers it should reach, worked out
//! from the section's intent (see [`expected_receivers`]) so that amtool
//! checks the generated routes against it.

use std::collections::HashSet;

use crate::config::{Alertmanager, Severity};

use super::Plan;
use super::alertmanager::{PlannedRoute, expected_receivers, routes};
use super::alerts::AlertOrigin;

/// One routing test: the labels of an alert and the receivers it should reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCase {
    /// Why the case exists.
    pub comment: String,
    /// The alert's labels, each a plain value amtool reads as a bare word.
    pub labels: Vec<(String, String)>,
    /// The receivers, in notification order.
    pub receivers: Vec<String>,
}

/// The routing cases: one per severity/team combination the stack's alerts
/// use (a built-in rule's alerts carry the team of each job it watches, see
/// [`crate::plan::alerts::PlannedAlert::owners`]), one per SLO alert tier,
/// one per route, and one for the default receiver; duplicates dropped.
pub fn route_cases(plan: &Plan, settings: &Alertmanager) -> Vec<RouteCase> {
    let mut cases: Vec<RouteCase> = Vec::new();
    let mut push = |comment: String, labels: Vec<(String, String)>| {
        if cases.iter().any(|case| case.labels == labels) {
            return;
        }
        let receivers = expected_receivers(settings, &labels);
        cases.push(RouteCase {
            comment,
            labels,
            receivers,
        });
    };
    let mut seen: HashSet<(Severity, Option<&str>)> = HashSet::new();
    for alert in &plan.alerts {
        // A library rule's alerts carry the team and service of the job they
        // come from: one combination per member team.
        for (team, service) in alert.owners() {
            // Each SLO tier gets its case: routes may match `burn_tier` or the SLO.
            let slo = matches!(alert.origin, AlertOrigin::Slo { .. });
            if !seen.insert((alert.severity, team)) && !slo {
                continue;
            }
            let mut labels = alert.alertmanager_labels(team, service);
            labels.retain(|(_, value)| is_plain_value(value));
            push(
                format!(
                    "alert {} (severity {}, team {})",
                    alert.name,
                    alert.severity.as_str(),
                    team.unwrap_or("none")
                ),
                labels,
            );
        }
    }
    for route in routes(settings) {
        if let Some(labels) = labels_matching(&route) {
            push(format!("route {}", route.pointer), labels);
        }
    }
    push(
        "no route matches: the default receiver".to_owned(),
        vec![("alertname".to_owned(), "StackgenUnrouted".to_owned())],
    );
    cases
}

/// Labels that satisfy every matcher of a route: the value of `=`, the first
/// fitting alternative of `=~`, no label for `!=`/`!~`; `None` when that fails.
fn labels_matching(route: &PlannedRoute) -> Option<Vec<(String, String)>> {
    let mut labels = vec![("alertname".to_owned(), "StackgenRouteTest".to_owned())];
    for matcher in &route.matchers {
        let candidates: Vec<&str> = match matcher.op {
            "=" => vec![matcher.value.as_str()],
            "=~" => matcher.value.split('|').collect(),
            _ => vec![""],
        };
        let choice = candidates.into_iter().find(|candidate| {
            let probe = [(matcher.name.clone(), (*candidate).to_owned())];
            (candidate.is_empty() || is_plain_value(candidate)) && matcher.matches(&probe)
        })?;
        labels.retain(|(name, _)| *name != matcher.name);
        if !choice.is_empty() {
            labels.push((matcher.name.clone(), choice.to_owned()));
        }
    }
    route
        .matchers
        .iter()
        .all(|m| m.matches(&labels))
        .then_some(labels)
}

/// Whether a label value can be passed to amtool as a bare `name=value` word.
fn is_plain_value(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
}
