//! One file of the built-in alert library, `templates/alerts/<kind>.toml`:
//! its serde model, parsed from the TOML compiled into the binary once per
//! process when first asked for, and its texts, minijinja templates in the
//! bracket syntax ([`crate::templates::bracket_environment`]), each compiled
//! once when first filled.
//!
//! A text names the values of [`TextValues`]: `[[ job ]]`, `[[ job_matcher ]]`,
//! `[[ target ]]`, `[[ service ]]`, `[[ probe_job ]]`, `[[ status_label ]]` and
//! `[[ threshold ]]`, with arithmetic
//! on the threshold (`[[ threshold * 100 ]]`, `[[ 200 * threshold / (1 -
//! threshold) ]]`) computed and printed by minijinja: integers stay integers,
//! and floats print with a fraction (`2.0`).

use std::sync::OnceLock;

use indexmap::IndexMap;
use minijinja::{Template, Value};
use serde::{Deserialize, Deserializer};

use super::alerts::LibraryMember;
use crate::config::Severity;
use crate::error::Error;
use crate::templates;

/// The directory of the library under `templates/`.
const DIR: &str = "alerts";

/// Every library file name (`app`, `node`, ...), sorted.
pub fn kinds() -> Vec<&'static str> {
    templates::files_in(DIR, ".toml")
        .into_iter()
        .filter_map(|path| path.strip_prefix("alerts/")?.strip_suffix(".toml"))
        .collect()
}

/// Library file `kind`, parsed once per process when first asked for
/// (every job renders the same few files; most stacks need only some).
pub fn load(kind: &str) -> Result<&'static LibraryFile, Error> {
    type Parsed = OnceLock<Result<LibraryFile, String>>;
    static FILES: OnceLock<Vec<(&'static str, Parsed)>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        kinds()
            .into_iter()
            .map(|name| (name, OnceLock::new()))
            .collect()
    });
    let Some((name, parsed)) = files.iter().find(|(name, _)| *name == kind) else {
        return Err(Error::Bug(format!("alert library {kind} is not listed")));
    };
    parsed
        .get_or_init(|| {
            let text = templates::file(&format!("{DIR}/{name}.toml")).map_err(|e| e.to_string())?;
            toml::from_str(text).map_err(|e| format!("alert library {name}: {e}"))
        })
        .as_ref()
        .map_err(|message| Error::Bug(message.clone()))
}

/// A library file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryFile {
    /// The `team` target label of its jobs whose entry names none.
    pub team: String,
    /// The file's own rule that says its job is down, which stands in for
    /// `TargetDown` on its jobs (`LokiDown`): they get no `targets` rules.
    #[serde(default)]
    pub down_alert: Option<String>,
    /// Recording rules, rendered once per group.
    #[serde(default)]
    pub recording: Vec<LibraryRecording>,
    /// Alerting rules.
    pub rules: Vec<LibraryRule>,
}

/// A recording rule of the library.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryRecording {
    /// The recorded series.
    pub record: String,
    /// The expression.
    pub expr: LibraryText,
}

/// An alerting rule of the library.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryRule {
    /// The alert name.
    pub name: String,
    /// The expression.
    pub expr: LibraryText,
    /// How long the expression must hold.
    #[serde(default, rename = "for")]
    pub for_: Option<String>,
    /// The `severity` label.
    pub severity: Severity,
    /// What the rule needs from the stack to be able to fire: a group whose
    /// jobs cannot feed it leaves it out.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    /// The default threshold, for rules that have one (`alerts.thresholds` changes it).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Thresholds must stay below this for the rule (and its test data) to make sense.
    #[serde(default)]
    pub max_threshold: Option<f64>,
    /// The `summary` annotation.
    pub summary: LibraryText,
    /// The `description` annotation.
    pub description: LibraryText,
    /// The data of the rule's promtool tests.
    pub test: LibraryTest,
}

/// What a library rule needs from the stack to be able to fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Requirement {
    /// The exporter shares the host's network namespace, so it sees the
    /// host's interfaces and connection tracking rather than its own.
    HostNetwork,
    /// The exporter reads the kernel log (`/dev/kmsg`), where the kernel
    /// reports the processes it kills for lack of memory.
    KernelLog,
    /// The probe job probes an HTTP endpoint.
    HttpProbe,
    /// The probe job probes a TLS endpoint, so the blackbox exporter sees a
    /// certificate.
    TlsProbe,
    /// Prometheus sends its alerts to an Alertmanager.
    Alertmanager,
    /// `[alertmanager] dead-mans-switch` names the receiver of `Watchdog`.
    DeadMansSwitch,
    /// The Redis exporter reports the host's memory
    /// (`REDIS_EXPORTER_INCL_SYSTEM_METRICS`).
    RedisSystemMetrics,
}

/// The data of a rule's promtool tests: one where it fires and, unless the
/// rule always fires, one where it stays quiet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LibraryTest {
    /// The series' sample interval (`1m` when unset).
    #[serde(default)]
    pub interval: Option<String>,
    /// When the alerts are evaluated.
    pub eval_time: String,
    /// Whether the alert carries the target labels of the series it comes
    /// from (`job`, `service`, `team`); `false` for a rule whose expression
    /// makes its own series, such as `vector(1)`.
    #[serde(default = "yes")]
    pub target_labels: bool,
    /// The labels of the alert the firing series raise.
    pub labels: IndexMap<String, LibraryText>,
    /// Series that make the rule fire.
    pub firing: Vec<LibrarySeries>,
    /// Series that keep it quiet; `None` for a rule that always fires.
    #[serde(default)]
    pub healthy: Option<Vec<LibrarySeries>>,
}

