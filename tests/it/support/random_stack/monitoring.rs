//! `[prometheus]`, `[grafana]` and `[logs]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::Skeleton;
use super::values::{
    DAY, HOUR, LONGEST, SECOND, YEAR, byte_size, duration, free_text, image, label_name,
    label_value, list, maybe, plain_text, table, text, text_map, texts,
};

/// The host addresses a generated service may be published on.
pub fn bind() -> BoxedStrategy<String> {
    select(vec!["127.0.0.1", "0.0.0.0", "::1", "::", "192.168.255.255"])
        .prop_map(str::to_owned)
        .boxed()
}

/// `[prometheus]`, when the skeleton has it.
pub fn prometheus(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.prometheus {
        return Just(None).boxed();
    }
    let port = skeleton.spare_ports.first().copied();
    (
        maybe(image()),
        any::<bool>(),
        maybe(bind()),
        maybe(duration(SECOND, HOUR)),
        maybe(duration(SECOND, HOUR)),
        // SLO periods (30d by default) must fit in the retention.
        duration(31 * DAY, LONGEST).prop_map(Some),
        maybe(byte_size()),
        list((label_name(), label_value()), 3),
        any::<bool>(),
        any::<bool>(),
        list(extra_scrape(), 3),
    )
        .prop_map(
            move |(
                image,
                set_port,
                bind,
                scrape,
                evaluation,
                retention,
                size,
                labels,
                node,
                cadvisor,
                jobs,
            )| {
                Some(table(vec![
                    ("image", image.map(text)),
                    (
                        "port",
                        port.filter(|_| set_port)
                            .map(|p| Value::Integer(i64::from(p))),
                    ),
                    ("bind", bind.map(text)),
                    ("scrape-interval", scrape.map(text)),
                    ("evaluation-interval", evaluation.map(text)),
                    ("retention", retention.map(text)),
                    ("retention-size", size.map(text)),
                    (
                        "external-labels",
                        (!labels.is_empty()).then(|| text_map(labels)),
                    ),
                    ("node-exporter", Some(Value::Boolean(node))),
                    ("cadvisor", Some(Value::Boolean(cadvisor))),
                    ("scrape", (!jobs.is_empty()).then_some(Value::Array(jobs))),
                ]))
            },
        )
        .boxed()
}

/// An extra scrape job with `host:port` targets.
fn extra_scrape() -> BoxedStrategy<Value> {
    let host = prop_oneof![
        "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,10}){0,3}",
        Just("10.0.0.1".to_owned()),
        Just("[::1]".to_owned()),
    ];
    let target = (host, 1..=65_535_u16).prop_map(|(host, port)| format!("{host}:{port}"));
    (
        free_text(),
        prop::collection::vec(target, 1..4),
        maybe("/[a-zA-Z0-9/_.-]{0,40}"),
        maybe(select(vec!["http", "https"])),
        maybe(duration(SECOND, HOUR)),
    )
        .prop_map(|(job, targets, path, scheme, interval)| {
            table(vec![
                ("job", Some(text(job))),
                ("targets", Some(texts(targets))),
                ("path", path.map(text)),
                ("scheme", scheme.map(text)),
                ("interval", interval.map(text)),
            ])
        })
        .boxed()
}

/// `[grafana]`, when the skeleton has it.
pub fn grafana(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.grafana {
        return Just(None).boxed();
    }
    let port = skeleton.spare_ports.get(1).copied();
    (
        maybe(image()),
        any::<bool>(),
        maybe(bind()),
        maybe(plain_text()),
        "[A-Z_][A-Z0-9_]{0,30}",
        any::<bool>(),
    )
        .prop_map(move |(image, set_port, bind, user, password, auto)| {
            Some(table(vec![
                ("image", image.map(text)),
                (
                    "port",
                    port.filter(|_| set_port)
                        .map(|p| Value::Integer(i64::from(p))),
                ),
                ("bind", bind.map(text)),
                ("admin-user", user.map(text)),
                ("admin-password", Some(text(format!("${{{password}}}")))),
                ("auto-dashboards", Some(Value::Boolean(auto))),
            ]))
        })
        .boxed()
}

/// `[logs]`, when the skeleton has it.
pub fn logs(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.logs {
        return Just(None).boxed();
    }
    let port = skeleton.spare_ports.get(2).copied();
    let loki_version = select(vec!["2.9.0", "2.9.17", "3.0.0", "3.5.1", "3.6.5", "3.7.6"]);
    let alloy_version = select(vec!["1.0.0", "1.9.0", "1.18.1"]);
    let host_logs = prop_oneof![
        any::<bool>().prop_map(Value::Boolean),
        prop::collection::vec("/var/log/[a-z][a-z0-9_.-]{0,20}(/\\*\\.log)?", 1..3).prop_map(texts),
    ];
    (
        maybe(loki_version),
        maybe(duration(DAY, YEAR)),
        any::<bool>(),
        maybe(bind()),
        maybe(alloy_version),
        maybe(host_logs),
    )
        .prop_map(move |(loki, retention, set_port, bind, alloy, host_logs)| {
            Some(table(vec![
                (
                    "loki",
                    Some(table(vec![
                        ("version", loki.map(text)),
                        ("retention", retention.map(text)),
                        (
                            "port",
                            port.filter(|_| set_port)
                                .map(|p| Value::Integer(i64::from(p))),
                        ),
                        ("bind", bind.map(text)),
                    ])),
                ),
                ("alloy", Some(table(vec![("version", alloy.map(text))]))),
                ("host-logs", host_logs),
            ]))
        })
        .boxed()
}
