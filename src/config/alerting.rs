//! Alerting rules, recording rules, built-in alert opt-outs and Alertmanager routing.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::BindAddress;
use crate::syntax::{Duration, LabelMatcher, LabelName, SecretRef};

/// One alerting rule of your own.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertRule {
    /// The alert name, in `UpperCamelCase` (`HighErrorRate`).
    pub name: String,
    /// The `PromQL` expression; the alert fires for every series it returns.
    pub expr: String,
    /// How long the expression must hold before the alert fires.
    #[serde(default, rename = "for")]
    pub for_: Option<Duration>,
    /// `critical`, `warning` or `info`: selects the Alertmanager severity route.
    #[serde(default)]
    pub severity: Severity,
    /// The team that gets the alert (selects the team route).
    #[serde(default)]
    pub team: Option<String>,
    /// The service the alert is about.
    #[serde(default)]
    pub service: Option<String>,
    /// The rule group (and file) the alert goes into; `custom` by default.
    #[serde(default)]
    pub group: Option<String>,
    /// More labels on the alert.
    #[serde(default)]
    pub labels: IndexMap<LabelName, String>,
    /// A one-line summary; `{{ $labels.x }}` and `{{ $value }}` are Prometheus templates and are kept as written.
    #[serde(default)]
    pub summary: Option<String>,
    /// A longer description (Prometheus templates allowed).
    #[serde(default)]
    pub description: Option<String>,
    /// A link to the runbook.
    #[serde(default)]
    pub runbook_url: Option<String>,
    /// Unit tests for this alert, run with `promtool test rules`.
    #[serde(default)]
    pub tests: Vec<AlertTest>,
}

/// An alert severity.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Wake someone up.
    Critical,
    /// Look at it today.
    #[default]
    Warning,
    /// For the record.
    Info,
}

impl Severity {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// A unit test of an alert: synthetic series, a time, and the alerts expected then.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertTest {
    /// The sample interval of the input series.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// Input series in promtool notation.
    pub series: Vec<AlertTestSeries>,
    /// When to evaluate the alert.
    pub eval_time: Duration,
    /// The alerts expected at `eval-time`; empty means the alert must not fire.
    #[serde(default)]
    pub expect: Vec<AlertTestAlert>,
}

/// One synthetic input series.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertTestSeries {
    /// The series selector, such as `up{job="api", instance="api-1:8000"}`.
    pub series: String,
    /// Values in promtool's expanding notation, such as `1x10 0x10`.
    pub values: String,
}

/// One alert expected to fire.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertTestAlert {
    /// Labels the alert gets from its input series (such as `instance` and `job`).
    /// The rule's own labels are added for you: `severity`, `team`, `service`
    /// and its `labels` table; `alertname` is implied.
    #[serde(default)]
    pub labels: IndexMap<LabelName, String>,
    /// The alert's annotations after templating; omitted ones are taken from the rule when it has no templates.
    #[serde(default)]
    pub annotations: IndexMap<LabelName, String>,
}

/// A recording rule.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecordingRule {
    /// The new series name, in `level:metric:operations` form.
    pub record: String,
    /// The `PromQL` expression to record.
    pub expr: String,
    /// The rule group (and file); `recording` by default.
    #[serde(default)]
    pub group: Option<String>,
    /// Labels added to the recorded series.
    #[serde(default)]
    pub labels: IndexMap<LabelName, String>,
}

/// How a service uses the built-in alert library for its kind.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryAlerts {
    /// Set to `false` to turn the built-in alerts off for this service.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Built-in rules to leave out, by alert name (`["HostHighLoad"]`).
    #[serde(default)]
    pub disable: Vec<String>,
    /// Threshold overrides, by alert name: above 0, and below 100 for
    /// percentages and below 1 for ratios (`{ HighErrorRate = 0.1, HostHighCpuUsage = 80 }`).
    #[serde(default)]
    pub thresholds: IndexMap<String, f64>,
}

const fn yes() -> bool {
    true
}

