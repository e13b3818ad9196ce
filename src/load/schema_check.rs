//! Explains why serde refused a document: checks it against the JSON Schema
//! and turns every violation into a spanned diagnostic, all at once, and
//! says what of the document it breaks ([`Broken`]): an unknown key only
//! itself, any other violation its entry or section.
//!
//! The validator is compiled only when a document needs explaining: the
//! model's own types refuse exactly what the schema refuses, so a valid
//! stack never pays for it (see `docs/performance.md` for its cost).

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::broken::Broken;
use super::spans::{SpanIndex, escape_pointer};
use crate::error::{Diagnostic, Error, ErrorKind};
use crate::syntax::{
    BYTE_SIZE_FORMAT, BYTE_SIZE_PATTERN, DURATION_FORMAT, DURATION_PATTERN, FORMATS,
    MATCHER_FORMAT, SECRET_REF_PATTERN, comment_text, name_rule, parse_matcher,
};

/// Why the schema refuses a document.
#[derive(Debug, Default)]
pub struct Explanation {
    /// Every violation, as a diagnostic, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The pointers of the keys the format does not know.
    pub unknown_keys: Vec<String>,
    /// The entries and sections the other violations are in.
    pub broken: Broken,
}

/// Every schema violation in `document`, as diagnostics, and what they break.
pub fn check(document: &Value, spans: &SpanIndex) -> Result<Explanation, Error> {
    let (validator, schema) = validator()?;
    let mut out = Explanation::default();
    for error in validator.iter_errors(document) {
        translate(&error, schema, spans, &mut out);
    }
    let diagnostics = &mut out.diagnostics;
    diagnostics.sort_by_key(|d| (d.location.span.start, d.kind.code()));
    diagnostics.dedup_by(|a, b| a.location.span == b.location.span && a.kind == b.kind);
    Ok(out)
}

/// The validator of the committed schema, compiled once per process
/// ([`compile_validator`]), and the schema itself.
pub fn validator() -> Result<&'static (Validator, Value), Error> {
    static VALIDATOR: OnceLock<Result<(Validator, Value), String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(compile_validator)
        .as_ref()
        .map_err(|message| Error::Bug(message.clone()))
}

/// Compiles the validator of the committed schema, with stackgen's own
/// `format`s asserted ([`FORMATS`]); `Err` says why the schema does not compile.
pub fn compile_validator() -> Result<(Validator, Value), String> {
    let schema = super::schema::stack_schema();
    let mut options = jsonschema::options().should_validate_formats(true);
    for (name, check) in FORMATS {
        options = options.with_format(name, check);
    }
    options
        .build(&schema)
        .map(|validator| (validator, schema))
        .map_err(|error| format!("the built-in schema does not compile: {error}"))
}

