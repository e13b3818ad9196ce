//! Serde and the JSON Schema agree: every document the model deserializes
//! is valid against the committed schema, and every valid document
//! deserializes. Checked on every stack in the repository and on random
//! mutations of the valid ones, whatever field they hit, so a new field,
//! newtype or bound is covered without naming it here.
//!
//! One difference is by design: JSON Schema counts an integral float
//! (`80.0`) as an integer, and serde, like TOML, does not; the model then
//! refuses what the schema accepts, and the loader reports serde's message.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::error::SourceFile;

fn schema_accepts(doc: &Value) -> bool {
    let (validator, _) = super::schema_check::validator().expect("the schema compiles");
    validator.is_valid(doc)
}

fn serde_accepts(doc: &Value) -> bool {
    super::deserialize_stack(doc).is_ok()
}

/// Whether `doc` holds a float with no fraction, which the schema may take
/// for an integer.
fn has_integral_float(doc: &Value) -> bool {
    match doc {
        Value::Number(number) => {
            number.is_f64() && number.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        Value::Array(items) => items.iter().any(has_integral_float),
        Value::Object(map) => map.values().any(has_integral_float),
        _ => false,
    }
}

/// Both sides agree on `doc`, but for the integral float.
fn agree(doc: &Value) -> bool {
    let (serde, schema) = (serde_accepts(doc), schema_accepts(doc));
    serde == schema || (schema && !serde && has_integral_float(doc))
}

/// Every `.toml` file under the repository's stack, example and test folders.
fn repository_stacks() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["stacks", "examples", "tests", "templates/init"] {
        walk(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

fn document(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let source = SourceFile::new(path.display().to_string(), text);
    super::parse_document(&source).ok().map(|(doc, _)| doc)
}

/// The valid documents mutations start from.
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        repository_stacks()
            .iter()
            .filter_map(|path| document(path))
            .filter(schema_accepts)
            .collect()
    })
}

#[test]
fn agree_on_every_stack_in_the_repository() {
    let mut valid = 0;
    let mut invalid = 0;
    for path in repository_stacks() {
        let Some(doc) = document(&path) else { continue };
        assert!(agree(&doc), "{}", path.display());
        if serde_accepts(&doc) {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid >= 10 && invalid >= 5,
        "{valid} valid, {invalid} invalid"
    );
}

/// Values that sit on the schema's edges: durations, sizes, secrets,
/// enum names, bounded numbers and their near misses.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "5m",
            "1h30m",
            "5x",
            "m",
            "10",
            "292y",
            "293y",
            "1y1y",
            "0s",
            "${X}",
            "${bad-name}",
            "$X",
            "secret",
            "app",
            "generic",
            "postgres",
            "always",
            "tcp",
            "udp",
            "80:80",
            "8080",
            "1GB",
            "1.5Gi",
            "999999T",
            "12",
            "",
            " ",
            "a/b",
            "app-1",
            "-app",
            "critical",
            "warning",
            "http",
            "https",
            "/metrics",
            "1e3",
            "${X}x",
            "5m5m",
            "a.b_c-d",
        ])
        .prop_map(|s| json!(s)),
        prop::sample::select(vec![
            json!(0),
            json!(1),
            json!(-1),
            json!(-2),
            json!(10),
            json!(11),
            json!(24),
            json!(25),
            json!(50),
            json!(51),
            json!(80),
            json!(100),
            json!(101),
            json!(255),
            json!(256),
            json!(1000),
            json!(1001),
            json!(65535),
            json!(65536),
            json!(4_294_967_295_u64),
            json!(4_294_967_296_u64),
            json!(i64::MAX),
            json!(i64::MIN),
            json!(0.001),
            json!(0.01),
            json!(1.0),
            json!(1.5),
            json!(-0.5),
            json!(1024.0),
            json!(1024.5),
            json!(65535.0),
            json!(65535.5),
            json!(1e300),
            json!(true),
            json!(false),
        ]),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "image", "port", "ports", "kind", "name", "x", "interval", "password",
                        "replicas", "expr", "team", "soft", "hard", "width", "cpus",
                    ]),
                    inner
                ),
                0..3
            )
            .prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
            }),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Remove,
    Insert(String, Value),
    /// Put a copy of another place of the document here.
    Transplant(Vec<usize>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => value().prop_map(Mutation::Replace),
        1 => Just(Mutation::Remove),
        1 => (prop::sample::select(vec!["imag", "extra", "port", "image", "kind"]), value())
            .prop_map(|(k, v)| Mutation::Insert(k.to_owned(), v)),
        2 => prop::collection::vec(any::<usize>(), 1..8).prop_map(Mutation::Transplant),
    ]
}

/// Follows `path` (indices taken modulo each container's size) as deep as it goes.
fn locate<'a>(root: &'a mut Value, path: &[usize]) -> &'a mut Value {
    let mut node = root;
    for &step in path {
        let len = match &*node {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 {
            break;
        }
        node = match node {
            Value::Object(map) => map.values_mut().nth(step % len).expect("in range"),
            Value::Array(items) => &mut items[step % len],
            _ => unreachable!("only containers have a length"),
        };
    }
    node
}

fn apply(mut doc: Value, path: &[usize], mutation: Mutation) -> Value {
    let donor = if let Mutation::Transplant(from) = &mutation {
        Some(locate(&mut doc.clone(), from).clone())
    } else {
        None
    };
    // Stop one level above the target so `Remove` can take it out.
    let (parent_path, last) = path.split_at(path.len().saturating_sub(1));
    let parent = locate(&mut doc, parent_path);
    match (mutation, parent) {
        (Mutation::Insert(key, value), Value::Object(map)) => {
            map.insert(key, value);
        }
        (Mutation::Remove, Value::Object(map)) if !map.is_empty() => {
            let at = last.first().copied().unwrap_or(0) % map.len();
            let key = map.keys().nth(at).cloned().unwrap_or_default();
            map.shift_remove(&key);
        }
        (Mutation::Remove, Value::Array(items)) if !items.is_empty() => {
            let at = last.first().copied().unwrap_or(0) % items.len();
            items.remove(at);
        }
        (Mutation::Replace(value), parent) => *locate(parent, last) = value,
        (Mutation::Transplant(_), parent) => {
            *locate(parent, last) = donor.unwrap_or_else(|| json!({}));
        }
        (_, parent) => *parent = json!({}),
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn agree_on_mutated_stacks(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 1..7), mutation()),
            1..4,
        ),
    ) {
        let mut doc = seed.get(seeds()).clone();
        for (path, mutation) in mutations {
            doc = apply(doc, &path, mutation);
        }
        prop_assert!(
            agree(&doc),
            "serde {:?} / schema {}: {}",
            super::deserialize_stack(&doc).err().map(|e| e.to_string()),
            schema_accepts(&doc),
            doc
        );
    }
}
