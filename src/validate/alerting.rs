//! The `[alertmanager]` section: receivers exist and notify someone, targets
//! look right, no route is shadowed, and every alert has a route.

use super::Checker;
use crate::syntax::check_dns_label;
use crate::syntax::{is_label_name, unsafe_char};
use indexmap::IndexMap;

use crate::config::{Alertmanager, Stack};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Section, closest, pointer};
use crate::plan::Plan;
use crate::plan::alertmanager::{PlannedRoute, routed_receivers, routes, routes_alerts};
use crate::plan::alerts::{AlertOrigin, user_alerts};
use crate::plan::prometheus::{CADVISOR, NODE_EXPORTER};

/// Checks the `[alertmanager]` section, if there is one.
pub fn check(checker: &mut Checker<'_>) {
    let Some(settings) = &checker.stack.alertmanager else {
        return;
    };
    check_receivers(checker, settings);
    check_route_targets(checker, settings);
    check_labels(checker, settings);
    check_shadowed_routes(checker, settings);
}

/// Warns about each of the user's alerts that no route takes, so it falls to
/// the default receiver. A section without routes sends everything to the
/// default receiver on purpose, so it gets no warnings. An alert of a
/// service the schema refused is left alone: its team is unknown.
pub fn check_unrouted(checker: &mut Checker<'_>) {
    let Some(settings) = &checker.stack.alertmanager else {
        return;
    };
    if !routes_alerts(settings) {
        return;
    }
    for alert in user_alerts(checker.stack) {
        let AlertOrigin::User { index } = &alert.origin else {
            continue;
        };
        let of_broken_service = alert
            .service
            .as_ref()
            .is_some_and(|service| checker.is_broken_entry(Section::Services, service));
        if of_broken_service
            || !routed_receivers(settings, &alert.alertmanager_labels(None, None)).is_empty()
        {
            continue;
        }
        checker.warn(
            &pointer(["alerts", &index.to_string(), "name"]),
            ErrorKind::UnroutedAlert {
                alert: alert.name.clone(),
            },
        );
    }
}

/// Warns about the built-in library alerts of a planned stack that no route
/// takes: one warning per watched service, at the `[services]` entry that
/// opted into the library (or the section that generated the service).
pub fn check_library(checker: &mut Checker<'_>, plan: &Plan) {
    let Some(settings) = &checker.stack.alertmanager else {
        return;
    };
    if !routes_alerts(settings) {
        return;
    }
    let mut unrouted: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for alert in &plan.alerts {
        let AlertOrigin::Library { members } = &alert.origin else {
            continue;
        };
        // The rule is shared; its alerts carry each member's labels.
        for member in members.iter() {
            let labels = alert.alertmanager_labels(Some(&member.team), Some(&member.service));
            if routed_receivers(settings, &labels).is_empty() {
                let names = unrouted.entry(&member.service).or_default();
                if !names.contains(&alert.name.as_str()) {
                    names.push(&alert.name);
                }
            }
        }
    }
    for (service, alerts) in unrouted {
        checker.warn(
            &library_pointer(checker.stack, service),
            ErrorKind::UnroutedLibraryAlerts {
                service: service.to_owned(),
                alerts: alerts.join(", "),
            },
        );
    }
}

/// Where the library alerts of `service` come from: its `[services]` entry,
/// or for a generated service the setting that added it.
fn library_pointer(stack: &Stack, service: &str) -> String {
    if stack.services.contains_key(service) {
        return pointer(["services", service]);
    }
    match service {
        NODE_EXPORTER => pointer(["prometheus", "node-exporter"]),
        CADVISOR => pointer(["prometheus", "cadvisor"]),
        "grafana" => pointer(["grafana"]),
        "alertmanager" => pointer(["alertmanager"]),
        "nginx" | "nginx-exporter" => pointer(["ingress", "exporter"]),
        _ => pointer(["prometheus"]),
    }
}

