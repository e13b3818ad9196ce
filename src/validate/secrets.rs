//! Literal secrets: environment variables with secret-like names must take `${VAR}`.

use super::Checker;
use crate::config::EnvValue;
use crate::error::ErrorKind;
use crate::load::pointer;

/// Name fragments that mark a variable as a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "DSN",
    "WEBHOOK",
    "CREDENTIALS",
];

/// Whether a variable name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|word| upper.contains(word)) || upper.ends_with("_KEY")
}

/// Whether a value is only `${VAR}` references (or empty), never a literal.
pub fn is_reference(value: &str) -> bool {
    let mut rest = value.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix("${") else {
            return false;
        };
        let Some(end) = inner.find('}') else {
            return false;
        };
        let name = &inner[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
        rest = &inner[end + 1..];
    }
    true
}

/// Checks environment tables of every service.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        let mut tables = vec![(
            pointer(["services", name, "environment"]),
            &service.environment,
        )];
        if let Some(crate::config::Exporter::Custom(settings)) = &service.exporter {
            tables.push((
                pointer(["services", name, "exporter", "environment"]),
                &settings.environment,
            ));
        }
        for (base, environment) in tables {
            for (key, value) in environment {
                let EnvValue::Text(text) = value else {
                    continue;
                };
                if is_secret_name(key) && !is_reference(text) {
                    checker.error(
                        &format!("{base}/{}", crate::load::escape_pointer(key)),
                        ErrorKind::LiteralSecret {
                            field: key.clone(),
                            variable: key.to_ascii_uppercase(),
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_references() {
        assert!(is_secret_name("POSTGRES_PASSWORD"));
        assert!(is_secret_name("SLACK_WEBHOOK_URL"));
        assert!(is_secret_name("AWS_SECRET_ACCESS_KEY"));
        assert!(!is_secret_name("POSTGRES_USER"));
        assert!(is_reference("${DB_PASSWORD}"));
        assert!(is_reference("${A}${B}"));
        assert!(!is_reference("hunter2"));
        assert!(!is_reference("${A} and text"));
        assert!(!is_reference(""));
        assert!(!is_reference("${A:-literal}"));
    }
}
