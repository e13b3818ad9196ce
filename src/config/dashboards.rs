//! Grafana dashboards: rows of panels with `PromQL` targets.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::syntax::{Duration, Ranged};

/// A dashboard.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Dashboard {
    /// The dashboard title.
    pub title: String,
    /// A stable uid: letters, digits, `-` and `_`, at most 40 characters
    /// (derived from the title when unset).
    #[serde(default)]
    pub uid: Option<String>,
    /// A description, shown in the dashboard settings.
    #[serde(default)]
    pub description: Option<String>,
    /// Tags, for the dashboard list.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Auto-refresh interval, such as `30s` (`30s` by default).
    #[serde(default)]
    pub refresh: Option<Duration>,
    /// The default time range, such as `6h` (meaning now-6h to now; `6h` by default).
    #[serde(default)]
    pub time: Option<Duration>,
    /// Whether the dashboard can be edited in the UI (changes are not saved to the bundle).
    #[serde(default = "yes")]
    pub editable: bool,
    /// Template variables, such as an `instance` picker, usable as `$name` in queries.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// Rows of panels.
    #[serde(default)]
    pub rows: Vec<Row>,
}

/// A template variable filled from Prometheus label values.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Variable {
    /// The name, used as `$name` in queries (letters, digits and `_`).
    pub name: String,
    /// The label whose values are offered, such as `instance`.
    pub label: String,
    /// The series to read the label from, such as `up{job="api"}` (all series when unset).
    #[serde(default)]
    pub metric: Option<String>,
    /// The text shown before the picker (the name when unset).
    #[serde(default)]
    pub title: Option<String>,
    /// Allow picking several values and offer "All" (match them with `=~"$name"`).
    #[serde(default = "yes")]
    pub multi: bool,
}

/// A row of panels.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Row {
    /// The row title.
    pub title: String,
    /// The panels, laid out left to right.
    #[serde(default)]
    pub panels: Vec<Panel>,
}

/// A panel.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Panel {
    /// The panel title.
    pub title: String,
    /// The visualisation.
    #[serde(default)]
    pub kind: PanelKind,
    /// The queries: `PromQL`, one per series group, or for a `logs` panel
    /// `LogQL` (such as `{service="api"}`), read from the Loki datasource.
    pub queries: Vec<Query>,
    /// The unit, in Grafana's names (`reqps`, `percentunit`, `s`, `bytes`).
    #[serde(default)]
    pub unit: Option<String>,
    /// Threshold steps: values at which the colour turns amber, then red
    /// (one value: green below, red from it; at most two, ascending).
    #[serde(default)]
    pub thresholds: Vec<f64>,
    /// Reverse the threshold colours: red below the first value, green from the last
    /// (for availability, cache hit ratio, error budget remaining).
    #[serde(default)]
    pub higher_is_better: bool,
    /// Decimal places shown.
    #[serde(default)]
    pub decimals: Option<Ranged<u8, 0, 10>>,
    /// The axis or gauge minimum.
    #[serde(default)]
    pub min: Option<f64>,
    /// The axis or gauge maximum.
    #[serde(default)]
    pub max: Option<f64>,
    /// Stack the series of a time series panel.
    #[serde(default)]
    pub stacked: bool,
    /// Text shown in place of exact values, such as `{ "0" = "down", "1" = "up" }`.
    #[serde(default)]
    pub value_text: IndexMap<String, String>,
    /// Width in grid columns (1–24).
    #[serde(default)]
    pub width: Option<Ranged<u8, 1, 24>>,
    /// Height in grid rows.
    #[serde(default)]
    pub height: Option<Ranged<u8, 1, 50>>,
    /// A description shown on hover.
    #[serde(default)]
    pub description: Option<String>,
    /// A `LogQL` query the panel's series link to: a "Logs" data link that
    /// opens it in Explore on the Loki datasource, with Grafana's variables
    /// filled in (`$service`, or `${__field.labels.service}` for the series
    /// clicked). Left out when the stack has no Loki datasource.
    #[serde(default)]
    pub logs: Option<String>,
}

/// One query of a panel.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Query {
    /// The expression.
    pub expr: String,
    /// The legend, such as `{{instance}}`.
    #[serde(default)]
    pub legend: Option<String>,
}

/// A panel visualisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PanelKind {
    /// A time series graph.
    #[default]
    Timeseries,
    /// One big number.
    Stat,
    /// A gauge.
    Gauge,
    /// A table.
    Table,
    /// A bar gauge.
    BarGauge,
    /// Log lines of `LogQL` queries, newest first (needs a Loki datasource:
    /// `[logs]` or a service of kind `loki`).
    Logs,
}

impl PanelKind {
    /// Grafana's plugin id for the visualisation.
    pub fn grafana_type(self) -> &'static str {
        match self {
            Self::Timeseries => "timeseries",
            Self::Stat => "stat",
            Self::Gauge => "gauge",
            Self::Table => "table",
            Self::BarGauge => "bargauge",
            Self::Logs => "logs",
        }
    }

    /// The default (width, height) in grid units.
    pub fn default_size(self) -> (u8, u8) {
        match self {
            Self::Timeseries | Self::BarGauge => (12, 8),
            Self::Stat => (6, 4),
            Self::Gauge => (6, 6),
            Self::Table | Self::Logs => (24, 8),
        }
    }
}

const fn yes() -> bool {
    true
}