const fn yes() -> bool {
    true
}

/// One input series of a test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibrarySeries {
    /// The series, such as `up{job="[[ job ]]"}`.
    pub series: LibraryText,
    /// Its values in promtool's notation, such as `0+10x30`.
    pub values: LibraryText,
}

/// A text of the library: a template in the bracket syntax.
#[derive(Debug)]
pub struct LibraryText {
    source: String,
    /// Compiled on first fill (a plan for checks fills none).
    template: OnceLock<Result<Template<'static, 'static>, String>>,
}

/// The values a library text is filled with, as its template context.
#[derive(Debug, Clone)]
pub struct TextValues(Value);

impl TextValues {
    /// The values of one rule for one group of jobs: the job, target and
    /// service the tests use (`tested`, a member of the group), the `job`
    /// matcher of every job of the group (`job=~"a|b"`), the blackbox probe
    /// job, the label holding HTTP statuses and the rule's threshold.
    pub fn new(
        tested: &LibraryMember,
        job_matcher: &str,
        probe_job: &str,
        status_label: &str,
        threshold: Option<f64>,
    ) -> Self {
        Self(minijinja::context! {
            job => tested.job.as_str(),
            job_matcher,
            target => tested.target.as_str(),
            service => tested.service.as_str(),
            probe_job,
            status_label,
            threshold => threshold.map(threshold_value),
        })
    }
}

impl LibraryText {
    /// The text with every `[[ ]]` filled in from `values`.
    pub fn fill(&'static self, values: &TextValues) -> Result<String, Error> {
        let template = self
            .template
            .get_or_init(|| {
                templates::bracket_environment()
                    .map_err(|e| e.to_string())?
                    .template_from_str(&self.source)
                    .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| Error::Bug(format!("alert library text `{}`: {e}", self.source)))?;
        template
            .render(&values.0)
            .map_err(|e| Error::Bug(format!("alert library text `{}`: {e:#}", self.source)))
    }
}

impl<'de> Deserialize<'de> for LibraryText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|source| Self {
            source,
            template: OnceLock::new(),
        })
    }
}

/// A threshold as templates see it: whole ones are integers, so `90` prints
/// as `90` (not `90.0`) and `[[ threshold * 2 ]]` stays an integer.
#[allow(clippy::cast_possible_truncation)]
fn threshold_value(threshold: f64) -> Value {
    if threshold.fract() == 0.0 && threshold.abs() < 1e15 {
        Value::from(threshold as i64)
    } else {
        Value::from(threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(source: &str, threshold: Option<f64>) -> Result<String, Error> {
        let text: &'static LibraryText = Box::leak(Box::new(LibraryText {
            source: source.to_owned(),
            template: OnceLock::new(),
        }));
        let tested = LibraryMember {
            job: "api".to_owned(),
            service: "shop".to_owned(),
            team: "backend".to_owned(),
            target: "api-1:8000".to_owned(),
        };
        text.fill(&TextValues::new(
            &tested,
            r#"job=~"api|web""#,
            "blackbox",
            "code",
            threshold,
        ))
    }

    #[test]
    fn texts_fill_in_the_bracket_syntax() {
        assert_eq!(
            fill(
                "up{[[ job_matcher ]]} == 0 {{ $labels.job }} [[ job ]] [[ target ]] [[ service ]] [[ probe_job ]] [[ status_label ]]",
                None
            )
            .expect("fills"),
            r#"up{job=~"api|web"} == 0 {{ $labels.job }} api api-1:8000 shop blackbox code"#
        );
        assert!(fill("[[ nothing ]]", None).is_err());
        assert!(fill("[[ job", None).is_err());
    }

    /// The numbers print as they always have: whole thresholds as integers,
    /// floats with a fraction and in shortest form.
    #[test]
    fn threshold_arithmetic_prints_integers_and_shortest_floats() {
        for (source, threshold, expected) in [
            ("[[ threshold ]]", 90.0, "90"),
            ("[[ threshold ]]", 0.05, "0.05"),
            ("[[ threshold * 100 ]]", 90.0, "9000"),
            ("[[ threshold * 100 ]]", 0.05, "5.0"),
            ("[[ threshold / 2 ]]", 10.0, "5.0"),
            ("[[ threshold * 1.1 ]]", 10.0, "11.0"),
            ("[[ threshold * 1.1 ]]", 3.0, "3.3000000000000003"),
            ("[[ 200 * threshold / (1 - threshold) ]]", 0.2, "50.0"),
            ("[[ 100 - threshold * 2 ]]", 10.0, "80"),
            ("[[ threshold ]]", 1e15, "1000000000000000.0"),
            ("[[ threshold ]]", 0.1 + 0.2, "0.30000000000000004"),
        ] {
            assert_eq!(
                fill(source, Some(threshold)).expect("fills"),
                expected,
                "{source} with {threshold}"
            );
        }
    }
}
