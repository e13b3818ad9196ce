//! The `--format json` document: a contract for editors and CI, described
//! field by field in the README ("JSON output"). Fields are only ever added,
//! never renamed or removed.

use serde::Serialize;

use crate::error::{Diagnostic, Error};

/// What a command prints on stdout with `--format json` when it reports
/// diagnostics or fails.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// Whether the command succeeded (warnings alone keep it `true`).
    pub ok: bool,
    /// Every problem found, errors and warnings, in the order they were found.
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Why the command failed when the failure is no diagnostic (a file that
    /// cannot be read, a usage error, drift, a bug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How to fix that failure; present exactly when `error` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One problem in a stack file.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    /// The stable code, `stackgen::area::name`.
    pub code: &'static str,
    /// `error` (blocks rendering) or `warning`.
    pub severity: &'static str,
    /// What is wrong, one line.
    pub message: String,
    /// How to fix it, one line.
    pub help: String,
    /// The file as the user named it (a stack or an overlay).
    pub file: &'a str,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, in characters.
    pub column: usize,
    /// The byte range in the file.
    pub span: Span,
}

/// A byte range, end exclusive.
#[derive(Debug, Serialize)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl<'a> Report<'a> {
    /// The report of a run that found only `warnings`.
    pub fn ok(warnings: &'a [Diagnostic]) -> Self {
        Self {
            ok: true,
            diagnostics: warnings.iter().map(JsonDiagnostic::from).collect(),
            error: None,
            help: None,
        }
    }

    /// The report of a failed command.
    pub fn failed(error: &'a Error) -> Self {
        match error {
            Error::Invalid(diagnostics) | Error::InvalidCompose(diagnostics) => Self {
                ok: false,
                diagnostics: diagnostics.iter().map(JsonDiagnostic::from).collect(),
                error: None,
                help: None,
            },
            other => Self {
                ok: false,
                diagnostics: Vec::new(),
                error: Some(other.to_string()),
                help: Some(other.help()),
            },
        }
    }
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(diagnostic: &'a Diagnostic) -> Self {
        let (line, column) = diagnostic.line_column();
        Self {
            code: diagnostic.kind.code(),
            severity: if diagnostic.is_error() {
                "error"
            } else {
                "warning"
            },
            message: diagnostic.kind.to_string(),
            help: diagnostic.kind.help(),
            file: &diagnostic.location.source.name,
            line,
            column,
            span: Span {
                start: diagnostic.location.span.start,
                end: diagnostic.location.span.end,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_without_diagnostics_carries_error_and_help() {
        let error = Error::Drift { count: 2 };
        let document = serde_json::to_value(Report::failed(&error)).expect("serializes");
        assert_eq!(
            document,
            serde_json::json!({
                "ok": false,
                "diagnostics": [],
                "error": "2 generated file(s) are out of date",
                "help": "run `stackgen render` to update the generated files",
            })
        );
    }

    #[test]
    fn an_invalid_stack_carries_only_its_diagnostics() {
        let error = crate::run(
            crate::Source::text("stack.toml", "[stack]\nname = 1\n"),
            &crate::Options::default(),
        )
        .expect_err("a number is no name");
        let document = serde_json::to_string(&Report::failed(&error)).expect("serializes");
        assert!(
            document.starts_with(
                r#"{"ok":false,"diagnostics":[{"code":"stackgen::schema::type","severity":"error","#
            ),
            "{document}"
        );
        assert!(
            document.ends_with(
                r#""file":"stack.toml","line":2,"column":8,"span":{"start":15,"end":16}}]}"#
            ),
            "{document}"
        );
    }
}
