//! The checks' declarations hold: on every stack of the repository, taking
//! out any one part as if the schema had refused it (a whole section, or
//! one entry of `[services]`, `[volumes]` or `[networks]`) never makes a
//! check that still runs report a problem the whole stack does not have: a
//! diagnostic of the same code, severity and message at the same place.
//! (Its help and second span may name another culprit: a port published
//! three times names the first publisher still there, a misspelled name
//! the closest one.) So a check that does not declare a section cannot be
//! misled by its default, and a reference into a removed entry is never
//! reported as dangling. Whatever field or check is added later is covered
//! without naming it here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{CHECKS, run, validate};
use crate::error::Diagnostic;
use crate::load::{Broken, Loaded, Section, load_str_in_without};

/// What makes two diagnostics report the same problem: code, severity,
/// message, file and span.
type Key = (String, bool, String, String, usize, usize);

fn key(diagnostic: &Diagnostic) -> Key {
    (
        diagnostic.kind.code().to_owned(),
        diagnostic.is_error(),
        diagnostic.kind.to_string(),
        diagnostic.location.source.name.clone(),
        diagnostic.location.span.start,
        diagnostic.location.span.end,
    )
}

/// A stack whose parts lean on each other in ways the repository's stacks
/// do not: an alert routed by the team of its service, a dependency on a
/// generated service.
const WOVEN: &str = r#"
[stack]
name = "woven"

[services.db]
image = "postgres:16"
kind = "postgres"
team = "database"
expose = [5432]
networks = ["back"]
volumes = ["data:/var/lib/postgresql/data"]

[services.api]
image = "api:1"
expose = [8000]
metrics = {}
depends-on = ["db", "prometheus"]
networks = ["back"]

[volumes.data]

[networks.back]

[prometheus]

[alertmanager]
default-receiver = "ops"
team-routes = { database = { receiver = "dba" } }

[alertmanager.receivers.ops]
webhook = [{ url = "https://hooks.example.com/ops" }]

[alertmanager.receivers.dba]
webhook = [{ url = "https://hooks.example.com/dba" }]

[[alerts]]
name = "DbDown"
expr = "up{job=\"db\"} == 0"
service = "db"
"#;

/// Every stack of `stacks/`, `examples/` and `tests/invalid/` that loads
/// whole, with its text, and [`WOVEN`].
fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["stacks", "examples", "tests/invalid"] {
        let entries = std::fs::read_dir(root.join(dir)).expect("a stack folder");
        paths.extend(
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "toml")),
        );
    }
    paths.sort();
    let mut corpus: Vec<(PathBuf, String)> = paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            load(&path, &text, &Broken::default()).map(|_| (path, text))
        })
        .collect();
    let woven = root.join("woven.toml");
    let whole = load(&woven, WOVEN, &Broken::default()).expect("the woven stack loads");
    assert!(validate(&whole).is_empty(), "the woven stack is valid");
    corpus.push((woven, WOVEN.to_owned()));
    corpus
}

fn load(path: &Path, text: &str, broken: &Broken) -> Option<Loaded> {
    let dir = path.parent().expect("a stack has a folder");
    let loaded = load_str_in_without(&path.display().to_string(), text, dir, broken).ok()?;
    loaded.problems.is_empty().then_some(loaded)
}

/// Every one-part breakage of `loaded`'s stack: each section, each named entry.
fn breakages(loaded: &Loaded) -> Vec<Broken> {
    let stack = &loaded.stack;
    let mut all = Vec::new();
    for section in Section::ALL {
        let mut broken = Broken::default();
        broken.break_section(section);
        all.push(broken);
    }
    let entries = [
        (Section::Services, stack.services.keys().collect::<Vec<_>>()),
        (Section::Volumes, stack.volumes.keys().collect()),
        (Section::Networks, stack.networks.keys().collect()),
    ];
    for (section, names) in entries {
        for name in names {
            let mut broken = Broken::default();
            broken.break_entry(section, name);
            all.push(broken);
        }
    }
    all
}

#[test]
fn taking_out_a_part_never_adds_a_diagnostic_to_a_check_that_runs() {
    let corpus = corpus();
    assert!(corpus.len() >= 20, "only {} stacks load", corpus.len());
    let mut failures = Vec::new();
    let mut runs = 0;
    for (path, text) in &corpus {
        let whole = load(path, text, &Broken::default()).expect("loads whole");
        let before: Vec<BTreeSet<Key>> = CHECKS
            .iter()
            .map(|check| run(&whole, check).iter().map(key).collect())
            .collect();
        for broken in breakages(&whole) {
            let partial = load_str_in_without(
                &path.display().to_string(),
                text,
                path.parent().expect("a folder"),
                &broken,
            )
            .expect("the rest loads");
            for (check, before) in CHECKS.iter().zip(&before) {
                if !check.runs_with(&broken) {
                    continue;
                }
                runs += 1;
                for added in run(&partial, check)
                    .iter()
                    .map(key)
                    .filter(|found| !before.contains(found))
                {
                    failures.push(format!(
                        "{}: check `{}` without {broken:?}: {added:?}",
                        path.display(),
                        check.name
                    ));
                }
            }
            let all: Vec<Key> = validate(&partial).iter().map(key).collect();
            let distinct: BTreeSet<&Key> = all.iter().collect();
            if distinct.len() != all.len() {
                failures.push(format!(
                    "{}: a diagnostic reported twice without {broken:?}",
                    path.display()
                ));
            }
        }
    }
    assert!(runs > 1000, "only {runs} check runs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_check_declares_what_it_reads_and_has_a_name_of_its_own() {
    let names: BTreeSet<&str> = CHECKS.iter().map(|check| check.name).collect();
    assert_eq!(names.len(), CHECKS.len(), "check names repeat");
    for check in CHECKS {
        assert!(!check.reads.is_empty(), "`{}` reads nothing", check.name);
    }
}
