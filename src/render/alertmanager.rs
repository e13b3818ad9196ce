//! `alertmanager/alertmanager.yml` (Alertmanager 0.25) and
//! `alertmanager/route-tests.txt`, one `amtool config routes test` case a line.
//!
//! Secrets never appear in the file: each is a compose secret fed from its
//! environment variable and read through the `*_file` fields 0.25 has
//! (`smtp_auth_password_file`, slack `api_url_file`, pagerduty `routing_key_file`).

use std::collections::HashSet;

use serde::Serialize;

use super::OutputFile;
use super::format::{header_lines, yaml_file};
use crate::config::{Alertmanager, Duration, Receiver, Severity};
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::alertmanager::{
    PlannedInhibitRule, PlannedRoute, expected_receivers, routes, secret_file,
};
use crate::plan::alerts::AlertOrigin;
use crate::syntax::matcher::{LabelMatcher, parse_matcher};

/// The configuration's path in the bundle.
pub const CONFIG: &str = "alertmanager/alertmanager.yml";
/// The routing tests' path in the bundle.
pub const ROUTE_TESTS: &str = "alertmanager/route-tests.txt";
/// Labels notifications are grouped by unless `group-by` says otherwise.
pub const DEFAULT_GROUP_BY: [&str; 3] = ["alertname", "service", "severity"];

/// Renders both files, or nothing without an `[alertmanager]` section.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(settings) = &plan.stack.alertmanager else {
        return Ok(Vec::new());
    };
    let config = config(settings, &plan.inhibit_rules)?;
    Ok(vec![
        OutputFile::text(CONFIG, yaml_file(plan, &config)?),
        OutputFile::text(ROUTE_TESTS, route_tests(plan, settings)),
    ])
}

/// One routing test: the labels of an alert and the receivers it should reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCase {
    /// Why the case exists.
    pub comment: String,
    /// The alert's labels.
    pub labels: Vec<(String, String)>,
    /// The receivers, in notification order.
    pub receivers: Vec<String>,
}

/// The routing cases: one per severity/team combination the stack's alerts
/// use (a built-in rule's alerts carry the team of each job it watches, see
/// [`crate::plan::alerts::PlannedAlert::owners`]), one per SLO alert tier,
/// one per route, and one for the default receiver; duplicates dropped.
pub fn route_cases(plan: &Plan, settings: &Alertmanager) -> Vec<RouteCase> {
    let mut cases: Vec<RouteCase> = Vec::new();
    let mut push = |comment: String, labels: Vec<(String, String)>| {
        if cases.iter().any(|case| case.labels == labels) {
            return;
        }
        let receivers = expected_receivers(settings, &labels);
        cases.push(RouteCase {
            comment,
            labels,
            receivers,
        });
    };
    let mut seen: HashSet<(Severity, Option<&str>)> = HashSet::new();
    for alert in &plan.alerts {
        // A library rule's alerts carry the team and service of the job they
        // come from: one combination per member team.
        for (team, service) in alert.owners() {
            // Each SLO tier gets its case: routes may match `burn_tier` or the SLO.
            let slo = matches!(alert.origin, AlertOrigin::Slo { .. });
            if !seen.insert((alert.severity, team)) && !slo {
                continue;
            }
            let mut labels = alert.alertmanager_labels(team, service);
            labels.retain(|(_, value)| is_plain_value(value));
            push(
                format!(
                    "alert {} (severity {}, team {})",
                    alert.name,
                    alert.severity.as_str(),
                    team.unwrap_or("none")
                ),
                labels,
            );
        }
    }
    for route in routes(settings) {
        if let Some(labels) = labels_matching(&route) {
            push(format!("route {}", route.pointer), labels);
        }
    }
    push(
        "no route matches: the default receiver".to_owned(),
        vec![("alertname".to_owned(), "StackgenUnrouted".to_owned())],
    );
    cases
}

