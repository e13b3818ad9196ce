//! Every `PromQL` expression in the stack parses, in the language of
//! Prometheus 2.42, which the bundle runs ([`crate::syntax::promql`]).

use super::Checker;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::syntax::parse_promql;

/// Checks alert, recording-rule and dashboard expressions.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let mut exprs: Vec<(String, &str)> = Vec::new();
    for (position, alert) in stack.alerts.iter().enumerate() {
        exprs.push((
            pointer(["alerts", &position.to_string(), "expr"]),
            &alert.expr,
        ));
    }
    for (position, rule) in stack.recording_rules.iter().enumerate() {
        exprs.push((
            pointer(["recording-rules", &position.to_string(), "expr"]),
            &rule.expr,
        ));
    }
    for (d, dashboard) in stack.dashboards.iter().enumerate() {
        for (r, row) in dashboard.rows.iter().enumerate() {
            for (p, panel) in row.panels.iter().enumerate() {
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
                    exprs.push((at, &query.expr));
                }
            }
        }
    }
    for (at, expr) in exprs {
        if let Err(message) = parse_promql(expr) {
            checker.error(&at, ErrorKind::InvalidPromql { message });
        }
    }
}
