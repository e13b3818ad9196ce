//! Literal secrets in environment variables: a variable whose name says it
//! holds a secret must take a `${VAR}` reference, and a URL in any value
//! must not carry a literal password (`postgres://user:pw@db/app`).
//!
//! A name is a secret's when its last word (split at `_`, `-` and `.`) is
//! `PASSWORD`, `PASSWD`, `PASS`, `PWD`, `SECRET`, `TOKEN`, `KEY`, `APIKEY`,
//! `DSN`, `CREDENTIALS` or `WEBHOOK`, when it ends in `WEBHOOK_URL`, or
//! when `PASSWORD`, `PASSWD` or `SECRET` is one of its words and the last
//! word does not say the value is about the secret rather than the secret
//! (`_FILE`, `_PATH`, `_NAME`, `_ID`, `_LENGTH`, ...: `POSTGRES_PASSWORD_FILE`
//! names a file). A public key is not a secret: `PUBLIC_KEY`,
//! `JWT_PUBLIC_KEY` and `STRIPE_PUBLISHABLE_KEY` may hold a literal.

use super::Checker;
use crate::config::EnvValue;
use crate::error::ErrorKind;
use crate::load::{escape_pointer, pointer};

/// Last words that make a name a secret's.
const SECRET_SUFFIXES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "APIKEY",
    "DSN",
    "CREDENTIALS",
    "WEBHOOK",
];

/// Words that make a name a secret's wherever they stand.
const SECRET_WORDS: &[&str] = &["PASSWORD", "PASSWD", "SECRET"];

/// Last words that say the value is about a secret, not the secret itself.
const NOT_THE_SECRET: &[&str] = &[
    "FILE", "PATH", "DIR", "NAME", "ID", "ARN", "LENGTH", "TTL", "ENABLED", "POLICY", "EXPIRY",
];

/// Words before `KEY` that make it a public key.
const PUBLIC: &[&str] = &["PUBLIC", "PUBLISHABLE"];

/// Whether a variable name looks like it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    if *last == "KEY" && before.last().is_some_and(|w| PUBLIC.contains(w)) {
        return false;
    }
    SECRET_SUFFIXES.contains(last)
        || upper.ends_with("WEBHOOK_URL")
        || (words.iter().any(|w| SECRET_WORDS.contains(w)) && !NOT_THE_SECRET.contains(last))
}

/// Whether a value is only `${VAR}` references, never a literal.
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

/// The byte ranges of literal passwords in URLs inside `value`: the part
/// between `user:` and `@` of `scheme://user:password@host`. A password
/// that is a `${VAR}` reference, or empty, is not one.
pub fn url_passwords(value: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = value[from..].find("://") {
        let start = from + at + 3;
        // The authority ends at the first `/`, `?`, `#` or whitespace.
        let authority_end = value[start..]
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .map_or(value.len(), |end| start + end);
        let authority = &value[start..authority_end];
        if let Some(userinfo_end) = authority.rfind('@') {
            let userinfo = &authority[..userinfo_end];
            if let Some(colon) = userinfo.find(':') {
                let password = &userinfo[colon + 1..];
                if !password.is_empty() && !is_reference(password) {
                    let begin = start + colon + 1;
                    found.push(begin..begin + password.len());
                }
            }
        }
        from = authority_end.max(start);
    }
    found
}

/// Checks the environment tables of every service and custom exporter.
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
                let at = format!("{base}/{}", escape_pointer(key));
                check_value(checker, &at, key, value);
            }
        }
    }
}

/// Checks one environment variable.
fn check_value(checker: &mut Checker<'_>, at: &str, key: &str, value: &EnvValue) {
    let literal = match value {
        EnvValue::Text(text) => !is_reference(text),
        EnvValue::Integer(_) | EnvValue::Float(_) => true,
        EnvValue::Bool(_) => false,
    };
    if is_secret_name(key) && literal {
        checker.error(
            at,
            ErrorKind::LiteralSecret {
                field: key.to_owned(),
                variable: key.to_ascii_uppercase(),
            },
        );
        return;
    }
    let EnvValue::Text(text) = value else {
        return;
    };
    for password in url_passwords(text) {
        let mut location = checker.spans.value(at);
        // Point at the password itself when the source spells it as is
        // (no escapes): its text followed by the `@` of the URL.
        let written = &location.source.text[location.span.clone()];
        let needle = format!(":{}@", &text[password.clone()]);
        if let Some(offset) = written.find(&needle) {
            let start = location.span.start + offset + 1;
            location.span = start..start + password.len();
        }
        checker.push(crate::error::Diagnostic::error(
            ErrorKind::UrlPassword {
                field: key.to_owned(),
                variable: password_variable(key),
            },
            location,
        ));
    }
}

