//! Fixtures and helpers shared by the integration tests: running the binary,
//! reading its output, listing stacks, reading trees and bundles, snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackgen::render::Bundle;
use stackgen::{Diagnostic, Error};

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

/// The exit code of a finished process (none means it was killed: a failure).
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

/// The process's standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The process's standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `*.toml` files directly in `dir` (relative to the repository root), sorted.
pub fn toml_files(dir: &str) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A file's name without its extension.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every file under `dir` (none if it does not exist), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every file under `dir`, by path relative to `dir`, with its contents.
pub fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|path| {
            let contents = std::fs::read(&path).expect("read file");
            let relative = path.strip_prefix(dir).expect("inside dir").to_path_buf();
            (relative, contents)
        })
        .collect()
}

/// The text of one rendered file of a bundle.
pub fn bundle_text(bundle: &Bundle, path: &str) -> String {
    let bytes = bundle
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not rendered"));
    String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
}

/// The diagnostics of a stack that must be refused as invalid.
pub fn refused(text: &str) -> Vec<Diagnostic> {
    match stackgen::render_str("stack.toml", text) {
        Err(Error::Invalid(diagnostics)) => diagnostics,
        Err(other) => panic!("unexpected failure: {other}"),
        Ok(_) => panic!("the stack should be refused"),
    }
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
