//! `[[slos]]` in the plan: every decision about an SLO's rules is made here.
//!
//! Each SLO gets one rule group, `slo-<service>-<name>`, and with it one
//! rules file and one test file. A group per SLO (as Sloth does) keeps an
//! SLO's rules together in the order they read each other, so its alerts
//! see the ratios recorded in the same evaluation; it keeps one SLO's
//! long-window queries from delaying another's alerts (groups are evaluated
//! concurrently, rules within a group one after another); and it lets the
//! SLO's tests load exactly its own rules.
//!
//! The group holds, in order ([`rules`]):
//! - the SLI, the share of bad events, recorded as `slo:sli_error:ratio_rate<window>`
//!   for every window an alert reads and for the period, with Sloth's names
//!   and labels (`sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`);
//! - Sloth's metadata series (`slo:objective:ratio`, `slo:error_budget:ratio`,
//!   `slo:time_period:days`, `slo:current_burn_rate:ratio`,
//!   `slo:period_burn_rate:ratio`, `slo:period_error_budget_remaining:ratio`,
//!   `sloth_slo_info`), and stackgen's `slo:burn_rate_threshold:ratio`, the
//!   threshold of each alert condition as a burn rate, which the SLO
//!   dashboard (`templates/dashboards/slos.toml`) draws;
//! - the page and ticket alerts (one alert name, told apart by `burn_tier`),
//!   each firing when any of its multi-window conditions holds.
//!
//! The alerts carry promtool tests ([`cases`]) and route like any other
//! alert (by `severity` and the service's `team`); an Alertmanager inhibit
//! rule lets a firing page mute the ticket of the same SLO.

mod cases;
mod rules;

use indexmap::IndexMap;

use super::Plan;
use super::alertmanager::PlannedInhibitRule;
use super::alerts::{AlertOrigin, PlannedAlert};
use super::prometheus::target_labels;
use crate::config::exact::{Exact, decimal_text};
use crate::config::{
    AlertTierSettings, BurnTier, Severity, Slo, burn_windows, prometheus_duration,
};
use crate::syntax::matcher::LabelMatcher;
use crate::syntax::text_keys;

/// The label naming an SLO alert's tier (`page`, `ticket`).
pub const BURN_TIER_LABEL: &str = "burn_tier";
/// Sloth's label for the same (its dashboards read it from `ALERTS`).
pub const SLOTH_SEVERITY_LABEL: &str = "sloth_severity";
/// The label holding an SLO's id on every series of its rules.
pub const SLOTH_ID_LABEL: &str = "sloth_id";

/// One SLO, with every number its rules, tests and dashboard use.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSlo {
    /// The position in `[[slos]]`.
    pub index: usize,
    /// `<service>-<name>`, the `sloth_id` label.
    pub id: String,
    /// The `[services]` entry, the `sloth_service` label.
    pub service: String,
    /// The SLO's name, the `sloth_slo` label.
    pub name: String,
    /// What the SLO promises.
    pub description: Option<String>,
    /// The objective as a ratio (`999/1000`).
    pub objective: Exact,
    /// The error budget: `1 - objective`.
    pub budget: Exact,
    /// The period.
    pub period: SloWindow,
    /// Every window the SLI is recorded over, shortest first, the period last.
    pub windows: Vec<SloWindow>,
    /// The window of `slo:current_burn_rate:ratio` (the shortest).
    pub current: SloWindow,
    /// The rule group (and file stem).
    pub group: String,
    /// The alert name of both tiers.
    pub alert_name: String,
    /// The tiers that are on, page first.
    pub tiers: Vec<PlannedTier>,
    /// The team that gets the alerts.
    pub team: String,
}

impl PlannedSlo {
    /// The matchers every series of the SLO carries, as selector text:
    /// `{sloth_id="api-availability", sloth_service="api", sloth_slo="availability"}`.
    pub fn id_selector(&self) -> String {
        format!(
            "{{sloth_id=\"{}\", sloth_service=\"{}\", sloth_slo=\"{}\"}}",
            self.id, self.service, self.name
        )
    }

