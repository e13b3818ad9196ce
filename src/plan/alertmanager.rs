//! The `[alertmanager]` section: the `alertmanager` service, its routing
//! (the routes in the order Alertmanager tries them, grouping and timing,
//! inhibit rules) and which receivers an alert should reach.

use indexmap::IndexMap;

use crate::config::{Alertmanager, Duration, Receiver, SecretRef, ServiceKind, Smtp};
use crate::config::{MountSource, ResolvedMount};
use crate::load::pointer;
use crate::syntax::matcher::LabelMatcher;

use super::route_tests::{RouteCase, route_cases};
use super::{Plan, PlannedHealthcheck, PlannedMetrics, PlannedSecret, PlannedService};

/// The compose service name.
pub const SERVICE: &str = "alertmanager";
/// The image used unless `[alertmanager] image` says otherwise.
pub const DEFAULT_IMAGE: &str = "prom/alertmanager:v0.25.0";
/// The port Alertmanager listens on inside the container.
pub const CONTAINER_PORT: u16 = 9093;
/// The named volume holding silences and notification state.
pub const DATA_VOLUME: &str = "alertmanager-data";
/// Where the generated configuration is mounted.
pub const CONFIG_PATH: &str = "/etc/alertmanager/alertmanager.yml";
/// Labels notifications are grouped by unless `group-by` says otherwise.
pub const DEFAULT_GROUP_BY: [&str; 3] = ["alertname", "service", "severity"];
/// How long the first notification of a group waits, unless `group-wait` says otherwise.
const DEFAULT_GROUP_WAIT_MS: u64 = 30_000;
/// How long new alerts of a group wait, unless `group-interval` says otherwise.
const DEFAULT_GROUP_INTERVAL_MS: u64 = 5 * 60_000;
/// How long before a notification repeats, unless `repeat-interval` says otherwise.
const DEFAULT_REPEAT_INTERVAL_MS: u64 = 4 * 3_600_000;

/// The slack message title (Alertmanager templates, kept verbatim).
pub const SLACK_TITLE: &str = "[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}";
/// The slack message body.
pub const SLACK_TEXT: &str = "{{ range .Alerts }}*{{ .Labels.severity }}*{{ if .Labels.service }} `{{ .Labels.service }}`{{ end }}: {{ .Annotations.summary }}\n{{ if .Annotations.description }}{{ .Annotations.description }}\n{{ end }}{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}";
/// The `PagerDuty` incident summary.
pub const PAGERDUTY_DESCRIPTION: &str =
    "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}";

/// The routing of a stack with `[alertmanager]`, every value decided: the
/// renderer writes it as it is.
#[derive(Debug, Clone)]
pub struct PlannedRouting {
    /// The root route's receiver, for alerts no other route takes.
    pub default_receiver: String,
    /// The labels notifications are grouped by.
    pub group_by: Vec<String>,
    /// How long the first notification of a group waits.
    pub group_wait: Duration,
    /// How long new alerts of a group wait.
    pub group_interval: Duration,
    /// How long before a notification repeats.
    pub repeat_interval: Duration,
    /// The children of the root route, in the order Alertmanager tries them.
    pub routes: Vec<PlannedRoute>,
    /// The inhibit rules: the default one (unless turned off), the
    /// section's own, then those the plan adds (SLO tiers).
    pub inhibit_rules: Vec<PlannedInhibitRule>,
    /// The `amtool config routes test` cases (empty until the alerts are planned).
    pub route_tests: Vec<RouteCase>,
    /// The receivers, by name, as the section writes them.
    pub receivers: IndexMap<String, Receiver>,
    /// Outgoing mail settings of the email receivers.
    pub smtp: Option<Smtp>,
    /// How long before an alert without updates is resolved (Alertmanager's
    /// own default when unset).
    pub resolve_timeout: Option<Duration>,
}

