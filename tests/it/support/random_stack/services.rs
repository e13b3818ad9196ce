//! `[services]`, `[volumes]` and `[networks]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::values::{
    DAY, HOUR, LONGEST, MINUTE, SECOND, byte_size, dns_name, duration, free_text, image,
    label_value, list, maybe, plain_text, table, text, text_map, texts,
};
use super::{Shape, Skeleton};

/// The `[services]` table: one entry per shape of the skeleton.
pub fn services(skeleton: &Skeleton) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<(String, Value)>> = (0..skeleton.services.len())
        .map(|index| {
            let name = skeleton.services[index].name.clone();
            service(skeleton, index)
                .prop_map(move |value| (name.clone(), value))
                .boxed()
        })
        .collect();
    entries
        .prop_map(|entries| Value::Table(entries.into_iter().collect()))
        .boxed()
}

/// The `[volumes]` table.
pub fn volumes(skeleton: &Skeleton) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<(String, Value)>> = skeleton
        .volumes
        .iter()
        .map(|name| {
            let name = name.clone();
            (
                maybe(select(vec!["local"])),
                list(("[a-z][a-z0-9.-]{0,20}", label_value()), 2),
            )
                .prop_map(move |(driver, labels)| {
                    let labels = (!labels.is_empty()).then(|| text_map(labels));
                    (
                        name.clone(),
                        table(vec![("driver", driver.map(text)), ("labels", labels)]),
                    )
                })
                .boxed()
        })
        .collect();
    entries
        .prop_map(|entries| Value::Table(entries.into_iter().collect()))
        .boxed()
}

/// The `[networks]` table.
pub fn networks(skeleton: &Skeleton) -> BoxedStrategy<Value> {
    let entries: Vec<BoxedStrategy<(String, Value)>> = skeleton
        .networks
        .iter()
        .map(|name| {
            let name = name.clone();
            (maybe(select(vec!["bridge"])), any::<bool>())
                .prop_map(move |(driver, internal)| {
                    (
                        name.clone(),
                        table(vec![
                            ("driver", driver.map(text)),
                            ("internal", internal.then_some(Value::Boolean(true))),
                        ]),
                    )
                })
                .boxed()
        })
        .collect();
    entries
        .prop_map(|entries| Value::Table(entries.into_iter().collect()))
        .boxed()
}

/// One service, shaped by `skeleton.services[index]`.
fn service(skeleton: &Skeleton, index: usize) -> BoxedStrategy<Value> {
    let shape = skeleton.services[index].clone();
    let shape_replicas = shape.replicas;
    let earlier: Vec<Shape> = skeleton.services[..index].to_vec();
    let volumes = skeleton.volumes.clone();
    let networks = skeleton.networks.clone();
    let basics = (
        image(),
        maybe(free_text()),
        maybe(list(free_text(), 4)),
        maybe(list(free_text(), 2)),
        environment(),
        published_ports(&shape),
        mounts(volumes),
        maybe(select(vec!["no", "always", "on-failure", "unless-stopped"])),
        maybe(resources()),
    );
    let more = (
        list(dns_name(20), 2),
        list(("[a-z][a-z0-9.-]{0,30}", label_value()), 3),
        subset(networks),
        healthcheck(&shape),
        depends_on(&earlier),
        metrics(&shape),
        probes(&shape),
        maybe(dns_name(63)),
        maybe(select(vec!["1000", "1000:1000", "app", "nobody:nogroup"])),
        maybe(select(vec!["/", "/srv/app", "/opt/日本"])),
    );
    let extra = (
        // Several replicas cannot share one container name.
        maybe(container_name(&shape)).prop_map(move |name| name.filter(|_| shape_replicas == 1)),
        maybe(duration(0, LONGEST)),
        ulimits(),
        service_logs(),
        library_alerts(),
    );
    (basics, more, extra)
        .prop_map(move |(basics, more, extra)| {
            let (
                image,
                description,
                command,
                entrypoint,
                environment,
                ports,
                mounts,
                restart,
                resources,
            ) = basics;
            let (
                profiles,
                labels,
                networks,
                healthcheck,
                depends_on,
                metrics,
                probes,
                hostname,
                user,
                working_dir,
            ) = more;
            let (container_name, stop_grace, ulimits, logs, alerts) = extra;
            let exporter = shape.exporter.then_some(Value::Boolean(true));
            table(vec![
                ("image", Some(text(image))),
                ("kind", Some(text(shape.kind))),
                ("team", shape.team.clone().map(text)),
                ("description", description.map(text)),
                ("command", command.filter(|c| !c.is_empty()).map(texts)),
                (
                    "entrypoint",
                    entrypoint.filter(|c| !c.is_empty()).map(texts),
                ),
                ("environment", environment),
                ("ports", ports),
                (
                    "expose",
                    Some(Value::Array(
                        shape
                            .ports
                            .iter()
                            .map(|p| Value::Integer(i64::from(*p)))
                            .collect(),
                    )),
                ),
                ("volumes", mounts),
                (
                    "replicas",
                    (shape.replicas > 1).then(|| Value::Integer(i64::from(shape.replicas))),
                ),
                ("restart", restart.map(text)),
                ("resources", resources),
                (
                    "profiles",
                    (!profiles.is_empty() && shape.profiles_ok).then(|| texts(profiles)),
                ),
                ("labels", (!labels.is_empty()).then(|| text_map(labels))),
                ("networks", (!networks.is_empty()).then(|| texts(networks))),
                ("healthcheck", healthcheck),
                ("depends-on", depends_on),
                ("metrics", metrics),
                ("exporter", exporter),
                ("probes", probes),
                ("hostname", hostname.map(text)),
                ("user", user.map(text)),
                ("working-dir", working_dir.map(text)),
                ("container-name", container_name.map(text)),
                ("stop-grace-period", stop_grace.map(text)),
                ("ulimits", ulimits),
                ("logs", logs),
                ("alerts", alerts),
            ])
        })
        .boxed()
}

