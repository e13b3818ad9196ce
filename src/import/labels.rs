//! `labels` as stack.toml `labels`, and the Prometheus scrape labels
//! (`prometheus.io/scrape`, `prometheus.io/port`, `prometheus.io/path`,
//! `prometheus.io/scheme`) as the service's `metrics`.

use toml_edit::{InlineTable, Table, Value, value};

use super::context::Context;
use super::model::ListOrMap;
use super::path::Path;

/// The `labels` table (`at` is `services.NAME`), and `metrics` when the
/// labels ask Prometheus to scrape the service.
pub fn labels(
    ctx: &mut Context<'_>,
    at: &Path,
    labels: &ListOrMap,
) -> (Table, Option<InlineTable>) {
    let mut table = Table::new();
    let mut scrape = None;
    let mut port = None;
    let mut metrics_path = None;
    let mut scheme = None;
    for (position, (key, scalar)) in labels.entries().into_iter().enumerate() {
        let path = if labels.is_list() {
            at.key("labels").index(position)
        } else {
            at.key("labels").key(&key)
        };
        let text = scalar
            .as_ref()
            .map(|s| ctx.scalar_text(&path, s))
            .unwrap_or_default();
        match key.as_str() {
            "prometheus.io/scrape" => scrape = Some(text == "true"),
            "prometheus.io/port" => port = Some((text.clone(), path.clone())),
            "prometheus.io/path" => metrics_path = Some(text.clone()),
            "prometheus.io/scheme" => scheme = Some(text.clone()),
            _ => {}
        }
        table.insert(&key, value(text));
    }
    let metrics = (scrape == Some(true)).then(|| {
        let mut metrics = InlineTable::new();
        if let Some((text, path)) = port {
            match text.parse::<u16>() {
                Ok(port) if port > 0 => {
                    metrics.insert("port", Value::from(i64::from(port)));
                }
                _ => ctx.lose(
                    &path,
                    "not a port number, so `metrics` uses the service's first port",
                ),
            }
        }
        metrics.insert(
            "path",
            Value::from(metrics_path.unwrap_or_else(|| "/metrics".to_owned())),
        );
        if let Some(scheme) = scheme.filter(|s| s == "https") {
            metrics.insert("scheme", Value::from(scheme));
        }
        ctx.change(
            &at.key("labels"),
            "the prometheus.io labels also become the service's `metrics` (the labels stay)",
        );
        metrics
    });
    (table, metrics)
}
