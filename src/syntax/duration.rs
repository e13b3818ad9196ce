//! Durations in Prometheus notation: `500ms`, `30s`, `5m`, `1h30m`, `30d`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern a duration must match: `<number><unit>` pairs with units in
/// the order `y w d h m s ms`, each at most once, the way Prometheus,
/// Alertmanager and promtool read durations (`1h30m`, not `30m1h`).
pub const DURATION_PATTERN: &str = "^([0-9]+y([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+w([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+h([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+m([0-9]+s)?([0-9]+ms)?|[0-9]+s([0-9]+ms)?|[0-9]+ms)$";

/// The schema `format` of a duration: [`DURATION_PATTERN`], and at most
/// the 292 years a Go `time.Duration` holds, which no pattern can say.
pub const DURATION_FORMAT: &str = "prometheus-duration";

/// A duration, read the way Prometheus reads one; it keeps the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration {
    text: String,
    millis: u64,
}

impl Duration {
    /// Reads `text` ([`read_duration`]).
    pub fn parse(text: &str) -> Result<Self, DurationProblem> {
        read_duration(text).map(|millis| Self {
            text: text.to_owned(),
            millis,
        })
    }

    /// A duration of `millis` milliseconds, written as [`format_millis`] writes it.
    pub fn from_millis(millis: u64) -> Self {
        Self {
            text: format_millis(millis),
            millis,
        }
    }

    /// The duration in milliseconds.
    pub fn millis(&self) -> u64 {
        self.millis
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The duration in the units Go's `time.ParseDuration` accepts (compose
    /// health checks): hours, minutes, seconds and milliseconds only.
    pub fn to_go(&self) -> String {
        format_millis(self.millis)
    }
}

/// Zero, written `0s`.
impl Default for Duration {
    fn default() -> Self {
        Self {
            text: "0s".to_owned(),
            millis: 0,
        }
    }
}

impl TryFrom<String> for Duration {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match read_duration(&text) {
            Ok(millis) => Ok(Self { text, millis }),
            Err(problem) => Err(format!("`{text}` is not a duration: {problem}")),
        }
    }
}

impl From<Duration> for String {
    fn from(duration: Duration) -> Self {
        duration.text
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "format": DURATION_FORMAT,
            "description": "A duration such as `30s`, `5m`, `1h30m` or `30d` (units: ms, s, m, h, d, w, y).",
            "examples": ["15s", "5m", "1h30m"]
        })
    }
}

/// Why a duration does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationProblem {
    /// Not `<number><unit>` pairs with units in the order `y w d h m s ms`.
    Invalid,
    /// Longer than the 292 years a Go `time.Duration` holds.
    OutOfRange,
}

impl fmt::Display for DurationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Invalid => "not `<number><unit>` pairs, largest unit first",
            Self::OutOfRange => "longer than 292 years",
        })
    }
}

/// The units of a duration, in the order they must come, in milliseconds.
const DURATION_UNITS: [(&str, u128); 7] = [
    ("y", 365 * 24 * 3_600_000),
    ("w", 7 * 24 * 3_600_000),
    ("d", 24 * 3_600_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// The longest duration Go holds, in milliseconds (nanoseconds in an `i64`).
const LONGEST_DURATION_MS: u128 = i64::MAX.unsigned_abs() as u128 / 1_000_000;

/// Reads a duration (`1h30m`, `500ms`, `30d`) into milliseconds the way
/// Prometheus and Alertmanager read one: units in the order `y w d h m s ms`,
/// each at most once, at most 292 years in all. Zero reads as zero.
pub fn read_duration(text: &str) -> Result<u64, DurationProblem> {
    if text.is_empty() {
        return Err(DurationProblem::Invalid);
    }
    let mut rest = text;
    let mut next_unit = 0;
    let mut total: u128 = 0;
    let mut out_of_range = false;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(DurationProblem::Invalid);
        }
        let (number, after_number) = rest.split_at(digits);
        // `ms` is one unit, never `m` and then `s`.
        let unit = DURATION_UNITS[next_unit..]
            .iter()
            .position(|(name, _)| {
                after_number.starts_with(name) && !(*name == "m" && after_number.starts_with("ms"))
            })
            .ok_or(DurationProblem::Invalid)?
            + next_unit;
        let (name, length) = DURATION_UNITS[unit];
        // A number too long to count is out of range, once the whole text
        // is known to be a duration.
        match number
            .parse::<u128>()
            .ok()
            .and_then(|count| count.checked_mul(length))
            .and_then(|ms| total.checked_add(ms))
            .filter(|ms| *ms <= LONGEST_DURATION_MS)
        {
            Some(ms) => total = ms,
            None => out_of_range = true,
        }
        rest = &after_number[name.len()..];
        next_unit = unit + 1;
    }
    if out_of_range {
        return Err(DurationProblem::OutOfRange);
    }
    u64::try_from(total).map_err(|_| DurationProblem::OutOfRange)
}

