//! Container names, as Docker accepts them.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern a container name must match: what Docker accepts.
pub const CONTAINER_NAME_PATTERN: &str = "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$";

/// A fixed container name: a letter or digit, then at most 62 letters,
/// digits, `_`, `.` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContainerName(String);

impl ContainerName {
    /// Reads a container name.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut bytes = text.bytes();
        let valid = bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
            && text.len() <= 63
            && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!("`{text}` is not a container name"))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ContainerName {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<ContainerName> for String {
    fn from(name: ContainerName) -> Self {
        name.0
    }
}

impl fmt::Display for ContainerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for ContainerName {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "ContainerName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": CONTAINER_NAME_PATTERN,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn the_pattern_matches_what_reads(text in "[a-zA-Z0-9_.é -]{0,66}") {
            let pattern = regex::Regex::new(CONTAINER_NAME_PATTERN).expect("compiles");
            prop_assert_eq!(pattern.is_match(&text), ContainerName::parse(&text).is_ok(), "{:?}", text);
        }
    }
}
