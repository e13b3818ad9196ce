//! What the conversion of one Compose file carries along: the document (for
//! places and values), the report, the generated `.env`, and the names
//! given to services, volumes and networks.

use std::path::PathBuf;

use indexmap::IndexMap;

use super::dotenv::DotEnv;
use super::model::{Other, Scalar};
use super::names::Names;
use super::path::Path;
use super::report::{Entry, Report};
use super::variables::{Interpolated, interpolate};
use super::yaml::{Document, Node};
use crate::error::{Diagnostic, ErrorKind};

/// How long a value may be in the report before it is cut short.
const SUMMARY_CHARS: usize = 120;

/// The conversion's state.
pub struct Context<'a> {
    /// The parsed Compose file.
    pub document: &'a Document,
    /// The folder of the Compose file: relative paths in it start there.
    pub compose_dir: PathBuf,
    /// The folder the stack file goes to: relative paths in it start there.
    pub stack_dir: PathBuf,
    /// The report so far.
    pub report: Report,
    /// Values for the generated `.env`.
    pub dotenv: DotEnv,
    /// The stack's (and Compose project's) name.
    pub project: String,
    /// Names in stack.toml of the Compose file's services, volumes and networks.
    pub names: Names,
    /// Problems that make the Compose file itself invalid (a dependency on a
    /// service it does not define): import stops with these.
    pub errors: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// A fresh context.
    pub fn new(document: &'a Document, compose_dir: PathBuf, stack_dir: PathBuf) -> Self {
        Self {
            document,
            compose_dir,
            stack_dir,
            report: Report::default(),
            dotenv: DotEnv::new(referenced_variables(&document.root)),
            names: Names::default(),
            project: String::new(),
            errors: Vec::new(),
        }
    }

    /// Records a problem of the Compose file itself, at the value at `path`.
    pub fn error(&mut self, path: &Path, kind: ErrorKind) {
        self.errors
            .push(Diagnostic::error(kind, self.document.value(path)));
    }

    /// Reports the value at `path` as not carried over, because `reason`.
    pub fn lose(&mut self, path: &Path, reason: impl Into<String>) {
        let value = self
            .document
            .node(path)
            .map(|node| node.summary(SUMMARY_CHARS));
        self.report.losses.push(Entry {
            path: path.clone(),
            value,
            message: reason.into(),
        });
    }

    /// Reports the value at `path` as carried over differently: `how`.
    pub fn change(&mut self, path: &Path, how: impl Into<String>) {
        self.report.changes.push(Entry {
            path: path.clone(),
            value: None,
            message: how.into(),
        });
    }

    /// Reports the key at `path` as skipped on purpose: `why`.
    pub fn ignore(&mut self, path: &Path, why: impl Into<String>) {
        self.report.ignored.push(Entry {
            path: path.clone(),
            value: None,
            message: why.into(),
        });
    }

    /// Reports every key of `other` (keys of the object at `at` that the
    /// importer does not map): `x-` extensions as ignored, the rest as lost.
    pub fn lose_other(&mut self, at: &Path, other: &Other) {
        for key in other.keys() {
            let path = at.key(key);
            if key.starts_with("x-") {
                self.ignore(&path, "an extension; import ignores extensions");
            } else {
                self.lose(&path, format!("stack.toml has no setting for `{key}`"));
            }
        }
    }

    /// `raw` (the text at `path`) in stack.toml's terms: `${NAME}` kept, `$$`
    /// as `$`; defaults go to `.env` and every form stack.toml lacks is reported.
    pub fn text(&mut self, path: &Path, raw: &str) -> String {
        let read = interpolate(raw);
        self.report_variables(path, &read);
        read.text
    }

    /// Like [`Self::text`], for a scalar (numbers and booleans as Compose passes them on).
    pub fn scalar_text(&mut self, path: &Path, value: &Scalar) -> String {
        match value {
            Scalar::Text(text) => self.text(path, text),
            other => other.text(),
        }
    }

    /// A whole number stack.toml needs literally (a port, a replica count):
    /// a variable with a default takes the default (reported); `None` when
    /// the value is a variable without one, or not a number (reported).
    pub fn number(&mut self, path: &Path, value: &Scalar, what: &str) -> Option<u64> {
        if let Some(number) = value.as_u64() {
            return Some(number);
        }
        let Scalar::Text(text) = value else {
            self.lose(path, format!("not a {what}"));
            return None;
        };
        let read = interpolate(text);
        let resolved = resolve_defaults(&read);
        if let Some(number) = resolved
            .as_deref()
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            self.change(
                path,
                format!("stack.toml takes the {what} as a number: the default {number} is written, the variable is gone"),
            );
            Some(number)
        } else {
            self.lose(
                path,
                format!("stack.toml takes the {what} as a number, not a variable"),
            );
            None
        }
    }

    /// A literal text stack.toml needs (a size, a duration): variables with
    /// defaults are resolved (reported); `None` for a variable without one.
    pub fn literal(&mut self, path: &Path, raw: &str, what: &str) -> Option<String> {
        let read = interpolate(raw);
        if read.is_literal() {
            return Some(read.text);
        }
        if let Some(resolved) = resolve_defaults(&read) {
            self.change(
                path,
                format!("stack.toml takes the {what} literally: the default `{resolved}` is written, the variable is gone"),
            );
            return Some(resolved);
        }
        self.lose(
            path,
            format!("stack.toml takes the {what} literally, not as a variable"),
        );
        None
    }

    /// Reports what of `read` (the text at `path`) stack.toml cannot say, and
    /// records its defaults for `.env`.
    fn report_variables(&mut self, path: &Path, read: &Interpolated) {
        for (name, default) in &read.defaults {
            if !self.dotenv.record_default(name, default, path) {
                self.change(
                    path,
                    format!("`{name}` has another value in the generated .env already; this default is not written"),
                );
            }
        }
        for form in &read.unexpressed {
            let default = default_elided(form);
            let form = default.as_deref().unwrap_or(form);
            let how = if default.is_some() {
                "stack.toml has only `${NAME}`: written as that reference, its default goes into the generated .env"
            } else if form.contains('?') {
                "stack.toml has only `${NAME}`: written as that reference, without the required-variable message"
            } else if form.contains('+') {
                "stack.toml cannot say `${NAME:+...}`: the text is kept literally and reaches the container as written"
            } else {
                "Compose would refuse this `$` form: the text is kept literally"
            };
            self.change(path, format!("`{form}`: {how}"));
        }
    }
}

