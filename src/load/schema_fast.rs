//! A yes-or-no schema check that needs no compiled validator.
//!
//! Compiling the jsonschema validator takes milliseconds, more than
//! everything else `stackgen validate` does on a valid stack. This module
//! reads the same embedded schema text and interprets the part of JSON Schema
//! 2020-12 the schema uses, answering only "valid" or "not known to be
//! valid". A valid document skips the validator; any other goes through it,
//! so every diagnostic still comes from jsonschema.
//!
//! The answer "valid" must never be wrong, so the interpreter refuses what it
//! does not fully understand: a keyword outside its list, a `$ref` that is not
//! `#/$defs/NAME`, a `format` a validator could assert, a pattern outside the
//! syntax on which ECMA-262 and the `regex` crate agree, or nesting deeper
//! than [`MAX_DEPTH`]. A node it refuses rejects every instance. The tests
//! below check that it understands the whole committed schema and that it
//! agrees with jsonschema on every stack in the repository and on mutations
//! of them.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// Instances nested deeper than this are left to the full validator.
const MAX_DEPTH: usize = 128;

/// The dialect the interpreter implements.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Whether `document` is valid against the embedded schema; `false` also
/// when the interpreter cannot tell.
pub fn is_valid(document: &Value) -> bool {
    embedded().is_some_and(|schema| schema.accepts(document))
}

fn embedded() -> Option<&'static Schema> {
    static SCHEMA: OnceLock<Option<Schema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| Schema::parse(super::schema::checks_schema_text()))
        .as_ref()
}

/// A parsed schema: the root node and the `$defs` its references name.
struct Schema {
    root: Node,
    defs: Named,
}

impl Schema {
    /// Parses schema text; `None` when it is not a schema object. Names and
    /// keys borrow from the text.
    fn parse(text: &'static str) -> Option<Self> {
        let mut root: Node = serde_json::from_str(text).ok()?;
        let Node::Rules(rules) = &mut root else {
            return None;
        };
        let rare = rules.rare_mut();
        let defs = rare.defs.take().unwrap_or_default();
        // `$id` and `$schema` are allowed at the root only.
        if rare.dialect.take().is_some_and(|d| d != DIALECT) {
            rules.understood = false;
        }
        rules.has_id = false;
        Some(Self { root, defs })
    }

    fn accepts(&self, document: &Value) -> bool {
        self.node_accepts(&self.root, document, 0)
    }

    fn node_accepts(&self, node: &Node, value: &Value, depth: usize) -> bool {
        match node {
            Node::Always(verdict) => *verdict,
            Node::Rules(rules) => depth < MAX_DEPTH && self.rules_accept(rules, value, depth),
        }
    }

    fn rules_accept(&self, rules: &Rules, value: &Value, depth: usize) -> bool {
        let rare = rules.rare.as_deref();
        let nested_root_keywords = rare.is_some_and(|r| r.dialect.is_some() || r.defs.is_some());
        if !rules.understood || rules.has_id || nested_root_keywords {
            return false;
        }
        if let Some(types) = rules.types
            && !types.contains(value)
        {
            return false;
        }
        if let Some(name) = &rules.reference {
            match self.defs.get(name) {
                Some(target) if self.node_accepts(target, value, depth + 1) => {}
                _ => return false,
            }
        }
        if !self.applicators_accept(rules, value, depth) {
            return false;
        }
        if let Some(rare) = rare
            && !rare.values_accept(value)
        {
            return false;
        }
        match value {
            Value::Object(map) => self.object_accepts(rules, map, depth),
            Value::Array(items) => rules.items.as_ref().is_none_or(|schema| {
                items
                    .iter()
                    .all(|item| self.node_accepts(schema, item, depth + 1))
            }),
            Value::String(text) => rare
                .and_then(|r| r.pattern.as_ref())
                .is_none_or(|p| p.matches(text)),
            Value::Number(number) => rare.is_none_or(|r| r.bounds_accept(number)),
            Value::Null | Value::Bool(_) => true,
        }
    }

