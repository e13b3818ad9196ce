//! The texts of the built-in alert library (`templates/alerts/*.toml`),
//! split once into literal text and `[[ ]]` substitutions, so rendering a
//! rule for one more job copies text instead of compiling a template.
//!
//! A bare variable (`[[ job ]]`) is looked up directly; any other expression
//! (`[[ threshold * 100 ]]`) is compiled once by minijinja and evaluated for
//! each job. Values print the way minijinja prints them. Text the splitter
//! does not take (block or comment tags, whitespace control, brackets or
//! quotes inside `[[ ]]`), and any substitution that fails or comes out
//! undefined, is rendered by minijinja as a whole, as before, so its output
//! and its errors are minijinja's. The tests check that both ways give the
//! same result for every text of the library.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::sync::OnceLock;

use minijinja::{Environment, Expression, UndefinedBehavior, Value};
use serde::{Deserialize, Deserializer};

use crate::render::templates;

/// One library text, ready to fill.
#[derive(Debug)]
pub struct LibraryText {
    source: String,
    /// `None`: rendered by minijinja as a whole.
    segments: Option<Vec<Segment>>,
}

/// The values a library text is filled with.
pub struct Values<'a> {
    /// The scrape job.
    pub job: &'a str,
    /// The `[services]` entry the job reports on.
    pub service: &'a str,
    /// The job's first target, `host:port`.
    pub target: &'a str,
    /// The blackbox probe job.
    pub probe_job: &'a str,
    /// The rule's threshold (`none` for rules without one).
    pub threshold: Value,
    /// The same values as a template context, built when first needed.
    context: OnceCell<Value>,
}

impl<'a> Values<'a> {
    /// The values of one rule for one job.
    pub fn new(
        job: &'a str,
        service: &'a str,
        target: &'a str,
        probe_job: &'a str,
        threshold: Value,
    ) -> Self {
        Self {
            job,
            service,
            target,
            probe_job,
            threshold,
            context: OnceCell::new(),
        }
    }

    fn context(&self) -> Value {
        self.context
            .get_or_init(|| {
                minijinja::context! {
                    job => self.job,
                    service => self.service,
                    target => self.target,
                    probe_job => self.probe_job,
                    threshold => self.threshold.clone(),
                }
            })
            .clone()
    }
}

impl LibraryText {
    /// Splits `source`; text the splitter does not take is kept whole.
    pub fn new(source: String) -> Self {
        let segments = split(&source);
        Self { source, segments }
    }

    /// The text with every substitution filled in.
    pub fn fill(&self, values: &Values<'_>) -> Result<String, minijinja::Error> {
        if let Some(segments) = &self.segments
            && let Some(text) = fill_segments(segments, values, self.source.len())
        {
            return Ok(text);
        }
        self.render_whole(values)
    }

    /// The text rendered by minijinja as one template.
    fn render_whole(&self, values: &Values<'_>) -> Result<String, minijinja::Error> {
        match bracket_environment() {
            Some(env) => env.render_str(&self.source, values.context()),
            None => Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "the bracket template syntax does not build",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for LibraryText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// The environment of the library's `[[ ]]` syntax, built when first needed.
fn bracket_environment() -> Option<&'static Environment<'static>> {
    static ENVIRONMENT: OnceLock<Option<Environment<'static>>> = OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| templates::bracket_environment().ok())
        .as_ref()
}

/// The environment expressions are compiled in: the bracket environment's
/// behaviour without its delimiters, which only matter to templates (and
/// cost a matcher to build). Expressions never contain brackets or braces.
fn expression_environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env
    })
}

/// A piece of a split text.
enum Segment {
    Literal(String),
    Variable(Variable),
    Expression(Expression<'static, 'static>),
}

impl std::fmt::Debug for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Literal(text) => f.debug_tuple("Literal").field(text).finish(),
            Self::Variable(variable) => f.debug_tuple("Variable").field(variable).finish(),
            Self::Expression(_) => f.write_str("Expression"),
        }
    }
}

/// The variables every text may name bare.
#[derive(Debug, Clone, Copy)]
enum Variable {
    Job,
    Service,
    Target,
    ProbeJob,
    Threshold,
}

impl Variable {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "job" => Self::Job,
            "service" => Self::Service,
            "target" => Self::Target,
            "probe_job" => Self::ProbeJob,
            "threshold" => Self::Threshold,
            _ => return None,
        })
    }
}

