//! The texts of the built-in alert library (`templates/alerts/*.toml`),
//! split once into literal text and `[[ ]]` substitutions, so rendering a
//! rule for one more job copies text instead of rendering a template.
//!
//! A bare variable (`[[ job ]]`) is looked up directly; arithmetic on the
//! threshold (`[[ threshold * 100 ]]`) is computed the way minijinja
//! computes it (see [`super::library_arithmetic`]). Values print the way
//! minijinja prints them. Text the splitter does not take (block or comment
//! tags, whitespace control, other expressions), and any substitution that
//! fails, is rendered by minijinja as a whole, so its output and its errors
//! are minijinja's. The tests check that both ways give the same result for
//! every text of the library and many thresholds.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use minijinja::{Environment, Value};
use serde::{Deserialize, Deserializer};

use super::library_arithmetic::{Arithmetic, Number};
use crate::render::templates;

/// One library text, ready to fill.
#[derive(Debug)]
pub struct LibraryText {
    source: String,
    /// Split on first fill (a plan for checks fills none); `None` inside:
    /// rendered by minijinja as a whole.
    segments: OnceLock<Option<Vec<Segment>>>,
}

/// The values a library text is filled with.
pub struct Values<'a> {
    /// The scrape job the tests use (the group's first).
    pub job: &'a str,
    /// The `job` label matcher of every job of the group (`job=~"a|b"`).
    pub job_matcher: &'a str,
    /// The first target of the tests' job, `host:port` (the probed URL for probes).
    pub target: &'a str,
    /// The blackbox probe job.
    pub probe_job: &'a str,
    /// The rule's threshold, if it has one.
    pub threshold: Option<f64>,
    /// The same values as a template context, built when first needed.
    context: OnceCell<Value>,
}

impl<'a> Values<'a> {
    /// The values of one rule for one group of jobs.
    pub fn new(
        job: &'a str,
        job_matcher: &'a str,
        target: &'a str,
        probe_job: &'a str,
        threshold: Option<f64>,
    ) -> Self {
        Self {
            job,
            job_matcher,
            target,
            probe_job,
            threshold,
            context: OnceCell::new(),
        }
    }

    fn number(&self) -> Option<Number> {
        self.threshold.map(Number::threshold)
    }

    fn context(&self) -> Value {
        self.context
            .get_or_init(|| {
                let threshold = self.threshold.map(threshold_value);
                minijinja::context! {
                    job => self.job,
                    job_matcher => self.job_matcher,
                    target => self.target,
                    probe_job => self.probe_job,
                    threshold => threshold,
                }
            })
            .clone()
    }
}

impl LibraryText {
    /// A text, split when first filled; text the splitter does not take is
    /// kept whole.
    pub fn new(source: String) -> Self {
        Self {
            source,
            segments: OnceLock::new(),
        }
    }

    /// The text with every substitution filled in.
    pub fn fill(&self, values: &Values<'_>) -> Result<String, minijinja::Error> {
        if let Some(segments) = self.segments.get_or_init(|| split(&self.source))
            && let Some(text) = self.fill_segments(segments, values)
        {
            return Ok(text);
        }
        self.render_whole(values)
    }

