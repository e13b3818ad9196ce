//! Names used as keys: environment variable names, build argument names,
//! Prometheus label and annotation names, Docker label keys.
//!
//! A key is a name in its target's grammar, never text: a newline in an
//! environment variable's name would forge a line of `.env.example`, an
//! empty one breaks compose. Each grammar is one [`NameGrammar`]: the
//! function the model's deserializer applies ([`Name`] refuses what it does
//! not accept) and the `pattern` the JSON Schema states for the same set,
//! which the schema carries as the map's `propertyNames`
//! ([`keys_as_property_names`]), so the schema check reports a bad key at the
//! key with the grammar's own help line ([`name_rule`]).

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// One kind of name: how it reads, and how the schema states it.
pub trait NameGrammar {
    /// The type's name in the schema.
    const SCHEMA_NAME: &'static str;
    /// What such a name is, for messages: "an environment variable name".
    const WHAT: &'static str;
    /// The schema `pattern`: exactly the names [`NameGrammar::accepts`] takes.
    const PATTERN: &'static str;
    /// How to write one, for help lines.
    const RULE: &'static str;
    /// Whether `text` is such a name.
    fn accepts(text: &str) -> bool;
}

/// Container environment variable names: a letter or `_`, then letters,
/// digits, `_`, `.` and `-`. Docker and Compose pass any name without `=`,
/// and images read dotted ones (Elasticsearch's `discovery.type`); nothing
/// else (a space, a quote, a line break) reads the same in every tool. Every
/// such name is one Kubernetes accepts too (`[-._a-zA-Z][-._a-zA-Z0-9]*`),
/// so one grammar serves every target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnvGrammar {}

impl NameGrammar for EnvGrammar {
    const SCHEMA_NAME: &'static str = "EnvName";
    const WHAT: &'static str = "an environment variable name";
    const PATTERN: &'static str = "^[A-Za-z_][A-Za-z0-9_.-]*$";
    const RULE: &'static str = "use letters, digits, `_`, `.` and `-`, starting with a letter or `_` (such as `DATABASE_URL`)";

    fn accepts(text: &str) -> bool {
        let mut bytes = text.bytes();
        bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && bytes.all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    }
}

/// Build argument names: `[A-Za-z_][A-Za-z0-9_]*`, what a Dockerfile's
/// `ARG` declares and `$NAME` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArgGrammar {}

impl NameGrammar for ArgGrammar {
    const SCHEMA_NAME: &'static str = "BuildArgName";
    const WHAT: &'static str = "a build argument name";
    const PATTERN: &'static str = "^[A-Za-z_][A-Za-z0-9_]*$";
    const RULE: &'static str =
        "use letters, digits and `_`, starting with a letter or `_` (such as `APP_VERSION`)";

    fn accepts(text: &str) -> bool {
        super::is_env_name(text)
    }
}

/// Prometheus label and annotation names set by the stack:
/// `[a-zA-Z_][a-zA-Z0-9_]*`, without the `__` prefix Prometheus keeps for
/// its own labels (`__name__`, `__address__`), which relabeling drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelGrammar {}

impl NameGrammar for LabelGrammar {
    const SCHEMA_NAME: &'static str = "LabelName";
    const WHAT: &'static str = "a Prometheus label name";
    const PATTERN: &'static str = "^([a-zA-Z][a-zA-Z0-9_]*|_([a-zA-Z0-9][a-zA-Z0-9_]*)?)$";
    const RULE: &'static str = "use letters, digits and `_`, starting with a letter or `_` (such as `team`); names starting with `__` are Prometheus' own";

    fn accepts(text: &str) -> bool {
        super::is_label_name(text) && !text.starts_with("__")
    }
}

/// Docker label keys: letters, digits, `.`, `_`, `-` and `/`, starting with
/// a letter or digit (`com.example.team`, `traefik.http.routers.web.rule`,
/// `prometheus.io/scrape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DockerLabelGrammar {}

