//! The loss report: everything of the Compose file that did not reach
//! stack.toml as written, each under its Compose path.
//!
//! Three lists: what could not be expressed at all (losses), what was
//! expressed differently (changes, each saying how), and what import skips
//! on purpose (`x-` extensions, the obsolete `version`). The same report is
//! printed on stderr and written as a comment block at the top of the stack
//! file, so nothing is dropped silently.

use std::fmt::Write as _;

use super::path::Path;

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Not carried over.
    pub losses: Vec<Entry>,
    /// Carried over differently.
    pub changes: Vec<Entry>,
    /// Skipped on purpose.
    pub ignored: Vec<Entry>,
}

/// One item of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where in the Compose file.
    pub path: Path,
    /// The value as written, in short (losses only).
    pub value: Option<String>,
    /// What happened and why.
    pub message: String,
}

impl Report {
    /// Whether nothing at all is reported.
    pub fn is_empty(&self) -> bool {
        self.losses.is_empty() && self.changes.is_empty() && self.ignored.is_empty()
    }

    /// The report as lines of plain text: a heading per list and one line
    /// per entry, with nothing a terminal or a TOML comment could misread
    /// (control characters and bidirectional overrides are escaped).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (title, entries) in [
            ("Not carried over", &self.losses),
            ("Carried over differently", &self.changes),
            ("Ignored", &self.ignored),
        ] {
            if entries.is_empty() {
                continue;
            }
            lines.push(format!("{title} ({}):", entries.len()));
            for entry in entries {
                let mut line = format!("  {}", entry.path);
                if let Some(value) = &entry.value {
                    let _ = write!(line, " = {value}");
                }
                let _ = write!(line, ": {}", entry.message);
                lines.push(plain(&line));
            }
        }
        lines
    }
}

/// `text` with every character escaped that could end a line, reorder the
/// text around it, or otherwise not read as what it is.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_group_by_list_and_escape_what_could_break_a_line() {
        let report = Report {
            losses: vec![Entry {
                path: Path::service("web").key("cap_add"),
                value: Some("[\"NET_ADMIN\"]".to_owned()),
                message: "stack.toml has no setting for it".to_owned(),
            }],
            changes: vec![Entry {
                path: Path::service("a\u{202e}b"),
                value: None,
                message: "renamed\nto x".to_owned(),
            }],
            ignored: Vec::new(),
        };
        assert_eq!(
            report.lines(),
            [
                "Not carried over (1):",
                "  services.web.cap_add = [\"NET_ADMIN\"]: stack.toml has no setting for it",
                "Carried over differently (1):",
                "  services[\"a\\u{202e}b\"]: renamed\\u{a}to x",
            ]
        );
    }
}
