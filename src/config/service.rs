//! One service of the stack: its container, ports, health and monitoring.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{BindAddress, Mount, Port, Table, User};
use crate::syntax::{
    BuildArgName, ByteSize, ContainerName, Cpus, DockerLabelKey, Duration, EnvName, Ranged,
};

/// How many containers a service runs: 1 to 1000.
pub type Replicas = Ranged<u32, 1, 1000>;
/// Consecutive failures of a health check: 1 to 100.
pub type Retries = Ranged<u32, 1, 100>;
/// A process limit: `-1` (unlimited) or more.
pub type LimitValue = Ranged<i64, -1, { i64::MAX }>;

/// A service: one container, or `replicas` identical containers that all answer to its name.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Service {
    /// The container image, such as `redis:7-alpine`. Either `image` or `build` is required.
    #[serde(default)]
    pub image: Option<String>,
    /// Build the image from a directory with a Dockerfile.
    #[serde(default)]
    pub build: Option<Build>,
    /// What the service is. Known kinds get built-in alerts, exporters and dashboards.
    #[serde(default)]
    pub kind: ServiceKind,
    /// The team that owns the service; alerts about it carry `team=<this>`.
    #[serde(default)]
    pub team: Option<String>,
    /// One line on what the service does.
    #[serde(default)]
    pub description: Option<String>,
    /// The command, as a list of arguments (no shell involved).
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// The entrypoint, as a list of arguments.
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// Environment variables. Secret-like names (`*_PASSWORD`, `*_PASS`, `*_PWD`, `*_TOKEN`,
    /// `*_KEY`, `*_SECRET`, `*_DSN`, ...) must take a `${VAR}` reference, never a literal,
    /// and so must a password inside a URL (`postgres://app:${DB_PASSWORD}@db/app`).
    #[serde(default)]
    pub environment: IndexMap<EnvName, EnvValue>,
    /// Files of environment variables, relative to the stack file and inside its folder;
    /// copied into the bundle as `env/<service>/<file name>` (no more readable than the file).
    #[serde(default)]
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub env_file: Vec<String>,
    /// Published ports: `"8080:80"`, `"127.0.0.1:8080:80"`, `"9000"` or a table.
    #[serde(default)]
    #[schemars(with = "Vec<PortSpec>")]
    pub ports: Vec<Port>,
    /// Ports reachable only from other containers on the stack's networks.
    #[serde(default)]
    pub expose: Vec<u16>,
    /// Mounts: `"volume-name:/path"`, `"volume-name:/path:ro"` or a table.
    #[serde(default)]
    #[schemars(with = "Vec<VolumeMount>")]
    pub volumes: Vec<Mount>,
    /// How many identical containers to run. Compose runs them as one service
    /// (`deploy.replicas`; containers `<project>-NAME-1..N`): dependents wait for
    /// all of them, and nginx and Prometheus find each through the service's name.
    #[serde(default = "one")]
    pub replicas: Replicas,
    /// The restart policy.
    #[serde(default)]
    pub restart: Option<RestartPolicy>,
    /// CPU and memory limits and reservations.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// Compose profiles: the service starts only when one of them is active.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Container labels, keyed by Docker label keys (`com.example.team`).
    #[serde(default)]
    pub labels: IndexMap<DockerLabelKey, String>,
    /// Networks to join; the stack's default network when empty.
    #[serde(default)]
    pub networks: Vec<String>,
    /// The container's health check.
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// Services that must start first, as a list of names or a table of name = condition.
    #[serde(default)]
    pub depends_on: DependsOn,
    /// Where Prometheus scrapes the service's own metrics.
    #[serde(default)]
    pub metrics: Option<Metrics>,
    /// Run the Prometheus exporter for this service's kind beside it (redis, postgres, mongodb, kafka, elasticsearch, nginx).
    #[serde(default)]
    pub exporter: Option<Exporter>,
    /// HTTP paths that the blackbox exporter probes, such as `/health/live`:
    /// plain HTTP on the service's first port, up when the answer is a 2xx
    /// (so a path that answers 503 until startup completes reads as down until then).
    #[serde(default)]
    pub probes: Vec<String>,
    /// The built-in alerts for this service's kind: opt out, disable rules, override thresholds.
    #[serde(default)]
    pub alerts: Option<super::LibraryAlerts>,
    /// With `[logs]`: `false` leaves the service's output out of Loki;
    /// `{ labels = { tier = "web" } }` adds labels to its log lines.
    #[serde(default)]
    pub logs: Option<super::ServiceLogs>,
    /// The container hostname (defaults to the service name).
    #[serde(default)]
    pub hostname: Option<String>,
    /// The user the container runs as.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub user: Option<User>,
    /// The working directory inside the container.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// A fixed container name, for `docker exec NAME`; only for a service of one replica.
    #[serde(default)]
    pub container_name: Option<ContainerName>,
    /// How long to wait after the stop signal before killing the container, for graceful shutdown.
    #[serde(default)]
    pub stop_grace_period: Option<Duration>,
    /// Process limits inside the container, such as `{ memlock = -1, nofile = { soft = 65536, hard = 65536 } }`.
    #[serde(default)]
    pub ulimits: Ulimits,
    /// Files next to the stack file (init scripts, configs), copied into the bundle
    /// under `files/<service>/` and mounted read-only.
    #[serde(default)]
    pub files: Vec<ServiceFile>,
}

