//! The one error type of stackgen.
//!
//! A [`Diagnostic`] is one problem found in a stack file: a [`ErrorKind`]
//! (message, stable code, help line) plus where it is, as a byte span in a
//! source file. [`Error`] is what a command fails with: a list of
//! diagnostics when the stack is invalid, or an I/O or usage problem.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use miette::{LabeledSpan, Severity, SourceCode};

#[macro_use]
mod define;
mod kind;

pub use kind::{ErrorKind, ROUTE_PATH, ROUTE_PATH_ON_HOST};

/// A source file that diagnostics point into.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as the user gave it).
    pub name: String,
    /// The file's text.
    pub text: String,
    /// The byte offset where each line starts, found once, when a diagnostic
    /// first needs a position: every later one is a binary search, so
    /// printing many diagnostics takes time in proportion to their number.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// A source file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        })
    }

    /// The 1-based line and column (in characters) of a byte offset. A line
    /// ends at `\n`, `\r\n` or a lone `\r`, as miette's snippets count them.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (line, start) = self.line_of(offset);
        (line + 1, self.text[start..offset].chars().count() + 1)
    }

    /// The 0-based line holding byte `offset`, and the offset where it starts.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        // `starts[0]` is 0, so at least one start is not after `offset`.
        let line = starts.partition_point(|&start| start <= offset) - 1;
        (line, starts[line])
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut starts = vec![0];
            for (at, &byte) in bytes.iter().enumerate() {
                if byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
                    starts.push(at + 1);
                }
            }
            starts
        })
    }
}

/// How many lines may lie between the snippets of two labels for miette to
/// draw them as one. miette joins two snippets when the first one's line
/// plus its line count reaches the second's line; its own reader counts
/// every line from the top of the file, so every two labels were joined, and
/// a diagnostic with a label far away printed every line in between.
const SNIPPET_JOIN_GAP: usize = 4;

/// The widest source line a snippet shows whole. A longer line is shown as a
/// window of this many bytes around the span: readable, and miette's
/// renderer cannot place a mark more than 65,535 columns into a line.
const SNIPPET_WIDTH: usize = 240;

impl SourceFile {
    /// The window of a line longer than [`SNIPPET_WIDTH`] that holds the
    /// start of `span`, alone; `None` for a line of ordinary length.
    fn long_line_window(
        &self,
        span: &miette::SourceSpan,
    ) -> Option<miette::MietteSpanContents<'_>> {
        let text = &self.text;
        let start = floor_char_boundary(text, span.offset().min(text.len()));
        let (line, line_start) = self.line_of(start);
        let line_end = self
            .line_starts()
            .get(line + 1)
            .map_or(text.len(), |&next| next - 1);
        if line_end - line_start <= SNIPPET_WIDTH {
            return None;
        }
        let from =
            floor_char_boundary(text, start.saturating_sub(SNIPPET_WIDTH / 4)).max(line_start);
        let to = floor_char_boundary(text, (from + SNIPPET_WIDTH).min(line_end));
        Some(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[from..to],
            (from..to).into(),
            line,
            text[line_start..start].chars().count(),
            1,
        ))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        if let Some(window) = self.long_line_window(span) {
            return Ok(Box::new(window));
        }
        // miette's own reader walks the text from its start to the span:
        // hand it the text from a line just above the context instead, and
        // shift what it finds back, so a diagnostic costs the lines around
        // it, not the whole file.
        let (line, _) = self.line_of(span.offset().min(self.text.len()));
        let first = line.saturating_sub(context_lines_before + 1);
        let from = self.line_starts()[first];
        let local = miette::SourceSpan::new((span.offset() - from).into(), span.len());
        let contents =
            self.text[from..].read_span(&local, context_lines_before, context_lines_after)?;
        let start = contents.span().offset() + from;
        let end = start + contents.span().len();
        let (last_line, _) = self.line_of(end.saturating_sub(1).max(start));
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            miette::SourceSpan::new(start.into(), contents.span().len()),
            contents.line() + first,
            contents.column(),
            last_line + 1 - (contents.line() + first) + SNIPPET_JOIN_GAP,
        )))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where a diagnostic points: a span in a source file, with a label.
