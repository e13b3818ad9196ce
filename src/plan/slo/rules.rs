//! The expressions of an SLO's rules, as Sloth writes them where Sloth
//! writes them well, and guarded where it does not:
//!
//! - the bad-event counter is summed with `or vector(0)`, so a service that
//!   has not failed yet (whose error series does not exist) reads 0, not
//!   nothing;
//! - the total is divided by only when it is above 0 (`> 0`), so a window
//!   without traffic records no sample instead of `NaN`, and no alert can
//!   fire on it;
//! - thresholds are exact decimals (`14.4 * 0.001`), or fractions
//!   Prometheus evaluates (`14/15 * 0.001`), never float noise.

use indexmap::IndexMap;

use super::{BURN_TIER_LABEL, BurnCondition, PlannedSlo, PlannedTier, SloWindow};
use crate::config::exact::{Exact, decimal_text, promql_text};
use crate::config::{BurnTier, Slo};
use crate::plan::alerts::PlannedRecording;

/// Every recording rule of the SLO, in evaluation order: the SLI over each
/// window, then the metadata series.
pub fn recordings(planned: &PlannedSlo, slo: &Slo) -> Vec<PlannedRecording> {
    let mut rules: Vec<PlannedRecording> = planned
        .windows
        .iter()
        .map(|window| {
            let expr = if *window == planned.period && window != &planned.current {
                period_sli(planned)
            } else {
                sli(slo, window)
            };
            let mut labels = planned.id_labels();
            labels.insert("sloth_window".to_owned(), window.name.clone());
            recording(planned, &window.record(), expr, labels)
        })
        .collect();
    let filter = planned.id_selector();
    let budget = number(planned.budget);
    let days = Exact::new(i128::from(planned.period.millis), 86_400_000);
    let burn_rate = |window: &SloWindow| {
        format!(
            "{record}{filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{filter}",
            record = window.record()
        )
    };
    let metadata = [
        (
            "slo:objective:ratio",
            format!("vector({})", number(planned.objective)),
        ),
        ("slo:error_budget:ratio", format!("vector({budget})")),
        ("slo:time_period:days", format!("vector({})", number(days))),
        ("slo:current_burn_rate:ratio", burn_rate(&planned.current)),
        ("slo:period_burn_rate:ratio", burn_rate(&planned.period)),
        (
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{filter}"),
        ),
    ];
    for (record, expr) in metadata {
        rules.push(recording(planned, record, expr, planned.id_labels()));
    }
    // The alert thresholds as burn rates, for the dashboard to draw.
    for tier in &planned.tiers {
        for condition in &tier.conditions {
            let mut labels = planned.id_labels();
            labels.insert(BURN_TIER_LABEL.to_owned(), tier.tier.as_str().to_owned());
            labels.insert("sloth_window".to_owned(), condition.long.name.clone());
            rules.push(recording(
                planned,
                "slo:burn_rate_threshold:ratio",
                format!("vector({})", number(condition.factor)),
                labels,
            ));
        }
    }
    let mut info = planned.id_labels();
    info.insert("sloth_objective".to_owned(), planned.objective_percent());
    rules.push(recording(
        planned,
        "sloth_slo_info",
        "vector(1)".to_owned(),
        info,
    ));
    rules
}

/// The alert expression of a tier: any of its conditions, each the SLI
/// above the threshold over both its windows.
pub fn alert_expr(planned: &PlannedSlo, tier: &PlannedTier) -> String {
    let filter = planned.id_selector();
    let budget = number(planned.budget);
    tier.conditions
        .iter()
        .map(|condition| {
            let factor = promql_text(condition.factor);
            let over = |window: &SloWindow| {
                format!(
                    "    max({record}{filter} > ({factor} * {budget})) without (sloth_window)",
                    record = window.record()
                )
            };
            format!(
                "(\n{}\n    and\n{}\n)",
                over(&condition.short),
                over(&condition.long)
            )
        })
        .collect::<Vec<String>>()
        .join("\nor\n")
}

