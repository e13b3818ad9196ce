//! `PromQL` in the language of Prometheus 2.42, which the bundle runs
//! ([`super::promql_dialect`]).
//!
//! Each distinct expression is parsed once per process, however many
//! alerts, rules and panels repeat it ([`parse_promql`]).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use lrpar::{Lexeme as _, Lexer as _};
use promql_parser::parser::Expr;
use promql_parser::parser::lex::lexer;
use promql_parser::parser::token::{
    T_AT, T_EQL_REGEX, T_LEFT_BRACE, T_LEFT_BRACKET, T_LEFT_PAREN, T_NEQ_REGEX, T_OPERATORS_END,
    T_OPERATORS_START, T_RIGHT_BRACE, T_RIGHT_BRACKET, T_RIGHT_PAREN, TokenId,
};

use super::promql_dialect;

/// One token of an expression, as the parser's lexer finds it.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    /// The token kind (`promql_parser::parser::token::T_*`).
    pub id: TokenId,
    /// Its text.
    pub text: &'a str,
}

/// The deepest nesting of brackets, parentheses and braces an expression may
/// have. The parser builds and drops its syntax tree recursively, so a deep
/// one would overflow the stack; hand-written expressions stay far below.
pub const MAX_NESTING: usize = 64;

/// The most operators one expression may use. The parser's work grows with
/// the square of a chain of binary operators (~50 ms for 3,000), so a long
/// chain would stall validation; real alerts use a few dozen at most.
pub const MAX_OPERATORS: usize = 500;

/// The tokens of `expr`; `None` when it does not lex (parsing says why).
/// These are exactly the tokens the parser reads: when only some of the
/// text fails to lex, the lexer fails as a whole.
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
            })
        })
        .collect()
}

/// Parses an expression in the language of Prometheus 2.42, returning
/// Prometheus's message on failure. Remembered per process: stacks repeat
/// expressions, and parsing one compiles each of its matcher regexes.
pub fn parse_promql(expr: &str) -> Result<(), String> {
    static PARSED: OnceLock<Mutex<HashMap<String, Result<(), String>>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(Mutex::default);
    if let Ok(known) = parsed.lock()
        && let Some(result) = known.get(expr)
    {
        return result.clone();
    }
    let result = parse_uncached(expr);
    if let Ok(mut known) = parsed.lock() {
        known.insert(expr.to_owned(), result.clone());
    }
    result
}

fn parse_uncached(expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Err("the expression is empty".to_owned());
    }
    promql_dialect::teach_parser();
    if let Some(tokens) = tokens(expr) {
        within_limits(&tokens)?;
        promql_dialect::check_tokens(&tokens)?;
    }
    let tree = promql_parser::parser::parse(expr).map_err(|message| message.trim().to_owned())?;
    promql_dialect::check_tree(&tree)
}

/// The syntax tree of `expr`, for callers that need it. An expression past
/// [`MAX_NESTING`] or [`MAX_OPERATORS`] is refused before the parser sees
/// it, as in [`parse_promql`]; text that does not lex fails in the parser's
/// lexer, before any tree is built.
pub fn parse_bounded(expr: &str) -> Result<Expr, String> {
    if let Some(tokens) = tokens(expr) {
        within_limits(&tokens)?;
    }
    promql_parser::parser::parse(expr)
}

/// Refuses an expression nested deeper than [`MAX_NESTING`] or using more
/// than [`MAX_OPERATORS`] operators, before the parser sees it.
fn within_limits(tokens: &[Token<'_>]) -> Result<(), String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_braces = false;
    let mut operators = 0usize;
    for token in tokens {
        match token.id {
            T_LEFT_PAREN | T_LEFT_BRACKET | T_LEFT_BRACE => {
                depth += 1;
                deepest = deepest.max(depth);
                in_braces |= token.id == T_LEFT_BRACE;
            }
            T_RIGHT_PAREN | T_RIGHT_BRACKET | T_RIGHT_BRACE => {
                depth = depth.saturating_sub(1);
                in_braces &= token.id != T_RIGHT_BRACE;
            }
            id if id > T_OPERATORS_START
                && id < T_OPERATORS_END
                && !matches!(id, T_AT | T_EQL_REGEX | T_NEQ_REGEX)
                && !in_braces =>
            {
                operators += 1;
            }
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "the expression nests brackets {deepest} deep; stackgen accepts at most {MAX_NESTING}: move inner parts into recording rules"
        ));
    }
    if operators > MAX_OPERATORS {
        return Err(format!(
            "the expression uses {operators} operators; stackgen accepts at most {MAX_OPERATORS} in one expression: split it into recording rules"
        ));
    }
    Ok(())
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

    #[test]
    fn deep_or_long_expressions_are_refused_before_parsing() {
        let nested = |depth: usize| format!("{}up{}", "sum(".repeat(depth), ")".repeat(depth));
        assert_eq!(parse_promql(&nested(MAX_NESTING)), Ok(()));
        let error = parse_promql(&nested(100_000)).expect_err("too deep");
        assert!(error.contains("nests brackets 100000 deep"), "{error}");
        let chain = |operators: usize| vec!["up"; operators + 1].join(" + ");
        assert_eq!(parse_promql(&chain(MAX_OPERATORS)), Ok(()));
        let error = parse_promql(&chain(100_000)).expect_err("too long");
        assert!(error.contains("uses 100000 operators"), "{error}");
        // Matchers inside braces are not operators.
        let matchers: Vec<String> = (0..=MAX_OPERATORS)
            .map(|n| format!("l{n}!~\"x\""))
            .collect();
        assert_eq!(
            parse_promql(&format!("up{{{}}}", matchers.join(","))),
            Ok(())
        );
    }
}