/// A file shipped in the bundle and mounted read-only into the container.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServiceFile {
    /// The file, relative to the stack file and inside its directory, such as `telemetra/init-db.sql`.
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub source: String,
    /// Where the container sees it: an absolute path, such as `/docker-entrypoint-initdb.d/init-db.sql`.
    pub target: String,
}

impl ServiceFile {
    /// The copy's path inside the bundle, for the `[services]` entry `service`.
    pub fn bundle_path(&self, service: &str) -> String {
        format!("files/{service}/{}", self.source.trim_start_matches("./"))
    }
}

/// The copy of the `env-file` at `path` inside the bundle, for the
/// `[services]` entry `service`: `env/<service>/<file name>`.
pub fn env_file_bundle_path(service: &str, path: &str) -> String {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    format!("env/{service}/{file_name}")
}

/// Process limits (`setrlimit`) for a container; unset ones keep the runtime default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ulimits {
    /// Core file size.
    #[serde(default)]
    pub core: Option<Ulimit>,
    /// CPU time in seconds.
    #[serde(default)]
    pub cpu: Option<Ulimit>,
    /// Data segment size.
    #[serde(default)]
    pub data: Option<Ulimit>,
    /// File size.
    #[serde(default)]
    pub fsize: Option<Ulimit>,
    /// File locks.
    #[serde(default)]
    pub locks: Option<Ulimit>,
    /// Locked-in-memory address space (`-1` for unlimited, as Elasticsearch wants).
    #[serde(default)]
    pub memlock: Option<Ulimit>,
    /// POSIX message queue bytes.
    #[serde(default)]
    pub msgqueue: Option<Ulimit>,
    /// Nice priority ceiling.
    #[serde(default)]
    pub nice: Option<Ulimit>,
    /// Open file descriptors.
    #[serde(default)]
    pub nofile: Option<Ulimit>,
    /// Processes.
    #[serde(default)]
    pub nproc: Option<Ulimit>,
    /// Resident set size.
    #[serde(default)]
    pub rss: Option<Ulimit>,
    /// Real-time priority.
    #[serde(default)]
    pub rtprio: Option<Ulimit>,
    /// Real-time CPU time in microseconds.
    #[serde(default)]
    pub rttime: Option<Ulimit>,
    /// Pending signals.
    #[serde(default)]
    pub sigpending: Option<Ulimit>,
    /// Stack size.
    #[serde(default)]
    pub stack: Option<Ulimit>,
}

