//! Hostile text in every string field of the schema, one field at a time.
//!
//! The fields are not listed here: every place `schema/stack.schema.json`
//! allows a string (a value, or a key of a map) is a field, and
//! `tests/hostile/every-field.toml` must hold an instance of each, so a
//! field the model gains is covered as soon as the fixture gives it a
//! value (and the coverage test names it until then). Each field gets
//! hostile values in turn: line breaks that would start YAML keys, quotes
//! and backslashes, `#` and `;` and braces, `${` and `$`, template syntax,
//! Unicode line separators and bidi controls, words that would add a case to
//! the amtool route tests. Paths the stack reads (`x-stackgen-input`) get a
//! real file of that name. Then the stack is either refused with
//! diagnostics, one of them at the hostile value, or it renders and every
//! file of the bundle, read back the way its tool reads it
//! ([`super::bundle_reading`]), is the bundle a plain marker gives in that
//! field, with the marker replaced by the hostile value (as written, or
//! escaped in the way of the string it sits in): no other change, no extra
//! structure. A field that does not take the marker (a duration, a
//! reference) must keep the structure of the fixture's own bundle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use stackgen::Error;

use super::bundle_reading::{Reading, read_bundle};
use super::run::cases;
use super::specials::{SPECIALS, hostile_string};
use crate::support::root;

/// The stack that sets every string field, and the folder of its inputs.
const FIXTURE: &str = "tests/hostile/every-field.toml";

/// A plain value every free-text field takes and no output holds by chance.
const MARKER: &str = "zqmarkerzq";

/// Hostile pieces: each breaks some format stackgen writes if written raw.
const PIECES: &[&str] = &[
    "\ninclude:\n  - /etc/evil/compose.yml\n",
    "\"'\\\" q",
    "# c ; } server { listen 81; } {",
    "${EVIL} $HOME $$ ${ $(APP_MODE) $",
    "{{ $labels.instance }} {% if %} [[ x ]]",
    "\u{2028}\u{2029}\u{85}\r\u{0}\u{202E}\u{FEFF}",
    " alertname=Forged ops,x team=",
    "} \"{\" // /* x */ #",
    "null",
    "a\tb: c\n- d",
];

/// Every schema string field has an instance in the fixture.
#[test]
fn the_fixture_sets_every_string_field_of_the_schema() {
    let fixture = fixture();
    let missing: Vec<&String> = fixture
        .sites
        .iter()
        .filter(|site| !fixture.instances.contains_key(*site))
        .collect();
    assert!(
        missing.is_empty(),
        "{FIXTURE} sets no value for these string fields of the schema; give each one: {missing:#?}"
    );
    assert!(
        fixture.sites.len() > 150,
        "only {} fields",
        fixture.sites.len()
    );
}

/// Each field, in turn, with three hostile values: one piece alone, one
/// after the field's own value (so a path keeps its leading `/`), and all
/// pieces and every special string at once after it. In two halves, which
/// run side by side.
#[test]
fn hostile_values_in_every_schema_field_are_refused_or_kept_intact() {
    check_fields(0);
}

/// [`hostile_values_in_every_schema_field_are_refused_or_kept_intact`], the other half.
#[test]
fn hostile_values_in_every_schema_field_are_refused_or_kept_intact_2() {
    check_fields(1);
}