fn translate(
    error: &ValidationError<'_>,
    schema: &Value,
    spans: &SpanIndex,
    explanation: &mut Explanation,
) {
    let at = error.instance_path().as_str().to_owned();
    let instance = error.instance();
    if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
        let allowed = allowed_keys(schema, error.schema_path().as_str());
        for key in unexpected {
            // A key the table already has is no name to rename another to.
            let (suggestion, taken) = match closest(key, &allowed) {
                Some(close) if instance.get(close.as_str()).is_some() => (None, Some(close)),
                close => (close, None),
            };
            let pointer = format!("{at}/{}", escape_pointer(key));
            explanation.diagnostics.push(Diagnostic::error(
                ErrorKind::UnknownKey {
                    key: key.clone(),
                    suggestion,
                    taken,
                    allowed: allowed.clone(),
                },
                spans.key(&pointer),
            ));
            explanation.unknown_keys.push(pointer);
        }
        return;
    }
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
    {
        translate_alternatives(context, &at, instance, schema, spans, explanation);
        return;
    }
    match error.kind() {
        // A key missing at the root breaks its own section, not all of them.
        ValidationErrorKind::Required { property } => explanation.broken.break_at(&format!(
            "{at}/{}",
            escape_pointer(property.as_str().unwrap_or_default())
        )),
        // A bad key breaks its own entry, not the map it is in.
        ValidationErrorKind::PropertyNames { error } => explanation.broken.break_at(&format!(
            "{at}/{}",
            escape_pointer(error.instance().as_str().unwrap_or_default())
        )),
        _ => explanation.broken.break_at(&at),
    }
    let out = &mut explanation.diagnostics;
    match error.kind() {
        ValidationErrorKind::Required { property } => out.push(Diagnostic::error(
            ErrorKind::MissingKey {
                key: property.as_str().unwrap_or_default().to_owned(),
            },
            spans.value(&at),
        )),
        ValidationErrorKind::Type { kind } => out.push(Diagnostic::error(
            ErrorKind::WrongType {
                expected: describe_types(kind),
                found: describe_value(instance),
            },
            spans.value(&at),
        )),
        ValidationErrorKind::Pattern { pattern } => out.push(Diagnostic::error(
            pattern_kind(pattern, instance, &at),
            spans.value(&at),
        )),
        ValidationErrorKind::Format { format } => out.push(Diagnostic::error(
            format_kind(format, instance),
            spans.value(&at),
        )),
        ValidationErrorKind::Enum { options } => out.push(Diagnostic::error(
            ErrorKind::InvalidValue {
                value: instance.to_string(),
                reason: "not one of the allowed values".to_owned(),
                fix: format!("write one of: {}", list_options(options)),
            },
            spans.value(&at),
        )),
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.push(range_error(
                instance,
                &format!("at least {limit}"),
                spans.value(&at),
            ));
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.push(range_error(
                instance,
                &format!("at most {limit}"),
                spans.value(&at),
            ));
        }
        ValidationErrorKind::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_owned();
            let location = spans.key(&format!("{at}/{}", escape_pointer(&name)));
            let kind = match error.kind() {
                ValidationErrorKind::Pattern { pattern } => {
                    name_rule(pattern).map(|(what, rule)| ErrorKind::InvalidName {
                        what,
                        name: comment_text(&name).into_owned(),
                        rule,
                    })
                }
                _ => None,
            };
            out.push(Diagnostic::error(
                kind.unwrap_or_else(|| ErrorKind::InvalidValue {
                    value: format!("`{name}`"),
                    reason: error.to_string(),
                    fix: "rename the key".to_owned(),
                }),
                location,
            ));
        }
        _ => out.push(Diagnostic::error(
            ErrorKind::InvalidValue {
                value: instance.to_string(),
                reason: error.to_string(),
                fix: "see schema/stack.schema.json for what this key takes".to_owned(),
            },
            spans.value(&at),
        )),
    }
}

/// For untagged alternatives (a port as text or a table), report the errors
/// of the one alternative of the right shape; otherwise list the shapes.
fn translate_alternatives(
    context: &[Vec<ValidationError<'static>>],
    at: &str,
    instance: &Value,
    schema: &Value,
    spans: &SpanIndex,
    explanation: &mut Explanation,
) {
    if let Some(values) = allowed_values(context, at) {
        explanation.broken.break_at(at);
        explanation.diagnostics.push(Diagnostic::error(
            ErrorKind::InvalidValue {
                value: instance.to_string(),
                reason: "not one of the allowed values".to_owned(),
                fix: format!("write one of: {}", values.join(", ")),
            },
            spans.value(at),
        ));
        return;
    }
    // An alternative fits the value's shape when nothing refuses the value
    // itself for its type or for not being one of its values (a table given
    // where a `oneOf` of strings or a table is allowed fits the table).
    let shaped: Vec<&Vec<ValidationError<'static>>> = context
        .iter()
        .filter(|errors| !errors.iter().any(|error| refuses_shape(error, at)))
        .collect();
    if let Some(best) = shaped.into_iter().min_by_key(|errors| errors.len()) {
        for error in best {
            translate(error, schema, spans, explanation);
        }
        return;
    }
    explanation.broken.break_at(at);
    let mut expected: Vec<String> = context
        .iter()
        .flatten()
        .filter_map(|error| match error.kind() {
            ValidationErrorKind::Type { kind } if error.instance_path().as_str() == at => {
                Some(describe_types(kind))
            }
            _ => None,
        })
        .collect();
    expected.dedup();
    explanation.diagnostics.push(Diagnostic::error(
        ErrorKind::WrongType {
            expected: expected.join(" or "),
            found: describe_value(instance),
        },
        spans.value(at),
    ));
}

/// Whether `error` refuses the value at `at` itself for its type or for not
/// being one of its values, in every alternative it nests.
fn refuses_shape(error: &ValidationError<'static>, at: &str) -> bool {
    if error.instance_path().as_str() != at {
        return false;
    }
    match error.kind() {
        ValidationErrorKind::Type { .. }
        | ValidationErrorKind::Constant { .. }
        | ValidationErrorKind::Enum { .. } => true,
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context
                .iter()
                .all(|errors| errors.iter().any(|error| refuses_shape(error, at)))
        }
        _ => false,
    }
}

