//! `alertmanager/alertmanager.yml` (Alertmanager 0.25) and
//! `alertmanager/route-tests.txt`, one `amtool config routes test` case a line.
//!
//! Secrets never appear in the file: each is a compose secret fed from its
//! environment variable and read through the `*_file` fields 0.25 has
//! (`smtp_auth_password_file`, slack `api_url_file`, pagerduty `routing_key_file`).

use serde::Serialize;

use super::OutputFile;
use super::format::{header_lines, yaml_file};
use crate::config::Receiver;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::alertmanager::{
    PAGERDUTY_DESCRIPTION, PlannedInhibitRule, PlannedRoute, PlannedRouting, SLACK_TEXT,
    SLACK_TITLE, secret_file,
};
use crate::syntax::LabelMatcher;
use crate::syntax::comment_text;

/// The configuration's path in the bundle.
pub const CONFIG: &str = "alertmanager/alertmanager.yml";
/// The routing tests' path in the bundle.
pub const ROUTE_TESTS: &str = "alertmanager/route-tests.txt";

/// Renders both files, or nothing without an `[alertmanager]` section.
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(routing) = &plan.alertmanager else {
        return Ok(Vec::new());
    };
    Ok(vec![
        OutputFile::text(CONFIG, yaml_file(plan, &config(routing))?),
        OutputFile::text(ROUTE_TESTS, route_tests(plan, routing)),
    ])
}

/// The Alertmanager configuration: the plan's routing and receivers.
fn config(routing: &PlannedRouting) -> AmConfig {
    let smtp = routing.smtp.as_ref();
    let global = AmGlobal {
        resolve_timeout: routing.resolve_timeout.as_ref().map(ToString::to_string),
        smtp_smarthost: smtp.map(|s| s.smarthost.clone()),
        smtp_from: smtp.map(|s| s.from.clone()),
        smtp_auth_username: smtp.and_then(|s| s.auth_username.clone()),
        smtp_auth_password_file: smtp.and_then(|s| s.auth_password.as_ref()).map(secret_file),
        smtp_require_tls: smtp.map(|s| s.require_tls),
    };
    AmConfig {
        global,
        route: AmRoute {
            receiver: routing.default_receiver.clone(),
            group_by: routing.group_by.clone(),
            group_wait: Some(routing.group_wait.to_string()),
            group_interval: Some(routing.group_interval.to_string()),
            repeat_interval: Some(routing.repeat_interval.to_string()),
            routes: routing.routes.iter().map(child_route).collect(),
        },
        inhibit_rules: routing.inhibit_rules.iter().map(inhibit_rule).collect(),
        receivers: routing
            .receivers
            .iter()
            .map(|(name, receiver)| am_receiver(name, receiver))
            .collect(),
    }
}

fn inhibit_rule(rule: &PlannedInhibitRule) -> AmInhibitRule {
    AmInhibitRule {
        source_matchers: matchers(&rule.source),
        target_matchers: matchers(&rule.target),
        equal: rule.equal.clone(),
    }
}

fn matchers(matchers: &[LabelMatcher]) -> Vec<String> {
    matchers.iter().map(LabelMatcher::to_alertmanager).collect()
}

fn child_route(route: &PlannedRoute) -> AmChildRoute {
    AmChildRoute {
        receiver: route.receiver.clone(),
        matchers: matchers(&route.matchers),
        continue_: route.continue_,
        group_wait: route.group_wait.as_ref().map(ToString::to_string),
        group_interval: route.group_interval.as_ref().map(ToString::to_string),
        repeat_interval: route.repeat_interval.as_ref().map(ToString::to_string),
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

fn route_tests(plan: &Plan, routing: &PlannedRouting) -> String {
    let mut out = format!(
        "# {}\n# One case a line: RECEIVER[,RECEIVER...] label=value ...\n# Check with: amtool config routes test --config.file=alertmanager.yml --verify.receivers=RECEIVERS label=value ...\n",
        header_lines(plan)
    );
    for case in &routing.route_tests {
        let mut words = vec![case.receivers.join(",")];
        words.extend(
            case.labels
                .iter()
                .map(|(name, value)| format!("{name}={value}")),
        );
        out.push_str("\n# ");
        out.push_str(&comment_text(&case.comment));
        out.push('\n');
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
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
