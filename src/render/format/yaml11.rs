//! The test oracle for serde-saphyr's quoting: what a plain (unquoted) YAML
//! scalar means to the readers of our files, the YAML 1.2 core schema and
//! YAML 1.1 as Go's yaml.v2 (Prometheus, Alertmanager) and Compose resolve it.
//!
//! A plain scalar is a string only if no reader takes it for anything else.
//! The rules below are the union of the YAML 1.2 core schema, the YAML 1.1
//! type regexes (booleans `y`/`yes`/`on`/..., null, binary, octal, hex and
//! base 60 integers, floats, timestamps, the merge and value keys), yaml.v2's
//! extras (underscores dropped before parsing, `0o` and signed `0b`) and
//! serde-saphyr's inference (booleans and null in any letter case), so they
//! err on the side of "not a string". A number is accepted only in a
//! spelling every reader reads as the same value.

/// What a plain scalar resolves to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plain {
    /// `null`, `~` or nothing: null in every schema.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A decimal integer every schema reads as this value.
    Int(i128),
    /// A decimal float every schema reads as this value.
    Float(f64),
    /// Not a string in some schema, nor one of the spellings above: names
    /// what it is (`"boolean"` for `yes`, `"number"` for `0x1F`, ...).
    NotString(&'static str),
    /// A string in every schema.
    Str,
}

/// Text that some reader takes for something other than a string, by what
/// it is taken for: serde-saphyr must quote every one of them.
pub const NOT_STRINGS: &[(&str, &[&str])] = &[
    ("null", &["Null", "NULL", "nUlL"]),
    (
        "boolean",
        &[
            "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "True", "TRUE", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF", "yEs", "oN", "tRuE",
        ],
    ),
    ("merge key", &["<<"]),
    ("value key", &["="]),
    (
        "number",
        &[
            // YAML 1.2 core and 1.1 radix forms, yaml.v2's extras.
            "0x1F",
            "0X1f",
            "-0x1F",
            "0x_",
            "0o17",
            "0O17",
            "-0o17",
            "0o-17",
            "0b101",
            "0B101",
            "+0b1_0",
            "0b-1",
            "0_b+1",
            "-0b101",
            "0_x1",
            // Leading zeros (YAML 1.1 octal, or decimal in 1.2).
            "0123",
            "09",
            "-007",
            "00",
            // Underscores.
            "1_000",
            "1__0",
            "1_",
            "+_1",
            "1_000.5",
            "0_1",
            // Floats without a dot or exponent sign, or with several dots.
            "1e3",
            "1E3",
            "+1e-3",
            "1.5e3",
            "1e+3",
            ".5",
            "-.5",
            ".",
            "-.",
            "1.2.3",
            "1..",
            ".e+5",
            "1e999",
            // Non-finite, in any case.
            ".inf",
            "-.inf",
            "+.INF",
            ".Inf",
            ".nan",
            ".NaN",
            ".NAN",
            "-.nan",
            ".iNf",
            // Too large for 128 bits.
            "1000000000000000000000000000000000000000",
            // YAML 1.1 base 60.
            "1:20",
            "190:20:30",
            "-1:20",
            "1_0:20",
            "0:30.5",
            "1:20.",
            "12:30:00",
            "1:30",
        ],
    ),
    (
        "timestamp",
        &[
            "2001-12-14",
            "2001-1-4",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14T21:59:43Z",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14 21:59:43.10",
            "2001-12-14\t1:2:3,5 Z",
            "2001-12-14 21:59:43 +05:00",
        ],
    ),
];

/// Resolves the text of a plain scalar.
pub fn resolve(text: &str) -> Plain {
    let Some(&first) = text.as_bytes().first() else {
        return Plain::Null;
    };
    match first {
        b'0'..=b'9' | b'+' | b'-' | b'.' => numeric(text),
        b'~' if text.len() == 1 => Plain::Null,
        b'n' | b'N' | b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => word(text),
        b'<' if text == "<<" => Plain::NotString("merge key"),
        b'=' if text == "=" => Plain::NotString("value key"),
        _ => Plain::Str,
    }
}

