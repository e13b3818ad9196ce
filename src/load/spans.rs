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
}

impl SpanIndex {
    /// An empty index whose fallback location is the start of `root`.
    pub fn new(root: Arc<SourceFile>) -> Self {
        Self {
            root,
            entries: OnceLock::from(HashMap::new()),
        }
    }

    /// The index of every key and value of `root`, a file that parses.
    fn of_file(root: Arc<SourceFile>) -> Self {
        Self {
            root,
            entries: OnceLock::new(),
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
        index
    }

    /// Takes over every entry of `other` (an overlay): its spans win.
    pub fn overlay(&mut self, mut other: Self) {
        let other = std::mem::take(other.entries_mut());
        self.entries_mut().extend(other);
    }
}

/// Whether `at` is `pointer` or lies below it.
fn is_within(at: &str, pointer: &str) -> bool {
    at.strip_prefix(pointer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
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
    (
        table_to_json(table.get_ref()),
        SpanIndex::of_file(Arc::clone(source)),
    )
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