    /// The segments filled in; `None` when a substitution fails.
    fn fill_segments(&self, segments: &[Segment], values: &Values<'_>) -> Option<String> {
        let mut out = String::with_capacity(self.source.len() + 16);
        for segment in segments {
            match segment {
                Segment::Literal(range) => out.push_str(&self.source[range.clone()]),
                Segment::Variable(Variable::Job) => out.push_str(values.job),
                Segment::Variable(Variable::JobMatcher) => out.push_str(values.job_matcher),
                Segment::Variable(Variable::Target) => out.push_str(values.target),
                Segment::Variable(Variable::ProbeJob) => out.push_str(values.probe_job),
                Segment::Variable(Variable::Threshold) => match values.number() {
                    Some(number) => write!(out, "{number}").ok()?,
                    // minijinja prints a missing threshold as `none` does.
                    None => write!(out, "{}", Value::from(())).ok()?,
                },
                Segment::Arithmetic(arithmetic) => {
                    write!(out, "{}", arithmetic.eval(values.number())?).ok()?;
                }
            }
        }
        Some(out)
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

/// A threshold as templates see it: whole ones are integers (`90`, not
/// `90.0`), as [`Number::threshold`] has them.
#[allow(clippy::cast_possible_truncation)]
fn threshold_value(threshold: f64) -> Value {
    if threshold.fract() == 0.0 && threshold.abs() < 1e15 {
        Value::from(threshold as i64)
    } else {
        Value::from(threshold)
    }
}

/// The environment of the library's `[[ ]]` syntax, built when first needed.
fn bracket_environment() -> Option<&'static Environment<'static>> {
    static ENVIRONMENT: OnceLock<Option<Environment<'static>>> = OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| templates::bracket_environment().ok())
        .as_ref()
}

/// A piece of a split text.
#[derive(Debug)]
enum Segment {
    /// Text copied as is: a range of the source.
    Literal(Range<usize>),
    Variable(Variable),
    Arithmetic(Arithmetic),
}

/// The variables every text may name bare.
#[derive(Debug, Clone, Copy)]
enum Variable {
    Job,
    JobMatcher,
    Target,
    ProbeJob,
    Threshold,
}

impl Variable {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "job" => Self::Job,
            "job_matcher" => Self::JobMatcher,
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
    let mut at = 0;
    while let Some(found) = source[at..].find("[[") {
        let start = at + found;
        if start > at {
            segments.push(Segment::Literal(at..start));
        }
        let inner_start = start + 2;
        let inner_end = inner_start + source[inner_start..].find("]]")?;
        let inner = &source[inner_start..inner_end];
        let plain = !inner.starts_with(['-', '+'])
            && !inner.ends_with(['-', '+'])
            && !inner.contains(['[', ']', '{', '}', '\'', '"']);
        if !plain {
            return None;
        }
        let expression = inner.trim();
        segments.push(match Variable::named(expression) {
            Some(variable) => Segment::Variable(variable),
            None => Segment::Arithmetic(Arithmetic::parse(expression)?),
        });
        at = inner_end + 2;
    }
    if at < source.len() {
        segments.push(Segment::Literal(at..source.len()));
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn values(threshold: Option<f64>) -> Values<'static> {
        Values::new(
            "api",
            r#"job=~"api|web""#,
            "api-1:8000",
            "blackbox",
            threshold,
        )
    }

    fn whole(source: &str, values: &Values<'_>) -> Result<String, String> {
        let text = LibraryText {
            source: source.to_owned(),
            segments: OnceLock::from(None),
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

    /// Every `[[ ]]` expression of the library that is not a bare variable.
    fn library_expressions() -> Vec<String> {
        let mut out: Vec<String> = library_strings()
            .iter()
            .flat_map(|text| text.split("[[").skip(1).filter_map(|s| s.split_once("]]")))
            .map(|(inner, _)| inner.trim().to_owned())
            .filter(|inner| Variable::named(inner).is_none())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn split_texts_fill_exactly_as_minijinja_renders_them() {
        let strings = library_strings();
        assert!(strings.len() > 500, "only {} strings", strings.len());
        let thresholds = [
            None,
            Some(90.0),
            Some(0.05),
            Some(2.5),
            Some(1e-7),
            Some(-3.0),
            Some(1e15),
            Some(123_456_789_012_345.0),
            Some(0.1 + 0.2),
        ];
        let mut split_count = 0;
        for source in &strings {
            if split(source).is_some() {
                split_count += 1;
            }
            for threshold in thresholds {
                let values = values(threshold);
                assert_eq!(
                    split_fill(source, &values),
                    whole(source, &values),
                    "{source} with threshold {threshold:?}"
                );
            }
        }
        assert_eq!(split_count, strings.len(), "every library text splits");
    }

    proptest! {
        /// Threshold arithmetic computes and prints as minijinja does, for
        /// every expression of the library.
        #[test]
        fn arithmetic_matches_minijinja(
            threshold in prop_oneof![
                any::<f64>().prop_filter("finite", |t| t.is_finite()),
                (-1e15..1e15_f64).prop_map(f64::trunc),
                (-100_000_i32..100_000).prop_map(|t| f64::from(t) / 100.0),
                Just(0.0),
                Just(1.0),
            ],
        ) {
            let env = Environment::new();
            let context = minijinja::context! { threshold => threshold_value(threshold) };
            for expression in library_expressions() {
                let ours = Arithmetic::parse(&expression)
                    .expect("library arithmetic parses")
                    .eval(Some(Number::threshold(threshold)))
                    .map(|n| n.to_string());
                let theirs = env
                    .compile_expression(&expression)
                    .expect("compiles")
                    .eval(context.clone())
                    .ok()
                    .map(|v| v.to_string());
                // Where minijinja fails, ours must fail too (and render whole).
                prop_assert!(
                    ours == theirs || (ours.is_none() && theirs.is_some()),
                    "{} with {}: {:?} vs {:?}", expression, threshold, ours, theirs
                );
            }
        }
    }

    #[test]
    fn library_expressions_are_all_arithmetic() {
        let expressions = library_expressions();
        assert!(expressions.len() > 20, "{expressions:?}");
        for expression in expressions {
            assert!(Arithmetic::parse(&expression).is_some(), "{expression}");
        }
    }

    #[test]
    fn unusual_texts_render_whole_with_minijinja_errors() {
        let values = values(None);
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
            "[[ -threshold ]]",
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
