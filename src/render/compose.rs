//! `docker-compose.yml`: every planned service, with health checks,
//! `depends_on` conditions, profiles, resources, volumes and networks, plus
//! copies of the files services mount from beside the stack file.
//!
//! Compose interpolates `$` in every string value of the file. The typed
//! file below holds text as the containers should see it; on its way out,
//! every string value passes through [`escape_dollars`] in one place
//! ([`interpolated`]), so no field, present or future, is written raw.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::OutputFile;
use super::format::{to_value, tree_yaml_file};
use crate::config::MountSource;
use crate::config::{Duration, Protocol, Ulimit};
use crate::error::Error;
use crate::plan::{Plan, PlannedService};
use crate::syntax::interpolation::reference_len;
use crate::syntax::text_keys;

/// The compose file's path in the bundle.
pub const PATH: &str = "docker-compose.yml";

/// Renders `docker-compose.yml`.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let file = ComposeFile {
        name: plan.name.clone(),
        services: plan
            .services
            .iter()
            .map(|s| (s.name.clone(), service(s)))
            .collect(),
        volumes: plan
            .volumes
            .iter()
            .map(|(name, volume)| {
                (
                    name.clone(),
                    ComposeVolume {
                        driver: volume.driver.clone(),
                        labels: text_keys(&volume.labels),
                    },
                )
            })
            .collect(),
        networks: plan
            .networks
            .iter()
            .map(|(name, network)| {
                (
                    name.clone(),
                    ComposeNetwork {
                        driver: network.driver.clone(),
                        internal: network.internal,
                    },
                )
            })
            .collect(),
        secrets: plan
            .services
            .iter()
            .flat_map(|s| &s.secrets)
            .map(|secret| {
                (
                    secret.name.clone(),
                    ComposeSecret {
                        environment: secret.environment.clone(),
                    },
                )
            })
            .collect(),
    };
    let mut files = vec![OutputFile::text(
        PATH,
        tree_yaml_file(plan, &interpolated(&file)?)?,
    )];
    files.extend(shipped_files(plan)?);
    Ok(files)
}

/// The files the services carry from beside the stack file, each no more
/// readable than its source.
fn shipped_files(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let copies = plan.services.iter().flat_map(|service| &service.copies);
    copies
        .map(|copy| {
            let Some(input) = plan.inputs.file(&copy.source) else {
                return Err(Error::Bug(format!(
                    "`{}` was not read before rendering",
                    copy.source
                )));
            };
            Ok(OutputFile {
                path: copy.path.clone(),
                contents: input.contents.clone(),
                mode: Some(input.mode & 0o777),
            })
        })
        .collect()
}

fn service(planned: &PlannedService) -> ComposeService {
    ComposeService {
        image: planned.image.clone(),
        build: planned.build.as_ref().map(|build| ComposeBuild {
            context: build.context.clone(),
            dockerfile: build.dockerfile.clone(),
            args: text_keys(&build.args),
            target: build.target.clone(),
        }),
        container_name: planned.container_name.clone(),
        hostname: planned.hostname.clone(),
        command: planned.command.clone(),
        entrypoint: planned.entrypoint.clone(),
        user: planned.user.as_ref().map(|user| user.as_str().to_owned()),
        working_dir: planned.working_dir.clone(),
        profiles: planned.profiles.clone(),
        restart: planned.restart.map(|r| r.as_str().to_owned()),
        env_file: planned.env_file.clone(),
        environment: planned.environment.clone(),
        ports: planned
            .ports
            .iter()
            .map(|port| ComposePort {
                target: port.container,
                published: port.host.map(|h| h.to_string()),
                host_ip: port.bind.as_ref().map(|bind| bind.as_str().to_owned()),
                protocol: port.protocol(),
            })
            .collect(),
        expose: planned.expose.iter().map(ToString::to_string).collect(),
        volumes: planned
            .mounts
            .iter()
            .map(|mount| match &mount.source {
                MountSource::Volume(volume) => ComposeMount {
                    kind: "volume",
                    source: volume.clone(),
                    target: mount.target.clone(),
                    read_only: mount.read_only,
                },
                MountSource::Host(path) => ComposeMount {
                    kind: "bind",
                    source: path.clone(),
                    target: mount.target.clone(),
                    read_only: mount.read_only,
                },
            })
            .collect(),
        networks: planned.networks.clone(),
        network_mode: planned.host_network.then_some("host"),
        pid: planned.host_pid.then_some("host"),
        privileged: planned.privileged,
        devices: planned
            .devices
            .iter()
            .map(|device| format!("{device}:{device}"))
            .collect(),
        extra_hosts: planned.extra_hosts.clone(),
        depends_on: planned
            .depends_on
            .iter()
            .map(|(name, condition)| {
                (
                    name.clone(),
                    ComposeDependency {
                        condition: condition.compose_name(),
                        restart: true,
                    },
                )
            })
            .collect(),
        healthcheck: planned
            .healthcheck
            .as_ref()
            .map(|check| ComposeHealthcheck {
                test: check.test.clone(),
                interval: check.interval.as_ref().map(Duration::to_go),
                timeout: check.timeout.as_ref().map(Duration::to_go),
                retries: check.retries,
                start_period: check.start_period.as_ref().map(Duration::to_go),
            }),
        deploy: deploy(planned),
        labels: planned.labels.clone(),
        secrets: planned.secrets.iter().map(|s| s.name.clone()).collect(),
        stop_grace_period: planned.stop_grace_period.as_ref().map(Duration::to_go),
        ulimits: planned
            .ulimits
            .entries()
            .into_iter()
            .map(|(name, limit)| (name, ulimit(limit)))
            .collect(),
    }
}

