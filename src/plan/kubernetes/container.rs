//! A container as Kubernetes runs it: command and arguments, environment
//! with secret references, probes from the health check, resources in
//! Kubernetes quantities.

use std::collections::BTreeSet;

use crate::config::{ByteSize, Cpus, Duration, Healthcheck, Resources};
use crate::plan::PlannedHealthcheck;
use crate::syntax::interpolation::{Piece, pieces};

/// One container of a pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedContainer {
    /// The container's name.
    pub name: String,
    /// The image.
    pub image: String,
    /// The entrypoint (`command` in Kubernetes).
    pub command: Option<Vec<String>>,
    /// The arguments (`args`; Compose's `command`).
    pub args: Option<Vec<String>>,
    /// The environment, secret references first.
    pub env: Vec<EnvVar>,
    /// The ports the container listens on, named.
    pub ports: Vec<super::PlannedPort>,
    /// Its mounts.
    pub mounts: Vec<super::PlannedMount>,
    /// Probes from the health check.
    pub probes: Option<PlannedProbes>,
    /// Limits and requests.
    pub resources: Option<PlannedResources>,
    /// The working directory.
    pub working_dir: Option<String>,
    /// The numeric user and group to run as (`user = "1000:1000"`).
    pub run_as: Option<(u32, Option<u32>)>,
}

impl PlannedContainer {
    /// A container running `image` with nothing else set.
    pub fn new(name: &str, image: &str) -> Self {
        Self {
            name: name.to_owned(),
            image: image.to_owned(),
            command: None,
            args: None,
            env: Vec::new(),
            ports: Vec::new(),
            mounts: Vec::new(),
            probes: None,
            resources: None,
            working_dir: None,
            run_as: None,
        }
    }
}

/// One environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// Its name.
    pub name: String,
    /// Where its value comes from.
    pub value: EnvSource,
}

/// The value of an environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// Text, in which `$(NAME)` reads a variable defined before it and `$$` is a literal `$`.
    Text(String),
    /// A key of the stack's Secret.
    Secret {
        /// The key.
        key: String,
    },
}

/// Readiness, liveness and start-up probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedProbes {
    /// Readiness and liveness: the same check, interval, timeout and retries.
    pub probe: PlannedProbe,
    /// The start-up probe, for a health check with a start period.
    pub startup: Option<PlannedProbe>,
}

/// One probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedProbe {
    /// What it runs.
    pub action: ProbeAction,
    /// Seconds between probes.
    pub period_seconds: i32,
    /// Seconds before a probe times out.
    pub timeout_seconds: i32,
    /// Failures in a row before the container counts as failed.
    pub failure_threshold: i32,
}

/// What a probe runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeAction {
    /// An HTTP GET of `path` on `port`; a 2xx or 3xx answer passes.
    HttpGet {
        /// The path.
        path: String,
        /// The container port.
        port: u16,
    },
    /// A command; exit code 0 passes.
    Exec(Vec<String>),
}

/// Limits and requests as Kubernetes quantities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlannedResources {
    /// CPU limit (`500m`).
    pub cpu_limit: Option<String>,
    /// Memory limit (`512Mi`).
    pub memory_limit: Option<String>,
    /// CPU request.
    pub cpu_request: Option<String>,
    /// Memory request.
    pub memory_request: Option<String>,
}

/// Compose's health check defaults, as Docker applies them.
const DEFAULT_INTERVAL_MS: u64 = 30_000;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;
const DEFAULT_RETRIES: u32 = 3;

