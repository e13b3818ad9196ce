//! The integration tests, linked as one binary so the crate links once.
//!
//! Run them all with `cargo test --test it`, or one module with a filter:
//! `cargo test --test it diagnostics::`. Shared fixtures and helpers live in
//! [`support`].

mod alertmanager;
mod bundles;
mod cli;
mod diagnostics;
mod grafana;
mod help_lines;
mod hostile;
mod import;
mod k8s_monitoring;
mod k8s_routing;
mod kubernetes;
mod logs;
mod prometheus;
mod random_stacks;
mod replicas;
mod schema;
mod seed_stacks;
mod slos;
mod support;
mod workflow;

/// The stack generator of the benchmarks, also used by the hostile tests.
#[path = "../../benches/support/synth.rs"]
mod synth;
