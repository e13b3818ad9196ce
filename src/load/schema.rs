//! The JSON Schema of stack.toml.
//!
//! The schema is generated from the model by schemars and committed as
//! `schema/stack.schema.json`; the binary embeds the committed text, so no
//! run pays for generating it. `tests/schema.rs` proves the three agree:
//! the model's schema, the committed file and the embedded text.

use serde_json::Value;

use crate::config::Stack;

/// The committed schema text, embedded at build time.
const EMBEDDED: &str = include_str!("../../schema/stack.schema.json");

/// The JSON Schema of `stack.toml`, as committed in `schema/stack.schema.json`.
pub fn stack_schema() -> Value {
    serde_json::from_str(EMBEDDED).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
}

/// The schema without annotations or whitespace (made by build.rs): what
/// the checks read, a quarter of the committed text.
const FOR_CHECKS: &str = include_str!(concat!(env!("OUT_DIR"), "/stack_schema_checks.json"));

/// The schema the checks read: the committed one without its annotations
/// (`description`, `title`, `default`, ...), which never change whether a
/// value is valid.
pub fn checks_schema_text() -> &'static str {
    FOR_CHECKS
}

/// The schema as pretty-printed JSON with a trailing newline.
pub fn stack_schema_text() -> &'static str {
    EMBEDDED
}

/// The schema text generated from the model (what `schema/stack.schema.json`
/// must hold; slow: it runs schemars over every type of the model).
pub fn generated_stack_schema_text() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(Stack))
        .unwrap_or_else(|_| Value::Object(serde_json::Map::new()));
    if let Value::Object(map) = &mut schema {
        map.insert(
            "$id".to_owned(),
            Value::String("https://stackgen.dev/schema/stack.schema.json".to_owned()),
        );
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a schema, or one inside it, has a `description` or `title`
    /// (names of properties and definitions are not keywords).
    fn has_annotation(value: &Value) -> bool {
        match value {
            Value::Object(map) => map.iter().any(|(key, item)| match (key.as_str(), item) {
                ("description" | "title", _) => true,
                ("properties" | "$defs", Value::Object(schemas)) => {
                    schemas.values().any(has_annotation)
                }
                _ => has_annotation(item),
            }),
            Value::Array(items) => items.iter().any(has_annotation),
            _ => false,
        }
    }

    #[test]
    fn the_checks_schema_is_the_committed_one_without_annotations() {
        let checks: Value = serde_json::from_str(checks_schema_text()).expect("JSON");
        let committed = stack_schema();
        assert!(has_annotation(&committed));
        assert!(!has_annotation(&checks));
        assert_eq!(
            checks["$defs"].as_object().map(serde_json::Map::len),
            committed["$defs"].as_object().map(serde_json::Map::len)
        );
        assert_eq!(
            checks["properties"]
                .as_object()
                .map(|p| p.keys().collect::<Vec<_>>()),
            committed["properties"]
                .as_object()
                .map(|p| p.keys().collect::<Vec<_>>())
        );
        assert!(checks_schema_text().len() * 3 < stack_schema_text().len());
    }
}
