//! A help line never suggests a fix that another check then refuses. For
//! every diagnostic of every stack in `tests/invalid/` whose help proposes
//! a text for the place it points at ([`PROPOSALS`]), the proposal is
//! written there and the stack validated again: that diagnostic no longer
//! points there, and no code is reported more often than before. (So a
//! case must have no problem a refused section hides: fixing the
//! section would reveal it.)

use std::ops::Range;
use std::path::Path;

use stackgen::{Diagnostic, Error, Options, Source};

use crate::support::toml_files;

/// How a help line proposes a text for its span: what comes before and
/// after the text, and how it is written there.
struct Proposal {
    before: &'static str,
    after: &'static str,
    form: Form,
}

enum Form {
    /// A name: quoted as the span quotes the name it replaces.
    Name,
    /// TOML text, written as it is.
    Text,
}

/// Every help line that proposes a text for its span.
const PROPOSALS: &[Proposal] = &[
    // An unknown key, a dangling reference: "did you mean `image`?".
    Proposal {
        before: "did you mean `",
        after: "`?",
        form: Form::Name,
    },
    // A literal secret: "write `\"${POSTGRES_PASSWORD}\"` and set ...".
    Proposal {
        before: "write `",
        after: "` and set ",
        form: Form::Text,
    },
    // A password in a URL: "write the password as `${DB_PASSWORD}` inside the URL".
    Proposal {
        before: "write the password as `",
        after: "` inside the URL",
        form: Form::Text,
    },
    // An objective too low for a burn-rate tier: "raise the objective to 99.5% or more".
    Proposal {
        before: "raise the objective to ",
        after: "% or more",
        form: Form::Text,
    },
];

#[test]
fn proposed_fixes_are_accepted() {
    let mut applied = 0;
    let mut failures = Vec::new();
    for path in toml_files("tests/invalid") {
        let text = std::fs::read_to_string(&path).expect("read a case");
        let Some(before) = diagnostics(&path, &text) else {
            continue;
        };
        for diagnostic in before.iter().filter(|d| d.is_error()) {
            let Some((fixed, written)) = apply(&text, diagnostic) else {
                continue;
            };
            applied += 1;
            let after = diagnostics(&path, &fixed).unwrap_or_default();
            if let Some(problem) = compare(diagnostic, &written, &before, &after) {
                failures.push(format!(
                    "{}: `{}` ({}): {problem}",
                    path.display(),
                    diagnostic.kind.help(),
                    diagnostic.kind.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(applied >= 4, "only {applied} help lines propose a fix");
}

/// The errors and warnings `validate` finds in `text`; `None` if it
/// accepts it.
fn diagnostics(path: &Path, text: &str) -> Option<Vec<Diagnostic>> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let dir = path.parent()?;
    let loaded = match stackgen::load::load_str_in(&name, text, dir) {
        Ok(loaded) => loaded,
        Err(Error::Invalid(found)) => return Some(found),
        Err(other) => panic!("{}: {other}", path.display()),
    };
    match stackgen::run(Source::Loaded(&loaded), &Options::default().check_only()) {
        Ok(_) => None,
        Err(Error::Invalid(found)) => Some(found),
        Err(other) => panic!("{}: {other}", path.display()),
    }
}

/// `text` with the proposal of `diagnostic`'s help written at its span,
/// and the bytes the proposal takes there.
fn apply(text: &str, diagnostic: &Diagnostic) -> Option<(String, Range<usize>)> {
    let help = diagnostic.kind.help();
    let (proposal, proposed) = PROPOSALS.iter().find_map(|proposal| {
        let (_, rest) = help.split_once(proposal.before)?;
        let (proposed, _) = rest.split_once(proposal.after)?;
        Some((proposal, proposed))
    })?;
    let span = diagnostic.location.span.clone();
    let written = &text[span.clone()];
    let quoted = written.starts_with('"') || written.starts_with('\'');
    let replacement = if matches!(proposal.form, Form::Name) && quoted {
        stackgen::syntax::quote(proposed)
    } else {
        proposed.to_owned()
    };
    let fixed = format!("{}{replacement}{}", &text[..span.start], &text[span.end..]);
    Some((fixed, span.start..span.start + replacement.len()))
}

/// Why the fix at `written` (the bytes the proposal now takes) is no fix:
/// the diagnostic still points there, or a code is reported more often
/// than `before` (another check refuses the fix, wherever it reports it).
fn compare(
    fixed: &Diagnostic,
    written: &Range<usize>,
    before: &[Diagnostic],
    after: &[Diagnostic],
) -> Option<String> {
    let before: Vec<&Diagnostic> = before.iter().filter(|d| d.is_error()).collect();
    let after: Vec<&Diagnostic> = after.iter().filter(|d| d.is_error()).collect();
    let code = fixed.kind.code();
    let still = after.iter().any(|d| {
        let span = &d.location.span;
        d.kind.code() == code
            && span.start < written.end.max(written.start + 1)
            && written.start < span.end.max(span.start + 1)
    });
    if still {
        return Some(format!("{code} is still reported: {}", messages(&after)));
    }
    let count =
        |found: &[&Diagnostic], code: &str| found.iter().filter(|d| d.kind.code() == code).count();
    let grown: Vec<&str> = after
        .iter()
        .map(|d| d.kind.code())
        .filter(|code| count(&after, code) > count(&before, code))
        .collect();
    (!grown.is_empty())
        .then(|| format!("another check refuses it ({grown:?}): {}", messages(&after)))
}

fn messages(found: &[&Diagnostic]) -> String {
    found
        .iter()
        .map(|d| format!("{}: {}", d.kind.code(), d.kind))
        .collect::<Vec<_>>()
        .join("; ")
}
