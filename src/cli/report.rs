//! Printing diagnostics: miette's annotated snippets, or the JSON document
//! of [`json_report`](super::json_report).

use std::io::{self, Write};

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

/// Writes `diagnostics` as annotated snippets, one after the other.
pub fn write_human(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    handler: &GraphicalReportHandler,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        out.write_all(render_with(handler, diagnostic).as_bytes())?;
    }
    Ok(())
}

/// Writes `report` as one line of JSON.
pub fn write_json(out: &mut impl Write, report: &Report<'_>) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

fn print_human(diagnostics: &[Diagnostic]) {
    // Nothing is left to tell if stderr is gone.
    let _ = write_human(&mut io::stderr().lock(), diagnostics, &handler());
}

fn print_json(report: &Report<'_>) {
    // Nothing is left to tell if stdout is gone.
    let _ = write_json(&mut io::stdout().lock(), report);
}

/// miette's renderer, coloured unless `NO_COLOR` is set or stderr is no terminal.
fn handler() -> GraphicalReportHandler {
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && io::IsTerminal::is_terminal(&io::stderr());
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
