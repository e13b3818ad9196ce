//! The committed `schema/stack.schema.json` must match the model.
//!
//! Regenerate it with `STACKGEN_BLESS=1 cargo test --test it schema::`.

use crate::support::{root, toml_files};

#[test]
fn committed_schema_is_up_to_date() {
    let path = root().join("schema/stack.schema.json");
    let generated = stackgen::load::generated_stack_schema_text();
    if std::env::var_os("STACKGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write schema/stack.schema.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/stack.schema.json is stale: run `STACKGEN_BLESS=1 cargo test --test it schema::` and commit the result"
    );
}

/// The binary checks stacks against the schema text it embedded at build
/// time; it must be the model's schema, not an older committed file.
#[test]
fn embedded_schema_is_the_models_schema() {
    let generated = stackgen::load::generated_stack_schema_text();
    assert!(
        stackgen::load::stack_schema_text() == generated,
        "the embedded schema differs from the model's: bless schema/stack.schema.json and rebuild"
    );
    let parsed: serde_json::Value = serde_json::from_str(&generated).expect("schema is JSON");
    assert_eq!(stackgen::load::stack_schema(), parsed);
}

#[test]
fn examples_point_at_the_schema() {
    let examples = toml_files("examples");
    assert!(!examples.is_empty(), "examples/ has stacks");
    for path in examples {
        let text = std::fs::read_to_string(&path).expect("read example");
        assert!(
            text.starts_with("#:schema ../schema/stack.schema.json\n"),
            "{} must start with `#:schema ../schema/stack.schema.json`",
            path.display()
        );
    }
}
