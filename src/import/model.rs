//! The typed Compose model: what `stackgen import` reads from a Compose file.
//!
//! The structs follow the Compose Specification. Keys that stackgen maps are
//! typed fields, with every short and long syntax the specification allows;
//! every other key of an object lands in its `other` map, so the importer can
//! list it in the loss report instead of dropping it. The file has already
//! passed the specification's JSON Schema ([`super::spec`]) when it is read
//! into these types, so the shapes here only need to accept what the schema
//! accepts.

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// Keys of an object that the importer does not map, in the order written.
pub type Other = IndexMap<String, IgnoredAny>;

/// A whole Compose file.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ComposeFile {
    /// The project name.
    pub name: Option<String>,
    /// The services.
    pub services: IndexMap<String, Service>,
    /// Named volumes (`null` for one with defaults).
    pub volumes: IndexMap<String, Option<Volume>>,
    /// Networks (`null` for one with defaults).
    pub networks: IndexMap<String, Option<Network>>,
    /// Secrets services mount.
    pub secrets: IndexMap<String, FileSource>,
    /// Configs services mount.
    pub configs: IndexMap<String, FileSource>,
    /// `version`, `include`, `models` and `x-` extensions.
    #[serde(flatten)]
    pub other: Other,
}

/// One service.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    /// The image.
    pub image: Option<String>,
    /// The build.
    pub build: Option<Build>,
    /// The command: shell words in one string, or a list.
    pub command: Option<Command>,
    /// The entrypoint, like the command.
    pub entrypoint: Option<Command>,
    /// Environment variables.
    pub environment: Option<ListOrMap>,
    /// Files of environment variables.
    pub env_file: Option<EnvFiles>,
    /// Published ports.
    pub ports: Vec<Port>,
    /// Ports reachable from other containers only.
    pub expose: Vec<Scalar>,
    /// Mounts.
    pub volumes: Vec<Mount>,
    /// Services to start first.
    pub depends_on: Option<DependsOn>,
    /// The health check.
    pub healthcheck: Option<Healthcheck>,
    /// Swarm-style deployment settings.
    pub deploy: Option<Deploy>,
    /// The restart policy.
    pub restart: Option<String>,
    /// Profiles the service belongs to.
    pub profiles: Vec<String>,
    /// Container labels.
    pub labels: Option<ListOrMap>,
    /// Networks to join.
    pub networks: Option<ServiceNetworks>,
    /// The hostname.
    pub hostname: Option<String>,
    /// The user.
    pub user: Option<String>,
    /// The working directory.
    pub working_dir: Option<String>,
    /// A fixed container name.
    pub container_name: Option<String>,
    /// Time between the stop signal and the kill, as a Go duration.
    pub stop_grace_period: Option<String>,
    /// Process limits.
    pub ulimits: IndexMap<String, Ulimit>,
    /// Secrets to mount.
    pub secrets: Vec<FileMount>,
    /// Configs to mount.
    pub configs: Vec<FileMount>,
    /// The number of containers (older spelling of `deploy.replicas`).
    pub scale: Option<Scalar>,
    /// The CPU limit (older spelling of `deploy.resources.limits.cpus`).
    pub cpus: Option<Scalar>,
    /// The memory limit (older spelling of `deploy.resources.limits.memory`).
    pub mem_limit: Option<Scalar>,
    /// The memory reservation (older spelling of `deploy.resources.reservations.memory`).
    pub mem_reservation: Option<Scalar>,
    /// Every other key.
    #[serde(flatten)]
    pub other: Other,
}

/// A scalar as Compose accepts it where it also takes a `${VAR}` string.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Text(String),
}

impl Scalar {
    /// The value as the text Compose would pass on.
    pub fn text(&self) -> String {
        match self {
            Self::Bool(flag) => flag.to_string(),
            Self::Int(number) => number.to_string(),
            Self::Float(number) => number.to_string(),
            Self::Text(text) => text.clone(),
        }
    }

    /// The value as a boolean, when it reads as one (`true`, `"false"`).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(flag) => Some(*flag),
            Self::Text(text) => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value as a non-negative whole number, when it reads as one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Int(number) => u64::try_from(*number).ok(),
            Self::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }
}

