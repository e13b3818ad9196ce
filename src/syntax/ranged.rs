//! Numbers with bounds: each type states its bounds once, for the schema
//! and for deserializing alike.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number of type `T` from `MIN` to `MAX` (inclusive); the schema
/// is `T`'s with these bounds (no `maximum` when `MAX` is `i64::MAX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ranged<T, const MIN: i64, const MAX: i64>(T);

impl<T, const MIN: i64, const MAX: i64> Ranged<T, MIN, MAX>
where
    T: Copy + Into<i64>,
{
    /// `value`, when it is within the bounds.
    pub fn new(value: T) -> Result<Self, String> {
        let wide: i64 = value.into();
        if (MIN..=MAX).contains(&wide) {
            Ok(Self(value))
        } else if MAX == i64::MAX {
            Err(format!("{wide} is less than {MIN}"))
        } else {
            Err(format!("{wide} is not from {MIN} to {MAX}"))
        }
    }

    /// The number.
    pub fn get(self) -> T {
        self.0
    }
}

/// The lower bound.
impl<T: TryFrom<i64>, const MIN: i64, const MAX: i64> Default for Ranged<T, MIN, MAX> {
    fn default() -> Self {
        Self(
            T::try_from(MIN)
                .ok()
                .expect("the lower bound fits the type"),
        )
    }
}

impl<'de, T, const MIN: i64, const MAX: i64> Deserialize<'de> for Ranged<T, MIN, MAX>
where
    T: Copy + Into<i64> + Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(T::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl<T: Serialize, const MIN: i64, const MAX: i64> Serialize for Ranged<T, MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<T: fmt::Display, const MIN: i64, const MAX: i64> fmt::Display for Ranged<T, MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: JsonSchema, const MIN: i64, const MAX: i64> JsonSchema for Ranged<T, MIN, MAX> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("{}_from_{MIN}_to_{MAX}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = T::json_schema(generator);
        schema.insert("minimum".to_owned(), MIN.into());
        if MAX == i64::MAX {
            schema.remove("maximum");
        } else {
            schema.insert("maximum".to_owned(), MAX.into());
        }
        schema
    }
}

/// A CPU count: from 0.01 to 1024 cores.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Cpus(f64);

impl Cpus {
    const MIN: f64 = 0.01;
    const MAX: f64 = 1024.0;

    /// `cores`, when within the bounds.
    pub fn new(cores: f64) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&cores) {
            Ok(Self(cores))
        } else {
            Err(format!(
                "{cores} is not from {} to {}",
                Self::MIN,
                Self::MAX
            ))
        }
    }

    /// The number of cores.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Cpus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(f64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Cpus {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Cpus".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = f64::json_schema(generator);
        schema.insert("minimum".to_owned(), Self::MIN.into());
        schema.insert("maximum".to_owned(), Self::MAX.into());
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_hold_both_ways() {
        type Width = Ranged<u8, 1, 24>;
        type Limit = Ranged<i64, -1, { i64::MAX }>;
        assert!(Width::new(0).is_err());
        assert_eq!(Width::new(24).map(Ranged::get), Ok(24));
        assert!(serde_json::from_str::<Width>("25").is_err());
        assert!(serde_json::from_str::<Width>("300").is_err());
        let schema = serde_json::to_value(schemars::schema_for!(Width)).expect("JSON");
        assert_eq!(schema["minimum"], 1);
        assert_eq!(schema["maximum"], 24);
        assert!(serde_json::from_str::<Limit>("-2").is_err());
        let schema = serde_json::to_value(schemars::schema_for!(Limit)).expect("JSON");
        assert!(schema.get("maximum").is_none());
        assert!(Cpus::new(0.001).is_err() && Cpus::new(2.0).is_ok());
    }
}
