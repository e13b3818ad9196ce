//! The generated `.env`: the values stack.toml refers to but must not hold.
//!
//! Literal secrets from the Compose file (a password in `environment`) and
//! the defaults of `${NAME:-default}` become `${NAME}` in stack.toml; their
//! values are written here instead, in the syntax Compose reads `.env` files
//! with: double quotes, `\` escapes, and `\$` for a `$` that is literal (a
//! default keeps its `${...}`, which Compose expands in `.env` too).
//!
//! An existing `.env` is merged, never replaced: its lines stay, lines for
//! the same names are replaced, new names are appended.

use std::fmt::Write as _;

use indexmap::IndexMap;

use super::path::Path;
use super::report::plain;

/// The values to write, by variable name, in the order found.
#[derive(Debug, Clone, Default)]
pub struct DotEnv {
    entries: IndexMap<String, Value>,
    /// Variables the Compose file itself refers to: a secret never takes
    /// one of their names, which would hand it their value.
    taken: Vec<String>,
}

/// One value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The value.
    pub text: String,
    /// Whether `text` is literal (a secret) or Compose interpolation syntax (a default).
    pub literal: bool,
    /// The Compose path it came from.
    pub from: Path,
}

impl DotEnv {
    /// An empty `.env` for a Compose file that refers to the variables `taken`.
    pub fn new(taken: Vec<String>) -> Self {
        Self {
            entries: IndexMap::new(),
            taken,
        }
    }

    /// Records `value`, found at `from`, under the first of `wanted` (made a
    /// variable name) that no other value took, else the first with a
    /// number appended; returns the variable's name. With `share`, a literal
    /// value already recorded keeps its first name (a database password in a
    /// URL is the database's password). `literal` says whether `value` is
    /// plain text (a secret) or Compose syntax with references.
    pub fn value(
        &mut self,
        wanted: &[String],
        value: &str,
        literal: bool,
        share: bool,
        from: &Path,
    ) -> String {
        if literal && share {
            if let Some((name, _)) = self
                .entries
                .iter()
                .find(|(_, existing)| existing.literal && existing.text == value)
            {
                return name.clone();
            }
        }
        let candidates: Vec<String> = wanted.iter().map(|w| variable_name(w)).collect();
        let fits = |name: &str| {
            !self.taken.iter().any(|taken| taken == name)
                && self
                    .entries
                    .get(name)
                    .is_none_or(|existing| existing.literal == literal && existing.text == value)
        };
        let name = candidates
            .iter()
            .find(|name| fits(name))
            .cloned()
            .or_else(|| {
                let base = candidates.first()?;
                // At most one name per entry is taken: one of these is free.
                (2..=self.entries.len() + self.taken.len() + 2)
                    .map(|n| format!("{base}_{n}"))
                    .find(|name| fits(name))
            })
            .unwrap_or_else(|| "VALUE".to_owned());
        self.entries.entry(name.clone()).or_insert_with(|| Value {
            text: value.to_owned(),
            literal,
            from: from.clone(),
        });
        name
    }

    /// Records `default` (Compose syntax) for the variable `name`, found at
    /// `from`; `false` when `name` already has another value, which wins.
    pub fn record_default(&mut self, name: &str, default: &str, from: &Path) -> bool {
        if let Some(existing) = self.entries.get(name) {
            return !existing.literal && existing.text == default;
        }
        self.entries.insert(
            name.to_owned(),
            Value {
                text: default.to_owned(),
                literal: false,
                from: from.clone(),
            },
        );
        true
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The values, by name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The `.env` text: `existing` (when there is one) with the lines of
    /// these names replaced and new ones appended after a comment naming
    /// `source`. `None` when `existing` already says all of it.
    pub fn merge_into(&self, existing: Option<&str>, source: &str) -> Option<String> {
        let mut pending: IndexMap<&str, String> = self
            .entries
            .iter()
            .map(|(name, value)| (name.as_str(), line(name, value)))
            .collect();
        let mut out = String::new();
        let mut changed = existing.is_none();
        for old in existing.unwrap_or_default().lines() {
            match assigned_name(old).and_then(|name| pending.shift_remove(name)) {
                Some(new) => {
                    changed |= new != old;
                    out.push_str(&new);
                }
                None => out.push_str(old),
            }
            out.push('\n');
        }
        if !pending.is_empty() {
            changed = true;
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "# Values for the ${{NAME}} references of the stack imported from {}",
                plain(source)
            );
            for new in pending.values() {
                out.push_str(new);
                out.push('\n');
            }
        }
        changed.then_some(out)
    }
}

