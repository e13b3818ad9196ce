//! Where every key and value sits in the TOML text.
//!
//! The parsed document is turned into a JSON value (for the schema check and
//! for serde) and, alongside it, an index from JSON pointer (`/services/app/ports/0`)
//! to the byte ranges of the key and the value. Every later stage reports
//! problems by pointer; the index turns the pointer back into a span.
//!
//! A valid stack usually has nothing to report, so the index of a parsed
//! file is built only when first asked for, by parsing the file's text
//! again (the same text parses the same way).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Location, SourceFile};

/// Spans of one key/value pair.
#[derive(Debug, Clone)]
struct Entry {
    source: Arc<SourceFile>,
    key: Option<Range<usize>>,
    value: Range<usize>,
}

/// An index from JSON pointer to source spans.
#[derive(Debug, Clone)]
pub struct SpanIndex {
    root: Arc<SourceFile>,
    /// Built from `root`'s text when first needed, for an index of a whole file.
    entries: OnceLock<HashMap<String, Entry>>,
    /// The pointers of the floats the file writes as `nan` or `inf`, which
    /// the document (JSON) holds as their text.
    non_finite: Vec<String>,
}

impl SpanIndex {
    /// An empty index whose fallback location is the start of `root`.
    pub fn new(root: Arc<SourceFile>) -> Self {
        Self {
            root,
            entries: OnceLock::from(HashMap::new()),
            non_finite: Vec::new(),
        }
    }

    /// The index of every key and value of `root`, a file that parses.
    fn of_file(root: Arc<SourceFile>) -> Self {
        Self {
            root,
            entries: OnceLock::new(),
            non_finite: Vec::new(),
        }
    }

    fn entries(&self) -> &HashMap<String, Entry> {
        self.entries.get_or_init(|| index_file(&self.root))
    }

    fn entries_mut(&mut self) -> &mut HashMap<String, Entry> {
        self.entries();
        self.entries
            .get_mut()
            .expect("the entries were built on the line above")
    }

    /// The file the stack was loaded from.
    pub fn root(&self) -> &Arc<SourceFile> {
        &self.root
    }

    /// The value at `pointer`, or the nearest enclosing value that has a span.
    pub fn value(&self, pointer: &str) -> Location {
        self.find(pointer, |entry| Some(entry.value.clone()))
    }

    /// The key at `pointer` (falls back to the value, then to enclosing entries).
    pub fn key(&self, pointer: &str) -> Location {
        self.find(pointer, |entry| {
            entry.key.clone().or_else(|| Some(entry.value.clone()))
        })
    }

    /// The pointers of the values the file writes as `nan` or `inf` (with
    /// a sign or not): floats that are not finite, which no field takes.
    pub fn non_finite(&self) -> &[String] {
        &self.non_finite
    }

    /// Whether the document has a value at `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.entries().contains_key(pointer)
    }

    fn find(&self, pointer: &str, pick: impl Fn(&Entry) -> Option<Range<usize>>) -> Location {
        let entries = self.entries();
        let mut current = pointer;
        loop {
            if let Some(entry) = entries.get(current)
                && let Some(span) = pick(entry)
            {
                return Location {
                    source: Arc::clone(&entry.source),
                    span,
                };
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => {
                    return Location {
                        source: Arc::clone(&self.root),
                        span: 0..0,
                    };
                }
            }
        }
    }

    fn insert(&mut self, pointer: String, entry: Entry) {
        self.entries_mut().insert(pointer, entry);
    }

    /// Forgets the entry at `pointer` and every entry below it.
    pub fn remove_subtree(&mut self, pointer: &str) {
        self.entries_mut().retain(|at, _| !is_within(at, pointer));
    }

    /// Copies the entry at `pointer` and every entry below it from `other`.
    pub fn copy_subtree(&mut self, other: &Self, pointer: &str) {
        let entries = self.entries_mut();
        for (at, entry) in other.entries() {
            if is_within(at, pointer) {
                entries.insert(at.clone(), entry.clone());
            }
        }
    }

    /// The entries below `prefix`, re-keyed as if `prefix` were the root
    /// (the `[env.production]` table of a stack file as an overlay document).
    #[must_use]
    pub fn rebased(&self, prefix: &str) -> Self {
        let mut index = Self::new(Arc::clone(&self.root));
        for (at, entry) in self.entries() {
            if is_within(at, prefix) {
                index.insert(at[prefix.len()..].to_owned(), entry.clone());
            }
        }
        index.non_finite = self
            .non_finite
            .iter()
            .filter(|at| is_within(at, prefix))
            .map(|at| at[prefix.len()..].to_owned())
            .collect();
        index
    }

    /// Takes over every entry of `other` (an overlay): its spans win.
    pub fn overlay(&mut self, mut other: Self) {
        self.non_finite.append(&mut other.non_finite);
        let other = std::mem::take(other.entries_mut());
        self.entries_mut().extend(other);
    }
}

