//! `[alertmanager]`, `[[alerts]]` and `[[recording-rules]]` of a random stack.

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

use super::Skeleton;
use super::monitoring::bind;
use super::values::{
    DAY, HOUR, MINUTE, SECOND, camel_name, dns_name, duration, image, label_name, list, maybe,
    plain_text, table, text, text_map, texts,
};

/// `PromQL` expressions Prometheus 2.42 reads, at the edges of its syntax.
pub const EXPRESSIONS: &[&str] = &[
    "up == 0",
    "up{job=~\".+\"} == 0",
    "sum by (job) (rate(http_requests_total{status=~\"5..\"}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05",
    "histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m]))) > 1.5e3",
    "absent(up{job=\"日本\"})",
    "time() - process_start_time_seconds < 60",
    "avg_over_time(up[1h:5m]) < .5",
    "max_over_time(memory_bytes[1y]) > 1e308",
    "count(up offset 1w) != count(up)",
    "label_replace(up, \"x\", \"$1\", \"job\", \"(.*)\") == 0",
    "-vector(1) < 0",
    "rate(errors_total[5m]) > 0x10",
    "predict_linear(disk_free_bytes[6h], 4 * 3600) < 0",
];

/// Expressions for recording rules.
const RECORDED: &[&str] = &[
    "sum by (job) (rate(http_requests_total[5m]))",
    "avg_over_time(up[1h:5m])",
    "-vector(1e-300)",
    "count(up{job!~\"\"}) or vector(0)",
];

/// `[alertmanager]`, when the skeleton has it.
pub fn alertmanager(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.alertmanager {
        return Just(None).boxed();
    }
    let receivers = skeleton.receivers.clone();
    let teams = skeleton.teams.clone();
    let port = skeleton.spare_ports.get(3).copied();
    let receiver_tables: Vec<BoxedStrategy<(String, Value)>> = receivers
        .iter()
        .map(|name| {
            let name = name.clone();
            receiver().prop_map(move |r| (name.clone(), r)).boxed()
        })
        .collect();
    let team_routes: Vec<BoxedStrategy<Option<(String, Value)>>> = teams
        .iter()
        .map(|team| {
            let team = team.clone();
            maybe((select(receivers.clone()), any::<bool>(), route_timing()))
                .prop_map(move |route| {
                    route.map(|(receiver, exclusive, timing)| {
                        let mut pairs = vec![
                            ("receiver", Some(text(receiver))),
                            ("exclusive", exclusive.then_some(Value::Boolean(true))),
                        ];
                        pairs.extend(timing);
                        (team.clone(), table(pairs))
                    })
                })
                .boxed()
        })
        .collect();
    let severity_route = maybe((select(receivers.clone()), route_timing())).boxed();
    (
        (
            maybe(image()),
            any::<bool>(),
            maybe(bind()),
            select(receivers.clone()),
            maybe(prop::collection::vec(label_name(), 1..4)),
            maybe(duration(0, HOUR)),
            maybe(duration(SECOND, DAY)),
            maybe(duration(MINUTE, 30 * DAY)),
            maybe(duration(SECOND, DAY)),
        ),
        (
            // Email receivers need it.
            smtp().prop_map(Some),
            receiver_tables,
            (
                severity_route.clone(),
                severity_route.clone(),
                severity_route,
            ),
            team_routes,
            list(matcher_route(receivers), 3),
            list(inhibit_rule(), 2),
            maybe(any::<bool>()),
        ),
    )
        .prop_map(
            move |(
                (image, set_port, bind, default, group_by, wait, interval, repeat, resolve),
                (
                    smtp,
                    receivers,
                    (critical, warning, info),
                    team_routes,
                    routes,
                    inhibit,
                    default_inhibit,
                ),
            )| {
                let severity = |route: Option<SeverityRoute>| {
                    route.map(|(receiver, timing)| {
                        let mut pairs = vec![("receiver", Some(text(receiver)))];
                        pairs.extend(timing);
                        table(pairs)
                    })
                };
                let team_routes: toml::Table = team_routes.into_iter().flatten().collect();
                Some(table(vec![
                    ("image", image.map(text)),
                    (
                        "port",
                        port.filter(|_| set_port)
                            .map(|p| Value::Integer(i64::from(p))),
                    ),
                    ("bind", bind.map(text)),
                    ("default-receiver", Some(text(default))),
                    ("group-by", group_by.map(texts)),
                    ("group-wait", wait.map(text)),
                    ("group-interval", interval.map(text)),
                    ("repeat-interval", repeat.map(text)),
                    ("resolve-timeout", resolve.map(text)),
                    ("smtp", smtp),
                    (
                        "receivers",
                        Some(Value::Table(receivers.into_iter().collect())),
                    ),
                    (
                        "severity-routes",
                        Some(table(vec![
                            ("critical", severity(critical)),
                            ("warning", severity(warning)),
                            ("info", severity(info)),
                        ])),
                    ),
                    (
                        "team-routes",
                        (!team_routes.is_empty()).then_some(Value::Table(team_routes)),
                    ),
                    (
                        "routes",
                        (!routes.is_empty()).then_some(Value::Array(routes)),
                    ),
                    (
                        "inhibit",
                        (!inhibit.is_empty()).then_some(Value::Array(inhibit)),
                    ),
                    ("default-inhibit", default_inhibit.map(Value::Boolean)),
                ]))
            },
        )
        .boxed()
}

