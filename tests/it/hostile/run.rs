//! Running one input: the whole pipeline on its own thread, and what
//! "handled" means (a bundle whose files parse, or diagnostics that point
//! inside the input and render). How long an input takes is measured by
//! the benchmarks, not here.

use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme};
use serde_json::Value;
use stackgen::{Error, Output};

/// Runs the whole pipeline on its own thread with a 2 MiB stack (like the
/// tests themselves, and smaller than the main thread's): a panic fails
/// with the input that caused it.
pub(super) fn guarded(text: &str) -> Result<Output, Error> {
    guarded_named("stack.toml", text)
}

/// [`guarded`], for a stack file called `name`.
pub(super) fn guarded_named(name: &str, text: &str) -> Result<Output, Error> {
    let owned = text.to_owned();
    let name = name.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            stackgen::run(
                stackgen::Source::text(&name, &owned),
                &stackgen::Options::default(),
            )
        })
        .expect("spawn a worker");
    worker.join().unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        panic!("panicked ({message}) on input {}", preview(text))
    })
}

/// The input is rendered, or refused with diagnostics that point inside it
/// and render as text; never an internal error.
pub(super) fn assert_handled(text: &str) -> Option<Output> {
    match guarded(text) {
        Ok(rendered) => {
            assert_outputs_parse(&rendered);
            Some(rendered)
        }
        Err(Error::Invalid(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "Invalid without diagnostics");
            for diagnostic in &diagnostics {
                let span = &diagnostic.location.span;
                let source = &diagnostic.location.source.text;
                assert!(
                    span.start <= span.end && span.end <= source.len(),
                    "span {span:?} outside a {}-byte source",
                    source.len()
                );
                let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
                let mut out = String::new();
                handler
                    .render_report(&mut out, diagnostic)
                    .expect("the diagnostic renders");
            }
            None
        }
        Err(other) => panic!("{other} on input {}", preview(text)),
    }
}

pub(super) fn assert_outputs_parse(rendered: &Output) {
    for path in rendered.bundle.files.keys() {
        if has_extension(path, &["yml", "yaml"]) {
            parse_yaml(rendered, path);
        } else if has_extension(path, &["json"]) {
            parse_json(rendered, path);
        }
    }
}

/// A YAML file of the bundle; one of several documents (Kubernetes
/// manifests) reads as their list.
pub(super) fn parse_yaml(rendered: &Output, path: &str) -> Value {
    let text = std::str::from_utf8(&rendered.bundle.files[path]).expect("UTF-8 output");
    if text.contains("\n---\n") {
        stackgen::render::format::parse_own_yaml_documents(text)
            .map_or_else(|e| panic!("{path} does not parse: {e}"), Value::from)
    } else {
        stackgen::render::format::parse_own_yaml(text)
            .unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
    }
}

pub(super) fn parse_json(rendered: &Output, path: &str) -> Value {
    serde_json::from_slice(&rendered.bundle.files[path])
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

pub(super) fn has_extension(path: &str, extensions: &[&str]) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

pub(super) fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

pub(super) fn preview(text: &str) -> String {
    if text.len() <= 400 {
        format!("{text:?}")
    } else {
        let cut = floor_boundary(text, 400);
        format!("{:?}... ({} bytes)", &text[..cut], text.len())
    }
}

/// Cases of a property that renders whole stacks: `PROPTEST_CASES` if set,
/// else `debug` in a debug build and `release` in a release build.
pub(super) fn cases(debug: u32, release: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) {
            debug
        } else {
            release
        })
}