/// Environment variables: plain names, values of every type, `${VAR}`
/// references for the secret-like ones.
fn environment() -> BoxedStrategy<Option<Value>> {
    let plain = (
        "[A-Z][A-Z0-9_]{0,20}".prop_filter("not secret-like", |name| !secret_like(name)),
        prop_oneof![
            4 => free_text().prop_map(text),
            1 => any::<i64>().prop_map(Value::Integer),
            1 => prop_oneof![Just(0.5), Just(-1e-7), Just(1e300)].prop_map(Value::Float),
            1 => any::<bool>().prop_map(Value::Boolean),
        ],
    );
    let secret = (
        "[A-Z][A-Z0-9]{0,10}_(PASSWORD|TOKEN|SECRET|KEY)",
        "[A-Z_][A-Z0-9_]{0,30}",
    )
        .prop_map(|(name, var)| (name, text(format!("${{{var}}}"))));
    (list(plain, 4), list(secret, 2))
        .prop_map(|(mut plain, secret)| {
            plain.extend(secret);
            (!plain.is_empty()).then(|| Value::Table(plain.into_iter().collect()))
        })
        .boxed()
}

fn secret_like(name: &str) -> bool {
    [
        "PASS", "PWD", "SECRET", "TOKEN", "KEY", "DSN", "CRED", "WEBHOOK",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Published ports: the shape's host ports, in the short, integer and long forms.
fn published_ports(shape: &Shape) -> BoxedStrategy<Option<Value>> {
    let forms: Vec<BoxedStrategy<Value>> = shape
        .host_ports
        .iter()
        .map(|&(host, container)| {
            // The integer form publishes a port on the same number inside.
            let integer = if host == container {
                Value::Integer(i64::from(host))
            } else {
                text(format!("{host}:{container}"))
            };
            prop_oneof![
                Just(text(format!("{host}:{container}"))),
                Just(text(format!("127.0.0.1:{host}:{container}"))),
                Just(text(format!("{host}:{container}/udp"))),
                Just(integer),
                Just(table(vec![
                    ("container", Some(Value::Integer(i64::from(container)))),
                    ("host", Some(Value::Integer(i64::from(host)))),
                    ("bind", Some(text("0.0.0.0"))),
                    ("protocol", Some(text("tcp"))),
                ])),
            ]
            .boxed()
        })
        .collect();
    forms
        .prop_map(|ports| (!ports.is_empty()).then_some(Value::Array(ports)))
        .boxed()
}

/// Mounts of named volumes, short and long, and tmpfs-like absolute paths.
fn mounts(volumes: Vec<String>) -> BoxedStrategy<Option<Value>> {
    if volumes.is_empty() {
        return Just(None).boxed();
    }
    let target = "/[a-z][a-z0-9_.-]{0,20}(/[a-zA-Z0-9_.-]{1,20}){0,3}"
        .prop_filter("no `..`", |path: &String| {
            !path.split('/').any(|part| part == ".." || part == ".")
        });
    let mount = (select(volumes), target, 0..4_u8).prop_map(|(volume, target, form)| match form {
        0 => text(format!("{volume}:{target}")),
        1 => text(format!("{volume}:{target}:ro")),
        2 => text(format!("{volume}:{target}:rw")),
        _ => table(vec![
            ("source", Some(text(volume))),
            ("target", Some(text(target))),
            ("read-only", Some(Value::Boolean(true))),
        ]),
    });
    list(mount, 3)
        .prop_map(|mounts| {
            let mut seen = std::collections::HashSet::new();
            let mounts: Vec<Value> = mounts
                .into_iter()
                .filter(|m| seen.insert(target_of(m)))
                .collect();
            (!mounts.is_empty()).then_some(Value::Array(mounts))
        })
        .boxed()
}

fn target_of(mount: &Value) -> String {
    match mount {
        Value::String(short) => short.split(':').nth(1).unwrap_or_default().to_owned(),
        other => other
            .get("target")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    }
}

fn resources() -> BoxedStrategy<Value> {
    let cpus = prop_oneof![Just(0.01), Just(0.5), Just(2.0), Just(64.0), 0.01..32.0_f64];
    (
        maybe(cpus.clone()),
        maybe(byte_size()),
        maybe((maybe(cpus), maybe(byte_size()))),
    )
        .prop_map(|(cpus, memory, reservations)| {
            table(vec![
                ("cpus", cpus.map(Value::Float)),
                ("memory", memory.map(text)),
                (
                    "reservations",
                    reservations.map(|(cpus, memory)| {
                        table(vec![
                            ("cpus", cpus.map(Value::Float)),
                            ("memory", memory.map(text)),
                        ])
                    }),
                ),
            ])
        })
        .boxed()
}

/// A subset of `names`, in order.
fn subset(names: Vec<String>) -> BoxedStrategy<Vec<String>> {
    let count = names.len();
    prop::collection::vec(any::<bool>(), count)
        .prop_map(move |keep| {
            names
                .iter()
                .zip(keep)
                .filter(|&(_, keep)| keep)
                .map(|(name, _)| name.clone())
                .collect()
        })
        .boxed()
}

/// A health check in one of its forms when the shape has one.
fn healthcheck(shape: &Shape) -> BoxedStrategy<Option<Value>> {
    if !shape.health {
        return Just(None).boxed();
    }
    let port = shape.ports.first().copied();
    let form = prop_oneof![
        // A program first, then any text: a blank check is refused.
        prop::collection::vec(free_text(), 0..3).prop_map(|args| (
            "command",
            texts(std::iter::once("check".to_owned()).chain(args))
        )),
        free_text().prop_map(|s| ("shell", text(format!("true {s}")))),
        "/[a-zA-Z0-9/_.-]{0,40}(\\?[a-z]=[0-9])?".prop_map(|p| ("http", text(p))),
    ];
    (
        form,
        maybe(select(vec!["wget", "curl"])),
        maybe(duration(SECOND, HOUR)),
        maybe(duration(0, MINUTE)),
        maybe(1..=100_i64),
        maybe(duration(0, DAY)),
    )
        .prop_map(
            move |((key, value), tool, interval, timeout, retries, start)| {
                // An HTTP check needs a port to probe.
                let (key, value) = if key == "http" && port.is_none() {
                    ("shell", text("true"))
                } else {
                    (key, value)
                };
                let http = key == "http";
                Some(table(vec![
                    (key, Some(value)),
                    (
                        "port",
                        port.filter(|_| http).map(|p| Value::Integer(i64::from(p))),
                    ),
                    ("http-tool", tool.filter(|_| http).map(text)),
                    ("interval", interval.map(text)),
                    ("timeout", timeout.map(text)),
                    ("retries", retries.map(Value::Integer)),
                    ("start-period", start.map(text)),
                ]))
            },
        )
        .boxed()
}

/// Dependencies on earlier services (so there is no cycle), as a list or
/// a table of conditions.
fn depends_on(earlier: &[Shape]) -> BoxedStrategy<Option<Value>> {
    if earlier.is_empty() {
        return Just(None).boxed();
    }
    let earlier = earlier.to_vec();
    let count = earlier.len();
    (prop::collection::vec(0..3_u8, count), any::<bool>())
        .prop_map(move |(choices, as_list)| {
            let picked: Vec<(&Shape, u8)> = earlier
                .iter()
                .zip(choices)
                .filter(|(shape, choice)| *choice > 0 && !shape.profiled)
                .collect();
            if picked.is_empty() {
                return None;
            }
            if as_list {
                return Some(texts(picked.iter().map(|(shape, _)| shape.name.clone())));
            }
            Some(Value::Table(
                picked
                    .into_iter()
                    .map(|(shape, choice)| {
                        let condition = match (choice, shape.health) {
                            (2, true) => "healthy",
                            (2, false) => "completed",
                            _ => "started",
                        };
                        (shape.name.clone(), text(condition))
                    })
                    .collect(),
            ))
        })
        .boxed()
}

/// Where Prometheus scrapes the service, when the shape has metrics.
fn metrics(shape: &Shape) -> BoxedStrategy<Option<Value>> {
    if !shape.metrics {
        return Just(None).boxed();
    }
    let ports = shape.ports.clone();
    (
        maybe(select(ports)),
        maybe("/[a-zA-Z0-9/_.-]{0,60}"),
        maybe(duration(10 * SECOND, HOUR)),
        maybe(duration(SECOND, 10 * SECOND)),
        maybe(select(vec!["http", "https"])),
    )
        .prop_map(|(port, path, interval, timeout, scheme)| {
            // A timeout no longer than the interval: set with one of 10s or more.
            let timeout = timeout.filter(|_| interval.is_some());
            Some(table(vec![
                ("port", port.map(|p| Value::Integer(i64::from(p)))),
                ("path", path.map(text)),
                ("interval", interval.map(text)),
                ("timeout", timeout.map(text)),
                ("scheme", scheme.map(text)),
            ]))
        })
        .boxed()
}

/// Blackbox probes of HTTP paths, when the shape asks for them.
fn probes(shape: &Shape) -> BoxedStrategy<Option<Value>> {
    if !shape.probes {
        return Just(None).boxed();
    }
    prop::collection::vec("/[a-zA-Z0-9/_.-]{0,60}", 1..3)
        .prop_map(|paths| Some(texts(paths)))
        .boxed()
}

/// A fixed container name Docker accepts; replicas get `-N` after it.
fn container_name(shape: &Shape) -> BoxedStrategy<String> {
    let max = if shape.replicas > 1 { 58 } else { 63 };
    prop_oneof![
        "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,20}",
        Just(max).prop_map(|max| format!("C{}", "x".repeat(max - 1))),
    ]
    .prop_map(move |name: String| name.chars().take(max).collect())
    .boxed()
}

/// Process limits: single values and soft/hard pairs at the edges.
fn ulimits() -> BoxedStrategy<Option<Value>> {
    let limit = prop_oneof![
        Just(-1_i64),
        Just(0_i64),
        Just(1_i64),
        Just(65_536_i64),
        Just(i64::MAX)
    ];
    let value = prop_oneof![
        limit.clone().prop_map(Value::Integer),
        (limit.clone(), limit).prop_map(|(a, b)| {
            let (soft, hard) = if a == -1 || (b != -1 && a > b) {
                (b, a)
            } else {
                (a, b)
            };
            table(vec![
                ("soft", Some(Value::Integer(soft))),
                ("hard", Some(Value::Integer(hard))),
            ])
        }),
    ];
    let names = select(vec![
        "core",
        "nofile",
        "nproc",
        "memlock",
        "stack",
        "rtprio",
        "sigpending",
    ]);
    list((names, value), 3)
        .prop_map(|limits| {
            (!limits.is_empty())
                .then(|| Value::Table(limits.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
        })
        .boxed()
}

/// `logs`: collected with labels, or left out.
fn service_logs() -> BoxedStrategy<Option<Value>> {
    maybe(prop_oneof![
        any::<bool>().prop_map(Value::Boolean),
        list(
            (
                "[a-z][a-z0-9_]{0,20}".prop_filter("not generated", |l: &String| {
                    ![
                        "service",
                        "team",
                        "container",
                        "project",
                        "stream",
                        "job",
                        "filename",
                    ]
                    .contains(&l.as_str())
                }),
                plain_text()
            ),
            3
        )
        .prop_map(|labels| table(vec![("labels", Some(text_map(labels)))])),
    ])
    .boxed()
}

/// The built-in alerts: off, or on as they are.
fn library_alerts() -> BoxedStrategy<Option<Value>> {
    maybe(any::<bool>().prop_map(|enabled| table(vec![("enabled", Some(Value::Boolean(enabled)))])))
        .boxed()
}