impl Ulimits {
    /// The limits that are set, with their compose names, in a fixed order.
    pub fn entries(&self) -> Vec<(&'static str, Ulimit)> {
        [
            ("core", self.core),
            ("cpu", self.cpu),
            ("data", self.data),
            ("fsize", self.fsize),
            ("locks", self.locks),
            ("memlock", self.memlock),
            ("msgqueue", self.msgqueue),
            ("nice", self.nice),
            ("nofile", self.nofile),
            ("nproc", self.nproc),
            ("rss", self.rss),
            ("rtprio", self.rtprio),
            ("rttime", self.rttime),
            ("sigpending", self.sigpending),
            ("stack", self.stack),
        ]
        .into_iter()
        .filter_map(|(name, limit)| limit.map(|limit| (name, limit)))
        .collect()
    }
}

/// One process limit: a single value for both soft and hard, or the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Ulimit {
    /// The same soft and hard limit; `-1` means unlimited.
    Single(LimitValue),
    /// Separate soft and hard limits.
    Pair(Table<UlimitPair>),
}

/// Separate soft and hard limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UlimitPair {
    /// The limit the process starts with; `-1` means unlimited.
    pub soft: LimitValue,
    /// The ceiling the process may raise the soft limit to; `-1` means unlimited.
    pub hard: LimitValue,
}

fn one() -> Replicas {
    Replicas::new(1).expect("1 is a number of replicas")
}

/// The kind of a service. Known kinds get built-in alerts, exporters and dashboards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// Anything without built-in knowledge.
    #[default]
    Generic,
    /// An HTTP application that exposes Prometheus metrics.
    App,
    /// A background worker.
    Worker,
    /// Redis.
    Redis,
    /// `PostgreSQL`.
    Postgres,
    /// `MongoDB`.
    Mongodb,
    /// Apache Kafka.
    Kafka,
    /// Apache `ZooKeeper`.
    Zookeeper,
    /// Elasticsearch.
    Elasticsearch,
    /// Kibana.
    Kibana,
    /// `MinIO` object storage.
    Minio,
    /// Apache Spark (master or worker).
    Spark,
    /// Grafana Loki.
    Loki,
    /// Grafana Promtail.
    Promtail,
    /// Grafana Alloy.
    Alloy,
    /// `LocalStack` (AWS emulation).
    Localstack,
    /// Prometheus Pushgateway: scraped on its first container port (9091 by
    /// default) with `honor-labels`, so pushed series keep their `job` and
    /// `instance`.
    Pushgateway,
}

impl ServiceKind {
    /// The kebab-case name used in stack.toml and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::App => "app",
            Self::Worker => "worker",
            Self::Redis => "redis",
            Self::Postgres => "postgres",
            Self::Mongodb => "mongodb",
            Self::Kafka => "kafka",
            Self::Zookeeper => "zookeeper",
            Self::Elasticsearch => "elasticsearch",
            Self::Kibana => "kibana",
            Self::Minio => "minio",
            Self::Spark => "spark",
            Self::Loki => "loki",
            Self::Promtail => "promtail",
            Self::Alloy => "alloy",
            Self::Localstack => "localstack",
            Self::Pushgateway => "pushgateway",
        }
    }
}

/// Exporter settings for a service: `true` runs the default exporter for its kind.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Exporter {
    /// `exporter = true` runs the exporter with its defaults.
    Enabled(bool),
    /// An exporter with explicit settings.
    Custom(Table<ExporterSettings>),
}

/// Explicit exporter settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExporterSettings {
    /// The exporter image, overriding the default for the service's kind.
    #[serde(default)]
    pub image: Option<String>,
    /// Environment for the exporter (connection strings as `${VAR}`).
    #[serde(default)]
    pub environment: IndexMap<EnvName, EnvValue>,
}

/// A build from a Dockerfile.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Build {
    /// The build context directory, relative to the stack file and inside its folder.
    #[schemars(extend("x-stackgen-input" = "folder"))]
    pub context: String,
    /// The Dockerfile, relative to the context.
    #[serde(default)]
    #[schemars(extend("x-stackgen-input" = "file"))]
    pub dockerfile: Option<String>,
    /// Build arguments.
    #[serde(default)]
    pub args: IndexMap<BuildArgName, String>,
    /// The build stage to stop at.
    #[serde(default)]
    pub target: Option<String>,
}

