//! `[[slos]]`: service level objectives. Each becomes Sloth-compatible
//! recording rules, multi-window multi-burn-rate alerts, their promtool
//! tests and a dashboard.
//!
//! The selectors and numbers are read once, here: a selector into its
//! metric name and matchers, the objective into an exact number, a bucket
//! bound into the `le` label values clients write.

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;
use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{Expr, parse};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::Table;
use super::alerting::Severity;
use super::exact::{self, Exact};
use crate::syntax::Duration;
use crate::syntax::LabelName;

/// The period of an SLO that names none.
pub const DEFAULT_PERIOD: &str = "30d";

/// A service level objective: the share of good events a service promises
/// over a period, measured by a ratio of two counters or by a histogram.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Slo {
    /// The `[services]` entry the SLO is about; it must be scraped by
    /// Prometheus, and its `team` gets the alerts.
    pub service: String,
    /// The SLO's name, unique per service (`availability`, `latency`):
    /// lowercase letters, digits and `-`.
    pub name: String,
    /// The objective in percent: the share of events that must be good,
    /// above 0 and below 100 (`99.9`), with at most 10 decimal places.
    pub objective: Objective,
    /// The period the objective holds over (`30d` by default; `28d` is
    /// the other common choice). Prometheus must keep data this long.
    #[serde(default)]
    pub period: Option<Duration>,
    /// What the SLO promises, in a sentence; shown on the dashboard and in alerts.
    #[serde(default)]
    pub description: Option<String>,
    /// The SLI as a ratio of two counters: bad events over all events.
    /// Give this or `latency`.
    #[serde(default)]
    pub ratio: Option<RatioSli>,
    /// The SLI as the share of requests slower than a histogram bucket.
    /// Give this or `ratio`.
    #[serde(default)]
    pub latency: Option<LatencySli>,
    /// The burn-rate alerts: a page tier and a ticket tier.
    #[serde(default)]
    pub alerting: SloAlerting,
}

impl Slo {
    /// The SLO's id, `<service>-<name>`: the `sloth_id` label of its series.
    pub fn id(&self) -> String {
        format!("{}-{}", self.service, self.name)
    }

    /// The rule group (and file stem) holding the SLO's rules: `slo-<id>`.
    pub fn rule_group(&self) -> String {
        format!("slo-{}", self.id())
    }

    /// The period as written, or [`DEFAULT_PERIOD`].
    pub fn period_text(&self) -> &str {
        self.period
            .as_ref()
            .map_or(DEFAULT_PERIOD, Duration::as_str)
    }

    /// The period in milliseconds, when it reads.
    pub fn period_millis(&self) -> Option<u64> {
        crate::syntax::parse_duration_millis(self.period_text())
    }
}

/// An SLI from two counters. Write plain series selectors: stackgen adds
/// `rate(...[window])` and `sum(...)` for every window itself.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RatioSli {
    /// The counter of bad events, such as
    /// `http_requests_total{job="api", status=~"5.."}`.
    pub errors: Selector,
    /// The counter of all events, such as `http_requests_total{job="api"}`.
    pub total: Selector,
}

/// An SLI from a Prometheus histogram: requests slower than the bucket
/// bound `le` are the bad events.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LatencySli {
    /// The histogram's name, without `_bucket` or `_count`
    /// (`http_request_duration_seconds`).
    pub histogram: String,
    /// The latency threshold in the histogram's unit: the upper bound of
    /// one of its buckets (`0.5` for 500ms in seconds). It must be a bound
    /// the histogram has; a bound it lacks makes every request count as slow.
    pub le: BucketBound,
    /// Label matchers selecting the service's series, such as `{job="api"}`.
    #[serde(default)]
    pub selector: Option<Selector>,
}

/// The alerts of an SLO. Each tier fires when the error budget burns too
/// fast over two windows at once (Google SRE workbook, chapter 5).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SloAlerting {
    /// The alert name of both tiers, in `UpperCamelCase`
    /// (`<Service><Name>ErrorBudgetBurn` by default, such as `ApiAvailabilityErrorBudgetBurn`).
    #[serde(default)]
    pub name: Option<String>,
    /// The fast-burn tier: 2% of the budget spent in an hour, or 5% in six
    /// hours. Severity `critical` by default; `false` turns it off.
    #[serde(default)]
    pub page: AlertTier,
    /// The slow-burn tier: 10% of the budget spent in a day, or in three
    /// days. Severity `warning` by default; `false` turns it off.
    #[serde(default)]
    pub ticket: AlertTier,
    /// A link to the runbook, the `runbook_url` annotation of both tiers.
    #[serde(default)]
    pub runbook: Option<String>,
}