/// The Alertmanager server and its routing.
///
/// Routes are tried in this order: `[[alertmanager.routes]]` (your own
/// matchers), then the team routes (by the `team` label), then the severity
/// routes (by the `severity` label). An alert reaches its team's receiver and
/// its severity's receiver; one that matches no route goes to `default-receiver`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Alertmanager {
    /// The image (`prom/alertmanager:v0.25.0` by default).
    #[serde(default)]
    pub image: Option<String>,
    /// The published host port (9093 by default).
    #[serde(default)]
    pub port: Option<u16>,
    /// The host address the port is published on, such as `127.0.0.1` to keep it off other machines (all addresses by default).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub bind: Option<BindAddress>,
    /// The receiver for alerts no other route takes.
    pub default_receiver: String,
    /// Labels that group alerts into one notification (`alertname`, `service`, `severity` by default).
    #[serde(default)]
    pub group_by: Vec<String>,
    /// How long to wait to batch the first notification of a group (30s by default).
    #[serde(default)]
    pub group_wait: Option<Duration>,
    /// How long to wait before notifying about new alerts in a group (5m by default).
    #[serde(default)]
    pub group_interval: Option<Duration>,
    /// How long to wait before repeating a notification (4h by default).
    #[serde(default)]
    pub repeat_interval: Option<Duration>,
    /// How long before an alert without updates is resolved.
    #[serde(default)]
    pub resolve_timeout: Option<Duration>,
    /// Outgoing mail settings, for email receivers.
    #[serde(default)]
    pub smtp: Option<Smtp>,
    /// Receivers, keyed by name.
    #[serde(default)]
    pub receivers: IndexMap<String, Receiver>,
    /// Routes by severity, tried after the team routes, in the order `critical`, `warning`, `info`.
    #[serde(default)]
    pub severity_routes: SeverityRoutes,
    /// Routes by team, keyed by the `team` label value, tried before the severity routes.
    #[serde(default)]
    pub team_routes: IndexMap<String, TeamRoute>,
    /// Routes on any labels, tried first, in order.
    #[serde(default)]
    pub routes: Vec<MatcherRoute>,
    /// Inhibit rules; a critical-inhibits-warning rule is added unless `default-inhibit = false`.
    #[serde(default)]
    pub inhibit: Vec<InhibitRule>,
    /// Add the rule where a critical alert mutes warnings with the same alertname and service.
    #[serde(default = "yes")]
    pub default_inhibit: bool,
    /// A dead man's switch: the receiver of `Watchdog`, a built-in alert that
    /// always fires (a Healthchecks.io, Dead Man's Snitch or `PagerDuty`
    /// heartbeat webhook, which raises the alarm when its notifications stop
    /// coming). Its route comes before every other, so only this receiver gets
    /// `Watchdog`; without the switch the stack has no `Watchdog`.
    #[serde(default)]
    pub dead_mans_switch: Option<DeadMansSwitch>,
}

/// The receiver of the always-firing `Watchdog` alert, and how often it hears from it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DeadMansSwitch {
    /// The receiver, one of `receivers`.
    pub receiver: String,
    /// How often `Watchdog` is sent again (`1m` by default); keep it well
    /// below the period after which the switch raises the alarm.
    #[serde(default)]
    pub repeat_interval: Option<Duration>,
}

/// Outgoing mail settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Smtp {
    /// `host:port` of the mail relay.
    pub smarthost: String,
    /// The sender address.
    pub from: String,
    /// The login name.
    #[serde(default)]
    pub auth_username: Option<String>,
    /// The password, as `${VAR}`.
    #[serde(default)]
    pub auth_password: Option<SecretRef>,
    /// Require STARTTLS.
    #[serde(default = "yes")]
    pub require_tls: bool,
}

/// A receiver: any mix of email, Slack, `PagerDuty` and webhook targets, all notified together.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Receiver {
    /// Email addresses to notify.
    #[serde(default)]
    pub email: Vec<String>,
    /// Slack channels to post to.
    #[serde(default)]
    pub slack: Vec<SlackTarget>,
    /// `PagerDuty` services to page.
    #[serde(default)]
    pub pagerduty: Vec<PagerdutyTarget>,
    /// Webhooks to call.
    #[serde(default)]
    pub webhook: Vec<WebhookTarget>,
}

impl Receiver {
    /// Whether the receiver notifies anyone at all.
    pub fn has_integration(&self) -> bool {
        !(self.email.is_empty()
            && self.slack.is_empty()
            && self.pagerduty.is_empty()
            && self.webhook.is_empty())
    }
}