/// A variable name for `wanted`: `[A-Z_][A-Z0-9_]*`.
fn variable_name(wanted: &str) -> String {
    let mut name: String = wanted
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

/// The `.env` line for one value.
fn line(name: &str, value: &Value) -> String {
    let mut out = format!("{name}=\"");
    for c in value.text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' if value.literal => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && u32::from(c) < 0o400 => {
                let _ = write!(out, "\\0{:03o}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The variable a `.env` line assigns (`NAME=...`, `export NAME=...`).
fn assigned_name(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let end = line.find(['=', ':'])?;
    let name = line[..end].trim_end();
    (!name.is_empty() && !name.starts_with('#')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_get_unique_names_and_quoted_values() {
        let mut env = DotEnv::default();
        let at = Path::service("db")
            .key("environment")
            .key("POSTGRES_PASSWORD");
        let secret = |env: &mut DotEnv, wanted: &str, value: &str| {
            env.value(&[wanted.to_owned()], value, true, false, &at)
        };
        assert_eq!(
            secret(&mut env, "POSTGRES_PASSWORD", "pa$s\"w\\ord\n"),
            "POSTGRES_PASSWORD"
        );
        assert_eq!(
            secret(&mut env, "POSTGRES_PASSWORD", "pa$s\"w\\ord\n"),
            "POSTGRES_PASSWORD"
        );
        assert_eq!(
            secret(&mut env, "POSTGRES_PASSWORD", "other"),
            "POSTGRES_PASSWORD_2"
        );
        assert_eq!(
            secret(&mut env, "discovery.password", "x"),
            "DISCOVERY_PASSWORD"
        );
        assert_eq!(
            env.value(
                &[
                    "POSTGRES_PASSWORD".to_owned(),
                    "DB_POSTGRES_PASSWORD".to_owned()
                ],
                "third",
                true,
                false,
                &at
            ),
            "DB_POSTGRES_PASSWORD"
        );
        assert!(env.record_default("TAG", "1.25", &at));
        assert!(!env.record_default("POSTGRES_PASSWORD", "x", &at));
        let text = env.merge_into(None, "compose.yaml").expect("new file");
        assert_eq!(
            text,
            "\n# Values for the ${NAME} references of the stack imported from compose.yaml\n\
             POSTGRES_PASSWORD=\"pa\\$s\\\"w\\\\ord\\n\"\n\
             POSTGRES_PASSWORD_2=\"other\"\n\
             DISCOVERY_PASSWORD=\"x\"\n\
             DB_POSTGRES_PASSWORD=\"third\"\n\
             TAG=\"1.25\"\n"
                .trim_start_matches('\n')
        );
    }

    #[test]
    fn secrets_never_take_a_variable_the_file_refers_to() {
        let mut env = DotEnv::new(vec!["DB_PASSWORD".to_owned()]);
        let at = Path::service("migrate");
        let wanted = ["DB_PASSWORD".to_owned(), "MIGRATE_DB_PASSWORD".to_owned()];
        assert_eq!(
            env.value(&wanted, "pw", true, false, &at),
            "MIGRATE_DB_PASSWORD"
        );
        assert!(env.record_default("DB_PASSWORD", "x", &at));
    }

    #[test]
    fn an_existing_file_is_merged_and_left_alone_when_it_says_it_all() {
        let mut env = DotEnv::default();
        let at = Path::service("db");
        env.value(&["DB_PASSWORD".to_owned()], "new", true, false, &at);
        let existing = "# mine\nDB_PASSWORD='old'\nOTHER=1\n";
        let merged = env.merge_into(Some(existing), "c.yaml").expect("changes");
        assert_eq!(merged, "# mine\nDB_PASSWORD=\"new\"\nOTHER=1\n");
        assert_eq!(env.merge_into(Some(&merged), "c.yaml"), None);
        let mut more = env.clone();
        more.value(&["API_TOKEN".to_owned()], "t", true, false, &at);
        assert_eq!(
            more.merge_into(Some("OTHER=1"), "c.yaml").expect("changes"),
            "OTHER=1\n\n# Values for the ${NAME} references of the stack imported from c.yaml\nDB_PASSWORD=\"new\"\nAPI_TOKEN=\"t\"\n"
        );
    }
}