/// Whether `at` is `pointer` or lies below it.
fn is_within(at: &str, pointer: &str) -> bool {
    at.strip_prefix(pointer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The part of `location`, the string value `value` as the file writes it,
/// that holds the bytes `range` of the value: a place inside the string.
/// The whole of `location` when it is not `value` written on one line, as a
/// literal (`'...'`) or a basic string (`"..."`, escapes followed).
pub fn part_of_string(location: Location, value: &str, range: &Range<usize>) -> Location {
    let written = location
        .source
        .text
        .get(location.span.clone())
        .unwrap_or_default();
    let Some(offsets) = string_offsets(written, value) else {
        return location;
    };
    let (Some(start), Some(end)) = (offsets.get(range.start), offsets.get(range.end)) else {
        return location;
    };
    let span = location.span.start + start..location.span.start + end;
    Location { span, ..location }
}

/// For a one-line TOML string `written` that reads as `value`, the offset in
/// `written` of every byte offset of `value`, and of its end.
fn string_offsets(written: &str, value: &str) -> Option<Vec<usize>> {
    if written.starts_with("'''") || written.starts_with(r#"""""#) || written.contains('\n') {
        return None;
    }
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut read = String::with_capacity(value.len());
    if let Some(inner) = written
        .strip_prefix('\'')
        .and_then(|w| w.strip_suffix('\''))
    {
        read.push_str(inner);
        offsets.extend(1..=inner.len() + 1);
    } else {
        let inner = written.strip_prefix('"')?.strip_suffix('"')?;
        let mut chars = inner.char_indices();
        while let Some((at, c)) = chars.next() {
            let decoded = if c == '\\' {
                match chars.next()?.1 {
                    escape @ ('u' | 'U') => {
                        let digits = if escape == 'u' { 4 } else { 8 };
                        let hex: String = chars.by_ref().take(digits).map(|(_, h)| h).collect();
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'e' => '\u{1b}',
                    other => other,
                }
            } else {
                c
            };
            offsets.extend(std::iter::repeat_n(at + 1, decoded.len_utf8()));
            read.push(decoded);
        }
        offsets.push(inner.len() + 1);
    }
    (read == value).then_some(offsets)
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Appends `token` to `out`, escaped as a reference token.
pub fn push_escaped(out: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Builds a JSON pointer from tokens, escaping each.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    tokens.into_iter().fold(String::new(), |mut out, token| {
        out.push('/');
        push_escaped(&mut out, token.as_ref());
        out
    })
}

/// Converts a parsed TOML document into JSON; the index of its spans is
/// built from `source` (the text `table` was parsed from) when first asked for.
pub fn to_json(table: &Spanned<DeTable<'_>>, source: &Arc<SourceFile>) -> (Value, SpanIndex) {
    let mut index = SpanIndex::of_file(Arc::clone(source));
    non_finite_in_table(table.get_ref(), &mut String::new(), &mut index.non_finite);
    (table_to_json(table.get_ref()), index)
}

/// Collects the pointers of the non-finite floats below `path`.
fn non_finite_in_table(table: &DeTable<'_>, path: &mut String, found: &mut Vec<String>) {
    for (key, value) in table {
        let parent = path.len();
        path.push('/');
        push_escaped(path, key.get_ref());
        non_finite_in_value(value.get_ref(), path, found);
        path.truncate(parent);
    }
}

fn non_finite_in_value(value: &DeValue<'_>, path: &mut String, found: &mut Vec<String>) {
    match value {
        DeValue::Float(float) if float.as_str().parse::<f64>().is_ok_and(|f| !f.is_finite()) => {
            found.push(path.clone());
        }
        DeValue::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                let parent = path.len();
                let _ = write!(path, "/{position}");
                non_finite_in_value(item.get_ref(), path, found);
                path.truncate(parent);
            }
        }
        DeValue::Table(table) => non_finite_in_table(table, path, found),
        _ => {}
    }
}

fn table_to_json(table: &DeTable<'_>) -> Value {
    let mut map = Map::with_capacity(table.len());
    for (key, value) in table {
        map.insert(key.get_ref().to_string(), value_to_json(value.get_ref()));
    }
    Value::Object(map)
}

fn value_to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => integer_to_json(integer.as_str(), integer.radix()),
        DeValue::Float(float) => float_to_json(float.as_str()),
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| value_to_json(item.get_ref()))
                .collect(),
        ),
        DeValue::Table(table) => table_to_json(table),
    }
}

