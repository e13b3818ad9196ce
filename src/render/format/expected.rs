//! The data a value serializes to, recorded as one flat list of nodes in
//! document order, with every string in one shared buffer.
//!
//! It holds what `serde_json::to_value` would build (same data model: `None`
//! and units are null, enums are externally tagged, map keys become strings,
//! non-finite floats become null) without a tree of maps and strings, so the
//! emitted text can be compared against it while it is parsed.

use std::fmt::Display;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// A serialized value, in document order.
#[derive(Debug, Default)]
pub struct Expected {
    /// One node per value, map key, sequence and map, depth first.
    pub nodes: Vec<Node>,
    /// The text of every string node, back to back.
    pub text: String,
}

/// One node of [`Expected`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    /// `null`: `None`, `()`, unit structs and non-finite floats.
    Null,
    /// A boolean.
    Bool(bool),
    /// A negative integer.
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// A finite float.
    Float(f64),
    /// A string (or a map key): its byte range in [`Expected::text`].
    Str { start: usize, end: usize },
    /// A sequence of `len` values, which follow it.
    Seq { len: usize },
    /// A map of `len` entries, which follow it as a key node then the value's nodes.
    Map { len: usize },
}

impl Expected {
    /// Records `value` as `serde_json::to_value` would see it.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        let mut expected = Self::default();
        value.serialize(&mut expected)?;
        Ok(expected)
    }

    fn push_str(&mut self, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.nodes.push(Node::Str {
            start,
            end: self.text.len(),
        });
    }

    /// Pushes a sequence or map node whose length is set by [`Container::end`].
    fn open(&mut self, node: Node) -> Container<'_> {
        let index = self.nodes.len();
        self.nodes.push(node);
        Container {
            expected: self,
            index,
            len: 0,
        }
    }

    /// A `{ variant: ... }` map holding one entry, whose value follows.
    fn open_variant(&mut self, variant: &str) {
        self.nodes.push(Node::Map { len: 1 });
        self.push_str(variant);
    }
}

/// Why a value could not be recorded (the same cases `serde_json::to_value` rejects).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

fn key_must_be_a_string() -> Error {
    Error("key must be a string".to_owned())
}

fn number_out_of_range() -> Error {
    Error("number out of range".to_owned())
}

fn float(value: f64) -> Node {
    if value.is_finite() {
        Node::Float(value)
    } else {
        Node::Null
    }
}

/// An open sequence or map: counts its items and writes the count on `end`.
pub struct Container<'a> {
    expected: &'a mut Expected,
    index: usize,
    len: usize,
}

impl Container<'_> {
    fn end(self) {
        if let Node::Seq { len } | Node::Map { len } = &mut self.expected.nodes[self.index] {
            *len = self.len;
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.len += 1;
        value.serialize(&mut *self.expected)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(KeyRecorder(self.expected))
    }
}

impl<'a> ser::Serializer for &'a mut Expected {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Container<'a>;
    type SerializeTuple = Container<'a>;
    type SerializeTupleStruct = Container<'a>;
    type SerializeTupleVariant = Container<'a>;
    type SerializeMap = Container<'a>;
    type SerializeStruct = Container<'a>;
    type SerializeStructVariant = Container<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.nodes.push(Node::Bool(v));
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.nodes
            .push(u64::try_from(v).map_or(Node::Int(v), Node::UInt));
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        if let Ok(v) = u64::try_from(v) {
            self.serialize_u64(v)
        } else {
            let v = i64::try_from(v).map_err(|_| number_out_of_range())?;
            self.serialize_i64(v)
        }
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.nodes.push(Node::UInt(v));
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        let v = u64::try_from(v).map_err(|_| number_out_of_range())?;
        self.serialize_u64(v)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.nodes.push(float(v.into()));
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.nodes.push(float(v));
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.push_str(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.push_str(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.nodes.push(Node::Seq { len: v.len() });
        self.nodes.extend(v.iter().map(|&b| Node::UInt(b.into())));
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.nodes.push(Node::Null);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Container<'a>, Error> {
        Ok(self.open(Node::Seq { len: 0 }))
    }

    fn serialize_tuple(self, len: usize) -> Result<Container<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Container<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Container<'a>, Error> {
        self.open_variant(variant);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Container<'a>, Error> {
        Ok(self.open(Node::Map { len: 0 }))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Container<'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Container<'a>, Error> {
        self.open_variant(variant);
        self.serialize_map(Some(len))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.serialize_str(&value.to_string())
    }
}

impl ser::SerializeSeq for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeTuple for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeMap for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeStruct for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.expected.push_str(key);
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

impl ser::SerializeStructVariant for Container<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.expected.push_str(key);
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Container::end(self);
        Ok(())
    }
}

