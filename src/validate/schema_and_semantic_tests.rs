//! A schema problem hides no semantic problem in an independent part: on
//! every stack of the repository, a malformed part added to it (a new
//! `[services]` entry of the wrong shape, or a missing top-level section
//! written as a number) is reported, and so is every diagnostic the stack
//! had of each check that still runs, at the same place. For the stacks of
//! `tests/invalid/` that means their semantic problems and the added schema
//! problem in one run. Whatever check is added later is covered without
//! naming it here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{CHECKS, run, validate};
use crate::error::Diagnostic;
use crate::load::{Loaded, Section, load_str_in};

/// What makes two diagnostics report the same problem: code, severity,
/// message, file and span (shifted back by what was written before it).
type Key = (String, bool, String, String, usize, usize);

fn key(diagnostic: &Diagnostic, shift: usize) -> Key {
    (
        diagnostic.kind.code().to_owned(),
        diagnostic.is_error(),
        diagnostic.kind.to_string(),
        diagnostic.location.source.name.clone(),
        diagnostic.location.span.start.saturating_sub(shift),
        diagnostic.location.span.end.saturating_sub(shift),
    )
}

fn load(path: &Path, text: &str) -> Option<Loaded> {
    let dir = path.parent().expect("a stack has a folder");
    load_str_in(&path.display().to_string(), text, dir).ok()
}

/// Every stack of `stacks/`, `examples/` and `tests/invalid/` the schema
/// accepts, with its text.
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
    paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let loaded = load(&path, &text)?;
            loaded.problems.is_empty().then_some((path, text))
        })
        .collect()
}

/// The stack with a malformed part added: a prefix written before the text
/// and a suffix after it.
struct Damage {
    prefix: String,
    suffix: String,
}

/// The malformed parts that can be added to `text`: a `[services]` entry
/// whose image is a number, and each top-level section the file lacks
/// written as a number.
fn damages(text: &str) -> Vec<Damage> {
    let mut all = vec![Damage {
        prefix: String::new(),
        suffix: "\n[services.schema-problem]\nimage = 1\n".to_owned(),
    }];
    let document: toml::Table = text.parse().expect("the stack is TOML");
    for section in Section::ALL {
        if !document.contains_key(section.key()) {
            all.push(Damage {
                prefix: format!("{} = 1\n", section.key()),
                suffix: String::new(),
            });
        }
    }
    all
}

#[test]
fn a_schema_problem_hides_no_semantic_problem_in_another_part() {
    let corpus = corpus();
    assert!(corpus.len() >= 20, "only {} stacks load", corpus.len());
    let mut failures = Vec::new();
    let mut both = 0;
    for (path, text) in &corpus {
        let whole = load(path, text).expect("loads whole");
        for damage in damages(text) {
            let damaged_text = format!("{}{text}{}", damage.prefix, damage.suffix);
            let shift = damage.prefix.len();
            let Some(damaged) = load(path, &damaged_text) else {
                failures.push(format!(
                    "{}: nothing loads with {:?}{:?}",
                    path.display(),
                    damage.prefix,
                    damage.suffix
                ));
                continue;
            };
            let reported: BTreeSet<Key> =
                validate(&damaged).iter().map(|d| key(d, shift)).collect();
            let schema: Vec<&Diagnostic> = damaged.problems.iter().collect();
            let in_damage = |d: &&Diagnostic| {
                let span = &d.location.span;
                span.end <= shift || span.start >= shift + text.len()
            };
            if schema.is_empty() || !schema.iter().all(in_damage) {
                failures.push(format!(
                    "{}: the schema problems of {:?}{:?} are {:?}",
                    path.display(),
                    damage.prefix,
                    damage.suffix,
                    schema.iter().map(|d| d.kind.code()).collect::<Vec<_>>()
                ));
            }
            let mut semantic = 0;
            for check in CHECKS {
                if !check.runs_with(&damaged.broken) {
                    continue;
                }
                for diagnostic in run(&whole, check) {
                    semantic += usize::from(diagnostic.is_error());
                    if !reported.contains(&key(&diagnostic, 0)) {
                        failures.push(format!(
                            "{}: with {:?}{:?}, check `{}` no longer reports {:?}",
                            path.display(),
                            damage.prefix,
                            damage.suffix,
                            check.name,
                            key(&diagnostic, 0)
                        ));
                    }
                }
            }
            if semantic > 0 && !schema.is_empty() {
                both += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(both >= 20, "only {both} runs report both kinds of problem");
}
