//! One dashboard of the plan (the user's or a built-in one) to Grafana's JSON.

use crate::syntax::Ranged;
use serde_json::{Value, json};

use super::layout::Layout;
use super::model::{
    DashboardJson, DataLink, DatasourceRef, FieldConfig, FieldDefaults, InternalLink, LinkQuery,
    List, PanelJson, SCHEMA_VERSION, Step, Target, Thresholds, TimeRange,
};
use crate::config::{Panel, PanelKind, Variable};
use crate::plan::dashboards::PlannedDashboard;

/// The uid of the Prometheus datasource the compose bundle provisions
/// (and kube-prometheus-stack's Grafana has by default).
pub const PROMETHEUS_UID: &str = "prometheus";
/// The uid of the Loki datasource that logs panels and links read: the one
/// the compose bundle provisions with `[logs]`.
pub const LOKI_UID: &str = "loki";

/// Builds the dashboard JSON, laying out rows and panels on the grid;
/// every metric query reads the Prometheus datasource with uid
/// `prometheus_uid`, every logs panel and link the Loki one ([`LOKI_UID`]).
pub fn dashboard_json(planned: &PlannedDashboard, prometheus_uid: &str) -> DashboardJson {
    let prometheus = DatasourceRef {
        kind: "prometheus",
        uid: prometheus_uid.to_owned(),
    };
    let loki = DatasourceRef {
        kind: "loki",
        uid: LOKI_UID.to_owned(),
    };
    let dashboard = &planned.dashboard;
    let mut layout = Layout::default();
    let mut panels = Vec::new();
    let mut next_id = 1;
    for row in &dashboard.rows {
        panels.push(PanelJson {
            id: next_id,
            kind: "row",
            title: row.title.clone(),
            description: None,
            grid_pos: layout.row_header(),
            collapsed: Some(false),
            datasource: None,
            targets: Vec::new(),
            field_config: None,
            options: None,
            panels: Some(Vec::new()),
        });
        next_id += 1;
        for panel in &row.panels {
            let (width, height) = panel.kind.default_size();
            let grid_pos = layout.place(
                panel.width.map_or(width, Ranged::get),
                panel.height.map_or(height, Ranged::get),
            );
            let logs = panel.kind == PanelKind::Logs;
            let datasource = if logs { &loki } else { &prometheus };
            panels.push(PanelJson {
                id: next_id,
                kind: panel.kind.grafana_type(),
                title: panel.title.clone(),
                description: panel.description.clone(),
                grid_pos,
                collapsed: None,
                datasource: Some(datasource.clone()),
                targets: targets(panel, datasource),
                field_config: (!logs).then(|| field_config(panel, &loki)),
                options: Some(options(panel.kind)),
                panels: None,
            });
            next_id += 1;
        }
    }
    DashboardJson {
        uid: planned.uid.clone(),
        title: dashboard.title.clone(),
        description: dashboard.description.clone(),
        tags: dashboard.tags.clone(),
        timezone: "browser",
        editable: dashboard.editable,
        graph_tooltip: 1,
        schema_version: SCHEMA_VERSION,
        version: 1,
        time: TimeRange {
            from: format!(
                "now-{}",
                dashboard.time.as_ref().map_or("6h", |t| t.as_str())
            ),
            to: "now".to_owned(),
        },
        refresh: dashboard
            .refresh
            .as_ref()
            .map_or("30s", |r| r.as_str())
            .to_owned(),
        templating: List {
            list: dashboard
                .variables
                .iter()
                .map(|v| variable(v, &prometheus))
                .collect(),
        },
        annotations: List {
            list: vec![builtin_annotation()],
        },
        links: Vec::new(),
        panels,
    }
}

/// `A`, `B`, ... `Z`, then `AA`, `AB`, ...
pub fn ref_id(index: usize) -> String {
    let letter = |i: usize| char::from(b'A' + u8::try_from(i % 26).unwrap_or(0));
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}

fn targets(panel: &Panel, datasource: &DatasourceRef) -> Vec<Target> {
    let table = panel.kind == PanelKind::Table;
    let logs = panel.kind == PanelKind::Logs;
    panel
        .queries
        .iter()
        .enumerate()
        .map(|(index, query)| Target {
            ref_id: ref_id(index),
            datasource: datasource.clone(),
            expr: query.expr.clone(),
            legend_format: query.legend.clone(),
            range: !table,
            instant: table,
            format: match (logs, table) {
                (true, _) => None,
                (false, true) => Some("table"),
                (false, false) => Some("time_series"),
            },
            query_type: logs.then_some("range"),
            editor_mode: "code",
        })
        .collect()
}

/// The panel's "Logs" link: its `logs` query in Explore, on Loki.
fn logs_links(panel: &Panel, loki: &DatasourceRef) -> Vec<DataLink> {
    panel
        .logs
        .iter()
        .map(|query| DataLink {
            title: "Logs".to_owned(),
            url: String::new(),
            internal: InternalLink {
                datasource_uid: loki.uid.clone(),
                datasource_name: "Loki",
                query: LinkQuery {
                    ref_id: "A",
                    datasource: loki.clone(),
                    expr: query.clone(),
                    query_type: "range",
                },
            },
        })
        .collect()
}

