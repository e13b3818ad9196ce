//! The import corpus (`tests/import-corpus/`, sources in its README): every
//! Compose file imports into a stack.toml that `stackgen validate` accepts,
//! pinned by `snapshots/import__<case>.snap` (the stack file with its loss
//! report, and the generated `.env`), and renders into a compose file that
//! keeps what the original has ([`super::round_trip`]).
//!
//! A new case is a folder with a `compose.yaml`, `compose.yml`,
//! `docker-compose.yaml` or `docker-compose.yml`; it is found by listing.

use std::path::{Path, PathBuf};

use crate::support::{root, snapshot};

/// The names a Compose file may have, as Compose looks for them.
const COMPOSE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Every case folder with its Compose file, sorted.
pub fn cases() -> Vec<(String, PathBuf)> {
    let corpus = root().join("tests/import-corpus");
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(&corpus)
        .expect("the corpus folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.is_dir() && !path.ends_with("invalid"))
        .map(|dir| {
            let name = dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let compose = COMPOSE_NAMES
                .iter()
                .map(|file| dir.join(file))
                .find(|path| path.is_file())
                .unwrap_or_else(|| panic!("{}: no Compose file", dir.display()));
            (name, compose)
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn the_corpus_has_its_cases() {
    assert!(cases().len() >= 9, "{:?}", cases());
}

#[test]
fn every_compose_file_imports_validates_and_round_trips() {
    for (name, compose) in cases() {
        let folder = compose.parent().expect("folder");
        let stack_file = folder.join("stack.toml");
        let imported = stackgen::import::import_file(&compose, &stack_file)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let problems: Vec<String> = imported
            .problems
            .iter()
            .map(|d| format!("{}: {}", d.kind.code(), d.kind))
            .collect();
        assert!(
            problems.is_empty(),
            "{name}: stackgen validate refuses the import: {problems:?}"
        );
        let dotenv = imported
            .dotenv
            .merge_into(None, &compose.file_name().expect("name").to_string_lossy())
            .unwrap_or_default();
        snapshot(
            &format!("import__{name}"),
            &format!(
                "=== stack.toml ===\n{}=== .env ===\n{dotenv}",
                imported.stack
            ),
        );
        let rendered = render(&imported.stack, folder);
        let original = std::fs::read_to_string(&compose).expect("read");
        super::round_trip::check(&name, &original, &rendered, &imported);
    }
}

/// The docker-compose.yml rendered from `stack` as if it were a file in `folder`.
fn render(stack: &str, folder: &Path) -> String {
    let loaded = stackgen::load::load_str_in("stack.toml", stack, folder).expect("loads");
    let bundle = stackgen::run(&loaded, &stackgen::Options::default())
        .expect("renders")
        .bundle;
    String::from_utf8(bundle.files["docker-compose.yml"].clone()).expect("UTF-8")
}

#[test]
fn importing_twice_gives_the_same_stack() {
    let (_, compose) = cases()
        .into_iter()
        .find(|(n, _)| n == "features")
        .expect("features case");
    let stack_file = compose.with_file_name("stack.toml");
    let first = stackgen::import::import_file(&compose, &stack_file).expect("imports");
    let second = stackgen::import::import_file(&compose, &stack_file).expect("imports");
    assert_eq!(first.stack, second.stack);
}

#[test]
fn no_literal_secret_reaches_the_stack_file() {
    use stackgen::validate::secrets::{is_reference, is_secret_name, url_passwords};
    for (name, compose) in cases() {
        let imported =
            stackgen::import::import_file(&compose, &compose.with_file_name("stack.toml"))
                .expect("imports");
        let loaded = stackgen::load::load_str("stack.toml", &imported.stack).expect("loads");
        for (service, settings) in &loaded.stack.services {
            for (key, value) in &settings.environment {
                let text = value.to_text();
                if is_secret_name(key) {
                    assert!(is_reference(&text), "{name}: {service}.{key} = {text}");
                }
                assert!(
                    url_passwords(&text).is_empty(),
                    "{name}: {service}.{key} = {text}"
                );
            }
        }
        // Nor through the report in the header: the corpus' own secrets.
        for secret in [
            "tok-123",
            "s3cret",
            "pa$word",
            "$2a$14$",
            "telemetra_dev_password",
            "whalehello",
        ] {
            assert!(
                !imported.stack.contains(secret),
                "{name}: {secret} is in stack.toml"
            );
        }
    }
}
