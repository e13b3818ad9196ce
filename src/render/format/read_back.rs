//! Compares what a serde deserializer reads with an [`Expected`] value while
//! it parses (used for JSON; YAML is checked on parser events by
//! [`super::yaml_events`]): a `DeserializeSeed` that walks the expected nodes
//! alongside the parser's values, in order, and itself allocates nothing while
//! they agree.
//!
//! Every value is read with `deserialize_any`, so the parser decides its type
//! from the text alone (`"1"` meant as a string does not match `1`). Numbers
//! match by value (`1.0` reads back as `1`). Map keys are read as strings, as
//! `serde_json::Value` reads them, and must come in the order they were
//! written.

use std::fmt::{self, Display};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::expected::{Expected, Node};
use crate::load::push_escaped;

/// Where and how the text read back differs from the value written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// JSON pointer of the node that differs (`""` for the whole document).
    pub pointer: String,
    /// What was written and what was read there.
    pub detail: String,
}

impl Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "at the top level: {}", self.detail)
        } else {
            write!(f, "at {}: {}", self.pointer, self.detail)
        }
    }
}

/// Reads values from a deserializer and compares them with an [`Expected`].
pub struct ReadBack<'e> {
    expected: &'e Expected,
    next: usize,
    detail: Option<String>,
    /// The mismatch's path, innermost segment first, filled while unwinding.
    path: Vec<String>,
}

impl<'e> ReadBack<'e> {
    /// Starts at the first node of `expected`.
    pub fn new(expected: &'e Expected) -> Self {
        Self {
            expected,
            next: 0,
            detail: None,
            path: Vec::new(),
        }
    }

    /// Reads one value with `deserializer` and compares it with the expected
    /// nodes. On a difference the error is a custom one and
    /// [`ReadBack::mismatch`] says where it is.
    pub fn read<'de, D: Deserializer<'de>>(&mut self, deserializer: D) -> Result<(), D::Error> {
        ExpectedValue(self).deserialize(deserializer)?;
        if self.next == self.expected.nodes.len() {
            Ok(())
        } else {
            Err(self.fail("the rest of the value", "nothing"))
        }
    }

    /// The difference that made [`ReadBack::read`] fail, if one did.
    pub fn mismatch(&self) -> Option<Mismatch> {
        let detail = self.detail.clone()?;
        let mut pointer = String::new();
        for segment in self.path.iter().rev() {
            push_segment(&mut pointer, segment);
        }
        Some(Mismatch { pointer, detail })
    }

    fn take(&mut self) -> Node {
        let node = self.expected.nodes.get(self.next).copied();
        self.next += 1;
        // Reading past the end is a difference too: `Null` stands in and the
        // caller reports it against what was read.
        node.unwrap_or(Node::Null)
    }

    fn text(&self, start: usize, end: usize) -> &'e str {
        &self.expected.text[start..end]
    }

    /// Records a difference and returns the error that stops the parser.
    fn fail<E: de::Error>(&mut self, expected: impl Display, read: impl Display) -> E {
        let detail = format!("wrote {expected}, read {read}");
        let error = E::custom(format_args!(
            "read back differs from the value written: {detail}"
        ));
        self.detail = Some(detail);
        error
    }

    fn differs<E: de::Error>(&mut self, expected: Node, read: impl Display) -> E {
        let expected = Described(self.expected, expected);
        self.fail(expected, read)
    }

    /// Notes that the node being unwound sits at `segment` of its parent.
    fn inside(&mut self, segment: impl Display) {
        if self.detail.is_some() {
            self.path.push(segment.to_string());
        }
    }

    fn number<E: de::Error>(&mut self, read: Number) -> Result<(), E> {
        let node = self.take();
        let expected = match node {
            Node::Int(v) => Number::Int(v.into()),
            Node::UInt(v) => Number::Int(v.into()),
            Node::Float(v) => Number::Float(v),
            _ => return Err(self.differs(node, read)),
        };
        if expected.same_value(read) {
            Ok(())
        } else {
            Err(self.differs(node, read))
        }
    }
}

/// Appends `segment` to a JSON pointer, escaping `~` and `/`.
pub fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    push_escaped(pointer, segment);
}

