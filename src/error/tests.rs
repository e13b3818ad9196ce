//! Tests of source positions and snippets: the same as miette's own reader
//! finds, without reading the file from its start each time.

use miette::SourceCode as _;
use proptest::prelude::*;

use super::*;

/// Text of short lines ending in `\n`, `\r\n` or a lone `\r`.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("([a-c é]{0,12}(\n|\r\n|\r)){0,12}[a-c é]{0,12}")
        .expect("a valid regex")
}

proptest! {
    #[test]
    fn snippets_are_miettes(
        text in text(),
        start in 0..200_usize,
        len in 0..20_usize,
        context in 0..3_usize,
    ) {
        let start = floor_char_boundary(&text, start.min(text.len()));
        let end = floor_char_boundary(&text, (start + len).min(text.len()));
        let span = miette::SourceSpan::new(start.into(), end - start);
        let source = SourceFile::new("stack.toml", text.clone());
        let ours = source.read_span(&span, context, context).expect("in bounds");
        let miettes = text.as_str().read_span(&span, context, context).expect("in bounds");
        prop_assert_eq!(ours.data(), miettes.data());
        prop_assert_eq!(ours.span(), miettes.span());
        prop_assert_eq!(ours.line(), miettes.line());
        prop_assert_eq!(ours.column(), miettes.column());
        prop_assert_eq!(ours.name(), Some("stack.toml"));
    }

    #[test]
    fn positions_count_lines_and_characters(text in text(), offset in 0..200_usize) {
        let offset = floor_char_boundary(&text, offset.min(text.len()));
        // Between the two bytes of a `\r\n` is no place a diagnostic points.
        prop_assume!(!(text[..offset].ends_with('\r') && text[offset..].starts_with('\n')));
        let before = text[..offset].replace("\r\n", "\n").replace('\r', "\n");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |tail| tail.chars().count()) + 1;
        let source = SourceFile::new("stack.toml", text.clone());
        prop_assert_eq!(source.line_column(offset), (line, column));
    }
}

#[test]
fn a_label_far_away_gets_a_snippet_of_its_own() {
    let mut text = "[services.api]\nports = [\"8080:80\"]\n".to_owned();
    text.push_str(&"# filler\n".repeat(1000));
    let second = text.len() + "ports = [\"".len();
    text.push_str("ports = [\"8080:80\"]\n");
    let source = SourceFile::new("stack.toml", text);
    let diagnostic = Diagnostic::error(
        ErrorKind::PortConflict {
            port: 8080,
            first: "api".to_owned(),
        },
        Location {
            source,
            span: second..second + 9,
        },
    )
    .with_related(25..34, "first published by `api` here");
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, &diagnostic)
        .expect("renders");
    assert!(out.lines().count() < 30, "{out}");
    assert!(out.contains("first published by `api` here"), "{out}");
    assert!(out.contains("already published by `api`"), "{out}");
}