fn field_config(panel: &Panel, loki: &DatasourceRef) -> FieldConfig {
    let custom = (panel.kind == PanelKind::Timeseries).then(|| {
        let mut custom = json!({
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": if panel.stacked { 30 } else { 10 },
            "showPoints": "never",
            "spanNulls": false,
            "stacking": { "mode": if panel.stacked { "normal" } else { "none" }, "group": "A" },
        });
        // A time series draws its thresholds only when asked to: as dashed lines.
        if !panel.thresholds.is_empty() {
            custom["thresholdsStyle"] = json!({ "mode": "dashed" });
        }
        custom
    });
    FieldConfig {
        defaults: FieldDefaults {
            unit: panel.unit.clone(),
            decimals: panel.decimals.map(Ranged::get),
            min: panel.min,
            max: panel.max,
            color: if panel.kind == PanelKind::Timeseries {
                json!({ "mode": "palette-classic" })
            } else {
                json!({ "mode": "thresholds" })
            },
            thresholds: thresholds(&panel.thresholds, panel.higher_is_better),
            mappings: mappings(panel),
            links: logs_links(panel, loki),
            custom,
        },
        overrides: Vec::new(),
    }
}

/// Green, then amber, then red at the given values (reversed when higher is better).
fn thresholds(values: &[f64], higher_is_better: bool) -> Thresholds {
    let colors: &[&'static str] = match (values.len(), higher_is_better) {
        (0, _) => &["green"],
        (1, false) => &["green", "red"],
        (1, true) => &["red", "green"],
        (_, false) => &["green", "orange", "red"],
        (_, true) => &["red", "orange", "green"],
    };
    let mut steps = vec![Step {
        color: colors[0],
        value: None,
    }];
    for (value, color) in values.iter().zip(&colors[1..]) {
        steps.push(Step {
            color,
            value: Some(*value),
        });
    }
    Thresholds {
        mode: "absolute",
        steps,
    }
}

fn mappings(panel: &Panel) -> Vec<Value> {
    if panel.value_text.is_empty() {
        return Vec::new();
    }
    let options: serde_json::Map<String, Value> = panel
        .value_text
        .iter()
        .enumerate()
        .map(|(index, (value, text))| (value.clone(), json!({ "text": text, "index": index })))
        .collect();
    vec![json!({ "type": "value", "options": options })]
}

fn options(kind: PanelKind) -> Value {
    let reduce = json!({ "calcs": ["lastNotNull"], "fields": "", "values": false });
    match kind {
        PanelKind::Timeseries => json!({
            "legend": { "displayMode": "list", "placement": "bottom", "showLegend": true, "calcs": [] },
            "tooltip": { "mode": "multi", "sort": "desc" },
        }),
        PanelKind::Stat => json!({
            "reduceOptions": reduce,
            "colorMode": "value",
            "graphMode": "area",
            "justifyMode": "auto",
            "orientation": "auto",
            "textMode": "auto",
        }),
        PanelKind::Gauge => json!({
            "reduceOptions": reduce,
            "orientation": "auto",
            "showThresholdLabels": false,
            "showThresholdMarkers": true,
        }),
        PanelKind::BarGauge => json!({
            "reduceOptions": reduce,
            "displayMode": "gradient",
            "orientation": "horizontal",
            "showUnfilled": true,
        }),
        PanelKind::Table => json!({
            "showHeader": true,
            "cellHeight": "sm",
            "footer": { "show": false, "reducer": ["sum"], "fields": "" },
        }),
        PanelKind::Logs => json!({
            "showTime": true,
            "showLabels": false,
            "showCommonLabels": false,
            "wrapLogMessage": true,
            "prettifyLogMessage": false,
            "enableLogDetails": true,
            "dedupStrategy": "none",
            "sortOrder": "Descending",
        }),
    }
}

fn variable(variable: &Variable, prometheus: &DatasourceRef) -> Value {
    let query = match &variable.metric {
        Some(metric) => format!("label_values({metric}, {})", variable.label),
        None => format!("label_values({})", variable.label),
    };
    let mut value = json!({
        "name": variable.name,
        "label": variable.title.clone().unwrap_or_else(|| variable.name.clone()),
        "type": "query",
        "datasource": prometheus,
        "definition": query,
        "query": { "query": query, "refId": "StandardVariableQuery" },
        "refresh": 2,
        "sort": 1,
        "hide": 0,
        "regex": "",
        "multi": variable.multi,
        "includeAll": variable.multi,
        "current": {},
        "options": [],
    });
    if variable.multi {
        value["allValue"] = json!(".*");
    }
    value
}

fn builtin_annotation() -> Value {
    json!({
        "builtIn": 1,
        "datasource": { "type": "grafana", "uid": "-- Grafana --" },
        "enable": true,
        "hide": true,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard",
    })
}