    fn applicators_accept(&self, rules: &Rules, value: &Value, depth: usize) -> bool {
        let accepts = |node: &Node| self.node_accepts(node, value, depth + 1);
        let rare = rules.rare.as_deref();
        rare.and_then(|r| r.all_of.as_ref())
            .is_none_or(|all| all.iter().all(accepts))
            && rules
                .any_of
                .as_ref()
                .is_none_or(|any| any.iter().any(accepts))
            && rare
                .and_then(|r| r.one_of.as_ref())
                .is_none_or(|one| one.iter().filter(|node| accepts(node)).count() == 1)
    }

    fn object_accepts(
        &self,
        rules: &Rules,
        map: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> bool {
        if !rules
            .required
            .iter()
            .all(|key| map.contains_key(key.as_ref()))
        {
            return false;
        }
        map.iter().all(|(key, item)| {
            match rules.properties.get(key).or(rules.additional.as_ref()) {
                Some(schema) => self.node_accepts(schema, item, depth + 1),
                None => true,
            }
        })
    }
}

/// One schema: `true`, `false`, or an object of keywords.
enum Node {
    Always(bool),
    Rules(Box<Rules>),
}

/// The keywords of one schema object; those few objects use sit in [`Rare`],
/// which keeps the hundreds of objects of the schema small.
#[derive(Default)]
struct Rules {
    /// False when the object holds anything the interpreter does not know.
    understood: bool,
    has_id: bool,
    types: Option<Types>,
    properties: Named,
    additional: Option<Node>,
    required: Vec<Text>,
    items: Option<Node>,
    /// The `NAME` of `"$ref": "#/$defs/NAME"`.
    reference: Option<Text>,
    any_of: Option<Vec<Node>>,
    rare: Option<Box<Rare>>,
}

/// The keywords few schema objects have.
#[derive(Default)]
struct Rare {
    all_of: Option<Vec<Node>>,
    one_of: Option<Vec<Node>>,
    constant: Option<Value>,
    options: Option<Vec<Value>>,
    pattern: Option<Pattern>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    exclusive_minimum: Option<Number>,
    exclusive_maximum: Option<Number>,
    defs: Option<Named>,
    dialect: Option<Text>,
}

impl Rare {
    /// `const` and `enum`.
    fn values_accept(&self, value: &Value) -> bool {
        self.constant
            .as_ref()
            .is_none_or(|constant| json_equal(constant, value))
            && self
                .options
                .as_ref()
                .is_none_or(|options| options.iter().any(|option| json_equal(option, value)))
    }

    fn bounds_accept(&self, number: &Number) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let within = |limit: &Option<Number>, allowed: &[std::cmp::Ordering]| {
            limit
                .as_ref()
                .is_none_or(|limit| compare(number, limit).is_some_and(|o| allowed.contains(&o)))
        };
        within(&self.minimum, &[Greater, Equal])
            && within(&self.maximum, &[Less, Equal])
            && within(&self.exclusive_minimum, &[Greater])
            && within(&self.exclusive_maximum, &[Less])
    }
}

/// Text borrowed from the schema (owned when it holds escapes).
type Text = Cow<'static, str>;

/// Schemas by name (`properties`, `$defs`), sorted for lookup.
#[derive(Default)]
struct Named {
    entries: Vec<(Text, Node)>,
    /// A name was given twice; which one counts is left to jsonschema.
    duplicated: bool,
}

impl Named {
    fn get(&self, name: &str) -> Option<&Node> {
        self.entries
            .binary_search_by(|(key, _)| key.as_ref().cmp(name))
            .ok()
            .map(|at| &self.entries[at].1)
    }

    #[cfg(test)]
    fn values(&self) -> impl Iterator<Item = &Node> {
        self.entries.iter().map(|(_, node)| node)
    }
}

