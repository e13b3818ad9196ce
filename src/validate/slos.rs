//! `[[slos]]`: each SLO names a scraped service, has one SLI made of plain
//! selectors stackgen can wrap in `rate()` for every window, an objective
//! and period its alerts can work with, and names that are unique.

use std::collections::{HashMap, HashSet};

use super::alerts::{is_alert_name, is_metric_name};
use super::{Checker, check_dns_label, promql};
use crate::config::exact::{Exact, MAX_DECIMALS, decimal_text};
use crate::config::{
    AlertTier, BurnTier, DEFAULT_RETENTION, Exporter, LatencySli, RatioSli, Selector,
    SelectorShape, ServiceKind, Slo, burn_windows, parse_duration_millis, prometheus_duration,
};
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Section, closest, pointer};
use crate::plan::Plan;
use crate::plan::alertmanager::{routed_receivers, routes_alerts};
use crate::plan::alerts::AlertOrigin;
use crate::syntax::parse_promql;

/// Labels stackgen sets on SLO alerts, and what to do instead of setting them.
const RESERVED_LABELS: [(&str, &str); 9] = [
    ("alertname", "set the alert name with `alerting.name`"),
    ("severity", "set the tier's `severity` instead"),
    ("team", "set the service's `team` instead"),
    ("service", "rename the label: the SLO's service sets it"),
    (
        "burn_tier",
        "rename the label: stackgen sets it to the tier",
    ),
    (
        "sloth_severity",
        "rename the label: stackgen sets it to the tier",
    ),
    ("sloth_id", "rename the label: it identifies the SLO"),
    ("sloth_service", "rename the label: it identifies the SLO"),
    ("sloth_slo", "rename the label: it identifies the SLO"),
];

/// Checks every `[[slos]]` entry.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    if stack.slos.is_empty() {
        return;
    }
    if stack.prometheus.is_none() {
        let location = checker.spans.key("/slos");
        checker.push(Diagnostic::error(
            ErrorKind::MissingSection {
                feature: "`[[slos]]`".to_owned(),
                section: "prometheus".to_owned(),
            },
            location,
        ));
    }
    let mut names: HashSet<(&str, &str)> = HashSet::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (index, slo) in stack.slos.iter().enumerate() {
        let at = |key: &str| pointer(["slos", &index.to_string(), key]);
        check_service(checker, &at("service"), &slo.service);
        if let Some(reason) = check_dns_label(&slo.name) {
            checker.error(
                &at("name"),
                ErrorKind::UnsafeName {
                    what: "SLO",
                    name: slo.name.clone(),
                    reason,
                },
            );
        } else if !names.insert((&slo.service, &slo.name)) {
            checker.error(
                &at("name"),
                ErrorKind::DuplicateName {
                    what: "SLO",
                    name: slo.name.clone(),
                },
            );
        } else if ids.insert(slo.id(), index).is_some() {
            // `a` + `b-c` and `a-b` + `c` share the id `a-b-c`.
            checker.error(
                &at("name"),
                ErrorKind::DuplicateName {
                    what: "SLO id",
                    name: slo.id(),
                },
            );
        }
        let objective_ok = check_objective(checker, &at("objective"), slo);
        let period_ok = check_period(checker, &at("period"), slo);
        check_sli(checker, index, slo);
        check_alerting(checker, index, slo);
        if objective_ok && period_ok {
            check_reachable(checker, index, slo);
        }
    }
}

/// The service exists and Prometheus scrapes it.
fn check_service(checker: &mut Checker<'_>, at: &str, service: &str) {
    let stack = checker.stack;
    let Some(entry) = stack.services.get(service) else {
        checker.error(
            at,
            ErrorKind::DanglingReference {
                what: "service",
                name: service.to_owned(),
                suggestion: closest(service, &checker.defined_names(Section::Services)),
            },
        );
        return;
    };
    let exporter = match &entry.exporter {
        Some(Exporter::Enabled(on)) => *on,
        Some(Exporter::Custom(_)) => true,
        None => false,
    };
    let scraped = entry.metrics.is_some()
        || entry.kind == ServiceKind::Pushgateway
        || exporter
        || !entry.probes.is_empty();
    if stack.prometheus.is_some() && !scraped {
        checker.error(
            at,
            ErrorKind::SloUnscraped {
                service: service.to_owned(),
            },
        );
    }
}

/// A percentage above 0 and below 100 with at most [`MAX_DECIMALS`] places.
fn check_objective(checker: &mut Checker<'_>, at: &str, slo: &Slo) -> bool {
    if slo.objective.is_valid() {
        return true;
    }
    let reason = if slo.objective.exact_percent().is_none() && slo.objective.percent().is_finite() {
        format!("it has more than {MAX_DECIMALS} decimal places")
    } else {
        "it must be above 0 and below 100".to_owned()
    };
    checker.error(
        at,
        ErrorKind::SloObjective {
            value: slo.objective.to_string(),
            reason,
        },
    );
    false
}