fn check_receivers(checker: &mut Checker<'_>, settings: &Alertmanager) {
    if let Some(smtp) = &settings.smtp {
        if let Some(reason) = email_problem(&smtp.from) {
            invalid(
                checker,
                &pointer(["alertmanager", "smtp", "from"]),
                &smtp.from,
                &reason,
                "write one address such as `alerts@example.com`",
            );
        }
        if let Some(username) = smtp.auth_username.as_deref().filter(|u| u.contains('$')) {
            invalid(
                checker,
                &pointer(["alertmanager", "smtp", "auth-username"]),
                username,
                NO_EXPANSION,
                "write the login name itself; only `auth-password` is read from the environment",
            );
        }
        if let Some(reason) = smarthost_problem(&smtp.smarthost) {
            invalid(
                checker,
                &pointer(["alertmanager", "smtp", "smarthost"]),
                &smtp.smarthost,
                &reason,
                "write `host:port`, such as `smtp.example.com:587`",
            );
        }
    }
    for (name, receiver) in &settings.receivers {
        let at = pointer(["alertmanager", "receivers", name]);
        if let Some(reason) = check_dns_label(name) {
            checker.error_at_key(
                &at,
                ErrorKind::UnsafeName {
                    what: "receiver",
                    name: name.clone(),
                    reason,
                },
            );
        }
        if !receiver.has_integration() {
            let location = checker.spans.key(&at);
            checker.push(Diagnostic::warning(
                ErrorKind::EmptyReceiver {
                    receiver: name.clone(),
                },
                location,
            ));
        }
        if !receiver.email.is_empty() && settings.smtp.is_none() {
            checker.error(
                &pointer(["alertmanager", "receivers", name, "email"]),
                ErrorKind::MissingSection {
                    feature: format!("email to receiver `{name}`"),
                    section: "alertmanager.smtp".to_owned(),
                },
            );
        }
        for (index, address) in receiver.email.iter().enumerate() {
            if let Some(reason) = email_problem(address) {
                let at = pointer([
                    "alertmanager",
                    "receivers",
                    name,
                    "email",
                    &index.to_string(),
                ]);
                invalid(
                    checker,
                    &at,
                    address,
                    &reason,
                    "write one address such as `oncall@example.com`",
                );
            }
        }
        for (index, slack) in receiver.slack.iter().enumerate() {
            if let Some(reason) = channel_problem(&slack.channel) {
                let at = pointer([
                    "alertmanager",
                    "receivers",
                    name,
                    "slack",
                    &index.to_string(),
                    "channel",
                ]);
                invalid(
                    checker,
                    &at,
                    &slack.channel,
                    &reason,
                    "write `#channel-name` or `@user`",
                );
            }
        }
        for (index, webhook) in receiver.webhook.iter().enumerate() {
            if let Some(reason) = url_problem(&webhook.url) {
                let at = pointer([
                    "alertmanager",
                    "receivers",
                    name,
                    "webhook",
                    &index.to_string(),
                    "url",
                ]);
                invalid(
                    checker,
                    &at,
                    &webhook.url,
                    &reason,
                    "write an `http://` or `https://` URL",
                );
            }
        }
    }
}

fn check_route_targets(checker: &mut Checker<'_>, settings: &Alertmanager) {
    let names: Vec<String> = settings.receivers.keys().cloned().collect();
    let mut references = vec![(
        pointer(["alertmanager", "default-receiver"]),
        settings.default_receiver.clone(),
    )];
    for route in routes(settings) {
        references.push((format!("{}/receiver", route.pointer), route.receiver));
    }
    let mut suggested = Vec::new();
    for (at, name) in &references {
        if !settings.receivers.contains_key(name) {
            let suggestion = closest(name, &names);
            suggested.extend(suggestion.clone());
            checker.error(
                at,
                ErrorKind::DanglingReference {
                    what: "receiver",
                    suggestion,
                    name: name.clone(),
                },
            );
        }
    }
    // A receiver offered as the fix of a misspelled reference is not reported unused as well,
    // nor is any while an unknown key (a misspelled route) was dropped from the section.
    let complete = !checker.broken.trimmed(Section::Alertmanager);
    for name in settings.receivers.keys().filter(|_| complete) {
        if !references.iter().any(|(_, used)| used == name) && !suggested.contains(name) {
            let location = checker
                .spans
                .key(&pointer(["alertmanager", "receivers", name]));
            checker.push(Diagnostic::warning(
                ErrorKind::UnusedReceiver {
                    receiver: name.clone(),
                },
                location,
            ));
        }
    }
    for team in settings.team_routes.keys() {
        if let Some(what) = unsafe_char(team, false) {
            checker.error_at_key(
                &pointer(["alertmanager", "team-routes", team]),
                ErrorKind::UnsafeText {
                    field: "the team name".to_owned(),
                    what,
                },
            );
        }
    }
}

fn check_labels(checker: &mut Checker<'_>, settings: &Alertmanager) {
    let mut labels: Vec<(String, &String)> = Vec::new();
    if settings.group_by.iter().any(|l| l == "...") {
        // `...` groups by every label and must stand alone.
        if settings.group_by.len() > 1 {
            invalid(
                checker,
                &pointer(["alertmanager", "group-by"]),
                "...",
                "`...` groups by all labels, so it must stand alone",
                "write `group-by = [\"...\"]` or list the labels",
            );
        }
    } else {
        for (index, label) in settings.group_by.iter().enumerate() {
            labels.push((
                pointer(["alertmanager", "group-by", &index.to_string()]),
                label,
            ));
        }
    }
    for (rule_index, rule) in settings.inhibit.iter().enumerate() {
        for (index, label) in rule.equal.iter().enumerate() {
            labels.push((
                pointer([
                    "alertmanager",
                    "inhibit",
                    &rule_index.to_string(),
                    "equal",
                    &index.to_string(),
                ]),
                label,
            ));
        }
    }
    for (at, label) in labels {
        if !is_label_name(label) {
            invalid(
                checker,
                &at,
                label,
                "not a label name",
                "use letters, digits and `_`, starting with a letter or `_`",
            );
        }
    }
}

