//! prometheus-operator's `monitoring.coreos.com/v1alpha1`
//! `AlertmanagerConfig`: a routing subtree and its receivers, merged by the
//! operator into the cluster's Alertmanager under a route that matches the
//! object's own namespace only.

use serde::Serialize;

use super::{ObjectMeta, SecretKeySelector};

/// The API version.
pub const API_VERSION: &str = "monitoring.coreos.com/v1alpha1";

/// Routes, receivers and inhibit rules for one namespace.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerConfig {
    /// [`API_VERSION`].
    pub api_version: &'static str,
    /// `AlertmanagerConfig`.
    pub kind: &'static str,
    /// Name and labels.
    pub metadata: ObjectMeta,
    /// The routing.
    pub spec: AlertmanagerConfigSpec,
}

impl AlertmanagerConfig {
    /// An `AlertmanagerConfig` with this metadata and spec.
    pub fn new(metadata: ObjectMeta, spec: AlertmanagerConfigSpec) -> Self {
        Self {
            api_version: API_VERSION,
            kind: "AlertmanagerConfig",
            metadata,
            spec,
        }
    }
}

/// The spec of an [`AlertmanagerConfig`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerConfigSpec {
    /// The top route: the default receiver, grouping and timing, child routes.
    pub route: Route,
    /// Every receiver.
    pub receivers: Vec<Receiver>,
    /// Inhibit rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inhibit_rules: Vec<InhibitRule>,
}

/// A route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The receiver.
    pub receiver: String,
    /// Labels notifications are grouped by.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// How long to wait before the first notification of a group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<String>,
    /// How long to wait before notifying about new alerts in a group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<String>,
    /// How long to wait before repeating a notification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<String>,
    /// Every matcher must hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<Matcher>,
    /// Whether later siblings are tried after this route matches.
    #[serde(rename = "continue", skip_serializing_if = "std::ops::Not::not")]
    pub continue_: bool,
    /// Child routes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// A label matcher.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    /// The label.
    pub name: String,
    /// The value or regex.
    pub value: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub match_type: String,
}

/// A receiver.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receiver {
    /// Its name (the operator prefixes it with the namespace and object name).
    pub name: String,
    /// Mail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_configs: Vec<EmailConfig>,
    /// Slack.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slack_configs: Vec<SlackConfig>,
    /// `PagerDuty`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pagerduty_configs: Vec<PagerdutyConfig>,
    /// Webhooks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub webhook_configs: Vec<WebhookConfig>,
}

/// A mail notification, with the SMTP settings it is sent through.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailConfig {
    /// The address.
    pub to: String,
    /// The SMTP server, `host:port`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smarthost: Option<String>,
    /// The sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The SMTP user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_username: Option<String>,
    /// The SMTP password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_password: Option<SecretKeySelector>,
    /// Whether STARTTLS is required.
    #[serde(rename = "requireTLS", skip_serializing_if = "Option::is_none")]
    pub require_tls: Option<bool>,
    /// Notify about resolved alerts too.
    pub send_resolved: bool,
}

/// A Slack notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlackConfig {
    /// The webhook URL.
    #[serde(rename = "apiURL")]
    pub api_url: SecretKeySelector,
    /// The channel.
    pub channel: String,
    /// Notify about resolved alerts too.
    pub send_resolved: bool,
    /// The title (an Alertmanager template).
    pub title: String,
    /// The text (an Alertmanager template).
    pub text: String,
}

/// A `PagerDuty` notification (Events API v2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PagerdutyConfig {
    /// The routing key.
    pub routing_key: SecretKeySelector,
    /// The incident summary (an Alertmanager template).
    pub description: String,
    /// Notify about resolved alerts too.
    pub send_resolved: bool,
}

/// A webhook notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookConfig {
    /// The URL.
    pub url: String,
    /// Notify about resolved alerts too.
    pub send_resolved: bool,
}

/// While an alert matching `source_match` fires, alerts matching
/// `target_match` with the same `equal` labels are muted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InhibitRule {
    /// Matchers of the muting alert.
    pub source_match: Vec<Matcher>,
    /// Matchers of the muted alerts.
    pub target_match: Vec<Matcher>,
    /// Labels that must be equal in both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equal: Vec<String>,
}