/// A period at least as long as the longest alert window and at most as
/// long as Prometheus keeps data.
fn check_period(checker: &mut Checker<'_>, at: &str, slo: &Slo) -> bool {
    let Some(period) = slo.period_millis() else {
        // The schema check reports a period that is not a duration.
        return false;
    };
    let longest = burn_windows().longest();
    if period < longest {
        checker.error(
            at,
            ErrorKind::SloPeriodTooShort {
                period: slo.period_text().to_owned(),
                window: prometheus_duration(longest),
            },
        );
        return false;
    }
    let Some(prometheus) = &checker.stack.prometheus else {
        return true;
    };
    let retention = prometheus
        .retention
        .as_ref()
        .map_or(DEFAULT_RETENTION, |r| r.as_str());
    if parse_duration_millis(retention).is_some_and(|kept| period > kept) {
        let mut diagnostic = Diagnostic::error(
            ErrorKind::SloPeriodBeyondRetention {
                period: slo.period_text().to_owned(),
                retention: retention.to_owned(),
            },
            checker.spans.value(at),
        );
        // Where the retention is set, or the section that leaves it at 15d.
        let kept = if prometheus.retention.is_some() {
            checker.spans.value("/prometheus/retention")
        } else {
            checker.spans.key("/prometheus")
        };
        if std::sync::Arc::ptr_eq(&kept.source, &diagnostic.location.source) {
            let label = format!("Prometheus keeps {retention} of data");
            diagnostic = diagnostic.with_related(kept.span, label);
        }
        checker.push(diagnostic);
    }
    true
}

/// One SLI of plain selectors that tell bad events from good ones.
fn check_sli(checker: &mut Checker<'_>, index: usize, slo: &Slo) {
    let at = |keys: &[&str]| {
        let index = index.to_string();
        pointer(
            ["slos", index.as_str()]
                .into_iter()
                .chain(keys.iter().copied()),
        )
    };
    match (&slo.ratio, &slo.latency) {
        (Some(_), Some(_)) => checker.error_at_key(
            &at(&["latency"]),
            ErrorKind::SloSli {
                slo: slo.name.clone(),
                reason: "has both `ratio` and `latency`".to_owned(),
                fix: "keep one: an SLO measures one SLI; write a second SLO for the other"
                    .to_owned(),
                label: "a second SLI".to_owned(),
            },
        ),
        (None, None) => checker.error_at_key(
            &at(&["name"]),
            ErrorKind::SloSli {
                slo: slo.name.clone(),
                reason: "has neither `ratio` nor `latency`".to_owned(),
                fix: "add `ratio = { errors = \"...\", total = \"...\" }` or `latency = { histogram = \"...\", le = 0.5 }`".to_owned(),
                label: "no SLI".to_owned(),
            },
        ),
        _ => {}
    }
    let single = slo.ratio.is_some() != slo.latency.is_some();
    if let Some(ratio) = &slo.ratio {
        let errors = check_counter(checker, &at(&["ratio", "errors"]), "errors", &ratio.errors);
        let total = check_counter(checker, &at(&["ratio", "total"]), "total", &ratio.total);
        if errors && total && single {
            check_series(checker, &at(&["ratio"]), slo, RatioSli::series(ratio));
        }
    }
    if let Some(latency) = &slo.latency
        && check_histogram(checker, index, latency)
        && single
    {
        check_series(checker, &at(&["latency"]), slo, LatencySli::series(latency));
    }
}

/// A selector of one counter: it parses, is a plain selector, names its metric.
fn check_counter(checker: &mut Checker<'_>, at: &str, field: &str, selector: &Selector) -> bool {
    if let Err(message) = parse_promql(selector.as_str()) {
        promql::report_invalid(checker, at, selector.as_str(), message);
        return false;
    }
    let example = "such as `http_requests_total{job=\"api\"}`";
    let problem = match selector.shape() {
        SelectorShape::Series(series) if series.metric.is_some() => return true,
        SelectorShape::Series(_) | SelectorShape::Empty => (
            "it names no metric".to_owned(),
            format!("name the counter, {example}"),
        ),
        SelectorShape::Range => (
            "it already has a range".to_owned(),
            "drop the `[...]`: stackgen adds a range for every window the alerts read".to_owned(),
        ),
        SelectorShape::Function(name) => (
            format!("it already applies `{name}()`"),
            format!("write the counter alone, {example}: stackgen adds `rate()` and `sum()`"),
        ),
        SelectorShape::Modified => (
            "it has `offset` or `@`".to_owned(),
            "remove the modifier: the SLI reads the counter as it is now".to_owned(),
        ),
        SelectorShape::Other | SelectorShape::Unparsed => (
            "it is an expression".to_owned(),
            format!(
                "write one counter's selector, {example}; record an expression with `[[recording-rules]]` and select that"
            ),
        ),
    };
    checker.error(
        at,
        ErrorKind::SloSelector {
            field: field.to_owned(),
            reason: problem.0,
            fix: problem.1,
        },
    );
    false
}