/// The variable to suggest for a password in the URL of `key`:
/// `DATABASE_URL` → `DATABASE_PASSWORD`.
fn password_variable(key: &str) -> String {
    let upper: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let stem = ["_URL", "_URI", "_DSN", "_ADDR", "_ADDRESS"]
        .iter()
        .find_map(|suffix| upper.strip_suffix(suffix))
        .unwrap_or(&upper);
    let stem = stem.trim_matches('_');
    if stem.is_empty() || stem.starts_with(|c: char| c.is_ascii_digit()) {
        "PASSWORD".to_owned()
    } else {
        format!("{stem}_PASSWORD")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "POSTGRES_PASSWORD",
            "DB_PASS",
            "MYSQL_PWD",
            "LDAP_PASSWD",
            "GITHUB_TOKEN",
            "API_KEY",
            "STRIPE_SECRET_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "CLIENT_SECRET",
            "SENTRY_DSN",
            "SLACK_WEBHOOK_URL",
            "SECRET_KEY_BASE",
            "db_password",
            "PASSWORD",
            "GOOGLE_APPLICATION_CREDENTIALS",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "POSTGRES_USER",
            "POSTGRES_PASSWORD_FILE",
            "JWT_PUBLIC_KEY",
            "PUBLIC_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "AWS_ACCESS_KEY_ID",
            "PASSWORD_MIN_LENGTH",
            "SECRET_NAME",
            "KEYCLOAK_URL",
            "TOKENIZER",
            "BYPASS_CACHE",
            "PASSENGER_COUNT",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn references() {
        assert!(is_reference("${DB_PASSWORD}"));
        assert!(is_reference("${A}${B}"));
        assert!(!is_reference("hunter2"));
        assert!(!is_reference("${A} and text"));
        assert!(!is_reference(""));
        assert!(!is_reference("${A:-literal}"));
    }

    #[test]
    fn passwords_in_urls() {
        let cases: &[(&str, &[&str])] = &[
            ("postgres://user:pw@host/db", &["pw"]),
            ("redis://:s3cret@cache:6379/0", &["s3cret"]),
            ("amqp://guest:guest@rabbit", &["guest"]),
            ("mongodb://app:pw@h1:27017,h2:27017/db", &["pw"]),
            ("postgres://u:p@ss@host/db", &["p@ss"]),
            ("a=http://u:p@h/x b=https://v:q@k", &["p", "q"]),
            ("postgres://user:${DB_PASSWORD}@host/db", &[]),
            ("postgres://user@host/db", &[]),
            ("postgres://user:@host/db", &[]),
            ("http://host:8080/path@x:y", &[]),
            ("jdbc:postgresql://db:5432/app", &[]),
            ("not a url: a:b@c", &[]),
            ("://", &[]),
        ];
        for (value, expected) in cases {
            let found: Vec<&str> = url_passwords(value)
                .into_iter()
                .map(|range| &value[range])
                .collect();
            assert_eq!(found, *expected, "{value}");
        }
    }

    #[test]
    fn diagnostics_point_at_the_password() {
        let text = r#"[stack]
name = "t"

[services.app]
image = "app:1"
environment = { DATABASE_URL = "postgres://app:hunter2@db/app", CACHE_URL = "redis://:${REDIS_PASSWORD}@cache", DB_PASS = "x", JWT_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----", API_KEY = "${API_KEY}", DB_PWD = 1234 }
"#;
        let loaded = crate::load::load_str("stack.toml", text).expect("loads");
        let found: Vec<(&str, &str, String, String)> = crate::validate::validate(&loaded)
            .iter()
            .map(|d| {
                (
                    d.kind.code(),
                    &text[d.location.span.clone()],
                    d.kind.to_string(),
                    d.kind.help(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "stackgen::secrets::url-password",
                    "hunter2",
                    "literal password in the URL of `DATABASE_URL`".to_owned(),
                    "write the password as `${DATABASE_PASSWORD}` inside the URL and set DATABASE_PASSWORD in the environment or a .env file".to_owned(),
                ),
                (
                    "stackgen::secrets::literal",
                    "\"x\"",
                    "literal secret in `DB_PASS`".to_owned(),
                    "write `\"${DB_PASS}\"` and set DB_PASS in the environment or a .env file"
                        .to_owned(),
                ),
                (
                    "stackgen::secrets::literal",
                    "1234",
                    "literal secret in `DB_PWD`".to_owned(),
                    "write `\"${DB_PWD}\"` and set DB_PWD in the environment or a .env file"
                        .to_owned(),
                ),
            ]
        );
    }
}