/// `deploy`: the replica count of a replicated service (Compose runs
/// `<project>-<service>-1..N`) and the resources.
fn deploy(planned: &PlannedService) -> Option<ComposeDeploy> {
    let replicas = (planned.replicas > 1).then_some(planned.replicas);
    let resources = planned
        .resources
        .as_ref()
        .map(|resources| ComposeResources {
            limits: ComposeLimits {
                cpus: resources.cpus.map(|cpus| format_cpus(cpus.get())),
                memory: resources.memory.as_ref().map(|m| m.as_str().to_owned()),
            },
            reservations: resources.reservations.as_ref().map(|r| ComposeLimits {
                cpus: r.cpus.map(|cpus| format_cpus(cpus.get())),
                memory: r.memory.as_ref().map(|m| m.as_str().to_owned()),
            }),
        });
    (replicas.is_some() || resources.is_some()).then_some(ComposeDeploy {
        replicas,
        resources,
    })
}

fn ulimit(limit: Ulimit) -> ComposeUlimit {
    match limit {
        Ulimit::Single(value) => ComposeUlimit::Single(value.get()),
        Ulimit::Pair(pair) => ComposeUlimit::Pair {
            soft: pair.soft.get(),
            hard: pair.hard.get(),
        },
    }
}

/// The data of `file` with every string value (map keys aside, which
/// compose does not interpolate) passed through [`escape_dollars`].
fn interpolated<T: Serialize>(file: &T) -> Result<Value, Error> {
    let mut value = to_value(file)?;
    escape_strings(&mut value);
    Ok(value)
}

