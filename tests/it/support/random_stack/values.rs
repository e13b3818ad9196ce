//! Strategies for the values inside a stack: names, free text, label names,
//! durations, ports, sizes, drawn mostly from the edges of what the schema
//! and the checks allow (the longest names, unicode, quotes and braces,
//! the smallest and largest numbers, durations near their limits).

use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::sample::select;
use toml::Value;

/// A name safe as a DNS label: a lowercase letter, then lowercase letters,
/// digits and `-`, not ending in `-`, 1 to `max` characters; often the
/// shortest or the longest.
pub fn dns_name(max: usize) -> BoxedStrategy<String> {
    let max = max.max(1);
    prop_oneof![
        2 => "[a-z]".boxed(),
        5 => "[a-z][a-z0-9-]{0,10}[a-z0-9]".boxed(),
        2 => Just(max).prop_flat_map(|max| {
            proptest::string::string_regex(&format!("[a-z][a-z0-9-]{{{}}}[a-z0-9]", max.saturating_sub(2)))
                .expect("a valid pattern")
                .boxed()
        }).boxed(),
    ]
    .prop_map(move |name: String| name.chars().take(max).collect::<String>())
    .prop_map(|name| name.trim_end_matches('-').to_owned())
    .boxed()
}

/// Free text: anything a TOML string holds that is printable, often
/// long, with unicode, quotes, braces, `$`, `#`, backslashes and line breaks.
pub fn free_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 .,:/_-]{1,40}".boxed(),
        3 => text_from(ANY_PIECES, 1, 24),
        1 => text_from(ANY_PIECES, 100, 400),
    ]
    .boxed()
}

/// Text for a field checked to hold nothing that could end a token, a line
/// or a directive in a hand-written format: no quotes, braces, `;`, `$`,
/// `\`, `#`, line breaks, control or invisible characters; spaces and
/// unicode allowed.
pub fn plain_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 .,:/_-]{1,40}".boxed(),
        2 => text_from(PLAIN_PIECES, 1, 24),
        1 => text_from(PLAIN_PIECES, 100, 300),
    ]
    .prop_map(|text| text.trim().to_owned())
    .prop_filter("not empty", |text| !text.is_empty())
    .boxed()
}

/// A Prometheus label name other than the reserved `__` ones: a letter or
/// `_`, then letters, digits and `_`; sometimes very long.
pub fn label_name() -> BoxedStrategy<String> {
    prop_oneof![
        5 => "[a-z][a-z0-9_]{0,12}".boxed(),
        1 => "_[a-zA-Z0-9][a-zA-Z0-9_]{0,8}".boxed(),
        1 => "[A-Z][A-Za-z0-9_]{100,200}".boxed(),
    ]
    .boxed()
}

/// A label value: free text, or empty.
pub fn label_value() -> BoxedStrategy<String> {
    prop_oneof![8 => free_text(), 1 => Just(String::new())].boxed()
}

/// An alert or SLO name in `UpperCamelCase`.
pub fn camel_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[A-Z][a-z]{1,8}([A-Z][a-z0-9]{1,8}){0,3}".boxed(),
        1 => "[A-Z][a-zA-Z0-9]{60,120}".boxed(),
    ]
    .boxed()
}

/// A duration between `min` and `max` milliseconds, written in
/// Prometheus notation with one to several units, largest first; often
/// exactly at a bound.
pub fn duration(min: u64, max: u64) -> BoxedStrategy<String> {
    prop_oneof![
        1 => Just(min),
        1 => Just(max),
        4 => min..=max,
        2 => (0..=4_u32).prop_map(move |digits| {
            // Round numbers across the range: 1s, 10m, 100h...
            let step = 10_u64.pow(digits);
            (min / step * step).clamp(min, max)
        }),
    ]
    .prop_flat_map(|millis| (Just(millis), any::<bool>()))
    .prop_map(move |(millis, round)| {
        // Whole seconds more often than not, as people write them.
        let seconds = millis / SECOND * SECOND;
        write_duration(if round && seconds >= min {
            seconds
        } else {
            millis
        })
    })
    .boxed()
}

/// `millis` in the largest units that divide it, as Prometheus reads:
/// `y w d h m s ms`, each once.
pub fn write_duration(millis: u64) -> String {
    const UNITS: [(u64, &str); 7] = [
        (365 * 86_400_000, "y"),
        (7 * 86_400_000, "w"),
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
        (1, "ms"),
    ];
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, name) in UNITS {
        if rest >= unit {
            let _ = write!(out, "{}{name}", rest / unit);
            rest %= unit;
        }
    }
    out
}