/// A Slack channel.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SlackTarget {
    /// The incoming-webhook URL, as `${VAR}`.
    pub webhook_url: SecretRef,
    /// The channel, such as `#alerts`.
    pub channel: String,
}

/// A `PagerDuty` service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PagerdutyTarget {
    /// The Events API v2 routing key, as `${VAR}`.
    pub routing_key: SecretRef,
}

/// A webhook.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WebhookTarget {
    /// The URL to POST alerts to (`http://` or `https://`). It lands in
    /// alertmanager.yml as written: Alertmanager 0.25 reads no webhook URL from a file.
    pub url: String,
}

/// The routes by severity; a severity without a route falls through to `default-receiver`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SeverityRoutes {
    /// The route for `severity="critical"` alerts.
    #[serde(default)]
    pub critical: Option<SeverityRoute>,
    /// The route for `severity="warning"` alerts.
    #[serde(default)]
    pub warning: Option<SeverityRoute>,
    /// The route for `severity="info"` alerts.
    #[serde(default)]
    pub info: Option<SeverityRoute>,
}

impl SeverityRoutes {
    /// The routes that are set, with their severity, in the order `critical`, `warning`, `info`.
    pub fn iter(&self) -> impl Iterator<Item = (Severity, &SeverityRoute)> {
        [
            (Severity::Critical, self.critical.as_ref()),
            (Severity::Warning, self.warning.as_ref()),
            (Severity::Info, self.info.as_ref()),
        ]
        .into_iter()
        .filter_map(|(severity, route)| route.map(|route| (severity, route)))
    }

    /// The route for `severity`, if one is set.
    pub fn get(&self, severity: Severity) -> Option<&SeverityRoute> {
        match severity {
            Severity::Critical => self.critical.as_ref(),
            Severity::Warning => self.warning.as_ref(),
            Severity::Info => self.info.as_ref(),
        }
    }
}

/// The route for one severity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SeverityRoute {
    /// The receiver.
    pub receiver: String,
    /// Overrides the top-level `group-wait`.
    #[serde(default)]
    pub group_wait: Option<Duration>,
    /// Overrides the top-level `group-interval`.
    #[serde(default)]
    pub group_interval: Option<Duration>,
    /// Overrides the top-level `repeat-interval`.
    #[serde(default)]
    pub repeat_interval: Option<Duration>,
}

/// The route for one team.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TeamRoute {
    /// The receiver.
    pub receiver: String,
    /// Keep the team's alerts from the severity routes (by default they reach both).
    #[serde(default)]
    pub exclusive: bool,
    /// Overrides the top-level `group-wait`.
    #[serde(default)]
    pub group_wait: Option<Duration>,
    /// Overrides the top-level `group-interval`.
    #[serde(default)]
    pub group_interval: Option<Duration>,
    /// Overrides the top-level `repeat-interval`.
    #[serde(default)]
    pub repeat_interval: Option<Duration>,
}

/// A route on any labels.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MatcherRoute {
    /// Alertmanager matchers that must all hold, such as `service="postgres"` or `alertname=~"Disk.*"`.
    pub matchers: Vec<LabelMatcher>,
    /// The receiver.
    pub receiver: String,
    /// Keep trying the routes after this one when it matches (by default this route takes the alert).
    #[serde(default, rename = "continue")]
    pub continue_: bool,
    /// Overrides the top-level `group-wait`.
    #[serde(default)]
    pub group_wait: Option<Duration>,
    /// Overrides the top-level `group-interval`.
    #[serde(default)]
    pub group_interval: Option<Duration>,
    /// Overrides the top-level `repeat-interval`.
    #[serde(default)]
    pub repeat_interval: Option<Duration>,
}

/// An inhibit rule: while an alert matching `source` fires, alerts matching `target` are muted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct InhibitRule {
    /// Matchers of the muting alert, such as `severity="critical"`.
    pub source: Vec<LabelMatcher>,
    /// Matchers of the muted alerts.
    pub target: Vec<LabelMatcher>,
    /// Labels that must be equal in both.
    #[serde(default)]
    pub equal: Vec<String>,
}