/// `source` as literal text and substitutions; `None` for text to render whole.
fn split(source: &str) -> Option<Vec<Segment>> {
    if source.contains("[%") || source.contains("[#") {
        return None;
    }
    let mut segments = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("[[") {
        if start > 0 {
            segments.push(Segment::Literal(rest[..start].to_owned()));
        }
        let after = &rest[start + 2..];
        let end = after.find("]]")?;
        let inner = &after[..end];
        let plain = !inner.starts_with(['-', '+'])
            && !inner.ends_with(['-', '+'])
            && !inner.contains(['[', ']', '{', '}', '\'', '"']);
        if !plain {
            return None;
        }
        let expression = inner.trim();
        segments.push(match Variable::named(expression) {
            Some(variable) => Segment::Variable(variable),
            None => Segment::Expression(
                expression_environment()
                    .compile_expression_owned(expression.to_owned())
                    .ok()?,
            ),
        });
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest.to_owned()));
    }
    Some(segments)
}

/// The segments filled in; `None` when a substitution fails or is undefined.
fn fill_segments(segments: &[Segment], values: &Values<'_>, capacity: usize) -> Option<String> {
    let mut out = String::with_capacity(capacity + 16);
    for segment in segments {
        match segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Variable(Variable::Job) => out.push_str(values.job),
            Segment::Variable(Variable::Service) => out.push_str(values.service),
            Segment::Variable(Variable::Target) => out.push_str(values.target),
            Segment::Variable(Variable::ProbeJob) => out.push_str(values.probe_job),
            Segment::Variable(Variable::Threshold) => print(&mut out, &values.threshold)?,
            Segment::Expression(expression) => {
                print(&mut out, &expression.eval(values.context()).ok()?)?;
            }
        }
    }
    Some(out)
}

/// Prints `value` as a `[[ ]]` block prints it (no escaping); undefined
/// values are errors in the strict environment, so they give `None`.
fn print(out: &mut String, value: &Value) -> Option<()> {
    if value.is_undefined() {
        return None;
    }
    write!(out, "{value}").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(threshold: Value) -> Values<'static> {
        Values::new("api", "api-svc", "api-1:8000", "blackbox", threshold)
    }

    fn whole(source: &str, values: &Values<'_>) -> Result<String, String> {
        let text = LibraryText {
            source: source.to_owned(),
            segments: None,
        };
        text.fill(values).map_err(|e| format!("{e:#}"))
    }

    fn split_fill(source: &str, values: &Values<'_>) -> Result<String, String> {
        LibraryText::new(source.to_owned())
            .fill(values)
            .map_err(|e| format!("{e:#}"))
    }

    /// Every string of every library file.
    fn library_strings() -> Vec<String> {
        fn collect(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::String(text) => out.push(text.clone()),
                toml::Value::Array(items) => items.iter().for_each(|item| collect(item, out)),
                toml::Value::Table(table) => table.values().for_each(|item| collect(item, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for path in templates::files_in("alerts", ".toml") {
            let text = templates::file(path).expect("library file");
            let table: toml::Value = toml::from_str(text).expect("library TOML");
            collect(&table, &mut out);
        }
        out
    }

    #[test]
    fn split_texts_fill_exactly_as_minijinja_renders_them() {
        let strings = library_strings();
        assert!(strings.len() > 500, "only {} strings", strings.len());
        let thresholds = [
            Value::from(()),
            Value::from(90),
            Value::from(0.05),
            Value::from(2.5),
            Value::from(1e-7),
            Value::from(-3),
        ];
        let mut split_count = 0;
        for source in &strings {
            if LibraryText::new(source.clone()).segments.is_some() {
                split_count += 1;
            }
            for threshold in &thresholds {
                let values = values(threshold.clone());
                assert_eq!(
                    split_fill(source, &values),
                    whole(source, &values),
                    "{source} with threshold {threshold}"
                );
            }
        }
        assert_eq!(split_count, strings.len(), "every library text splits");
    }

    #[test]
    fn unusual_texts_render_whole_with_minijinja_errors() {
        let values = values(Value::from(()));
        for source in [
            "[% if true %]x[% endif %]",
            "a [[- job ]] b",
            "[[ job ~ '-x' ]]",
            "[[ nothing ]]",
            "[[ threshold * 2 ]]",
            "[[ job",
            "[[ 1 + ]]",
            "plain ]] text",
            "[[[ job ]]",
        ] {
            assert_eq!(
                split_fill(source, &values),
                whole(source, &values),
                "{source}"
            );
        }
        assert_eq!(
            split_fill("up{job=\"[[ job ]]\"} > [[ threshold ]]", &values),
            Ok("up{job=\"api\"} > None".to_owned())
        );
    }
}