/// Every value allowed when each alternative is one value or a list of them
/// (an enum whose values carry their own doc comments is a `oneOf` of
/// `const`s; an optional one is that or `null`, which TOML cannot write);
/// `None` when an alternative is anything else.
fn allowed_values(context: &[Vec<ValidationError<'static>>], at: &str) -> Option<Vec<String>> {
    let mut values = Vec::new();
    for errors in context {
        let [error] = errors.as_slice() else {
            return None;
        };
        match error.kind() {
            _ if error.instance_path().as_str() != at => return None,
            ValidationErrorKind::Constant { expected_value } => {
                values.push(list_options(&Value::Array(vec![
                    (**expected_value).clone(),
                ])));
            }
            ValidationErrorKind::Enum { options } => values.push(list_options(options)),
            ValidationErrorKind::Type {
                kind: TypeKind::Single(jsonschema::JsonType::Null),
            } => {}
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                values.extend(allowed_values(context, at)?);
            }
            _ => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}

fn range_error(instance: &Value, bound: &str, location: crate::error::Location) -> Diagnostic {
    Diagnostic::error(
        ErrorKind::InvalidValue {
            value: instance.to_string(),
            reason: format!("must be {bound}"),
            fix: format!("write a number {bound}"),
        },
        location,
    )
}

fn pattern_kind(pattern: &str, instance: &Value, at: &str) -> ErrorKind {
    let value = instance.as_str().unwrap_or_default().to_owned();
    if pattern == DURATION_PATTERN {
        ErrorKind::BadDuration { value }
    } else if pattern == BYTE_SIZE_PATTERN {
        ErrorKind::BadSize { value }
    } else if pattern == SECRET_REF_PATTERN {
        let field = at.rsplit('/').next().unwrap_or_default().to_owned();
        ErrorKind::LiteralSecret {
            variable: super::secret_variable_name(at),
            field,
        }
    } else {
        ErrorKind::InvalidValue {
            value: instance.to_string(),
            reason: format!("does not match `{pattern}`"),
            fix: "write a value of the documented form".to_owned(),
        }
    }
}

/// The diagnostic for a value that is not of stackgen's `format`.
fn format_kind(format: &str, instance: &Value) -> ErrorKind {
    let value = instance.as_str().unwrap_or_default().to_owned();
    if format == DURATION_FORMAT {
        ErrorKind::BadDuration { value }
    } else if format == BYTE_SIZE_FORMAT {
        ErrorKind::BadSize { value }
    } else if format == MATCHER_FORMAT {
        ErrorKind::InvalidMatcher {
            reason: parse_matcher(&value).err().unwrap_or_default(),
            matcher: value,
        }
    } else {
        ErrorKind::InvalidValue {
            value: instance.to_string(),
            reason: format!("is not of the format `{format}`"),
            fix: "write a value of the documented form".to_owned(),
        }
    }
}

/// The keys allowed by the object schema that owns the `additionalProperties`
/// keyword at `schema_path`.
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

/// The allowed key closest to `key`, if it is close enough to be a typo.
pub fn closest(key: &str, allowed: &[String]) -> Option<String> {
    let normalized = key.replace('_', "-").to_ascii_lowercase();
    let length = normalized.chars().count();
    allowed
        .iter()
        .filter_map(|candidate| {
            let limit = 2.max(candidate.len() / 3);
            // The distance is at least the difference in length.
            if length.abs_diff(candidate.chars().count()) > limit {
                return None;
            }
            let distance = strsim::osa_distance(&normalized, candidate);
            (distance <= limit).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.clone())
}

fn describe_types(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a table".to_owned(),
        "array" => "an array".to_owned(),
        "string" => "a string".to_owned(),
        "integer" => "an integer".to_owned(),
        "number" => "a number".to_owned(),
        "boolean" => "a boolean".to_owned(),
        "null" => "nothing".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        TypeKind::Single(single) => name(single),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Number(number) if number.is_i64() || number.is_u64() => "an integer".to_owned(),
        Value::Number(_) => "a number".to_owned(),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "a table".to_owned(),
    }
}

fn list_options(options: &Value) -> String {
    options
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|v| {
                    v.as_str()
                        .map_or_else(|| v.to_string(), |s| format!("\"{s}\""))
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}