/// The spans of every key and value of `source`, by pointer.
fn index_file(source: &Arc<SourceFile>) -> HashMap<String, Entry> {
    let (table, _) = DeTable::parse_recoverable(&source.text);
    let mut indexer = Indexer {
        source,
        entries: HashMap::new(),
        path: String::new(),
    };
    indexer.record(None, table.span());
    indexer.table(table.get_ref());
    indexer.entries
}

/// The walk over a parsed document; `path` is the pointer of the value at hand.
struct Indexer<'a> {
    source: &'a Arc<SourceFile>,
    entries: HashMap<String, Entry>,
    path: String,
}

impl Indexer<'_> {
    /// Records the spans of the value at `path`.
    fn record(&mut self, key: Option<Range<usize>>, value: Range<usize>) {
        self.entries.insert(
            self.path.clone(),
            Entry {
                source: Arc::clone(self.source),
                key,
                value,
            },
        );
    }

    fn table(&mut self, table: &DeTable<'_>) {
        for (key, value) in table {
            let parent = self.path.len();
            self.path.push('/');
            push_escaped(&mut self.path, key.get_ref());
            self.record(Some(key.span()), value.span());
            self.value(value.get_ref());
            self.path.truncate(parent);
        }
    }

    fn value(&mut self, value: &DeValue<'_>) {
        match value {
            DeValue::Array(items) => {
                for (position, item) in items.iter().enumerate() {
                    let parent = self.path.len();
                    // Writing to a String cannot fail.
                    let _ = write!(self.path, "/{position}");
                    self.record(None, item.span());
                    self.value(item.get_ref());
                    self.path.truncate(parent);
                }
            }
            DeValue::Table(table) => self.table(table),
            _ => {}
        }
    }
}

fn integer_to_json(text: &str, radix: u32) -> Value {
    i64::from_str_radix(text, radix).map_or_else(
        |_| Value::String(text.to_owned()),
        |number| Value::Number(Number::from(number)),
    )
}

fn float_to_json(text: &str) -> Value {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_map_back_to_exact_spans() {
        let text = "[services.app]\nimage = \"x\"\nports = [\"80:80\", \"81:81\"]\n";
        let source = SourceFile::new("stack.toml", text);
        let parsed = DeTable::parse(text).expect("valid toml");
        let (json, index) = to_json(&parsed, &source);
        assert_eq!(json["services"]["app"]["image"], "x");
        let at = index.value("/services/app/ports/1");
        assert_eq!(&text[at.span], "\"81:81\"");
        let key = index.key("/services/app/image");
        assert_eq!(&text[key.span], "image");
        let missing = index.value("/services/app/ports/7");
        assert_eq!(&text[missing.span], "[\"80:80\", \"81:81\"]");
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer(["a/b", "c~d"]), "/a~1b/c~0d");
    }
}