impl Rules {
    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    fn set(
        &mut self,
        keyword: Keyword,
        map: &mut impl MapAccessExt<'static>,
    ) -> Result<(), String> {
        match keyword {
            Keyword::Type => self.types = map.value::<TypeNames>()?.0,
            Keyword::Properties => self.properties = map.value()?,
            Keyword::AdditionalProperties => self.additional = Some(map.value()?),
            Keyword::Required => {
                self.required = map
                    .value::<Vec<Borrowed>>()?
                    .into_iter()
                    .map(|b| b.0)
                    .collect();
            }
            Keyword::Items => self.items = Some(map.value()?),
            Keyword::Ref => self.reference = local_definition(map.value::<Borrowed>()?.0),
            Keyword::AllOf => self.rare_mut().all_of = non_empty(map.value()?),
            Keyword::AnyOf => self.any_of = non_empty(map.value()?),
            Keyword::OneOf => self.rare_mut().one_of = non_empty(map.value()?),
            Keyword::Const => self.rare_mut().constant = Some(map.value()?),
            Keyword::Enum => self.rare_mut().options = Some(map.value()?),
            Keyword::Pattern => self.rare_mut().pattern = Pattern::new(&map.value::<Borrowed>()?.0),
            Keyword::Minimum => self.rare_mut().minimum = Some(map.value()?),
            Keyword::Maximum => self.rare_mut().maximum = Some(map.value()?),
            Keyword::ExclusiveMinimum => self.rare_mut().exclusive_minimum = Some(map.value()?),
            Keyword::ExclusiveMaximum => self.rare_mut().exclusive_maximum = Some(map.value()?),
            Keyword::Defs => self.rare_mut().defs = Some(map.value()?),
            Keyword::Schema => self.rare_mut().dialect = Some(map.value::<Borrowed>()?.0),
            Keyword::Id => {
                map.value::<IgnoredAny>()?;
                self.has_id = true;
            }
            Keyword::Format => {
                let format = map.value::<Borrowed>()?.0;
                // schemars' integer and float widths: no validator knows them.
                if !ANNOTATION_FORMATS.contains(&format.as_ref()) {
                    self.understood = false;
                }
            }
            Keyword::Annotation => {
                map.value::<IgnoredAny>()?;
            }
            Keyword::Unknown => {
                map.value::<IgnoredAny>()?;
                self.understood = false;
            }
        }
        // A keyword whose value the interpreter could not take in full.
        let incomplete = match keyword {
            Keyword::Type => self.types.is_none(),
            Keyword::Properties => self.properties.duplicated,
            Keyword::Ref => self.reference.is_none(),
            Keyword::AllOf => self.rare.as_ref().is_none_or(|r| r.all_of.is_none()),
            Keyword::AnyOf => self.any_of.is_none(),
            Keyword::OneOf => self.rare.as_ref().is_none_or(|r| r.one_of.is_none()),
            Keyword::Pattern => self.rare.as_ref().is_none_or(|r| r.pattern.is_none()),
            Keyword::Defs => self
                .rare
                .as_ref()
                .and_then(|r| r.defs.as_ref())
                .is_some_and(|defs| defs.duplicated),
            _ => false,
        };
        if incomplete {
            self.understood = false;
        }
        Ok(())
    }
}

/// `format` values that only annotate (no JSON Schema validator asserts them).
const ANNOTATION_FORMATS: &[&str] = &[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint", "int",
    "float", "double",
];

/// The `NAME` of a `#/$defs/NAME` reference without escapes.
fn local_definition(reference: Text) -> Option<Text> {
    const PREFIX: &str = "#/$defs/";
    let name = reference.strip_prefix(PREFIX)?;
    if name.is_empty() || name.contains(['/', '~', '%']) {
        return None;
    }
    Some(match reference {
        Cow::Borrowed(text) => Cow::Borrowed(&text[PREFIX.len()..]),
        Cow::Owned(text) => Cow::Owned(text[PREFIX.len()..].to_owned()),
    })
}

fn non_empty(nodes: Vec<Node>) -> Option<Vec<Node>> {
    (!nodes.is_empty()).then_some(nodes)
}

/// A set of JSON types, as the `type` keyword names them.
#[derive(Clone, Copy)]
struct Types(u8);

impl Types {
    const NAMES: [&'static str; 7] = [
        "null", "boolean", "object", "array", "number", "string", "integer",
    ];

    fn bit(name: &str) -> Option<u8> {
        let at = Self::NAMES.iter().position(|known| *known == name)?;
        Some(1u8 << at)
    }

    fn has(self, name: &str) -> bool {
        Self::NAMES
            .iter()
            .position(|known| *known == name)
            .is_some_and(|at| self.0 & (1 << at) != 0)
    }

    fn contains(self, value: &Value) -> bool {
        match value {
            Value::Null => self.has("null"),
            Value::Bool(_) => self.has("boolean"),
            Value::Object(_) => self.has("object"),
            Value::Array(_) => self.has("array"),
            Value::String(_) => self.has("string"),
            Value::Number(number) => {
                self.has("number") || (self.has("integer") && is_integer(number))
            }
        }
    }
}

