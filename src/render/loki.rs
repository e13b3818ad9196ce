//! `loki/loki.yml`: Loki as one process on one host, from `[logs]`.
//!
//! Single binary with an in-memory ring, chunks and the TSDB index (schema
//! v13) on the filesystem in the `loki-data` volume, retention applied by
//! the compactor, limits sized for one host, no usage reporting. Every key
//! written is one both Loki 2.9 and 3.x accept (`tests/loki-config/` holds
//! the keys of their configuration references, and a test checks each).

use serde::Serialize;

use super::OutputFile;
use super::format::yaml_file;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::logs::{LOKI_DATA_DIR, LOKI_PORT};

/// The file's path in the bundle.
pub const PATH: &str = "loki/loki.yml";

/// The first day of the schema period: any day before the stack's first
/// start. Fixed, so the output is the same on every run.
const SCHEMA_FROM: &str = "2024-01-01";

/// Renders `loki/loki.yml` (nothing without `[logs]`).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(logs) = &plan.logs else {
        return Ok(Vec::new());
    };
    let retention = logs.retention.as_str();
    let config = LokiConfig {
        auth_enabled: false,
        server: Server {
            http_listen_port: LOKI_PORT,
            grpc_listen_port: 9096,
            log_level: "warn",
        },
        common: Common {
            instance_addr: "127.0.0.1",
            path_prefix: LOKI_DATA_DIR,
            storage: CommonStorage {
                filesystem: Filesystem {
                    chunks_directory: format!("{LOKI_DATA_DIR}/chunks"),
                    rules_directory: format!("{LOKI_DATA_DIR}/rules"),
                },
            },
            replication_factor: 1,
            ring: Ring {
                kvstore: KvStore { store: "inmemory" },
            },
        },
        schema_config: SchemaConfig {
            configs: vec![PeriodConfig {
                from: SCHEMA_FROM,
                store: "tsdb",
                object_store: "filesystem",
                schema: "v13",
                index: IndexConfig {
                    prefix: "index_",
                    period: "24h",
                },
            }],
        },
        compactor: Compactor {
            working_directory: format!("{LOKI_DATA_DIR}/compactor"),
            compaction_interval: "10m",
            retention_enabled: true,
            retention_delete_delay: "2h",
            retention_delete_worker_count: 150,
            delete_request_store: "filesystem",
        },
        limits_config: Limits {
            retention_period: retention.to_owned(),
            max_query_lookback: retention.to_owned(),
            reject_old_samples: true,
            reject_old_samples_max_age: "168h",
            ingestion_rate_mb: 16,
            ingestion_burst_size_mb: 32,
            per_stream_rate_limit: "8MB",
            per_stream_rate_limit_burst: "32MB",
            max_global_streams_per_user: 20_000,
            max_line_size: "256KB",
            max_line_size_truncate: true,
            split_queries_by_interval: "1h",
            max_query_parallelism: 16,
        },
        querier: Querier { max_concurrent: 4 },
        query_range: QueryRange {
            results_cache: ResultsCache {
                cache: Cache {
                    embedded_cache: EmbeddedCache {
                        enabled: true,
                        max_size_mb: 100,
                    },
                },
            },
        },
        analytics: Analytics {
            reporting_enabled: false,
        },
    };
    Ok(vec![OutputFile::text(PATH, yaml_file(plan, &config)?)])
}

/// The keys of `loki.yml` stackgen writes, in Loki's own names.
#[derive(Debug, Serialize)]
struct LokiConfig {
    /// Off: one tenant, `fake`.
    auth_enabled: bool,
    server: Server,
    common: Common,
    schema_config: SchemaConfig,
    compactor: Compactor,
    limits_config: Limits,
    querier: Querier,
    query_range: QueryRange,
    analytics: Analytics,
}

#[derive(Debug, Serialize)]
struct Server {
    http_listen_port: u16,
    grpc_listen_port: u16,
    /// `warn`: Loki's own lines are collected into Loki too.
    log_level: &'static str,
}

#[derive(Debug, Serialize)]
struct Common {
    instance_addr: &'static str,
    path_prefix: &'static str,
    storage: CommonStorage,
    replication_factor: u8,
    ring: Ring,
}

#[derive(Debug, Serialize)]
struct CommonStorage {
    filesystem: Filesystem,
}

#[derive(Debug, Serialize)]
struct Filesystem {
    chunks_directory: String,
    rules_directory: String,
}

#[derive(Debug, Serialize)]
struct Ring {
    kvstore: KvStore,
}

#[derive(Debug, Serialize)]
struct KvStore {
    store: &'static str,
}

#[derive(Debug, Serialize)]
struct SchemaConfig {
    configs: Vec<PeriodConfig>,
}

#[derive(Debug, Serialize)]
struct PeriodConfig {
    from: &'static str,
    store: &'static str,
    object_store: &'static str,
    schema: &'static str,
    index: IndexConfig,
}

#[derive(Debug, Serialize)]
struct IndexConfig {
    prefix: &'static str,
    /// 24h: the TSDB index and retention need daily tables.
    period: &'static str,
}

#[derive(Debug, Serialize)]
struct Compactor {
    working_directory: String,
    compaction_interval: &'static str,
    retention_enabled: bool,
    retention_delete_delay: &'static str,
    retention_delete_worker_count: u32,
    /// Required with retention on Loki 3; accepted by 2.9.
    delete_request_store: &'static str,
}

/// Limits for one host: generous ingestion for bursts of container output,
/// long lines truncated rather than dropped, no query past the retention.
#[derive(Debug, Serialize)]
struct Limits {
    retention_period: String,
    max_query_lookback: String,
    reject_old_samples: bool,
    reject_old_samples_max_age: &'static str,
    ingestion_rate_mb: u32,
    ingestion_burst_size_mb: u32,
    per_stream_rate_limit: &'static str,
    per_stream_rate_limit_burst: &'static str,
    max_global_streams_per_user: u32,
    max_line_size: &'static str,
    max_line_size_truncate: bool,
    split_queries_by_interval: &'static str,
    max_query_parallelism: u32,
}

#[derive(Debug, Serialize)]
struct Querier {
    max_concurrent: u32,
}

#[derive(Debug, Serialize)]
struct QueryRange {
    results_cache: ResultsCache,
}

#[derive(Debug, Serialize)]
struct ResultsCache {
    cache: Cache,
}

#[derive(Debug, Serialize)]
struct Cache {
    embedded_cache: EmbeddedCache,
}

#[derive(Debug, Serialize)]
struct EmbeddedCache {
    enabled: bool,
    max_size_mb: u32,
}

#[derive(Debug, Serialize)]
struct Analytics {
    reporting_enabled: bool,
}
