//! Random valid stacks, for the differential test: every stack stackgen
//! accepts must render a bundle that every real tool accepts.
//!
//! [`stack`] is a proptest strategy over the whole model: services with
//! ports, mounts, replicas, health checks, dependencies, metrics, exporters
//! and kinds; Prometheus with extra scrape jobs; Alertmanager receivers and
//! routes; ingress routes; alerts with tests; recording rules; dashboards;
//! SLOs; logs. Values come from the edges of what the schema and the checks
//! allow ([`values`]). The strategy first draws a [`Skeleton`] (the names,
//! ports and sections the parts refer to each other by), then each part
//! from it, so references hold by construction.
//!
//! [`generate`] turns a seed into a stack's text, the same text for the
//! same seed: `tests/it/random_stacks.rs` checks that whatever `validate`
//! accepts renders, and in its long run writes the stacks and runs
//! `scripts/e2e` (the real validators) on them.
//!
//! A stack stackgen refuses is not a disagreement, but a generator that
//! writes refused stacks tests less: when a check starts refusing a value
//! the generator draws, draw it no more (and say why, here or there).

mod alerting;
mod dashboards;
mod ingress;
mod monitoring;
mod services;
mod slos;
pub mod values;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use toml::Value;

use values::{dns_name, free_text, maybe, port, table, text};

/// What the parts of a stack refer to each other by, drawn first.
#[derive(Debug, Clone)]
pub struct Skeleton {
    /// The stack's name.
    pub name: String,
    /// The services.
    pub services: Vec<Shape>,
    /// Named volumes.
    pub volumes: Vec<String>,
    /// Networks.
    pub networks: Vec<String>,
    /// Team names: of services, alerts and team routes.
    pub teams: Vec<String>,
    /// Receiver names.
    pub receivers: Vec<String>,
    /// Host ports no service publishes, for the generated services.
    pub spare_ports: Vec<u16>,
    /// Which sections the stack has.
    pub sections: Sections,
}

/// The optional sections of a stack.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)]
pub struct Sections {
    /// `[prometheus]`, with alerts, recording rules and SLOs.
    pub prometheus: bool,
    /// `[alertmanager]`.
    pub alertmanager: bool,
    /// `[grafana]`, with dashboards.
    pub grafana: bool,
    /// `[ingress]`.
    pub ingress: bool,
    /// `[logs]`.
    pub logs: bool,
}

/// One service, as the other parts see it.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)]
pub struct Shape {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: &'static str,
    /// Container ports (`expose`); the first is the service's port.
    pub ports: Vec<u16>,
    /// Published ports, `(host, container)`.
    pub host_ports: Vec<(u16, u16)>,
    /// How many containers.
    pub replicas: u32,
    /// Its team, if it names one.
    pub team: Option<String>,
    /// Whether it has a health check.
    pub health: bool,
    /// Whether Prometheus scrapes its own metrics.
    pub metrics: bool,
    /// Whether it runs its kind's exporter.
    pub exporter: bool,
    /// Whether the blackbox exporter probes it.
    pub probes: bool,
    /// Whether it only runs with a compose profile.
    pub profiled: bool,
    /// Whether it may take profiles (nothing depends on it).
    pub profiles_ok: bool,
}

/// The kinds a service may have, and whether each runs an exporter.
const KINDS: &[(&str, bool)] = &[
    ("generic", false),
    ("app", false),
    ("worker", false),
    ("redis", true),
    ("postgres", true),
    ("mongodb", true),
    ("kafka", true),
    ("zookeeper", false),
    ("elasticsearch", true),
    ("kibana", false),
    ("minio", false),
    ("spark", false),
    ("loki", false),
    ("promtail", false),
    ("localstack", false),
];

/// Service names stackgen generates itself.
const RESERVED: &[&str] = &[
    "prometheus",
    "alertmanager",
    "grafana",
    "nginx",
    "node-exporter",
    "cadvisor",
    "blackbox-exporter",
    "nginx-exporter",
    "loki",
    "alloy",
];

/// Host ports the generated services publish by default.
const DEFAULT_HOST_PORTS: &[u16] = &[80, 443, 3000, 3100, 9090, 9093];

/// A random valid stack, as TOML text.
pub fn stack() -> BoxedStrategy<String> {
    skeleton()
        .prop_flat_map(|skeleton| {
            let parts = (
                services::services(&skeleton),
                services::volumes(&skeleton),
                services::networks(&skeleton),
                monitoring::prometheus(&skeleton),
                monitoring::grafana(&skeleton),
                monitoring::logs(&skeleton),
                alerting::alertmanager(&skeleton),
                ingress::ingress(&skeleton),
            );
            let rules = (
                alerting::alerts(&skeleton),
                alerting::recording_rules(&skeleton),
                dashboards::dashboards(&skeleton),
                slos::slos(&skeleton),
                stack_meta(&skeleton),
            );
            (parts, rules)
        })
        .prop_map(|(parts, rules)| {
            let (services, volumes, networks, prometheus, grafana, logs, alertmanager, ingress) =
                parts;
            let (alerts, recording_rules, dashboards, slos, meta) = rules;
            let stack = table(vec![
                ("stack", Some(meta)),
                ("services", Some(services)),
                ("volumes", Some(volumes)),
                ("networks", Some(networks)),
                ("prometheus", prometheus),
                ("alertmanager", alertmanager),
                ("grafana", grafana),
                ("ingress", ingress),
                ("logs", logs),
                ("alerts", alerts),
                ("recording-rules", recording_rules),
                ("dashboards", dashboards),
                ("slos", slos),
            ]);
            toml::to_string(&stack).expect("a TOML table serializes")
        })
        .boxed()
}

