//! Tests of the YAML parse-back check, and of serde-saphyr's quoting against
//! the YAML 1.1 rules of [`super::yaml11`].

use indexmap::IndexMap;
use proptest::prelude::*;
use serde::Serialize;

use super::yaml11::{Plain, resolve};
use super::*;

#[derive(Serialize)]
struct Service {
    name: String,
    port: String,
    replicas: u32,
    weight: f64,
    tags: Vec<String>,
    labels: IndexMap<String, String>,
    enabled: Option<bool>,
}

fn service() -> Service {
    Service {
        name: "web".to_owned(),
        port: "80".to_owned(),
        replicas: 2,
        weight: 1.0,
        tags: vec!["a".to_owned(), "b: c".to_owned()],
        labels: IndexMap::from([("tier".to_owned(), "true".to_owned())]),
        enabled: None,
    }
}

/// The YAML `to_yaml` emits for [`service`], written out by hand so each
/// test can change one thing.
const SERVICE_YAML: &str = "name: web\nport: \"80\"\nreplicas: 2\nweight: 1.0\ntags:\n- a\n- \"b: c\"\nlabels:\n  tier: \"true\"\nenabled: null\n";

fn read_back(body: &str) -> Result<(), Error> {
    check_yaml(&to_value(&service())?, body)
}

#[track_caller]
fn yaml_error(body: &str) -> String {
    match read_back(body) {
        Err(Error::Bug(message)) => message
            .strip_prefix("emitted YAML does not read back as the value written: ")
            .unwrap_or(&message)
            .to_owned(),
        other => panic!("expected a bug report, got {other:?}"),
    }
}

#[test]
fn emitted_text_reads_back() {
    assert_eq!(to_yaml(&service()).expect("reads back"), SERVICE_YAML);
    read_back(SERVICE_YAML).expect("reads back");
    let json = to_json(&service()).expect("serializes");
    assert!(json.starts_with("{\n  \"name\": \"web\",") && json.ends_with("}\n"));
}

#[test]
fn a_changed_scalar_is_rejected() {
    assert_eq!(
        yaml_error(&SERVICE_YAML.replace("name: web", "name: api")),
        r#"wrote `{"name":"web","port":"80","replicas":2,"weight":1`, read `{"name":"api","port":"80","replicas":2,"weight":1`"#
    );
    assert_eq!(
        yaml_error(&SERVICE_YAML.replace("replicas: 2", "replicas: 3")),
        r#"wrote `{"name":"web","port":"80","replicas":2,"weight":1.0,"tags":["a","b: c"],"labe`, read `{"name":"web","port":"80","replicas":3,"weight":1.0,"tags":["a","b: c"],"labe`"#
    );
}

#[test]
fn a_missing_extra_renamed_or_reordered_key_is_rejected() {
    for changed in [
        SERVICE_YAML.replace("enabled: null\n", ""),
        SERVICE_YAML.replace("  tier: \"true\"\n", "  tier: \"true\"\n  zone: eu\n"),
        SERVICE_YAML.replace("tier:", "tear:"),
        SERVICE_YAML.replace("name: web\nport: \"80\"\n", "port: \"80\"\nname: web\n"),
    ] {
        yaml_error(&changed);
    }
}

#[test]
fn a_changed_sequence_length_or_type_is_rejected() {
    for changed in [
        SERVICE_YAML.replace("- \"b: c\"\n", ""),
        SERVICE_YAML.replace("port: \"80\"", "port: 80"),
        SERVICE_YAML.replace("tier: \"true\"", "tier: true"),
        SERVICE_YAML.replace("- \"b: c\"", "- b: c"),
        SERVICE_YAML.replace("enabled: null", "enabled: ''"),
        SERVICE_YAML.replace("weight: 1.0", "weight: 1"),
    ] {
        assert!(yaml_error(&changed).ends_with('`'), "{changed}");
    }
}

