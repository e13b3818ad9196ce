//! Every `PromQL` expression in the stack parses, in the language of
//! Prometheus 2.42, which the bundle runs ([`crate::syntax::promql`]).

use super::Checker;
use super::dashboards::panels;
use crate::config::PanelKind;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::syntax::parse_promql;

/// Checks the expressions of `[[alerts]]`.
pub fn check_alerts(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (position, alert) in stack.alerts.iter().enumerate() {
        let at = pointer(["alerts", &position.to_string(), "expr"]);
        check_expr(checker, &at, &alert.expr);
    }
}

/// Checks the expressions of `[[recording-rules]]`.
pub fn check_recording_rules(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (position, rule) in stack.recording_rules.iter().enumerate() {
        let at = pointer(["recording-rules", &position.to_string(), "expr"]);
        check_expr(checker, &at, &rule.expr);
    }
}

/// Checks the query expressions of `[[dashboards]]`.
pub fn check_dashboards(checker: &mut Checker<'_>) {
    // A logs panel's queries are `LogQL`, which Loki reads.
    let metric_panels = panels(checker.stack).filter(|(_, panel)| panel.kind != PanelKind::Logs);
    for (at, panel) in metric_panels {
        for (q, query) in panel.queries.iter().enumerate() {
            check_expr(checker, &format!("{at}/queries/{q}/expr"), &query.expr);
        }
    }
}

fn check_expr(checker: &mut Checker<'_>, at: &str, expr: &str) {
    if let Err(message) = parse_promql(expr) {
        checker.error(at, ErrorKind::InvalidPromql { message });
    }
}