/// The timing overrides of a route.
/// A severity route: its receiver and timing keys.
type SeverityRoute = (String, Vec<(&'static str, Option<Value>)>);

fn route_timing() -> BoxedStrategy<Vec<(&'static str, Option<Value>)>> {
    (
        maybe(duration(0, HOUR)),
        maybe(duration(SECOND, DAY)),
        maybe(duration(MINUTE, 30 * DAY)),
    )
        .prop_map(|(wait, interval, repeat)| {
            vec![
                ("group-wait", wait.map(text)),
                ("group-interval", interval.map(text)),
                ("repeat-interval", repeat.map(text)),
            ]
        })
        .boxed()
}

fn smtp() -> BoxedStrategy<Value> {
    (
        "[a-z][a-z0-9.-]{0,30}[a-z]:(25|465|587|2525)",
        "[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,20}\\.[a-z]{2,6}",
        maybe("[a-z0-9._@-]{1,30}"),
        maybe("[A-Z_][A-Z0-9_]{0,20}"),
        maybe(any::<bool>()),
    )
        .prop_map(|(smarthost, from, user, password, tls)| {
            table(vec![
                ("smarthost", Some(text(smarthost))),
                ("from", Some(text(from))),
                ("auth-username", user.map(text)),
                ("auth-password", password.map(|v| text(format!("${{{v}}}")))),
                ("require-tls", tls.map(Value::Boolean)),
            ])
        })
        .boxed()
}

fn receiver() -> BoxedStrategy<Value> {
    let email = "[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){0,2}\\.[a-z]{2,6}";
    let var = "[A-Z_][A-Z0-9_]{0,20}";
    let slack = (var, "[#@][a-z0-9_-]{1,20}").prop_map(|(v, channel)| {
        table(vec![
            ("webhook-url", Some(text(format!("${{{v}}}")))),
            ("channel", Some(text(channel))),
        ])
    });
    let pagerduty = var.prop_map(|v| table(vec![("routing-key", Some(text(format!("${{{v}}}"))))]));
    let webhook = webhook_url().prop_map(|url| table(vec![("url", Some(text(url)))]));
    (
        list(email, 2),
        list(slack, 2),
        list(pagerduty, 1),
        list(webhook, 2),
    )
        .prop_map(|(email, slack, pagerduty, webhook)| {
            let array = |items: Vec<Value>| (!items.is_empty()).then_some(Value::Array(items));
            table(vec![
                ("email", (!email.is_empty()).then(|| texts(email))),
                ("slack", array(slack)),
                ("pagerduty", array(pagerduty)),
                ("webhook", array(webhook)),
            ])
        })
        .boxed()
}

/// A webhook URL: `http` or `https`, a host, maybe a port, a path and a query.
fn webhook_url() -> BoxedStrategy<String> {
    (
        select(vec!["http", "https"]),
        prop_oneof![
            "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,20}){0,2}",
            Just("10.0.0.7".to_owned()),
            Just("[::1]".to_owned()),
        ],
        maybe(1..=65_535_u16),
        "(/[a-zA-Z0-9._~-]{0,20}){0,3}",
        maybe("[a-z]{1,8}=[a-zA-Z0-9%]{0,12}"),
    )
        .prop_map(|(scheme, host, port, path, query)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            format!("{scheme}://{host}{port}{path}{query}")
        })
        .boxed()
}

/// An Alertmanager matcher: `name="value"`, `!=`, `=~`, `!~`.
fn matcher() -> BoxedStrategy<String> {
    (
        label_name(),
        select(vec!["=", "!=", "=~", "!~"]),
        prop_oneof![
            "[a-zA-Z0-9 _.-]{0,20}",
            Just("Disk.*".to_owned()),
            Just("(a|b)+".to_owned()),
            Just("日本".to_owned()),
        ],
    )
        .prop_map(|(name, op, value)| format!("{name}{op}\"{value}\""))
        .boxed()
}

fn matcher_route(receivers: Vec<String>) -> BoxedStrategy<Value> {
    (
        prop::collection::vec(matcher(), 1..3),
        select(receivers),
        any::<bool>(),
        route_timing(),
    )
        .prop_map(|(matchers, receiver, cont, timing)| {
            let mut pairs = vec![
                ("matchers", Some(texts(matchers))),
                ("receiver", Some(text(receiver))),
                ("continue", Some(Value::Boolean(cont))),
            ];
            pairs.extend(timing);
            table(pairs)
        })
        .boxed()
}

fn inhibit_rule() -> BoxedStrategy<Value> {
    (
        prop::collection::vec(matcher(), 1..3),
        prop::collection::vec(matcher(), 1..3),
        list(label_name(), 2),
    )
        .prop_map(|(source, target, equal)| {
            table(vec![
                ("source", Some(texts(source))),
                ("target", Some(texts(target))),
                ("equal", (!equal.is_empty()).then(|| texts(equal))),
            ])
        })
        .boxed()
}

/// `[[alerts]]`, when the skeleton has Prometheus.
pub fn alerts(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.prometheus {
        return Just(None).boxed();
    }
    let teams = skeleton.teams.clone();
    let services: Vec<String> = skeleton.services.iter().map(|s| s.name.clone()).collect();
    list(alert(teams, services), 4)
        .prop_map(|alerts| {
            let mut seen = std::collections::HashSet::new();
            let alerts: Vec<Value> = alerts
                .into_iter()
                .filter(|alert| seen.insert(alert.get("name").map(ToString::to_string)))
                .collect();
            (!alerts.is_empty()).then_some(Value::Array(alerts))
        })
        .boxed()
}

fn alert(teams: Vec<String>, services: Vec<String>) -> BoxedStrategy<Value> {
    (
        (
            camel_name(),
            select(EXPRESSIONS),
            maybe(duration(0, HOUR)),
            maybe(select(vec!["critical", "warning", "info"])),
            maybe(select(teams)),
            maybe(select(services)),
            maybe(dns_name(40)),
        ),
        (
            list(
                (
                    label_name().prop_filter("not set by stackgen", |l| !is_rule_label(l)),
                    plain_text(),
                ),
                3,
            ),
            maybe(template_text()),
            maybe(template_text()),
            maybe(plain_text()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (name, expr, for_, severity, team, service, group),
                (labels, summary, description, runbook, tested),
            )| {
                let tests = tested.then(|| alert_tests(for_.as_deref()));
                let templated = |t: &Option<String>| t.as_deref().is_some_and(|t| t.contains("{{"));
                let tests = tests.filter(|_| !templated(&summary) && !templated(&description));
                let expr = if tests.is_some() { "up == 0" } else { expr };
                table(vec![
                    ("name", Some(text(name))),
                    ("expr", Some(text(expr))),
                    ("for", for_.map(text)),
                    ("severity", severity.map(text)),
                    ("team", team.map(text)),
                    ("service", service.map(text)),
                    ("group", group.map(text)),
                    ("labels", (!labels.is_empty()).then(|| text_map(labels))),
                    ("summary", summary.map(text)),
                    ("description", description.map(text)),
                    ("runbook-url", runbook.map(text)),
                    ("tests", tests),
                ])
            },
        )
        .boxed()
}

/// Labels stackgen sets on an alert itself.
fn is_rule_label(label: &str) -> bool {
    [
        "severity",
        "team",
        "service",
        "alertname",
        "job",
        "instance",
    ]
    .contains(&label)
}

/// Annotation text: free text with no `{{` of its own, or with a valid template.
fn template_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => plain_text(),
        1 => Just("{{ $labels.job }} is down".to_owned()),
        1 => Just("value {{ $value | humanize }}".to_owned()),
    ]
    .boxed()
}

