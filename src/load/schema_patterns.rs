//! The `pattern`s of stackgen's own schema, written out as code.
//!
//! Compiling a regex costs tens of microseconds, more than checking a
//! whole seed stack against the schema, so the four patterns the schema
//! uses are matched by hand here; any other pattern is compiled. The tests
//! check each matcher against the compiled pattern on many texts.

use crate::config::{
    BYTE_SIZE_PATTERN, CONTAINER_NAME_PATTERN, DURATION_PATTERN, DurationProblem,
    SECRET_REF_PATTERN, read_duration,
};

/// The matcher written out for `pattern`, if there is one.
pub fn written_out(pattern: &str) -> Option<fn(&str) -> bool> {
    [
        (DURATION_PATTERN, is_duration as fn(&str) -> bool),
        (BYTE_SIZE_PATTERN, is_byte_size),
        (CONTAINER_NAME_PATTERN, is_container_name),
        (SECRET_REF_PATTERN, is_secret_ref),
    ]
    .into_iter()
    .find_map(|(known, matcher)| (known == pattern).then_some(matcher))
}

/// How many leading bytes of `text` are ASCII digits.
fn digits(text: &[u8]) -> usize {
    text.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// [`DURATION_PATTERN`]: a duration that reads, whatever its length.
fn is_duration(text: &str) -> bool {
    read_duration(text) != Err(DurationProblem::Invalid)
}

/// `^[0-9]+(\.[0-9]+)?([bkmgtBKMGT]|[kmgtKMGT][iI]?[bB])?$`
fn is_byte_size(text: &str) -> bool {
    let mut rest = text.as_bytes();
    let whole = digits(rest);
    if whole == 0 {
        return false;
    }
    rest = &rest[whole..];
    if let [b'.', fraction @ ..] = rest {
        let count = digits(fraction);
        if count == 0 {
            return false;
        }
        rest = &fraction[count..];
    }
    let prefix = |b: &u8| b"kmgtKMGT".contains(b);
    match rest {
        [] => true,
        [unit] => prefix(unit) || *unit == b'b' || *unit == b'B',
        [unit, b'b' | b'B'] | [unit, b'i' | b'I', b'b' | b'B'] => prefix(unit),
        _ => false,
    }
}

/// `^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$`
fn is_container_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((first, rest)) = bytes.split_first() else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && rest.len() <= 62
        && rest
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// `^\$\{[A-Za-z_][A-Za-z0-9_]*\}$`
fn is_secret_ref(text: &str) -> bool {
    let Some(name) = text
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        return false;
    };
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn agrees(pattern: &str, text: &str) -> bool {
        let matcher = written_out(pattern).expect("written out");
        let regex = regex::Regex::new(pattern).expect("compiles");
        matcher(text) == regex.is_match(text)
    }

    #[test]
    fn every_pattern_of_the_schema_is_written_out() {
        let value = crate::load::stack_schema();
        let mut patterns = Vec::new();
        collect_patterns(&value, &mut patterns);
        assert!(patterns.len() >= 4, "{patterns:?}");
        for pattern in patterns {
            assert!(written_out(&pattern).is_some(), "{pattern}");
        }
    }

    fn collect_patterns(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    match (key.as_str(), item) {
                        ("pattern", serde_json::Value::String(pattern)) => {
                            out.push(pattern.clone());
                        }
                        _ => collect_patterns(item, out),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    collect_patterns(item, out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn written_out_matchers_agree_with_the_patterns_on_chosen_texts() {
        for text in [
            "",
            "5m",
            "1h30m",
            "5ms",
            "5mss",
            "m",
            "5",
            "1.5m",
            "5m5",
            "10s1ms",
            "1y2w3d4h5m6s7ms",
            "5M",
            "0s",
            "5m ",
        ] {
            assert!(agrees(DURATION_PATTERN, text), "{text:?}");
        }
        for text in [
            "", "1", "512m", "1g", "1.5G", "1.", ".5", "1kb", "1KiB", "1kib", "1ib", "1b", "1B",
            "1bb", "1x", "1Kix", "2tB",
        ] {
            assert!(agrees(BYTE_SIZE_PATTERN, text), "{text:?}");
        }
        let longest = format!("a{}", "b".repeat(62));
        let too_long = format!("a{}", "b".repeat(63));
        for text in ["", "a", "-a", "a-b.c_d", "a b", "é", &longest, &too_long] {
            assert!(agrees(CONTAINER_NAME_PATTERN, text), "{text:?}");
        }
        for text in [
            "", "${A}", "${_a1}", "${1a}", "${}", "$A", "${A", "${A}x", "x${A}", "${A-B}",
        ] {
            assert!(agrees(SECRET_REF_PATTERN, text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn durations_agree(text in "([0-9]{1,2}(ms|[smhdwy.x]))*[0-9msmhdwy.x]{0,3}") {
            prop_assert!(agrees(DURATION_PATTERN, &text));
        }

        #[test]
        fn byte_sizes_agree(text in "[0-9.bkmgtBKMGTiIx]{0,6}") {
            prop_assert!(agrees(BYTE_SIZE_PATTERN, &text));
        }

        #[test]
        fn container_names_agree(text in "[a-zA-Z0-9_.\\- é]{0,70}") {
            prop_assert!(agrees(CONTAINER_NAME_PATTERN, &text));
        }

        #[test]
        fn secret_refs_agree(text in "[$\\{\\}A-Za-z0-9_\\-]{0,8}") {
            prop_assert!(agrees(SECRET_REF_PATTERN, &text));
        }
    }
}