/// A route is unreachable when an earlier route that does not continue has
/// a subset of its matchers: that route takes every alert this one would.
fn check_shadowed_routes(checker: &mut Checker<'_>, settings: &Alertmanager) {
    let planned = routes(settings);
    for (position, route) in planned.iter().enumerate() {
        let shadow = planned[..position]
            .iter()
            .find(|earlier| !earlier.continue_ && is_subset(earlier, route));
        let Some(shadow) = shadow else {
            continue;
        };
        let location = checker.spans.key(&route.pointer);
        let earlier = checker.spans.key(&shadow.pointer);
        let diagnostic = Diagnostic::error(
            ErrorKind::UnreachableRoute {
                receiver: route.receiver.clone(),
                shadowed_by: format!("the route to `{}`", shadow.receiver),
            },
            location,
        )
        .with_related(earlier.span, "this route takes its alerts first");
        checker.push(diagnostic);
    }
}

fn is_subset(earlier: &PlannedRoute, later: &PlannedRoute) -> bool {
    earlier.matchers.iter().all(|m| {
        later
            .matchers
            .iter()
            .any(|n| n.to_alertmanager() == m.to_alertmanager())
    })
}

fn invalid(checker: &mut Checker<'_>, at: &str, value: &str, reason: &str, fix: &str) {
    checker.error(
        at,
        ErrorKind::InvalidValue {
            value: format!("`{value}`"),
            reason: reason.to_owned(),
            fix: fix.to_owned(),
        },
    );
}

/// Why `address` is not a plain email address, if it is not.
pub fn email_problem(address: &str) -> Option<String> {
    if let Some(c) = address
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"'))
    {
        return Some(format!("an address cannot contain {c:?}"));
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Some("an address needs an `@`".to_owned());
    };
    if local.is_empty() || domain.contains('@') {
        return Some("an address has one `@` with a name before it".to_owned());
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Some(format!("`{domain}` is not a mail domain"));
    }
    None
}

/// Why `channel` is not a Slack channel (`#name`) or user (`@name`), if it is not.
pub fn channel_problem(channel: &str) -> Option<String> {
    let Some(name) = channel
        .strip_prefix('#')
        .or_else(|| channel.strip_prefix('@'))
    else {
        return Some("a channel starts with `#` (or `@` for a user)".to_owned());
    };
    if name.is_empty() || name.len() > 80 {
        return Some("a channel name has 1 to 80 characters".to_owned());
    }
    name.chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
        .map(|c| {
            format!(
                "Slack channel names hold lowercase letters, digits, `-`, `_` and `.`, not {c:?}"
            )
        })
}

/// Why a `${VAR}` cannot stand in a field that Alertmanager reads as written.
const NO_EXPANSION: &str = "Alertmanager does not expand environment variables, and 0.25 cannot read this field from a file";

fn url_problem(url: &str) -> Option<String> {
    if url.contains('$') {
        return Some(NO_EXPANSION.to_owned());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some("the URL must start with `http://` or `https://`".to_owned()),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            Some("the URL has no host".to_owned())
        }
        Some(_) if url.chars().any(char::is_whitespace) => {
            Some("a URL cannot contain spaces".to_owned())
        }
        Some(_) => None,
    }
}

fn smarthost_problem(smarthost: &str) -> Option<String> {
    let Some((host, port)) = smarthost.rsplit_once(':') else {
        return Some("the port is missing".to_owned());
    };
    if host.is_empty() || host.chars().any(char::is_whitespace) {
        return Some("the host is missing or has spaces".to_owned());
    }
    match port.parse::<u16>() {
        Ok(port) if port > 0 => None,
        _ => Some(format!("`{port}` is not a port number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_sanity_checked() {
        assert_eq!(email_problem("oncall@example.com"), None);
        assert!(email_problem("oncall").is_some());
        assert!(email_problem("a@b@example.com").is_some());
        assert!(email_problem("a@localhost").is_some());
        assert!(email_problem("a@example.com, b@example.com").is_some());
        assert_eq!(channel_problem("#db-alerts"), None);
        assert_eq!(channel_problem("@alice"), None);
        assert!(channel_problem("alerts").is_some());
        assert!(channel_problem("#Alerts Room").is_some());
        assert_eq!(url_problem("https://hooks.example.com/x"), None);
        assert!(url_problem("hooks.example.com").is_some());
        assert_eq!(smarthost_problem("smtp.example.com:587"), None);
        assert!(smarthost_problem("smtp.example.com").is_some());
    }
}
