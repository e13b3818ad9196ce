//! The valid stack every structured case starts from, written as TOML with
//! the fields' text in place (and one strict field replaced, if asked).

use toml::{Table, Value as Toml};

use super::field_checks::go_literal;
use super::fields::{Fields, Strict};

impl Fields {
    /// The stack with every field in place.
    pub(super) fn stack(&self) -> String {
        StackText {
            fields: self,
            strict: None,
        }
        .render()
    }

    /// The stack with `value` in the strict `field`.
    pub(super) fn stack_with(&self, field: Strict, value: &str) -> String {
        StackText {
            fields: self,
            strict: Some((field, value)),
        }
        .render()
    }
}

/// The valid stack every structured case starts from; `strict` replaces one
/// strictly validated value.
struct StackText<'a> {
    fields: &'a Fields,
    strict: Option<(Strict, &'a str)>,
}

impl StackText<'_> {
    fn strict(&self, field: Strict, default: &'static str) -> Toml {
        match self.strict {
            Some((which, value)) if which == field => value.into(),
            _ => default.into(),
        }
    }

    fn render(&self) -> String {
        let f = self.fields;
        let mut root = Table::new();
        root.insert(
            "stack".into(),
            table([
                ("name", self.strict(Strict::StackName, "fuzz")),
                ("description", f.stack_description.as_str().into()),
                (
                    "targets",
                    Toml::Array(vec!["compose".into(), "kubernetes".into()]),
                ),
            ]),
        );
        let label_key = match self.strict {
            Some((Strict::LabelKey, value)) => value,
            _ => "fuzz.label",
        };
        let service = table([
            ("image", "nginx:1.25".into()),
            ("description", f.service_description.as_str().into()),
            ("expose", Toml::Array(vec![Toml::Integer(8080)])),
            (
                "labels",
                table([(label_key, f.label_value.as_str().into())]),
            ),
            (
                "environment",
                table([("FUZZ_VALUE", f.env_value.as_str().into())]),
            ),
            (
                "command",
                Toml::Array(vec!["run".into(), f.command_arg.as_str().into()]),
            ),
            ("healthcheck", table([("shell", f.shell().into())])),
            ("user", f.user.as_str().into()),
            ("working-dir", f.working_dir.as_str().into()),
            ("metrics", table([("path", "/metrics".into())])),
            ("team", self.strict(Strict::Team, "fuzz-team")),
            (
                "logs",
                table([(
                    "labels",
                    table([("fuzz", self.strict(Strict::LogLabel, "plain"))]),
                )]),
            ),
        ]);
        root.insert("services".into(), table([("app", service)]));
        root.insert(
            "prometheus".into(),
            table([(
                "external-labels",
                table([("fuzz", f.external_label.as_str().into())]),
            )]),
        );
        root.insert(
            "alertmanager".into(),
            table([
                ("default-receiver", "ops".into()),
                (
                    "receivers",
                    table([(
                        "ops",
                        table([(
                            "slack",
                            Toml::Array(vec![table([
                                ("webhook-url", "${SLACK_WEBHOOK_URL}".into()),
                                ("channel", self.strict(Strict::SlackChannel, "#alerts")),
                            ])]),
                        )]),
                    )]),
                ),
            ]),
        );
        root.insert(
            "grafana".into(),
            table([("admin-password", "${GRAFANA_ADMIN_PASSWORD}".into())]),
        );
        let alert_test = table([
            (
                "series",
                Toml::Array(vec![table([
                    ("series", "up{job=\"app\", instance=\"app:8080\"}".into()),
                    ("values", "0x10".into()),
                ])]),
            ),
            ("eval-time", "5m".into()),
            (
                "expect",
                Toml::Array(vec![table([(
                    "labels",
                    table([("job", "app".into()), ("instance", "app:8080".into())]),
                )])]),
            ),
        ]);
        root.insert(
            "alerts".into(),
            Toml::Array(vec![table([
                ("name", "FuzzAlert".into()),
                ("expr", "up == 0".into()),
                ("summary", go_literal(&f.alert_summary).into()),
                ("description", go_literal(&f.alert_description).into()),
                (
                    "labels",
                    table([("fuzz", go_literal(&f.alert_label_value).into())]),
                ),
                ("tests", Toml::Array(vec![alert_test])),
            ])]),
        );
        // SLO texts are plain: stackgen writes them as Go template literals itself.
        let tier = table([
            (
                "labels",
                table([("fuzz", f.slo_label_value.as_str().into())]),
            ),
            (
                "annotations",
                table([("fuzz", f.slo_annotation.as_str().into())]),
            ),
        ]);
        root.insert(
            "slos".into(),
            Toml::Array(vec![table([
                ("service", "app".into()),
                ("name", "fuzz".into()),
                ("objective", Toml::Float(99.5)),
                ("period", "7d".into()),
                ("description", f.slo_description.as_str().into()),
                (
                    "ratio",
                    table([
                        ("errors", "http_requests_total{status=~\"5..\"}".into()),
                        ("total", "http_requests_total".into()),
                    ]),
                ),
                (
                    "alerting",
                    table([("runbook", f.slo_runbook.as_str().into()), ("page", tier)]),
                ),
            ])]),
        );
        let panel = table([
            ("title", f.panel_title.as_str().into()),
            ("description", f.panel_description.as_str().into()),
            (
                "queries",
                Toml::Array(vec![table([
                    ("expr", "up".into()),
                    ("legend", f.legend.as_str().into()),
                ])]),
            ),
        ]);
        root.insert(
            "dashboards".into(),
            Toml::Array(vec![table([
                ("title", f.dashboard_title.as_str().into()),
                ("uid", "fuzz".into()),
                (
                    "rows",
                    Toml::Array(vec![table([
                        ("title", f.row_title.as_str().into()),
                        ("panels", Toml::Array(vec![panel])),
                    ])]),
                ),
            ])]),
        );
        root.insert(
            "logs".into(),
            table([(
                "host-logs",
                Toml::Array(vec![
                    self.strict(Strict::HostLogPath, "/var/log/fuzz/*.log"),
                ]),
            )]),
        );
        root.insert(
            "ingress".into(),
            table([
                (
                    "server-names",
                    Toml::Array(vec![self.strict(Strict::ServerName, "fuzz.example.com")]),
                ),
                (
                    "routes",
                    Toml::Array(vec![table([
                        ("path", self.strict(Strict::RoutePath, "/fuzz/")),
                        ("service", "app".into()),
                    ])]),
                ),
            ]),
        );
        toml::to_string(&root).expect("a TOML table serializes")
    }
}

fn table<'a>(entries: impl IntoIterator<Item = (&'a str, Toml)>) -> Toml {
    Toml::Table(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}
