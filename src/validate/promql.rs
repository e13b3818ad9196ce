//! Every `PromQL` expression in the stack parses, in the language of
//! Prometheus 2.42, which the bundle runs ([`crate::syntax::promql`]).

use super::Checker;
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
    let stack = checker.stack;
    for (d, dashboard) in stack.dashboards.iter().enumerate() {
        for (r, row) in dashboard.rows.iter().enumerate() {
            // A logs panel's queries are `LogQL`, which Loki reads.
            let metric_panels = row.panels.iter().enumerate();
            for (p, panel) in metric_panels.filter(|(_, panel)| panel.kind != PanelKind::Logs) {
                for (q, query) in panel.queries.iter().enumerate() {
                    let at = pointer([
                        "dashboards",
                        &d.to_string(),
                        "rows",
                        &r.to_string(),
                        "panels",
                        &p.to_string(),
                        "queries",
                        &q.to_string(),
                        "expr",
                    ]);
                    check_expr(checker, &at, &query.expr);
                }
            }
        }
    }
}

fn check_expr(checker: &mut Checker<'_>, at: &str, expr: &str) {
    if let Err(message) = parse_promql(expr) {
        checker.error(at, ErrorKind::InvalidPromql { message });
    }
}