/// Adds the `alertmanager` service, its data volume and the secrets its receivers read.
pub fn add_services(plan: &mut Plan) {
    let Some(settings) = plan.stack.alertmanager.clone() else {
        return;
    };
    let image = settings.image.as_deref().unwrap_or(DEFAULT_IMAGE);
    let mut service =
        PlannedService::generated(SERVICE, image, ServiceKind::Generic, "alertmanager");
    let mut command = vec![
        format!("--config.file={CONFIG_PATH}"),
        "--storage.path=/alertmanager".to_owned(),
    ];
    let prefix = plan.web_prefix(SERVICE).to_owned();
    if let Some(root) = plan.web_root(SERVICE) {
        // Alertmanager takes only an absolute external URL.
        command.push(format!("--web.external-url={}", root.external_url));
        command.push(format!("--web.route-prefix={prefix}/"));
    }
    service.command = Some(command);
    service.ports = vec![crate::config::PortMapping {
        container: CONTAINER_PORT,
        host: Some(settings.port.unwrap_or(CONTAINER_PORT)),
        bind: settings.bind.clone(),
        protocol: None,
    }];
    service.mounts = vec![
        ResolvedMount {
            source: MountSource::Host("./alertmanager/alertmanager.yml".to_owned()),
            target: CONFIG_PATH.to_owned(),
            read_only: true,
        },
        ResolvedMount {
            source: MountSource::Volume(DATA_VOLUME.to_owned()),
            target: "/alertmanager".to_owned(),
            read_only: false,
        },
    ];
    service.healthcheck = Some(PlannedHealthcheck::wget(
        &format!("http://localhost:{CONTAINER_PORT}{prefix}/-/healthy"),
        30,
        5,
        3,
        10,
    ));
    service.metrics = Some(PlannedMetrics::http(CONTAINER_PORT).under(&prefix));
    // Alertmanager must reach Prometheus (always on the first network) and the
    // outside world (Slack, PagerDuty, mail), which internal networks cannot.
    service.networks = plan
        .networks
        .iter()
        .enumerate()
        .filter(|(index, (_, network))| *index == 0 || !network.internal)
        .map(|(_, (name, _))| name.clone())
        .collect();
    service.secrets = secrets(&settings)
        .into_iter()
        .map(|secret| PlannedSecret {
            name: secret_name(&secret),
            environment: secret.var().to_owned(),
        })
        .collect();
    plan.ensure_volume(DATA_VOLUME);
    plan.services.push(service);
    plan.alertmanager = Some(routing(&settings));
}

/// Adds the routing tests, once every alert is planned.
pub fn add_route_tests(plan: &mut Plan) {
    let Some(settings) = &plan.stack.alertmanager else {
        return;
    };
    let cases = route_cases(plan, settings);
    if let Some(routing) = &mut plan.alertmanager {
        routing.route_tests = cases;
    }
}

/// Where the container reads the secret `${VAR}`: a compose secret fed from
/// the environment variable, since Alertmanager does not expand variables in its config.
pub fn secret_file(secret: &SecretRef) -> String {
    format!("/run/secrets/{}", secret_name(secret))
}

/// One child of the root route, in the order Alertmanager tries them.
#[derive(Debug, Clone)]
pub struct PlannedRoute {
    /// The JSON pointer of the route in the stack, for diagnostics.
    pub pointer: String,
    /// Every matcher must hold.
    pub matchers: Vec<LabelMatcher>,
    /// The receiver.
    pub receiver: String,
    /// Whether later routes are tried after this one matches.
    pub continue_: bool,
    /// Overrides.
    pub group_wait: Option<Duration>,
    /// Overrides.
    pub group_interval: Option<Duration>,
    /// Overrides.
    pub repeat_interval: Option<Duration>,
}

/// An inhibit rule the plan adds to the section's own (after them): while
/// an alert matching `source` fires, alerts matching `target` with the same
/// `equal` labels are muted.
#[derive(Debug, Clone)]
pub struct PlannedInhibitRule {
    /// Matchers of the muting alert.
    pub source: Vec<LabelMatcher>,
    /// Matchers of the muted alerts.
    pub target: Vec<LabelMatcher>,
    /// Labels that must be equal in both.
    pub equal: Vec<String>,
}

