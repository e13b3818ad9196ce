//! Where every key and value sits in the TOML text.
//!
//! The parsed document is turned into a JSON value (for the schema check and
//! for serde) and, in the same walk, an index from JSON pointer
//! (`/services/app/ports/0`) to the byte ranges of the key and the value.
//! Every later stage reports problems by pointer; the index turns the
//! pointer back into a span.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Location, SourceFile};

/// Spans of one key/value pair, as byte offsets (a stack file is at most
/// [`super::MAX_STACK_BYTES`] long). An array item has no key: its key
/// span is its value's.
#[derive(Debug, Clone)]
struct Entry {
    source: Arc<SourceFile>,
    key: [u32; 2],
    value: [u32; 2],
}

impl Entry {
    fn new(source: &Arc<SourceFile>, key: Range<usize>, value: Range<usize>) -> Self {
        Self {
            source: Arc::clone(source),
            key: offsets(key),
            value: offsets(value),
        }
    }
}

/// A span as two `u32` offsets.
fn offsets(span: Range<usize>) -> [u32; 2] {
    [span.start, span.end].map(|at| u32::try_from(at).unwrap_or(u32::MAX))
}

/// An index from JSON pointer to source spans.
#[derive(Debug, Clone)]
pub struct SpanIndex {
    root: Arc<SourceFile>,
    entries: HashMap<Box<str>, Entry>,
    /// The pointers of the floats the file writes as `nan` or `inf`, which
    /// the document (JSON) holds as their text.
    non_finite: Vec<String>,
}

impl SpanIndex {
    /// An empty index whose fallback location is the start of `root`.
    pub fn new(root: Arc<SourceFile>) -> Self {
        Self {
            root,
            entries: HashMap::new(),
            non_finite: Vec::new(),
        }
    }

    /// The file the stack was loaded from.
    pub fn root(&self) -> &Arc<SourceFile> {
        &self.root
    }

    /// The value at `pointer`, or the nearest enclosing value that has a span.
    pub fn value(&self, pointer: &str) -> Location {
        self.find(pointer, |entry| entry.value)
    }

    /// The key at `pointer` (the value of an array item, which has no key;
    /// falls back to enclosing entries).
    pub fn key(&self, pointer: &str) -> Location {
        self.find(pointer, |entry| entry.key)
    }

    /// The pointers of the values the file writes as `nan` or `inf` (with
    /// a sign or not): floats that are not finite, which no field takes.
    pub fn non_finite(&self) -> &[String] {
        &self.non_finite
    }

    /// Whether the document has a value at `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.entries.contains_key(pointer)
    }

    fn find(&self, pointer: &str, pick: impl Fn(&Entry) -> [u32; 2]) -> Location {
        let mut current = pointer;
        loop {
            if let Some(entry) = self.entries.get(current) {
                let [start, end] = pick(entry).map(|at| at as usize);
                return Location {
                    source: Arc::clone(&entry.source),
                    span: start..end,
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

    /// Forgets the entry at `pointer` and every entry below it.
    pub fn remove_subtree(&mut self, pointer: &str) {
        self.entries.retain(|at, _| !is_within(at, pointer));
    }

    /// Copies the entry at `pointer` and every entry below it from `other`.
    pub fn copy_subtree(&mut self, other: &Self, pointer: &str) {
        for (at, entry) in &other.entries {
            if is_within(at, pointer) {
                self.entries.insert(at.clone(), entry.clone());
            }
        }
    }

    /// The entries below `prefix`, re-keyed as if `prefix` were the root
    /// (the `[env.production]` table of a stack file as an overlay document).
    #[must_use]
    pub fn rebased(&self, prefix: &str) -> Self {
        let mut index = Self::new(Arc::clone(&self.root));
        for (at, entry) in &self.entries {
            if is_within(at, prefix) {
                index
                    .entries
                    .insert(at[prefix.len()..].into(), entry.clone());
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
        self.entries.extend(other.entries);
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

/// Converts a parsed TOML document into JSON and the index of its spans,
/// in one walk; `source` is the text `table` was parsed from.
pub fn to_json(table: &Spanned<DeTable<'_>>, source: &Arc<SourceFile>) -> (Value, SpanIndex) {
    let mut converter = Converter {
        index: SpanIndex::new(Arc::clone(source)),
        path: String::new(),
    };
    converter.record(table.span(), table.span());
    let document = converter.table(table.get_ref());
    (document, converter.index)
}

/// The walk over a parsed document; `path` is the pointer of the value at hand.
struct Converter {
    index: SpanIndex,
    path: String,
}

impl Converter {
    /// Records the spans of the value at `path`.
    fn record(&mut self, key: Range<usize>, value: Range<usize>) {
        let entry = Entry::new(&self.index.root, key, value);
        self.index.entries.insert(self.path.as_str().into(), entry);
    }

    fn table(&mut self, table: &DeTable<'_>) -> Value {
        let mut map = Map::with_capacity(table.len());
        for (key, value) in table {
            let parent = self.path.len();
            self.path.push('/');
            push_escaped(&mut self.path, key.get_ref());
            self.record(key.span(), value.span());
            map.insert(key.get_ref().to_string(), self.value(value.get_ref()));
            self.path.truncate(parent);
        }
        Value::Object(map)
    }

    fn value(&mut self, value: &DeValue<'_>) -> Value {
        match value {
            DeValue::String(text) => Value::String(text.to_string()),
            DeValue::Integer(integer) => integer_to_json(integer.as_str(), integer.radix()),
            DeValue::Float(float) => {
                let text = float.as_str();
                if text.parse::<f64>().is_ok_and(|f| !f.is_finite()) {
                    self.index.non_finite.push(self.path.clone());
                }
                float_to_json(text)
            }
            DeValue::Boolean(flag) => Value::Bool(*flag),
            DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
            DeValue::Array(items) => {
                let mut array = Vec::with_capacity(items.len());
                for (position, item) in items.iter().enumerate() {
                    let parent = self.path.len();
                    // Writing to a String cannot fail.
                    let _ = write!(self.path, "/{position}");
                    self.record(item.span(), item.span());
                    array.push(self.value(item.get_ref()));
                    self.path.truncate(parent);
                }
                Value::Array(array)
            }
            DeValue::Table(table) => self.table(table),
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