#[derive(Debug, Clone)]
pub struct Location {
    /// The file.
    pub source: Arc<SourceFile>,
    /// The byte range in the file.
    pub span: Range<usize>,
}

/// One problem in a stack file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Where.
    pub location: Location,
    /// Other places that explain the problem (the first of two clashing ports).
    pub related: Vec<(Range<usize>, String)>,
    /// Whether it blocks rendering.
    pub severity: Severity,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(kind: ErrorKind, location: Location) -> Self {
        Self {
            kind,
            location,
            related: Vec::new(),
            severity: Severity::Error,
        }
    }

    /// A warning at `location`: reported, but rendering goes on.
    pub fn warning(kind: ErrorKind, location: Location) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(kind, location)
        }
    }

    /// Adds a labelled secondary span in the same file.
    #[must_use]
    pub fn with_related(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Whether this diagnostic blocks rendering.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column where the diagnostic points.
    pub fn line_column(&self) -> (usize, usize) {
        self.location.source.line_column(self.location.span.start)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::code(&self.kind)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::help(&self.kind)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.location.source.as_ref())
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary =
            LabeledSpan::new_primary_with_span(Some(self.kind.label()), self.location.span.clone());
        let related = self
            .related
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), span.clone()));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The stack file has problems; each diagnostic says where.
    #[error("{} found in the stack", count_errors(.0))]
    Invalid(Vec<Diagnostic>),
    /// The Compose file given to `stackgen import` has problems; each
    /// diagnostic says where.
    #[error("{} found in the Compose file", count_errors(.0))]
    InvalidCompose(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`read`, `write`, `create directory`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output directory holds a file stackgen did not write.
    #[error("refusing to overwrite {}: stackgen did not write it", path.display())]
    ForeignFile {
        /// The file.
        path: PathBuf,
    },
    /// Something below the output directory that stackgen will not write,
    /// read or remove through: a symbolic link, or not a regular file where
    /// a generated file goes.
    #[error("refusing to use {} in the output directory: it is {what}", path.display())]
    UnsafeOutput {
        /// The link or file, as found below the output directory.
        path: PathBuf,
        /// What it is (`a symbolic link`, `a FIFO`, `a directory`).
        what: &'static str,
    },
    /// Rendered files differ from what is on disk (`--check`).
    #[error("{count} generated file(s) are out of date")]
    Drift {
        /// How many files differ.
        count: usize,
    },
    /// The command line asks for something that cannot be done.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
    /// Something went wrong inside stackgen.
    #[error("internal error: {0}; this is a stackgen bug, please report it")]
    Bug(String),
}

impl Error {
    /// The help line for this error.
    pub fn help(&self) -> String {
        match self {
            Self::Invalid(_) | Self::InvalidCompose(_) => {
                "fix the problems above and run the command again".to_owned()
            }
            Self::Io { .. } => "check that the path exists and that you may read and write it".to_owned(),
            Self::ForeignFile { .. } => {
                "move the file away, choose another output directory with `-o`, or pass `--force` to take it over".to_owned()
            }
            Self::UnsafeOutput { .. } => {
                "stackgen writes only real files and folders below the output directory (the directory given with `-o` may itself be a link): remove or replace it, or render into another directory".to_owned()
            }
            Self::Drift { .. } => "run `stackgen render` to update the generated files".to_owned(),
            Self::Usage { help, .. } => help.clone(),
            Self::Bug(_) => "re-run with the same stack file and report the output".to_owned(),
        }
    }

    /// The process exit code: 1 for an invalid stack or drift, 2 for usage and I/O, 3 for bugs.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Invalid(_) | Self::InvalidCompose(_) | Self::Drift { .. } => 1,
            Self::Io { .. }
            | Self::ForeignFile { .. }
            | Self::UnsafeOutput { .. }
            | Self::Usage { .. } => 2,
            Self::Bug(_) => 3,
        }
    }

    /// An I/O error with the path it concerns.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

fn count_errors(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors == 1 {
        "1 problem".to_owned()
    } else {
        format!("{errors} problems")
    }
}

#[cfg(test)]
mod tests;
