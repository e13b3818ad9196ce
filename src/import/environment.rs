//! `environment` (as a map or a list) as stack.toml `environment`, with every
//! literal secret moved to the generated `.env`.
//!
//! A variable is a secret by stackgen's own rule (the one `stackgen validate`
//! refuses literals by: [`crate::validate::secrets::is_secret_name`]); its
//! literal value goes into `.env` and stack.toml gets `${NAME}`. A variable
//! without a value (`- DEBUG`, `DEBUG:`) takes the value Compose would take,
//! `${DEBUG}`. Numbers and booleans stay numbers and booleans.

use toml_edit::{Item, Table, Value, value};

use super::context::Context;
use super::model::{ComposeFile, ListOrMap, Scalar};
use super::names::Namespace;
use super::path::Path;
use super::variables::interpolate;
use crate::validate::secrets::{is_reference, is_secret_name, url_passwords};

/// The `environment` table of the service `service` (`at` is `services.NAME`).
pub fn environment(
    ctx: &mut Context<'_>,
    service: &str,
    at: &Path,
    environment: &ListOrMap,
) -> Table {
    let mut table = Table::new();
    for (position, (key, scalar)) in environment.entries().into_iter().enumerate() {
        let path = if environment.is_list() {
            at.key("environment").index(position)
        } else {
            at.key("environment").key(&key)
        };
        if key.is_empty() {
            ctx.lose(&path, "a variable without a name");
            continue;
        }
        let Some(scalar) = scalar else {
            if is_variable_name(&key) {
                ctx.change(
                    &path,
                    format!("no value: Compose takes it from the environment, stack.toml says so as `${{{key}}}`"),
                );
                table.insert(&key, value(format!("${{{key}}}")));
            } else {
                ctx.lose(
                    &path,
                    "no value, and the name cannot be a `${...}` reference",
                );
            }
            continue;
        };
        let (item, comment) = entry(ctx, service, &path, &key, &scalar);
        table.insert(&key, item);
        if let (Some(comment), Some(Item::Value(value))) = (comment, table.get_mut(&key)) {
            value.decor_mut().set_suffix(format!("  # {comment}"));
        }
    }
    table
}

/// Records every literal secret of the services' environments in `.env`
/// first, in the file's order, so that a password in a URL reuses the name
/// of the secret it repeats wherever the two are in the file.
pub fn reserve_secrets(ctx: &mut Context<'_>, file: &ComposeFile) {
    for (compose_name, service) in &file.services {
        let Some(environment) = &service.environment else {
            continue;
        };
        let name = ctx
            .names
            .get(Namespace::Service, compose_name)
            .unwrap_or(compose_name)
            .to_owned();
        let at = Path::service(compose_name);
        for (position, (key, scalar)) in environment.entries().into_iter().enumerate() {
            let Some(scalar) = scalar.filter(|_| is_secret_name(&key)) else {
                continue;
            };
            let path = if environment.is_list() {
                at.key("environment").index(position)
            } else {
                at.key("environment").key(&key)
            };
            let text = match &scalar {
                Scalar::Text(raw) => interpolate(raw).text,
                other => other.text(),
            };
            if !is_reference(&text) {
                let (stored, literal) = stored(&scalar, text);
                ctx.dotenv.value(
                    &[key.clone(), format!("{name}_{key}")],
                    &stored,
                    literal,
                    false,
                    &path,
                );
            }
        }
    }
}

/// What `.env` holds for a secret: the text when it is literal, else the
/// value as written (Compose expands its references there too).
fn stored(scalar: &Scalar, text: String) -> (String, bool) {
    match scalar {
        Scalar::Text(raw) if !interpolate(raw).is_literal() => (raw.clone(), false),
        _ => (text, true),
    }
}

/// One variable's value, and a comment for its line.
fn entry(
    ctx: &mut Context<'_>,
    service: &str,
    path: &Path,
    key: &str,
    scalar: &Scalar,
) -> (Item, Option<String>) {
    let secret = is_secret_name(key);
    let text = ctx.scalar_text(path, scalar);
    if !secret || is_reference(&text) {
        let mut comment = None;
        let item = match scalar {
            Scalar::Bool(flag) => value(*flag),
            Scalar::Int(number) => value(*number),
            Scalar::Float(number) => value(*number),
            Scalar::Text(_) => {
                let (text, moved) = without_url_passwords(ctx, service, path, key, &text);
                if moved {
                    comment = Some("password in .env".to_owned());
                }
                value(text)
            }
        };
        return (item, comment);
    }
    // A literal secret, or one mixing references with literal text: the
    // value goes to .env as written (references are expanded there too).
    let (stored, literal) = stored(scalar, text);
    let wanted = [key.to_owned(), format!("{service}_{key}")];
    let name = ctx.dotenv.value(&wanted, &stored, literal, false, path);
    ctx.change(
        path,
        format!("a literal secret: stack.toml refers to it as `${{{name}}}`, its value is in the generated .env"),
    );
    (
        Item::Value(Value::from(format!("${{{name}}}"))),
        Some("value in .env".to_owned()),
    )
}

/// `text` with every literal password of a URL in it (`postgres://app:pw@db`)
/// replaced by a `${NAME}` reference whose value goes to `.env`; and whether
/// any was.
fn without_url_passwords(
    ctx: &mut Context<'_>,
    service: &str,
    path: &Path,
    key: &str,
    text: &str,
) -> (String, bool) {
    let mut out = text.to_owned();
    let mut moved = false;
    for range in url_passwords(text).into_iter().rev() {
        let password = &text[range.clone()];
        if is_reference(password) || password.contains('$') {
            continue;
        }
        let wanted = [
            format!("{key}_PASSWORD"),
            format!("{service}_{key}_PASSWORD"),
        ];
        let name = ctx.dotenv.value(&wanted, password, true, true, path);
        out.replace_range(range, &format!("${{{name}}}"));
        ctx.change(
            path,
            format!("a password in a URL: stack.toml refers to it as `${{{name}}}`, its value is in the generated .env"),
        );
        moved = true;
    }
    (out, moved)
}

/// Whether `name` can be written `${name}`.
fn is_variable_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