/// JSON Schema counts `1.0` as an integer.
fn is_integer(number: &Number) -> bool {
    number.is_i64()
        || number.is_u64()
        || number
            .as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// A `pattern`: written out as code when it is one of stackgen's own
/// ([`super::schema_patterns`]), else compiled on first use.
struct Pattern {
    source: String,
    written_out: Option<fn(&str) -> bool>,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// `None` when the pattern is outside the portable syntax.
    fn new(source: &str) -> Option<Self> {
        is_portable(source).then(|| Self {
            source: source.to_owned(),
            written_out: super::schema_patterns::written_out(source),
            compiled: OnceLock::new(),
        })
    }

    fn matches(&self, text: &str) -> bool {
        if let Some(matcher) = self.written_out {
            return matcher(text);
        }
        self.compiled
            .get_or_init(|| {
                // Portable patterns match ASCII only, where Unicode mode
                // changes nothing; without it the pattern compiles faster.
                regex::RegexBuilder::new(&self.source)
                    .unicode(false)
                    .build()
                    .ok()
            })
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }
}

/// Whether `pattern` means the same to ECMA-262 (what JSON Schema specifies)
/// and to the `regex` crate: printable ASCII; escapes of punctuation only;
/// no `.` outside a class, no negated or nested classes, no `(?` groups and
/// no class set operators. Every atom then matches ASCII characters only, so
/// the two engines' different units (UTF-16 code units, code points) and
/// their different `.` and `\d`/`\w`/`\s`/`\b` never come into play.
fn is_portable(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if !(b' '..=b'~').contains(&byte) {
            return false;
        }
        match byte {
            b'\\' => {
                let escaped = bytes.get(at + 1).copied().unwrap_or(b'a');
                if !escaped.is_ascii_punctuation() {
                    return false;
                }
                at += 2;
                continue;
            }
            b'[' if in_class => return false,
            b'[' => {
                if matches!(bytes.get(at + 1), Some(b'^' | b']')) {
                    return false;
                }
                in_class = true;
            }
            b']' if in_class => in_class = false,
            b'&' | b'-' | b'~' if in_class && bytes.get(at + 1) == Some(&byte) => return false,
            b'.' if !in_class => return false,
            b'(' if bytes.get(at + 1) == Some(&b'?') => return false,
            _ => {}
        }
        at += 1;
    }
    !in_class
}

/// JSON equality as JSON Schema defines it: numbers by value.
fn json_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => compare(a, b) == Some(std::cmp::Ordering::Equal),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => left == right,
    }
}

/// Compares two JSON numbers exactly (integers beyond 2^53 included).
fn compare(left: &Number, right: &Number) -> Option<std::cmp::Ordering> {
    match (as_integer(left), as_integer(right)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        (Some(a), None) => compare_integer_float(a, right.as_f64()?),
        (None, Some(b)) => {
            compare_integer_float(b, left.as_f64()?).map(std::cmp::Ordering::reverse)
        }
        (None, None) => left.as_f64()?.partial_cmp(&right.as_f64()?),
    }
}

fn as_integer(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// `integer` against `float`, without rounding the integer.
#[allow(clippy::cast_possible_truncation)]
fn compare_integer_float(integer: i128, float: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    // 2^100: every float at least this far from zero is beyond any i64 or u64.
    const FAR: f64 = 1_267_650_600_228_229_401_496_703_205_376.0;
    if float.is_nan() {
        return None;
    }
    if float >= FAR {
        return Some(Ordering::Less);
    }
    if float <= -FAR {
        return Some(Ordering::Greater);
    }
    let whole = float.trunc();
    Some(integer.cmp(&(whole as i128)).then_with(|| {
        // Same integer part: the float's fraction decides.
        0.0f64
            .partial_cmp(&(float - whole))
            .unwrap_or(Ordering::Equal)
    }))
}

/// [`MapAccess`] with the error type turned into text.
trait MapAccessExt<'de> {
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, String>;
}

struct Access<A>(A);

impl<'de, A: MapAccess<'de>> MapAccessExt<'de> for Access<A> {
    fn value<T: Deserialize<'de>>(&mut self) -> Result<T, String> {
        self.0.next_value().map_err(|e| e.to_string())
    }
}

