//! Every alerting rule of the stack, user-written and built-in, in one list.
//!
//! The rules renderer writes them; the Alertmanager renderer reads their
//! severities and teams to generate routing tests. Each rule carries its
//! unit tests, already expanded to the labels and annotations promtool must
//! see, so the tests renderer only has to write them down.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::config::{AlertTest, Severity, Stack};
use crate::syntax::{is_label_name, text_keys};

/// Where an alert came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertOrigin {
    /// `[[alerts]]` entry number `index`.
    User {
        /// The position in `[[alerts]]`.
        index: usize,
    },
    /// A tier of `[[slos]]` entry number `index`.
    Slo {
        /// The position in `[[slos]]`.
        index: usize,
    },
    /// The built-in library: one rule shared by the scrape jobs of its group.
    Library {
        /// What the rule watches, in plan order; its alerts carry the
        /// `service` and `team` labels of one of them (from the scraped series).
        members: Arc<[LibraryMember]>,
    },
}

/// One scrape job a library group watches (for the probe rules, one probed
/// service of the probe job), with the target labels its series carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryMember {
    /// The `job` label.
    pub job: String,
    /// The `service` target label: the `[services]` entry the job reports on.
    pub service: String,
    /// The `team` target label.
    pub team: String,
    /// The `instance` of the job's first target (`host:port`, the probed URL
    /// for probes; see [`super::prometheus::ScrapeTargets::first_instance`]).
    pub target: String,
}

/// One alerting rule, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedAlert {
    /// The alert name.
    pub name: String,
    /// The rule group (and file stem).
    pub group: String,
    /// The expression.
    pub expr: String,
    /// The `for` duration, as written.
    pub for_: Option<String>,
    /// The severity label.
    pub severity: Severity,
    /// The team label (`None` for library rules: their alerts take it from the series).
    pub team: Option<String>,
    /// The service label (`None` for library rules, as `team`).
    pub service: Option<String>,
    /// Other labels.
    pub labels: IndexMap<String, String>,
    /// Annotations (summary, description, `runbook_url`), Prometheus templates intact.
    pub annotations: IndexMap<String, String>,
    /// Where it came from.
    pub origin: AlertOrigin,
    /// promtool unit tests of this rule.
    pub tests: Vec<PlannedTest>,
}

impl PlannedAlert {
    /// Every label the rule adds to its alerts: severity, team, service, then the others.
    pub fn rule_labels(&self) -> IndexMap<String, String> {
        self.labels_with(None, None)
    }

    /// The `(team, service)` label pairs the rule's alerts may carry: the
    /// rule's own for a user rule; each member's, as its series carry them,
    /// for a library rule (whose rule labels set neither), and neither for a
    /// library rule of no member (`Watchdog`, whose series are its own).
    pub fn owners(&self) -> Vec<(Option<&str>, Option<&str>)> {
        match &self.origin {
            AlertOrigin::User { .. } | AlertOrigin::Slo { .. } => {
                vec![(self.team.as_deref(), self.service.as_deref())]
            }
            AlertOrigin::Library { members } if members.is_empty() => vec![(None, None)],
            AlertOrigin::Library { members } => members
                .iter()
                .map(|m| (Some(m.team.as_str()), Some(m.service.as_str())))
                .collect(),
        }
    }

    /// The labels Alertmanager sees on an alert of this rule with `team` and
    /// `service` (one of [`Self::owners`]; `None` takes the rule's own),
    /// `alertname` aside: severity, team, service, then the rule's other labels.
    pub fn labels_with(
        &self,
        team: Option<&str>,
        service: Option<&str>,
    ) -> IndexMap<String, String> {
        let mut labels = IndexMap::new();
        labels.insert("severity".to_owned(), self.severity.as_str().to_owned());
        if let Some(team) = team.or(self.team.as_deref()) {
            labels.insert("team".to_owned(), team.to_owned());
        }
        if let Some(service) = service.or(self.service.as_deref()) {
            labels.insert("service".to_owned(), service.to_owned());
        }
        for (key, value) in &self.labels {
            labels.insert(key.clone(), value.clone());
        }
        labels
    }