/// Builds the Alertmanager configuration; `planned` are the inhibit rules
/// the plan adds (for SLO alerts) after the section's own.
fn config(settings: &Alertmanager, planned: &[PlannedInhibitRule]) -> Result<AmConfig, Error> {
    let group_by = if settings.group_by.is_empty() {
        DEFAULT_GROUP_BY.iter().map(|s| (*s).to_owned()).collect()
    } else {
        settings.group_by.clone()
    };
    let smtp = settings.smtp.as_ref();
    let global = AmGlobal {
        resolve_timeout: settings.resolve_timeout.as_ref().map(text),
        smtp_smarthost: smtp.map(|s| s.smarthost.clone()),
        smtp_from: smtp.map(|s| s.from.clone()),
        smtp_auth_username: smtp.and_then(|s| s.auth_username.clone()),
        smtp_auth_password_file: smtp.and_then(|s| s.auth_password.as_ref()).map(secret_file),
        smtp_require_tls: smtp.map(|s| s.require_tls),
    };
    let mut inhibit_rules = Vec::new();
    if settings.default_inhibit {
        inhibit_rules.push(AmInhibitRule {
            source_matchers: vec!["severity=\"critical\"".to_owned()],
            target_matchers: vec!["severity=\"warning\"".to_owned()],
            equal: vec!["alertname".to_owned(), "service".to_owned()],
        });
    }
    for rule in &settings.inhibit {
        inhibit_rules.push(AmInhibitRule {
            source_matchers: normalize(&rule.source)?,
            target_matchers: normalize(&rule.target)?,
            equal: rule.equal.clone(),
        });
    }
    for rule in planned {
        inhibit_rules.push(AmInhibitRule {
            source_matchers: rule
                .source
                .iter()
                .map(LabelMatcher::to_alertmanager)
                .collect(),
            target_matchers: rule
                .target
                .iter()
                .map(LabelMatcher::to_alertmanager)
                .collect(),
            equal: rule.equal.clone(),
        });
    }
    Ok(AmConfig {
        global,
        route: AmRoute {
            receiver: settings.default_receiver.clone(),
            group_by,
            group_wait: Some(duration(settings.group_wait.as_ref(), "30s")),
            group_interval: Some(duration(settings.group_interval.as_ref(), "5m")),
            repeat_interval: Some(duration(settings.repeat_interval.as_ref(), "4h")),
            routes: routes(settings).iter().map(child_route).collect(),
        },
        inhibit_rules,
        receivers: settings
            .receivers
            .iter()
            .map(|(name, receiver)| am_receiver(name, receiver))
            .collect(),
    })
}

fn child_route(route: &PlannedRoute) -> AmChildRoute {
    AmChildRoute {
        receiver: route.receiver.clone(),
        matchers: route
            .matchers
            .iter()
            .map(LabelMatcher::to_alertmanager)
            .collect(),
        continue_: route.continue_,
        group_wait: route.group_wait.as_ref().map(text),
        group_interval: route.group_interval.as_ref().map(text),
        repeat_interval: route.repeat_interval.as_ref().map(text),
    }
}

fn am_receiver(name: &str, receiver: &Receiver) -> AmReceiver {
    AmReceiver {
        name: name.to_owned(),
        email_configs: receiver
            .email
            .iter()
            .map(|to| AmEmail {
                to: to.clone(),
                send_resolved: true,
            })
            .collect(),
        slack_configs: receiver
            .slack
            .iter()
            .map(|slack| AmSlack {
                api_url_file: secret_file(&slack.webhook_url),
                channel: slack.channel.clone(),
                send_resolved: true,
                title: SLACK_TITLE,
                text: SLACK_TEXT,
            })
            .collect(),
        pagerduty_configs: receiver
            .pagerduty
            .iter()
            .map(|pagerduty| AmPagerduty {
                routing_key_file: secret_file(&pagerduty.routing_key),
                send_resolved: true,
                description: PAGERDUTY_DESCRIPTION,
            })
            .collect(),
        // Alertmanager 0.25 has no `url_file` for webhooks: the URL is written as given.
        webhook_configs: receiver
            .webhook
            .iter()
            .map(|webhook| AmWebhook {
                url: webhook.url.clone(),
                send_resolved: true,
            })
            .collect(),
    }
}

/// The slack message title (Alertmanager templates, kept verbatim).
const SLACK_TITLE: &str = "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}";
/// The slack message body.
const SLACK_TEXT: &str = "{{ range .Alerts }}*{{ .Labels.severity }}*{{ if .Labels.service }} `{{ .Labels.service }}`{{ end }}: {{ .Annotations.summary }}\n{{ if .Annotations.description }}{{ .Annotations.description }}\n{{ end }}{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}";
/// The `PagerDuty` incident summary.
const PAGERDUTY_DESCRIPTION: &str =
    "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}";

