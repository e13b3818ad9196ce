//! Arithmetic on a rule's threshold in the alert library
//! (`[[ 200 * threshold / (1 - threshold) ]]`), computed and printed the way
//! minijinja computes and prints it, without compiling a template
//! expression for every one of them.
//!
//! Only what the library writes is taken: unsigned integer and decimal
//! literals, `threshold`, parentheses and `+ - * /`. Like minijinja, integer
//! `+ - *` stay integers (exact, 128 bits), anything with a float is a
//! float, and `/` always divides as floats. Whatever else can happen in
//! minijinja (an expression outside this grammar, an integer overflow, a
//! division by zero, a rule without a threshold) makes [`Arithmetic::parse`]
//! or [`Arithmetic::eval`] give `None`, and the caller lets minijinja render
//! the text, errors included. `library_text`'s tests compare the two on every
//! expression of the library with many thresholds.

use std::fmt;

/// A number as minijinja holds one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
}

impl Number {
    /// A rule threshold: whole thresholds are integers (`90`, not `90.0`).
    #[allow(clippy::cast_possible_truncation)]
    pub fn threshold(threshold: f64) -> Self {
        if threshold.fract() == 0.0 && threshold.abs() < 1e15 {
            Self::Int(i128::from(threshold as i64))
        } else {
            Self::Float(threshold)
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn as_f64(self) -> f64 {
        match self {
            Self::Int(int) => int as f64,
            Self::Float(float) => float,
        }
    }
}

/// Prints as minijinja prints a number: floats always with a fraction.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(int) => write!(f, "{int}"),
            Self::Float(float) if float.is_nan() => f.write_str("NaN"),
            Self::Float(float) if float.is_infinite() => f.write_str(if float.is_sign_negative() {
                "-inf"
            } else {
                "inf"
            }),
            Self::Float(float) => {
                let text = float.to_string();
                f.write_str(&text)?;
                if text.contains('.') {
                    Ok(())
                } else {
                    f.write_str(".0")
                }
            }
        }
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Arithmetic {
    /// A literal.
    Literal(Number),
    /// The rule's threshold.
    Threshold,
    /// Two operands and an operator.
    Binary(Box<Arithmetic>, Operator, Box<Arithmetic>),
}

/// The four operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl Arithmetic {
    /// Parses `text`; `None` for anything outside the grammar.
    pub fn parse(text: &str) -> Option<Self> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, at: 0 };
        let expression = parser.sum()?;
        (parser.at == parser.tokens.len()).then_some(expression)
    }

    /// The value with `threshold`; `None` where minijinja would fail, or
    /// might not compute the same.
    pub fn eval(&self, threshold: Option<Number>) -> Option<Number> {
        match self {
            Self::Literal(number) => Some(*number),
            Self::Threshold => threshold,
            Self::Binary(left, operator, right) => {
                let left = left.eval(threshold)?;
                let right = right.eval(threshold)?;
                apply(left, *operator, right)
            }
        }
    }
}

fn apply(left: Number, operator: Operator, right: Number) -> Option<Number> {
    use Number::{Float, Int};
    Some(match (operator, left, right) {
        (Operator::Div, left, right) => {
            let divisor = right.as_f64();
            if divisor == 0.0 {
                return None;
            }
            Float(left.as_f64() / divisor)
        }
        (Operator::Add, Int(a), Int(b)) => Int(a.checked_add(b)?),
        (Operator::Sub, Int(a), Int(b)) => Int(a.checked_sub(b)?),
        (Operator::Mul, Int(a), Int(b)) => Int(a.checked_mul(b)?),
        (Operator::Add, a, b) => Float(a.as_f64() + b.as_f64()),
        (Operator::Sub, a, b) => Float(a.as_f64() - b.as_f64()),
        (Operator::Mul, a, b) => Float(a.as_f64() * b.as_f64()),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(Number),
    Threshold,
    Operator(Operator),
    Open,
    Close,
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let token = match byte {
            b' ' => {
                at += 1;
                continue;
            }
            b'+' => Token::Operator(Operator::Add),
            b'-' => Token::Operator(Operator::Sub),
            b'*' if bytes.get(at + 1) == Some(&b'*') => return None,
            b'*' => Token::Operator(Operator::Mul),
            b'/' if bytes.get(at + 1) == Some(&b'/') => return None,
            b'/' => Token::Operator(Operator::Div),
            b'(' => Token::Open,
            b')' => Token::Close,
            b'0'..=b'9' => {
                let end = number_end(bytes, at);
                let literal = number(&text[at..end])?;
                at = end;
                tokens.push(Token::Number(literal));
                continue;
            }
            _ if text[at..].starts_with("threshold") => {
                let end = at + "threshold".len();
                if bytes
                    .get(end)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    return None;
                }
                at = end;
                tokens.push(Token::Threshold);
                continue;
            }
            _ => return None,
        };
        tokens.push(token);
        at += 1;
    }
    Some(tokens)
}