    /// The labels identifying the SLO, as every rule of its group sets them.
    pub fn id_labels(&self) -> IndexMap<String, String> {
        [
            (SLOTH_ID_LABEL, self.id.as_str()),
            ("sloth_service", self.service.as_str()),
            ("sloth_slo", self.name.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// The objective in percent, as text (`99.9`).
    pub fn objective_percent(&self) -> String {
        decimal_text(self.objective * Exact::from_integer(100)).unwrap_or_default()
    }
}

/// A window of an SLO: its length and its name in series names (`5m`, `4w`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloWindow {
    /// The length in milliseconds.
    pub millis: u64,
    /// The name, as Prometheus writes the duration.
    pub name: String,
}

impl SloWindow {
    /// The window of `millis`.
    pub fn of(millis: u64) -> Self {
        Self {
            millis,
            name: prometheus_duration(millis),
        }
    }

    /// The recorded SLI over this window: `slo:sli_error:ratio_rate<name>`.
    pub fn record(&self) -> String {
        format!("slo:sli_error:ratio_rate{}", self.name)
    }
}

/// One alert tier of an SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTier {
    /// Page or ticket.
    pub tier: BurnTier,
    /// The `severity` label.
    pub severity: Severity,
    /// The conditions; the tier fires when any holds.
    pub conditions: Vec<BurnCondition>,
    /// More labels, as the user wrote them.
    pub labels: IndexMap<String, String>,
    /// More annotations, as the user wrote them.
    pub annotations: IndexMap<String, String>,
}

/// One multi-window condition: the SLI over both windows above `factor` × budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnCondition {
    /// The short window.
    pub short: SloWindow,
    /// The long window.
    pub long: SloWindow,
    /// The share of the period's budget spent within the long window, in percent.
    pub budget_percent: u32,
    /// The burn rate: `budget_percent / 100 × period / long`.
    pub factor: Exact,
    /// The SLI threshold: `factor × budget`.
    pub threshold: Exact,
}

/// Adds every SLO's rules, tests and inhibit rule to the plan (nothing
/// without `[prometheus]`).
pub fn add_slos(plan: &mut Plan) {
    if plan.stack.prometheus.is_none() {
        return;
    }
    let stack = plan.stack.clone();
    for (index, slo) in stack.slos.iter().enumerate() {
        let Some(planned) = plan_slo(plan, index, slo) else {
            continue;
        };
        plan.recording_rules
            .extend(rules::recordings(&planned, slo));
        let mut alerts: Vec<PlannedAlert> = planned
            .tiers
            .iter()
            .map(|tier| alert(&planned, slo, tier))
            .collect();
        // The tests name the alert, which both tiers share: they go with the first.
        let tests = cases::tests(&planned, slo, &alerts);
        if let Some(first) = alerts.first_mut() {
            first.tests = tests;
        }
        plan.alerts.extend(alerts);
        plan.slos.push(planned);
    }
    if plan.slos.iter().any(|slo| slo.tiers.len() == 2)
        && let Some(routing) = &mut plan.alertmanager
    {
        routing.inhibit_rules.push(page_mutes_ticket());
    }
}

/// The inhibit rule of SLO alerts: a firing page mutes the ticket of the
/// same SLO (the same `sloth_id`).
fn page_mutes_ticket() -> PlannedInhibitRule {
    PlannedInhibitRule {
        source: vec![LabelMatcher::equal(
            BURN_TIER_LABEL,
            BurnTier::Page.as_str(),
        )],
        target: vec![LabelMatcher::equal(
            BURN_TIER_LABEL,
            BurnTier::Ticket.as_str(),
        )],
        equal: vec![SLOTH_ID_LABEL.to_owned()],
    }
}