/// A build: the context alone, or the long form.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Build {
    /// `build: ./dir`.
    Context(String),
    /// The long form.
    Long(BuildLong),
}

/// A build in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BuildLong {
    /// The context directory (`.` when unset).
    pub context: Option<String>,
    /// The Dockerfile.
    pub dockerfile: Option<String>,
    /// Build arguments.
    pub args: Option<ListOrMap>,
    /// The stage to build.
    pub target: Option<String>,
    /// Every other key.
    #[serde(flatten)]
    pub other: Other,
}

/// A command: shell words in one string, or a list of arguments.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Command {
    /// `command: npm start`.
    Words(String),
    /// `command: ["npm", "start"]`.
    List(Vec<String>),
}

/// A map of names to values, or a list of `NAME=value` / `NAME` items
/// (`environment`, `labels`, build `args`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ListOrMap {
    /// `KEY: value`; `null` takes the value from the environment.
    Map(IndexMap<String, Option<Scalar>>),
    /// `- KEY=value`, or `- KEY` to take the value from the environment.
    List(Vec<String>),
}

impl ListOrMap {
    /// The entries in the order written: name, and value as written (`None`
    /// when the value is taken from the environment).
    pub fn entries(&self) -> Vec<(String, Option<Scalar>)> {
        match self {
            Self::Map(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Self::List(items) => items
                .iter()
                .map(|item| match item.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(Scalar::Text(value.to_owned()))),
                    None => (item.clone(), None),
                })
                .collect(),
        }
    }

    /// Whether the entries are written as a list (their pointers are indices).
    pub fn is_list(&self) -> bool {
        matches!(self, Self::List(_))
    }
}

/// `env_file`: one path or a list.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum EnvFiles {
    /// One path.
    One(String),
    /// Several.
    Many(Vec<EnvFile>),
}

/// One env file.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum EnvFile {
    /// A path.
    Path(String),
    /// The long form.
    Long(EnvFileLong),
}

/// An env file in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EnvFileLong {
    /// The path.
    pub path: String,
    /// Whether the file must exist.
    pub required: Option<Scalar>,
    /// Every other key (`format`).
    #[serde(flatten)]
    pub other: Other,
}

/// A published port.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Port {
    /// A container port alone, published on a port the engine picks.
    Number(i64),
    /// `[IP:][HOST:]CONTAINER[/PROTOCOL]`, with ranges.
    Short(String),
    /// The long form.
    Long(PortLong),
}

/// A published port in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PortLong {
    /// The container port.
    pub target: Option<Scalar>,
    /// The host port or range.
    pub published: Option<Scalar>,
    /// The host address.
    pub host_ip: Option<String>,
    /// `tcp` or `udp`.
    pub protocol: Option<String>,
    /// `ingress` or `host`.
    pub mode: Option<String>,
    /// Every other key (`name`, `app_protocol`).
    #[serde(flatten)]
    pub other: Other,
}

/// A mount.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Mount {
    /// `SOURCE:TARGET[:MODE]` or `TARGET`.
    Short(String),
    /// The long form.
    Long(MountLong),
}

/// A mount in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MountLong {
    /// `volume`, `bind`, `tmpfs`, `npipe`, `cluster` or `image`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The volume name or host path.
    pub source: Option<String>,
    /// The path in the container.
    pub target: Option<String>,
    /// Read-only.
    pub read_only: Option<Scalar>,
    /// Every other key (`bind`, `volume`, `tmpfs`, `consistency`).
    #[serde(flatten)]
    pub other: Other,
}

/// `depends_on`: a list of names, or names with conditions.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DependsOn {
    /// Start after these.
    List(Vec<String>),
    /// Start after these, once the condition holds.
    Map(IndexMap<String, Dependency>),
}

/// One dependency in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Dependency {
    /// `service_started`, `service_healthy` or `service_completed_successfully`.
    pub condition: String,
    /// Whether restarting the dependency restarts this service.
    pub restart: Option<Scalar>,
    /// Whether the dependency must exist.
    pub required: Option<Scalar>,
    /// Every other key.
    #[serde(flatten)]
    pub other: Other,
}