    /// [`Self::labels_with`] behind `alertname`: the whole label set
    /// Alertmanager routes an alert of this rule by.
    pub fn alertmanager_labels(
        &self,
        team: Option<&str>,
        service: Option<&str>,
    ) -> Vec<(String, String)> {
        std::iter::once(("alertname".to_owned(), self.name.clone()))
            .chain(self.labels_with(team, service))
            .collect()
    }

    /// The annotations of an alert carrying `labels`, when every template in
    /// them is a plain `{{ $labels.name }}` whose label is known.
    pub fn expanded_annotations(
        &self,
        labels: &IndexMap<String, String>,
    ) -> Option<IndexMap<String, String>> {
        self.annotations
            .iter()
            .map(|(key, text)| Some((key.clone(), expand_label_templates(text, labels)?)))
            .collect()
    }
}

/// One promtool test case: input series, an evaluation time and the alerts expected then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTest {
    /// The sample interval (`1m`).
    pub interval: String,
    /// `(series, values)` in promtool notation.
    pub series: Vec<(String, String)>,
    /// When to evaluate.
    pub eval_time: String,
    /// The alerts expected, with every label and expanded annotation; empty means none fires.
    pub expected: Vec<ExpectedAlert>,
}

/// One alert a test expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAlert {
    /// All labels but `alertname`.
    pub labels: IndexMap<String, String>,
    /// The annotations after templating.
    pub annotations: IndexMap<String, String>,
}

/// A recording rule, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRecording {
    /// The recorded series name.
    pub record: String,
    /// The expression.
    pub expr: String,
    /// The rule group (and file stem).
    pub group: String,
    /// Labels added to the series.
    pub labels: IndexMap<String, String>,
}

/// The group of user alerts that name none.
pub const DEFAULT_ALERT_GROUP: &str = "custom";
/// The group of user recording rules that name none.
pub const DEFAULT_RECORDING_GROUP: &str = "recording";

/// The user's `[[alerts]]` as planned alerts.
pub fn user_alerts(stack: &Stack) -> Vec<PlannedAlert> {
    stack
        .alerts
        .iter()
        .enumerate()
        .map(|(index, alert)| {
            let mut annotations = IndexMap::new();
            if let Some(summary) = &alert.summary {
                annotations.insert("summary".to_owned(), summary.clone());
            }
            if let Some(description) = &alert.description {
                annotations.insert("description".to_owned(), description.clone());
            }
            if let Some(runbook) = &alert.runbook_url {
                annotations.insert("runbook_url".to_owned(), runbook.clone());
            }
            let mut planned = PlannedAlert {
                name: alert.name.clone(),
                group: alert
                    .group
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ALERT_GROUP.to_owned()),
                expr: alert.expr.clone(),
                for_: alert.for_.as_ref().map(|d| d.as_str().to_owned()),
                severity: alert.severity,
                team: alert.team.clone().or_else(|| {
                    alert
                        .service
                        .as_ref()
                        .and_then(|s| stack.services.get(s))
                        .and_then(|s| s.team.clone())
                }),
                service: alert.service.clone(),
                labels: text_keys(&alert.labels),
                annotations,
                origin: AlertOrigin::User { index },
                tests: Vec::new(),
            };
            planned.tests = alert
                .tests
                .iter()
                .map(|test| user_test(&planned, test))
                .collect();
            planned
        })
        .collect()
}

/// The user's `[[recording-rules]]` as planned recording rules.
pub fn user_recordings(stack: &Stack) -> Vec<PlannedRecording> {
    stack
        .recording_rules
        .iter()
        .map(|rule| PlannedRecording {
            record: rule.record.clone(),
            expr: rule.expr.clone(),
            group: rule
                .group
                .clone()
                .unwrap_or_else(|| DEFAULT_RECORDING_GROUP.to_owned()),
            labels: text_keys(&rule.labels),
        })
        .collect()
}