/// The numbers of one SLO; `None` for an SLO validation refuses.
fn plan_slo(plan: &Plan, index: usize, slo: &Slo) -> Option<PlannedSlo> {
    let objective = slo.objective.exact_ratio()?;
    let budget = Exact::from_integer(1) - objective;
    let period = SloWindow::of(slo.period_millis()?);
    let windows_table = burn_windows();
    let mut windows: Vec<SloWindow> = windows_table
        .all_windows()
        .into_iter()
        .map(SloWindow::of)
        .collect();
    let current = windows.first()?.clone();
    if !windows.contains(&period) {
        windows.push(period.clone());
    }
    let mut tiers = Vec::new();
    for tier in BurnTier::ALL {
        let setting = match tier {
            BurnTier::Page => &slo.alerting.page,
            BurnTier::Ticket => &slo.alerting.ticket,
        };
        let Some(settings) = setting.settings() else {
            continue;
        };
        let settings: &AlertTierSettings = &settings;
        let conditions = windows_table
            .tier(tier)
            .iter()
            .map(|window| {
                let factor = window.factor(period.millis);
                BurnCondition {
                    short: SloWindow::of(window.short_millis()),
                    long: SloWindow::of(window.long_millis()),
                    budget_percent: window.budget_percent,
                    factor,
                    threshold: factor * budget,
                }
            })
            .collect();
        tiers.push(PlannedTier {
            tier,
            severity: settings.severity.unwrap_or(match tier {
                BurnTier::Page => Severity::Critical,
                BurnTier::Ticket => Severity::Warning,
            }),
            conditions,
            labels: text_keys(&settings.labels),
            annotations: text_keys(&settings.annotations),
        });
    }
    let team = plan
        .service(&slo.service)
        .map(|service| target_labels(plan, service).team)
        .unwrap_or_default();
    Some(PlannedSlo {
        index,
        id: slo.id(),
        service: slo.service.clone(),
        name: slo.name.clone(),
        description: slo.description.clone(),
        objective,
        budget,
        period,
        windows,
        current,
        group: slo.rule_group(),
        alert_name: slo
            .alerting
            .name
            .clone()
            .unwrap_or_else(|| default_alert_name(slo)),
        tiers,
        team,
    })
}

/// `<Service><Name>ErrorBudgetBurn`, each `-`-separated word capitalized.
fn default_alert_name(slo: &Slo) -> String {
    let mut name = String::new();
    for word in slo.service.split('-').chain(slo.name.split('-')) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "Slo");
    }
    name.push_str("ErrorBudgetBurn");
    name
}

/// The alerting rule of one tier.
fn alert(planned: &PlannedSlo, slo: &Slo, tier: &PlannedTier) -> PlannedAlert {
    let mut labels = IndexMap::new();
    labels.insert(BURN_TIER_LABEL.to_owned(), tier.tier.as_str().to_owned());
    labels.insert(
        SLOTH_SEVERITY_LABEL.to_owned(),
        tier.tier.as_str().to_owned(),
    );
    // The series carry these too; as rule labels they are known to routing
    // (a route may match `sloth_slo`) and to the route tests.
    labels.extend(planned.id_labels());
    for (key, value) in &tier.labels {
        labels.insert(key.clone(), template_literal(value));
    }
    let annotations = rules::annotations(planned, slo, tier)
        .into_iter()
        .map(|(key, text)| (key, template_literal(&text)))
        .collect();
    PlannedAlert {
        name: planned.alert_name.clone(),
        group: planned.group.clone(),
        expr: rules::alert_expr(planned, tier),
        for_: None,
        severity: tier.severity,
        team: Some(planned.team.clone()).filter(|team| !team.is_empty()),
        service: Some(planned.service.clone()),
        labels,
        annotations,
        origin: AlertOrigin::Slo {
            index: planned.index,
        },
        tests: Vec::new(),
    }
}

/// `text` as a Go template that prints it unchanged: Prometheus expands
/// alert labels and annotations as templates, and SLO texts are plain.
pub fn template_literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_str;

    const STACK: &str = r##"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
