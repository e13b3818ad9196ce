//! Automatic dashboards: one RED dashboard for the services with metrics (a
//! `service` picker selects one), one per exporter kind, host and container
//! dashboards, blackbox probes, and a stack overview.
//!
//! Every automatic dashboard is fixed-size: the services it covers are
//! template-variable values read from Prometheus, not copies of the
//! dashboard, so a stack of a thousand services still gets a handful of files.
//!
//! They are built as [`Dashboard`] values, so they go through the same
//! layout and JSON code as the user's `[[dashboards]]`.

use crate::config::{
    Dashboard, Exporter, Panel, PanelKind, Query, Row, ServiceKind, Stack, Variable,
};

use super::uid::MAX_UID_LEN;

/// The automatic dashboards `stack` gets (none without `[grafana]` or with
/// `auto-dashboards = false`), in a stable order.
pub fn auto_dashboards(stack: &Stack) -> Vec<Dashboard> {
    let Some(grafana) = &stack.grafana else {
        return Vec::new();
    };
    if !grafana.auto_dashboards {
        return Vec::new();
    }
    let mut dashboards = vec![overview(&stack.stack.name)];
    if stack.services.values().any(|s| s.metrics.is_some()) {
        dashboards.push(red());
    }
    let mut kinds: Vec<ServiceKind> = Vec::new();
    for service in stack.services.values() {
        let exporter_on = match &service.exporter {
            Some(Exporter::Enabled(on)) => *on,
            Some(Exporter::Custom(_)) => true,
            None => false,
        };
        if exporter_on && !kinds.contains(&service.kind) {
            kinds.push(service.kind);
        }
    }
    kinds.sort_by_key(|kind| kind.as_str());
    dashboards.extend(kinds.into_iter().filter_map(exporter));
    if stack.ingress.is_some() {
        dashboards.push(nginx());
    }
    if let Some(prometheus) = &stack.prometheus {
        if prometheus.node_exporter {
            dashboards.push(node());
        }
        if prometheus.cadvisor {
            dashboards.push(containers());
        }
    }
    if stack.services.values().any(|s| !s.probes.is_empty()) {
        dashboards.push(probes());
    }
    dashboards
}

