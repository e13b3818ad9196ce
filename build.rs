//! Build-time conversions, written to `$OUT_DIR`:
//!
//! - `stack_schema_checks.json`: `schema/stack.schema.json` without its
//!   annotations (`description`, `title`, `default`, ...) and whitespace,
//!   a quarter of its size: what `src/load/schema_fast.rs` checks stacks
//!   against on every run. Annotations never change whether a value is
//!   valid.

use std::path::{Path, PathBuf};

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    checks_schema(&out_dir);
}

/// Keywords that only annotate a schema.
const ANNOTATIONS: [&str; 8] = [
    "description",
    "title",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

fn checks_schema(out_dir: &Path) {
    let path = Path::new("schema/stack.schema.json");
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).expect("schema/stack.schema.json is readable");
    let mut schema: serde_json::Value =
        serde_json::from_str(&text).expect("schema/stack.schema.json is JSON");
    strip_annotations(&mut schema);
    let compact = serde_json::to_string(&schema).expect("a JSON value serializes");
    std::fs::write(out_dir.join("stack_schema_checks.json"), compact).expect("OUT_DIR is writable");
}

/// Removes the annotations of `schema` and of every schema inside it,
/// leaving values (`const`, `enum`, `required`, ...) as they are.
fn strip_annotations(schema: &mut serde_json::Value) {
    use serde_json::Value;
    match schema {
        Value::Object(map) => {
            // `x-...` keys are stackgen's own annotations (`x-stackgen-input`).
            map.retain(|key, _| !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-"));
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions",
                        Value::Object(schemas),
                    ) => schemas.values_mut().for_each(strip_annotations),
                    (
                        "items"
                        | "additionalProperties"
                        | "additionalItems"
                        | "not"
                        | "if"
                        | "then"
                        | "else"
                        | "contains"
                        | "propertyNames"
                        | "allOf"
                        | "anyOf"
                        | "oneOf"
                        | "prefixItems",
                        value,
                    ) => strip_annotations(value),
                    _ => {}
                }
            }
        }
        // A list of schemas (`allOf`, `items` as a tuple, ...).
        Value::Array(schemas) => schemas.iter_mut().for_each(strip_annotations),
        _ => {}
    }
}
