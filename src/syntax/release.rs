//! Release numbers of the images stackgen runs: `MAJOR.MINOR.PATCH`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A release number, `MAJOR.MINOR.PATCH`, read once when the stack loads;
/// it keeps the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct ReleaseVersion {
    text: String,
    parts: Option<(u32, u32, u32)>,
}

impl ReleaseVersion {
    /// Reads `text`; [`ReleaseVersion::parts`] is `None` when it is not
    /// three numbers separated by dots.
    pub fn new(text: &str) -> Self {
        let mut numbers = text.split('.').map(|part| {
            (!part.is_empty() && part.len() <= 6 && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u32>().ok())
                .flatten()
        });
        let parts = match (
            numbers.next(),
            numbers.next(),
            numbers.next(),
            numbers.next(),
        ) {
            (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) => {
                Some((major, minor, patch))
            }
            _ => None,
        };
        Self {
            text: text.to_owned(),
            parts,
        }
    }

    /// `(major, minor, patch)`, or `None` when the text is not a release number.
    pub fn parts(&self) -> Option<(u32, u32, u32)> {
        self.parts
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<String> for ReleaseVersion {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<ReleaseVersion> for String {
    fn from(version: ReleaseVersion) -> Self {
        version.text
    }
}

impl fmt::Display for ReleaseVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl JsonSchema for ReleaseVersion {
    fn schema_name() -> Cow<'static, str> {
        "ReleaseVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A release number, `MAJOR.MINOR.PATCH`.",
            "examples": ["3.7.6"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_versions_read_three_numbers() {
        assert_eq!(ReleaseVersion::new("3.7.6").parts(), Some((3, 7, 6)));
        assert_eq!(ReleaseVersion::new("2.9.17").parts(), Some((2, 9, 17)));
        for bad in [
            "3.7", "3.7.6.1", "v3.7.6", "3..6", "3.7.x", "", "3.7.6 ", "+3.7.6",
        ] {
            assert_eq!(ReleaseVersion::new(bad).parts(), None, "{bad:?}");
        }
        assert_eq!(ReleaseVersion::new("v1.0.0").as_str(), "v1.0.0");
    }
}