/// A number as read: integers of any width, or floats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    /// Equality by value: an integer equals a float with no fractional part
    /// and the same value.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "an integral float within i128 range converts exactly; larger ones saturate and cannot equal a 64-bit integer"
    )]
    #[allow(
        clippy::float_cmp,
        reason = "the value read must be the value written, exactly"
    )]
    pub fn same_value(self, other: Self) -> bool {
        match (self, other) {
            (Self::Int(a), Self::Int(b)) => a == b,
            (Self::Float(a), Self::Float(b)) => a == b,
            (Self::Int(i), Self::Float(f)) | (Self::Float(f), Self::Int(i)) => {
                f.fract() == 0.0 && f as i128 == i
            }
        }
    }
}

impl Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "the number {v}"),
            Self::Float(v) => write!(f, "the number {v:?}"),
        }
    }
}

/// An expected node, described for a mismatch message.
pub struct Described<'e>(pub &'e Expected, pub Node);

impl Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Node::Null => f.write_str("null"),
            Node::Bool(v) => write!(f, "the boolean {v}"),
            Node::Int(v) => write!(f, "the number {v}"),
            Node::UInt(v) => write!(f, "the number {v}"),
            Node::Float(v) => write!(f, "the number {v:?}"),
            Node::Str { start, end } => write!(f, "the string {:?}", &self.0.text[start..end]),
            Node::Seq { len } => write!(f, "a sequence of {len} items"),
            Node::Map { len } => write!(f, "a map of {len} entries"),
        }
    }
}

/// The seed (and visitor) for one value: takes its node when the parser
/// says what it read.
struct ExpectedValue<'r, 'e>(&'r mut ReadBack<'e>);

impl<'de> DeserializeSeed<'de> for ExpectedValue<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ExpectedValue<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the value that was written")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        match self.0.take() {
            Node::Bool(b) if b == v => Ok(()),
            node => Err(self.0.differs(node, format_args!("the boolean {v}"))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.number(Number::Int(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        self.0.number(Number::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.number(Number::Int(v.into()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        if let Ok(v) = i128::try_from(v) {
            self.0.number(Number::Int(v))
        } else {
            let node = self.0.take();
            Err(self.0.differs(node, format_args!("the number {v}")))
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.number(Number::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match self.0.take() {
            Node::Str { start, end } if self.0.text(start, end) == v => Ok(()),
            node => Err(self.0.differs(node, format_args!("the string {v:?}"))),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        let node = self.0.take();
        Err(self.0.differs(node, format_args!("{} bytes", v.len())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        match self.0.take() {
            Node::Null => Ok(()),
            node => Err(self.0.differs(node, "null")),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let node = self.0.take();
        let Node::Seq { len } = node else {
            return Err(self.0.differs(node, "a sequence"));
        };
        for index in 0..len {
            match seq.next_element_seed(ExpectedValue(&mut *self.0)) {
                Ok(Some(())) => {}
                Ok(None) => return Err(self.0.differs(node, format_args!("{index} items"))),
                Err(error) => {
                    self.0.inside(index);
                    return Err(error);
                }
            }
        }
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(self.0.differs(node, "more items"));
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node = self.0.take();
        let Node::Map { len } = node else {
            return Err(self.0.differs(node, "a map"));
        };
        for index in 0..len {
            let key = self.0.take();
            let Node::Str { start, end } = key else {
                return Err(self.0.differs(key, "a map key"));
            };
            let key = self.0.text(start, end);
            match map.next_key_seed(ExpectedKey(&mut *self.0, key)) {
                Ok(Some(())) => {}
                Ok(None) => {
                    return Err(self.0.fail(
                        format_args!("the key {key:?}"),
                        format_args!("a map of {index} entries"),
                    ));
                }
                Err(error) => return Err(error),
            }
            if let Err(error) = map.next_value_seed(ExpectedValue(&mut *self.0)) {
                self.0.inside(key);
                return Err(error);
            }
        }
        if let Some(extra) = map.next_key::<String>()? {
            return Err(self.0.fail(
                format_args!("a map of {len} entries"),
                format_args!("the extra key {extra:?}"),
            ));
        }
        Ok(())
    }
}

/// The seed (and visitor) for a map key whose text is known.
struct ExpectedKey<'r, 'e>(&'r mut ReadBack<'e>, &'e str);

impl<'de> DeserializeSeed<'de> for ExpectedKey<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for ExpectedKey<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the key {:?}", self.1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == self.1 {
            Ok(())
        } else {
            Err(self.0.fail(
                format_args!("the key {:?}", self.1),
                format_args!("the key {v:?}"),
            ))
        }
    }
}
