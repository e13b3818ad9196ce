//! Reading the Compose file's YAML, keeping where every key and value is.
//!
//! The text is parsed once by serde-saphyr into a [`Node`] tree whose every
//! key and value carries its place in the file; anchors, aliases and `<<`
//! merge keys are resolved the way the typed model sees them. The tree
//! serves three readers: the Compose Specification check (as JSON), the
//! typed model (parsed again from the text, so its errors carry a place
//! too), and every diagnostic and loss that names a Compose path.
//!
//! The parser reads YAML 1.2 booleans only (`true`/`false`), as Compose's
//! own parser does: `restart: no` is the text `no`.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter as _, Spanned, UserMessageFormatter};

use super::path::Path;
use crate::error::{Diagnostic, Error, ErrorKind, Location, SourceFile};

/// The largest Compose file `import` reads, in bytes.
pub const MAX_COMPOSE_BYTES: usize = 16 * 1024 * 1024;

/// A YAML node with the places of its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Text.
    Text(String),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in the order written (merged keys after the written ones).
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

/// A parsed Compose file: its text, its tree, and the place of every path.
#[derive(Debug)]
pub struct Document {
    /// The file, for diagnostics.
    pub source: Arc<SourceFile>,
    /// The root node.
    pub root: Node,
    /// Byte spans of each path's key (for map entries) and value.
    places: HashMap<String, Place>,
}

#[derive(Debug, Clone)]
struct Place {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

impl Document {
    /// Parses `source` as YAML.
    pub fn parse(source: Arc<SourceFile>) -> Result<Self, Error> {
        if source.text.len() > MAX_COMPOSE_BYTES {
            return Err(Error::Invalid(vec![Diagnostic::error(
                ErrorKind::ComposeTooLarge {
                    size: source.text.len(),
                    limit: MAX_COMPOSE_BYTES,
                },
                Location { source, span: 0..0 },
            )]));
        }
        let root: Spanned<Node> = serde_saphyr::from_str_with_options(&source.text, options())
            .map_err(|error| Error::Invalid(vec![yaml_error(&source, &error)]))?;
        let mut places = HashMap::new();
        let whole = span_of(&source.text, &root.referenced);
        places.insert(
            String::new(),
            Place {
                key: None,
                value: whole,
            },
        );
        index(&source.text, &root.value, &Path::root(), &mut places);
        Ok(Self {
            source,
            root: root.value,
            places,
        })
    }

    /// Reads the file into the typed model `T`; a mismatch is a diagnostic at its place.
    pub fn typed<T: for<'de> Deserialize<'de>>(&self) -> Result<T, Error> {
        serde_saphyr::from_str_with_options(&self.source.text, options())
            .map_err(|error| Error::Invalid(vec![yaml_error(&self.source, &error)]))
    }

    /// The node at `path`, if there is one.
    pub fn node(&self, path: &Path) -> Option<&Node> {
        let mut node = &self.root;
        for segment in path.segments() {
            node = match node {
                Node::Map(entries) => entries
                    .iter()
                    .find(|(key, _)| key.value == *segment)
                    .map(|(_, value)| &value.value)?,
                Node::Seq(items) => items
                    .get(segment.parse::<usize>().ok()?)
                    .map(|i| &i.value)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Where the value at `path` is; the nearest enclosing place when the
    /// path itself is not in the file (a default, a merged key).
    pub fn value(&self, path: &Path) -> Location {
        self.locate(path, |place| {
            if place.value.is_empty() {
                place.key.clone().unwrap_or_else(|| place.value.clone())
            } else {
                place.value.clone()
            }
        })
    }

    /// Where the key of the map entry at `path` is (its value when it has no key).
    pub fn key(&self, path: &Path) -> Location {
        self.locate(path, |place| {
            place.key.clone().unwrap_or_else(|| place.value.clone())
        })
    }

    fn locate(&self, path: &Path, pick: impl Fn(&Place) -> Range<usize>) -> Location {
        let mut path = path.clone();
        loop {
            if let Some(place) = self.places.get(&path.pointer()) {
                return Location {
                    source: Arc::clone(&self.source),
                    span: pick(place),
                };
            }
            if !path.pop() {
                return Location {
                    source: Arc::clone(&self.source),
                    span: 0..0,
                };
            }
        }
    }

    /// The document as JSON, for the Compose Specification check.
    pub fn to_json(&self) -> serde_json::Value {
        to_json(&self.root)
    }
}

impl Node {
    /// The node in short flow-style text, for loss reports: at most `limit`
    /// characters, with everything that is not printable escaped.
    pub fn summary(&self, limit: usize) -> String {
        let text = serde_json::to_string(&to_json(self)).unwrap_or_default();
        let mut out = String::new();
        for c in text.chars() {
            if out.chars().count() >= limit {
                out.push('…');
                break;
            }
            out.push(c);
        }
        out
    }
}

/// The parser options: YAML 1.2 booleans, duplicate keys refused (both as
/// Compose reads the file).
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
    }
}

fn yaml_error(source: &Arc<SourceFile>, error: &serde_saphyr::Error) -> Diagnostic {
    let message = UserMessageFormatter.format_message(error);
    let message = super::report::plain(&message);
    let span = error
        .location()
        .map_or(0..0, |location| span_of(&source.text, &location));
    Diagnostic::error(
        ErrorKind::ComposeYaml { message },
        Location {
            source: Arc::clone(source),
            span,
        },
    )
}

/// The byte range of a parser location: its byte span when the parser
/// recorded one, else from its line and column (counted in characters).
fn span_of(text: &str, location: &serde_saphyr::Location) -> Range<usize> {
    let span = location.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = usize::try_from(start).unwrap_or(text.len()).min(text.len());
        let end = usize::try_from(len)
            .map_or(text.len(), |len| start.saturating_add(len))
            .min(text.len());
        return start..end;
    }
    let line = usize::try_from(location.line()).unwrap_or(0).max(1);
    let column = usize::try_from(location.column()).unwrap_or(0).max(1);
    let line_start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let start = text[line_start..]
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(at, _)| line_start + at);
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    start..end
}

