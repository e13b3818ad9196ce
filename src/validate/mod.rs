//! Stage 2: semantic checks on the model, all run, every problem reported.
//!
//! Each submodule checks one concern and reports through a [`Checker`],
//! which turns JSON pointers into spans. Every check is listed in
//! [`CHECKS`] with the sections it reads: on a stack whose shape the schema
//! refused in part ([`Loaded::broken`]), a check runs only when none of its
//! sections was refused whole, and a reference into a removed entry is not
//! reported as dangling, so no check reports what the schema's diagnostics
//! already explain.

mod alert_tests;
mod alerting;
mod alerts;
pub mod dashboards;
pub mod dependencies;
pub mod exposure;
mod files;
mod go_template;
mod healthchecks;
pub mod ingress;
mod kubernetes;
mod logs;
mod names;
pub mod ports;
mod promql;
mod redis_memory;
#[cfg(test)]
mod schema_and_semantic_tests;
pub mod secrets;
#[cfg(test)]
mod sections_tests;
mod slos;
pub mod text;
mod tls;
mod ulimits;
pub mod volumes;

use crate::config::Stack;
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Broken, Loaded, Section, SpanIndex};
use crate::plan::Plan;

pub use crate::syntax::parse_promql;
pub use crate::syntax::{check_dns_label, is_safe_name};
pub use names::reserved_service_owner;
pub use text::forbid_unsafe_text;

/// One semantic check: the sections it reads and the function that runs it.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// What the check is called in test failures.
    pub name: &'static str,
    /// Every section the check reads whose default could make it report
    /// something false (a reference into an emptied section, a "needs
    /// `[prometheus]`" for a section that is there but broken): it runs
    /// only when none of them is broken whole. Entries of `[services]`,
    /// `[volumes]` and `[networks]` may be missing. A section read only to
    /// find more of the same problems is left out (the host ports that
    /// `[grafana]` and the like publish: without them, fewer clashes).
    /// `sections_tests.rs` proves, on every stack of the repository, that
    /// taking out a section not listed never adds a diagnostic.
    pub reads: &'static [Section],
    /// Of those, the sections the check needs with every entry, because
    /// what it reports depends on all of them together (where a dependency
    /// cycle is reported depends on where the search starts): it runs only
    /// when none of their entries is missing either.
    pub every_entry: &'static [Section],
    /// The check.
    pub run: fn(&mut Checker<'_>),
}

impl Check {
    /// Whether the check runs on a stack with `broken` parts.
    pub fn runs_with(&self, broken: &Broken) -> bool {
        !self.reads.iter().any(|section| broken.section(*section))
            && !self
                .every_entry
                .iter()
                .any(|section| broken.has_entries(*section))
    }
}

use Section::{
    Alertmanager, Alerts, Dashboards, Grafana, Ingress, Kubernetes, Logs, Networks, Prometheus,
    RecordingRules, Services, Slos, Volumes,
};

/// Every semantic check, in the order they run.
pub const CHECKS: &[Check] = &[
    check("stack name", &[Section::Stack], names::check_stack),
    check("service names", &[Services], names::check_services),
    check("volume names", &[Volumes], names::check_volumes),
    check("network names", &[Networks], names::check_networks),
    check("dependencies", &[Services], dependencies::check),
    Check {
        name: "cycles",
        reads: &[Services],
        every_entry: &[Services],
        run: dependencies::check_cycles,
    },
    check(
        "networks",
        &[Services, Networks],
        dependencies::check_networks,
    ),
    check("ports", &[Services], ports::check),
    check("health checks", &[Services], healthchecks::check),
    check("ulimits", &[Services], ulimits::check),
    check("mounts", &[Services, Volumes], volumes::check),
    check("files", &[Services, Ingress], files::check),
    check("secrets", &[Services], secrets::check),
    check("alert PromQL", &[Alerts], promql::check_alerts),
    check(
        "recording PromQL",
        &[RecordingRules],
        promql::check_recording_rules,
    ),
    check("dashboard PromQL", &[Dashboards], promql::check_dashboards),
    check(
        "rules evaluated",
        &[Alerts, RecordingRules, Prometheus],
        alerts::check_evaluated,
    ),
    check("alerts", &[Alerts, Services], alerts::check_alerts),
    check(
        "recording rules",
        &[RecordingRules],
        alerts::check_recording_rules,
    ),
    check("built-in alerts", &[Services], alerts::check_services),
    check(
        "metrics and probes",
        &[Services, Prometheus],
        alerts::check_metrics_and_probes,
    ),
    check(
        "scrape jobs",
        &[Prometheus, Services],
        alerts::check_extra_jobs,
    ),
    check("slos", &[Slos, Prometheus, Services], slos::check),
    check(
        "slo rule groups",
        &[Slos, Alerts, RecordingRules],
        slos::check_rule_groups,
    ),
    check("alert templates", &[Alerts], go_template::check_alerts),
    check("alert tests", &[Alerts], alert_tests::check),
    check("alertmanager", &[Alertmanager], alerting::check),
    check(
        "alert routes",
        &[Alertmanager, Alerts, Services],
        alerting::check_unrouted,
    ),
    check(
        "grafana",
        &[Grafana, Prometheus, Dashboards],
        dashboards::check_sections,
    ),
    check("dashboards", &[Dashboards], dashboards::check),
    Check {
        name: "logs panels",
        reads: &[Dashboards, Logs, Services],
        every_entry: &[Services],
        run: dashboards::check_logs_panels,
    },
    check("ingress", &[Ingress], ingress::check),
    check(
        "ingress routes",
        &[Ingress, Services, Prometheus, Alertmanager, Grafana, Logs],
        ingress::check_routes,
    ),
    check("logs", &[Logs, Services, Grafana], logs::check),
    check(
        "kubernetes",
        &[Kubernetes, Services, Volumes, Ingress],
        kubernetes::check,
    ),
];

