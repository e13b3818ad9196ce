//! Printing many diagnostics: `cargo bench --bench diagnostics`.
//!
//! Stacks with 10,000 problems of one kind each (`schema`: an unknown key in
//! every service; `ports`: every service publishes the same host port, a
//! diagnostic with a second label at the first service; `values`: a port
//! that does not parse) are printed as annotated
//! snippets and as the `--format json` document. Printing must stay linear:
//! 10,000 problems in well under a second.

use std::fmt::Write as _;

use divan::Bencher;
use stackgen::Diagnostic;
use stackgen::cli::json_report::Report;
use stackgen::cli::report::{write_human, write_json};

const PROBLEMS: usize = 10_000;
const KINDS: &[&str] = &["schema", "ports", "values"];

fn main() {
    divan::main();
}

#[divan::bench(args = KINDS, sample_count = 5, sample_size = 1)]
fn human(bencher: Bencher, kind: &str) {
    let diagnostics = diagnostics(kind);
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    bencher.bench(|| {
        let mut out = Vec::new();
        write_human(&mut out, &diagnostics, &handler).expect("writes to memory");
        out.len()
    });
}

#[divan::bench(args = KINDS, sample_count = 5, sample_size = 1)]
fn json(bencher: Bencher, kind: &str) {
    let diagnostics = diagnostics(kind);
    bencher.bench(|| {
        let mut out = Vec::new();
        write_json(&mut out, &Report::ok(&diagnostics)).expect("writes to memory");
        out.len()
    });
}

/// The diagnostics of a stack with [`PROBLEMS`] problems of `kind`.
fn diagnostics(kind: &str) -> Vec<Diagnostic> {
    let mut text = String::from("[stack]\nname = \"many\"\n\n");
    for index in 0..PROBLEMS {
        let problem = match kind {
            "schema" => "imagee = \"y\"".to_owned(),
            "ports" => "ports = [\"8080:80\"]".to_owned(),
            _ => format!("ports = [\"{index}:http\"]"),
        };
        let _ = write!(
            text,
            "[services.svc-{index}]\nimage = \"x:1\"\n{problem}\n\n"
        );
    }
    let diagnostics = match stackgen::load::load_str("stack.toml", &text) {
        Ok(loaded) => stackgen::validate::validate(&loaded),
        Err(stackgen::Error::Invalid(diagnostics)) => diagnostics,
        Err(other) => panic!("{other}"),
    };
    assert!(
        diagnostics.len() >= PROBLEMS - 1,
        "{kind}: {}",
        diagnostics.len()
    );
    diagnostics
}
