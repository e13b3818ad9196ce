//! `[[dashboards]]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::Skeleton;
use super::values::{
    DAY, SECOND, YEAR, duration, float, free_text, label_name, list, maybe, table, text, text_map,
    texts,
};

/// Queries a panel may hold.
const QUERIES: &[&str] = &[
    "up",
    "sum by (job) (rate(http_requests_total{job=~\".+\"}[5m]))",
    "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
    "1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))",
    "count(up == 1) / count(up)",
];

/// `[[dashboards]]`, when the skeleton has Grafana.
pub fn dashboards(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.grafana {
        return Just(None).boxed();
    }
    list(dashboard(), 3)
        .prop_map(|dashboards| {
            let mut seen = std::collections::HashSet::new();
            let dashboards: Vec<Value> = dashboards
                .into_iter()
                .filter(|d| seen.insert(d.get("uid").map(ToString::to_string)))
                .collect();
            (!dashboards.is_empty()).then_some(Value::Array(dashboards))
        })
        .boxed()
}

fn dashboard() -> BoxedStrategy<Value> {
    (
        free_text(),
        "[a-zA-Z0-9_-]{1,40}",
        maybe(free_text()),
        list(free_text(), 3),
        maybe(duration(SECOND, DAY)),
        maybe(duration(SECOND, YEAR)),
        maybe(any::<bool>()),
        list(variable(), 2),
        list(row(), 3),
    )
        .prop_map(
            |(title, uid, description, tags, refresh, time, editable, variables, rows)| {
                let mut names = std::collections::HashSet::new();
                let variables: Vec<Value> = variables
                    .into_iter()
                    .filter(|v| names.insert(v["name"].as_str().map(str::to_owned)))
                    .collect();
                table(vec![
                    ("title", Some(text(title))),
                    ("uid", Some(text(uid))),
                    ("description", description.map(text)),
                    ("tags", (!tags.is_empty()).then(|| texts(tags))),
                    ("refresh", refresh.map(text)),
                    ("time", time.map(text)),
                    ("editable", editable.map(Value::Boolean)),
                    (
                        "variables",
                        (!variables.is_empty()).then_some(Value::Array(variables)),
                    ),
                    ("rows", (!rows.is_empty()).then_some(Value::Array(rows))),
                ])
            },
        )
        .boxed()
}

fn variable() -> BoxedStrategy<Value> {
    (
        "[a-zA-Z][a-zA-Z0-9_]{0,20}",
        label_name(),
        maybe(select(vec![
            "up",
            "up{job=\"api\"}",
            "http_requests_total{status=~\"5..\"}",
        ])),
        maybe(free_text()),
        maybe(any::<bool>()),
    )
        .prop_map(|(name, label, metric, title, multi)| {
            table(vec![
                ("name", Some(text(name))),
                ("label", Some(text(label))),
                ("metric", metric.map(text)),
                ("title", title.map(text)),
                ("multi", multi.map(Value::Boolean)),
            ])
        })
        .boxed()
}

fn row() -> BoxedStrategy<Value> {
    (free_text(), list(panel(), 3))
        .prop_map(|(title, panels)| {
            table(vec![
                ("title", Some(text(title))),
                (
                    "panels",
                    (!panels.is_empty()).then_some(Value::Array(panels)),
                ),
            ])
        })
        .boxed()
}

fn panel() -> BoxedStrategy<Value> {
    let query = (select(QUERIES), maybe(free_text())).prop_map(|(expr, legend)| {
        table(vec![
            ("expr", Some(text(expr))),
            ("legend", legend.map(text)),
        ])
    });
    (
        (
            free_text(),
            maybe(select(vec![
                "timeseries",
                "stat",
                "gauge",
                "table",
                "bar-gauge",
            ])),
            prop::collection::vec(query, 1..3),
            maybe(select(vec!["reqps", "percentunit", "s", "bytes", "日本"])),
            list(float(), 2),
            any::<bool>(),
            maybe(0..=10_i64),
        ),
        (
            maybe((float(), float())),
            any::<bool>(),
            list(("-?[0-9]{1,3}", free_text()), 2),
            maybe(1..=24_i64),
            maybe(1..=50_i64),
            maybe(free_text()),
        ),
    )
        .prop_map(
            |(
                (title, kind, queries, unit, mut thresholds, better, decimals),
                (range, stacked, value_text, width, height, description),
            )| {
                thresholds.sort_by(f64::total_cmp);
                thresholds.dedup();
                let range = range.filter(|(min, max)| min < max);
                table(vec![
                    ("title", Some(text(title))),
                    ("kind", kind.map(text)),
                    ("queries", Some(Value::Array(queries))),
                    ("unit", unit.map(text)),
                    (
                        "thresholds",
                        (!thresholds.is_empty()).then(|| {
                            Value::Array(thresholds.into_iter().map(Value::Float).collect())
                        }),
                    ),
                    ("higher-is-better", Some(Value::Boolean(better))),
                    ("decimals", decimals.map(Value::Integer)),
                    ("min", range.map(|(min, _)| Value::Float(min))),
                    ("max", range.map(|(_, max)| Value::Float(max))),
                    ("stacked", Some(Value::Boolean(stacked))),
                    (
                        "value-text",
                        (!value_text.is_empty()).then(|| text_map(value_text)),
                    ),
                    ("width", width.map(Value::Integer)),
                    ("height", height.map(Value::Integer)),
                    ("description", description.map(text)),
                ])
            },
        )
        .boxed()
}
