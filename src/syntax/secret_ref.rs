//! References to secrets in the environment: `${NAME}`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern a secret reference must match: `${NAME}`.
pub const SECRET_REF_PATTERN: &str = "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$";

/// A reference to a secret in the environment, written `${NAME}`. Literal
/// secrets are refused, so they never land in generated files or in git.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct SecretRef(String);

impl SecretRef {
    /// Reads `${NAME}`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let name = text
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .filter(|name| super::is_env_name(name));
        match name {
            Some(_) => Ok(Self(text.to_owned())),
            None => Err(format!("`{text}` is not a `${{NAME}}` reference")),
        }
    }

    /// The variable name inside `${...}`.
    pub fn var(&self) -> &str {
        &self.0[2..self.0.len() - 1]
    }

    /// The reference as written, `${NAME}`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SecretRef {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<SecretRef> for String {
    fn from(secret: SecretRef) -> Self {
        secret.0
    }
}

impl JsonSchema for SecretRef {
    fn schema_name() -> Cow<'static, str> {
        "SecretRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": SECRET_REF_PATTERN,
            "description": "A secret taken from the environment, written `${NAME}`; literal secrets are refused.",
            "examples": ["${GRAFANA_ADMIN_PASSWORD}"]
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_reference_names_its_variable() {
        assert_eq!(
            SecretRef::parse("${SLACK_URL}").expect("a reference").var(),
            "SLACK_URL"
        );
        for bad in [
            "SLACK_URL",
            "${}",
            "${1X}",
            "${A-B}",
            "$A",
            "${A}x",
            "x${A}",
        ] {
            assert!(SecretRef::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn the_pattern_matches_what_reads(text in "[$]?[{]?[A-Za-z0-9_ -]{0,4}[}]?x?") {
            let pattern = regex::Regex::new(SECRET_REF_PATTERN).expect("compiles");
            prop_assert_eq!(pattern.is_match(&text), SecretRef::parse(&text).is_ok(), "{:?}", text);
        }
    }
}
