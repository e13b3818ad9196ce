//! Every `PromQL` expression in the stack parses, in the language of
//! Prometheus 2.42, which the bundle runs ([`crate::syntax::promql`]).

use super::Checker;
use super::dashboards::panels;
use crate::config::PanelKind;
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{part_of_string, pointer};
use crate::syntax::parse_promql;
use crate::syntax::promql_error::locate;

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
        report_invalid(checker, at, expr, message);
    }
}

/// Reports `expr`, the value at `at`, as refused with the parser's
/// `message`: at the place in it where the syntax goes wrong (the bracket
/// never closed, the closer that closes nothing, the unexpected character)
/// when that is found, with what is missing; else at the whole expression.
pub fn report_invalid(checker: &mut Checker<'_>, at: &str, expr: &str, message: String) {
    let location = checker.spans.value(at);
    let (location, message, label) = match locate(expr, &message) {
        Some(found) => (
            part_of_string(location, expr, &found.range),
            found.message,
            found.label,
        ),
        None => (location, message, "invalid expression"),
    };
    checker.push(Diagnostic::error(
        ErrorKind::InvalidPromql { message, label },
        location,
    ));
}