/// A histogram name, a finite bound, and matchers alone.
fn check_histogram(checker: &mut Checker<'_>, index: usize, latency: &LatencySli) -> bool {
    let at = |key: &str| pointer(["slos", &index.to_string(), "latency", key]);
    let mut ok = true;
    let name = &latency.histogram;
    let suffix = ["_bucket", "_count", "_sum"]
        .into_iter()
        .find(|suffix| name.ends_with(suffix));
    if !is_metric_name(name) || suffix.is_some() {
        let (reason, fix) = match suffix {
            Some(suffix) => (
                format!("it ends in `{suffix}`"),
                format!(
                    "write the histogram's name without `{suffix}`: stackgen reads its `_bucket` and `_count` series"
                ),
            ),
            None => (
                "it is not a metric name".to_owned(),
                "write the histogram's name, such as `http_request_duration_seconds`".to_owned(),
            ),
        };
        checker.error(
            &at("histogram"),
            ErrorKind::SloSelector {
                field: "histogram".to_owned(),
                reason,
                fix,
            },
        );
        ok = false;
    }
    if latency.le.label_values().is_empty() {
        checker.error(
            &at("le"),
            ErrorKind::SloSelector {
                field: "le".to_owned(),
                reason: "the bucket bound is not a finite number".to_owned(),
                fix: "write the upper bound of one of the histogram's buckets, such as `0.5`"
                    .to_owned(),
            },
        );
        ok = false;
    }
    let Some(selector) = &latency.selector else {
        return ok;
    };
    if matches!(selector.shape(), SelectorShape::Empty) {
        return ok;
    }
    let text = selector.as_str();
    if !text.starts_with('{') {
        checker.error(
            &at("selector"),
            ErrorKind::SloSelector {
                field: "selector".to_owned(),
                reason: "it is not label matchers in braces".to_owned(),
                fix: "write only the matchers, such as `{job=\"api\"}`: the histogram is named by `histogram`".to_owned(),
            },
        );
        return false;
    }
    if let Err(message) = parse_promql(text) {
        promql::report_invalid(checker, &at("selector"), text, message);
        return false;
    }
    let Some(series) = selector.series() else {
        return false;
    };
    let named = series.metric.is_some() || series.matchers.iter().any(|m| m.name == "__name__");
    let bucket = series.matchers.iter().any(|m| m.name == "le");
    if named || bucket {
        let (reason, fix) = if named {
            (
                "it names a metric",
                "leave `__name__` out: the histogram is named by `histogram`",
            )
        } else {
            (
                "it matches `le`",
                "leave `le` out: the bucket is set by the SLI's `le`",
            )
        };
        checker.error(
            &at("selector"),
            ErrorKind::SloSelector {
                field: "selector".to_owned(),
                reason: reason.to_owned(),
                fix: fix.to_owned(),
            },
        );
        return false;
    }
    ok
}

/// The SLI's selectors can be told apart: a bad series exists, and one
/// that counts the rest.
fn check_series<T>(checker: &mut Checker<'_>, at: &str, slo: &Slo, series: Result<T, String>) {
    if let Err(reason) = series {
        checker.error_at_key(
            at,
            ErrorKind::SloSli {
                slo: slo.name.clone(),
                reason: format!("cannot tell bad events from good ones: {reason}"),
                fix: "make `errors` select only the bad events' series (such as `status=~\"5..\"`) and `total` all of them".to_owned(),
                label: "no bad and good series to count".to_owned(),
            },
        );
    }
}

