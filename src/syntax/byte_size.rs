//! Byte sizes as compose writes them: `512M`, `2G`, `1.5g`, `64KiB`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// The pattern a byte size must match, as compose understands it.
pub const BYTE_SIZE_PATTERN: &str = "^[0-9]+(\\.[0-9]+)?([bkmgtBKMGT]|[kmgtKMGT][iI]?[bB])?$";

/// The schema `format` of a byte size: [`BYTE_SIZE_PATTERN`], and less
/// than 10^18 bytes, which no pattern can say.
pub const BYTE_SIZE_FORMAT: &str = "byte-size";

/// The largest size accepted, in bytes (exclusive).
const LIMIT: f64 = 1.0e18;

/// A size in bytes with an optional binary unit; it keeps the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub struct ByteSize {
    text: String,
    bytes: u64,
}

impl ByteSize {
    /// Reads `text`: digits with an optional fraction and an optional unit
    /// (`b`, `k`, `m`, `g`, `t`, each in either case, `kb`, `KiB`, ...),
    /// every unit a power of 1024; a fraction of a byte is dropped.
    pub fn parse(text: &str) -> Result<Self, String> {
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let well_formed = match number.split_once('.') {
            Some((whole, fraction)) => is_digits(whole) && is_digits(fraction),
            None => is_digits(number),
        };
        let exponent = match unit.as_bytes() {
            [] | [b'b' | b'B'] => Some(0),
            [prefix] | [prefix, b'b' | b'B'] | [prefix, b'i' | b'I', b'b' | b'B'] => power(*prefix),
            _ => None,
        };
        let (true, Some(exponent)) = (well_formed, exponent) else {
            return Err(format!("`{text}` is not a size"));
        };
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a size"))?;
        let bytes = value * 1024_f64.powi(exponent);
        if !(bytes.is_finite() && bytes < LIMIT) {
            return Err(format!("`{text}` is larger than stackgen accepts"));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Self {
            text: text.to_owned(),
            bytes: bytes as u64,
        })
    }

    /// The size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The power of 1024 a unit prefix stands for.
fn power(prefix: u8) -> Option<i32> {
    match prefix.to_ascii_lowercase() {
        b'k' => Some(1),
        b'm' => Some(2),
        b'g' => Some(3),
        b't' => Some(4),
        _ => None,
    }
}

impl TryFrom<String> for ByteSize {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<ByteSize> for String {
    fn from(size: ByteSize) -> Self {
        size.text
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
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
            "format": BYTE_SIZE_FORMAT,
            "description": "A size in bytes with an optional unit: `512M`, `2G`, `1.5g`.",
            "examples": ["256M", "1G"]
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn bytes(text: &str) -> Option<u64> {
        ByteSize::parse(text).ok().map(|size| size.bytes())
    }

    #[test]
    fn byte_sizes_read() {
        assert_eq!(bytes("512M"), Some(512 * 1024 * 1024));
        assert_eq!(bytes("1g"), Some(1024 * 1024 * 1024));
        assert_eq!(bytes("2GiB"), Some(2 * 1024 * 1024 * 1024));
        assert_eq!(bytes("1.5k"), Some(1536));
        assert_eq!(bytes("100"), Some(100));
        assert_eq!(bytes("100b"), Some(100));
        for bad in [
            "lots", "", "1.", ".5", "1bb", "1Bi", "1iB", " 1", "1e3", "1.5.1k",
        ] {
            assert_eq!(bytes(bad), None, "{bad}");
        }
        assert_eq!(bytes("999999T"), None, "past 10^18 bytes");
    }

    proptest! {
        /// The schema's pattern matches exactly the texts that read, or
        /// read but are too large (the `format` refuses those).
        #[test]
        fn the_pattern_matches_what_reads(text in "[0-9]{0,3}(\\.[0-9]{0,2})?[bkmgtBKMGTiIx]{0,3}") {
            let pattern = regex::Regex::new(BYTE_SIZE_PATTERN).expect("compiles");
            let reads = ByteSize::parse(&text).is_ok();
            prop_assert_eq!(pattern.is_match(&text), reads, "{:?}", text);
        }
    }
}