/// Two tests of `up == 0`: one series down long enough to fire, one up.
fn alert_tests(for_: Option<&str>) -> Value {
    let for_ms = for_
        .and_then(stackgen::config::parse_duration_millis)
        .unwrap_or(0);
    // Evaluate two minutes after the alert may fire, on whole minutes.
    let eval_minutes = for_ms.div_ceil(60_000) + 2;
    let samples = eval_minutes + 5;
    let job = "api \"日本\" \\ x";
    let series = format!("up{{job={}, instance=\"a:1\"}}", go_quote(job));
    let eval = super::values::write_duration(eval_minutes * 60_000);
    Value::Array(vec![
        table(vec![
            ("interval", Some(text("1m"))),
            (
                "series",
                Some(Value::Array(vec![table(vec![
                    ("series", Some(text(series.clone()))),
                    ("values", Some(text(format!("0x{samples}")))),
                ])])),
            ),
            ("eval-time", Some(text(eval.clone()))),
            (
                "expect",
                Some(Value::Array(vec![table(vec![(
                    "labels",
                    Some(text_map([("job", job), ("instance", "a:1")])),
                )])])),
            ),
        ]),
        table(vec![
            (
                "series",
                Some(Value::Array(vec![table(vec![
                    ("series", Some(text(series))),
                    ("values", Some(text(format!("1x{samples}")))),
                ])])),
            ),
            ("eval-time", Some(text(eval))),
        ]),
    ])
}

/// `text` as a `PromQL` string literal.
fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `[[recording-rules]]`, when the skeleton has Prometheus.
pub fn recording_rules(skeleton: &Skeleton) -> BoxedStrategy<Option<Value>> {
    if !skeleton.sections.prometheus {
        return Just(None).boxed();
    }
    let rule = (
        "[a-z]{1,10}:[a-z_]{1,20}:[a-z0-9_]{1,10}",
        select(RECORDED),
        maybe(dns_name(40)),
        list((label_name(), plain_text()), 2),
    )
        .prop_map(|(record, expr, group, labels)| {
            table(vec![
                ("record", Some(text(record))),
                ("expr", Some(text(expr))),
                ("group", group.map(text)),
                ("labels", (!labels.is_empty()).then(|| text_map(labels))),
            ])
        });
    list(rule, 3)
        .prop_map(|rules| (!rules.is_empty()).then_some(Value::Array(rules)))
        .boxed()
}
