//! Scalar value types shared by the model: durations, byte sizes and secret references.
//!
//! Each keeps the text the user wrote (so diagnostics and outputs can quote
//! it) and carries a JSON Schema pattern, so editors flag bad values early
//! and the loader reports them with a span.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern a duration must match: `<number><unit>` pairs with units in
/// the order `y w d h m s ms`, each at most once, the way Prometheus,
/// Alertmanager and promtool read durations (`1h30m`, not `30m1h`).
pub const DURATION_PATTERN: &str = "^([0-9]+y([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+w([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+h([0-9]+m)?([0-9]+s)?([0-9]+ms)?|[0-9]+m([0-9]+s)?([0-9]+ms)?|[0-9]+s([0-9]+ms)?|[0-9]+ms)$";
/// The pattern a byte size must match, as compose understands it.
pub const BYTE_SIZE_PATTERN: &str = "^[0-9]+(\\.[0-9]+)?([bkmgtBKMGT]|[kmgtKMGT][iI]?[bB])?$";
/// The pattern a secret reference must match: `${NAME}`.
pub const SECRET_REF_PATTERN: &str = "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$";

/// A duration in Prometheus notation, such as `30s`, `5m`, `1h30m` or `30d`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct DurationStr(pub String);

impl DurationStr {
    /// The duration in milliseconds, or `None` when the text is not a duration.
    pub fn millis(&self) -> Option<u64> {
        parse_duration_millis(&self.0)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The duration in the units Go's `time.ParseDuration` accepts (compose
    /// health checks): hours, minutes, seconds and milliseconds only.
    pub fn to_go(&self) -> String {
        format_millis(self.millis().unwrap_or(0))
    }
}

impl fmt::Display for DurationStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DurationStr {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl JsonSchema for DurationStr {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
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
        let count: u128 = number.parse().map_err(|_| DurationProblem::OutOfRange)?;
        total = count
            .checked_mul(length)
            .and_then(|ms| total.checked_add(ms))
            .filter(|ms| *ms <= LONGEST_DURATION_MS)
            .ok_or(DurationProblem::OutOfRange)?;
        rest = &after_number[name.len()..];
        next_unit = unit + 1;
    }
    u64::try_from(total).map_err(|_| DurationProblem::OutOfRange)
}

/// Whether `text` is a decimal number as Go writes one: an optional sign,
/// digits with an optional fraction (or a fraction alone), an optional
/// exponent (`-1`, `1.`, `.5`, `1.5e-3`); no hexadecimal, no `_`.
pub fn is_decimal_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) && (fraction.is_empty() || digits(fraction)))
                || (whole.is_empty() && digits(fraction))
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

/// Parses a duration into milliseconds ([`read_duration`]); `None` when it
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

/// A memory size such as `512M` or `2G`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct ByteSize(pub String);

impl ByteSize {
    /// The size in bytes, or `None` when the text is not a size.
    pub fn bytes(&self) -> Option<u64> {
        let text = self.0.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let number: f64 = text[..split].parse().ok()?;
        let unit = text[split..].to_ascii_lowercase();
        let multiplier: f64 = match unit.trim_end_matches('b').trim_end_matches('i') {
            "" => 1.0,
            "k" => 1024.0,
            "m" => 1024.0 * 1024.0,
            "g" => 1024.0 * 1024.0 * 1024.0,
            "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
            _ => return None,
        };
        let bytes = number * multiplier;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (bytes.is_finite() && (0.0..1.0e18).contains(&bytes)).then_some(bytes as u64)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for ByteSize {
    fn schema_name() -> Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": BYTE_SIZE_PATTERN,
            "description": "A size in bytes with an optional unit: `512M`, `2G`, `1.5g`.",
            "examples": ["256M", "1G"]
        })
    }
}

/// A reference to a secret in the environment, written `${NAME}`. Literal
/// secrets are refused, so they never land in generated files or in git.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct SecretRef(pub String);

impl SecretRef {
    /// The variable name inside `${...}`.
    pub fn var(&self) -> &str {
        self.0
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .unwrap_or(&self.0)
    }

    /// The reference as written, `${NAME}`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for SecretRef {
    fn schema_name() -> Cow<'static, str> {
        "SecretRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": SECRET_REF_PATTERN,
            "description": "A secret taken from the environment, written `${NAME}`; literal secrets are refused.",
            "examples": ["${GRAFANA_ADMIN_PASSWORD}"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_to_millis() {
        assert_eq!(parse_duration_millis("30s"), Some(30_000));
        assert_eq!(parse_duration_millis("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_millis("500ms"), Some(500));
        assert_eq!(parse_duration_millis("30d"), Some(2_592_000_000));
        assert_eq!(parse_duration_millis("10"), None);
        assert_eq!(parse_duration_millis("s"), None);
        assert_eq!(parse_duration_millis(""), None);
        assert_eq!(
            parse_duration_millis("1y1w1d1h1m1s1ms"),
            Some(32_230_861_001)
        );
        assert_eq!(parse_duration_millis("01m"), Some(60_000));
        assert_eq!(parse_duration_millis("0s"), Some(0));
        assert_eq!(
            parse_duration_millis("5000000000s"),
            Some(5_000_000_000_000)
        );
        assert_eq!(parse_duration_millis("292y"), Some(292 * 31_536_000_000));
        for bad in [
            "5m1h", "1m1m", "1s1ms1s", "1.5m", "5M", "m", "5", "5mm", "5m ",
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
        assert_eq!(parse_duration_millis("99999999999999999999y"), None);
    }

    #[test]
    fn go_durations_use_only_go_units() {
        assert_eq!(DurationStr::from("1d").to_go(), "24h");
        assert_eq!(DurationStr::from("90s").to_go(), "1m30s");
        assert_eq!(DurationStr::from("1500ms").to_go(), "1s500ms");
    }

    #[test]
    fn byte_sizes_parse() {
        assert_eq!(ByteSize("512M".into()).bytes(), Some(512 * 1024 * 1024));
        assert_eq!(ByteSize("1g".into()).bytes(), Some(1024 * 1024 * 1024));
        assert_eq!(
            ByteSize("2GiB".into()).bytes(),
            Some(2 * 1024 * 1024 * 1024)
        );
        assert_eq!(ByteSize("lots".into()).bytes(), None);
    }

    #[test]
    fn secret_ref_names_its_variable() {
        assert_eq!(SecretRef("${SLACK_URL}".into()).var(), "SLACK_URL");
    }
}
