//! Every `PromQL` expression in the stack parses, in the language of
//! Prometheus 2.42, which the bundle runs ([`super::promql_dialect`]).

use std::collections::HashMap;

use lrpar::{Lexeme as _, Lexer as _};
use promql_parser::parser::lex::lexer;
use promql_parser::parser::token::TokenId;

use super::{Checker, promql_dialect, promql_stand_in};
use crate::error::ErrorKind;
use crate::load::pointer;

/// One token of an expression, as the parser's lexer finds it.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    /// The token kind (`promql_parser::parser::token::T_*`).
    pub id: TokenId,
    /// Its text.
    pub text: &'a str,
    /// Where its text starts in the expression, in bytes.
    pub start: usize,
    /// Where its text ends.
    pub end: usize,
}

/// The tokens of `expr`; `None` when it does not lex (parsing says why).
pub fn tokens(expr: &str) -> Option<Vec<Token<'_>>> {
    let lexed = lexer(expr).ok()?;
    lexed
        .iter()
        .map(|lexeme| {
            let lexeme = lexeme.ok()?;
            let span = lexeme.span();
            Some(Token {
                id: lexeme.tok_id(),
                text: expr.get(span.start()..span.end())?,
                start: span.start(),
                end: span.end(),
            })
        })
        .collect()
}

/// Parses an expression, returning the parser's message on failure.
pub fn parse_promql(expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Err("the expression is empty".to_owned());
    }
    promql_dialect::teach_parser();
    if let Some(tokens) = tokens(expr) {
        promql_dialect::check(&tokens)?;
        // Parsing the stand-in proves the original parses (see
        // `promql_stand_in`); a failure is reported from the original text.
        if let Some(stand_in) = promql_stand_in::stand_in(expr, &tokens)
            && promql_parser::parser::parse(&stand_in).is_ok()
        {
            return Ok(());
        }
    }
    promql_parser::parser::parse(expr)
        .map(|_| ())
        .map_err(|message| message.trim().to_owned())
}

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
    // Dashboards often repeat an alert's expression: parse each text once.
    let mut parsed: HashMap<&str, Result<(), String>> = HashMap::new();
    for (at, expr) in exprs {
        if let Err(message) = parsed.entry(expr).or_insert_with(|| parse_promql(expr)) {
            let message = message.clone();
            checker.error(&at, ErrorKind::InvalidPromql { message });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promql_parses_or_explains() {
        assert!(parse_promql("rate(http_requests_total[5m]) > 0.1").is_ok());
        assert!(parse_promql("rate(http_requests_total[5m]").is_err());
        assert!(parse_promql("  ").is_err());
    }
}