/// Reads a duration into milliseconds ([`read_duration`]); `None` when it
/// does not read.
pub fn parse_duration_millis(text: &str) -> Option<u64> {
    read_duration(text).ok()
}

/// Formats milliseconds with the largest exact units among h, m, s and ms.
pub fn format_millis(millis: u64) -> String {
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, suffix) in [(3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")] {
        if rest >= unit {
            out.push_str(&(rest / unit).to_string());
            out.push_str(suffix);
            rest %= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn millis(text: &str) -> Option<u64> {
        read_duration(text).ok()
    }

    #[test]
    fn durations_read_into_millis() {
        assert_eq!(millis("30s"), Some(30_000));
        assert_eq!(millis("1h30m"), Some(5_400_000));
        assert_eq!(millis("500ms"), Some(500));
        assert_eq!(millis("30d"), Some(2_592_000_000));
        assert_eq!(millis("10"), None);
        assert_eq!(millis("s"), None);
        assert_eq!(millis(""), None);
        assert_eq!(millis("1y1w1d1h1m1s1ms"), Some(32_230_861_001));
        assert_eq!(millis("01m"), Some(60_000));
        assert_eq!(millis("0s"), Some(0));
        assert_eq!(millis("5000000000s"), Some(5_000_000_000_000));
        assert_eq!(millis("292y"), Some(292 * 31_536_000_000));
        for bad in [
            "5m1h",
            "1m1m",
            "1s1ms1s",
            "1.5m",
            "5M",
            "m",
            "5",
            "5mm",
            "5m ",
            // Out of order after a number too long to count: still not a duration.
            "99999999999999999999999999999999999999999y1y",
        ] {
            assert_eq!(read_duration(bad), Err(DurationProblem::Invalid), "{bad}");
        }
        for long in ["293y", "99999999999999999999999999999999999999999y"] {
            assert_eq!(
                read_duration(long),
                Err(DurationProblem::OutOfRange),
                "{long}"
            );
        }
    }

    #[test]
    fn go_durations_use_only_go_units() {
        let go = |text: &str| Duration::parse(text).expect("a duration").to_go();
        assert_eq!(go("1d"), "24h");
        assert_eq!(go("90s"), "1m30s");
        assert_eq!(go("1500ms"), "1s500ms");
    }

    #[test]
    fn deserializing_refuses_what_does_not_read() {
        let read = |text: &str| serde_json::from_value::<Duration>(serde_json::json!(text));
        assert_eq!(read("5m").expect("reads").millis(), 300_000);
        assert!(read("30m1h").is_err());
        assert!(read("293y").is_err());
    }

    proptest! {
        /// The schema's pattern matches exactly the texts that read, or
        /// read but are too long (the `format` refuses those).
        #[test]
        fn the_pattern_matches_what_reads(text in "[0-9]{0,3}(y|w|d|h|m|s|ms|M|x)?[0-9]{0,2}(y|w|d|h|m|s|ms)?[0-9]{0,2}(h|m|s|ms)?") {
            let pattern = regex::Regex::new(DURATION_PATTERN).expect("compiles");
            prop_assert_eq!(
                pattern.is_match(&text),
                read_duration(&text) != Err(DurationProblem::Invalid),
                "{:?}", text
            );
        }
    }
}