team = "payments"
expose = [8000]
metrics = {}

[prometheus]
retention = "90d"

[[slos]]
service = "api"
name = "availability"
objective = 99.9
ratio = { errors = 'http_requests_total{job="api", status=~"5.."}', total = 'http_requests_total{job="api"}' }

[[slos]]
service = "api"
name = "latency"
objective = 99
period = "28d"
latency = { histogram = "http_request_duration_seconds", le = 0.5, selector = '{job="api"}' }
alerting = { ticket = false, page = { severity = "warning", labels = { channel = "#{{x}}" } } }
"##;

    fn plan() -> Plan {
        crate::plan::plan(&load_str("stack.toml", STACK).expect("loads"))
    }

    #[test]
    fn every_number_is_exact() {
        let plan = plan();
        let slo = &plan.slos[0];
        assert_eq!(slo.id, "api-availability");
        assert_eq!(slo.group, "slo-api-availability");
        assert_eq!(slo.budget, Exact::new(1, 1000));
        assert_eq!(slo.objective_percent(), "99.9");
        assert_eq!(slo.alert_name, "ApiAvailabilityErrorBudgetBurn");
        assert_eq!(slo.team, "payments");
        let names: Vec<&str> = slo.windows.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"]);
        let factors: Vec<Exact> = slo
            .tiers
            .iter()
            .flat_map(|t| t.conditions.iter().map(|c| c.factor))
            .collect();
        assert_eq!(
            factors,
            [
                Exact::new(72, 5),
                Exact::from_integer(6),
                Exact::from_integer(3),
                Exact::from_integer(1)
            ]
        );
        let latency = &plan.slos[1];
        assert_eq!(latency.period.name, "4w");
        assert_eq!(latency.tiers.len(), 1);
        assert_eq!(latency.tiers[0].conditions[0].factor, Exact::new(336, 25));
    }

    #[test]
    fn rules_land_in_one_group_per_slo() {
        let plan = plan();
        let group: Vec<&str> = plan
            .recording_rules
            .iter()
            .filter(|r| r.group == "slo-api-availability")
            .map(|r| r.record.as_str())
            .collect();
        assert_eq!(group[0], "slo:sli_error:ratio_rate5m");
        assert_eq!(group[7], "slo:sli_error:ratio_rate30d");
        assert!(group.contains(&"slo:period_error_budget_remaining:ratio"));
        let alerts: Vec<&PlannedAlert> = plan
            .alerts
            .iter()
            .filter(|a| matches!(a.origin, AlertOrigin::Slo { .. }))
            .collect();
        assert_eq!(alerts.len(), 3);
        assert_eq!(alerts[0].labels["burn_tier"], "page");
        assert_eq!(alerts[1].labels["burn_tier"], "ticket");
        assert_eq!(alerts[0].team.as_deref(), Some("payments"));
        assert_eq!(alerts[2].severity, Severity::Warning);
        assert_eq!(alerts[2].labels["channel"], "#{{ \"{{\" }}x}}");
        assert_eq!(alerts[0].tests.len(), 4);
        assert!(
            alerts[1].tests.is_empty(),
            "the tests go with the first tier"
        );
        assert!(
            plan.alertmanager.is_none(),
            "the page-mutes-ticket rule goes with [alertmanager] (tests/it/slos.rs)"
        );
    }

    #[test]
    fn alert_names_are_camel_case() {
        let mut slo: Slo = plan().stack.slos[0].clone();
        slo.service = "checkout-api".to_owned();
        slo.name = "p99-latency".to_owned();
        assert_eq!(
            default_alert_name(&slo),
            "CheckoutApiP99LatencyErrorBudgetBurn"
        );
        slo.service = "1st".to_owned();
        assert_eq!(default_alert_name(&slo), "Slo1stP99LatencyErrorBudgetBurn");
    }
}