/// Where the number starting at `at` ends: digits, or digits `.` digits.
fn number_end(bytes: &[u8], at: usize) -> usize {
    let digits_from = |start: usize| {
        bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |n| start + n)
    };
    let whole = digits_from(at);
    if bytes.get(whole) == Some(&b'.') && bytes.get(whole + 1).is_some_and(u8::is_ascii_digit) {
        digits_from(whole + 1)
    } else {
        whole
    }
}

/// A literal as minijinja reads it; `None` for forms it might read otherwise
/// (exponents, underscores and letters follow literals only in those).
fn number(text: &str) -> Option<Number> {
    if text.contains('.') {
        text.parse().ok().map(Number::Float)
    } else {
        text.parse::<u64>()
            .ok()
            .map(|int| Number::Int(i128::from(int)))
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next_operator(&self, allowed: [Operator; 2]) -> Option<Operator> {
        match self.tokens.get(self.at) {
            Some(Token::Operator(operator)) if allowed.contains(operator) => Some(*operator),
            _ => None,
        }
    }

    /// `product (('+' | '-') product)*`, left to right.
    fn sum(&mut self) -> Option<Arithmetic> {
        let mut left = self.product()?;
        while let Some(operator) = self.next_operator([Operator::Add, Operator::Sub]) {
            self.at += 1;
            let right = self.product()?;
            left = Arithmetic::Binary(Box::new(left), operator, Box::new(right));
        }
        Some(left)
    }

    /// `atom (('*' | '/') atom)*`, left to right.
    fn product(&mut self) -> Option<Arithmetic> {
        let mut left = self.atom()?;
        while let Some(operator) = self.next_operator([Operator::Mul, Operator::Div]) {
            self.at += 1;
            let right = self.atom()?;
            left = Arithmetic::Binary(Box::new(left), operator, Box::new(right));
        }
        Some(left)
    }

    fn atom(&mut self) -> Option<Arithmetic> {
        let token = self.tokens.get(self.at)?.clone();
        self.at += 1;
        match token {
            Token::Number(number) => Some(Arithmetic::Literal(number)),
            Token::Threshold => Some(Arithmetic::Threshold),
            Token::Open => {
                let inner = self.sum()?;
                (self.tokens.get(self.at) == Some(&Token::Close)).then(|| {
                    self.at += 1;
                    inner
                })
            }
            Token::Operator(_) | Token::Close => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_precedence_and_left_to_right() {
        let eval = |text: &str, threshold: Number| {
            Arithmetic::parse(text)
                .and_then(|e| e.eval(Some(threshold)))
                .map(|n| n.to_string())
        };
        let t = Number::Int(10);
        assert_eq!(eval("100 - threshold * 2", t).as_deref(), Some("80"));
        assert_eq!(eval("(100 - threshold) * 2", t).as_deref(), Some("180"));
        assert_eq!(eval("100 - threshold - 2", t).as_deref(), Some("88"));
        assert_eq!(eval("threshold / 2", t).as_deref(), Some("5.0"));
        assert_eq!(eval("threshold * 0.5", t).as_deref(), Some("5.0"));
        assert_eq!(eval("threshold / 0", t), None);
        for unsupported in [
            "-threshold",
            "threshold ** 2",
            "threshold // 2",
            "thresholds",
            "1e3",
            "1_0",
            "(1",
            "1)",
            "",
        ] {
            assert_eq!(Arithmetic::parse(unsupported), None, "{unsupported}");
        }
        assert_eq!(
            Arithmetic::parse("threshold").and_then(|e| e.eval(None)),
            None
        );
    }

    #[test]
    fn floats_print_with_a_fraction() {
        assert_eq!(Number::Float(2.0).to_string(), "2.0");
        assert_eq!(Number::Float(0.1 + 0.2).to_string(), "0.30000000000000004");
        assert_eq!(Number::Float(1e21).to_string(), "1000000000000000000000.0");
        assert_eq!(Number::Float(-0.0).to_string(), "-0.0");
        assert_eq!(Number::threshold(90.0), Number::Int(90));
        assert_eq!(Number::threshold(1e15), Number::Float(1e15));
    }
}