/// The keywords the interpreter tells apart.
#[derive(Clone, Copy)]
enum Keyword {
    Type,
    Properties,
    AdditionalProperties,
    Required,
    Items,
    Ref,
    AllOf,
    AnyOf,
    OneOf,
    Const,
    Enum,
    Pattern,
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    Defs,
    Schema,
    Id,
    Format,
    /// Keywords that only annotate.
    Annotation,
    Unknown,
}

impl Keyword {
    fn named(name: &str) -> Self {
        match name {
            "type" => Self::Type,
            "properties" => Self::Properties,
            "additionalProperties" => Self::AdditionalProperties,
            "required" => Self::Required,
            "items" => Self::Items,
            "$ref" => Self::Ref,
            "allOf" => Self::AllOf,
            "anyOf" => Self::AnyOf,
            "oneOf" => Self::OneOf,
            "const" => Self::Const,
            "enum" => Self::Enum,
            "pattern" => Self::Pattern,
            "minimum" => Self::Minimum,
            "maximum" => Self::Maximum,
            "exclusiveMinimum" => Self::ExclusiveMinimum,
            "exclusiveMaximum" => Self::ExclusiveMaximum,
            "$defs" => Self::Defs,
            "$schema" => Self::Schema,
            "$id" => Self::Id,
            "format" => Self::Format,
            "description" | "title" | "default" | "examples" | "deprecated" | "readOnly"
            | "writeOnly" | "$comment" => Self::Annotation,
            // stackgen's own annotations (`x-stackgen-input`).
            other if other.starts_with("x-") => Self::Annotation,
            _ => Self::Unknown,
        }
    }
}

impl<'de> Deserialize<'de> for Keyword {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeywordVisitor;
        impl Visitor<'_> for KeywordVisitor {
            type Value = Keyword;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a keyword")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Keyword, E> {
                Ok(Keyword::named(name))
            }
        }
        deserializer.deserialize_identifier(KeywordVisitor)
    }
}

/// A string of the schema, borrowed when it has no escapes.
struct Borrowed(Text);

impl<'de> Deserialize<'de> for Borrowed
where
    'de: 'static,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'static> for TextVisitor {
            type Value = Borrowed;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'static str) -> Result<Borrowed, E> {
                Ok(Borrowed(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Borrowed, E> {
                Ok(Borrowed(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// The value of `type`: one name or a list; `None` inside for unknown names.
struct TypeNames(Option<Types>);

impl<'de> Deserialize<'de> for TypeNames {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;
        impl<'de> Visitor<'de> for TypeVisitor {
            type Value = TypeNames;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a type name or a list of them")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<TypeNames, E> {
                Ok(TypeNames(Types::bit(name).map(Types)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut names: A) -> Result<TypeNames, A::Error> {
                let mut set = Some(0);
                let mut any = false;
                while let Some(name) = names.next_element::<Cow<'de, str>>()? {
                    any = true;
                    set = set.zip(Types::bit(&name)).map(|(set, bit)| set | bit);
                }
                Ok(TypeNames(set.filter(|_| any).map(Types)))
            }
        }
        deserializer.deserialize_any(TypeVisitor)
    }
}

impl<'de> Deserialize<'de> for Named
where
    'de: 'static,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor;
        impl Visitor<'static> for NamedVisitor {
            type Value = Named;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object of schemas")
            }
            fn visit_map<A: MapAccess<'static>>(self, mut map: A) -> Result<Named, A::Error> {
                let mut entries = Vec::new();
                while let Some(Borrowed(name)) = map.next_key()? {
                    entries.push((name, map.next_value::<Node>()?));
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                let count = entries.len();
                entries.dedup_by(|a, b| a.0 == b.0);
                entries.shrink_to_fit();
                let duplicated = entries.len() != count;
                Ok(Named {
                    entries,
                    duplicated,
                })
            }
        }
        deserializer.deserialize_map(NamedVisitor)
    }
}

