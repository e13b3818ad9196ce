//! The JSON Schema of stack.toml, generated from the model.

use serde_json::Value;

use crate::config::Stack;

/// The JSON Schema of `stack.toml`, as committed in `schema/stack.schema.json`.
pub fn stack_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Stack))
        .unwrap_or_else(|_| Value::Object(serde_json::Map::new()));
    if let Value::Object(map) = &mut schema {
        map.insert(
            "$id".to_owned(),
            Value::String("https://stackgen.dev/schema/stack.schema.json".to_owned()),
        );
    }
    schema
}

/// The schema as pretty-printed JSON with a trailing newline.
pub fn stack_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&stack_schema()).unwrap_or_default();
    text.push('\n');
    text
}