/// A health check.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Healthcheck {
    /// The test: a shell line, or `["CMD", ...]`, `["CMD-SHELL", "..."]`, `["NONE"]`.
    pub test: Option<Command>,
    /// Turns off the image's health check.
    pub disable: Option<Scalar>,
    /// Go duration.
    pub interval: Option<String>,
    /// Go duration.
    pub timeout: Option<String>,
    /// Consecutive failures before unhealthy.
    pub retries: Option<Scalar>,
    /// Go duration.
    pub start_period: Option<String>,
    /// Every other key (`start_interval`).
    #[serde(flatten)]
    pub other: Other,
}

/// `deploy`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Deploy {
    /// The number of containers.
    pub replicas: Option<Scalar>,
    /// Limits and reservations.
    pub resources: Option<DeployResources>,
    /// The restart policy.
    pub restart_policy: Option<RestartPolicy>,
    /// Every other key (`mode`, `placement`, `update_config`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// `deploy.resources`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeployResources {
    /// Limits.
    pub limits: Option<ResourceValues>,
    /// Reservations.
    pub reservations: Option<ResourceValues>,
    /// Every other key.
    #[serde(flatten)]
    pub other: Other,
}

/// CPU and memory, as limits or reservations.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResourceValues {
    /// CPU cores.
    pub cpus: Option<Scalar>,
    /// Memory, a byte count or a size such as `512M`.
    pub memory: Option<Scalar>,
    /// Every other key (`pids`, `devices`, `generic_resources`).
    #[serde(flatten)]
    pub other: Other,
}

/// `deploy.restart_policy`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RestartPolicy {
    /// `none`, `on-failure` or `any`.
    pub condition: Option<String>,
    /// Every other key (`delay`, `max_attempts`, `window`).
    #[serde(flatten)]
    pub other: Other,
}

/// A service's networks: a list of names, or names with settings.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ServiceNetworks {
    /// `networks: [front, back]`.
    List(Vec<String>),
    /// `networks: { front: { aliases: [...] } }`.
    Map(IndexMap<String, Option<NetworkAttachment>>),
}

/// A service's settings on one network.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NetworkAttachment {
    /// Every key (`aliases`, `ipv4_address`, ...): none of them is mapped.
    #[serde(flatten)]
    pub other: Other,
}

/// A process limit.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Ulimit {
    /// The same soft and hard limit.
    Single(Scalar),
    /// Separate limits.
    Pair {
        /// The soft limit.
        soft: Scalar,
        /// The hard limit.
        hard: Scalar,
    },
}

/// A secret or config a service mounts: its name, or the long form.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FileMount {
    /// The name of a top-level secret or config.
    Name(String),
    /// The long form.
    Long(FileMountLong),
}

/// A secret or config mount in long form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileMountLong {
    /// The top-level secret or config.
    pub source: String,
    /// Where the container sees it.
    pub target: Option<String>,
    /// Every other key (`uid`, `gid`, `mode`).
    #[serde(flatten)]
    pub other: Other,
}

impl FileMount {
    /// The top-level name it mounts.
    pub fn source(&self) -> &str {
        match self {
            Self::Name(name) => name,
            Self::Long(long) => &long.source,
        }
    }

    /// The target, when the long form sets one.
    pub fn target(&self) -> Option<&str> {
        match self {
            Self::Name(_) => None,
            Self::Long(long) => long.target.as_deref(),
        }
    }
}

/// A top-level secret or config: where its contents come from.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileSource {
    /// A file beside the Compose file.
    pub file: Option<String>,
    /// An environment variable.
    pub environment: Option<String>,
    /// Inline contents (configs only).
    pub content: Option<String>,
    /// Every other key (`external`, `name`, `labels`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// A named volume.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Volume {
    /// The driver.
    pub driver: Option<String>,
    /// Labels.
    pub labels: Option<ListOrMap>,
    /// Every other key (`external`, `name`, `driver_opts`).
    #[serde(flatten)]
    pub other: Other,
}

/// A network.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Network {
    /// The driver.
    pub driver: Option<String>,
    /// No route to the outside.
    pub internal: Option<Scalar>,
    /// Every other key (`external`, `name`, `ipam`, ...).
    #[serde(flatten)]
    pub other: Other,
}
