//! Stage 1: read stack.toml, check it against the schema, build the model.
//!
//! Syntax errors and schema violations (unknown keys, wrong types, bad
//! durations, literal secrets) are all reported together, each with its span.

mod overlay;
mod schema;
mod schema_check;
mod schema_fast;
mod schema_patterns;
mod spans;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use overlay::{available_envs, overlay_path};
pub use schema::{generated_stack_schema_text, stack_schema, stack_schema_text};
pub use schema_check::closest;
pub use spans::{SpanIndex, escape_pointer, pointer, push_escaped};

use toml::de::DeTable;

use crate::config::{SharedStack, Stack};
use crate::error::{Diagnostic, Error, ErrorKind, Location, SourceFile};

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
}

/// Reads and checks the stack file at `path`.
pub fn load_file(path: &Path) -> Result<Loaded, Error> {
    load_file_in(path, None)
}

/// Reads the stack file at `path`, merges the overlay of environment `env`
/// (`<stem>.<env>.toml` and/or `[env.<env>]`) over it, and checks the result.
pub fn load_file_in(path: &Path, env: Option<&str>) -> Result<Loaded, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io("read", path, source))?;
    let source = SourceFile::new(path.display().to_string(), text);
    let (mut document, mut spans) = parse_document(&source)?;
    if let Some(env) = env {
        overlay::apply(path, env, &mut document, &mut spans)?;
    }
    let mut loaded = from_document(document, spans)?;
    loaded.base_dir = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if loaded.base_dir.as_os_str().is_empty() {
        loaded.base_dir = PathBuf::from(".");
    }
    Ok(loaded)
}

/// Checks stack text; `name` is how diagnostics name the file.
pub fn load_str(name: &str, text: &str) -> Result<Loaded, Error> {
    let source = SourceFile::new(name, text);
    let (document, spans) = parse_document(&source)?;
    from_document(document, spans)
}

/// Checks a parsed document against the schema and builds the model.
fn from_document(document: serde_json::Value, spans: SpanIndex) -> Result<Loaded, Error> {
    let problems = schema_check::check(&document, &spans)?;
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let stack: Stack = serde_json::from_value(document).map_err(|error| {
        Error::Invalid(vec![Diagnostic::error(
            ErrorKind::InvalidValue {
                value: "stack".to_owned(),
                reason: error.to_string(),
                fix: "see schema/stack.schema.json for the expected shape".to_owned(),
            },
            spans.value(""),
        )])
    })?;
    Ok(Loaded {
        stack: SharedStack::new(stack),
        spans,
        base_dir: PathBuf::from("."),
    })
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
