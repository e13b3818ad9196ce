//! `grafana/provisioning/`: the datasources the stack implies and the file
//! provider that loads `grafana/dashboards/`.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::Error;
use crate::plan::Plan;
use crate::plan::grafana::{DASHBOARDS_MOUNT, DatasourceKind, PlannedDatasource, PlannedGrafana};
use crate::render::OutputFile;
use crate::render::format::yaml_file;

/// The datasources file's path in the bundle.
pub const DATASOURCES_PATH: &str = "grafana/provisioning/datasources/datasources.yml";
/// The dashboard provider file's path in the bundle.
pub const PROVIDERS_PATH: &str = "grafana/provisioning/dashboards/dashboards.yml";

/// Renders both provisioning files.
pub fn render(plan: &Plan, grafana: &PlannedGrafana) -> Result<Vec<OutputFile>, Error> {
    let datasources = DatasourcesFile {
        api_version: 1,
        datasources: grafana.datasources.iter().map(datasource).collect(),
    };
    let providers = ProvidersFile {
        api_version: 1,
        providers: vec![Provider {
            name: "stackgen".to_owned(),
            org_id: 1,
            folder: String::new(),
            kind: "file",
            disable_deletion: true,
            update_interval_seconds: 30,
            allow_ui_updates: false,
            options: ProviderOptions {
                path: DASHBOARDS_MOUNT,
                folders_from_files_structure: false,
            },
        }],
    };
    Ok(vec![
        OutputFile::text(DATASOURCES_PATH, yaml_file(plan, &datasources)?),
        OutputFile::text(PROVIDERS_PATH, yaml_file(plan, &providers)?),
    ])
}

/// A planned datasource in Grafana's terms.
fn datasource(planned: &PlannedDatasource) -> Datasource {
    let (name, kind, mut json_data) = match planned.kind {
        DatasourceKind::Prometheus => ("Prometheus", "prometheus", json!({ "httpMethod": "POST" })),
        DatasourceKind::Alertmanager => (
            "Alertmanager",
            "alertmanager",
            json!({ "implementation": "prometheus", "handleGrafanaManagedAlerts": false }),
        ),
        DatasourceKind::Loki => ("Loki", "loki", json!({ "maxLines": 1000 })),
        DatasourceKind::Elasticsearch => (
            "Elasticsearch",
            "elasticsearch",
            json!({
                "index": "*",
                "timeField": "@timestamp",
                "logMessageField": "message",
                "logLevelField": "level",
                "maxConcurrentShardRequests": 5,
            }),
        ),
    };
    if let (Some(interval), Some(settings)) = (&planned.time_interval, json_data.as_object_mut()) {
        settings.insert(
            "timeInterval".to_owned(),
            json!(single_unit(interval.millis())),
        );
    }
    Datasource {
        name: name.to_owned(),
        kind,
        // One datasource of each kind, so its type is a stable uid.
        uid: kind,
        access: "proxy",
        url: planned.url.clone(),
        is_default: planned.is_default,
        editable: false,
        json_data: json_map(&json_data),
    }
}

/// A duration as Grafana's interval settings take it: one number and one
/// unit (`90s`, `24h`, `1500ms`), which both its settings form (`^\d+(ms|[smhdwMy])$`)
/// and Go's duration parser read; a Prometheus duration such as `1m30s` or
/// `1d` is not always both.
fn single_unit(millis: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(3_600_000, "h"), (60_000, "m"), (1_000, "s")];
    UNITS
        .iter()
        .find(|(size, _)| millis > 0 && millis % size == 0)
        .map_or_else(
            || format!("{millis}ms"),
            |(size, unit)| format!("{}{unit}", millis / size),
        )
}

fn json_map(value: &Value) -> IndexMap<String, Value> {
    value
        .as_object()
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourcesFile {
    api_version: u8,
    datasources: Vec<Datasource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Datasource {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    uid: &'static str,
    access: &'static str,
    url: String,
    is_default: bool,
    editable: bool,
    json_data: IndexMap<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProvidersFile {
    api_version: u8,
    providers: Vec<Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    name: String,
    org_id: u32,
    folder: String,
    #[serde(rename = "type")]
    kind: &'static str,
    disable_deletion: bool,
    update_interval_seconds: u32,
    allow_ui_updates: bool,
    options: ProviderOptions,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderOptions {
    path: &'static str,
    folders_from_files_structure: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasources_follow_the_stack() {
        let source = r#"
[stack]
name = "logs"
[services.loki]
image = "grafana/loki:2.9.4"
kind = "loki"
replicas = 2
[services.search]
image = "elasticsearch:8.13.0"
kind = "elasticsearch"
[prometheus]
[alertmanager]
default-receiver = "ops"
[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"
"#;
        let loaded = crate::load::load_str("logs.toml", source).expect("the stack loads");
        let plan = crate::plan::plan(&loaded);
        let grafana = plan.grafana.expect("the stack has [grafana]");
        let list: Vec<Datasource> = grafana.datasources.iter().map(datasource).collect();
        let uids: Vec<&str> = list.iter().map(|d| d.uid).collect();
        assert_eq!(
            uids,
            ["prometheus", "alertmanager", "loki", "elasticsearch"]
        );
        assert_eq!(list.iter().filter(|d| d.is_default).count(), 1);
        assert_eq!(list[2].url, "http://loki:3100");
        assert_eq!(list[3].url, "http://search:9200");
        assert_eq!(
            list[1].json_data.get("implementation"),
            Some(&json!("prometheus"))
        );
        assert_eq!(list[0].json_data.get("timeInterval"), Some(&json!("15s")));
    }

    #[test]
    fn the_time_interval_is_the_scrape_interval_in_one_unit() {
        let source = "[stack]\nname = \"t\"\n[prometheus]\nscrape-interval = \"1m30s\"\n[grafana]\nadmin-password = \"${GRAFANA_ADMIN_PASSWORD}\"\n";
        let loaded = crate::load::load_str("t.toml", source).expect("the stack loads");
        let plan = crate::plan::plan(&loaded);
        let grafana = plan.grafana.expect("the stack has [grafana]");
        let prometheus = datasource(&grafana.datasources[0]);
        assert_eq!(
            prometheus.json_data.get("timeInterval"),
            Some(&json!("90s"))
        );
        let written: Vec<String> = [1_500, 15_000, 60_000, 86_400_000, 0]
            .into_iter()
            .map(single_unit)
            .collect();
        assert_eq!(written, ["1500ms", "15s", "1m", "24h", "0ms"]);
    }
}