fn escape_strings(value: &mut Value) {
    match value {
        Value::String(text) => {
            if text.contains('$') {
                *text = escape_dollars(text);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_strings),
        Value::Object(entries) => entries.values_mut().for_each(escape_strings),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Compose interpolates `$` in every string value: keep `${NAME}` references (how secrets reach
/// containers) and double every other `$` so it reaches the container as written.
pub fn escape_dollars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(len) = reference_len(tail) {
            out.push_str(&tail[..len]);
            rest = &tail[len..];
        } else {
            out.push_str("$$");
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::escape_dollars;
    use crate::Error;

    const PROCESS_SETTINGS: &str = r#"
[stack]
name = "t"

[services.search]
image = "elasticsearch:8.11.1"
container-name = "es"
stop-grace-period = "1m30s"
ulimits = { memlock = -1, nofile = { soft = 1024, hard = 65536 } }

[services.web]
image = "nginx:1.25"
replicas = 2
"#;

    fn compose(text: &str) -> String {
        let rendered = crate::run(
            crate::Source::text("stack.toml", text),
            &crate::Options::default(),
        )
        .expect("the stack renders");
        String::from_utf8(rendered.bundle.files[super::PATH].clone()).expect("utf-8")
    }

    #[test]
    fn process_settings_reach_compose() {
        let yaml = compose(PROCESS_SETTINGS);
        assert!(yaml.contains("    container_name: es\n"), "{yaml}");
        assert!(yaml.contains("    stop_grace_period: 1m30s\n"), "{yaml}");
        assert!(
            yaml.contains(
                "    ulimits:\n      memlock: -1\n      nofile:\n        soft: 1024\n        hard: 65536\n"
            ),
            "{yaml}"
        );
    }

    #[test]
    fn replicas_are_one_service_with_a_count() {
        let yaml = compose(PROCESS_SETTINGS);
        assert!(
            yaml.contains("  web:\n    image: nginx:1.25\n    networks:\n    - default\n    deploy:\n      replicas: 2\n"),
            "{yaml}"
        );
        assert!(!yaml.contains("web-1"), "{yaml}");
    }

    #[test]
    fn files_are_copied_into_the_bundle_and_mounted_read_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("sql")).expect("mkdir");
        std::fs::write(dir.path().join("sql/init.sql"), "create table t ();\n").expect("write");
        let stack_file = dir.path().join("stack.toml");
        std::fs::write(
            &stack_file,
            r#"
[stack]
name = "t"

[services.db]
image = "postgres:16"
files = [{ source = "sql/init.sql", target = "/docker-entrypoint-initdb.d/init.sql" }]
"#,
        )
        .expect("write");
        let rendered = crate::run(&stack_file, &crate::Options::default()).expect("renders");
        assert_eq!(
            rendered.bundle.files["files/db/sql/init.sql"],
            b"create table t ();\n"
        );
        let yaml = String::from_utf8(rendered.bundle.files[super::PATH].clone()).expect("utf-8");
        assert!(
            yaml.contains(
                "    - type: bind\n      source: ./files/db/sql/init.sql\n      target: /docker-entrypoint-initdb.d/init.sql\n      read_only: true\n"
            ),
            "{yaml}"
        );
    }

    #[test]
    fn unknown_ulimit_and_bad_container_name_are_refused_with_spans() {
        let text = PROCESS_SETTINGS
            .replace("memlock = -1", "memlok = -1")
            .replace(r#"container-name = "es""#, r#"container-name = "-es""#);
        let Err(Error::Invalid(diagnostics)) = crate::run(
            crate::Source::text("stack.toml", &text),
            &crate::Options::default(),
        ) else {
            panic!("the stack must be refused");
        };
        let spans: Vec<&str> = diagnostics
            .iter()
            .map(|d| &text[d.location.span.clone()])
            .collect();
        assert!(spans.contains(&r#""-es""#), "{spans:?}");
        assert!(spans.iter().any(|s| s.contains("memlok")), "{spans:?}");
    }

    #[test]
    fn dollars_are_escaped_but_references_kept() {
        assert_eq!(escape_dollars("${DB_PASSWORD}"), "${DB_PASSWORD}");
        assert_eq!(escape_dollars("cost $5"), "cost $$5");
        assert_eq!(
            escape_dollars("$HOME and ${X} and ${bad-name}"),
            "$$HOME and ${X} and $${bad-name}"
        );
    }
}

fn format_cpus(cpus: f64) -> String {
    let text = format!("{cpus}");
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

#[derive(Serialize)]
struct ComposeFile {
    name: String,
    services: IndexMap<String, ComposeService>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    volumes: IndexMap<String, ComposeVolume>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    networks: IndexMap<String, ComposeNetwork>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    secrets: IndexMap<String, ComposeSecret>,
}

/// A top-level secret whose value compose reads from an environment variable.
#[derive(Serialize)]
struct ComposeSecret {
    environment: String,
}

#[derive(Serialize)]
struct ComposeService {
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    build: Option<ComposeBuild>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entrypoint: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_dir: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    profiles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restart: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env_file: Vec<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    environment: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<ComposePort>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    expose: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<ComposeMount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    networks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_mode: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    privileged: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    devices: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_hosts: Vec<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    depends_on: IndexMap<String, ComposeDependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<ComposeHealthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deploy: Option<ComposeDeploy>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_grace_period: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    ulimits: IndexMap<&'static str, ComposeUlimit>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ComposeUlimit {
    Single(i64),
    Pair { soft: i64, hard: i64 },
}

#[derive(Serialize)]
struct ComposeBuild {
    context: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    dockerfile: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    args: IndexMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
}

#[derive(Serialize)]
struct ComposePort {
    target: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_ip: Option<String>,
    protocol: Protocol,
}

#[derive(Serialize)]
struct ComposeMount {
    #[serde(rename = "type")]
    kind: &'static str,
    source: String,
    target: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    read_only: bool,
}

#[derive(Serialize)]
struct ComposeDependency {
    condition: &'static str,
    restart: bool,
}

#[derive(Serialize)]
struct ComposeHealthcheck {
    /// Absent: the image's own `HEALTHCHECK` test runs, with this timing.
    #[serde(skip_serializing_if = "Option::is_none")]
    test: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_period: Option<String>,
}

#[derive(Serialize)]
struct ComposeDeploy {
    #[serde(skip_serializing_if = "Option::is_none")]
    replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<ComposeResources>,
}

#[derive(Serialize)]
struct ComposeResources {
    limits: ComposeLimits,
    #[serde(skip_serializing_if = "Option::is_none")]
    reservations: Option<ComposeLimits>,
}

#[derive(Serialize)]
struct ComposeLimits {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<String>,
}

#[derive(Serialize)]
struct ComposeVolume {
    #[serde(skip_serializing_if = "Option::is_none")]
    driver: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    labels: IndexMap<String, String>,
}

#[derive(Serialize)]
struct ComposeNetwork {
    #[serde(skip_serializing_if = "Option::is_none")]
    driver: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    internal: bool,
}