const fn check(name: &'static str, reads: &'static [Section], run: fn(&mut Checker<'_>)) -> Check {
    Check {
        name,
        reads,
        every_entry: &[],
        run,
    }
}

/// Runs every check that can run; returns the load stage's problems and
/// the checks' errors and warnings, in file order.
pub fn validate(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diagnostics = loaded.problems.clone();
    for check in CHECKS {
        if check.runs_with(&loaded.broken) {
            diagnostics.extend(run(loaded, check));
        }
    }
    diagnostics.sort_by_key(|d| (d.location.source.name.clone(), d.location.span.start));
    diagnostics
}

/// What `check` finds in `loaded`, in the order it found it.
pub fn run(loaded: &Loaded, check: &Check) -> Vec<Diagnostic> {
    let mut checker = Checker::new(loaded);
    (check.run)(&mut checker);
    checker.diagnostics
}

/// Checks that need the plan (the built-in alerts exist only there); warnings only.
pub fn validate_plan(loaded: &Loaded, plan: &Plan) -> Vec<Diagnostic> {
    let mut checker = Checker::new(loaded);
    alerting::check_library(&mut checker, plan);
    redis_memory::check(&mut checker, plan);
    slos::check_routes(&mut checker, plan);
    kubernetes::report_losses(&mut checker, plan);
    exposure::check(&mut checker, plan);
    checker.diagnostics
}

/// The diagnostics [`validate_plan`] gives the stack `text` whose code
/// starts with `code`, each with the text under its span.
#[cfg(test)]
pub(crate) fn plan_diagnostics(text: &str, code: &str) -> Vec<(ErrorKind, String)> {
    let loaded = crate::load::load_str("stack.toml", text).expect("loads");
    let plan = crate::plan::plan(&loaded);
    validate_plan(&loaded, &plan)
        .into_iter()
        .filter(|d| d.kind.code().starts_with(code))
        .map(|d| (d.kind, text[d.location.span].to_owned()))
        .collect()
}

/// Collects diagnostics, locating them through the span index.
pub struct Checker<'a> {
    /// The stack being checked.
    pub stack: &'a Stack,
    /// Where each value is in the source.
    pub spans: &'a SpanIndex,
    /// The stack file's directory, which files the stack names are relative to.
    pub base_dir: &'a std::path::Path,
    /// The files and folders the stack names, as the load stage found them.
    pub inputs: &'a crate::load::Inputs,
    /// The output targets of this run.
    pub targets: crate::config::Targets,
    /// The parts of the file the schema refused, missing from `stack`.
    pub broken: &'a Broken,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// A checker of `loaded`, with nothing reported yet.
    pub fn new(loaded: &'a Loaded) -> Self {
        Self {
            stack: &loaded.stack,
            spans: &loaded.spans,
            base_dir: &loaded.base_dir,
            inputs: &loaded.inputs,
            targets: loaded.targets,
            broken: &loaded.broken,
            diagnostics: Vec::new(),
        }
    }

    /// An error pointing at the value at `pointer`.
    pub fn error(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.value(pointer);
        self.push(Diagnostic::error(kind, location));
    }

    /// An error pointing at the key at `pointer`.
    pub fn error_at_key(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.key(pointer);
        self.push(Diagnostic::error(kind, location));
    }

    /// A warning pointing at the value at `pointer`.
    pub fn warn(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.value(pointer);
        self.push(Diagnostic::warning(kind, location));
    }

    /// Adds a ready diagnostic; a dangling reference to an entry the
    /// schema refused is dropped (the entry exists, and the schema's
    /// diagnostic says what is wrong with it).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if let ErrorKind::DanglingReference { what, name, .. } = &diagnostic.kind
            && Section::of_reference(what).is_some_and(|section| self.broken.entry(section, name))
        {
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    /// Every entry name of `section` (`[services]`, `[volumes]`,
    /// `[networks]`) the file defines, in file order, those the schema
    /// refused included: the names a misspelled reference may have meant.
    pub fn defined_names(&self, section: Section) -> Vec<String> {
        if let Some(names) = self.broken.defined_names(section) {
            return names.to_vec();
        }
        let stack = self.stack;
        match section {
            Section::Services => stack.services.keys().cloned().collect(),
            Section::Volumes => stack.volumes.keys().cloned().collect(),
            Section::Networks => stack.networks.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `name` of `section` is an entry the schema refused: it is
    /// missing from the model, so nothing may be concluded from its absence.
    pub fn is_broken_entry(&self, section: Section, name: &str) -> bool {
        self.broken.entry(section, name)
    }
}