/// Every variable the texts of `node` refer to.
fn referenced_variables(node: &Node) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match node {
            Node::Text(text) => {
                for name in interpolate(text).variables {
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
            Node::Seq(items) => pending.extend(items.iter().map(|item| &item.value)),
            Node::Map(entries) => pending.extend(entries.iter().map(|(_, value)| &value.value)),
            _ => {}
        }
    }
    found
}

/// `form` with its default replaced by `…` when it is `${NAME:-default}`
/// or `${NAME-default}` (the default, which may be a secret, is in `.env`).
fn default_elided(form: &str) -> Option<String> {
    let inner = form.strip_prefix("${")?;
    let name_end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, rest) = inner.split_at(name_end);
    let operator = if rest.starts_with(":-") {
        ":-"
    } else if rest.starts_with('-') {
        "-"
    } else {
        return None;
    };
    Some(format!("${{{name}{operator}…}}"))
}

/// The text with every `${NAME:-default}` replaced by its default, when
/// every variable in it has a literal one.
fn resolve_defaults(read: &Interpolated) -> Option<String> {
    if read.variables.is_empty()
        || read
            .variables
            .iter()
            .any(|name| !read.defaults.iter().any(|(n, _)| n == name))
    {
        return None;
    }
    let defaults: IndexMap<&str, &str> = read
        .defaults
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let mut out = read.text.clone();
    for (name, value) in defaults {
        if value.contains('$') {
            return None;
        }
        out = out.replace(&format!("${{{name}}}"), value);
    }
    Some(out)
}