/// An environment value: text, a number or a boolean.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum EnvValue {
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// A boolean, written as `true`/`false`.
    Bool(bool),
}

impl EnvValue {
    /// The value as the text compose passes to the container.
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Integer(number) => number.to_string(),
            Self::Float(number) => number.to_string(),
            Self::Bool(flag) => flag.to_string(),
        }
    }
}

/// A published port, in short or long form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PortSpec {
    /// `"HOST:CONTAINER"`, `"IP:HOST:CONTAINER"`, `"CONTAINER"`, with an optional `/udp`.
    Short(String),
    /// A bare container port number published on the same host port.
    Number(u16),
    /// The long form.
    Long(Table<PortMapping>),
}

/// A published port in long form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PortMapping {
    /// The port inside the container.
    pub container: u16,
    /// The port on the host; unpublished when unset.
    #[serde(default)]
    pub host: Option<u16>,
    /// The host address to bind, such as `127.0.0.1`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bind: Option<BindAddress>,
    /// `tcp` (default) or `udp`.
    #[serde(default)]
    pub protocol: Option<Protocol>,
}

impl PortMapping {
    /// The protocol, `tcp` unless the port says `udp`.
    pub fn protocol(&self) -> Protocol {
        self.protocol.unwrap_or_default()
    }
}

/// The transport protocol of a published port.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP.
    #[default]
    Tcp,
    /// UDP.
    Udp,
}

impl Protocol {
    /// Compose's spelling, as written: `tcp` or `udp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
        }
    }
}

/// A mount, in short or long form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum VolumeMount {
    /// `"SOURCE:TARGET"` or `"SOURCE:TARGET:ro"`.
    Short(String),
    /// The long form.
    Long(Table<VolumeMountLong>),
}

/// A mount in long form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VolumeMountLong {
    /// A named volume, or a host path starting with `./` or `/`.
    pub source: String,
    /// The path inside the container.
    pub target: String,
    /// Mount read-only.
    #[serde(default)]
    pub read_only: bool,
}

/// A restart policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicy {
    /// Never restart.
    No,
    /// Always restart.
    Always,
    /// Restart when the container exits non-zero.
    OnFailure,
    /// Restart unless stopped by hand.
    UnlessStopped,
}

impl RestartPolicy {
    /// The compose spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::No => "no",
            Self::Always => "always",
            Self::OnFailure => "on-failure",
            Self::UnlessStopped => "unless-stopped",
        }
    }
}

/// CPU and memory limits.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Resources {
    /// The CPU limit in cores, such as `0.5` or `2`.
    #[serde(default)]
    pub cpus: Option<Cpus>,
    /// The memory limit, such as `512M`.
    #[serde(default)]
    pub memory: Option<ByteSize>,
    /// Guaranteed resources.
    #[serde(default)]
    pub reservations: Option<Reservations>,
}

/// Guaranteed CPU and memory.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Reservations {
    /// Reserved CPU cores.
    #[serde(default)]
    pub cpus: Option<Cpus>,
    /// Reserved memory.
    #[serde(default)]
    pub memory: Option<ByteSize>,
}

/// A health check: a command, or an HTTP path probed from inside the container.
/// With only its timing (`interval`, `timeout`, `retries`, `start-period`),
/// the image's own `HEALTHCHECK` runs with that timing.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Healthcheck {
    /// The check as a list of arguments, run without a shell (`["redis-cli", "ping"]`).
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// The check as one shell line (`pg_isready -U app || exit 1`).
    #[serde(default)]
    pub shell: Option<String>,
    /// An HTTP path to probe with `http-tool`, such as `/health`.
    #[serde(default)]
    pub http: Option<String>,
    /// The port for `http` (the service's first container port by default).
    #[serde(default)]
    pub port: Option<u16>,
    /// The tool that probes `http`: `wget` (default) or `curl`.
    #[serde(default)]
    pub http_tool: Option<HttpTool>,
    /// Time between checks.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// How long one check may take.
    #[serde(default)]
    pub timeout: Option<Duration>,
    /// Consecutive failures before the container is unhealthy.
    #[serde(default)]
    pub retries: Option<Retries>,
    /// Grace period after start during which failures do not count.
    #[serde(default)]
    pub start_period: Option<Duration>,
}

