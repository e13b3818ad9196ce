//! Every invalid stack under `tests/invalid/` is rejected with the expected
//! diagnostic codes, exit code 1, and the rendered text pinned by a snapshot.

use std::path::Path;

/// Each invalid stack and the diagnostic codes it must produce, in order.
const CASES: &[(&str, &[&str])] = &[
    ("bad-duration", &["stackgen::value::duration"]),
    ("bad-size", &["stackgen::value::size"]),
    ("dangling-depends-on", &["stackgen::refs::dangling"]),
    ("dependency-cycle", &["stackgen::deps::cycle"]),
    (
        "healthy-without-healthcheck",
        &["stackgen::deps::no-healthcheck"],
    ),
    ("invalid-promql", &["stackgen::promql::parse"]),
    ("invalid-template", &["stackgen::alerts::template"]),
    ("literal-secret-env", &["stackgen::secrets::literal"]),
    ("literal-secret-grafana", &["stackgen::secrets::literal"]),
    (
        "many-problems",
        &[
            "stackgen::deps::no-healthcheck",
            "stackgen::refs::dangling",
            "stackgen::secrets::literal",
            "stackgen::deps::cycle",
            "stackgen::ports::conflict",
            "stackgen::promql::parse",
        ],
    ),
    (
        "many-schema-problems",
        &[
            "stackgen::schema::unknown-key",
            "stackgen::schema::type",
            "stackgen::value::duration",
            "stackgen::value::size",
            "stackgen::secrets::literal",
        ],
    ),
    ("missing-key", &["stackgen::schema::missing-key"]),
    ("port-clash", &["stackgen::ports::conflict"]),
    ("toml-syntax", &["stackgen::toml::syntax"]),
    ("unknown-key", &["stackgen::schema::unknown-key"]),
    (
        "unsafe-service-name",
        &["stackgen::names::unsafe", "stackgen::names::unsafe"],
    ),
    (
        "untestable-template",
        &["stackgen::alerts::untestable-template"],
    ),
    ("wrong-type", &["stackgen::schema::type"]),
];

#[test]
fn every_invalid_stack_has_a_case() {
    let dir = crate::support::root().join("tests/invalid");
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/invalid")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| stem(&path))
        .collect();
    stems.sort();
    let cases: Vec<&str> = CASES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        stems, cases,
        "tests/invalid/*.toml and CASES must list the same stacks"
    );
    assert!(cases.len() >= 12);
}

#[test]
fn invalid_stacks_report_their_diagnostics() {
    for (name, codes) in CASES {
        let file = format!("tests/invalid/{name}.toml");
        let output = crate::support::stackgen(&["validate", &file]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{file}: exit code\n{stderr}");
        let reported: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("stackgen::"))
            .map(str::trim)
            .collect();
        assert_eq!(reported, *codes, "{file}: codes\n{stderr}");
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
        crate::support::snapshot(
            &format!("diagnostics__{name}"),
            &format!("exit: 1\n---\n{stderr}"),
        );
    }
}

#[test]
fn json_format_reports_codes_and_positions() {
    let output = crate::support::stackgen(&[
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
    assert_eq!(port["line"], 10);
    assert_eq!(port["column"], 10);
    let text =
        std::fs::read_to_string(crate::support::root().join("tests/invalid/port-clash.toml"))
            .expect("read stack");
    let start = usize::try_from(port["span"]["start"].as_u64().expect("start")).expect("usize");
    let end = usize::try_from(port["span"]["end"].as_u64().expect("end")).expect("usize");
    assert_eq!(&text[start..end], "\"8080:8080\"");
    assert!(
        port["help"]
            .as_str()
            .is_some_and(|help| help.contains("another host port"))
    );
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