/// The string `serde_json` makes of a map key.
pub fn key_text<T: Serialize + ?Sized>(key: &T) -> Result<String, Error> {
    let mut scratch = Expected::default();
    key.serialize(KeyRecorder(&mut scratch))?;
    Ok(scratch.text)
}

/// Records a map key as the string `serde_json` would make of it.
struct KeyRecorder<'a>(&'a mut Expected);

impl KeyRecorder<'_> {
    fn display(self, value: impl Display) -> Result<(), Error> {
        let start = self.0.text.len();
        std::fmt::Write::write_fmt(&mut self.0.text, format_args!("{value}"))
            .map_err(|e| Error(e.to_string()))?;
        self.0.nodes.push(Node::Str {
            start,
            end: self.0.text.len(),
        });
        Ok(())
    }

    /// A float key in `serde_json`'s own float formatting.
    fn float<F: Serialize>(self, value: F, finite: bool) -> Result<(), Error> {
        if !finite {
            return Err(Error("float key must be finite".to_owned()));
        }
        let text = serde_json::to_string(&value).map_err(|e| Error(e.to_string()))?;
        self.0.push_str(&text);
        Ok(())
    }
}

impl ser::Serializer for KeyRecorder<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.display(v)
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(v, v.is_finite())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(v, v.is_finite())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push_str(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.push_str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.display(value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::{Expected, Node};

    #[derive(Serialize)]
    enum Shape {
        Empty,
        Circle(f64),
        Pair(i8, u8),
        Rect { width: u32, height: i64 },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Meters(f32);

    #[derive(Serialize)]
    struct Everything {
        shapes: Vec<Shape>,
        by_port: BTreeMap<u16, &'static str>,
        by_flag: BTreeMap<bool, char>,
        missing: Option<String>,
        present: Option<i128>,
        unit: Unit,
        length: Meters,
        not_a_number: f64,
        tuple: (u128, i16, &'static str),
        #[serde(serialize_with = "as_bytes")]
        bytes: Vec<u8>,
        big: u64,
        negative: i32,
    }

    /// Serializes a `Vec<u8>` through `serialize_bytes`, as `serde_bytes` would.
    fn as_bytes<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    fn everything() -> Everything {
        Everything {
            shapes: vec![
                Shape::Empty,
                Shape::Circle(1.5),
                Shape::Pair(-3, 4),
                Shape::Rect {
                    width: 2,
                    height: -7,
                },
            ],
            by_port: BTreeMap::from([(80, "http"), (443, "https")]),
            by_flag: BTreeMap::from([(false, 'n'), (true, 'y')]),
            missing: None,
            present: Some(-12),
            unit: Unit,
            length: Meters(0.1),
            not_a_number: f64::NAN,
            tuple: (7, -1, "x"),
            bytes: vec![0, 255],
            big: u64::MAX,
            negative: -5,
        }
    }

    #[test]
    fn records_what_serde_json_to_value_builds() {
        let value = everything();
        let direct = Expected::of(&value).expect("reads back");
        let through_json =
            Expected::of(&serde_json::to_value(&value).expect("converts")).expect("reads back");
        assert_eq!(direct.nodes, through_json.nodes);
        assert_eq!(direct.text, through_json.text);
    }

    #[test]
    fn lengths_and_keys_follow_their_containers() {
        let expected = Expected::of(&BTreeMap::from([(1, vec!["a", "b"])])).expect("reads back");
        assert_eq!(
            expected.nodes,
            [
                Node::Map { len: 1 },
                Node::Str { start: 0, end: 1 },
                Node::Seq { len: 2 },
                Node::Str { start: 1, end: 2 },
                Node::Str { start: 2, end: 3 },
            ]
        );
        assert_eq!(expected.text, "1ab");
    }

    #[test]
    fn rejects_what_serde_json_rejects() {
        let unit_key = Expected::of(&BTreeMap::from([((), 1)])).expect_err("is rejected");
        assert_eq!(unit_key.to_string(), "key must be a string");
        let too_big = Expected::of(&u128::MAX).expect_err("is rejected");
        assert_eq!(too_big.to_string(), "number out of range");
        assert!(serde_json::to_value(BTreeMap::from([((), 1)])).is_err());
        assert!(serde_json::to_value(u128::MAX).is_err());
    }
}