impl Healthcheck {
    /// Whether the check sets any of its timing: `interval`, `timeout`,
    /// `retries` or `start-period`.
    pub fn has_timing(&self) -> bool {
        self.interval.is_some()
            || self.timeout.is_some()
            || self.retries.is_some()
            || self.start_period.is_some()
    }
}

/// The tool that runs an HTTP health check inside the container.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HttpTool {
    /// `wget --spider` (busybox and alpine images have it).
    #[default]
    Wget,
    /// `curl --fail`.
    Curl,
}

/// Dependencies: a list of names (condition `started`), or a table of name = condition.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum DependsOn {
    /// `["redis", "kafka"]`: start after these.
    List(Vec<String>),
    /// `{ kafka = "healthy", migrate = "completed" }`.
    Map(IndexMap<String, DependsOnEntry>),
}

impl Default for DependsOn {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

impl DependsOn {
    /// Each dependency with its condition, in the order written.
    pub fn entries(&self) -> impl Iterator<Item = (&str, DependsCondition)> {
        let (list, map) = match self {
            Self::List(names) => (names.as_slice(), None),
            Self::Map(map) => (&[][..], Some(map)),
        };
        let listed = list
            .iter()
            .map(|name| (name.as_str(), DependsCondition::Started));
        let mapped = map
            .into_iter()
            .flatten()
            .map(|(name, entry)| (name.as_str(), entry.condition()));
        listed.chain(mapped)
    }

    /// The JSON pointer suffix under `depends-on` for the dependency at `index` named `name`.
    pub fn pointer(&self, index: usize, name: &str) -> String {
        match self {
            Self::List(_) => index.to_string(),
            Self::Map(_) => crate::load::escape_pointer(name),
        }
    }
}

/// One dependency's condition, as a bare word or a table.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum DependsOnEntry {
    /// `"started"`, `"healthy"` or `"completed"`.
    Condition(DependsCondition),
    /// `{ condition = "healthy", restart = true }`.
    Table(Table<DependsOnTable>),
}

impl DependsOnEntry {
    /// The condition.
    pub fn condition(&self) -> DependsCondition {
        match self {
            Self::Condition(condition) => *condition,
            Self::Table(table) => table.condition,
        }
    }
}

/// A dependency in table form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DependsOnTable {
    /// When the dependency counts as ready.
    pub condition: DependsCondition,
}

/// When a dependency counts as ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DependsCondition {
    /// The container has started.
    Started,
    /// The container's health check passes (it must have one).
    Healthy,
    /// The container ran to completion with exit code 0.
    Completed,
}

impl DependsCondition {
    /// The compose condition name.
    pub fn compose_name(self) -> &'static str {
        match self {
            Self::Started => "service_started",
            Self::Healthy => "service_healthy",
            Self::Completed => "service_completed_successfully",
        }
    }
}

/// Where Prometheus scrapes a service.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Metrics {
    /// The port serving metrics (the service's first container port by default).
    #[serde(default)]
    pub port: Option<u16>,
    /// The metrics path.
    #[serde(default = "default_metrics_path")]
    pub path: String,
    /// The scrape interval for this job (the global one by default).
    #[serde(default)]
    pub interval: Option<Duration>,
    /// The scrape timeout for this job.
    #[serde(default)]
    pub timeout: Option<Duration>,
    /// `http` (default) or `https`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The label of `http_requests_total` that holds the response status, for
    /// the built-in `app` alerts: `status` by default; Go's promhttp and many
    /// middlewares use `code`.
    #[serde(default)]
    pub status_label: Option<String>,
    /// Keep the labels of scraped series where they clash with the target's
    /// (`job`, `instance`): Prometheus' `honor_labels`. For a target that
    /// relays other jobs' series; on by default for `kind = "pushgateway"`.
    #[serde(default)]
    pub honor_labels: Option<bool>,
}

fn default_metrics_path() -> String {
    "/metrics".to_owned()
}