/// `text` as Prometheus expands it for an alert whose series carries
/// `labels`, when its only templates are `{{ $labels.name }}` (a label the
/// series lacks expands to nothing, as in Prometheus) and string constants
/// such as `{{ "{{" }}`; `None` when it holds any other template.
pub fn expand_label_templates(text: &str, labels: &IndexMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let action = after[..end].trim_matches([' ', '\t', '\r', '\n']);
        if let Some(name) = action.strip_prefix("$labels.")
            && is_label_name(name)
        {
            out.push_str(labels.get(name).map_or("", String::as_str));
        } else {
            out.push_str(string_constant(action)?);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The value of `"text"` or `` `text` `` without escapes.
fn string_constant(action: &str) -> Option<&str> {
    ['"', '`'].into_iter().find_map(|quote| {
        let inner = action.strip_prefix(quote)?.strip_suffix(quote)?;
        (!inner.contains(quote) && !inner.contains('\\') && !inner.contains('\n')).then_some(inner)
    })
}

/// A user's `[[alerts.tests]]` entry: the rule's labels are added to each
/// expected alert, and omitted annotations are taken from the rule when
/// they expand from the labels alone.
fn user_test(planned: &PlannedAlert, test: &AlertTest) -> PlannedTest {
    let expected = test
        .expect
        .iter()
        .map(|expect| {
            // Prometheus expands label and annotation templates with the
            // series' labels, before the rule's labels are added.
            let series = &text_keys(&expect.labels);
            let mut labels = series.clone();
            for (key, value) in planned.rule_labels() {
                let value = expand_label_templates(&value, series).unwrap_or(value);
                labels.insert(key, value);
            }
            let mut annotations = IndexMap::new();
            for (key, text) in &planned.annotations {
                let value = expect
                    .annotations
                    .get(key.as_str())
                    .cloned()
                    .or_else(|| expand_label_templates(text, series));
                if let Some(value) = value {
                    annotations.insert(key.clone(), value);
                }
            }
            for (key, value) in &expect.annotations {
                annotations
                    .entry(key.to_string())
                    .or_insert_with(|| value.clone());
            }
            ExpectedAlert {
                labels,
                annotations,
            }
        })
        .collect();
    PlannedTest {
        interval: test
            .interval
            .as_ref()
            .map_or_else(|| "1m".to_owned(), |d| d.as_str().to_owned()),
        series: test
            .series
            .iter()
            .map(|s| (s.series.clone(), s.values.clone()))
            .collect(),
        eval_time: test.eval_time.as_str().to_owned(),
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_templates_expand_from_known_labels_only() {
        let labels: IndexMap<String, String> =
            [("instance".to_owned(), "app-1:8000".to_owned())].into();
        assert_eq!(
            expand_label_templates("{{ $labels.instance }} is down", &labels).as_deref(),
            Some("app-1:8000 is down")
        );
        assert_eq!(
            expand_label_templates("{{$labels.instance}}", &labels).as_deref(),
            Some("app-1:8000")
        );
        assert_eq!(expand_label_templates("{{ $value }}", &labels), None);
        assert_eq!(expand_label_templates("{{- $labels.job }}", &labels), None);
        assert_eq!(expand_label_templates("{{ \"a\\n\" }}", &labels), None);
        // A label the series lacks expands to nothing, as in Prometheus.
        assert_eq!(
            expand_label_templates("[{{ $labels.job }}]", &labels).as_deref(),
            Some("[]")
        );
        assert_eq!(
            expand_label_templates("{{ \"{{\" }} {{`}`}}", &labels).as_deref(),
            Some("{{ }")
        );
        assert_eq!(
            expand_label_templates("plain", &labels).as_deref(),
            Some("plain")
        );
    }
}
