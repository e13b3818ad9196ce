//! Resource limits: oversized files, huge numbers of services and keys,
//! deep nesting, deep or long `PromQL` and very long lines end in a bundle or
//! a diagnostic, in bounded time and without a stack overflow.

use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme};
use stackgen::Error;
use stackgen::error::ErrorKind;

use super::run::{assert_handled, guarded, parse_yaml};

/// Input past the size limit is refused before parsing.
#[test]
fn oversized_stack_is_too_large() {
    let mut text = String::from("[stack]\nname = \"big\"\ndescription = \"");
    text.push_str(&"x".repeat(stackgen::load::MAX_STACK_BYTES));
    text.push_str("\"\n");
    let error = guarded(&text).expect_err("a stack past the limit is refused");
    let Error::Invalid(diagnostics) = error else {
        panic!("expected Invalid, got {error:?}");
    };
    assert!(
        matches!(diagnostics[0].kind, ErrorKind::TooLarge { .. }),
        "{:?}",
        diagnostics[0].kind
    );
}

/// 100,000 services in bounded time (10,000 in a debug build, to keep CI fast;
/// `cargo test --release --test it hostile::` runs the full size).
#[test]
fn hundred_thousand_services_are_handled() {
    let services = scaled(100_000);
    let mut text = String::from("[stack]\nname = \"many\"\n");
    for index in 0..services {
        let _ = write!(text, "[services.s{index}]\nimage = \"x\"\nexpose = [80]\n");
        if index > 0 {
            let _ = writeln!(text, "depends-on = [\"s{}\"]", (index - 1) / 2);
        }
    }
    let rendered = guarded(&text).expect("the stack renders");
    let compose = parse_yaml(&rendered, "docker-compose.yml");
    assert_eq!(
        compose["services"].as_object().map(serde_json::Map::len),
        Some(services)
    );
}

/// Deep nesting must end in a diagnostic, not a stack overflow.
#[test]
fn deep_nesting_is_handled() {
    for depth in [64, 1_000, 10_000, 100_000] {
        let arrays = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let tables = format!("a = {}{}\n", "{b = ".repeat(depth), "}".repeat(depth));
        let dotted = format!("{} = 1\n", vec!["a"; depth].join("."));
        let header = format!("[{}]\n", vec!["a"; depth].join("."));
        let in_stack = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nlabels = {}{}\n",
            "{b = ".repeat(depth),
            "}".repeat(depth)
        );
        let unclosed = format!("a = {}", "[".repeat(depth));
        for text in [arrays, tables, dotted, header, in_stack, unclosed] {
            assert!(guarded(&text).is_err(), "depth {depth} was accepted");
        }
    }
}

/// Deep or long `PromQL` expressions end in a diagnostic or a bundle, in
/// bounded time: the parser is recursive and quadratic in operator chains.
#[test]
fn deep_and_long_promql_is_handled() {
    let n = 100_000;
    let shapes = [
        format!("{}up{}", "sum(".repeat(n), ")".repeat(n)),
        format!("{}up{}", "(".repeat(n), ")".repeat(n)),
        format!("{}up", "-".repeat(n)),
        vec!["up"; n].join(" + "),
        vec!["up"; n].join(" and "),
        format!(
            "sum by ({}) (up)",
            (0..n)
                .map(|i| format!("l{i}"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        format!(
            "up{{{}}}",
            (0..n)
                .map(|i| format!("l{i}!=''"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        format!("up{}", " offset 1m".repeat(n)),
        format!("{}up{}", "abs(".repeat(n), ")".repeat(n)),
    ];
    for expr in shapes {
        let text = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nexpose = [8080]\n[prometheus]\n[[alerts]]\nname = \"Deep\"\nexpr = '{expr}'\nsummary = \"s\"\n"
        );
        assert_handled(&text);
        // An alert test's input series is parsed as PromQL too.
        let series = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nexpose = [8080]\n[prometheus]\n[[alerts]]\nname = \"Deep\"\nexpr = 'up == 0'\n[[alerts.tests]]\neval-time = \"5m\"\nseries = [{{ series = '{expr}', values = \"1\" }}]\n"
        );
        assert_handled(&series);
    }
}

/// A diagnostic 70,000 columns into a line renders (miette cannot place a
/// mark past column 65,535; the snippet shows a window of the line).
#[test]
fn diagnostics_far_into_a_long_line_render() {
    let text = format!(
        "[stack]\nname = \"t\"\n[services.app]\nimage = \"x\"\nhealthcheck = {{ shell = \"{}\", bogus = 1 }}\n",
        "x".repeat(70_000)
    );
    let Err(Error::Invalid(diagnostics)) = guarded(&text) else {
        panic!("the unknown key is refused");
    };
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    handler
        .render_report(&mut out, &diagnostics[0])
        .expect("the diagnostic renders");
    assert!(out.contains("stack.toml:5:70029"), "{out}");
    assert!(out.contains("bogus = 1"), "{out}");
    assert!(out.lines().all(|line| line.chars().count() < 400), "{out}");
}

/// A huge string value and a huge number of keys, in bounded time.
#[test]
fn huge_values_are_handled() {
    let long = format!(
        "[stack]\nname = \"long\"\ndescription = \"{}\"\n[services.app]\nimage = \"x\"\n",
        "é".repeat(scaled(4_000_000))
    );
    guarded(&long).expect("a long description is fine");
    let mut keys = String::from(
        "[stack]\nname = \"keys\"\n[services.app]\nimage = \"x\"\n[services.app.labels]\n",
    );
    for index in 0..scaled(200_000) {
        let _ = writeln!(keys, "k{index} = \"v\"");
    }
    guarded(&keys).expect("many labels are fine");
    let mut unknown = String::from("[stack]\nname = \"keys\"\n[services.app]\nimage = \"x\"\n");
    for index in 0..50_000 {
        let _ = writeln!(unknown, "unknown-{index} = 1");
    }
    assert!(guarded(&unknown).is_err());
}

/// `full` in a release build, a tenth of it in a debug build.
fn scaled(full: usize) -> usize {
    if cfg!(debug_assertions) {
        full / 10
    } else {
        full
    }
}
