//! Grafana dashboards: rows of panels with `PromQL` targets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A dashboard.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Dashboard {
    /// The dashboard title.
    pub title: String,
    /// A stable uid (derived from the title when unset).
    #[serde(default)]
    pub uid: Option<String>,
    /// Tags, for the dashboard list.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Auto-refresh interval, such as `30s`.
    #[serde(default)]
    pub refresh: Option<String>,
    /// The default time range, such as `6h` (meaning now-6h to now).
    #[serde(default)]
    pub time: Option<String>,
    /// Rows of panels.
    #[serde(default)]
    pub rows: Vec<Row>,
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
    /// `PromQL` queries, one per series group.
    pub queries: Vec<Query>,
    /// The unit, in Grafana's names (`reqps`, `percentunit`, `s`, `bytes`).
    #[serde(default)]
    pub unit: Option<String>,
    /// Threshold steps: values at which the colour turns amber, then red.
    #[serde(default)]
    pub thresholds: Vec<f64>,
    /// Width in grid columns (1–24).
    #[serde(default)]
    #[schemars(range(min = 1, max = 24))]
    pub width: Option<u8>,
    /// Height in grid rows.
    #[serde(default)]
    #[schemars(range(min = 1, max = 50))]
    pub height: Option<u8>,
    /// A description shown on hover.
    #[serde(default)]
    pub description: Option<String>,
}

/// One `PromQL` query of a panel.
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
}
