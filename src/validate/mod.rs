//! Stage 2: semantic checks on the model, all run, every problem reported.
//!
//! Each submodule checks one concern and reports through a [`Checker`],
//! which turns JSON pointers into spans.

mod alert_tests;
mod alerting;
mod alerts;
pub mod dashboards;
pub mod dependencies;
mod files;
mod go_template;
pub mod ingress;
mod kubernetes;
mod logs;
mod names;
pub mod ports;
mod promql;
mod redis_memory;
pub mod secrets;
mod slos;
pub mod text;
mod tls;
pub mod volumes;

use crate::config::Stack;
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Loaded, SpanIndex};
use crate::plan::Plan;

pub use crate::syntax::parse_promql;
pub use crate::syntax::{check_dns_label, is_safe_name};
pub use names::reserved_service_owner;
pub use text::forbid_unsafe_text;

/// Runs every check; returns errors and warnings in file order.
pub fn validate(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut checker = Checker {
        stack: &loaded.stack,
        spans: &loaded.spans,
        base_dir: &loaded.base_dir,
        inputs: &loaded.inputs,
        targets: loaded.targets,
        diagnostics: Vec::new(),
    };
    names::check(&mut checker);
    dependencies::check(&mut checker);
    ports::check(&mut checker);
    volumes::check(&mut checker);
    files::check(&mut checker);
    secrets::check(&mut checker);
    promql::check(&mut checker);
    alerts::check(&mut checker);
    slos::check(&mut checker);
    go_template::check_alerts(&mut checker);
    alert_tests::check(&mut checker);
    alerting::check(&mut checker);
    dashboards::check(&mut checker);
    ingress::check(&mut checker);
    logs::check(&mut checker);
    kubernetes::check(&mut checker);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.location.source.name.clone(), d.location.span.start));
    diagnostics
}

/// Checks that need the plan (the built-in alerts exist only there); warnings only.
pub fn validate_plan(loaded: &Loaded, plan: &Plan) -> Vec<Diagnostic> {
    let mut checker = Checker {
        stack: &loaded.stack,
        spans: &loaded.spans,
        base_dir: &loaded.base_dir,
        inputs: &loaded.inputs,
        targets: loaded.targets,
        diagnostics: Vec::new(),
    };
    alerting::check_library(&mut checker, plan);
    redis_memory::check(&mut checker, plan);
    slos::check_routes(&mut checker, plan);
    kubernetes::report_losses(&mut checker, plan);
    checker.diagnostics
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
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// An error pointing at the value at `pointer`.
    pub fn error(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.value(pointer);
        self.diagnostics.push(Diagnostic::error(kind, location));
    }

    /// An error pointing at the key at `pointer`.
    pub fn error_at_key(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.key(pointer);
        self.diagnostics.push(Diagnostic::error(kind, location));
    }

    /// A warning pointing at the value at `pointer`.
    pub fn warn(&mut self, pointer: &str, kind: ErrorKind) {
        let location = self.spans.value(pointer);
        self.diagnostics.push(Diagnostic::warning(kind, location));
    }

    /// Adds a ready diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}
