//! Value syntax: the small languages inside the stack file's strings and
//! numbers (durations, byte sizes, `${VAR}` references, bounded numbers,
//! Alertmanager matchers, Go regexes, DNS-safe names, label names, names
//! used as keys, nginx tokens, route paths and hosts, Alloy strings, release
//! numbers), each read by one function here that every stage shares.
//!
//! A type whose whole grammar the JSON Schema states (a `pattern`, a range,
//! or a `format` the schema check is taught, see [`FORMATS`]) refuses bad
//! text while deserializing, so "serde accepted it" means "the schema
//! accepts it", and the schema check explains every refusal with a span.

mod alloy;
mod byte_size;
mod container_name;
mod dns_label;
mod duration;
pub mod go_regex;
pub mod interpolation;
mod kubernetes;
pub mod matcher;
mod names;
pub mod nginx;
pub mod promql;
mod promql_dialect;
pub mod promql_error;
mod ranged;
mod release;
pub mod route;
mod secret_ref;
mod text;

pub use alloy::alloy_text_problem;
pub use byte_size::{BYTE_SIZE_FORMAT, BYTE_SIZE_PATTERN, ByteSize};
pub use container_name::{CONTAINER_NAME_PATTERN, ContainerName};
pub use dns_label::{check_dns_label, is_safe_name};
pub use duration::{
    DURATION_FORMAT, DURATION_PATTERN, Duration, DurationProblem, format_millis,
    parse_duration_millis, read_duration,
};
pub use kubernetes::{check_config_key, check_dns_subdomain, check_label_key, check_label_value};
pub use matcher::{LabelMatcher, MATCHER_FORMAT, parse_matcher, quote};
pub use names::{
    BuildArgName, DockerLabelKey, EnvName, LabelName, Name, NameGrammar, keys_as_property_names,
    name_rule, text_keys,
};
pub use promql::{parse_bounded, parse_promql};
pub use ranged::{Cpus, Ranged};
pub use release::ReleaseVersion;
pub use secret_ref::{SECRET_REF_PATTERN, SecretRef};
pub use text::{comment_text, is_label_name, unsafe_char};

/// Whether a text is of a `format`.
pub type FormatCheck = fn(&str) -> bool;

/// The `format`s of stackgen's own schema that the schema check asserts,
/// each with the check the type's deserializer applies: the same function
/// on both sides.
pub const FORMATS: [(&str, FormatCheck); 3] = [
    (DURATION_FORMAT, |text| Duration::parse(text).is_ok()),
    (BYTE_SIZE_FORMAT, |text| ByteSize::parse(text).is_ok()),
    (MATCHER_FORMAT, |text| parse_matcher(text).is_ok()),
];

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

/// Whether `name` is an environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
