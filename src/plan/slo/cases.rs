//! The promtool tests of an SLO's alerts. Each feeds the SLI's counters a
//! steady share of bad events from the start and checks which tiers fire:
//!
//! - a fast burn, half again the lowest page threshold (or halfway to all
//!   events failing), fires the page (and the ticket, which Alertmanager's
//!   inhibit rule then mutes);
//! - a slow burn, halfway between the lowest ticket threshold and the
//!   lowest page threshold, fires the ticket and leaves the page quiet;
//! - a healthy service, at half the lowest threshold, fires nothing;
//! - no traffic at all fires nothing (no `NaN`, no division by zero).
//!
//! Which alerts fire is worked out from the exact thresholds, so the tests
//! hold the rules to the numbers the plan decided.

use indexmap::IndexMap;

use super::PlannedSlo;
use crate::config::exact::{Exact, rounded_text};
use crate::config::{EventShare, SliSeries, Slo, burn_windows, prometheus_duration};
use crate::plan::alerts::{ExpectedAlert, PlannedAlert, PlannedTest, expand_label_templates};
use crate::syntax::matcher::quote;

/// Events per minute in the test series.
const EVENTS_PER_MINUTE: i128 = 1000;
/// The sample interval of the test series, in minutes.
const STEP_MINUTES: u64 = 1;

/// The tests of an SLO whose tiers are `alerts`; none when its SLI has no
/// series to feed (validation refuses such an SLI).
pub fn tests(planned: &PlannedSlo, slo: &Slo, alerts: &[PlannedAlert]) -> Vec<PlannedTest> {
    let series = match (&slo.ratio, &slo.latency) {
        (Some(ratio), _) => ratio.series(),
        (None, Some(latency)) => latency.series(),
        (None, None) => return Vec::new(),
    };
    let Ok(series) = series else {
        return Vec::new();
    };
    let Some(burns) = Burns::of(planned) else {
        return Vec::new();
    };
    let scenarios = [
        burns.fast.map(|(share, eval)| (Some(share), eval)),
        Some((Some(burns.slow), burns.slow_eval)),
        Some((Some(burns.healthy), burns.quiet_eval)),
        Some((None, burns.quiet_eval)),
    ];
    scenarios
        .into_iter()
        .flatten()
        .map(|(share, eval)| case(planned, alerts, &series, share, eval))
        .collect()
}

/// The shares of bad events of the burn scenarios and when to look.
struct Burns {
    /// The fast burn and when to look; `None` when even every event
    /// failing would not page.
    fast: Option<(Exact, u64)>,
    slow: Exact,
    slow_eval: u64,
    healthy: Exact,
    /// When to look at a healthy service and one without traffic: the
    /// shortest long window of the page tier.
    quiet_eval: u64,
}

impl Burns {
    /// Thresholds of every condition of the windows table, page and
    /// ticket alike (a tier that is off still shapes the scenarios).
    fn of(planned: &PlannedSlo) -> Option<Self> {
        let table = burn_windows();
        let one = Exact::from_integer(1);
        let threshold =
            |w: &crate::config::BurnWindow| w.factor(planned.period.millis) * planned.budget;
        let page: Vec<(Exact, u64)> = table
            .page
            .iter()
            .map(|w| (threshold(w), w.long_millis()))
            .collect();
        // A ticket condition is looked at once its short window is full:
        // with a steady share of bad events every window reads the same.
        let ticket: Vec<(Exact, u64)> = table
            .ticket
            .iter()
            .map(|w| (threshold(w), w.short_millis()))
            .collect();
        let half = Exact::new(1, 2);
        let fast = page.iter().find(|(t, _)| *t < one).map(|(t, eval)| {
            let share = (*t * Exact::new(3, 2)).min((*t + one) * half);
            (share, *eval)
        });
        let lowest_page = page.iter().map(|(t, _)| *t).min()?.min(one);
        let lowest_ticket = ticket.iter().map(|(t, _)| *t).min()?;
        let slow = (lowest_ticket + lowest_page) * half;
        let slow_eval = ticket
            .iter()
            .filter(|(t, _)| *t < slow)
            .map(|(_, long)| *long)
            .min()?;
        let lowest = page.iter().chain(&ticket).map(|(t, _)| *t).min()?;
        let quiet_eval = page.iter().map(|(_, long)| *long).min()?;
        Some(Self {
            fast,
            slow,
            slow_eval,
            healthy: lowest * half,
            quiet_eval,
        })
    }
}

/// One test: `share` of events bad (`None`: no events at all), evaluated
/// after `eval_millis`.
fn case(
    planned: &PlannedSlo,
    alerts: &[PlannedAlert],
    series: &[SliSeries],
    share: Option<Exact>,
    eval_millis: u64,
) -> PlannedTest {
    let steps = eval_millis / (STEP_MINUTES * 60_000);
    let per_minute = |part: Exact| rounded_text(part * Exact::from_integer(EVENTS_PER_MINUTE), 6);
    let input = series
        .iter()
        .map(|one| {
            let increment = share.map_or_else(
                || "0".to_owned(),
                |bad| match one.share {
                    EventShare::Bad => per_minute(bad),
                    EventShare::Good => per_minute(Exact::from_integer(1) - bad),
                    EventShare::All => per_minute(Exact::from_integer(1)),
                },
            );
            (series_text(&one.labels), format!("0+{increment}x{steps}"))
        })
        .collect();
    let series_labels = planned.id_labels();
    let expected = alerts
        .iter()
        .zip(&planned.tiers)
        .filter(|(_, tier)| {
            share.is_some_and(|bad| tier.conditions.iter().any(|c| bad > c.threshold))
        })
        .map(|(alert, _)| expected_alert(alert, &series_labels))
        .collect();
    PlannedTest {
        interval: format!("{STEP_MINUTES}m"),
        series: input,
        eval_time: prometheus_duration(eval_millis),
        expected,
    }
}

/// The alert as Alertmanager gets it: the SLO's labels from the series, the
/// rule's labels and annotations expanded (they are plain text).
fn expected_alert(alert: &PlannedAlert, series: &IndexMap<String, String>) -> ExpectedAlert {
    let mut labels = series.clone();
    for (key, value) in alert.rule_labels() {
        let value = expand_label_templates(&value, series).unwrap_or(value);
        labels.insert(key, value);
    }
    let annotations = alert
        .annotations
        .iter()
        .map(|(key, text)| {
            let text = expand_label_templates(text, series).unwrap_or_else(|| text.clone());
            (key.clone(), text)
        })
        .collect();
    ExpectedAlert {
        labels,
        annotations,
    }
}

/// `name{label="value", ...}` for a label set holding `__name__`.
fn series_text(labels: &[(String, String)]) -> String {
    let name = labels
        .iter()
        .find(|(key, _)| key == "__name__")
        .map_or("", |(_, value)| value.as_str());
    let matchers: Vec<String> = labels
        .iter()
        .filter(|(key, _)| key != "__name__")
        .map(|(key, value)| format!("{key}={}", quote(value)))
        .collect();
    format!("{name}{{{}}}", matchers.join(", "))
}
