//! Every invalid stack under `tests/invalid/` is rejected with the
//! diagnostic codes its first line expects, exit code 1, and the rendered
//! text pinned by `snapshots/diagnostics__<name>.snap`.
//!
//! The stacks are found by globbing, so a new case is one file whose first
//! line is `# expect: <code>, <code>, ...` (see `tests/invalid/README.md`).

use std::path::{Path, PathBuf};

use crate::support::{root, snapshot, stackgen, stem, toml_files};

/// What the first line of every stack in `tests/invalid/` starts with.
const EXPECT: &str = "# expect:";

#[test]
fn every_invalid_stack_states_its_expected_codes() {
    let cases = cases();
    assert!(cases.len() >= 12, "only {} invalid stacks", cases.len());
}

#[test]
fn invalid_stacks_report_their_diagnostics() {
    for (path, codes) in cases() {
        let name = stem(&path);
        let file = format!("tests/invalid/{name}.toml");
        let output = stackgen(&["validate", &file]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{file}: exit code\n{stderr}");
        let reported: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("stackgen::"))
            .map(str::trim)
            .collect();
        assert_eq!(reported, codes, "{file}: codes\n{stderr}");
        assert!(
            stderr.ends_with(&format!(
                "error: {} found in the stack\n",
                if codes.len() == 1 {
                    "1 problem".to_owned()
                } else {
                    format!("{} problems", codes.len())
                }
            )),
            "{file}: summary line\n{stderr}"
        );
        snapshot(
            &format!("diagnostics__{name}"),
            &format!("exit: 1\n---\n{stderr}"),
        );
    }
}

#[test]
fn a_stack_without_an_expectation_line_is_refused() {
    let missing = expected_codes("[stack]\nname = \"shop\"\n").expect_err("no expectation");
    assert!(missing.contains("must be `# expect: "), "{missing}");
    let empty = expected_codes("# expect:\n[stack]\n").expect_err("no codes");
    assert!(empty.contains("names no code"), "{empty}");
    let stray =
        expected_codes("# expect: stackgen::ports::conflict, ports\n").expect_err("bad code");
    assert!(stray.contains("`ports`"), "{stray}");
    assert_eq!(
        expected_codes("# expect: stackgen::names::unsafe,stackgen::names::unsafe  \n[stack]\n"),
        Ok(vec![
            "stackgen::names::unsafe".to_owned(),
            "stackgen::names::unsafe".to_owned()
        ])
    );
}

#[test]
fn json_format_reports_codes_and_positions() {
    let output = stackgen(&[
        "validate",
        "--format",
        "json",
        "tests/invalid/port-clash.toml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(document["ok"], false);
    let diagnostics = document["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    let port = &diagnostics[0];
    assert_eq!(port["code"], "stackgen::ports::conflict");
    assert_eq!(port["severity"], "error");
    assert_eq!(port["message"], "host port 8080 is published twice");
    assert_eq!(port["file"], "tests/invalid/port-clash.toml");
    assert_eq!(port["line"], 11);
    assert_eq!(port["column"], 10);
    let text =
        std::fs::read_to_string(root().join("tests/invalid/port-clash.toml")).expect("read stack");
    let start = usize::try_from(port["span"]["start"].as_u64().expect("start")).expect("usize");
    let end = usize::try_from(port["span"]["end"].as_u64().expect("end")).expect("usize");
    assert_eq!(&text[start..end], "\"8080:8080\"");
    assert!(
        port["help"]
            .as_str()
            .is_some_and(|help| help.contains("another host port"))
    );
}

/// Every stack in `tests/invalid/` with the codes its first line expects,
/// sorted by file name; fails naming each file whose first line is wrong.
fn cases() -> Vec<(PathBuf, Vec<String>)> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for path in toml_files("tests/invalid") {
        let text = std::fs::read_to_string(&path).expect("read an invalid stack");
        match expected_codes(&text) {
            Ok(codes) => cases.push((path, codes)),
            Err(problem) => problems.push(format!("{}: {problem}", display(&path))),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    cases
}

/// The codes of the `# expect: <code>, <code>, ...` first line, in order.
fn expected_codes(text: &str) -> Result<Vec<String>, String> {
    let first = text.lines().next().unwrap_or_default();
    let Some(list) = first.strip_prefix(EXPECT) else {
        return Err(format!(
            "the first line must be `{EXPECT} <code>, <code>, ...` listing the diagnostic codes \
             `stackgen validate` reports, in order; it is {first:?}"
        ));
    };
    let codes: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect();
    if codes.is_empty() {
        return Err(format!("`{first}` names no code"));
    }
    if let Some(stray) = codes.iter().find(|code| !code.starts_with("stackgen::")) {
        return Err(format!(
            "`{stray}` in `{first}` is not a diagnostic code (`stackgen::area::name`)"
        ));
    }
    Ok(codes)
}

/// `path` relative to the repository root, for messages.
fn display(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}
