//! The parts of Grafana's dashboard JSON (schema version 39) that stackgen writes.

use serde::Serialize;
use serde_json::Value;

use super::layout::GridPos;

/// The schema version the dashboards are written in (Grafana 10.3 and later).
pub const SCHEMA_VERSION: u32 = 39;

/// A whole dashboard, as file provisioning reads it (no API wrapper).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardJson {
    /// The stable uid.
    pub uid: String,
    /// The title.
    pub title: String,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Always `browser`.
    pub timezone: &'static str,
    /// Whether the UI may edit it.
    pub editable: bool,
    /// 1: shared crosshair.
    pub graph_tooltip: u8,
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Always 1: provisioning owns the versions.
    pub version: u32,
    /// The default time range.
    pub time: TimeRange,
    /// The auto-refresh interval.
    pub refresh: String,
    /// Template variables.
    pub templating: List<Value>,
    /// Annotations (Grafana's built-in one only).
    pub annotations: List<Value>,
    /// Links (none).
    pub links: Vec<Value>,
    /// Every panel, row headers included, in layout order.
    pub panels: Vec<PanelJson>,
}

/// `{ "list": [...] }`.
#[derive(Debug, Clone, Serialize)]
pub struct List<T> {
    /// The items.
    pub list: Vec<T>,
}

/// A relative time range.
#[derive(Debug, Clone, Serialize)]
pub struct TimeRange {
    /// Such as `now-6h`.
    pub from: String,
    /// `now`.
    pub to: String,
}

/// A panel or a row header.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelJson {
    /// Unique within the dashboard.
    pub id: u32,
    /// The plugin id (`timeseries`, `stat`, `row`, ...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The title.
    pub title: String,
    /// Shown on hover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it sits.
    pub grid_pos: GridPos,
    /// Rows only: whether collapsed (never; panels follow the row header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
    /// The datasource of the queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DatasourceRef>,
    /// The queries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// Units, thresholds, decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_config: Option<FieldConfig>,
    /// Visualisation options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
    /// Rows only: nested panels (empty; panels follow the row header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panels: Option<Vec<Value>>,
}

/// A pinned datasource reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasourceRef {
    /// The plugin type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The provisioned uid.
    pub uid: String,
}

/// One query: `PromQL` on Prometheus, `LogQL` on Loki.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `A`, `B`, ...
    pub ref_id: String,
    /// The datasource.
    pub datasource: DatasourceRef,
    /// The expression.
    pub expr: String,
    /// The legend template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legend_format: Option<String>,
    /// Whether to query a range.
    pub range: bool,
    /// Whether to query one instant.
    pub instant: bool,
    /// Prometheus: `time_series` or `table`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Loki: `range` (lines over the time range).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_type: Option<&'static str>,
    /// `code`: the query was written, not built.
    pub editor_mode: &'static str,
}

/// A data link of a panel's fields that opens a query in Explore.
#[derive(Debug, Clone, Serialize)]
pub struct DataLink {
    /// The link's text.
    pub title: String,
    /// Empty: the link is internal, to Explore.
    pub url: String,
    /// The datasource and query Explore opens.
    pub internal: InternalLink,
}

/// Where an internal data link goes: a query on a datasource, in Explore.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InternalLink {
    /// The datasource's uid.
    pub datasource_uid: String,
    /// The datasource's name.
    pub datasource_name: &'static str,
    /// The query, Grafana's variables filled in when it is opened.
    pub query: LinkQuery,
}

/// The query of an internal data link.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkQuery {
    /// `A`.
    pub ref_id: &'static str,
    /// The datasource.
    pub datasource: DatasourceRef,
    /// The expression.
    pub expr: String,
    /// `range`.
    pub query_type: &'static str,
}

/// Field defaults and overrides.
#[derive(Debug, Clone, Serialize)]
pub struct FieldConfig {
    /// Defaults for every field.
    pub defaults: FieldDefaults,
    /// Overrides (none).
    pub overrides: Vec<Value>,
}

/// Defaults for every field of a panel.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDefaults {
    /// Grafana's unit id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Decimal places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// The minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// How values are coloured.
    pub color: Value,
    /// Colour steps.
    pub thresholds: Thresholds,
    /// Value-to-text mappings.
    pub mappings: Vec<Value>,
    /// Data links of every field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<DataLink>,
    /// Plugin-specific settings (time series drawing style, stacking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<Value>,
}

/// Absolute threshold steps.
#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    /// Always `absolute`.
    pub mode: &'static str,
    /// The steps, the first with no value.
    pub steps: Vec<Step>,
}

/// One colour step.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// A named colour.
    pub color: &'static str,
    /// Where it starts; `null` for the base step.
    pub value: Option<f64>,
}
