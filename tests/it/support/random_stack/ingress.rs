//! `[ingress]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::Skeleton;
use super::values::{
    SECOND, YEAR, byte_size, dns_name, duration, image, list, maybe, table, text, texts,
};

/// `[ingress]`, when the skeleton has it: routes to services with a port.
pub fn ingress(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.ingress {
        return Just(None).boxed();
    }
    let targets: Vec<(String, Vec<u16>)> = skeleton
        .services
        .iter()
        .filter(|s| !s.ports.is_empty())
        .map(|s| (s.name.clone(), s.ports.clone()))
        .collect();
    let http_port = skeleton.spare_ports.get(4).copied();
    let zones = prop::collection::btree_map(
        dns_name(63),
        (
            prop_oneof![
                Just("1r/s".to_owned()),
                Just("999999999r/m".to_owned()),
                "[1-9][0-9]{0,4}r/[sm]",
            ],
            maybe(prop_oneof![Just(0_u32), Just(u32::MAX), 1..1000_u32]),
        ),
        0..3,
    );
    (
        maybe(image()),
        any::<bool>(),
        list(server_name(), 3),
        maybe(byte_size()),
        maybe(any::<bool>()),
        list(
            select(vec![
                "10.0.0.5",
                "172.16.0.0/12",
                "::1",
                "fd00::/8",
                "0.0.0.0/0",
            ]),
            3,
        ),
        any::<bool>(),
        zones,
    )
        .prop_flat_map(
            move |(image, set_port, names, body, gzip, allow, exporter, zones)| {
                let zone_names: Vec<String> = zones.keys().cloned().collect();
                let routes = if targets.is_empty() {
                    Just(Vec::new()).boxed()
                } else {
                    list(route(targets.clone(), zone_names), 5).boxed()
                };
                let zones: toml::Table = zones
                    .into_iter()
                    .map(|(name, (rate, burst))| {
                        (
                            name,
                            table(vec![
                                ("rate", Some(text(rate))),
                                ("burst", burst.map(|b| Value::Integer(i64::from(b)))),
                            ]),
                        )
                    })
                    .collect();
                let head = table(vec![
                    ("image", image.map(text)),
                    (
                        "http-port",
                        http_port
                            .filter(|_| set_port)
                            .map(|p| Value::Integer(i64::from(p))),
                    ),
                    ("server-names", (!names.is_empty()).then(|| texts(names))),
                    ("client-max-body-size", body.map(text)),
                    ("gzip", gzip.map(Value::Boolean)),
                    ("status-allow", (!allow.is_empty()).then(|| texts(allow))),
                    ("exporter", Some(Value::Boolean(exporter))),
                    (
                        "rate-limits",
                        (!zones.is_empty()).then_some(Value::Table(zones)),
                    ),
                ]);
                (Just(head), routes)
            },
        )
        .prop_map(|(mut head, routes)| {
            // Routes to one service and port share an upstream: one balance each.
            let mut seen_paths = std::collections::HashSet::new();
            let mut balance: std::collections::HashMap<(String, i64), Value> =
                std::collections::HashMap::new();
            let routes: Vec<Value> = routes
                .into_iter()
                .filter(|route| seen_paths.insert(route["path"].as_str().map(str::to_owned)))
                .map(|mut route| {
                    let key = (route["service"].as_str().unwrap_or_default().to_owned(), 0);
                    if let Some(chosen) = route.get("balance").cloned() {
                        let agreed = balance.entry(key).or_insert(chosen);
                        route["balance"] = agreed.clone();
                    }
                    route
                })
                .collect();
            if !routes.is_empty() {
                head.as_table_mut()
                    .expect("a table")
                    .insert("routes".to_owned(), Value::Array(routes));
            }
            Some(head)
        })
        .boxed()
}

fn server_name() -> BoxedStrategy<String> {
    prop_oneof![
        Just("_".to_owned()),
        Just("localhost".to_owned()),
        "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?){0,3}",
        Just(format!("{}.example.com", "a".repeat(63))),
    ]
    .boxed()
}

fn route(targets: Vec<(String, Vec<u16>)>, zones: Vec<String>) -> BoxedStrategy<Value> {
    let zone = if zones.is_empty() {
        Just(None).boxed()
    } else {
        maybe(select(zones)).boxed()
    };
    (
        path(),
        select(targets).prop_flat_map(|(name, ports)| (Just(name), maybe(select(ports)))),
        maybe(select(vec!["http", "sse", "websocket"])),
        zone,
        maybe(duration(SECOND, YEAR)),
        maybe(select(vec!["round-robin", "least-conn", "ip-hash"])),
    )
        .prop_map(|(path, (service, port), kind, zone, timeout, balance)| {
            table(vec![
                ("path", Some(text(path))),
                ("service", Some(text(service))),
                ("port", port.map(|p| Value::Integer(i64::from(p)))),
                ("kind", kind.map(text)),
                ("rate-limit", zone.map(text)),
                ("read-timeout", timeout.map(text)),
                ("balance", balance.map(text)),
            ])
        })
        .boxed()
}

/// A URL path prefix: short, with every character a route allows, or very long.
fn path() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "/([a-z0-9-]{1,12}/){0,3}".boxed(),
        2 => "/[a-zA-Z0-9/\\-._~%!*+,:=@&()]{0,60}".boxed(),
        1 => "/[a-z/]{2000,4000}".boxed(),
    ]
    .boxed()
}