/// The stack of `seed`: the same text for the same seed, with a comment
/// naming the seed first.
pub fn generate(seed: u64) -> String {
    let mut bytes = [0_u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let tree = stack()
        .new_tree(&mut runner)
        .expect("the stack strategy draws a value");
    format!(
        "# The random stack of seed {seed} (tests/it/support/random_stack)\n{}",
        tree.current()
    )
}

fn stack_meta(skeleton: &Skeleton) -> BoxedStrategy<Value> {
    let name = skeleton.name.clone();
    (maybe(free_text()), maybe(free_text()), maybe(free_text()))
        .prop_map(move |(description, environment, cluster)| {
            table(vec![
                ("name", Some(text(name.clone()))),
                ("description", description.map(text)),
                ("environment", environment.map(text)),
                ("cluster", cluster.map(text)),
            ])
        })
        .boxed()
}

fn skeleton() -> BoxedStrategy<Skeleton> {
    let sections = (
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.6),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(prometheus, alertmanager, grafana, ingress, logs)| Sections {
                prometheus,
                alertmanager: alertmanager && prometheus,
                grafana: grafana && prometheus,
                ingress,
                logs: logs && grafana,
            },
        );
    (
        dns_name(63),
        prop::collection::vec(shape(), 1..7),
        prop::collection::vec(dns_name(63), 0..3),
        prop::collection::vec(dns_name(63), 0..3),
        prop::collection::vec(team(), 1..4),
        prop::collection::vec(dns_name(40), 1..4),
        prop::collection::hash_set(
            port().prop_filter("not a default", |p| !DEFAULT_HOST_PORTS.contains(p)),
            30,
        ),
        sections,
    )
        .prop_map(
            |(name, shapes, volumes, networks, teams, receivers, pool, sections)| {
                let mut pool: Vec<u16> = pool.into_iter().collect();
                pool.sort_unstable();
                let mut spare = pool.into_iter();
                let mut services: Vec<Shape> = Vec::new();
                for mut shape in shapes {
                    let taken = |name: &str| services.iter().any(|s: &Shape| s.name == name);
                    if RESERVED.contains(&shape.name.as_str())
                        || taken(&shape.name)
                        || clashes(&shape, &services)
                    {
                        continue;
                    }
                    shape.host_ports = if shape.replicas == 1 {
                        shape
                            .host_ports
                            .iter()
                            .zip(&mut spare)
                            .map(|(&(_, container), host)| (host, container))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    services.push(shape);
                }
                for shape in &mut services {
                    if shape.team.is_some() {
                        shape.team = Some(teams[shape.name.len() % teams.len()].clone());
                    }
                }
                let unique = |names: Vec<String>| {
                    let mut names = names;
                    names.sort();
                    names.dedup();
                    names
                };
                Skeleton {
                    name,
                    services,
                    volumes: unique(volumes),
                    networks: unique(networks),
                    teams: unique(teams),
                    receivers: unique(receivers),
                    spare_ports: spare.collect(),
                    sections,
                }
            },
        )
        .boxed()
}

/// Whether `shape`'s containers would take the name of one of `services`
/// (or theirs its): `api` with 2 replicas runs `api-1` and `api-2`;
/// `db` with an exporter runs `db-exporter`.
fn clashes(shape: &Shape, services: &[Shape]) -> bool {
    let names = |s: &Shape| -> Vec<String> {
        let mut names = vec![s.name.clone()];
        if s.replicas > 1 {
            names.extend((1..=s.replicas).map(|i| format!("{}-{i}", s.name)));
        }
        if s.exporter {
            names.push(format!("{}-exporter", s.name));
        }
        names
    };
    let mine = names(shape);
    services
        .iter()
        .any(|other| names(other).iter().any(|name| mine.contains(name)))
}

fn shape() -> BoxedStrategy<Shape> {
    (
        dns_name(63),
        select(KINDS),
        prop::collection::hash_set(port(), 0..3),
        prop_oneof![8 => Just(1_u32), 3 => 2..=4_u32, 1 => Just(1000_u32)],
        any::<bool>(),
        prop::bool::weighted(0.6),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.6),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        prop::collection::vec(any::<bool>(), 3),
    )
        .prop_map(
            |(
                name,
                (kind, has_exporter),
                ports,
                replicas,
                team,
                health,
                metrics,
                exporter,
                probes,
                profiled,
                publish,
            )| {
                // A set iterates in a random order: sorted, the seed decides alone.
                let mut ports: Vec<u16> = ports.into_iter().collect();
                ports.sort_unstable();
                let host_ports = ports
                    .iter()
                    .zip(publish)
                    .filter(|(_, publish)| *publish)
                    .map(|(&container, _)| (0, container))
                    .collect();
                let has_port = !ports.is_empty();
                Shape {
                    name,
                    kind,
                    host_ports,
                    replicas,
                    team: team.then(String::new),
                    health,
                    metrics: metrics && has_port,
                    exporter: exporter && has_exporter,
                    probes: probes && has_port,
                    profiled,
                    profiles_ok: profiled,
                    ports,
                }
            },
        )
        .boxed()
}

/// A team name: the `team` label of alerts and a team route's key.
fn team() -> BoxedStrategy<String> {
    prop_oneof![
        3 => dns_name(30),
        1 => "[a-z][a-z0-9_-]{0,20}",
    ]
    .boxed()
}
