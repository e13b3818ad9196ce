//! The tokens of a Go `text/template`, as its lexer (`text/template/parse`)
//! splits them; text outside actions is skipped. Forms the lexer accepts but
//! alert templates never need (character constants, hexadecimal and other
//! non-decimal numbers, non-ASCII identifiers) are refused here, so that
//! everything accepted is accepted by Go too.

use crate::syntax::is_decimal_number;

/// One token inside an action, or an action's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// `{{` (with or without a trim marker).
    LeftDelim,
    /// `}}` (with or without a trim marker).
    RightDelim,
    /// A run of spaces inside an action.
    Space,
    /// `{{/* ... */}}`.
    Comment,
    /// A function name.
    Identifier(&'a str),
    /// `if`, `end`, `range`, ...
    Keyword(&'a str),
    /// `.Name`.
    Field,
    /// `$name` (or `$`).
    Variable(&'a str),
    /// `.` on its own.
    Dot,
    /// `true` or `false`.
    Bool,
    /// `nil`.
    Nil,
    /// A decimal number.
    Number,
    /// A quoted or raw string.
    Str,
    /// `=`.
    Assign,
    /// `:=`.
    Declare,
    /// `|`.
    Pipe,
    /// `(`.
    LeftParen,
    /// `)`.
    RightParen,
    /// Any other printable ASCII character (`,` among them).
    Char(char),
    /// The end of the text.
    Eof,
}

impl Item<'_> {
    /// How Go's messages name the token.
    pub fn describe(self) -> String {
        match self {
            Self::LeftDelim => "{{".to_owned(),
            Self::RightDelim => "}}".to_owned(),
            Self::Space => "space".to_owned(),
            Self::Comment => "comment".to_owned(),
            Self::Identifier(name) | Self::Keyword(name) | Self::Variable(name) => {
                format!("<{name}>")
            }
            Self::Field => "field".to_owned(),
            Self::Dot => "<.>".to_owned(),
            Self::Bool => "bool".to_owned(),
            Self::Nil => "<nil>".to_owned(),
            Self::Number => "number".to_owned(),
            Self::Str => "string".to_owned(),
            Self::Assign => "\"=\"".to_owned(),
            Self::Declare => "\":=\"".to_owned(),
            Self::Pipe => "\"|\"".to_owned(),
            Self::LeftParen => "\"(\"".to_owned(),
            Self::RightParen => "\")\"".to_owned(),
            Self::Char(c) => format!("{c:?}"),
            Self::Eof => "end of text".to_owned(),
        }
    }
}

const KEYWORDS: [&str; 10] = [
    "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alphanumeric(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The tokens of `text`, ending with [`Item::Eof`].
pub fn lex(text: &str) -> Result<Vec<Item<'_>>, String> {
    let mut lexer = Lexer {
        text,
        at: 0,
        items: Vec::new(),
        parens: 0,
    };
    while let Some(offset) = lexer.rest().find("{{") {
        lexer.at += offset + 2;
        lexer.action()?;
    }
    lexer.items.push(Item::Eof);
    Ok(lexer.items)
}

struct Lexer<'a> {
    text: &'a str,
    at: usize,
    items: Vec<Item<'a>>,
    parens: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The length of a right delimiter here: ` -}}` or `}}`.
    fn right_delim(&self) -> Option<usize> {
        let rest = self.rest();
        let mut chars = rest.chars();
        if chars.next().is_some_and(is_space) && rest[1..].starts_with("-}}") {
            return Some(4);
        }
        rest.starts_with("}}").then_some(2)
    }

    /// Whether the token that ends here may end here.
    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => {
                is_space(c)
                    || matches!(c, '.' | ',' | '|' | ':' | ')' | '(')
                    || self.rest().starts_with("}}")
            }
        }
    }

    fn action(&mut self) -> Result<(), String> {
        let rest = self.rest();
        if rest.starts_with('-') && rest[1..].starts_with(is_space) {
            self.at += 2;
        }
        if self.rest().starts_with("/*") {
            return self.comment();
        }
        self.items.push(Item::LeftDelim);
        loop {
            if let Some(len) = self.right_delim() {
                if self.parens > 0 {
                    return Err("unclosed left paren".to_owned());
                }
                self.at += len;
                self.items.push(Item::RightDelim);
                return Ok(());
            }
            let Some(c) = self.peek() else {
                return Err("unclosed action".to_owned());
            };
            self.token(c)?;
        }
    }

    fn comment(&mut self) -> Result<(), String> {
        let Some(end) = self.rest()[2..].find("*/") else {
            return Err("unclosed comment".to_owned());
        };
        self.at += 2 + end + 2;
        let Some(len) = self.right_delim() else {
            return Err("comment ends before closing delimiter".to_owned());
        };
        self.at += len;
        self.items.push(Item::Comment);
        Ok(())
    }

    fn token(&mut self, c: char) -> Result<(), String> {
        let start = self.at;
        self.at += c.len_utf8();
        let item = match c {
            _ if is_space(c) => {
                while self.peek().is_some_and(is_space) && self.right_delim().is_none() {
                    self.at += 1;
                }
                Item::Space
            }
            '=' => Item::Assign,
            ':' => {
                if !self.rest().starts_with('=') {
                    return Err("expected :=".to_owned());
                }
                self.at += 1;
                Item::Declare
            }
            '|' => Item::Pipe,
            '"' => self.quoted()?,
            '`' => {
                let Some(end) = self.rest().find('`') else {
                    return Err("unterminated raw quoted string".to_owned());
                };
                self.at += end + 1;
                Item::Str
            }
            '$' => {
                self.word()?;
                Item::Variable(&self.text[start..self.at])
            }
            '\'' => {
                return Err(
                    "character constants ('x') are not accepted here; write a string".to_owned(),
                );
            }
            '.' if !self.peek().is_some_and(|next| next.is_ascii_digit()) => {
                self.word()?;
                if self.at == start + 1 {
                    Item::Dot
                } else {
                    Item::Field
                }
            }
            '.' | '+' | '-' | '0'..='9' => self.number(start)?,
            _ if is_alphanumeric(c) => {
                self.word()?;
                let word = &self.text[start..self.at];
                match word {
                    "true" | "false" => Item::Bool,
                    "nil" => Item::Nil,
                    _ if KEYWORDS.contains(&word) => Item::Keyword(word),
                    _ => Item::Identifier(word),
                }
            }
            '(' => {
                self.parens += 1;
                Item::LeftParen
            }
            ')' => {
                if self.parens == 0 {
                    return Err("unexpected right paren".to_owned());
                }
                self.parens -= 1;
                Item::RightParen
            }
            _ if c.is_ascii_graphic() => Item::Char(c),
            _ => return Err(format!("unrecognized character in action: {c:?}")),
        };
        self.items.push(item);
        Ok(())
    }

    /// The rest of an identifier, field or variable name.
    fn word(&mut self) -> Result<(), String> {
        while self.peek().is_some_and(is_alphanumeric) {
            self.at += 1;
        }
        if self.at_terminator() {
            Ok(())
        } else {
            let c = self.peek().unwrap_or(' ');
            Err(format!("bad character {c:?}"))
        }
    }

    /// A number: what Go's lexer takes as one token, which must be decimal.
    fn number(&mut self, start: usize) -> Result<Item<'a>, String> {
        let mut previous = self.text[start..self.at].chars().next_back();
        while let Some(c) = self.peek() {
            let exponent_sign = matches!(c, '+' | '-') && matches!(previous, Some('e' | 'E'));
            if !(is_alphanumeric(c) || c == '.' || exponent_sign) {
                break;
            }
            previous = Some(c);
            self.at += c.len_utf8();
        }
        let token = &self.text[start..self.at];
        if is_decimal_number(token) {
            Ok(Item::Number)
        } else {
            Err(format!(
                "bad number syntax: {token:?} (write numbers in decimal, such as 0.5 or 1e3)"
            ))
        }
    }

    fn quoted(&mut self) -> Result<Item<'a>, String> {
        let start = self.at;
        let mut chars = self.rest().char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                '"' => {
                    unquote(&self.text[start..start + offset])?;
                    self.at = start + offset + 1;
                    return Ok(Item::Str);
                }
                '\\' if chars.next().is_some_and(|(_, next)| next != '\n') => {}
                '\\' | '\n' => break,
                _ => {}
            }
        }
        Err("unterminated quoted string".to_owned())
    }
}

