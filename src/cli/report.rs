//! Printing diagnostics: miette's annotated snippets, or JSON.

use miette::{GraphicalReportHandler, GraphicalTheme};
use serde_json::json;

use super::Format;
use crate::error::{Diagnostic, Error};

/// Prints a command's error.
pub fn error(error: &Error, format: Format) {
    match (error, format) {
        (Error::Invalid(diagnostics), Format::Human) => {
            for diagnostic in diagnostics {
                eprint!("{}", render(diagnostic));
            }
            eprintln!("error: {error}");
        }
        (Error::Invalid(diagnostics), Format::Json) => {
            println!(
                "{}",
                json!({ "ok": false, "diagnostics": diagnostics.iter().map(to_json).collect::<Vec<_>>() })
            );
        }
        (_, Format::Human) => {
            eprintln!("error: {error}\n  help: {}", error.help());
        }
        (_, Format::Json) => {
            println!(
                "{}",
                json!({ "ok": false, "error": error.to_string(), "help": error.help() })
            );
        }
    }
}

/// Prints warnings (human format only; JSON carries them in its document).
pub fn warnings(warnings: &[Diagnostic], format: Format) {
    if format == Format::Human {
        for warning in warnings {
            eprint!("{}", render(warning));
        }
    }
}

/// Prints the JSON document of a successful validation.
pub fn json_ok(warnings: &[Diagnostic]) {
    println!(
        "{}",
        json!({ "ok": true, "diagnostics": warnings.iter().map(to_json).collect::<Vec<_>>() })
    );
}

/// One diagnostic as annotated text, coloured unless `NO_COLOR` is set or stderr is no terminal.
pub fn render(diagnostic: &Diagnostic) -> String {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, diagnostic).is_err() {
        out = format!("{}: {}\n", diagnostic.kind.code(), diagnostic.kind);
    }
    out
}

/// One diagnostic as a JSON object.
pub fn to_json(diagnostic: &Diagnostic) -> serde_json::Value {
    let (line, column) = diagnostic.line_column();
    json!({
        "code": diagnostic.kind.code(),
        "severity": if diagnostic.is_error() { "error" } else { "warning" },
        "message": diagnostic.kind.to_string(),
        "help": diagnostic.kind.help(),
        "file": diagnostic.location.source.name,
        "line": line,
        "column": column,
        "span": { "start": diagnostic.location.span.start, "end": diagnostic.location.span.end },
    })
}
