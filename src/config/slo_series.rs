//! Series that an SLI reads: a label set for each counter it sums, and
//! which share of the events each counts. The SLO checks refuse an SLI
//! without them (its selectors cannot tell bad events from good ones), and
//! the plan writes them as the input series of the SLO's promtool tests.

use promql_parser::label::{MatchOp, Matcher};

use super::label_examples::{Labels, changed_to_avoid, satisfying, selects};
use super::slo::{LatencySli, RatioSli, Selector};

/// Which events a series counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventShare {
    /// The bad events.
    Bad,
    /// The good events.
    Good,
    /// All events.
    All,
}

/// One input series: its labels (`__name__` among them) and what it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliSeries {
    /// The labels.
    pub labels: Labels,
    /// What it counts.
    pub share: EventShare,
}

impl RatioSli {
    /// A bad-event series `errors` selects, and a series for the rest:
    /// counting the good events when `total` also selects the bad series,
    /// all events otherwise. Refused (with the reason) when either selector
    /// is not a plain selector of a named metric, when no series matches
    /// `errors`, or when `errors` selects every series `total` does.
    pub fn series(&self) -> Result<Vec<SliSeries>, String> {
        let errors = all_matchers(&self.errors)?;
        let total = all_matchers(&self.total)?;
        let both: Vec<Matcher> = errors.iter().chain(&total).cloned().collect();
        if let Some(bad) = satisfying(&both) {
            let good = changed_to_avoid(&bad, &total, &errors).ok_or_else(|| {
                "`errors` selects every series `total` selects, so every event would be bad"
                    .to_owned()
            })?;
            return Ok(vec![
                SliSeries {
                    labels: bad,
                    share: EventShare::Bad,
                },
                SliSeries {
                    labels: good,
                    share: EventShare::Good,
                },
            ]);
        }
        let bad = satisfying(&errors).ok_or("no series can match `errors`")?;
        let all = satisfying(&total)
            .filter(|labels| !selects(&errors, labels))
            .or_else(|| {
                satisfying(&total).and_then(|labels| changed_to_avoid(&labels, &total, &errors))
            })
            .ok_or("no series can match `total` without matching `errors`")?;
        Ok(vec![
            SliSeries {
                labels: bad,
                share: EventShare::Bad,
            },
            SliSeries {
                labels: all,
                share: EventShare::All,
            },
        ])
    }
}

impl LatencySli {
    /// The histogram's bucket series at `le` (the good events) and its
    /// count series (all events), with labels the selector selects.
    pub fn series(&self) -> Result<Vec<SliSeries>, String> {
        let matchers = match &self.selector {
            Some(selector) if selector.series().is_some() => all_matchers_of(selector),
            _ => Vec::new(),
        };
        let labels = satisfying(&matchers).ok_or("no series can match the selector")?;
        let le = self
            .le
            .label_values()
            .into_iter()
            .next()
            .ok_or("the bucket bound is not a finite number")?;
        let named = |suffix: &str, extra: Option<(&str, &str)>| {
            let mut all = labels.clone();
            all.extend(extra.map(|(k, v)| (k.to_owned(), v.to_owned())));
            all.push(("__name__".to_owned(), format!("{}{suffix}", self.histogram)));
            all
        };
        Ok(vec![
            SliSeries {
                labels: named("_bucket", Some(("le", &le))),
                share: EventShare::Good,
            },
            SliSeries {
                labels: named("_count", None),
                share: EventShare::All,
            },
        ])
    }
}

/// The matchers of a plain selector of a named metric, the name as a
/// `__name__` matcher.
fn all_matchers(selector: &Selector) -> Result<Vec<Matcher>, String> {
    let series = selector
        .series()
        .ok_or("the selector is not a plain series selector")?;
    if series.metric.is_none() {
        return Err("the selector names no metric".to_owned());
    }
    Ok(all_matchers_of(selector))
}

fn all_matchers_of(selector: &Selector) -> Vec<Matcher> {
    let Some(series) = selector.series() else {
        return Vec::new();
    };
    let mut all = series.matchers.clone();
    if let Some(metric) = &series.metric {
        all.push(Matcher::new(MatchOp::Equal, "__name__", metric));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BucketBound;

    fn ratio(errors: &str, total: &str) -> RatioSli {
        RatioSli {
            errors: Selector::from(errors.to_owned()),
            total: Selector::from(total.to_owned()),
        }
    }

    fn find<'a>(labels: &'a Labels, name: &str) -> &'a str {
        super::super::label_examples::value_of(labels, name)
    }

    #[test]
    fn one_counter_splits_into_bad_and_good_series() {
        let series = ratio(
            r#"http_requests_total{job="api", status=~"5.."}"#,
            r#"http_requests_total{job="api"}"#,
        )
        .series()
        .expect("testable");
        assert_eq!(series[0].share, EventShare::Bad);
        assert_eq!(find(&series[0].labels, "status"), "500");
        assert_eq!(series[1].share, EventShare::Good);
        assert_eq!(find(&series[1].labels, "status"), "200");
        assert_eq!(find(&series[1].labels, "job"), "api");
    }

    #[test]
    fn two_counters_count_bad_and_all_events() {
        let series = ratio(r#"errors_total{job="api"}"#, r#"requests_total{job="api"}"#)
            .series()
            .expect("testable");
        assert_eq!(find(&series[0].labels, "__name__"), "errors_total");
        assert_eq!(series[1].share, EventShare::All);
        assert_eq!(find(&series[1].labels, "__name__"), "requests_total");
    }

    #[test]
    fn selectors_that_cannot_tell_bad_from_good_are_refused() {
        let same = ratio(r#"x{job="api"}"#, r#"x{job="api"}"#).series();
        assert!(
            same.expect_err("refused")
                .contains("every event would be bad")
        );
        let impossible = ratio(r#"x{a="1", a="2"}"#, "y").series();
        assert_eq!(impossible, Err("no series can match `errors`".to_owned()));
        let unnamed = ratio(r#"{job="api"}"#, "y").series();
        assert_eq!(unnamed, Err("the selector names no metric".to_owned()));
    }

    #[test]
    fn latency_reads_a_bucket_and_the_count() {
        let sli = LatencySli {
            histogram: "http_request_duration_seconds".to_owned(),
            le: BucketBound::from(0.5),
            selector: Some(Selector::from(r#"{job="api"}"#.to_owned())),
        };
        let series = sli.series().expect("testable");
        assert_eq!(
            find(&series[0].labels, "__name__"),
            "http_request_duration_seconds_bucket"
        );
        assert_eq!(find(&series[0].labels, "le"), "0.5");
        assert_eq!(find(&series[1].labels, "job"), "api");
        assert_eq!(series[1].share, EventShare::All);
    }
}
