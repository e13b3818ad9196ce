//! Alertmanager label matchers (`severity="critical"`, `team=~"db|infra"`):
//! parsed once, written back in one normal form, and evaluated against labels.
//!
//! Values are checked (and regular expressions compiled, anchored as
//! Alertmanager anchors them) by parsing them as a `PromQL` label matcher.
//! The stack's matchers are read into [`LabelMatcher`]s while deserializing;
//! the schema's `format` [`MATCHER_FORMAT`] applies the same parser.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use promql_parser::label::Matcher;
use promql_parser::parser::Expr;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::syntax::is_label_name;

/// The schema `format` of an Alertmanager matcher: what [`parse_matcher`] reads.
pub const MATCHER_FORMAT: &str = "alertmanager-matcher";

/// One parsed matcher; written as text, it reads from and serializes to
/// Alertmanager's `matchers` syntax.
#[derive(Debug, Clone, Serialize)]
#[serde(into = "String")]
pub struct LabelMatcher {
    /// The label name.
    pub name: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: &'static str,
    /// The value, unquoted and unescaped.
    pub value: String,
    matcher: Matcher,
}

impl LabelMatcher {
    /// An equality matcher `name="value"`.
    pub fn equal(name: &str, value: &str) -> Self {
        parse_matcher(&format!("{name}={}", quote(value)))
            .unwrap_or_else(|_| Self::literal_equal(name, value))
    }

    /// The matcher as Alertmanager's `matchers` syntax, value quoted.
    pub fn to_alertmanager(&self) -> String {
        format!("{}{}{}", self.name, self.op, quote(&self.value))
    }

    /// Whether the labels satisfy the matcher (an absent label is the empty string).
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = labels
            .iter()
            .find(|(name, _)| *name == self.name)
            .map_or("", |(_, value)| value.as_str());
        self.matcher.is_match(value)
    }

    fn literal_equal(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            op: "=",
            value: value.to_owned(),
            matcher: Matcher::new(promql_parser::label::MatchOp::Equal, name, value),
        }
    }
}

impl TryFrom<String> for LabelMatcher {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        parse_matcher(&text).map_err(|reason| format!("invalid matcher `{text}`: {reason}"))
    }
}

impl<'de> Deserialize<'de> for LabelMatcher {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl From<LabelMatcher> for String {
    fn from(matcher: LabelMatcher) -> Self {
        matcher.to_alertmanager()
    }
}

impl JsonSchema for LabelMatcher {
    fn schema_name() -> Cow<'static, str> {
        "LabelMatcher".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": MATCHER_FORMAT,
            "description": "An Alertmanager label matcher: `label=\"value\"`, `label!=\"value\"`, `label=~\"regex\"` or `label!~\"regex\"` (the quotes may be left out of a plain value).",
            "examples": ["severity=\"critical\"", "service=~\"pg.*\""]
        })
    }
}

/// Parses `name OP value`, where the value may be double-quoted (with `\"`,
/// `\\` and `\n` escapes) or bare; returns why it is refused otherwise.
///
/// Remembered per process: routing an alert parses every route's matchers,
/// and a stack routes many alerts through the same few routes (a regex
/// matcher costs a regex compilation).
pub fn parse_matcher(text: &str) -> Result<LabelMatcher, String> {
    static PARSED: OnceLock<Mutex<HashMap<String, Result<LabelMatcher, String>>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(Mutex::default);
    if let Ok(known) = parsed.lock()
        && let Some(result) = known.get(text)
    {
        return result.clone();
    }
    let result = parse_uncached(text);
    if let Ok(mut known) = parsed.lock() {
        known.insert(text.to_owned(), result.clone());
    }
    result
}

fn parse_uncached(text: &str) -> Result<LabelMatcher, String> {
    let text = text.trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..name_end];
    if name.is_empty() {
        return Err("it does not start with a label name".to_owned());
    }
    if !is_label_name(name) {
        return Err(format!("`{name}` is not a label name"));
    }
    let rest = text[name_end..].trim_start();
    let op = ["=~", "!~", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))
        .ok_or_else(|| {
            format!("`{name}` is not followed by one of the operators `=`, `!=`, `=~`, `!~`")
        })?;
    let raw = rest[op.len()..].trim();
    let value = if raw.starts_with('"') {
        unquote(raw)?
    } else if raw.contains(['"', '\\']) {
        return Err("a bare value cannot hold `\"` or `\\`; quote the value".to_owned());
    } else {
        raw.to_owned()
    };
    if op.ends_with('~')
        && let Some(refusal) = super::go_regex::refusal(&value)
    {
        return Err(format!("invalid regular expression: {refusal}"));
    }
    let selector = format!("{{__stackgen__=\"x\",{name}{op}{}}}", quote(&value));
    let matcher = match promql_parser::parser::parse(&selector) {
        Ok(Expr::VectorSelector(vs)) => vs
            .matchers
            .matchers
            .into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| "the matcher did not parse".to_owned())?,
        Ok(_) => return Err("the matcher did not parse".to_owned()),
        Err(message) => {
            let message = message.trim();
            return Err(if op.ends_with('~') {
                format!("invalid regular expression: {message}")
            } else {
                message.to_owned()
            });
        }
    };
    Ok(LabelMatcher {
        name: name.to_owned(),
        op,
        value,
        matcher,
    })
}

/// Quotes a value for a matcher: a double-quoted string as Alertmanager and
/// `PromQL` read it (`\"`, `\\` and `\n` escaped).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unquote(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = raw[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                return if chars.as_str().is_empty() {
                    Ok(out)
                } else {
                    Err("text follows the closing quote".to_owned())
                };
            }
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                _ => return Err("only `\\\"`, `\\\\` and `\\n` escapes are allowed".to_owned()),
            },
            c => out.push(c),
        }
    }
    Err("the quoted value is not closed".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn matchers_parse_and_normalize() {
        let m = parse_matcher("severity = critical").expect("valid");
        assert_eq!(m.to_alertmanager(), "severity=\"critical\"");
        let m = parse_matcher(r#"team=~"db|infra""#).expect("valid");
        assert_eq!(m.op, "=~");
        assert!(m.matches(&labels(&[("team", "db")])));
        assert!(!m.matches(&labels(&[("team", "dbx")])), "regex is anchored");
        let m = parse_matcher(r#"team!="""#).expect("valid");
        assert!(!m.matches(&labels(&[])));
        assert_eq!(
            LabelMatcher::equal("team", "a\"b").to_alertmanager(),
            r#"team="a\"b""#
        );
    }

    #[test]
    fn bad_matchers_are_refused() {
        assert!(parse_matcher("severity").is_err());
        assert!(parse_matcher("=x").is_err());
        assert!(parse_matcher("1x=y").is_err());
        assert!(parse_matcher(r#"x=~"(""#).is_err());
        assert!(parse_matcher(r#"x="a" y"#).is_err());
        assert!(parse_matcher(r#"x="a"#).is_err());
        // amtool 0.25 (Go's regexp) refuses both.
        for regex in [r#"x=~"(?x)a b""#, r#"x!~"a{1001}""#] {
            let error = parse_matcher(regex).expect_err("Go's regexp refuses it");
            assert!(error.contains("Go's regexp"), "{error}");
        }
    }
}
