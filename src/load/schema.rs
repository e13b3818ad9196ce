//! The JSON Schema of stack.toml.
//!
//! The schema is generated from the model by schemars and committed as
//! `schema/stack.schema.json`; the binary embeds the committed text, so no
//! run pays for generating it. `tests/schema.rs` proves the three agree:
//! the model's schema, the committed file and the embedded text.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::Value;

use crate::config::Stack;
use crate::syntax::keys_as_property_names;

/// The committed schema text, embedded at build time.
const EMBEDDED: &str = include_str!("../../schema/stack.schema.json");

/// The JSON Schema of `stack.toml`, as committed in `schema/stack.schema.json`.
pub fn stack_schema() -> Value {
    serde_json::from_str(EMBEDDED).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
}

/// The schema as pretty-printed JSON with a trailing newline.
pub fn stack_schema_text() -> &'static str {
    EMBEDDED
}

/// The schema text generated from the model (what `schema/stack.schema.json`
/// must hold; slow: it runs schemars over every type of the model).
pub fn generated_stack_schema_text() -> String {
    let generator = SchemaSettings::default()
        .with_transform(RecursiveTransform(keys_as_property_names))
        .into_generator();
    let mut schema = serde_json::to_value(generator.into_root_schema_for::<Stack>())
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
