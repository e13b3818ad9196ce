//! Where a `PromQL` expression that does not parse goes wrong. The parser's
//! lexer says what it found ("unclosed left parenthesis", "unexpected end
//! of input inside braces") but not where; [`locate`] finds the place: the
//! bracket or quote that is never closed, the closer that closes nothing,
//! or the unexpected character.

use std::ops::Range;

/// A syntax error at a place in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The bytes of the expression it points at.
    pub range: Range<usize>,
    /// What is wrong, saying what is missing where something is.
    pub message: String,
    /// What the place is, drawn under it.
    pub label: &'static str,
}

/// The place of the syntax error `message` (the parser's) in `expr`, with
/// a message that says what is missing; `None` when the brackets and quotes
/// balance and the message names no character to find.
pub fn locate(expr: &str, message: &str) -> Option<Located> {
    unbalanced(expr).or_else(|| unexpected_character(expr, message))
}

/// The first closer that does not close the innermost open bracket, else
/// the innermost bracket or the string left open at the end.
fn unbalanced(expr: &str) -> Option<Located> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut chars = expr.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '#' => {
                // A comment runs to the end of the line.
                chars.by_ref().find(|(_, c)| *c == '\n');
            }
            '"' | '\'' | '`' => {
                let mut escaped = false;
                let closed = chars.by_ref().any(|(_, next)| {
                    let ends = next == c && !escaped;
                    escaped = c != '`' && next == '\\' && !escaped;
                    ends
                });
                if !closed {
                    return Some(Located {
                        range: at..at + 1,
                        message: format!(
                            "the string opened here is never closed: a {c} is missing"
                        ),
                        label: "never closed",
                    });
                }
            }
            '(' | '[' | '{' => open.push((at, c)),
            ')' | ']' | '}' => match open.pop() {
                Some((_, opener)) if closer(opener) == c => {}
                Some((_, opener)) => {
                    return Some(Located {
                        range: at..at + 1,
                        message: format!(
                            "`{c}` where a `{}` must close the `{opener}` before it",
                            closer(opener)
                        ),
                        label: "does not close the open bracket",
                    });
                }
                None => {
                    return Some(Located {
                        range: at..at + 1,
                        message: format!("`{c}` closes nothing"),
                        label: "closes nothing",
                    });
                }
            },
            _ => {}
        }
    }
    let (at, opener) = open.pop()?;
    let missing = match opener {
        '{' => "a `}` after the label matchers is missing",
        '[' => "a `]` after the range is missing",
        _ => "a `)` is missing",
    };
    Some(Located {
        range: at..at + 1,
        message: format!("`{opener}` is never closed: {missing}"),
        label: "never closed",
    })
}

fn closer(opener: char) -> char {
    match opener {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// The first place outside strings and comments of the character a lexer
/// message such as "unexpected character: '?'" names.
fn unexpected_character(expr: &str, message: &str) -> Option<Located> {
    let quoted = message.strip_suffix('\'')?;
    let (_, named) = quoted.rsplit_once('\'')?;
    let mut named_chars = named.chars();
    let wanted = match (named_chars.next()?, named_chars.next()) {
        (c, None) => c,
        ('\\', Some(escape)) => match escape {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\'' | '\\' | '"' => escape,
            _ => return None,
        },
        _ => return None,
    };
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for (at, c) in expr.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if c == q && !escaped {
                quote = None;
            }
            escaped = q != '`' && c == '\\' && !escaped;
            continue;
        }
        if c == wanted {
            return Some(Located {
                range: at..at + c.len_utf8(),
                message: message.to_owned(),
                label: "unexpected here",
            });
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '#' => comment = true,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expression, the text pointed at, and the message.
    #[test]
    fn errors_point_at_their_place() {
        let cases = [
            (
                "up{job=\"a\"",
                2,
                "`{` is never closed: a `}` after the label matchers is missing",
            ),
            ("rate(x[5m]", 4, "`(` is never closed: a `)` is missing"),
            ("sum(", 3, "`(` is never closed: a `)` is missing"),
            (
                "rate(x[5m) > 1",
                9,
                "`)` where a `]` must close the `[` before it",
            ),
            ("up)", 2, "`)` closes nothing"),
            (
                "up{job=\"a}",
                7,
                "the string opened here is never closed: a \" is missing",
            ),
            ("sum(up{a=\"(\"}) # (", 99, ""),
        ];
        for (expr, at, message) in cases {
            let located = unbalanced(expr);
            if at == 99 {
                assert_eq!(located, None, "{expr}");
                continue;
            }
            let located = located.unwrap_or_else(|| panic!("{expr}: not located"));
            assert_eq!(located.range, at..at + 1, "{expr}");
            assert_eq!(located.message, message, "{expr}");
        }
    }

    #[test]
    fn an_unexpected_character_is_found_outside_strings() {
        let located = locate("up{a=\"?\"} ? 1", "unexpected character: '?'").expect("found");
        assert_eq!(located.range, 10..11);
        assert_eq!(locate("up + 1", "invalid promql query"), None);
    }

    /// Every error the parser reports for these, located where a reader looks.
    #[test]
    fn the_parser_refuses_what_is_located() {
        for expr in ["up{job=\"a\"", "rate(x[5m]", "sum(", "up)", "up{a=\"b\"} ?"] {
            let message = super::super::parse_promql(expr).expect_err("refused");
            assert!(locate(expr, &message).is_some(), "{expr}: {message}");
        }
    }
}