impl NameGrammar for DockerLabelGrammar {
    const SCHEMA_NAME: &'static str = "DockerLabelKey";
    const WHAT: &'static str = "a Docker label key";
    const PATTERN: &'static str = "^[A-Za-z0-9][A-Za-z0-9._/-]*$";
    const RULE: &'static str = "use letters, digits, `.`, `_`, `-` and `/`, starting with a letter or digit (such as `com.example.team`)";

    fn accepts(text: &str) -> bool {
        let mut bytes = text.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
            && bytes.all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
    }
}

/// A container environment variable name.
pub type EnvName = Name<EnvGrammar>;
/// A build argument name.
pub type BuildArgName = Name<ArgGrammar>;
/// A Prometheus label or annotation name the stack sets.
pub type LabelName = Name<LabelGrammar>;
/// A Docker label key (containers and volumes).
pub type DockerLabelKey = Name<DockerLabelGrammar>;

/// The grammar of the name type whose schema `pattern` is `pattern`: what
/// such a name is and how to write one (for the schema check's message).
pub fn name_rule(pattern: &str) -> Option<(&'static str, &'static str)> {
    [
        (EnvGrammar::PATTERN, EnvGrammar::WHAT, EnvGrammar::RULE),
        (ArgGrammar::PATTERN, ArgGrammar::WHAT, ArgGrammar::RULE),
        (
            LabelGrammar::PATTERN,
            LabelGrammar::WHAT,
            LabelGrammar::RULE,
        ),
        (
            DockerLabelGrammar::PATTERN,
            DockerLabelGrammar::WHAT,
            DockerLabelGrammar::RULE,
        ),
    ]
    .into_iter()
    .find(|(known, _, _)| *known == pattern)
    .map(|(_, what, rule)| (what, rule))
}

/// `map` with its keys as plain text, for a stage that adds names of its
/// own (the plan's generated labels and variables) beside the stack's.
pub fn text_keys<G, V: Clone>(map: &IndexMap<Name<G>, V>) -> IndexMap<String, V> {
    map.iter()
        .map(|(key, value)| (key.text.clone(), value.clone()))
        .collect()
}

/// A name of grammar `G`, checked when it is made (and so when it is
/// deserialized); it reads as the text.
pub struct Name<G> {
    text: String,
    grammar: PhantomData<fn() -> G>,
}

impl<G: NameGrammar> Name<G> {
    /// Reads a name; `Err` says why it is not one.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::try_from(text.to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<G: NameGrammar> TryFrom<String> for Name<G> {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        if G::accepts(&text) {
            Ok(Self {
                text,
                grammar: PhantomData,
            })
        } else {
            Err(format!("`{text}` is not {}: {}", G::WHAT, G::RULE))
        }
    }
}

impl<G> Deref for Name<G> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl<G> AsRef<str> for Name<G> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl<G> Borrow<str> for Name<G> {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl<G> Clone for Name<G> {
    fn clone(&self) -> Self {
        Self {
            text: self.text.clone(),
            grammar: PhantomData,
        }
    }
}

impl<G> fmt::Debug for Name<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<G> fmt::Display for Name<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<G> PartialEq for Name<G> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<G> Eq for Name<G> {}

impl<G> PartialEq<str> for Name<G> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl<G> PartialEq<&str> for Name<G> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl<G> Hash for Name<G> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl<G> PartialOrd for Name<G> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<G> Ord for Name<G> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<G> Serialize for Name<G> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, G: NameGrammar> Deserialize<'de> for Name<G> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::try_from(text).map_err(serde::de::Error::custom)
    }
}

impl<G: NameGrammar> JsonSchema for Name<G> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        G::SCHEMA_NAME.into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": G::PATTERN,
        })
    }
}