/// One alert tier: `true` (the default), `false`, or its settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AlertTier {
    /// `true` keeps the tier with its defaults; `false` turns it off.
    Enabled(bool),
    /// The tier with settings of its own.
    Custom(Table<AlertTierSettings>),
}

impl Default for AlertTier {
    fn default() -> Self {
        Self::Enabled(true)
    }
}

impl AlertTier {
    /// The tier's settings, or `None` when it is off.
    pub fn settings(&self) -> Option<Cow<'_, AlertTierSettings>> {
        match self {
            Self::Enabled(false) => None,
            Self::Enabled(true) => Some(Cow::Owned(AlertTierSettings::default())),
            Self::Custom(settings) => Some(Cow::Borrowed(&settings.0)),
        }
    }
}

/// The settings of one alert tier. Label and annotation values are plain
/// text: stackgen writes them so that Prometheus shows them as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertTierSettings {
    /// `critical`, `warning` or `info`: selects the Alertmanager severity
    /// route (`critical` for page, `warning` for ticket by default).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// More labels on the tier's alert.
    #[serde(default)]
    pub labels: IndexMap<LabelName, String>,
    /// More annotations, or replacements of `summary` and `description`.
    #[serde(default)]
    pub annotations: IndexMap<LabelName, String>,
}

/// An SLO objective in percent, read as the exact decimal number written.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(from = "f64", into = "f64")]
pub struct Objective {
    percent: f64,
    exact: Option<Exact>,
}

impl Objective {
    /// The objective in percent, as the float read.
    pub fn percent(self) -> f64 {
        self.percent
    }

    /// The objective in percent as an exact number; `None` when it is not
    /// finite or has more than [`exact::MAX_DECIMALS`] decimal places.
    pub fn exact_percent(self) -> Option<Exact> {
        self.exact
    }

    /// The objective as a ratio (`0.999` for 99.9), when it is exact.
    pub fn exact_ratio(self) -> Option<Exact> {
        self.exact.map(|percent| percent / Exact::from_integer(100))
    }

    /// Whether it is a valid objective: exact, above 0 and below 100.
    pub fn is_valid(self) -> bool {
        self.exact
            .is_some_and(|p| p > Exact::from_integer(0) && p < Exact::from_integer(100))
    }
}

impl From<f64> for Objective {
    fn from(percent: f64) -> Self {
        Self {
            percent,
            exact: exact::from_f64(percent),
        }
    }
}

impl From<Objective> for f64 {
    fn from(objective: Objective) -> Self {
        objective.percent
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.exact.and_then(exact::decimal_text) {
            Some(text) => f.write_str(&text),
            None => write!(f, "{}", self.percent),
        }
    }
}

impl JsonSchema for Objective {
    fn schema_name() -> Cow<'static, str> {
        "Objective".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "A percentage above 0 and below 100, such as `99.9`.",
            "examples": [99.9, 99.5, 95]
        })
    }
}

/// The upper bound of a histogram bucket, kept with the `le` label values
/// Prometheus clients write for it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(from = "f64", into = "f64")]
pub struct BucketBound(f64);

impl BucketBound {
    /// The bound.
    pub fn value(self) -> f64 {
        self.0
    }

    /// The `le` label values a client writes for this bound: Go's shortest
    /// form (`0.5`, `1`, `1e-05`, `1e+06`), and for a whole number below a
    /// million also the Python client's `1.0`. Empty when it is not finite.
    pub fn label_values(self) -> Vec<String> {
        let Some(go) = go_float(self.0) else {
            return Vec::new();
        };
        let mut values = vec![go.clone()];
        if !go.contains(['.', 'e']) {
            values.push(format!("{go}.0"));
        }
        values
    }
}

impl From<f64> for BucketBound {
    fn from(value: f64) -> Self {
        Self(value)
    }
}