fn route_tests(plan: &Plan, settings: &Alertmanager) -> String {
    let mut out = format!(
        "# {}\n# One case a line: RECEIVER[,RECEIVER...] label=value ...\n# Check with: amtool config routes test --config.file=alertmanager.yml --verify.receivers=RECEIVERS label=value ...\n",
        header_lines(plan)
    );
    for case in route_cases(plan, settings) {
        let mut words = vec![case.receivers.join(",")];
        words.extend(
            case.labels
                .iter()
                .map(|(name, value)| format!("{name}={value}")),
        );
        out.push_str("\n# ");
        out.push_str(&case.comment);
        out.push('\n');
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// Labels that satisfy every matcher of a route: the value of `=`, the first
/// fitting alternative of `=~`, no label for `!=`/`!~`; `None` when that fails.
fn labels_matching(route: &PlannedRoute) -> Option<Vec<(String, String)>> {
    let mut labels = vec![("alertname".to_owned(), "StackgenRouteTest".to_owned())];
    for matcher in &route.matchers {
        let candidates: Vec<&str> = match matcher.op {
            "=" => vec![matcher.value.as_str()],
            "=~" => matcher.value.split('|').collect(),
            _ => vec![""],
        };
        let choice = candidates.into_iter().find(|candidate| {
            let probe = [(matcher.name.clone(), (*candidate).to_owned())];
            (candidate.is_empty() || is_plain_value(candidate)) && matcher.matches(&probe)
        })?;
        labels.retain(|(name, _)| *name != matcher.name);
        if !choice.is_empty() {
            labels.push((matcher.name.clone(), choice.to_owned()));
        }
    }
    route
        .matchers
        .iter()
        .all(|m| m.matches(&labels))
        .then_some(labels)
}

/// Whether a label value can be passed to amtool as a bare `name=value` word.
fn is_plain_value(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
}

fn normalize(matchers: &[String]) -> Result<Vec<String>, Error> {
    matchers
        .iter()
        .map(|m| {
            parse_matcher(m)
                .map(|parsed| parsed.to_alertmanager())
                .map_err(|reason| Error::Bug(format!("unchecked matcher `{m}`: {reason}")))
        })
        .collect()
}

fn text(duration: &Duration) -> String {
    duration.as_str().to_owned()
}

fn duration(value: Option<&Duration>, default: &str) -> String {
    value.map_or_else(|| default.to_owned(), text)
}

#[derive(Serialize)]
struct AmConfig {
    global: AmGlobal,
    route: AmRoute,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    inhibit_rules: Vec<AmInhibitRule>,
    receivers: Vec<AmReceiver>,
}

#[derive(Serialize)]
struct AmGlobal {
    #[serde(skip_serializing_if = "Option::is_none")]
    resolve_timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_smarthost: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_auth_password_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_require_tls: Option<bool>,
}

#[derive(Serialize)]
struct AmRoute {
    receiver: String,
    group_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_wait: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_interval: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    routes: Vec<AmChildRoute>,
}

#[derive(Serialize)]
struct AmChildRoute {
    receiver: String,
    matchers: Vec<String>,
    #[serde(rename = "continue", skip_serializing_if = "std::ops::Not::not")]
    continue_: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_wait: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_interval: Option<String>,
}

#[derive(Serialize)]
struct AmInhibitRule {
    source_matchers: Vec<String>,
    target_matchers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    equal: Vec<String>,
}

#[derive(Serialize)]
struct AmReceiver {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    email_configs: Vec<AmEmail>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    slack_configs: Vec<AmSlack>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pagerduty_configs: Vec<AmPagerduty>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    webhook_configs: Vec<AmWebhook>,
}

#[derive(Serialize)]
struct AmEmail {
    to: String,
    send_resolved: bool,
}

#[derive(Serialize)]
struct AmSlack {
    api_url_file: String,
    channel: String,
    send_resolved: bool,
    title: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct AmPagerduty {
    routing_key_file: String,
    send_resolved: bool,
    description: &'static str,
}

#[derive(Serialize)]
struct AmWebhook {
    url: String,
    send_resolved: bool,
}