fn index(text: &str, node: &Node, at: &Path, places: &mut HashMap<String, Place>) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                let path = at.key(&key.value);
                places.entry(path.pointer()).or_insert_with(|| Place {
                    key: Some(span_of(text, &key.referenced)),
                    value: span_of(text, &value.referenced),
                });
                index(text, &value.value, &path, places);
            }
        }
        Node::Seq(items) => {
            for (position, item) in items.iter().enumerate() {
                let path = at.index(position);
                places.entry(path.pointer()).or_insert_with(|| Place {
                    key: None,
                    value: span_of(text, &item.referenced),
                });
                index(text, &item.value, &path, places);
            }
        }
        _ => {}
    }
}

fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Null => Value::Null,
        Node::Bool(flag) => Value::Bool(*flag),
        Node::Int(number) => Value::from(*number),
        Node::Float(number) => serde_json::Number::from_f64(*number)
            .map_or_else(|| Value::String(number.to_string()), Value::Number),
        Node::Text(text) => Value::String(text.clone()),
        Node::Seq(items) => Value::Array(items.iter().map(|item| to_json(&item.value)).collect()),
        Node::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key.value.clone(), to_json(&value.value)))
                .collect(),
        ),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Int(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(i64::try_from(value).map_or_else(|_| Node::Text(value.to_string()), Node::Int))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Node, E> {
        Ok(i64::try_from(value).map_or_else(|_| Node::Text(value.to_string()), Node::Int))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Node, E> {
        Ok(i64::try_from(value).map_or_else(|_| Node::Text(value.to_string()), Node::Int))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Text(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Text(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Document, Error> {
        Document::parse(SourceFile::new("compose.yaml", text))
    }

    #[test]
    fn places_point_at_keys_and_values() {
        let text = "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n";
        let document = parse(text).expect("parses");
        let image = Path::root().key("services").key("web").key("image");
        assert_eq!(&text[document.value(&image).span], "nginx");
        assert_eq!(&text[document.key(&image).span], "image");
        let port = Path::root()
            .key("services")
            .key("web")
            .key("ports")
            .index(0);
        assert_eq!(&text[document.value(&port).span], "\"80:80\"");
        let missing = Path::root().key("services").key("web").key("nope");
        assert_eq!(&text[document.key(&missing).span], "web");
        assert_eq!(document.node(&image), Some(&Node::Text("nginx".to_owned())));
    }

    #[test]
    fn merge_keys_resolve_and_point_at_the_alias() {
        let text = "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx\n";
        let document = parse(text).expect("parses");
        let restart = Path::root().key("services").key("web").key("restart");
        assert_eq!(
            document.node(&restart),
            Some(&Node::Text("always".to_owned()))
        );
        assert_eq!(&text[document.value(&restart).span], "*base");
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_point_at_their_place() {
        let text = "services:\n  web:\n    image: [a\n";
        let Err(Error::Invalid(found)) = parse(text) else {
            panic!("must fail");
        };
        assert_eq!(found[0].kind.code(), "stackgen::import::yaml");
        assert_eq!(found[0].line_column(), (3, 12));

        let text = "services:\n  web:\n    image: a\n    image: b\n";
        let Err(Error::Invalid(found)) = parse(text) else {
            panic!("must fail");
        };
        assert_eq!(
            found[0].kind.to_string(),
            "invalid YAML: duplicate mapping key `image` is not allowed here"
        );
        assert_eq!(found[0].line_column(), (4, 5));
    }

    #[test]
    fn booleans_are_yaml_1_2_only() {
        let document = parse("restart: no\nflag: true\n").expect("parses");
        assert_eq!(
            document.to_json(),
            serde_json::json!({ "restart": "no", "flag": true })
        );
    }
}
