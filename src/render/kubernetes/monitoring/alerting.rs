//! The `[alertmanager]` routing as one `AlertmanagerConfig`: the same
//! routes, receivers and inhibit rules as `alertmanager/alertmanager.yml`,
//! with every secret a key of the stack's Secret. The operator nests the
//! routes under a route matching the object's namespace.

use super::super::crd::SecretKeySelector;
use super::super::crd::alertmanager_config::{
    AlertmanagerConfig, AlertmanagerConfigSpec, EmailConfig, InhibitRule, Matcher, PagerdutyConfig,
    Receiver, Route, SlackConfig, WebhookConfig,
};
use super::super::{Files, kubernetes_plan};
use super::{DIR, monitoring_metadata};
use crate::config::SecretRef;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::alertmanager::{
    PAGERDUTY_DESCRIPTION, PlannedRoute, PlannedRouting, SLACK_TEXT, SLACK_TITLE,
};
use crate::syntax::LabelMatcher;

/// Renders `alertmanager-config.yaml` when the plan has one.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    let (Some(name), Some(routing)) = (
        &kubernetes.monitoring.alertmanager_config,
        &plan.alertmanager,
    ) else {
        return Ok(Files::default());
    };
    let secret = |reference: &SecretRef| SecretKeySelector {
        name: kubernetes.secret_name.clone(),
        key: reference.var().to_owned(),
    };
    let config = AlertmanagerConfig::new(
        monitoring_metadata(plan, name)?,
        AlertmanagerConfigSpec {
            route: root_route(routing),
            receivers: routing
                .receivers
                .iter()
                .map(|(name, receiver)| Receiver {
                    name: name.clone(),
                    email_configs: receiver
                        .email
                        .iter()
                        .map(|to| {
                            let smtp = routing.smtp.as_ref();
                            EmailConfig {
                                to: to.clone(),
                                smarthost: smtp.map(|s| s.smarthost.clone()),
                                from: smtp.map(|s| s.from.clone()),
                                auth_username: smtp.and_then(|s| s.auth_username.clone()),
                                auth_password: smtp
                                    .and_then(|s| s.auth_password.as_ref())
                                    .map(secret),
                                require_tls: smtp.map(|s| s.require_tls),
                                send_resolved: true,
                            }
                        })
                        .collect(),
                    slack_configs: receiver
                        .slack
                        .iter()
                        .map(|slack| SlackConfig {
                            api_url: secret(&slack.webhook_url),
                            channel: slack.channel.clone(),
                            send_resolved: true,
                            title: SLACK_TITLE.to_owned(),
                            text: SLACK_TEXT.to_owned(),
                        })
                        .collect(),
                    pagerduty_configs: receiver
                        .pagerduty
                        .iter()
                        .map(|pagerduty| PagerdutyConfig {
                            routing_key: secret(&pagerduty.routing_key),
                            description: PAGERDUTY_DESCRIPTION.to_owned(),
                            send_resolved: true,
                        })
                        .collect(),
                    webhook_configs: receiver
                        .webhook
                        .iter()
                        .map(|webhook| WebhookConfig {
                            url: webhook.url.clone(),
                            send_resolved: true,
                        })
                        .collect(),
                })
                .collect(),
            inhibit_rules: routing
                .inhibit_rules
                .iter()
                .map(|rule| InhibitRule {
                    source_match: rule.source.iter().map(matcher).collect(),
                    target_match: rule.target.iter().map(matcher).collect(),
                    equal: rule.equal.clone(),
                })
                .collect(),
        },
    );
    let mut files = Files::default();
    files.manifest(plan, &format!("{DIR}/alertmanager-config.yaml"), &[config])?;
    Ok(files)
}

/// The top route: the default receiver, grouping and timing, and the
/// planned routes in order.
fn root_route(routing: &PlannedRouting) -> Route {
    Route {
        receiver: routing.default_receiver.clone(),
        group_by: routing.group_by.clone(),
        group_wait: Some(routing.group_wait.to_string()),
        group_interval: Some(routing.group_interval.to_string()),
        repeat_interval: Some(routing.repeat_interval.to_string()),
        matchers: Vec::new(),
        continue_: false,
        routes: routing.routes.iter().map(child_route).collect(),
    }
}

fn child_route(route: &PlannedRoute) -> Route {
    Route {
        receiver: route.receiver.clone(),
        group_by: Vec::new(),
        group_wait: route.group_wait.as_ref().map(ToString::to_string),
        group_interval: route.group_interval.as_ref().map(ToString::to_string),
        repeat_interval: route.repeat_interval.as_ref().map(ToString::to_string),
        matchers: route.matchers.iter().map(matcher).collect(),
        continue_: route.continue_,
        routes: Vec::new(),
    }
}

fn matcher(matcher: &LabelMatcher) -> Matcher {
    Matcher {
        name: matcher.name.clone(),
        value: matcher.value.clone(),
        match_type: matcher.op.to_owned(),
    }
}
