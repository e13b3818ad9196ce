//! Every alerting rule of the stack, user-written and built-in, in one list.
//!
//! The rules renderer writes them; the Alertmanager renderer reads their
//! severities and teams to generate routing tests.

use indexmap::IndexMap;

use crate::config::{Severity, Stack};

/// Where an alert came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertOrigin {
    /// `[[alerts]]` entry number `index`.
    User {
        /// The position in `[[alerts]]`.
        index: usize,
    },
    /// The built-in library, for the service `service`.
    Library {
        /// The `[services]` key the rule watches.
        service: String,
    },
}

/// One alerting rule, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAlert {
    /// The alert name.
    pub name: String,
    /// The rule group (and file stem).
    pub group: String,
    /// The expression.
    pub expr: String,
    /// The `for` duration, as written.
    pub for_: Option<String>,
    /// The severity label.
    pub severity: Severity,
    /// The team label.
    pub team: Option<String>,
    /// The service label.
    pub service: Option<String>,
    /// Other labels.
    pub labels: IndexMap<String, String>,
    /// Annotations (summary, description, `runbook_url`), Prometheus templates intact.
    pub annotations: IndexMap<String, String>,
    /// Where it came from.
    pub origin: AlertOrigin,
}

/// The user's `[[alerts]]` as planned alerts.
pub fn user_alerts(stack: &Stack) -> Vec<PlannedAlert> {
    stack
        .alerts
        .iter()
        .enumerate()
        .map(|(index, alert)| {
            let mut annotations = IndexMap::new();
            if let Some(summary) = &alert.summary {
                annotations.insert("summary".to_owned(), summary.clone());
            }
            if let Some(description) = &alert.description {
                annotations.insert("description".to_owned(), description.clone());
            }
            if let Some(runbook) = &alert.runbook_url {
                annotations.insert("runbook_url".to_owned(), runbook.clone());
            }
            PlannedAlert {
                name: alert.name.clone(),
                group: alert.group.clone().unwrap_or_else(|| "custom".to_owned()),
                expr: alert.expr.clone(),
                for_: alert.for_.as_ref().map(|d| d.as_str().to_owned()),
                severity: alert.severity,
                team: alert.team.clone().or_else(|| {
                    alert
                        .service
                        .as_ref()
                        .and_then(|s| stack.services.get(s))
                        .and_then(|s| s.team.clone())
                }),
                service: alert.service.clone(),
                labels: alert.labels.clone(),
                annotations,
                origin: AlertOrigin::User { index },
            }
        })
        .collect()
}
