//! Helpers shared by the integration tests: running the binary and snapshots.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `stackgen` binary in the repository root with `NO_COLOR=1`.
pub fn stackgen(args: &[&str]) -> Output {
    stackgen_in(&root(), args)
}

/// Runs the built `stackgen` binary in `dir` with `NO_COLOR=1`.
pub fn stackgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100")
        .output()
        .expect("run the stackgen binary")
}

/// Asserts `value` against `snapshots/<name>.snap`.
pub fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => root().join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}