/// The annotations of a tier's alert, before template escaping: a
/// summary, a description of what burns how fast, the runbook, and the
/// user's own (which replace those of the same name).
pub fn annotations(
    planned: &PlannedSlo,
    slo: &Slo,
    tier: &PlannedTier,
) -> IndexMap<String, String> {
    let mut annotations = IndexMap::new();
    let speed = match tier.tier {
        BurnTier::Page => "fast",
        BurnTier::Ticket => "steadily",
    };
    annotations.insert(
        "summary".to_owned(),
        format!(
            "{} {} SLO ({}% over {}): the error budget is burning {speed}",
            planned.service,
            planned.name,
            planned.objective_percent(),
            planned.period.name
        ),
    );
    let conditions: Vec<String> = tier.conditions.iter().map(describe).collect();
    let mut description = format!(
        "The error budget ({}% of events over {}) is burning {speed}: {}.",
        decimal_text(planned.budget * Exact::from_integer(100)).unwrap_or_default(),
        planned.period.name,
        conditions.join(", or ")
    );
    if let Some(what) = &planned.description {
        description.push_str(" SLO: ");
        description.push_str(what);
    }
    annotations.insert("description".to_owned(), description);
    if let Some(runbook) = &slo.alerting.runbook {
        annotations.insert("runbook_url".to_owned(), runbook.clone());
    }
    for (key, value) in &tier.annotations {
        annotations.insert(key.clone(), value.clone());
    }
    annotations
}

/// One condition in words.
fn describe(condition: &BurnCondition) -> String {
    format!(
        "{}% of it spent within {} (burn rate above {} over {} and {})",
        condition.budget_percent,
        condition.long.name,
        display_number(condition.factor),
        condition.long.name,
        condition.short.name
    )
}

/// A number for people: exact when it has a short decimal form.
fn display_number(value: Exact) -> String {
    crate::config::exact::rounded_text(value, 4)
}

/// The SLI over `window` from the SLO's counters.
fn sli(slo: &Slo, window: &SloWindow) -> String {
    let w = &window.name;
    if let Some(ratio) = &slo.ratio {
        return format!(
            "(sum(rate({errors}[{w}])) or vector(0))\n/\n(sum(rate({total}[{w}])) > 0)",
            errors = ratio.errors.as_str(),
            total = ratio.total.as_str()
        );
    }
    let Some(latency) = &slo.latency else {
        return String::new();
    };
    let matchers = latency
        .selector
        .as_ref()
        .map_or("", |selector| selector.matchers_text());
    let le = match latency.le.label_values().as_slice() {
        [one] => format!("le=\"{one}\""),
        several => format!(
            "le=~\"{}\"",
            several
                .iter()
                .map(|value| value.replace('.', "\\\\."))
                .collect::<Vec<String>>()
                .join("|")
        ),
    };
    let with = |extra: &str| {
        let all: Vec<&str> = [matchers, extra]
            .into_iter()
            .filter(|m| !m.is_empty())
            .collect();
        format!("{{{}}}", all.join(", "))
    };
    let count = format!("{}_count{}", latency.histogram, with(""));
    let bucket = format!("{}_bucket{}", latency.histogram, with(&le));
    format!(
        "(sum(rate({count}[{w}])) - (sum(rate({bucket}[{w}])) or vector(0)))\n/\n(sum(rate({count}[{w}])) > 0)"
    )
}

/// The SLI over the period, averaged from the shortest window's recorded
/// SLI as Sloth does: reading the counters over 30 days on every
/// evaluation would cost far more, and the recorded ratio is kept anyway.
fn period_sli(planned: &PlannedSlo) -> String {
    let source = format!("{}{}", planned.current.record(), planned.id_selector());
    let w = &planned.period.name;
    format!(
        "sum_over_time({source}[{w}])\n/ ignoring (sloth_window)\ncount_over_time({source}[{w}])"
    )
}

fn recording(
    planned: &PlannedSlo,
    record: &str,
    expr: String,
    labels: IndexMap<String, String>,
) -> PlannedRecording {
    PlannedRecording {
        record: record.to_owned(),
        expr,
        group: planned.group.clone(),
        labels,
    }
}

/// An exact number as `PromQL` text.
fn number(value: Exact) -> String {
    promql_text(value)
}