/// Null and boolean words.
fn word(text: &str) -> Plain {
    match text {
        "null" => return Plain::Null,
        "true" => return Plain::Bool(true),
        "false" => return Plain::Bool(false),
        _ => {}
    }
    if text.len() > 5 {
        Plain::Str
    } else if text.eq_ignore_ascii_case("null") {
        Plain::NotString("null")
    } else if ["y", "yes", "n", "no", "true", "false", "on", "off"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
    {
        Plain::NotString("boolean")
    } else {
        Plain::Str
    }
}

/// Text starting with a digit, a sign or a dot.
fn numeric(text: &str) -> Plain {
    if let Some(number) = plain_decimal(text) {
        number
    } else if is_number(text) || is_sexagesimal(text) {
        Plain::NotString("number")
    } else if is_timestamp(text) {
        Plain::NotString("timestamp")
    } else {
        Plain::Str
    }
}

/// A number spelled so that every schema reads the same value: an optional
/// sign, an integer part without leading zeros, and for a float a `.`, digits
/// and an exponent with a sign (YAML 1.1 needs the dot and the sign).
fn plain_decimal(text: &str) -> Option<Plain> {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |at: usize| {
        bytes.get(at..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let integer = digits(at);
    if integer == 0 || (integer > 1 && bytes[at] == b'0') {
        return None;
    }
    at += integer;
    if at == bytes.len() {
        return text.parse().ok().map(Plain::Int);
    }
    if bytes[at] != b'.' {
        return None;
    }
    at += 1;
    at += digits(at);
    if let Some(b'e' | b'E') = bytes.get(at) {
        if !matches!(bytes.get(at + 1), Some(b'+' | b'-')) {
            return None;
        }
        let exponent = digits(at + 2);
        if exponent == 0 {
            return None;
        }
        at += 2 + exponent;
    }
    if at == bytes.len() {
        text.parse().ok().map(Plain::Float)
    } else {
        None
    }
}

/// A number in any schema's spelling: `.inf`/`.nan` in any case, integers
/// with a `0x`/`0o`/`0b` prefix, and decimal integers or floats with any
/// leading zeros, several dots (YAML 1.1) or an exponent with or without a
/// sign. YAML 1.1 allows underscores among the digits (even `0x_`); yaml.v2
/// drops every underscore before it parses, and reads a sign after an
/// unsigned `0b` or `0o`.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan") {
        return true;
    }
    if let Some((radix, digits)) = radix_digits(unsigned)
        && !digits.is_empty()
        && digits.chars().all(|c| c == '_' || c.is_digit(radix))
    {
        return true;
    }
    let dropped;
    let text = if text.contains('_') {
        dropped = text.replace('_', "");
        &dropped
    } else {
        text
    };
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if let Some((radix, digits)) = radix_digits(unsigned) {
        let digits = if text.starts_with("0b") || text.starts_with("0o") {
            digits.strip_prefix(['+', '-']).unwrap_or(digits)
        } else {
            digits
        };
        return !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    }
    is_decimal(unsigned)
}

/// The radix and digits of a `0x`, `0o` or `0b` integer.
fn radix_digits(unsigned: &str) -> Option<(u32, &str)> {
    let radix = match unsigned.as_bytes() {
        [b'0', b'x' | b'X', ..] => 16,
        [b'0', b'o' | b'O', ..] => 8,
        [b'0', b'b' | b'B', ..] => 2,
        _ => return None,
    };
    Some((radix, &unsigned[2..]))
}

/// Digits, then a dot and digits or dots, then an exponent, each optional,
/// with a digit or the dot.
fn is_decimal(unsigned: &str) -> bool {
    let mut rest = unsigned.bytes().peekable();
    let mut integer_digits = 0;
    while rest.next_if(u8::is_ascii_digit).is_some() {
        integer_digits += 1;
    }
    let dot = rest.next_if_eq(&b'.').is_some();
    if dot {
        while rest.next_if(|b| b.is_ascii_digit() || *b == b'.').is_some() {}
    }
    if integer_digits == 0 && !dot {
        return false;
    }
    if rest.next_if(|b| matches!(b, b'e' | b'E')).is_some() {
        rest.next_if(|b| matches!(b, b'+' | b'-'));
        let mut exponent_digits = 0;
        while rest.next_if(u8::is_ascii_digit).is_some() {
            exponent_digits += 1;
        }
        if exponent_digits == 0 {
            return false;
        }
    }
    rest.next().is_none()
}

/// A YAML 1.1 base 60 integer (`1:20`, first digit not 0) or float
/// (`0:30.5`, with a dot): components after the first are `[0-5]?[0-9]`.
fn is_sexagesimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let Some((first, rest)) = integer.split_once(':') else {
        return false;
    };
    let first_ok = match first.as_bytes().first() {
        Some(b'1'..=b'9') => true,
        Some(b'0') => fraction.is_some(),
        _ => false,
    };
    first_ok
        && first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && rest.split(':').all(|part| match part.as_bytes() {
            [units] => units.is_ascii_digit(),
            [tens, units] => matches!(tens, b'0'..=b'5') && units.is_ascii_digit(),
            _ => false,
        })
        && fraction.is_none_or(|digits| digits.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}

/// A YAML 1.1 timestamp, as its regex or yaml.v2 reads one: `2001-12-14`,
/// optionally a `T`, `t` or blanks and `21:59:43`, a fraction, and a zone
/// (`Z` or `+1`, `-05:00`). Month, day and time fields may have one digit.
fn is_timestamp(text: &str) -> bool {
    let mut rest = text.as_bytes();
    let digits = |rest: &mut &[u8], min: usize, max: usize| {
        let count = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        *rest = &rest[count..];
        (min..=max).contains(&count)
    };
    let byte = |rest: &mut &[u8], wanted: &[u8]| match rest.first() {
        Some(b) if wanted.contains(b) => {
            *rest = &rest[1..];
            true
        }
        _ => false,
    };
    if !(digits(&mut rest, 4, 4)
        && byte(&mut rest, b"-")
        && digits(&mut rest, 1, 2)
        && byte(&mut rest, b"-")
        && digits(&mut rest, 1, 2))
    {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let blanks = |rest: &mut &[u8]| {
        let count = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        *rest = &rest[count..];
        count
    };
    if !byte(&mut rest, b"Tt") && blanks(&mut rest) == 0 {
        return false;
    }
    if !(digits(&mut rest, 1, 2)
        && byte(&mut rest, b":")
        && digits(&mut rest, 1, 2)
        && byte(&mut rest, b":")
        && digits(&mut rest, 1, 2))
    {
        return false;
    }
    if byte(&mut rest, b".,") {
        digits(&mut rest, 0, usize::MAX);
    }
    blanks(&mut rest);
    if rest.is_empty() || rest == b"Z" {
        return true;
    }
    byte(&mut rest, b"+-")
        && digits(&mut rest, 1, 2)
        && (rest.is_empty()
            || (byte(&mut rest, b":") && digits(&mut rest, 2, 2) && rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::{NOT_STRINGS, Plain, resolve};

    #[test]
    fn null_and_booleans_have_one_spelling() {
        for text in ["", "~", "null"] {
            assert_eq!(resolve(text), Plain::Null, "{text:?}");
        }
        assert_eq!(resolve("true"), Plain::Bool(true));
        assert_eq!(resolve("false"), Plain::Bool(false));
    }

    #[test]
    fn what_some_reader_takes_for_no_string_is_not_a_string() {
        for (kind, texts) in NOT_STRINGS {
            for text in *texts {
                assert_eq!(resolve(text), Plain::NotString(kind), "{text:?}");
            }
        }
    }

    #[test]
    fn text_like_numbers_but_not_numbers_is_a_string() {
        for text in [
            "web",
            "nope",
            "yesterday",
            "online",
            "offset",
            "nulls",
            "truely",
            "~~",
            "<",
            "<<<",
            "==",
            "10s",
            "1.5GiB",
            "0.0.0.0:9090",
            "1.2.3-beta",
            "v1.2",
            "-",
            "+",
            "+_",
            "_1",
            "-e5",
            "1e",
            "1e+",
            "0x",
            "0xg",
            "0x+1",
            "-0b+1",
            "0B+1",
            "0o8",
            "0b2",
            "inf",
            "nan",
            "-inf",
            "1:60",
            "0:20",
            "1:2:3a",
            "1:",
            ":20",
            "2001-12-14x",
            "2001-12-14 release",
            "2001-12-145",
            "2001-12-14T21:59",
            "2001-12-14 21:59:43 +05:0",
            "20011-12-14",
            "2001/12/14",
        ] {
            assert_eq!(resolve(text), Plain::Str, "{text:?}");
        }
    }

    #[test]
    fn numbers_read_as_their_value() {
        let cases = [
            ("0", Plain::Int(0)),
            ("-0", Plain::Int(0)),
            ("80", Plain::Int(80)),
            ("-12", Plain::Int(-12)),
            ("+7", Plain::Int(7)),
            ("18446744073709551615", Plain::Int(u64::MAX.into())),
            ("1.0", Plain::Float(1.0)),
            ("0.25", Plain::Float(0.25)),
            ("5.", Plain::Float(5.0)),
            ("4.0e-6", Plain::Float(4.0e-6)),
            ("1.0e+20", Plain::Float(1.0e20)),
        ];
        for (text, number) in cases {
            assert_eq!(resolve(text), number, "{text:?}");
        }
    }
}