/// Checks the escapes of a double-quoted string's body the way Go's
/// `strconv.Unquote` does.
fn unquote(body: &str) -> Result<(), String> {
    let invalid = || Err(format!("invalid syntax in string \"{body}\""));
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        let Some(escape) = chars.next() else {
            return invalid();
        };
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Option<u32> {
            let digits: String = chars.by_ref().take(n).collect();
            (digits.len() == n)
                .then(|| u32::from_str_radix(&digits, 16).ok())
                .flatten()
        };
        let valid = match escape {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' => true,
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                rest.len() == 2
                    && u32::from_str_radix(&format!("{escape}{rest}"), 8).is_ok_and(|v| v <= 255)
            }
            'x' => hex(&mut chars, 2).is_some(),
            'u' => hex(&mut chars, 4).is_some_and(|v| char::from_u32(v).is_some()),
            'U' => hex(&mut chars, 8).is_some_and(|v| char::from_u32(v).is_some()),
            _ => false,
        };
        if !valid {
            return invalid();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Item, is_decimal_number, lex};

    #[test]
    fn splits_actions_into_tokens() {
        let items = lex("a {{- $labels.x | printf \"%s\" -}} b {{/* c */}}").expect("lexes");
        assert_eq!(
            items,
            [
                Item::LeftDelim,
                Item::Variable("$labels"),
                Item::Field,
                Item::Space,
                Item::Pipe,
                Item::Space,
                Item::Identifier("printf"),
                Item::Space,
                Item::Str,
                Item::RightDelim,
                Item::Comment,
                Item::Eof,
            ]
        );
    }

    #[test]
    fn refuses_what_go_refuses() {
        for (text, message) in [
            ("{{ x", "unclosed action"),
            ("{{ (x }}", "unclosed left paren"),
            ("{{ x) }}", "unexpected right paren"),
            ("{{ \"a }}", "unterminated quoted string"),
            ("{{ \"a\\q\" }}", "invalid syntax"),
            ("{{ `a }}", "unterminated raw quoted string"),
            ("{{/* a }}", "unclosed comment"),
            ("{{/* a */ x }}", "comment ends before closing delimiter"),
            ("{{ a: }}", "expected :="),
            ("{{ foo-}}", "bad character"),
            ("{{ 0x1F }}", "bad number syntax"),
            ("{{ 1e }}", "bad number syntax"),
            ("{{ 'a' }}", "character constants"),
            ("{{ \u{e9} }}", "unrecognized character"),
        ] {
            let error = lex(text).expect_err(text);
            assert!(error.contains(message), "{text}: {error}");
        }
    }

    #[test]
    fn decimal_numbers() {
        for good in ["1", "-1", "+1.5", "1.", ".5", "1e3", "1.5E-3", "007"] {
            assert!(is_decimal_number(good), "{good}");
        }
        for bad in ["", "-", ".", "1e", "1..2", "1_000", "0x1", "1i", "e3"] {
            assert!(!is_decimal_number(bad), "{bad}");
        }
    }
}