/// The probes of a health check. `check` is the stack's own health check,
/// when there is one: an `http` check becomes an HTTP GET on `http_port`;
/// anything else runs the planned test as a command (`CMD-SHELL` through `sh -c`).
///
/// Kubernetes expands no variables in a probe's command, where Compose fills
/// in every `${VAR}` of a health check from `.env`. So each variable a check
/// reads is a variable of the container's environment (`env`), read from the
/// stack's Secret (added to `keys`), and a shell expands it: a `shell` check
/// reads it as `${VAR}` where the stack wrote it, and a `command` check with
/// references runs through `sh -c 'exec ...'` with every argument quoted
/// for the shell but its references.
pub fn probes(
    planned: &PlannedHealthcheck,
    check: Option<&Healthcheck>,
    http_port: Option<u16>,
    env: &mut Vec<EnvVar>,
    keys: &mut BTreeSet<String>,
) -> Option<PlannedProbes> {
    let action = match (check.and_then(|c| c.http.as_ref()), http_port) {
        (Some(path), Some(port)) => ProbeAction::HttpGet {
            path: path.clone(),
            port: check.and_then(|c| c.port).unwrap_or(port),
        },
        _ => match planned.test.as_deref().and_then(<[String]>::split_first) {
            Some((first, rest)) if first == "CMD" => {
                if rest.iter().all(|argument| !has_reference(argument)) {
                    ProbeAction::Exec(rest.to_vec())
                } else {
                    // `exec`: the shell gives way to the command, whose exit
                    // code is the check's, as when Compose runs it.
                    let mut line = "exec".to_owned();
                    for argument in rest {
                        line.push(' ');
                        line.push_str(&shell_word(argument, env, keys));
                    }
                    ProbeAction::Exec(vec!["sh".to_owned(), "-c".to_owned(), line])
                }
            }
            Some((first, [shell])) if first == "CMD-SHELL" => ProbeAction::Exec(vec![
                "sh".to_owned(),
                "-c".to_owned(),
                shell_line(shell, env, keys),
            ]),
            _ => return None,
        },
    };
    let millis =
        |duration: &Option<Duration>, default| duration.as_ref().map_or(default, Duration::millis);
    let interval = millis(&planned.interval, DEFAULT_INTERVAL_MS);
    let retries = planned.retries.unwrap_or(DEFAULT_RETRIES);
    let probe = PlannedProbe {
        action,
        period_seconds: seconds(interval),
        timeout_seconds: seconds(millis(&planned.timeout, DEFAULT_TIMEOUT_MS)),
        failure_threshold: i32::try_from(retries.max(1)).unwrap_or(i32::MAX),
    };
    let start_period = millis(&planned.start_period, 0);
    let startup = (start_period > 0).then(|| PlannedProbe {
        // The start period, in probes, plus the retries Compose allows after it.
        failure_threshold: i32::try_from(start_period.div_ceil(interval.max(1)))
            .unwrap_or(i32::MAX)
            .saturating_add(probe.failure_threshold),
        ..probe.clone()
    });
    Some(PlannedProbes { probe, startup })
}

/// Whole seconds, rounded up, at least 1 (Kubernetes' smallest period).
fn seconds(millis: u64) -> i32 {
    i32::try_from(millis.div_ceil(1000).max(1)).unwrap_or(i32::MAX)
}

/// Compose's limits and reservations as Kubernetes limits and requests.
pub fn resources(resources: &Resources) -> PlannedResources {
    let reservations = resources.reservations.as_ref();
    PlannedResources {
        cpu_limit: resources.cpus.map(cpu_quantity),
        memory_limit: resources.memory.as_ref().map(memory_quantity),
        cpu_request: reservations.and_then(|r| r.cpus).map(cpu_quantity),
        memory_request: reservations
            .and_then(|r| r.memory.as_ref())
            .map(memory_quantity),
    }
}