/// Milliseconds in a second, minute, hour, day, year.
pub const SECOND: u64 = 1_000;
/// Milliseconds in a minute.
pub const MINUTE: u64 = 60 * SECOND;
/// Milliseconds in an hour.
pub const HOUR: u64 = 60 * MINUTE;
/// Milliseconds in a day.
pub const DAY: u64 = 24 * HOUR;
/// Milliseconds in a (365-day) year.
pub const YEAR: u64 = 365 * DAY;
/// The longest duration Go holds, in whole milliseconds (about 292 years).
pub const LONGEST: u64 = 9_223_372_036_854;

/// A TCP port: 1 to 65535, often at an edge.
pub fn port() -> BoxedStrategy<u16> {
    prop_oneof![
        1 => Just(1_u16),
        1 => Just(65_535_u16),
        6 => 1..=65_535_u16,
    ]
    .boxed()
}

/// A byte size as compose writes one, up to just under 10^18 bytes.
pub fn byte_size() -> BoxedStrategy<String> {
    let unit = select(vec![
        "", "b", "k", "M", "g", "T", "kb", "MB", "KiB", "GiB", "tib",
    ]);
    prop_oneof![
        3 => (1..=4096_u32, unit.clone()).prop_map(|(n, u)| format!("{n}{u}")),
        1 => (1..=999_u32, 0..=9_u32, unit).prop_map(|(n, f, u)| format!("{n}.{f}{u}")),
        1 => Just("0".to_owned()),
        1 => Just("888817T".to_owned()),
    ]
    .boxed()
}

/// An image reference: short, registry-qualified, with a digest, or long.
pub fn image() -> BoxedStrategy<String> {
    prop_oneof![
        Just("redis:7-alpine".to_owned()),
        "[a-z][a-z0-9]{0,20}(:[a-z0-9][a-z0-9._-]{0,20})?",
        "ghcr\\.io/[a-z0-9]{1,12}/[a-z0-9-]{1,30}[a-z0-9]:[0-9]\\.[0-9]{1,2}\\.[0-9]",
        "localhost:5000/[a-z]{1,8}@sha256:[0-9a-f]{64}",
    ]
    .boxed()
}

/// A float at an edge: tiny, huge, negative, with many digits.
pub fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        Just(0.0),
        Just(-1.5),
        Just(1e-300),
        Just(1.797_693_134_862_315_7e308),
        Just(123_456_789.123_456_78),
        -1e6..1e6_f64,
    ]
    .boxed()
}

/// A list of 0 to `max` items of `element`.
pub fn list<T: std::fmt::Debug>(
    element: impl Strategy<Value = T>,
    max: usize,
) -> impl Strategy<Value = Vec<T>> {
    prop::collection::vec(element, 0..=max)
}

/// `Some(value)` half of the time.
pub fn maybe<T: std::fmt::Debug + Clone>(
    element: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(element)
}

/// Text made of `min` to `max` pieces of `pieces`.
fn text_from(pieces: &'static [&'static str], min: usize, max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(select(pieces), min..=max)
        .prop_map(|parts| parts.concat())
        .boxed()
}

const PLAIN_PIECES: &[&str] = &[
    "a", "Z", "0", "9", " ", " ", "-", "_", ".", ",", ":", "/", "=", "+", "*", "?", "!", "@", "%",
    "&", "|", "<", ">", "(", ")", "[", "]", "~", "^", "é", "ß", "日本", "Ω", "🚀", "ا", "word",
    "Alert", "x",
];

const ANY_PIECES: &[&str] = &[
    "a", "Z", "0", "9", " ", " ", "-", "_", ".", ",", ":", "/", "=", "+", "*", "?", "!", "@", "%",
    "&", "|", "<", ">", "(", ")", "[", "]", "~", "^", "é", "ß", "日本", "Ω", "🚀", "ا", "\"", "'",
    "`", "{", "}", "{{", "}}", "$", "${", "$$", "#", ";", "\\", "\n", "\t", "word",
];

/// A TOML table from `(key, value)` pairs, leaving out the `None` ones.
pub fn table(pairs: Vec<(&str, Option<Value>)>) -> Value {
    Value::Table(
        pairs
            .into_iter()
            .filter_map(|(key, value)| value.map(|value| (key.to_owned(), value)))
            .collect(),
    )
}

/// A TOML string.
pub fn text(value: impl Into<String>) -> Value {
    Value::String(value.into())
}

/// A TOML array of strings.
pub fn texts<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Value {
    Value::Array(values.into_iter().map(|v| text(v)).collect())
}

/// A TOML table of string values.
pub fn text_map<K: Into<String>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Value {
    Value::Table(
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), text(v)))
            .collect(),
    )
}
