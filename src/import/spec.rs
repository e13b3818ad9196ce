//! The Compose Specification check: is the file a Compose file at all, and
//! does it follow the specification?
//!
//! The specification's own JSON Schema (`templates/import/compose-spec.json`,
//! from github.com/compose-spec/compose-spec, Apache-2.0) decides, through the
//! `jsonschema` crate, so `import` refuses what `docker compose config` refuses
//! for the file's shape: unknown keys (with a did-you-mean), values of the
//! wrong type. Before it, two features that import does not follow are
//! refused by name: `include` (other files) and `extends` (services of other
//! files or of this one). Every problem is reported, each at its place.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::path::Path;
use super::yaml::{Document, Node};
use crate::error::{Diagnostic, Error, ErrorKind};

/// The specification's schema, as shipped in `templates/`.
const SCHEMA_PATH: &str = "import/compose-spec.json";

/// Top-level sections whose keys are names the file chooses.
const NAMED_SECTIONS: [&str; 5] = ["services", "volumes", "networks", "secrets", "configs"];

/// Checks that `document` is a Compose file that follows the specification.
pub fn check(document: &Document) -> Result<(), Error> {
    let Node::Map(entries) = &document.root else {
        return Err(not_compose(
            document,
            "the file is not a mapping of sections",
        ));
    };
    if !entries.iter().any(|(key, _)| key.value == "services") {
        return Err(not_compose(document, "it has no `services` section"));
    }
    let mut problems = unsupported(document);
    if problems.is_empty() {
        let json = document.to_json();
        let (validator, schema) = validator()?;
        for error in validator.iter_errors(&json) {
            translate(&error, schema, &json, document, &mut problems);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort_by_key(|d| (d.location.span.start, d.kind.code()));
    problems.dedup_by(|a, b| a.location.span == b.location.span && a.kind == b.kind);
    Err(Error::Invalid(problems))
}

fn not_compose(document: &Document, reason: &str) -> Error {
    Error::Invalid(vec![Diagnostic::error(
        ErrorKind::NotCompose {
            reason: reason.to_owned(),
        },
        document.value(&Path::root()),
    )])
}

/// `include` and every service's `extends`.
fn unsupported(document: &Document) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if document.node(&Path::root().key("include")).is_some() {
        found.push(Diagnostic::error(
            ErrorKind::ComposeUnsupported {
                feature: "include".to_owned(),
                fix: "import each included file on its own, or run `docker compose config > single.yaml` and import that".to_owned(),
            },
            document.key(&Path::root().key("include")),
        ));
    }
    if let Some(Node::Map(services)) = document.node(&Path::root().key("services")) {
        for (name, service) in services {
            let Node::Map(keys) = &service.value else {
                continue;
            };
            if keys.iter().any(|(key, _)| key.value == "extends") {
                found.push(Diagnostic::error(
                    ErrorKind::ComposeUnsupported {
                        feature: "extends".to_owned(),
                        fix: "run `docker compose config > single.yaml` to resolve `extends`, and import that".to_owned(),
                    },
                    document.key(&Path::service(&name.value).key("extends")),
                ));
            }
        }
    }
    found
}

fn validator() -> Result<&'static (Validator, Value), Error> {
    static VALIDATOR: OnceLock<Option<(Validator, Value)>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let text = crate::templates::file(SCHEMA_PATH).ok()?;
            let schema: Value = serde_json::from_str(text).ok()?;
            let validator = jsonschema::validator_for(&schema).ok()?;
            Some((validator, schema))
        })
        .as_ref()
        .ok_or_else(|| Error::Bug("the Compose Specification schema does not compile".to_owned()))
}

