//! Emitted YAML read back against the tree it was written from: the data
//! serde-saphyr reads is compared with the tree as it comes, so no second
//! tree is built (a 20,000-service compose file would be over a million
//! nodes).

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Reads a YAML value that must be the tree: the same kinds, map keys in the
/// same order, strings, booleans and numbers (an integer and a float differ).
/// Deserializing fails on the first difference.
pub struct Expect<'a>(pub &'a Value);

impl<'de> DeserializeSeed<'de> for Expect<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Expect<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("the data written")
    }

    fn visit_bool<E: de::Error>(self, read: bool) -> Result<(), E> {
        self.is(&Value::Bool(read))
    }

    fn visit_i64<E: de::Error>(self, read: i64) -> Result<(), E> {
        self.is(&Value::from(read))
    }

    fn visit_u64<E: de::Error>(self, read: u64) -> Result<(), E> {
        self.is(&Value::from(read))
    }

    fn visit_f64<E: de::Error>(self, read: f64) -> Result<(), E> {
        match self.0 {
            Value::Number(wrote) if wrote.is_f64() && wrote.as_f64() == Some(read) => Ok(()),
            _ => Err(differs()),
        }
    }

    fn visit_str<E: de::Error>(self, read: &str) -> Result<(), E> {
        match self.0 {
            Value::String(wrote) if wrote == read => Ok(()),
            _ => Err(differs()),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.is(&Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.is(&Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Value::Array(items) = self.0 else {
            return Err(differs());
        };
        for item in items {
            seq.next_element_seed(Expect(item))?.ok_or_else(differs)?;
        }
        match seq.next_element::<IgnoredAny>()? {
            Some(_) => Err(differs()),
            None => Ok(()),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Value::Object(entries) = self.0 else {
            return Err(differs());
        };
        for (key, value) in entries {
            map.next_key_seed(Key(key))?.ok_or_else(differs)?;
            map.next_value_seed(Expect(value))?;
        }
        match map.next_key::<IgnoredAny>()? {
            Some(_) => Err(differs()),
            None => Ok(()),
        }
    }
}

impl Expect<'_> {
    /// Whether the scalar read is the one written.
    fn is<E: de::Error>(&self, read: &Value) -> Result<(), E> {
        if self.0 == read {
            Ok(())
        } else {
            Err(differs())
        }
    }
}

/// Reads a map key that must be the string written.
struct Key<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for Key<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "the key {:?}", self.0)
    }

    fn visit_str<E: de::Error>(self, read: &str) -> Result<(), E> {
        if self.0 == read {
            Ok(())
        } else {
            Err(differs())
        }
    }
}

/// The error of a difference; the caller explains it.
fn differs<E: de::Error>() -> E {
    E::custom("the data read differs from the data written")
}