/// The routing of `settings`, without route tests.
fn routing(settings: &Alertmanager) -> PlannedRouting {
    let group_by = if settings.group_by.is_empty() {
        DEFAULT_GROUP_BY.iter().map(|s| (*s).to_owned()).collect()
    } else {
        settings.group_by.clone()
    };
    let or_default = |value: &Option<Duration>, millis: u64| {
        value
            .clone()
            .unwrap_or_else(|| Duration::from_millis(millis))
    };
    let mut inhibit_rules = Vec::new();
    if settings.default_inhibit {
        inhibit_rules.push(PlannedInhibitRule {
            source: vec![LabelMatcher::equal("severity", "critical")],
            target: vec![LabelMatcher::equal("severity", "warning")],
            equal: vec!["alertname".to_owned(), "service".to_owned()],
        });
    }
    inhibit_rules.extend(settings.inhibit.iter().map(|rule| PlannedInhibitRule {
        source: rule.source.clone(),
        target: rule.target.clone(),
        equal: rule.equal.clone(),
    }));
    PlannedRouting {
        default_receiver: settings.default_receiver.clone(),
        group_by,
        group_wait: or_default(&settings.group_wait, DEFAULT_GROUP_WAIT_MS),
        group_interval: or_default(&settings.group_interval, DEFAULT_GROUP_INTERVAL_MS),
        repeat_interval: or_default(&settings.repeat_interval, DEFAULT_REPEAT_INTERVAL_MS),
        routes: routes(settings),
        inhibit_rules,
        route_tests: Vec::new(),
        receivers: settings.receivers.clone(),
        smtp: settings.smtp.clone(),
        resolve_timeout: settings.resolve_timeout.clone(),
    }
}

/// The alert that always fires, for the dead man's switch.
pub const WATCHDOG: &str = "Watchdog";
/// How often `Watchdog` reaches the dead man's switch unless it says otherwise.
pub const WATCHDOG_REPEAT: &str = "1m";

/// The routes under the root: the dead man's switch's, then
/// `[[alertmanager.routes]]`, then the team routes (continuing to the
/// severity routes unless exclusive), then the severity routes.
pub fn routes(settings: &Alertmanager) -> Vec<PlannedRoute> {
    let mut routes = Vec::new();
    if let Some(switch) = &settings.dead_mans_switch {
        // Sent at once, and again every `repeat-interval`: a group is
        // notified at most once per `group_interval`, so both are the same.
        let repeat = switch.repeat_interval.clone().unwrap_or_else(|| {
            Duration::parse(WATCHDOG_REPEAT).expect("the default repeat is a duration")
        });
        routes.push(PlannedRoute {
            pointer: pointer(["alertmanager", "dead-mans-switch"]),
            matchers: vec![LabelMatcher::equal("alertname", WATCHDOG)],
            receiver: switch.receiver.clone(),
            continue_: false,
            group_wait: Some(Duration::default()),
            group_interval: Some(repeat.clone()),
            repeat_interval: Some(repeat),
        });
    }
    for (index, route) in settings.routes.iter().enumerate() {
        routes.push(PlannedRoute {
            pointer: pointer(["alertmanager", "routes", &index.to_string()]),
            matchers: route.matchers.clone(),
            receiver: route.receiver.clone(),
            continue_: route.continue_,
            group_wait: route.group_wait.clone(),
            group_interval: route.group_interval.clone(),
            repeat_interval: route.repeat_interval.clone(),
        });
    }
    for (team, route) in &settings.team_routes {
        routes.push(PlannedRoute {
            pointer: pointer(["alertmanager", "team-routes", team]),
            matchers: vec![LabelMatcher::equal("team", team)],
            receiver: route.receiver.clone(),
            continue_: !route.exclusive,
            group_wait: route.group_wait.clone(),
            group_interval: route.group_interval.clone(),
            repeat_interval: route.repeat_interval.clone(),
        });
    }
    for (severity, route) in settings.severity_routes.iter() {
        routes.push(PlannedRoute {
            pointer: pointer(["alertmanager", "severity-routes", severity.as_str()]),
            matchers: vec![LabelMatcher::equal("severity", severity.as_str())],
            receiver: route.receiver.clone(),
            continue_: false,
            group_wait: route.group_wait.clone(),
            group_interval: route.group_interval.clone(),
            repeat_interval: route.repeat_interval.clone(),
        });
    }
    routes
}

/// Whether the section routes alerts by their labels at all: a route of its
/// own, a team route or a severity route (the dead man's switch takes only
/// `Watchdog`). Without one, every alert goes to the default receiver on purpose.
pub fn routes_alerts(settings: &Alertmanager) -> bool {
    !settings.routes.is_empty()
        || !settings.team_routes.is_empty()
        || settings.severity_routes.iter().next().is_some()
}

/// The receivers an alert with `labels` should reach: those of
/// [`routed_receivers`], or the default receiver when no route takes it.
pub fn expected_receivers(settings: &Alertmanager, labels: &[(String, String)]) -> Vec<String> {
    let receivers = routed_receivers(settings, labels);
    if receivers.is_empty() {
        vec![settings.default_receiver.clone()]
    } else {
        receivers
    }
}