#[test]
fn a_repeated_or_merge_key_is_rejected() {
    for changed in [
        SERVICE_YAML.replace("  tier: \"true\"\n", "  tier: \"true\"\n  tier: \"true\"\n"),
        SERVICE_YAML.replace(
            "labels:\n  tier: \"true\"\n",
            "labels:\n  <<: {tier: \"true\"}\n",
        ),
    ] {
        assert!(read_back(&changed).is_err(), "{changed}");
    }
    // A `<<` key is written quoted, so it reads back as the string.
    let text = to_yaml(&IndexMap::from([("<<", "a")])).expect("reads back");
    assert!(!text.starts_with("<<"), "{text}");
}

#[test]
fn text_that_does_not_parse_is_reported_as_such() {
    match read_back("name: web\nport: \"80\n") {
        Err(Error::Bug(message)) => {
            assert!(
                message.starts_with("emitted YAML does not parse: "),
                "{message}"
            );
        }
        other => panic!("expected a bug report, got {other:?}"),
    }
}

/// serde-saphyr's text for `text` as a value and as a key, each with
/// whether it was written plain (unquoted); each is checked to read back.
/// A manifest file holds one document per service: a 10,000-service stack
/// writes files of more documents than the parser allows untrusted input.
#[test]
fn own_files_of_many_documents_read_back() {
    let body = "a: 1\n---\n".repeat(5000);
    let documents = parse_own_yaml_documents(&body).expect("5,000 documents read");
    assert_eq!(documents.len(), 5000);
}

fn emitted(text: &str) -> [(String, bool); 2] {
    let as_key = IndexMap::from([(text, 0)]);
    let value = to_yaml(&text).expect("reads back");
    let key = to_yaml(&as_key).expect("reads back");
    let value_plain = value == format!("{text}\n");
    let key_plain = key == format!("{text}: 0\n");
    [(value, value_plain), (key, key_plain)]
}

/// A string serde-saphyr writes plain must be a string to every reader, and
/// every string must read back as itself.
fn assert_reads_as_string(text: &str) {
    for (_, plain) in emitted(text) {
        if plain {
            assert_eq!(
                resolve(text),
                Plain::Str,
                "{text:?} is written plain but YAML 1.1 or 1.2 reads it as something else"
            );
        }
    }
}

#[test]
fn every_yaml_1_1_non_string_is_quoted() {
    for text in super::yaml11::NOT_STRINGS
        .iter()
        .flat_map(|(_, texts)| *texts)
    {
        for (yaml, plain) in emitted(text) {
            assert!(!plain, "{text:?} is written plain: {yaml:?}");
        }
        assert_reads_as_string(text);
    }
}

/// Text built from the characters YAML's scalar types are spelled with.
fn scalar_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[-+.:_ 0-9eExXoObB~<=tTrRuUfFaAlLsSyYnN]{0,10}")
        .expect("a valid regex")
}

proptest! {
    #[test]
    fn plain_strings_mean_the_same_in_yaml_1_1_and_1_2(text in scalar_like()) {
        assert_reads_as_string(&text);
    }

    #[test]
    fn any_string_reads_back(text in any::<String>()) {
        assert_reads_as_string(&text);
    }

    /// A float is written as a float (the read-back tells an integer from a float, so
    /// `1.0` and `1` differ), and every reader reads the same value.
    #[test]
    fn floats_read_as_the_same_number_everywhere(value in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let yaml = serde_saphyr::to_string(&value).expect("serializes");
        let text = yaml.trim_end();
        match resolve(text) {
            Plain::Float(read) => prop_assert_eq!(read.to_bits(), value.to_bits(), "{}", text),
            other => prop_assert!(false, "{value} is written {text:?}, which reads as {other:?}"),
        }
    }

    #[test]
    fn integers_read_as_the_same_number_everywhere(value in any::<i64>(), big in any::<u64>()) {
        for (text, value) in [
            (serde_saphyr::to_string(&value).expect("serializes"), i128::from(value)),
            (serde_saphyr::to_string(&big).expect("serializes"), i128::from(big)),
        ] {
            prop_assert_eq!(resolve(text.trim_end()), Plain::Int(value));
        }
    }
}
