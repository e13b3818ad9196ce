//! Stage 1: read stack.toml and build the typed model.
//!
//! The TOML becomes a JSON document and a span index, and serde builds the
//! model from the document; the model's value types refuse what the schema
//! refuses ([`crate::syntax`]). Only when serde refuses the document does
//! the JSON Schema check run, to report every problem at once, each with
//! its span: syntax errors and schema violations (unknown keys, wrong
//! types, bad durations, literal secrets) are reported together. The model
//! is then built from the rest of the document ([`Broken`]): the schema's
//! diagnostics travel in [`Loaded::problems`], and validation reports them
//! with the problems its checks find in the well-formed parts.

#[cfg(test)]
mod agreement_tests;
mod broken;
mod input;
mod inputs;
mod overlay;
mod schema;
mod schema_check;
mod spans;
mod strict;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use broken::{Broken, Section};
pub use input::{InputFile, InputProblem, InputRoots, ReadError, read_regular_file};
pub use inputs::{
    Input, InputKind, Inputs, MAX_INPUT_FILE_BYTES, NamedInput, dockerfile_path, named_inputs,
};
pub use overlay::{available_envs, overlay_path};
pub use schema::{generated_stack_schema_text, stack_schema, stack_schema_text};
pub use schema_check::{closest, compile_validator as compile_schema_validator};
pub use spans::{SpanIndex, escape_pointer, part_of_string, pointer, push_escaped};

use serde::Deserialize;
use toml::de::DeTable;

use crate::config::{SharedStack, Stack};
use crate::error::{Diagnostic, Error, ErrorKind, Location, SourceFile};
use input::read_toml_file;

/// The largest stack file accepted, in bytes.
pub const MAX_STACK_BYTES: usize = 16 * 1024 * 1024;

/// A stack read from disk: the model, where each value came from, and the
/// directory that relative paths in it are relative to.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model, shared with the plan built from it.
    pub stack: SharedStack,
    /// Spans of every key and value.
    pub spans: SpanIndex,
    /// The directory holding the stack file.
    pub base_dir: PathBuf,
    /// The files and folders the stack names, read once.
    pub inputs: Arc<Inputs>,
    /// The stack file's folder as a path relative to the bundle's folder
    /// (`../..` for the default `out/<stem>`), for what the bundle names
    /// but does not hold: build contexts.
    pub stack_dir_from_bundle: String,
    /// The output targets of this run: `--target`, else `[stack] targets`.
    pub targets: crate::config::Targets,
    /// What the schema refused, in file order; empty for a stack serde
    /// accepted. `validate::validate` reports these first among its own.
    pub problems: Vec<Diagnostic>,
    /// The parts of the file `problems` broke, missing from `stack`: the
    /// checks that read them do not run. Empty when `problems` is.
    pub broken: Broken,
}

/// How to load a stack file: which environment, which extra folders it may
/// read files from.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The environment whose overlay is merged (`--env`).
    pub env: Option<String>,
    /// Folders outside the stack file's folder that files the stack names
    /// may be in (`--allow-input-dir`). The stack file cannot grant itself this.
    pub allowed_input_dirs: Vec<PathBuf>,
    /// Where the bundle goes (`-o`), when not the default `out/<stem>`
    /// beside the stack file: build contexts are written relative to it.
    pub bundle_dir: Option<PathBuf>,
    /// The output targets (`--target`); `[stack] targets` when `None`.
    pub targets: Option<crate::config::Targets>,
}

/// Reads the stack file at `path`. A file whose shape the schema refuses
/// still loads, with the refusals in [`Loaded::problems`] and only its
/// well-formed parts in the model: validate it before planning.
pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    load_file_with(path, &LoadOptions::default())
}

/// Reads the stack file at `path`, merges the overlay of environment `env`
/// (`<stem>.<env>.toml` and/or `[env.<env>]`) over it, and checks the result.
pub fn load_file_in(path: &Path, env: Option<&str>) -> Result<Loaded, Error> {
    let options = LoadOptions {
        env: env.map(str::to_owned),
        ..LoadOptions::default()
    };
    load_file_with(path, &options)
}

/// Reads the stack file at `path` as `options` say, and checks it.
pub fn load_file_with(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let base_dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let roots = InputRoots::new(&base_dir, &options.allowed_input_dirs)?;
    let source = read_toml_file(path)?;
    let (mut document, mut spans) = parse_document(&source)?;
    if let Some(env) = &options.env {
        overlay::apply(path, env, &roots, &mut document, &mut spans)?;
    }
    let mut loaded = from_document(&document, spans, &roots)?;
    if let Some(bundle_dir) = &options.bundle_dir {
        loaded.stack_dir_from_bundle = relative_path(bundle_dir, roots.stack_dir());
    }
    loaded.base_dir = base_dir;
    if let Some(targets) = options.targets {
        loaded.targets = targets;
    }
    Ok(loaded)
}

