//! Exact numbers for SLO arithmetic: objectives, error budgets and burn-rate
//! factors are rationals, so `100 - 99.9` is `0.1` and a 28-day period
//! scales the 14.4 factor to `13.44`, never to `13.440000000000001`.

use num_rational::Ratio;

/// An exact rational number.
pub type Exact = Ratio<i128>;

/// The most decimal places an exact number read from the stack may have.
pub const MAX_DECIMALS: u32 = 10;

/// `value` as the decimal number it was written as (its shortest
/// round-trip form: `99.9` for the float nearest 99.9); `None` when it is
/// not finite or has more than [`MAX_DECIMALS`] decimal places.
pub fn from_f64(value: f64) -> Option<Exact> {
    if !value.is_finite() {
        return None;
    }
    // `{:e}` is the shortest text that reads back as the same float.
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let negative = mantissa.starts_with('-');
    let mantissa = mantissa.trim_start_matches('-');
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
    let fraction_len = i32::try_from(fraction.len()).ok()?;
    // The value is digits × 10^(exponent - fraction_len).
    let scale = exponent - fraction_len;
    let number = if scale >= 0 {
        if scale > 20 {
            return None;
        }
        Exact::from_integer(digits.checked_mul(10_i128.checked_pow(scale.unsigned_abs())?)?)
    } else {
        let places = scale.unsigned_abs();
        if places > MAX_DECIMALS {
            return None;
        }
        Exact::new(digits, 10_i128.pow(places))
    };
    Some(if negative { -number } else { number })
}

/// `value` written as a decimal number, when it has a finite one
/// (`0.001`, `13.44`, `3`); `None` for values such as 14/15.
pub fn decimal_text(value: Exact) -> Option<String> {
    let mut rest = *value.denom();
    let mut twos = 0u32;
    let mut fives = 0u32;
    while rest % 2 == 0 {
        rest /= 2;
        twos += 1;
    }
    while rest % 5 == 0 {
        rest /= 5;
        fives += 1;
    }
    if rest != 1 {
        return None;
    }
    // value = numer / denom = numer × (10^places / denom) / 10^places.
    let places = twos.max(fives);
    let scale = 10_i128.checked_pow(places)? / *value.denom();
    let digits = value.numer().checked_mul(scale)?.unsigned_abs().to_string();
    let sign = if *value.numer() < 0 { "-" } else { "" };
    let places = places as usize;
    if places == 0 {
        return Some(format!("{sign}{digits}"));
    }
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = padded.split_at(padded.len() - places);
    Some(format!("{sign}{whole}.{fraction}"))
}

/// `value` as exact `PromQL` number text: a decimal when it has one, else
/// the reduced fraction `n/d`, which Prometheus evaluates to the nearest
/// float (`14/15`). Put it in parentheses where it is an operand.
pub fn promql_text(value: Exact) -> String {
    decimal_text(value).unwrap_or_else(|| format!("{}/{}", value.numer(), value.denom()))
}

/// `value` rounded to `significant` significant digits, as a decimal
/// (for numbers that only need to be near: test input samples, messages);
/// exact when its decimal is that short. Rounded through the nearest float,
/// so no scaling of the rational can overflow.
pub fn rounded_text(value: Exact, significant: u32) -> String {
    if let Some(text) = decimal_text(value)
        && text
            .trim_start_matches(['-', '0', '.'])
            .replace('.', "")
            .len()
            <= significant as usize
    {
        return text;
    }
    let float = to_f64(value);
    if float == 0.0 || !float.is_finite() {
        return "0".to_owned();
    }
    #[allow(clippy::cast_possible_truncation)]
    let leading = float.abs().log10().floor() as i32;
    let places = (i32::try_from(significant).unwrap_or(6) - 1 - leading).clamp(0, 30);
    let text = format!("{float:.*}", places.unsigned_abs() as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// The float nearest `value`.
#[allow(clippy::cast_precision_loss)]
pub fn to_f64(value: Exact) -> f64 {
    *value.numer() as f64 / *value.denom() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(numer: i128, denom: i128) -> Exact {
        Exact::new(numer, denom)
    }

    #[test]
    fn floats_read_as_written() {
        assert_eq!(from_f64(99.9), Some(exact(999, 10)));
        assert_eq!(from_f64(99.0), Some(exact(99, 1)));
        assert_eq!(from_f64(99.95), Some(exact(9995, 100)));
        assert_eq!(from_f64(0.001), Some(exact(1, 1000)));
        assert_eq!(from_f64(1e6), Some(exact(1_000_000, 1)));
        assert_eq!(
            from_f64(99.999_999_999_9),
            Some(exact(999_999_999_999, 10_000_000_000))
        );
        assert_eq!(from_f64(99.123_456_789_012_34), None, "too many places");
        assert_eq!(from_f64(f64::NAN), None);
        assert_eq!(from_f64(f64::INFINITY), None);
        assert_eq!(from_f64(-2.5), Some(exact(-5, 2)));
    }

    #[test]
    fn decimals_are_exact_or_absent() {
        assert_eq!(decimal_text(exact(1, 1000)).as_deref(), Some("0.001"));
        assert_eq!(decimal_text(exact(336, 25)).as_deref(), Some("13.44"));
        assert_eq!(decimal_text(exact(72, 5)).as_deref(), Some("14.4"));
        assert_eq!(decimal_text(exact(3, 1)).as_deref(), Some("3"));
        assert_eq!(decimal_text(exact(-1, 8)).as_deref(), Some("-0.125"));
        assert_eq!(decimal_text(exact(14, 15)), None);
        assert_eq!(promql_text(exact(14, 15)), "14/15");
        assert_eq!(promql_text(exact(28, 5)), "5.6");
    }

    #[test]
    fn rounding_keeps_significant_digits() {
        assert_eq!(rounded_text(exact(14, 15), 6), "0.933333");
        assert_eq!(rounded_text(exact(2, 3), 3), "0.667");
        assert_eq!(rounded_text(exact(216, 10_000), 6), "0.0216");
        assert_eq!(rounded_text(exact(1000, 3), 4), "333.3");
        assert_eq!(rounded_text(exact(0, 1), 4), "0");
    }
}