/// Every other field from the `half`-th on, with the three values each.
fn check_fields(half: usize) {
    let fixture = fixture();
    let all = PIECES.concat() + &SPECIALS.concat();
    let mut failures = Vec::new();
    for (index, site) in fixture.sites.iter().enumerate().skip(half).step_by(2) {
        let Some(instance) = fixture.instances.get(site) else {
            continue;
        };
        let original = instance.original();
        for value in [
            PIECES[index % PIECES.len()].to_owned(),
            format!("{original}{}", PIECES[(index + 1) % PIECES.len()]),
            format!("{original}{all}"),
        ] {
            let outcome = std::panic::catch_unwind(|| check(fixture, instance, &value));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(message);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// 40 KB of every hostile piece in every free-text field at once (some
/// 5 MB of stack): rendered, or refused with diagnostics inside the file.
#[test]
fn very_long_strings_in_every_free_field_are_handled() {
    let fixture = fixture();
    let long = PIECES.concat().repeat(200);
    let mut document = fixture.document.clone();
    for instance in fixture.instances.values() {
        if !(instance.constrained || instance.is_key || instance.is_input) {
            set(&mut document, instance, &long);
        }
    }
    let text = to_toml(document);
    match render(&text, &fixture_dir(), None) {
        Ok(_) => {}
        Err(Error::Invalid(diagnostics)) => {
            assert!(diagnostics.iter().any(stackgen::Diagnostic::is_error));
            for diagnostic in &diagnostics {
                assert!(
                    diagnostic.location.span.end <= text.len(),
                    "a span outside the file"
                );
            }
        }
        Err(other) => panic!("{other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        cases: cases(24, 256),
        ..ProptestConfig::default()
    })]

    /// Any hostile string in any field, alone or after the field's own value.
    #[test]
    fn any_hostile_string_in_any_schema_field(
        pick in any::<prop::sample::Index>(),
        value in hostile_string(),
        after_original in any::<bool>(),
    ) {
        let fixture = fixture();
        let instances: Vec<&Instance> = fixture.instances.values().collect();
        let instance = pick.get(&instances);
        let value = if after_original { format!("{}{value}", instance.original()) } else { value };
        check(fixture, instance, &value);
    }
}

/// The fixture, its schema's string fields and an instance of each.
struct Fixture {
    document: Value,
    /// Every string field of the schema, as a path of property names with
    /// `*` for a map's entries, `#` for an array's items and `{key}` for a
    /// map's keys.
    sites: Vec<String>,
    /// The first instance of each field in the fixture.
    instances: BTreeMap<String, Instance>,
    /// The fixture's own bundle, read back.
    base: Reading,
}

/// One place in the fixture: a string value, or a key of a map.
#[derive(Debug, Clone)]
struct Instance {
    site: String,
    /// The JSON path of the value (or of the entry whose key it is).
    tokens: Vec<String>,
    is_key: bool,
    /// The path names a file the stack reads.
    is_input: bool,
    /// The field takes more than free text: a pattern, a format, a fixed set.
    constrained: bool,
    /// The original text.
    text: String,
}

impl Instance {
    fn original(&self) -> &str {
        &self.text
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE_DATA: OnceLock<Fixture> = OnceLock::new();
    FIXTURE_DATA.get_or_init(|| {
        let text = std::fs::read_to_string(root().join(FIXTURE)).expect("read the fixture");
        let table: toml::Table = toml::from_str(&text).expect("the fixture is TOML");
        let document = serde_json::to_value(table).expect("TOML as JSON");
        let schema: Value =
            serde_json::from_str(stackgen::load::stack_schema_text()).expect("the schema is JSON");
        let mut sites = BTreeMap::new();
        walk_schema(&schema, &schema, "", &mut sites, 0);
        let mut instances = BTreeMap::new();
        find_instances(&document, &mut Vec::new(), &sites, &mut instances);
        let base = render(&text, &fixture_dir(), None)
            .unwrap_or_else(|error| panic!("{FIXTURE} renders: {error:?}"));
        Fixture {
            document,
            sites: sites.into_keys().collect(),
            instances,
            base,
        }
    })
}

fn fixture_dir() -> PathBuf {
    root().join("tests/hostile")
}

/// What the schema says of one field.
#[derive(Debug, Clone, Copy, Default)]
struct SiteKind {
    constrained: bool,
    input: bool,
}

/// Collects every place the schema allows a string, with whether it is
/// constrained and whether it names an input.
fn walk_schema(
    root: &Value,
    schema: &Value,
    path: &str,
    sites: &mut BTreeMap<String, SiteKind>,
    depth: usize,
) {
    let schema = resolve(root, schema);
    let Some(object) = schema.as_object() else {
        return;
    };
    if depth > 40 {
        return;
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let string_const = object.get("const").is_some_and(Value::is_string)
        || object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_string));
    if types.contains(&"string") || string_const {
        let kind = sites.entry(path.to_owned()).or_default();
        kind.constrained |= string_const
            || ["pattern", "format", "enum", "const"]
                .iter()
                .any(|k| object.contains_key(*k));
        kind.input |= object.contains_key("x-stackgen-input");
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            walk_schema(root, property, &format!("{path}/{name}"), sites, depth + 1);
        }
    }
    let values = object.get("additionalProperties").filter(|v| v.is_object());
    if values.is_some() || object.contains_key("propertyNames") {
        let kind = sites.entry(format!("{path}/{{key}}")).or_default();
        kind.constrained |= object.contains_key("propertyNames");
    }
    if let Some(values) = values {
        walk_schema(root, values, &format!("{path}/*"), sites, depth + 1);
    }
    if let Some(items) = object.get("items").filter(|v| v.is_object()) {
        walk_schema(root, items, &format!("{path}/#"), sites, depth + 1);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for alternative in object
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk_schema(root, alternative, path, sites, depth + 1);
        }
    }
}

fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        schema = &root["$defs"][name];
    }
    schema
}

/// Records the first instance in `value` of every field in `sites`.
fn find_instances(
    value: &Value,
    tokens: &mut Vec<String>,
    sites: &BTreeMap<String, SiteKind>,
    found: &mut BTreeMap<String, Instance>,
) {
    match value {
        Value::String(text) => {
            if let Some((site, kind)) = site_of(tokens, false, sites) {
                found.entry(site.clone()).or_insert_with(|| Instance {
                    site,
                    tokens: tokens.clone(),
                    is_key: false,
                    is_input: kind.input,
                    constrained: kind.constrained,
                    text: text.clone(),
                });
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                tokens.push(index.to_string());
                find_instances(item, tokens, sites, found);
                tokens.pop();
            }
        }
        Value::Object(entries) => {
            for (key, entry) in entries {
                tokens.push(key.clone());
                if let Some((site, kind)) = site_of(tokens, true, sites) {
                    found.entry(site.clone()).or_insert_with(|| Instance {
                        site,
                        tokens: tokens.clone(),
                        is_key: true,
                        is_input: false,
                        constrained: kind.constrained,
                        text: key.clone(),
                    });
                }
                find_instances(entry, tokens, sites, found);
                tokens.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The field a path in the document is an instance of.
fn site_of(
    tokens: &[String],
    is_key: bool,
    sites: &BTreeMap<String, SiteKind>,
) -> Option<(String, SiteKind)> {
    sites.iter().find_map(|(site, kind)| {
        let parts: Vec<&str> = site.split('/').skip(1).collect();
        let parts = if is_key {
            match parts.split_last() {
                Some((&"{key}", rest)) => rest,
                _ => return None,
            }
        } else {
            parts.as_slice()
        };
        let fits = parts.len() == tokens.len()
            && parts.iter().zip(tokens).all(|(part, token)| match *part {
                "*" => true,
                "#" => token.parse::<usize>().is_ok(),
                name => name == token,
            });
        fits.then(|| (site.clone(), *kind))
    })
}

/// The stack text with `value` at `instance`.
fn stack_with(fixture: &Fixture, instance: &Instance, value: &str) -> String {
    let mut document = fixture.document.clone();
    set(&mut document, instance, value);
    to_toml(document)
}

/// Puts `value` at `instance` in `document`.
fn set(document: &mut Value, instance: &Instance, value: &str) {
    let (last, parents) = instance.tokens.split_last().expect("a path");
    let mut at = document;
    for token in parents {
        at = match at {
            Value::Array(items) => &mut items[token.parse::<usize>().expect("an index")],
            Value::Object(entries) => entries.get_mut(token).expect("the path exists"),
            _ => unreachable!("a path through scalars"),
        };
    }
    match at {
        Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value.into(),
        Value::Object(entries) if instance.is_key => {
            let renamed: serde_json::Map<String, Value> = std::mem::take(entries)
                .into_iter()
                .map(|(key, entry)| {
                    if key == *last {
                        (value.to_owned(), entry)
                    } else {
                        (key, entry)
                    }
                })
                .collect();
            *entries = renamed;
        }
        Value::Object(entries) => {
            entries.insert(last.clone(), value.into());
        }
        _ => unreachable!("a path through scalars"),
    }
}

fn to_toml(document: Value) -> String {
    let table: toml::Table = serde_json::from_value(document).expect("JSON as TOML");
    toml::to_string(&table).expect("the stack serializes")
}

/// The fixture rendered as a stack file called `name`.
pub(super) fn render_fixture_named(name: &str) -> Result<stackgen::Output, Error> {
    let text = std::fs::read_to_string(root().join(FIXTURE)).expect("read the fixture");
    let loaded = stackgen::load::load_str_in(name, &text, &fixture_dir())?;
    stackgen::run(&loaded, &stackgen::Options::default())
}

/// Renders `text` as a stack in `dir`; `Err` holds the refusal.
fn render(text: &str, dir: &Path, name: Option<&str>) -> Result<Reading, Error> {
    let loaded = stackgen::load::load_str_in(name.unwrap_or("every-field.toml"), text, dir)?;
    let output = stackgen::run(&loaded, &stackgen::Options::default())?;
    Ok(read_bundle(&output.bundle))
}

/// One hostile value at one place: refused at it, or every output intact.
fn check(fixture: &Fixture, instance: &Instance, value: &str) {
    let context = || {
        format!(
            "{value:?} at {} ({})",
            instance.tokens.join("/"),
            instance.site
        )
    };
    let text = stack_with(fixture, instance, value);
    let folder;
    let dir = if instance.is_input {
        folder = inputs_with(value);
        folder.path().to_path_buf()
    } else {
        fixture_dir()
    };
    match render(&text, &dir, None) {
        Err(Error::Invalid(diagnostics)) => {
            check_refusal(fixture, instance, value, &text, &diagnostics);
        }
        Err(other) => panic!("{}: {other}", context()),
        Ok(hostile) => {
            let plain = if instance.constrained || instance.is_input {
                None
            } else {
                render(&stack_with(fixture, instance, MARKER), &dir, None).ok()
            };
            match plain {
                Some(plain) => {
                    if let Err(problem) = hostile.matches(&plain, MARKER, value) {
                        panic!("{}: {problem}", context());
                    }
                }
                None => {
                    if let Err(problem) = hostile.same_structure(&fixture.base, value) {
                        panic!("{}: {problem}", context());
                    }
                }
            }
        }
    }
}

/// The fixture's inputs in a fresh folder, plus a file of the name the
/// hostile path gives, where the file system takes it.
fn inputs_with(value: &str) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("a temporary folder");
    copy_tree(
        &fixture_dir().join("every-field"),
        &folder.path().join("every-field"),
    );
    let name = Path::new(value);
    let plain = !value.is_empty()
        && !value.contains('\0')
        && name
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if plain {
        let path = folder.path().join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let source = fixture_dir().join("every-field/certs/dev.crt");
        if !path.exists() {
            let _ = std::fs::copy(source, &path);
        }
    }
    folder
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// A refusal is diagnostics with spans inside the stack, at least one of
/// them at the hostile value (or, for a renamed key the stack refers to, at
/// a place that named it).
fn check_refusal(
    fixture: &Fixture,
    instance: &Instance,
    value: &str,
    text: &str,
    diagnostics: &[stackgen::Diagnostic],
) {
    assert!(
        diagnostics.iter().any(stackgen::Diagnostic::is_error),
        "{value:?} at {}: refused without an error",
        instance.site
    );
    let mut at_value = false;
    for diagnostic in diagnostics {
        let span = diagnostic.location.span.clone();
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{value:?} at {}: span {span:?} outside the stack",
            instance.site
        );
        at_value |= inside_string(text, &span, value);
        let slice = &text[span];
        at_value |= names(slice, value)
            || section_holds(text, slice, value)
            || (instance.is_key
                && referenced(&fixture.document, &instance.text)
                && names(slice, &instance.text));
    }
    assert!(
        at_value,
        "{value:?} at {}: no diagnostic points at the value: {:#?}",
        instance.site,
        diagnostics
            .iter()
            .map(|d| format!("{d} at {:?}", &text[d.location.span.clone()]))
            .collect::<Vec<_>>()
    );
}

/// Whether `span` lies inside a one-line string of `text` that reads as
/// `value` (a diagnostic at the place in an expression that goes wrong).
fn inside_string(text: &str, span: &std::ops::Range<usize>, value: &str) -> bool {
    let line_start = text[..span.start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |at| span.end + at);
    let quotes = |range: std::ops::Range<usize>| {
        text[range.clone()]
            .match_indices(['"', '\''])
            .map(move |(at, _)| range.start + at)
    };
    quotes(line_start..span.start).any(|open| {
        quotes(span.end..line_end).any(|close| {
            toml::from_str::<toml::Table>(&format!("x = {}", &text[open..=close]))
                .is_ok_and(|t| t["x"].as_str() == Some(value))
        })
    })
}

/// Whether a piece of TOML is `value`: a string, a key, or a table or array holding it.
fn names(slice: &str, value: &str) -> bool {
    // A bare key such as `1_000` also reads as a value (an integer), so
    // every reading is tried.
    if toml::from_str::<toml::Table>(&format!("x = {slice}")).is_ok_and(|t| holds(&t["x"], value)) {
        return true;
    }
    if toml::from_str::<toml::Table>(&format!("{slice} = 1")).is_ok_and(|t| t.contains_key(value)) {
        return true;
    }
    if toml::from_str::<toml::Table>(&format!("[{slice}]")).is_ok_and(|t| t.contains_key(value)) {
        return true;
    }
    // A table's body, from a `[section]` header on.
    toml::from_str::<toml::Table>(slice).is_ok_and(|table| holds(&toml::Value::Table(table), value))
}

/// Whether `slice` is a `[section]` or `[[section]]` header of a table of
/// `text` that holds `value` (a span on a table written as a section
/// covers its header).
fn section_holds(text: &str, slice: &str, value: &str) -> bool {
    let Some(header) = slice
        .strip_prefix("[[")
        .and_then(|s| s.strip_suffix("]]"))
        .or_else(|| slice.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
    else {
        return false;
    };
    let Ok(path) = toml::from_str::<toml::Table>(&format!("{header} = 1")) else {
        return false;
    };
    let Ok(document) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    let mut keys = Vec::new();
    let mut at = &path;
    while let Some((key, next)) = at.iter().next() {
        keys.push(key.clone());
        match next {
            toml::Value::Table(table) => at = table,
            _ => break,
        }
    }
    let mut found = vec![toml::Value::Table(document)];
    for key in &keys {
        found = found
            .iter()
            .filter_map(|v| v.get(key))
            .flat_map(|v| match v {
                toml::Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            })
            .collect();
    }
    found.iter().any(|v| holds(v, value))
}

fn holds(toml: &toml::Value, value: &str) -> bool {
    match toml {
        toml::Value::String(text) => text == value,
        toml::Value::Array(items) => items.iter().any(|item| holds(item, value)),
        toml::Value::Table(entries) => entries
            .iter()
            .any(|(key, entry)| key == value || holds(entry, value)),
        _ => false,
    }
}

/// Whether `name` is written as a string value somewhere in `document` (a reference).
fn referenced(document: &Value, name: &str) -> bool {
    match document {
        Value::String(text) => text == name,
        Value::Array(items) => items.iter().any(|item| referenced(item, name)),
        Value::Object(entries) => entries
            .iter()
            .any(|(key, entry)| referenced(entry, name) || (key == name && entry.is_string())),
        _ => false,
    }
}
