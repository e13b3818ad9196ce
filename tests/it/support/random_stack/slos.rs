//! `[[slos]]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::Skeleton;
use super::values::{
    DAY, camel_name, duration, label_name, list, maybe, plain_text, table, text, text_map,
};

/// `[[slos]]` of services Prometheus scrapes, when the skeleton has Prometheus.
pub fn slos(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    let scraped: Vec<String> = skeleton
        .services
        .iter()
        .filter(|s| s.metrics)
        .map(|s| s.name.clone())
        .collect();
    if !skeleton.sections.prometheus || scraped.is_empty() {
        return Just(None).boxed();
    }
    list(slo(scraped), 3)
        .prop_map(|slos| {
            let mut seen = std::collections::HashSet::new();
            let slos: Vec<Value> = slos
                .into_iter()
                .filter(|s| {
                    seen.insert((
                        s["service"].as_str().map(str::to_owned),
                        s["name"].as_str().map(str::to_owned),
                    ))
                })
                .collect();
            (!slos.is_empty()).then_some(Value::Array(slos))
        })
        .boxed()
}

fn slo(services: Vec<String>) -> BoxedStrategy<Value> {
    let objective = prop_oneof![
        Just(90.0),
        Just(99.0),
        Just(99.9),
        Just(99.95),
        Just(99.999_999_999_9),
        (900_000_u32..=999_999).prop_map(|n| f64::from(n) / 10_000.0 + 0.0),
    ];
    let sli = prop_oneof![
        (
            select(vec!["http_requests_total", "grpc_server_handled_total"]),
            "[a-zA-Z0-9 ._:/-]{0,30}"
        )
            .prop_map(|(metric, job)| {
                let job = promql_string(&job);
                table(vec![(
                    "ratio",
                    Some(table(vec![
                        (
                            "errors",
                            Some(text(format!("{metric}{{job={job}, code=~\"5..\"}}"))),
                        ),
                        ("total", Some(text(format!("{metric}{{job={job}}}")))),
                    ])),
                )])
            }),
        (
            select(vec!["http_request_duration_seconds", "rpc_latency"]),
            prop_oneof![Just(0.005), Just(0.3), Just(1.0), Just(1e-5), Just(2.5e6)],
            maybe(select(vec![
                "{job=\"api\"}",
                "{route!=\"/health\", job=~\"a.*\"}"
            ])),
        )
            .prop_map(|(histogram, le, selector)| {
                table(vec![(
                    "latency",
                    Some(table(vec![
                        ("histogram", Some(text(histogram))),
                        ("le", Some(Value::Float(le))),
                        ("selector", selector.map(text)),
                    ])),
                )])
            }),
    ];
    let tier = prop_oneof![
        1 => any::<bool>().prop_map(Value::Boolean),
        2 => (
            maybe(select(vec!["critical", "warning", "info"])),
            list((label_name().prop_filter("not set by stackgen", |l| !RESERVED.contains(&l.as_str())), plain_text()), 2),
            list((label_name(), plain_text()), 2),
        )
            .prop_map(|(severity, labels, annotations)| {
                table(vec![
                    ("severity", severity.map(text)),
                    ("labels", (!labels.is_empty()).then(|| text_map(labels))),
                    ("annotations", (!annotations.is_empty()).then(|| text_map(annotations))),
                ])
            }),
    ];
    (
        select(services),
        "[a-z][a-z0-9-]{0,30}[a-z0-9]",
        objective,
        maybe(duration(3 * DAY, 30 * DAY)),
        maybe(plain_text()),
        sli,
        (
            maybe(camel_name()),
            maybe(tier.clone()),
            maybe(tier),
            maybe(plain_text()),
        ),
    )
        .prop_map(
            |(
                service,
                name,
                objective,
                period,
                description,
                sli,
                (alert, page, ticket, runbook),
            )| {
                let mut slo = table(vec![
                    ("service", Some(text(service))),
                    ("name", Some(text(name))),
                    ("objective", Some(Value::Float(objective))),
                    ("period", period.map(text)),
                    ("description", description.map(text)),
                    (
                        "alerting",
                        Some(table(vec![
                            ("name", alert.map(text)),
                            ("page", page),
                            ("ticket", ticket),
                            ("runbook", runbook.map(text)),
                        ])),
                    ),
                ]);
                if let (Some(slo), Value::Table(sli)) = (slo.as_table_mut(), sli) {
                    slo.extend(sli);
                }
                slo
            },
        )
        .boxed()
}

/// Labels an SLO alert carries itself.
const RESERVED: &[&str] = &[
    "severity",
    "team",
    "service",
    "alertname",
    "sloth_id",
    "sloth_service",
    "sloth_slo",
    "burn_tier",
    "slo",
];

/// `text` as a `PromQL` string literal.
fn promql_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
