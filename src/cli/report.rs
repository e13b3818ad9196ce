//! Printing diagnostics: miette's annotated snippets, or the JSON document
//! of [`json_report`](super::json_report).

use std::io::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme};

use super::Format;
use super::json_report::Report;
use crate::error::{Diagnostic, Error};

/// Prints a command's error.
pub fn error(error: &Error, format: Format) {
    match (error, format) {
        (Error::Invalid(diagnostics) | Error::InvalidCompose(diagnostics), Format::Human) => {
            print_human(diagnostics);
            eprintln!("error: {error}");
        }
        (_, Format::Human) => {
            eprintln!("error: {error}\n  help: {}", error.help());
        }
        (_, Format::Json) => print_json(&Report::failed(error)),
    }
}

/// Prints warnings (human format only; JSON carries them in its document).
pub fn warnings(warnings: &[Diagnostic], format: Format) {
    if format == Format::Human {
        print_human(warnings);
    }
}

/// Prints the JSON document of a successful validation.
pub fn json_ok(warnings: &[Diagnostic]) {
    print_json(&Report::ok(warnings));
}

fn print_human(diagnostics: &[Diagnostic]) {
    let handler = handler();
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics {
        // Nothing to do if stderr is gone.
        let _ = stderr.write_all(render_with(&handler, diagnostic).as_bytes());
    }
}

fn print_json(report: &Report<'_>) {
    let mut stdout = std::io::stdout().lock();
    // A report is plain data: serializing it cannot fail, and nothing is
    // left to tell if stdout is gone.
    let _ = serde_json::to_writer(&mut stdout, report);
    let _ = stdout.write_all(b"\n");
}

/// miette's renderer, coloured unless `NO_COLOR` is set or stderr is no terminal.
fn handler() -> GraphicalReportHandler {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme).with_width(100)
}

fn render_with(handler: &GraphicalReportHandler, diagnostic: &Diagnostic) -> String {
    let mut out = String::new();
    if handler.render_report(&mut out, diagnostic).is_err() {
        out = format!("{}: {}\n", diagnostic.kind.code(), diagnostic.kind);
    }
    out
}
