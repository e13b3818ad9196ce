//! Every string a value serializes to, with its JSON pointer, visited while
//! the value is serialized. Nothing is recorded, so the memory used follows
//! the depth of the value, not its size (a 1,000-service stack recorded
//! flat took ~8 MB just to be scanned for `${VAR}` references).
//!
//! The data model is [`super::expected::Expected`]'s, that of
//! `serde_json::to_value`: enums are externally tagged, map keys become
//! strings and are not visited themselves.

use std::fmt::{Display, Write as _};

use serde::Serialize;
use serde::ser;

use super::expected::{Error, key_text};
use super::read_back::push_segment;

/// Calls `visit` with the pointer and text of every string in `value`
/// (map keys aside), in document order.
pub fn walk<T, F>(value: &T, visit: &mut F) -> Result<(), Error>
where
    T: Serialize + ?Sized,
    F: FnMut(&str, &str),
{
    let mut walker = Walker {
        pointer: String::new(),
        visit,
    };
    value.serialize(&mut walker)
}

/// The serializer: the pointer of the value being serialized, and the visitor.
struct Walker<'v, F> {
    pointer: String,
    visit: &'v mut F,
}

impl<'v, F: FnMut(&str, &str)> Walker<'v, F> {
    fn string(&mut self, text: &str) {
        (self.visit)(&self.pointer, text);
    }

    /// Opens a sequence or map; `restore` is the pointer's length to go back
    /// to when it ends (shorter than now when a variant's name was pushed).
    fn open(&mut self, restore: usize) -> Nested<'_, 'v, F> {
        let parent = self.pointer.len();
        Nested {
            walker: self,
            parent,
            restore,
            position: 0,
        }
    }

    /// Opens `{ variant: <sequence or map> }`.
    fn open_variant(&mut self, variant: &str) -> Nested<'_, 'v, F> {
        let restore = self.pointer.len();
        push_segment(&mut self.pointer, variant);
        self.open(restore)
    }
}

/// An open sequence or map: the pointer's length at its level, and the
/// position of the next element.
struct Nested<'w, 'v, F> {
    walker: &'w mut Walker<'v, F>,
    parent: usize,
    restore: usize,
    position: usize,
}

impl<F: FnMut(&str, &str)> Nested<'_, '_, F> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        // Writing to a String cannot fail.
        let _ = write!(self.walker.pointer, "/{}", self.position);
        self.position += 1;
        self.value(value)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = key_text(key)?;
        self.field(&key);
        Ok(())
    }

    fn field(&mut self, key: &str) {
        self.walker.pointer.truncate(self.parent);
        push_segment(&mut self.walker.pointer, key);
    }

    /// Serializes the value whose segment was just pushed, then pops it.
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.walker)?;
        self.walker.pointer.truncate(self.parent);
        Ok(())
    }

    fn end(self) {
        self.walker.pointer.truncate(self.restore);
    }
}

impl<'w, 'v, F: FnMut(&str, &str)> ser::Serializer for &'w mut Walker<'v, F> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Nested<'w, 'v, F>;
    type SerializeTuple = Nested<'w, 'v, F>;
    type SerializeTupleStruct = Nested<'w, 'v, F>;
    type SerializeTupleVariant = Nested<'w, 'v, F>;
    type SerializeMap = Nested<'w, 'v, F>;
    type SerializeStruct = Nested<'w, 'v, F>;
    type SerializeStructVariant = Nested<'w, 'v, F>;

    fn serialize_bool(self, _v: bool) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_i64(self, _v: i64) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_i128(self, _v: i128) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_u64(self, _v: u64) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_u128(self, _v: u128) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_i8(self, _v: i8) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_i16(self, _v: i16) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_i32(self, _v: i32) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_u8(self, _v: u8) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_u16(self, _v: u16) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_u32(self, _v: u32) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
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
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let restore = self.pointer.len();
        push_segment(&mut self.pointer, variant);
        value.serialize(&mut *self)?;
        self.pointer.truncate(restore);
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        let restore = self.pointer.len();
        Ok(self.open(restore))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Ok(self.open_variant(variant))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        let restore = self.pointer.len();
        Ok(self.open(restore))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _variant_index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Ok(self.open_variant(variant))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.string(&value.to_string());
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeSeq for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTuple for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTupleStruct for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeTupleVariant for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeMap for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeStruct for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key);
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

impl<F: FnMut(&str, &str)> ser::SerializeStructVariant for Nested<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key);
        self.value(value)
    }

    fn end(self) -> Result<(), Error> {
        Nested::end(self);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::walk;
    use crate::render::format::read_back::push_segment;

    /// The strings of a built tree, found by walking it: what [`walk`] must
    /// find without building one.
    fn strings_of(value: &Value, pointer: &mut String, found: &mut Vec<(String, String)>) {
        let parent = pointer.len();
        match value {
            Value::String(text) => found.push((pointer.clone(), text.clone())),
            Value::Array(items) => {
                for (position, item) in items.iter().enumerate() {
                    push_segment(pointer, &position.to_string());
                    strings_of(item, pointer, found);
                    pointer.truncate(parent);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    push_segment(pointer, key);
                    strings_of(item, pointer, found);
                    pointer.truncate(parent);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn walked<T: serde::Serialize>(value: &T) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        walk(value, &mut |at: &str, text: &str| {
            seen.push((at.to_owned(), text.to_owned()));
        })
        .expect("walks");
        seen
    }

    fn built<T: serde::Serialize>(value: &T) -> Vec<(String, String)> {
        let tree = serde_json::to_value(value).expect("builds");
        let mut found = Vec::new();
        strings_of(&tree, &mut String::new(), &mut found);
        found
    }

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(String),
        Tuple(String, u8, String),
        Struct { name: String, tags: Vec<String> },
    }

    #[derive(serde::Serialize)]
    struct Everything {
        shapes: Vec<Shape>,
        numbers: std::collections::BTreeMap<u32, String>,
        letter: char,
        missing: Option<String>,
        present: Option<String>,
        nested: Vec<Vec<String>>,
        #[serde(with = "serde_bytes_like")]
        bytes: Vec<u8>,
    }

    mod serde_bytes_like {
        pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(bytes)
        }
    }

    #[test]
    fn finds_what_a_built_tree_holds() {
        let value = Everything {
            shapes: vec![
                Shape::Unit,
                Shape::Newtype("n/1".to_owned()),
                Shape::Tuple("t0".to_owned(), 7, "t2".to_owned()),
                Shape::Struct {
                    name: "s~".to_owned(),
                    tags: vec!["a".to_owned(), String::new()],
                },
            ],
            numbers: [(3, "three".to_owned()), (10, "ten".to_owned())].into(),
            letter: 'x',
            missing: None,
            present: Some("here".to_owned()),
            nested: vec![vec![], vec!["deep".to_owned()]],
            bytes: vec![1, 2],
        };
        let seen = walked(&value);
        assert_eq!(seen, built(&value));
        assert!(seen.contains(&("/shapes/2/Tuple/2".to_owned(), "t2".to_owned())));
        assert!(seen.contains(&("/shapes/3/Struct/name".to_owned(), "s~".to_owned())));
        assert!(seen.contains(&("/numbers/10".to_owned(), "ten".to_owned())));
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z/~]{0,4}", inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_a_built_tree(value in json_value()) {
            prop_assert_eq!(walked(&value), built(&value));
        }
    }
}
