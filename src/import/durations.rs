//! Compose durations (Go's `time.ParseDuration`: `1m30s`, `1.5s`, `500ms`)
//! in stack.toml's notation (`1m30s`, `1s500ms`).

/// Nanoseconds per unit, longest unit name first where names share a start.
const UNITS: [(&str, u128); 7] = [
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Nanoseconds in a minute (`m`, checked after `ms`).
const MINUTE: u128 = 60_000_000_000;

/// Why a duration does not carry over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a Go duration.
    Invalid,
    /// Finer than a millisecond, which stack.toml cannot say.
    SubMillisecond,
}

/// `text` (a Go duration) in stack.toml's notation.
pub fn convert(text: &str) -> Result<String, Problem> {
    let nanos = parse(text.trim()).ok_or(Problem::Invalid)?;
    if nanos % 1_000_000 != 0 {
        return Err(Problem::SubMillisecond);
    }
    let millis = u64::try_from(nanos / 1_000_000).map_err(|_| Problem::Invalid)?;
    Ok(crate::syntax::format_millis(millis))
}

/// Nanoseconds of a Go duration (no sign: Compose durations are never negative).
fn parse(text: &str) -> Option<u128> {
    let text = text.strip_prefix('+').unwrap_or(text);
    if text == "0" {
        return Some(0);
    }
    if text.is_empty() {
        return None;
    }
    let mut rest = text;
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let (unit_len, per_unit) = UNITS
            .iter()
            .find(|(name, _)| after.starts_with(name))
            .map(|(name, nanos)| (name.len(), *nanos))
            .or_else(|| after.starts_with('m').then_some((1, MINUTE)))?;
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let mut value = whole.checked_mul(per_unit)?;
        let mut scale = per_unit;
        for digit in fraction.chars() {
            scale /= 10;
            value = value.checked_add(u128::from(digit.to_digit(10)?) * scale)?;
        }
        total = total.checked_add(value)?;
        rest = &after[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_convert() {
        for (go, stack) in [
            ("10s", "10s"),
            ("1m30s", "1m30s"),
            ("90s", "1m30s"),
            ("1.5s", "1s500ms"),
            ("500ms", "500ms"),
            ("2h", "2h"),
            ("1h0m0s", "1h"),
            ("0", "0s"),
            ("0s", "0s"),
            ("1000us", "1ms"),
        ] {
            assert_eq!(convert(go).as_deref(), Ok(stack), "{go}");
        }
        assert_eq!(convert("100us"), Err(Problem::SubMillisecond));
        for bad in ["", "10", "s", "1d", "ten seconds", "-5s", "1.2.3s"] {
            assert_eq!(convert(bad), Err(Problem::Invalid), "{bad}");
        }
    }
}