/// The receivers of the routes that take an alert with `labels`, worked out
/// from the section's intent rather than from the route list: the dead man's
/// switch alone for `Watchdog`, else the matching `[[alertmanager.routes]]`
/// entries (until one does not continue), then the team's receiver (unless
/// exclusive), then the severity's receiver.
pub fn routed_receivers(settings: &Alertmanager, labels: &[(String, String)]) -> Vec<String> {
    let label = |name: &str| {
        labels
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if let Some(switch) = &settings.dead_mans_switch {
        if label("alertname") == Some(WATCHDOG) {
            return vec![switch.receiver.clone()];
        }
    }
    let mut receivers = Vec::new();
    for route in &settings.routes {
        if route.matchers.iter().all(|m| m.matches(labels)) {
            receivers.push(route.receiver.clone());
            if !route.continue_ {
                return receivers;
            }
        }
    }
    let team_route = label("team").and_then(|team| settings.team_routes.get(team));
    if let Some(route) = team_route {
        receivers.push(route.receiver.clone());
        if route.exclusive {
            return receivers;
        }
    }
    let severity_route = settings
        .severity_routes
        .iter()
        .find(|(severity, _)| Some(severity.as_str()) == label("severity"));
    if let Some((_, route)) = severity_route {
        receivers.push(route.receiver.clone());
    }
    receivers
}

/// Every distinct secret the receivers and SMTP settings use, in order of appearance.
fn secrets(settings: &Alertmanager) -> Vec<SecretRef> {
    let mut all: Vec<SecretRef> = Vec::new();
    let mut add = |secret: &SecretRef| {
        if !all.iter().any(|s| s.var() == secret.var()) {
            all.push(secret.clone());
        }
    };
    if let Some(password) = settings
        .smtp
        .as_ref()
        .and_then(|s| s.auth_password.as_ref())
    {
        add(password);
    }
    for receiver in settings.receivers.values() {
        for slack in &receiver.slack {
            add(&slack.webhook_url);
        }
        for pagerduty in &receiver.pagerduty {
            add(&pagerduty.routing_key);
        }
    }
    all
}

/// The compose secret's name: the variable's own name, so distinct variables never share a file.
fn secret_name(secret: &SecretRef) -> String {
    secret.var().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{MatcherRoute, SeverityRoute, TeamRoute};

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn settings() -> Alertmanager {
        let mut settings = Alertmanager {
            default_receiver: "fallback".to_owned(),
            ..Alertmanager::default()
        };
        settings.severity_routes.critical = Some(SeverityRoute {
            receiver: "oncall".to_owned(),
            ..SeverityRoute::default()
        });
        settings.team_routes.insert(
            "database".to_owned(),
            TeamRoute {
                receiver: "dba".to_owned(),
                ..TeamRoute::default()
            },
        );
        settings.team_routes.insert(
            "security".to_owned(),
            TeamRoute {
                receiver: "secops".to_owned(),
                exclusive: true,
                ..TeamRoute::default()
            },
        );
        settings
    }

    #[test]
    fn alerts_reach_team_and_severity_receivers() {
        let settings = settings();
        let expect = |pairs: &[(&str, &str)]| expected_receivers(&settings, &labels(pairs));
        assert_eq!(
            expect(&[("severity", "critical"), ("team", "database")]),
            ["dba", "oncall"]
        );
        assert_eq!(expect(&[("severity", "critical")]), ["oncall"]);
        assert_eq!(
            expect(&[("severity", "warning"), ("team", "database")]),
            ["dba"]
        );
        assert_eq!(
            expect(&[("severity", "critical"), ("team", "security")]),
            ["secops"],
            "an exclusive team route keeps its alerts"
        );
        assert_eq!(expect(&[("severity", "info")]), ["fallback"]);
    }

    #[test]
    fn matcher_routes_come_first() {
        let mut settings = settings();
        settings.routes.push(MatcherRoute {
            matchers: vec![crate::syntax::parse_matcher("service=~\"pg.*\"").expect("parses")],
            receiver: "dba".to_owned(),
            ..MatcherRoute::default()
        });
        let got = expected_receivers(
            &settings,
            &labels(&[("severity", "critical"), ("service", "pg-main")]),
        );
        assert_eq!(got, ["dba"]);
        let order: Vec<String> = routes(&settings).into_iter().map(|r| r.receiver).collect();
        assert_eq!(order, ["dba", "dba", "secops", "oncall"]);
    }
}