/// Rewrites a map whose keys are one of the names above, as schemars writes
/// it (`patternProperties` with the name's pattern, no other key allowed),
/// into `propertyNames` with the pattern and `additionalProperties` with
/// the value: the same set of documents, but a bad key is then reported as
/// a bad name, not as an unknown key.
pub fn keys_as_property_names(schema: &mut Schema) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let pattern_of_name = match map.get("patternProperties").and_then(Value::as_object) {
        Some(patterns) if patterns.len() == 1 && !map.contains_key("properties") => patterns
            .keys()
            .next()
            .filter(|pattern| name_rule(pattern).is_some())
            .cloned(),
        _ => None,
    };
    let Some(pattern) = pattern_of_name else {
        return;
    };
    let value = map
        .remove("patternProperties")
        .and_then(|mut patterns| patterns.as_object_mut()?.remove(&pattern))
        .unwrap_or(Value::Bool(true));
    let mut names = Map::new();
    names.insert("pattern".to_owned(), Value::String(pattern));
    map.insert("propertyNames".to_owned(), Value::Object(names));
    map.insert("additionalProperties".to_owned(), value);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn agree<G: NameGrammar>(text: &str) -> bool {
        let pattern = regex::Regex::new(G::PATTERN).expect("the pattern compiles");
        pattern.is_match(text) == Name::<G>::parse(text).is_ok()
    }

    #[test]
    fn names_read_as_their_targets_read_them() {
        for good in ["PATH", "_X", "db_password2", "discovery.type", "a-b"] {
            assert!(EnvName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "1X", ".a", "A B", "A\nB", "A=B", "A$B", "é"] {
            assert!(EnvName::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["PATH", "_X", "APP_VERSION2"] {
            assert!(BuildArgName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "1X", "A-B", "A.B", "A B", "A\nB", "A=B"] {
            assert!(BuildArgName::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["team", "_", "_a", "a__b", "severity2"] {
            assert!(LabelName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "__name__", "__", "a-b", "a.b", "1a", "a\n"] {
            assert!(LabelName::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["com.example.team", "prometheus.io/scrape", "a_b-c", "1"] {
            assert!(DockerLabelKey::parse(good).is_ok(), "{good}");
        }
        for bad in ["", ".a", "-a", "a b", "a$b", "a\"b", "a\nb", "a=b"] {
            assert!(DockerLabelKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            EnvName::parse("A B").expect_err("refused"),
            "`A B` is not an environment variable name: use letters, digits, `_`, `.` and `-`, starting with a letter or `_` (such as `DATABASE_URL`)"
        );
    }

    proptest! {
        #[test]
        fn the_patterns_match_what_reads(text in "[aZ0_./$ \n-]{0,5}") {
            prop_assert!(agree::<EnvGrammar>(&text), "{:?}", text);
            prop_assert!(agree::<ArgGrammar>(&text), "{:?}", text);
            prop_assert!(agree::<LabelGrammar>(&text), "{:?}", text);
            prop_assert!(agree::<DockerLabelGrammar>(&text), "{:?}", text);
        }

        /// Kubernetes 1.30 takes `[-._a-zA-Z][-._a-zA-Z0-9]*` for a container's variables.
        #[test]
        fn every_environment_name_is_one_kubernetes_accepts(text in "[aZ0_./$ \n=-]{0,5}") {
            let kubernetes = regex::Regex::new("^[-._a-zA-Z][-._a-zA-Z0-9]*$").expect("compiles");
            prop_assert!(EnvName::parse(&text).is_err() || kubernetes.is_match(&text), "{:?}", text);
        }
    }

    #[test]
    fn maps_keyed_by_names_state_the_name_as_property_names() {
        let mut schema = Schema::try_from(serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "patternProperties": { (EnvGrammar::PATTERN): { "type": "string" } }
        }))
        .expect("a schema object");
        keys_as_property_names(&mut schema);
        assert_eq!(
            schema.to_value(),
            serde_json::json!({
                "type": "object",
                "additionalProperties": { "type": "string" },
                "propertyNames": { "pattern": EnvGrammar::PATTERN }
            })
        );
    }
}