/// Cores as millicores: `0.5` → `500m`, `2` → `2`. Compose takes at most
/// three decimals' worth of precision from a CPU count, as Kubernetes does.
pub fn cpu_quantity(cpus: Cpus) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let millis = (cpus.get() * 1000.0).round() as u64;
    if millis % 1000 == 0 {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

/// Bytes in the largest binary unit that holds them whole: Compose's `512M`
/// is 512 MiB, so `512Mi`; `1.5G` is `1536Mi`; 1000 bytes stay `1000`.
pub fn memory_quantity(size: &ByteSize) -> String {
    bytes_quantity(size.bytes())
}

/// `bytes` in the largest binary unit that holds them whole.
pub fn bytes_quantity(bytes: u64) -> String {
    const UNITS: [(&str, u32); 5] = [("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)];
    for (unit, shift) in UNITS {
        if bytes != 0 && bytes % (1 << shift) == 0 {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// Environment variables with their `${VAR}` references read from the
/// stack's Secret: a value that is one reference becomes a `secretKeyRef`;
/// text with references gets each variable defined first, from the Secret,
/// and reads it with `$(VAR)`. The variables used are added to `keys`.
pub fn environment<'a>(
    entries: impl IntoIterator<Item = (&'a String, &'a String)>,
    keys: &mut BTreeSet<String>,
) -> Vec<EnvVar> {
    let entries: Vec<(&String, &String)> = entries.into_iter().collect();
    let own: BTreeSet<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    let mut helpers = Vec::new();
    let mut vars = Vec::new();
    for (name, value) in entries {
        let parts = pieces(value);
        if let [Piece::Var(var)] = parts.as_slice() {
            keys.insert((*var).to_owned());
            vars.push(EnvVar {
                name: name.clone(),
                value: EnvSource::Secret {
                    key: (*var).to_owned(),
                },
            });
            continue;
        }
        let text = expand(&parts, &own, keys, &mut helpers);
        vars.push(EnvVar {
            name: name.clone(),
            value: EnvSource::Text(text),
        });
    }
    helpers.extend(vars);
    helpers
}

/// Arguments with their `${VAR}` references read from the stack's Secret
/// through helper variables added to `env`.
pub fn arguments(
    arguments: &[String],
    env: &mut Vec<EnvVar>,
    keys: &mut BTreeSet<String>,
) -> Vec<String> {
    arguments
        .iter()
        .map(|argument| {
            let mut text = String::new();
            for part in pieces(argument) {
                match part {
                    // Kubernetes reads `$$` as `$` and `$(NAME)` as a variable.
                    Piece::Text(literal) => text.push_str(&literal.replace('$', "$$")),
                    Piece::Var(name) => {
                        text.push_str("$(");
                        text.push_str(&secret_variable(name, env, keys));
                        text.push(')');
                    }
                }
            }
            text
        })
        .collect()
}

/// The prefix of helper variables whose name a service already uses for something else.
const HELPER_PREFIX: &str = "STACKGEN_SECRET_";

/// Text with each reference as `$(VAR)` and every literal `$` written `$$`;
/// adds a helper variable reading each referenced key to `helpers`.
fn expand(
    parts: &[Piece<'_>],
    own: &BTreeSet<&str>,
    keys: &mut BTreeSet<String>,
    helpers: &mut Vec<EnvVar>,
) -> String {
    let mut text = String::new();
    for part in parts {
        match part {
            // Kubernetes reads `$$` as `$` and `$(NAME)` as a variable.
            Piece::Text(literal) => text.push_str(&literal.replace('$', "$$")),
            Piece::Var(name) => {
                keys.insert((*name).to_owned());
                let helper = if own.contains(name) {
                    format!("{HELPER_PREFIX}{name}")
                } else {
                    (*name).to_owned()
                };
                text.push_str("$(");
                text.push_str(&helper);
                text.push(')');
                if !helpers.iter().any(|var| var.name == helper) {
                    helpers.push(EnvVar {
                        name: helper,
                        value: EnvSource::Secret {
                            key: (*name).to_owned(),
                        },
                    });
                }
            }
        }
    }
    text
}

/// Whether `text` holds a `${VAR}` reference.
fn has_reference(text: &str) -> bool {
    pieces(text)
        .iter()
        .any(|part| matches!(part, Piece::Var(_)))
}

/// A shell line with each `${VAR}` reference reading the variable of the
/// container's environment that holds the Secret's key `VAR`; the rest as
/// written (Compose, too, hands it to the shell with every other `$` kept).
fn shell_line(line: &str, env: &mut Vec<EnvVar>, keys: &mut BTreeSet<String>) -> String {
    let mut text = String::new();
    for part in pieces(line) {
        match part {
            Piece::Text(literal) => text.push_str(literal),
            Piece::Var(name) => {
                text.push_str("${");
                text.push_str(&secret_variable(name, env, keys));
                text.push('}');
            }
        }
    }
    text
}

/// One argument as a word of a shell line: its text single-quoted, each
/// `${VAR}` reference a double-quoted expansion of the variable holding the
/// Secret's key `VAR`, so the shell passes the argument on as one word.
fn shell_word(argument: &str, env: &mut Vec<EnvVar>, keys: &mut BTreeSet<String>) -> String {
    let mut word = String::new();
    for part in pieces(argument) {
        match part {
            Piece::Text(literal) => {
                word.push('\'');
                word.push_str(&literal.replace('\'', "'\\''"));
                word.push('\'');
            }
            Piece::Var(name) => {
                word.push_str("\"${");
                word.push_str(&secret_variable(name, env, keys));
                word.push_str("}\"");
            }
        }
    }
    if word.is_empty() {
        word.push_str("''");
    }
    word
}

/// The name of the variable of `env` that holds the Secret's key `key`,
/// added (named `key`, or with the helper prefix when the service uses that
/// name for something else) when there is none yet; `key` goes into `keys`.
fn secret_variable(key: &str, env: &mut Vec<EnvVar>, keys: &mut BTreeSet<String>) -> String {
    keys.insert(key.to_owned());
    let holds_key =
        |var: &EnvVar| matches!(&var.value, EnvSource::Secret { key: held } if held == key);
    if let Some(var) = env.iter().find(|var| var.name == key) {
        if holds_key(var) {
            return var.name.clone();
        }
    }
    let helper = format!("{HELPER_PREFIX}{key}");
    if let Some(var) = env.iter().find(|var| var.name == helper) {
        if holds_key(var) {
            return helper;
        }
    }
    let name = if env.iter().any(|var| var.name == key) {
        helper
    } else {
        key.to_owned()
    };
    env.insert(
        0,
        EnvVar {
            name: name.clone(),
            value: EnvSource::Secret {
                key: key.to_owned(),
            },
        },
    );
    name
}

#[cfg(test)]
mod tests;