fn translate(
    error: &ValidationError<'_>,
    schema: &Value,
    json: &Value,
    document: &Document,
    out: &mut Vec<Diagnostic>,
) {
    let at = Path::from_pointer(error.instance_path().as_str(), json);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let owner = error.instance_path().as_str();
            for key in unexpected {
                let kind = if let Some(section) = NAMED_SECTIONS
                    .iter()
                    .find(|section| owner == format!("/{section}"))
                {
                    ErrorKind::ComposeInvalid {
                        reason: format!(
                            "{} name {} may only hold letters, digits, `.`, `_` and `-`",
                            section.trim_end_matches('s'),
                            serde_json::to_string(key).unwrap_or_default()
                        ),
                    }
                } else {
                    let allowed = allowed_keys(schema, error.schema_path().as_str());
                    ErrorKind::ComposeUnknownKey {
                        key: key.clone(),
                        suggestion: crate::load::closest(key, &allowed)
                            .filter(|suggestion| suggestion != key),
                    }
                };
                out.push(Diagnostic::error(kind, document.key(&at.key(key))));
            }
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // The alternative of the value's shape explains it best; with none
            // of its shape, the error names the shapes that would do.
            let here = error.instance_path().as_str();
            let shaped = context
                .iter()
                .filter(|errors| {
                    !errors.iter().any(|e| {
                        e.instance_path().as_str() == here
                            && matches!(e.kind(), ValidationErrorKind::Type { .. })
                    })
                })
                .min_by_key(|errors| errors.len());
            if let Some(errors) = shaped {
                for inner in errors {
                    translate(inner, schema, json, document, out);
                }
            } else {
                out.push(Diagnostic::error(
                    ErrorKind::ComposeInvalid {
                        reason: format!(
                            "{} is not any of the forms allowed here",
                            shape(error.instance())
                        ),
                    },
                    document.value(&at),
                ));
            }
        }
        ValidationErrorKind::Type { kind } => out.push(Diagnostic::error(
            ErrorKind::ComposeInvalid {
                reason: format!(
                    "expected {}, found {}",
                    types(kind),
                    shape(error.instance())
                ),
            },
            document.value(&at),
        )),
        _ => out.push(Diagnostic::error(
            ErrorKind::ComposeInvalid {
                reason: super::report::plain(&error.to_string()),
            },
            document.value(&at),
        )),
    }
}

/// The keys the object schema owning the `additionalProperties` keyword at
/// `schema_path` allows (following one `$ref`).
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let owner = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let mut node = schema.pointer(owner);
    if let Some(reference) = node.and_then(|n| n.get("$ref")).and_then(Value::as_str) {
        node = reference.strip_prefix('#').and_then(|p| schema.pointer(p));
    }
    node.and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// The JSON types a schema wants, in words.
fn types(kind: &jsonschema::error::TypeKind) -> String {
    let word = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "string" => "text".to_owned(),
        "integer" => "a whole number".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "a boolean".to_owned(),
        "null" => "nothing".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        jsonschema::error::TypeKind::Single(single) => word(single),
        jsonschema::error::TypeKind::Multiple(set) => set
            .iter()
            .map(|t| word(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn shape(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;

    fn problems(text: &str) -> Vec<(String, String, String)> {
        let document = Document::parse(SourceFile::new("compose.yaml", text)).expect("YAML");
        match check(&document) {
            Ok(()) => Vec::new(),
            Err(Error::Invalid(found)) => found
                .iter()
                .map(|d| {
                    (
                        d.kind.code().to_owned(),
                        d.kind.to_string(),
                        text[d.location.span.clone()].to_owned(),
                    )
                })
                .collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_valid_file_passes() {
        assert!(
            problems(
                "services:\n  web:\n    image: nginx\n    ports: [\"80:80\", 443]\nx-note: hi\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn unknown_keys_are_named_with_a_suggestion() {
        let found = problems(
            "services:\n  web:\n    image: nginx\n    depends-on: [db]\n  db:\n    image: postgres\nextra: 1\n",
        );
        assert_eq!(
            found,
            [
                (
                    "stackgen::import::unknown-key".to_owned(),
                    "unknown Compose key `depends-on`".to_owned(),
                    "depends-on".to_owned()
                ),
                (
                    "stackgen::import::unknown-key".to_owned(),
                    "unknown Compose key `extra`".to_owned(),
                    "extra".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let found = problems("services:\n  web:\n    image: nginx\n    ports: 80\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "stackgen::import::invalid");
        assert_eq!(found[0].2, "80");
    }

    #[test]
    fn files_that_are_not_compose_are_refused() {
        let found = problems("- a\n- b\n");
        assert_eq!(found[0].0, "stackgen::import::not-compose");
        let found = problems("global:\n  scrape_interval: 15s\n");
        assert_eq!(
            found[0].1,
            "not a Compose file: it has no `services` section"
        );
    }

    #[test]
    fn include_and_extends_are_refused_where_they_are() {
        let found = problems(
            "include: [other.yaml]\nservices:\n  web:\n    extends: { service: base }\n  base:\n    image: nginx\n",
        );
        let codes: Vec<(&str, &str)> = found
            .iter()
            .map(|(code, _, span)| (code.as_str(), span.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("stackgen::import::unsupported", "include"),
                ("stackgen::import::unsupported", "extends")
            ]
        );
    }
}
