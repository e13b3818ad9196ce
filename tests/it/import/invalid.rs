//! Compose files `stackgen import` refuses (`tests/import-corpus/invalid/`):
//! each exits 1 with exactly the codes its first line expects, writes
//! nothing, and its diagnostics are pinned by
//! `snapshots/import__invalid__<name>.snap`.

use crate::support::{code, root, snapshot, stackgen, stderr, stem};

/// What the first line of every refused file starts with.
const EXPECT: &str = "# expect:";

#[test]
fn refused_compose_files_report_their_diagnostics() {
    let dir = root().join("tests/import-corpus/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the invalid folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    let out = tempfile::tempdir().expect("temp dir");
    for path in files {
        let name = stem(&path);
        let text = std::fs::read_to_string(&path).expect("read");
        let expected: Vec<&str> = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix(EXPECT))
            .unwrap_or_else(|| panic!("{name}: the first line must be `{EXPECT} <codes>`"))
            .split(',')
            .map(str::trim)
            .collect();
        let file = format!("tests/import-corpus/invalid/{name}.yaml");
        let target = out.path().join(format!("{name}.toml"));
        let output = stackgen(&["import", &file, "-o", target.to_str().expect("UTF-8")]);
        let stderr = stderr(&output);
        assert_eq!(code(&output), 1, "{file}: exit code\n{stderr}");
        let reported: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("stackgen::"))
            .map(str::trim)
            .collect();
        assert_eq!(reported, expected, "{file}: codes\n{stderr}");
        assert!(!target.exists(), "{file}: a refused import writes nothing");
        snapshot(
            &format!("import__invalid__{name}"),
            &format!("exit: 1\n---\n{stderr}"),
        );
    }
}