/// The alert name and the tiers' labels and annotations.
fn check_alerting(checker: &mut Checker<'_>, index: usize, slo: &Slo) {
    let at = |keys: &[&str]| {
        let index = index.to_string();
        pointer(
            ["slos", index.as_str(), "alerting"]
                .into_iter()
                .chain(keys.iter().copied()),
        )
    };
    if let Some(name) = &slo.alerting.name
        && !is_alert_name(name)
    {
        checker.error(
            &at(&["name"]),
            ErrorKind::InvalidValue {
                value: format!("`{name}`"),
                reason: "not a valid alert name".to_owned(),
                fix: "use letters, digits and `_`, starting with a letter (`ApiAvailability`)"
                    .to_owned(),
            },
        );
    }
    for tier in BurnTier::ALL {
        let setting = match tier {
            BurnTier::Page => &slo.alerting.page,
            BurnTier::Ticket => &slo.alerting.ticket,
        };
        let AlertTier::Custom(settings) = setting else {
            continue;
        };
        // Label and annotation names are names by type; stackgen's own are refused here.
        for key in settings.labels.keys() {
            if let Some((_, fix)) = RESERVED_LABELS.iter().find(|(name, _)| key == name) {
                checker.error_at_key(
                    &at(&[tier.as_str(), "labels", key]),
                    ErrorKind::InvalidValue {
                        value: format!("`{key}`"),
                        reason: "stackgen sets this label on SLO alerts".to_owned(),
                        fix: (*fix).to_owned(),
                    },
                );
            }
        }
    }
}

/// Each tier that is on can fire: some condition's threshold, its burn-rate
/// factor times the budget, is below every event failing.
fn check_reachable(checker: &mut Checker<'_>, index: usize, slo: &Slo) {
    let (Some(objective), Some(period)) = (slo.objective.exact_ratio(), slo.period_millis()) else {
        return;
    };
    let one = Exact::from_integer(1);
    let budget = one - objective;
    for tier in BurnTier::ALL {
        let setting = match tier {
            BurnTier::Page => &slo.alerting.page,
            BurnTier::Ticket => &slo.alerting.ticket,
        };
        if setting.settings().is_none() {
            continue;
        }
        let Some(lowest) = burn_windows()
            .tier(tier)
            .iter()
            .map(|window| window.factor(period))
            .min()
        else {
            continue;
        };
        if lowest * budget < one {
            continue;
        }
        // Firing needs budget < 1 / factor: objective > 1 - 1 / factor.
        let minimum = (one - one / lowest) * Exact::from_integer(100);
        checker.error(
            &pointer(["slos", &index.to_string(), "objective"]),
            ErrorKind::SloUnreachableAlert {
                tier: tier.as_str(),
                objective: slo.objective.to_string(),
                minimum: just_above(minimum),
            },
        );
    }
}

/// The shortest decimal above `minimum` (a percentage below 100) with at
/// least two places, such as `83.34` for 83.33...
fn just_above(minimum: Exact) -> String {
    let hundred = Exact::from_integer(100);
    (2..=MAX_DECIMALS)
        .map(|places| {
            let scale = Exact::from_integer(10_i128.pow(places));
            ((minimum * scale).floor() + Exact::from_integer(1)) / scale
        })
        .find(|above| *above < hundred)
        .and_then(decimal_text)
        .unwrap_or_else(|| "99.9999999999".to_owned())
}

/// No `[[alerts]]` or `[[recording-rules]]` group takes the name of an
/// SLO's rule group: its rules would land in the SLO's file.
pub fn check_rule_groups(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let owners: HashMap<String, &Slo> = stack.slos.iter().map(|s| (s.rule_group(), s)).collect();
    let groups = stack
        .alerts
        .iter()
        .enumerate()
        .map(|(i, a)| (pointer(["alerts", &i.to_string(), "group"]), &a.group))
        .chain(stack.recording_rules.iter().enumerate().map(|(i, r)| {
            (
                pointer(["recording-rules", &i.to_string(), "group"]),
                &r.group,
            )
        }));
    for (at, group) in groups {
        let Some(group) = group else {
            continue;
        };
        if let Some(slo) = owners.get(group) {
            checker.error(
                &at,
                ErrorKind::ReservedName {
                    what: "rule group",
                    name: group.clone(),
                    owner: format!("SLO `{}` of `{}`", slo.name, slo.service),
                },
            );
        }
    }
}

/// Warns about SLO alerts that no route takes, so they fall to the
/// default receiver (as for `[[alerts]]`; a section without routes sends
/// everything there on purpose).
pub fn check_routes(checker: &mut Checker<'_>, plan: &Plan) {
    let Some(settings) = &checker.stack.alertmanager else {
        return;
    };
    if !routes_alerts(settings) {
        return;
    }
    let mut warned: HashSet<usize> = HashSet::new();
    for alert in &plan.alerts {
        let AlertOrigin::Slo { index } = alert.origin else {
            continue;
        };
        if routed_receivers(settings, &alert.alertmanager_labels(None, None)).is_empty()
            && warned.insert(index)
        {
            checker.warn(
                &pointer(["slos", &index.to_string(), "service"]),
                ErrorKind::UnroutedAlert {
                    alert: alert.name.clone(),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests;
