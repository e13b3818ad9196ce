//! One snapshot per stack and target of the whole rendered bundle.
//!
//! Every `stacks/*.toml` and `examples/*.toml` is rendered and all its
//! files are joined under `=== path ===` headers into
//! `snapshots/bundle__<dir>__<stack>.snap` (the Compose target) and
//! `snapshots/bundle_kubernetes__<dir>__<stack>.snap` (the Kubernetes target). A new stack file needs only its
//! snapshot accepted: `INSTA_UPDATE=always cargo test --test it bundles::`, then
//! review the `.snap` file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use stackgen::config::Targets;
use stackgen::load::LoadOptions;

use crate::support::{snapshot, stem, toml_files};

#[test]
fn every_stack_renders_as_snapshotted() {
    let stacks = stack_files();
    assert!(
        stacks.iter().any(|p| p.ends_with("examples/web.toml")),
        "examples/web.toml must be among the stacks"
    );
    for path in stacks {
        snapshot_bundle("bundle", &path, Targets::COMPOSE);
    }
}

/// The Kubernetes target of every stack: `k8s/` and `.env.example`, in
/// `snapshots/bundle_kubernetes__<dir>__<stack>.snap`.
#[test]
fn every_stack_renders_to_kubernetes_as_snapshotted() {
    for path in stack_files() {
        snapshot_bundle("bundle_kubernetes", &path, Targets::KUBERNETES);
    }
}

/// Renders the stack at `path` for `targets` and snapshots every file.
fn snapshot_bundle(prefix: &str, path: &Path, targets: Targets) {
    let options = stackgen::Options::with_load(LoadOptions {
        targets: Some(targets),
        ..LoadOptions::default()
    });
    let rendered = stackgen::run(path, &options)
        .unwrap_or_else(|error| panic!("{} does not render: {error}", path.display()));
    let mut joined = String::new();
    for (file, contents) in &rendered.bundle.files {
        let text =
            String::from_utf8(contents.clone()).unwrap_or_else(|_| panic!("{file} is not UTF-8"));
        let _ = write!(joined, "=== {file} ===\n{text}");
        if !text.ends_with('\n') {
            joined.push('\n');
        }
    }
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    snapshot(&format!("{prefix}__{dir}__{}", stem(path)), &joined);
}

/// `stacks/*.toml` and `examples/*.toml`, sorted.
fn stack_files() -> Vec<PathBuf> {
    let mut files = toml_files("stacks");
    files.extend(toml_files("examples"));
    files.sort();
    files
}