impl<'de> Deserialize<'de> for Node
where
    'de: 'static,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl Visitor<'static> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON Schema (a boolean or an object)")
    }

    fn visit_bool<E: de::Error>(self, verdict: bool) -> Result<Node, E> {
        Ok(Node::Always(verdict))
    }

    fn visit_map<A: MapAccess<'static>>(self, map: A) -> Result<Node, A::Error> {
        let mut access = Access(map);
        let mut rules = Rules {
            understood: true,
            ..Rules::default()
        };
        while let Some(keyword) = access.0.next_key::<Keyword>()? {
            rules.set(keyword, &mut access).map_err(de::Error::custom)?;
        }
        Ok(Node::Rules(Box::new(rules)))
    }

    fn visit_seq<A: SeqAccess<'static>>(self, _: A) -> Result<Node, A::Error> {
        Err(de::Error::custom("a schema cannot be an array"))
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::error::SourceFile;

    fn full_validator() -> &'static jsonschema::Validator {
        static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
        VALIDATOR.get_or_init(|| {
            jsonschema::validator_for(&super::super::stack_schema()).expect("schema compiles")
        })
    }

    /// Every `.toml` file under the repository's stack, example and test folders.
    fn repository_stacks() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "toml") {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in ["stacks", "examples", "tests", "templates/init"] {
            walk(&root.join(dir), &mut out);
        }
        out.sort();
        out
    }

    fn document(path: &Path) -> Option<Value> {
        let text = std::fs::read_to_string(path).ok()?;
        let source = SourceFile::new(path.display().to_string(), text);
        super::super::parse_document(&source)
            .ok()
            .map(|(doc, _)| doc)
    }

    /// The valid documents mutations start from.
    fn seeds() -> &'static [Value] {
        static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
        SEEDS.get_or_init(|| {
            repository_stacks()
                .iter()
                .filter_map(|path| document(path))
                .filter(|doc| full_validator().is_valid(doc))
                .collect()
        })
    }

    fn walk_nodes<'a>(node: &'a Node, out: &mut Vec<&'a Rules>) {
        let Node::Rules(rules) = node else { return };
        out.push(rules);
        let children = rules
            .properties
            .values()
            .chain(&rules.additional)
            .chain(&rules.items)
            .chain(rules.any_of.iter().flatten())
            .chain(rules.rare.iter().flat_map(|r| r.all_of.iter().flatten()))
            .chain(rules.rare.iter().flat_map(|r| r.one_of.iter().flatten()));
        for child in children {
            walk_nodes(child, out);
        }
    }

    #[test]
    fn understands_the_whole_committed_schema() {
        let schema = embedded().expect("the embedded schema parses");
        let mut rules = Vec::new();
        walk_nodes(&schema.root, &mut rules);
        for def in schema.defs.values() {
            walk_nodes(def, &mut rules);
        }
        assert!(rules.len() > 100, "only {} schema objects", rules.len());
        for rule in rules {
            assert!(
                rule.understood
                    && !rule.has_id
                    && rule
                        .rare
                        .as_ref()
                        .is_none_or(|r| r.dialect.is_none() && r.defs.is_none()),
                "the schema uses a keyword src/load/schema_fast.rs does not interpret; teach it, \
                 or every stack pays for compiling the full validator"
            );
            if let Some(name) = &rule.reference {
                assert!(schema.defs.get(name).is_some(), "dangling $ref {name}");
            }
        }
    }

    #[test]
    fn agrees_with_jsonschema_on_every_stack_in_the_repository() {
        let mut valid = 0;
        let mut invalid = 0;
        for path in repository_stacks() {
            let Some(doc) = document(&path) else { continue };
            let expected = full_validator().is_valid(&doc);
            assert_eq!(is_valid(&doc), expected, "{}", path.display());
            if expected {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(
            valid >= 10 && invalid >= 5,
            "{valid} valid, {invalid} invalid"
        );
        for seed in [
            "data-aggregator",
            "ecommerce",
            "sre-playground",
            "sse",
            "telemetra",
        ] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("stacks/{seed}.toml"));
            assert!(is_valid(&document(&path).expect("parses")), "{seed}");
        }
    }

    /// Values that sit on the schema's edges: durations, sizes, secrets,
    /// enum names, port numbers and their near misses.
    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            prop::sample::select(vec![
                "5m",
                "1h30m",
                "5x",
                "m",
                "10",
                "${X}",
                "${bad-name}",
                "$X",
                "secret",
                "app",
                "generic",
                "postgres",
                "always",
                "tcp",
                "udp",
                "80:80",
                "8080",
                "1GB",
                "1.5Gi",
                "12",
                "",
                " ",
                "a/b",
                "app-1",
                "-app",
                "critical",
                "warning",
                "http",
                "https",
                "/metrics",
                "1e3",
                "${X}x",
                "5m5m",
            ])
            .prop_map(|s| json!(s)),
            prop::sample::select(vec![
                json!(0),
                json!(1),
                json!(-1),
                json!(80),
                json!(255),
                json!(256),
                json!(1000),
                json!(1001),
                json!(65535),
                json!(65536),
                json!(4_294_967_295_u64),
                json!(4_294_967_296_u64),
                json!(i64::MAX),
                json!(i64::MIN),
                json!(1.0),
                json!(1.5),
                json!(-0.5),
                json!(65535.0),
                json!(65535.5),
                json!(1e300),
                json!(true),
                json!(false),
                Value::Null,
            ]),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "image", "port", "ports", "kind", "name", "x", "interval", "password",
                            "replicas", "expr", "team",
                        ]),
                        inner
                    ),
                    0..3
                )
                .prop_map(|entries| {
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    #[derive(Debug, Clone)]
    enum Mutation {
        Replace(Value),
        Remove,
        Insert(String, Value),
        /// Put a copy of another place of the document here.
        Transplant(Vec<usize>),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            3 => value().prop_map(Mutation::Replace),
            1 => Just(Mutation::Remove),
            1 => (prop::sample::select(vec!["imag", "extra", "port", "image", "kind"]), value())
                .prop_map(|(k, v)| Mutation::Insert(k.to_owned(), v)),
            2 => prop::collection::vec(any::<usize>(), 1..8).prop_map(Mutation::Transplant),
        ]
    }

    /// Follows `path` (indices taken modulo each container's size) as deep as it goes.
    fn locate<'a>(root: &'a mut Value, path: &[usize]) -> &'a mut Value {
        let mut node = root;
        for &step in path {
            let len = match &*node {
                Value::Object(map) => map.len(),
                Value::Array(items) => items.len(),
                _ => 0,
            };
            if len == 0 {
                break;
            }
            node = match node {
                Value::Object(map) => map.values_mut().nth(step % len).expect("in range"),
                Value::Array(items) => &mut items[step % len],
                _ => unreachable!("only containers have a length"),
            };
        }
        node
    }

    fn apply(mut doc: Value, path: &[usize], mutation: Mutation) -> Value {
        let donor = if let Mutation::Transplant(from) = &mutation {
            Some(locate(&mut doc.clone(), from).clone())
        } else {
            None
        };
        // Stop one level above the target so `Remove` can take it out.
        let (parent_path, last) = path.split_at(path.len().saturating_sub(1));
        let parent = locate(&mut doc, parent_path);
        match (mutation, parent) {
            (Mutation::Insert(key, value), Value::Object(map)) => {
                map.insert(key, value);
            }
            (Mutation::Remove, Value::Object(map)) if !map.is_empty() => {
                let at = last.first().copied().unwrap_or(0) % map.len();
                let key = map.keys().nth(at).cloned().unwrap_or_default();
                map.shift_remove(&key);
            }
            (Mutation::Remove, Value::Array(items)) if !items.is_empty() => {
                let at = last.first().copied().unwrap_or(0) % items.len();
                items.remove(at);
            }
            (Mutation::Replace(value), parent) => *locate(parent, last) = value,
            (Mutation::Transplant(_), parent) => {
                *locate(parent, last) = donor.unwrap_or(Value::Null);
            }
            (_, parent) => *parent = Value::Null,
        }
        doc
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_jsonschema_on_mutated_stacks(
            seed in any::<prop::sample::Index>(),
            mutations in prop::collection::vec(
                (prop::collection::vec(any::<usize>(), 1..7), mutation()),
                1..4,
            ),
        ) {
            let mut doc = seed.get(seeds()).clone();
            for (path, mutation) in mutations {
                doc = apply(doc, &path, mutation);
            }
            prop_assert_eq!(is_valid(&doc), full_validator().is_valid(&doc), "{}", doc);
        }
    }

    #[test]
    fn numbers_compare_exactly() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let n = |v: Value| match v {
            Value::Number(n) => n,
            _ => unreachable!("numbers only"),
        };
        assert_eq!(compare(&n(json!(65535)), &n(json!(65535.0))), Some(Equal));
        assert_eq!(compare(&n(json!(65535)), &n(json!(65535.5))), Some(Less));
        assert_eq!(compare(&n(json!(-3)), &n(json!(-3.5))), Some(Greater));
        assert_eq!(
            compare(&n(json!(u64::MAX)), &n(json!(i64::MAX))),
            Some(Greater)
        );
        assert_eq!(
            compare(
                &n(json!(9_007_199_254_740_993_i64)),
                &n(json!(9_007_199_254_740_992.0))
            ),
            Some(Greater)
        );
        assert_eq!(compare(&n(json!(i64::MAX)), &n(json!(1e300))), Some(Less));
        assert_eq!(compare(&n(json!(0.5)), &n(json!(0.25))), Some(Greater));
        assert!(json_equal(&json!([1, {"a": 2.0}]), &json!([1.0, {"a": 2}])));
        assert!(!json_equal(&json!("1"), &json!(1)));
    }

    #[test]
    fn only_portable_patterns_are_interpreted() {
        for portable in [
            r"^([0-9]+(ms|s|m|h|d|w|y))+$",
            r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$",
            r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$",
            r"^[0-9]+(\.[0-9]+)?([bkmgtBKMGT]|[kmgtKMGT][iI]?[bB])?$",
        ] {
            assert!(is_portable(portable), "{portable}");
        }
        for not_portable in [
            r"^a.b$", r"\d+", r"\w", r"[^a]", r"[[a]]", r"[a&&b]", r"(?i)a", "é", r"[a", r"a\",
            "\t",
        ] {
            assert!(!is_portable(not_portable), "{not_portable}");
        }
    }

    proptest! {
        /// Portable patterns compiled without Unicode mode match exactly what
        /// they match with it, non-ASCII text included.
        #[test]
        fn portable_patterns_match_as_in_unicode_mode(
            text in "[0-9a-zA-Z_.${}msdhwyMGKiB é€\n-]{0,24}",
        ) {
            for pattern in [
                crate::config::DURATION_PATTERN,
                crate::config::BYTE_SIZE_PATTERN,
                crate::config::SECRET_REF_PATTERN,
                "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$",
            ] {
                let unicode = regex::Regex::new(pattern).expect("compiles");
                let portable = Pattern::new(pattern).expect("portable");
                prop_assert_eq!(portable.matches(&text), unicode.is_match(&text), "{} on {:?}", pattern, text);
            }
        }
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        let schema = |text: &'static str| Schema::parse(text).expect("parses");
        let doc = json!({"a": "x"});
        assert!(schema(r#"{"properties": {"a": {"type": "string"}}}"#).accepts(&doc));
        assert!(!schema(r#"{"properties": {"a": {"minLength": 5}}}"#).accepts(&doc));
        assert!(!schema(r#"{"properties": {"a": {"format": "email"}}}"#).accepts(&doc));
        assert!(!schema(r#"{"properties": {"a": {"pattern": "^.$"}}}"#).accepts(&doc));
        assert!(!schema(r#"{"$ref": "https://example.com/x"}"#).accepts(&doc));
        assert!(!schema(r#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#).accepts(&doc));
        assert!(!schema(r#"{"properties": {"a": {"$id": "x"}}}"#).accepts(&doc));
        assert!(schema(r##"{"$defs": {"s": {"type": "string"}}, "additionalProperties": {"$ref": "#/$defs/s"}}"##).accepts(&doc));
        assert!(!schema(r##"{"$defs": {"s": {"type": "integer"}}, "additionalProperties": {"$ref": "#/$defs/s"}}"##).accepts(&doc));
        assert!(schema(r#"{"oneOf": [{"type": "object"}, {"required": ["b"]}]}"#).accepts(&doc));
        assert!(!schema(r#"{"oneOf": [{"type": "object"}, {"required": ["a"]}]}"#).accepts(&doc));
        assert!(!schema(r#"{"properties": {"a": {}, "a": {}}}"#).accepts(&doc));
        assert!(schema(r#"{"type": ["object", "null"], "required": ["\u0061"]}"#).accepts(&doc));
        assert!(!schema(r#"{"type": ["object", "nothing"]}"#).accepts(&doc));
    }
}