impl From<BucketBound> for f64 {
    fn from(bound: BucketBound) -> Self {
        bound.0
    }
}

impl JsonSchema for BucketBound {
    fn schema_name() -> Cow<'static, str> {
        "BucketBound".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "The upper bound of a histogram bucket, such as `0.5`: it must be a bound the histogram has.",
            "examples": [0.25, 0.5, 1]
        })
    }
}

/// A series selector as written (`http_requests_total{job="api"}`, or
/// matchers alone: `{job="api"}`), read into its parts when it is one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct Selector {
    text: String,
    shape: SelectorShape,
}

/// What a selector's text turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectorShape {
    /// A plain series selector.
    Series(SeriesSelector),
    /// Matchers alone, `{}` (no matcher at all).
    Empty,
    /// A range selector such as `x[5m]`.
    Range,
    /// A function call such as `rate(x[5m])`, with the function's name.
    Function(String),
    /// A selector with `offset` or `@`.
    Modified,
    /// Some other expression (an aggregation, arithmetic, a number).
    Other,
    /// Text that does not parse (the `PromQL` check explains why).
    Unparsed,
}

/// The parts of a plain series selector.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSelector {
    /// The metric name, whether written before the braces or as `__name__="..."`.
    pub metric: Option<String>,
    /// The label matchers, `__name__` aside, in the order written.
    pub matchers: Vec<Matcher>,
}

impl Selector {
    /// The text as written, trimmed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// What the text is.
    pub fn shape(&self) -> &SelectorShape {
        &self.shape
    }

    /// The parts, when it is a plain series selector.
    pub fn series(&self) -> Option<&SeriesSelector> {
        match &self.shape {
            SelectorShape::Series(series) => Some(series),
            _ => None,
        }
    }

    /// The matchers between the braces as written (`job="api"`), empty
    /// when there are none.
    pub fn matchers_text(&self) -> &str {
        match (self.text.find('{'), self.text.rfind('}')) {
            (Some(open), Some(close)) if open < close => self.text[open + 1..close].trim(),
            _ => "",
        }
    }
}

impl From<String> for Selector {
    fn from(text: String) -> Self {
        let text = text.trim().to_owned();
        let shape = read_selector(&text);
        Self { text, shape }
    }
}

impl From<Selector> for String {
    fn from(selector: Selector) -> Self {
        selector.text
    }
}

impl JsonSchema for Selector {
    fn schema_name() -> Cow<'static, str> {
        "SeriesSelector".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A PromQL series selector without range or function, such as `http_requests_total{job=\"api\"}`.",
            "examples": ["http_requests_total{job=\"api\", status=~\"5..\"}"]
        })
    }
}

/// The most brackets a selector's text may hold before it is not parsed at
/// all: a selector has one pair, and the parser recurses on nesting.
const MAX_BRACKETS: usize = 16;

fn read_selector(text: &str) -> SelectorShape {
    if text.trim_start().starts_with('{') && text.trim_end_matches([' ', '}']).ends_with('{') {
        return SelectorShape::Empty;
    }
    if text.matches(['(', '[', '{']).count() > MAX_BRACKETS {
        return SelectorShape::Other;
    }
    let Ok(expr) = parse(text) else {
        return SelectorShape::Unparsed;
    };
    match expr {
        Expr::VectorSelector(selector) => {
            if selector.offset.is_some() || selector.at.is_some() {
                return SelectorShape::Modified;
            }
            let mut metric = selector.name.clone();
            let mut matchers = Vec::new();
            for matcher in selector.matchers.matchers {
                if matcher.name == "__name__" && matches!(matcher.op, MatchOp::Equal) {
                    metric.get_or_insert(matcher.value);
                } else {
                    matchers.push(matcher);
                }
            }
            SelectorShape::Series(SeriesSelector { metric, matchers })
        }
        other => wrapped(&other),
    }
}

/// What an expression that is not a series selector wraps: a function
/// (`sum(rate(x[5m]))` applies `rate`), a range, or something else.
fn wrapped(expr: &Expr) -> SelectorShape {
    match expr {
        Expr::MatrixSelector(_) => SelectorShape::Range,
        Expr::Call(call) => SelectorShape::Function(call.func.name.to_owned()),
        Expr::Aggregate(aggregate) => wrapped(&aggregate.expr),
        Expr::Paren(paren) => wrapped(&paren.expr),
        _ => SelectorShape::Other,
    }
}

