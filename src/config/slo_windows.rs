//! The windows of the SLO burn-rate alerts, read from
//! `templates/slo/windows.toml`, and the burn-rate factors they give for a
//! period, computed exactly.

use std::sync::OnceLock;

use serde::Deserialize;

use super::exact::Exact;
use crate::syntax::parse_duration_millis;

/// The text of `templates/slo/windows.toml`.
const WINDOWS_TOML: &str = include_str!("../../templates/slo/windows.toml");

/// The alert tiers of an SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BurnTier {
    /// Fast burn: wake someone up.
    Page,
    /// Slow burn: look at it in working hours.
    Ticket,
}

impl BurnTier {
    /// Both tiers, page first.
    pub const ALL: [Self; 2] = [Self::Page, Self::Ticket];

    /// The tier's name, the value of the `burn_tier` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Ticket => "ticket",
        }
    }
}

/// One burn-rate condition: `budget_percent` of the period's error budget
/// spent within `long`, and still burning over `short`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BurnWindow {
    /// The share of the period's error budget, in percent.
    pub budget_percent: u32,
    /// The long window, such as `1h`.
    pub long: String,
    /// The short window, such as `5m`.
    pub short: String,
}

impl BurnWindow {
    /// The long window in milliseconds.
    pub fn long_millis(&self) -> u64 {
        parse_duration_millis(&self.long).unwrap_or(1)
    }

    /// The short window in milliseconds.
    pub fn short_millis(&self) -> u64 {
        parse_duration_millis(&self.short).unwrap_or(1)
    }

    /// The burn rate that spends the window's share of the budget of a
    /// `period_millis` period within the long window:
    /// `budget_percent / 100 × period / long` (14.4 for 2% in 1h of 30 days).
    pub fn factor(&self, period_millis: u64) -> Exact {
        Exact::new(
            i128::from(self.budget_percent) * i128::from(period_millis),
            100 * i128::from(self.long_millis()),
        )
    }
}

/// The conditions of both tiers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnWindows {
    /// The page tier's conditions.
    pub page: Vec<BurnWindow>,
    /// The ticket tier's conditions.
    pub ticket: Vec<BurnWindow>,
}

impl BurnWindows {
    /// The conditions of `tier`.
    pub fn tier(&self, tier: BurnTier) -> &[BurnWindow] {
        match tier {
            BurnTier::Page => &self.page,
            BurnTier::Ticket => &self.ticket,
        }
    }

    /// Every window any condition reads, shortest first, each once.
    pub fn all_windows(&self) -> Vec<u64> {
        let mut windows: Vec<u64> = self
            .page
            .iter()
            .chain(&self.ticket)
            .flat_map(|w| [w.short_millis(), w.long_millis()])
            .collect();
        windows.sort_unstable();
        windows.dedup();
        windows
    }

    /// The longest window any condition reads.
    pub fn longest(&self) -> u64 {
        self.all_windows().last().copied().unwrap_or(0)
    }
}

/// The burn-rate windows, read once.
pub fn burn_windows() -> &'static BurnWindows {
    static WINDOWS: OnceLock<BurnWindows> = OnceLock::new();
    WINDOWS.get_or_init(|| {
        toml::from_str(WINDOWS_TOML)
            .expect("templates/slo/windows.toml is valid (a unit test reads it)")
    })
}

/// `millis` as Prometheus writes a duration (`model.Duration.String()`),
/// which Sloth uses in its series names: years and weeks only when exact,
/// then days, hours, minutes, seconds and milliseconds (`30d`, `4w` for 28
/// days, `1h30m`).
pub fn prometheus_duration(millis: u64) -> String {
    const DAY: u64 = 24 * 3_600_000;
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, length, exact_only) in [
        ("y", 365 * DAY, true),
        ("w", 7 * DAY, true),
        ("d", DAY, false),
        ("h", 3_600_000, false),
        ("m", 60_000, false),
        ("s", 1_000, false),
        ("ms", 1, false),
    ] {
        if exact_only && rest % length != 0 {
            continue;
        }
        if rest >= length {
            out.push_str(&(rest / length).to_string());
            out.push_str(unit);
            rest %= length;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::exact::decimal_text;

    const DAY: u64 = 24 * 3_600_000;

    #[test]
    fn the_windows_file_reads() {
        let windows = burn_windows();
        assert_eq!(windows.page.len(), 2);
        assert_eq!(windows.ticket.len(), 2);
        assert_eq!(windows.longest(), 3 * DAY);
        let names: Vec<String> = windows
            .all_windows()
            .into_iter()
            .map(prometheus_duration)
            .collect();
        assert_eq!(names, ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    }

    #[test]
    fn factors_scale_with_the_period_exactly() {
        let factors = |days: u64| -> Vec<String> {
            let windows = burn_windows();
            windows
                .page
                .iter()
                .chain(&windows.ticket)
                .map(|w| {
                    let factor = w.factor(days * DAY);
                    decimal_text(factor)
                        .unwrap_or_else(|| format!("{}/{}", factor.numer(), factor.denom()))
                })
                .collect()
        };
        assert_eq!(factors(30), ["14.4", "6", "3", "1"]);
        assert_eq!(factors(28), ["13.44", "5.6", "2.8", "14/15"]);
        assert_eq!(factors(7), ["3.36", "1.4", "0.7", "7/30"]);
    }

    #[test]
    fn durations_are_named_as_prometheus_names_them() {
        assert_eq!(prometheus_duration(30 * DAY), "30d");
        assert_eq!(prometheus_duration(28 * DAY), "4w");
        assert_eq!(prometheus_duration(14 * DAY), "2w");
        assert_eq!(prometheus_duration(365 * DAY), "1y");
        assert_eq!(prometheus_duration(90 * DAY), "90d");
        assert_eq!(prometheus_duration(5 * 60_000), "5m");
        assert_eq!(prometheus_duration(90 * 60_000), "1h30m");
        assert_eq!(prometheus_duration(DAY + 500), "1d500ms");
        assert_eq!(prometheus_duration(0), "0s");
    }
}