fn overview(stack_name: &str) -> Dashboard {
    let mut up = panel(
        "Targets",
        PanelKind::Stat,
        &[("up", "{{job}} {{instance}}")],
    );
    up.width = Some(24);
    up.height = Some(6);
    up.thresholds = vec![1.0];
    up.higher_is_better = true;
    up.value_text = [("0", "DOWN"), ("1", "UP")]
        .into_iter()
        .map(|(v, t)| (v.to_owned(), t.to_owned()))
        .collect();
    let mut down = panel(
        "Targets down",
        PanelKind::Stat,
        &[("count(up == 0) or vector(0)", "down")],
    );
    down.thresholds = vec![1.0];
    let mut firing = panel(
        "Firing alerts",
        PanelKind::Stat,
        &[(
            r#"count(ALERTS{alertstate="firing"}) or vector(0)"#,
            "firing",
        )],
    );
    firing.thresholds = vec![1.0];
    let mut alerts = panel(
        "Firing alerts",
        PanelKind::Table,
        &[(r#"ALERTS{alertstate="firing"}"#, "")],
    );
    alerts.width = Some(24);
    let mut jobs = panel(
        "Targets up per job",
        PanelKind::BarGauge,
        &[("sum by (job) (up)", "{{job}}")],
    );
    jobs.width = Some(12);
    jobs.height = Some(6);
    auto(
        &format!("{stack_name} overview"),
        "stack-overview",
        &["overview"],
        Vec::new(),
        vec![
            row("Targets", vec![up, down, firing, jobs]),
            row("Alerts", vec![alerts]),
        ],
    )
}

/// Rate, errors and duration of the service picked in the `service` variable,
/// whose values are the `service` target labels of the HTTP request metrics.
fn red() -> Dashboard {
    let sel = r#"service="$service",instance=~"$instance""#;
    let mut requests = panel(
        "Request rate",
        PanelKind::Timeseries,
        &[
            (
                &format!("sum(rate(http_requests_total{{{sel}}}[5m]))"),
                "total",
            ),
            (
                &format!("sum by (instance) (rate(http_requests_total{{{sel}}}[5m]))"),
                "{{instance}}",
            ),
        ],
    );
    requests.unit = Some("reqps".to_owned());
    let mut errors = panel(
        "Error ratio (5xx)",
        PanelKind::Timeseries,
        &[(
            &format!(
                r#"sum(rate(http_requests_total{{{sel},status=~"5.."}}[5m])) / sum(rate(http_requests_total{{{sel}}}[5m]))"#
            ),
            "5xx ratio",
        )],
    );
    errors.unit = Some("percentunit".to_owned());
    errors.thresholds = vec![0.01, 0.05];
    let latency_query = |q: &str| {
        format!(
            "histogram_quantile({q}, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m])))"
        )
    };
    let mut latency = panel(
        "Latency",
        PanelKind::Timeseries,
        &[
            (&latency_query("0.5"), "p50"),
            (&latency_query("0.95"), "p95"),
            (&latency_query("0.99"), "p99"),
        ],
    );
    latency.unit = Some("s".to_owned());
    let mut up = panel(
        "Instances up",
        PanelKind::Stat,
        &[(&format!("sum(up{{{sel}}})"), "up")],
    );
    up.thresholds = vec![1.0];
    up.higher_is_better = true;
    let mut by_status = panel(
        "Requests by status",
        PanelKind::Timeseries,
        &[(
            &format!("sum by (status) (rate(http_requests_total{{{sel}}}[5m]))"),
            "{{status}}",
        )],
    );
    by_status.unit = Some("reqps".to_owned());
    by_status.stacked = true;
    by_status.width = Some(18);
    let service = Variable {
        name: "service".to_owned(),
        label: "service".to_owned(),
        metric: Some("http_requests_total".to_owned()),
        title: Some("Service".to_owned()),
        multi: false,
    };
    auto(
        "Services (RED)",
        "services-red",
        &["service"],
        vec![service, instance_variable(r#"up{service="$service"}"#)],
        vec![
            row("Traffic and errors", vec![requests, errors]),
            row("Latency and saturation", vec![latency, up, by_status]),
        ],
    )
}

fn exporter(kind: ServiceKind) -> Option<Dashboard> {
    let (title, up_metric, panels) = match kind {
        ServiceKind::Redis => ("Redis", "redis_up", redis_panels()),
        ServiceKind::Postgres => ("PostgreSQL", "pg_up", postgres_panels()),
        ServiceKind::Mongodb => ("MongoDB", "mongodb_up", mongodb_panels()),
        ServiceKind::Kafka => ("Kafka", "kafka_brokers", kafka_panels()),
        ServiceKind::Elasticsearch => (
            "Elasticsearch",
            "elasticsearch_cluster_health_up",
            elasticsearch_panels(),
        ),
        _ => return None,
    };
    let mut up = panel(
        "Exporter up",
        PanelKind::Stat,
        &[(
            &format!(r#"{up_metric}{{instance=~"$instance"}}"#),
            "{{instance}}",
        )],
    );
    up.thresholds = vec![1.0];
    up.higher_is_better = true;
    let mut all = vec![up];
    all.extend(panels);
    Some(auto(
        title,
        &format!("exporter-{}", kind.as_str()),
        &["exporter", kind.as_str()],
        vec![instance_variable(up_metric)],
        vec![row(title, all)],
    ))
}

fn redis_panels() -> Vec<Panel> {
    let hits = r#"rate(redis_keyspace_hits_total{instance=~"$instance"}[5m])"#;
    let misses = r#"rate(redis_keyspace_misses_total{instance=~"$instance"}[5m])"#;
    let mut hit_ratio = panel(
        "Cache hit ratio",
        PanelKind::Gauge,
        &[(
            &format!("sum({hits}) / (sum({hits}) + sum({misses}))"),
            "hit ratio",
        )],
    );
    hit_ratio.unit = Some("percentunit".to_owned());
    hit_ratio.min = Some(0.0);
    hit_ratio.max = Some(1.0);
    hit_ratio.thresholds = vec![0.5, 0.8];
    hit_ratio.higher_is_better = true;
    vec![
        hit_ratio,
        timeseries(
            "Clients",
            "short",
            &[(
                r#"redis_connected_clients{instance=~"$instance"}"#,
                "{{instance}}",
            )],
        ),
        timeseries(
            "Memory used",
            "bytes",
            &[(
                r#"redis_memory_used_bytes{instance=~"$instance"}"#,
                "{{instance}}",
            )],
        ),
        timeseries(
            "Commands",
            "ops",
            &[(
                r#"rate(redis_commands_processed_total{instance=~"$instance"}[5m])"#,
                "{{instance}}",
            )],
        ),
        timeseries(
            "Evicted and expired keys",
            "ops",
            &[
                (
                    r#"rate(redis_evicted_keys_total{instance=~"$instance"}[5m])"#,
                    "evicted {{instance}}",
                ),
                (
                    r#"rate(redis_expired_keys_total{instance=~"$instance"}[5m])"#,
                    "expired {{instance}}",
                ),
            ],
        ),
    ]
}

fn postgres_panels() -> Vec<Panel> {
    vec![
        timeseries(
            "Connections by state",
            "short",
            &[(
                r#"sum by (state) (pg_stat_activity_count{instance=~"$instance"})"#,
                "{{state}}",
            )],
        ),
        timeseries(
            "Transactions",
            "ops",
            &[
                (
                    r#"sum(rate(pg_stat_database_xact_commit{instance=~"$instance"}[5m]))"#,
                    "commits",
                ),
                (
                    r#"sum(rate(pg_stat_database_xact_rollback{instance=~"$instance"}[5m]))"#,
                    "rollbacks",
                ),
            ],
        ),
        timeseries(
            "Database size",
            "bytes",
            &[(
                r#"pg_database_size_bytes{instance=~"$instance"}"#,
                "{{datname}}",
            )],
        ),
        timeseries(
            "Deadlocks",
            "ops",
            &[(
                r#"sum(rate(pg_stat_database_deadlocks{instance=~"$instance"}[5m]))"#,
                "deadlocks",
            )],
        ),
    ]
}

fn mongodb_panels() -> Vec<Panel> {
    vec![
        timeseries(
            "Connections",
            "short",
            &[(
                r#"mongodb_ss_connections{conn_type="current",instance=~"$instance"}"#,
                "{{instance}}",
            )],
        ),
        timeseries(
            "Operations",
            "ops",
            &[(
                r#"sum by (legacy_op_type) (rate(mongodb_ss_opcounters{instance=~"$instance"}[5m]))"#,
                "{{legacy_op_type}}",
            )],
        ),
        timeseries(
            "Resident memory",
            "decmbytes",
            &[(
                r#"mongodb_ss_mem_resident{instance=~"$instance"}"#,
                "{{instance}}",
            )],
        ),
    ]
}

fn kafka_panels() -> Vec<Panel> {
    vec![
        timeseries(
            "Messages in per topic",
            "short",
            &[(
                r#"sum by (topic) (rate(kafka_topic_partition_current_offset{instance=~"$instance"}[5m]))"#,
                "{{topic}}",
            )],
        ),
        timeseries(
            "Consumer group lag",
            "short",
            &[(
                r#"sum by (consumergroup, topic) (kafka_consumergroup_lag{instance=~"$instance"})"#,
                "{{consumergroup}} {{topic}}",
            )],
        ),
        timeseries(
            "Under-replicated partitions",
            "short",
            &[(
                r#"sum(kafka_topic_partition_under_replicated_partition{instance=~"$instance"})"#,
                "under-replicated",
            )],
        ),
    ]
}

fn elasticsearch_panels() -> Vec<Panel> {
    let mut health = panel(
        "Cluster green",
        PanelKind::Stat,
        &[(
            r#"max(elasticsearch_cluster_health_status{color="green",instance=~"$instance"})"#,
            "green",
        )],
    );
    health.thresholds = vec![1.0];
    health.higher_is_better = true;
    let mut heap = panel(
        "JVM heap used",
        PanelKind::Gauge,
        &[(
            r#"sum(elasticsearch_jvm_memory_used_bytes{area="heap",instance=~"$instance"}) / sum(elasticsearch_jvm_memory_max_bytes{area="heap",instance=~"$instance"})"#,
            "heap",
        )],
    );
    heap.unit = Some("percentunit".to_owned());
    heap.min = Some(0.0);
    heap.max = Some(1.0);
    heap.thresholds = vec![0.75, 0.9];
    vec![
        health,
        heap,
        timeseries(
            "Shards",
            "short",
            &[
                (
                    r#"max(elasticsearch_cluster_health_active_shards{instance=~"$instance"})"#,
                    "active",
                ),
                (
                    r#"max(elasticsearch_cluster_health_unassigned_shards{instance=~"$instance"})"#,
                    "unassigned",
                ),
            ],
        ),
        timeseries(
            "Search and indexing",
            "ops",
            &[
                (
                    r#"sum(rate(elasticsearch_indices_search_query_total{instance=~"$instance"}[5m]))"#,
                    "queries",
                ),
                (
                    r#"sum(rate(elasticsearch_indices_indexing_index_total{instance=~"$instance"}[5m]))"#,
                    "indexed docs",
                ),
            ],
        ),
    ]
}

fn nginx() -> Dashboard {
    let mut up = panel(
        "nginx up",
        PanelKind::Stat,
        &[(r#"nginx_up{instance=~"$instance"}"#, "{{instance}}")],
    );
    up.thresholds = vec![1.0];
    up.higher_is_better = true;
    auto(
        "nginx",
        "exporter-nginx",
        &["exporter", "nginx"],
        vec![instance_variable("nginx_up")],
        vec![row(
            "nginx",
            vec![
                up,
                timeseries(
                    "Requests",
                    "reqps",
                    &[(
                        r#"sum(rate(nginx_http_requests_total{instance=~"$instance"}[5m]))"#,
                        "requests",
                    )],
                ),
                timeseries(
                    "Connections",
                    "short",
                    &[
                        (
                            r#"sum(nginx_connections_active{instance=~"$instance"})"#,
                            "active",
                        ),
                        (
                            r#"sum(nginx_connections_waiting{instance=~"$instance"})"#,
                            "waiting",
                        ),
                    ],
                ),
            ],
        )],
    )
}

fn node() -> Dashboard {
    let fs = r#"fstype!~"tmpfs|overlay|squashfs",instance=~"$instance""#;
    let mut cpu = timeseries(
        "CPU busy",
        "percentunit",
        &[(
            r#"1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",instance=~"$instance"}[5m]))"#,
            "{{instance}}",
        )],
    );
    cpu.max = Some(1.0);
    let mut memory = timeseries(
        "Memory used",
        "percentunit",
        &[(
            r#"1 - node_memory_MemAvailable_bytes{instance=~"$instance"} / node_memory_MemTotal_bytes{instance=~"$instance"}"#,
            "{{instance}}",
        )],
    );
    memory.max = Some(1.0);
    let mut disk = panel(
        "Disk used",
        PanelKind::BarGauge,
        &[(
            &format!(
                "1 - node_filesystem_avail_bytes{{{fs}}} / node_filesystem_size_bytes{{{fs}}}"
            ),
            "{{instance}} {{mountpoint}}",
        )],
    );
    disk.unit = Some("percentunit".to_owned());
    disk.min = Some(0.0);
    disk.max = Some(1.0);
    disk.thresholds = vec![0.8, 0.9];
    auto(
        "Host",
        "host-node",
        &["host", "node-exporter"],
        vec![instance_variable("node_uname_info")],
        vec![
            row("CPU and memory", vec![cpu, memory]),
            row(
                "Disk and network",
                vec![
                    disk,
                    timeseries(
                        "Network",
                        "Bps",
                        &[
                            (
                                r#"sum by (instance) (rate(node_network_receive_bytes_total{device!="lo",instance=~"$instance"}[5m]))"#,
                                "in {{instance}}",
                            ),
                            (
                                r#"sum by (instance) (rate(node_network_transmit_bytes_total{device!="lo",instance=~"$instance"}[5m]))"#,
                                "out {{instance}}",
                            ),
                        ],
                    ),
                    timeseries(
                        "Load (1m)",
                        "short",
                        &[(r#"node_load1{instance=~"$instance"}"#, "{{instance}}")],
                    ),
                ],
            ),
        ],
    )
}

fn containers() -> Dashboard {
    auto(
        "Containers",
        "host-containers",
        &["host", "cadvisor"],
        Vec::new(),
        vec![row(
            "Containers",
            vec![
                timeseries(
                    "CPU per container",
                    "percentunit",
                    &[(
                        r#"sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[5m]))"#,
                        "{{name}}",
                    )],
                ),
                timeseries(
                    "Memory per container",
                    "bytes",
                    &[(
                        r#"sum by (name) (container_memory_working_set_bytes{name!=""})"#,
                        "{{name}}",
                    )],
                ),
                timeseries(
                    "Network in per container",
                    "Bps",
                    &[(
                        r#"sum by (name) (rate(container_network_receive_bytes_total{name!=""}[5m]))"#,
                        "{{name}}",
                    )],
                ),
                timeseries(
                    "Network out per container",
                    "Bps",
                    &[(
                        r#"sum by (name) (rate(container_network_transmit_bytes_total{name!=""}[5m]))"#,
                        "{{name}}",
                    )],
                ),
            ],
        )],
    )
}

fn probes() -> Dashboard {
    let mut success = panel(
        "Probe result",
        PanelKind::Stat,
        &[("probe_success", "{{instance}}")],
    );
    success.width = Some(24);
    success.thresholds = vec![1.0];
    success.higher_is_better = true;
    success.value_text = [("0", "FAIL"), ("1", "OK")]
        .into_iter()
        .map(|(v, t)| (v.to_owned(), t.to_owned()))
        .collect();
    let mut expiry = panel(
        "Certificate expires in",
        PanelKind::Table,
        &[(
            "(probe_ssl_earliest_cert_expiry - time()) / 86400",
            "{{instance}}",
        )],
    );
    expiry.unit = Some("d".to_owned());
    auto(
        "Probes",
        "blackbox-probes",
        &["blackbox", "probes"],
        Vec::new(),
        vec![
            row("Availability", vec![success]),
            row(
                "Latency",
                vec![
                    timeseries(
                        "Probe duration",
                        "s",
                        &[("probe_duration_seconds", "{{instance}}")],
                    ),
                    timeseries(
                        "HTTP status",
                        "none",
                        &[("probe_http_status_code", "{{instance}}")],
                    ),
                    expiry,
                ],
            ),
        ],
    )
}

fn auto(
    title: &str,
    uid: &str,
    tags: &[&str],
    variables: Vec<Variable>,
    rows: Vec<Row>,
) -> Dashboard {
    let mut uid = uid.to_owned();
    uid.truncate(MAX_UID_LEN);
    let mut all_tags = vec!["stackgen".to_owned()];
    all_tags.extend(tags.iter().map(|&t| t.to_owned()));
    Dashboard {
        title: title.to_owned(),
        uid: Some(uid.trim_end_matches('-').to_owned()),
        description: Some("Generated by stackgen.".to_owned()),
        tags: all_tags,
        editable: true,
        variables,
        rows,
        ..Dashboard::default()
    }
}

fn instance_variable(metric: &str) -> Variable {
    Variable {
        name: "instance".to_owned(),
        label: "instance".to_owned(),
        metric: Some(metric.to_owned()),
        title: Some("Instance".to_owned()),
        multi: true,
    }
}

fn row(title: &str, panels: Vec<Panel>) -> Row {
    Row {
        title: title.to_owned(),
        panels,
    }
}

fn timeseries(title: &str, unit: &str, queries: &[(&str, &str)]) -> Panel {
    let mut panel = panel(title, PanelKind::Timeseries, queries);
    panel.unit = Some(unit.to_owned());
    panel
}

fn panel(title: &str, kind: PanelKind, queries: &[(&str, &str)]) -> Panel {
    Panel {
        title: title.to_owned(),
        kind,
        queries: queries
            .iter()
            .map(|(expr, legend)| Query {
                expr: (*expr).to_owned(),
                legend: (!legend.is_empty()).then(|| (*legend).to_owned()),
            })
            .collect(),
        ..Panel::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::parse_promql;

    #[test]
    fn every_automatic_query_parses() {
        let mut dashboards = vec![overview("shop"), red(), nginx(), node()];
        dashboards.push(containers());
        dashboards.push(probes());
        dashboards.extend(
            [
                ServiceKind::Redis,
                ServiceKind::Postgres,
                ServiceKind::Mongodb,
                ServiceKind::Kafka,
                ServiceKind::Elasticsearch,
            ]
            .into_iter()
            .filter_map(exporter),
        );
        assert_eq!(dashboards.len(), 11);
        let mut count = 0;
        for dashboard in &dashboards {
            for variable in &dashboard.variables {
                if let Some(metric) = &variable.metric {
                    assert_eq!(parse_promql(metric), Ok(()), "{metric}");
                }
            }
            for panel in dashboard.rows.iter().flat_map(|r| &r.panels) {
                for query in &panel.queries {
                    assert_eq!(parse_promql(&query.expr), Ok(()), "{}", query.expr);
                    count += 1;
                }
            }
        }
        assert!(count > 40);
    }
}