/// `value` as Go's `strconv.FormatFloat(value, 'g', -1, 64)` writes it.
fn go_float(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some("0".to_owned());
    }
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // Go's shortest 'g' switches to an exponent below 1e-4 and from 1e6.
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return Some(format!(
            "{sign}{first}{fraction}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        ));
    }
    // Here -4 <= exponent < 6: the point goes after `exponent + 1` digits.
    let body = if exponent < 0 {
        let zeros = exponent.unsigned_abs() as usize - 1;
        format!("0.{}{digits}", "0".repeat(zeros))
    } else {
        let point = exponent.unsigned_abs() as usize + 1;
        if point >= digits.len() {
            format!("{digits}{}", "0".repeat(point - digits.len()))
        } else {
            let (whole, fraction) = digits.split_at(point);
            format!("{whole}.{fraction}")
        }
    };
    Some(format!("{sign}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> SelectorShape {
        Selector::from(text.to_owned()).shape
    }

    #[test]
    fn selectors_are_read_into_parts() {
        let SelectorShape::Series(series) =
            shape(r#" http_requests_total{job="api", status=~"5.."} "#)
        else {
            panic!("a series selector");
        };
        assert_eq!(series.metric.as_deref(), Some("http_requests_total"));
        let names: Vec<&str> = series.matchers.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["job", "status"]);
        let SelectorShape::Series(series) = shape(r#"{__name__="up", job="x"}"#) else {
            panic!("a series selector");
        };
        assert_eq!(series.metric.as_deref(), Some("up"));
        assert_eq!(shape("{}"), SelectorShape::Empty);
        assert_eq!(shape(" { } "), SelectorShape::Empty);
        assert_eq!(shape("x[5m]"), SelectorShape::Range);
        assert_eq!(
            shape("rate(x[5m])"),
            SelectorShape::Function("rate".to_owned())
        );
        assert_eq!(shape("x offset 5m"), SelectorShape::Modified);
        assert_eq!(shape("sum(x)"), SelectorShape::Other);
        assert_eq!(
            shape("sum(rate(x[5m]))"),
            SelectorShape::Function("rate".to_owned())
        );
        assert_eq!(
            shape("(sum(x[5m]))"),
            SelectorShape::Unparsed,
            "sum of a range"
        );
        assert_eq!(shape("x / y"), SelectorShape::Other);
        assert_eq!(shape("x{"), SelectorShape::Unparsed);
        assert_eq!(shape(&"(".repeat(100_000)), SelectorShape::Other);
    }

    #[test]
    fn matchers_text_is_what_the_braces_hold() {
        let selector = Selector::from(r#"x{job="api", a!="}"}"#.to_owned());
        assert_eq!(selector.matchers_text(), r#"job="api", a!="}""#);
        assert_eq!(Selector::from("x".to_owned()).matchers_text(), "");
    }

    #[test]
    fn bucket_bounds_are_written_as_clients_write_them() {
        let values = |v: f64| BucketBound(v).label_values();
        assert_eq!(values(0.5), ["0.5"]);
        assert_eq!(values(1.0), ["1", "1.0"]);
        assert_eq!(values(2.5), ["2.5"]);
        assert_eq!(values(10.0), ["10", "10.0"]);
        assert_eq!(values(0.000_01), ["1e-05"]);
        assert_eq!(values(0.0001), ["0.0001"]);
        assert_eq!(values(1e21), ["1e+21"]);
        assert_eq!(values(999_999.0), ["999999", "999999.0"]);
        assert_eq!(values(1e6), ["1e+06"]);
        assert_eq!(values(123_456_789.0), ["1.23456789e+08"]);
        assert!(values(f64::INFINITY).is_empty());
    }

    #[test]
    fn objectives_are_exact() {
        let objective = Objective::from(99.9);
        assert_eq!(objective.exact_ratio(), Some(Exact::new(999, 1000)));
        assert!(objective.is_valid());
        assert_eq!(objective.to_string(), "99.9");
        assert!(!Objective::from(100.0).is_valid());
        assert!(!Objective::from(0.0).is_valid());
        assert!(!Objective::from(99.123_456_789_012_34).is_valid());
    }
}