/// The path of `to` (canonical) relative to the folder `from`, which need
/// not exist yet: `../../stack` from `/work/out/web` to `/work/stack`.
fn relative_path(from: &Path, to: &Path) -> String {
    // The deepest existing folder of `from`, canonical, plus the rest as given.
    let mut existing = from.to_path_buf();
    let mut rest = Vec::new();
    let canonical = loop {
        if let Ok(canonical) = std::fs::canonicalize(&existing) {
            break canonical;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_owned());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => break std::env::current_dir().unwrap_or_default(),
        }
    };
    let from: Vec<_> = canonical
        .components()
        .chain(rest.iter().rev().map(|n| std::path::Component::Normal(n)))
        .collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let parts: Vec<String> = std::iter::repeat_n("..".to_owned(), from.len() - common)
        .chain(
            to[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Checks stack text; `name` is how diagnostics name the file. Files it
/// names are relative to the working directory.
pub fn load_str(name: &str, text: &str) -> Result<Loaded, Error> {
    let source = SourceFile::new(name, text);
    let (document, spans) = parse_document(&source)?;
    from_document(&document, spans, &InputRoots::new(Path::new("."), &[])?)
}

/// Like [`load_str`], for text meant to be a stack file in `stack_dir`: the
/// files it names are read relative to that folder (which must exist).
pub fn load_str_in(name: &str, text: &str, stack_dir: &Path) -> Result<Loaded, Error> {
    let source = SourceFile::new(name, text);
    let (document, spans) = parse_document(&source)?;
    let mut loaded = from_document(&document, spans, &InputRoots::new(stack_dir, &[])?)?;
    loaded.base_dir = stack_dir.to_path_buf();
    Ok(loaded)
}

/// Builds the model from a parsed document; when serde refuses it, the
/// schema check says why, with spans, and the model is built from the
/// parts of the document it leaves well-formed. When even those do not
/// deserialize, the schema's diagnostics are the error.
fn from_document(
    document: &serde_json::Value,
    spans: SpanIndex,
    roots: &InputRoots,
) -> Result<Loaded, Error> {
    // `nan` and `inf` reach the document as text, which a text field would
    // take: each is refused here, and its entry or section left out.
    let mut non_finite = Broken::default();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for at in spans.non_finite() {
        non_finite.break_at(at);
        let location = spans.value(at);
        let value = location.source.text[location.span.clone()].to_owned();
        problems.push(Diagnostic::error(
            ErrorKind::NonFiniteNumber { value },
            location,
        ));
    }
    let repaired;
    let document = if problems.is_empty() {
        document
    } else {
        repaired = non_finite.clone().repair(document, &[]);
        &repaired
    };
    let (stack, mut problems, broken) = match deserialize_stack(document) {
        Ok(stack) => (stack, problems, non_finite),
        Err(error) => {
            let explanation = schema_check::check(document, &spans)?;
            if explanation.diagnostics.is_empty() {
                // The schema accepts what serde refused: JSON Schema counts an
                // integral float (`80.0`) as an integer, which TOML and the
                // model do not. Serde's own message is the best there is.
                return Err(Error::Invalid(vec![Diagnostic::error(
                    ErrorKind::InvalidValue {
                        value: "stack".to_owned(),
                        reason: error.to_string(),
                        fix: "see schema/stack.schema.json for the expected shape".to_owned(),
                    },
                    spans.value(""),
                )]));
            }
            let mut broken = explanation.broken;
            for at in spans.non_finite() {
                broken.break_at(at);
            }
            problems.extend(explanation.diagnostics);
            let rest = broken.repair(document, &explanation.unknown_keys);
            match deserialize_stack(&rest) {
                Ok(stack) => (stack, problems, broken),
                Err(_) => return Err(Error::Invalid(problems)),
            }
        }
    };
    problems.sort_by_key(|d| d.location.span.start);
    Ok(loaded(stack, spans, roots, problems, broken))
}

/// Like [`load_str_in`], with the parts `broken` names taken out of the
/// stack as if the schema had refused them, for tests of what the checks
/// then report.
#[cfg(test)]
pub(crate) fn load_str_in_without(
    name: &str,
    text: &str,
    stack_dir: &Path,
    broken: &Broken,
) -> Result<Loaded, Error> {
    let source = SourceFile::new(name, text);
    let (document, spans) = parse_document(&source)?;
    let mut broken = broken.clone();
    let stack = deserialize_stack(&broken.repair(&document, &[]))
        .map_err(|error| Error::Bug(format!("the repaired stack does not deserialize: {error}")))?;
    let roots = InputRoots::new(stack_dir, &[])?;
    let mut loaded = loaded(stack, spans, &roots, Vec::new(), broken);
    loaded.base_dir = stack_dir.to_path_buf();
    Ok(loaded)
}

/// A loaded stack of `stack`, with the files it names read.
fn loaded(
    stack: Stack,
    spans: SpanIndex,
    roots: &InputRoots,
    problems: Vec<Diagnostic>,
    broken: Broken,
) -> Loaded {
    let inputs = Arc::new(Inputs::read(&stack, roots));
    let targets = crate::config::Targets::from_list(&stack.stack.targets);
    Loaded {
        targets,
        stack: SharedStack::new(stack),
        spans,
        base_dir: PathBuf::from("."),
        inputs,
        stack_dir_from_bundle: "../..".to_owned(),
        problems,
        broken,
    }
}

/// Deserializes the model from a document: a table only from a table
/// (see [`strict`]).
pub fn deserialize_stack(document: &serde_json::Value) -> Result<Stack, serde_json::Error> {
    Stack::deserialize(strict::Strict(document))
}

/// Parses TOML text into a JSON document and its span index, reporting every syntax error.
pub fn parse_document(source: &Arc<SourceFile>) -> Result<(serde_json::Value, SpanIndex), Error> {
    if source.text.len() > MAX_STACK_BYTES {
        return Err(Error::Invalid(vec![Diagnostic::error(
            ErrorKind::TooLarge {
                size: source.text.len(),
                limit: MAX_STACK_BYTES,
            },
            Location {
                source: Arc::clone(source),
                span: 0..0,
            },
        )]));
    }
    let (table, errors) = DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let diagnostics = errors
            .iter()
            .map(|error| {
                let span = error.span().unwrap_or(0..0);
                Diagnostic::error(
                    ErrorKind::TomlSyntax {
                        message: error.message().trim().to_owned(),
                    },
                    Location {
                        source: Arc::clone(source),
                        span,
                    },
                )
            })
            .collect();
        return Err(Error::Invalid(diagnostics));
    }
    Ok(spans::to_json(&table, source))
}

/// The environment variable name to suggest for a secret at `pointer`:
/// the key itself when it is already `UPPER_SNAKE`, else the table and key
/// names joined (`/grafana/admin-password` → `GRAFANA_ADMIN_PASSWORD`).
pub fn secret_variable_name(pointer: &str) -> String {
    let tokens: Vec<&str> = pointer
        .split('/')
        .filter(|token| !token.is_empty() && !token.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let Some(last) = tokens.last() else {
        return "SECRET".to_owned();
    };
    let is_env_name = last
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let raw = if is_env_name || tokens.len() < 2 {
        (*last).to_owned()
    } else {
        format!("{}_{}", tokens[tokens.len() - 2], last)
    };
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_reach_the_stack_folder_from_the_bundle() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir_all(root.join("repo/out")).expect("mkdir");
        let stack = root.join("repo");
        assert_eq!(relative_path(&stack.join("out/web"), &stack), "../..");
        assert_eq!(relative_path(&stack, &stack), ".");
        assert_eq!(
            relative_path(&root.join("elsewhere/b"), &stack),
            "../../repo"
        );
        assert_eq!(relative_path(&stack.join("out/../x"), &stack), "..");
    }

    /// (code, the text the span covers) of every diagnostic of `text`.
    fn refusals(text: &str) -> Vec<(&'static str, String)> {
        let loaded = load_str("s.toml", text).expect("the well-formed rest loads");
        loaded
            .problems
            .iter()
            .map(|d| (d.kind.code(), text[d.location.span.clone()].to_owned()))
            .collect()
    }

    #[test]
    fn what_serde_refuses_the_schema_explains_all_at_once() {
        let text = "[stack]\nname = \"s\"\n[prometheus]\nscrape-interval = \"293y\"\nretention-size = \"9999999T\"\n[services.a]\nimage = \"x\"\nreplicas = 0\nmetrics = [9100]\n";
        assert_eq!(
            refusals(text),
            [
                ("stackgen::value::duration", "\"293y\"".to_owned()),
                ("stackgen::value::size", "\"9999999T\"".to_owned()),
                ("stackgen::schema::value", "0".to_owned()),
                ("stackgen::schema::type", "[9100]".to_owned()),
            ]
        );
    }

    #[test]
    fn secret_names_follow_the_key() {
        assert_eq!(
            secret_variable_name("/grafana/admin-password"),
            "GRAFANA_ADMIN_PASSWORD"
        );
        assert_eq!(
            secret_variable_name("/services/db/environment/POSTGRES_PASSWORD"),
            "POSTGRES_PASSWORD"
        );
        assert_eq!(
            secret_variable_name("/alertmanager/receivers/oncall/slack/0/webhook-url"),
            "SLACK_WEBHOOK_URL"
        );
    }
}
