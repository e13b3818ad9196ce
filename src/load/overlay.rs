//! Environment overlays: `--env production` merges `stack.production.toml`
//! (next to the stack file) and the `[env.production]` table of the stack
//! file over the base document, before the schema check.
//!
//! Tables merge key by key; arrays and scalars replace. The `[env.production]`
//! table goes first, the overlay file last (it wins). The span of every value
//! an overlay sets points into the overlay, so diagnostics name the file that
//! set the value. The `env` table itself is dropped from the merged document.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::input::{InputRoots, read_toml_file};
use super::{SpanIndex, escape_pointer, parse_document, pointer};
use crate::error::Error;

/// The overlay file of environment `env` for the stack file at `stack`:
/// `stack.toml` + `production` → `stack.production.toml`.
pub fn overlay_path(stack: &Path, env: &str) -> PathBuf {
    let stem = stack
        .file_stem()
        .map_or_else(|| "stack".to_owned(), |s| s.to_string_lossy().into_owned());
    stack.with_file_name(format!("{stem}.{env}.toml"))
}

/// Every environment the stack at `stack` knows: the keys of its `[env]`
/// table and the `<stem>.<env>.toml` files beside it, sorted.
pub fn available_envs(stack: &Path, document: &Value) -> Vec<String> {
    let mut envs: Vec<String> = document
        .get("env")
        .and_then(Value::as_object)
        .map(|table| table.keys().cloned().collect())
        .unwrap_or_default();
    let stem = stack
        .file_stem()
        .map(|s| format!("{}.", s.to_string_lossy()))
        .unwrap_or_default();
    let dir = match stack.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(env) = name
                .strip_prefix(&stem)
                .and_then(|rest| rest.strip_suffix(".toml"))
                && is_env_name(env)
            {
                envs.push(env.to_owned());
            }
        }
    }
    envs.sort();
    envs.dedup();
    envs
}

/// Merges the overlays of `env` over `document` and `spans`.
pub(super) fn apply(
    stack: &Path,
    env: &str,
    roots: &InputRoots,
    document: &mut Value,
    spans: &mut SpanIndex,
) -> Result<(), Error> {
    if !is_env_name(env) {
        return Err(Error::Usage {
            message: format!("`{env}` is not an environment name"),
            help: "environment names use lowercase letters, digits, `-` and `_`".to_owned(),
        });
    }
    let table_pointer = pointer(["env", env]);
    let in_file = document.pointer(&table_pointer).cloned();
    let file = overlay_path(stack, env);
    let file_exists = file.is_file();
    if in_file.is_none() && !file_exists {
        let available = available_envs(stack, document);
        let listed = if available.is_empty() {
            "none".to_owned()
        } else {
            available.join(", ")
        };
        return Err(Error::Usage {
            message: format!("unknown environment `{env}` (available: {listed})"),
            help: format!(
                "add an `[env.{env}]` table to {} or create {}",
                stack.display(),
                file.display()
            ),
        });
    }
    if let Some(Value::Object(table)) = in_file {
        let table_spans = spans.rebased(&table_pointer);
        merge_root(document, table, spans, &table_spans);
    }
    if file_exists {
        // The overlay is beside the stack file; a link there must not lead out.
        if let Err(problem) = file
            .file_name()
            .map(|name| roots.resolve(&name.to_string_lossy()))
            .unwrap_or(Ok(file.clone()))
        {
            return Err(Error::Usage {
                message: format!(
                    "cannot read {}: {}, outside the stack file's folder",
                    file.display(),
                    problem.reason()
                ),
                help: "keep overlay files inside the stack file's folder, or allow the folder they lead to with `--allow-input-dir`".to_owned(),
            });
        }
        let source = read_toml_file(&file)?;
        let (overlay, overlay_spans) = parse_document(&source)?;
        if let Value::Object(table) = overlay {
            merge_root(document, table, spans, &overlay_spans);
        }
    }
    if let Value::Object(root) = document {
        root.remove("env");
    }
    spans.remove_subtree("/env");
    Ok(())
}

/// Whether `name` can name an environment (and a file).
fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn merge_root(
    document: &mut Value,
    mut overlay: Map<String, Value>,
    spans: &mut SpanIndex,
    overlay_spans: &SpanIndex,
) {
    // An overlay does not bring environments of its own.
    overlay.remove("env");
    if let Value::Object(base) = document {
        merge(base, overlay, "", spans, overlay_spans);
    }
}

/// Deep-merges `overlay` into `base` at pointer `at`: tables merge, everything else replaces.
fn merge(
    base: &mut Map<String, Value>,
    overlay: Map<String, Value>,
    at: &str,
    spans: &mut SpanIndex,
    overlay_spans: &SpanIndex,
) {
    for (key, value) in overlay {
        let path = format!("{at}/{}", escape_pointer(&key));
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(table)) => {
                merge(inner, table, &path, spans, overlay_spans);
            }
            (_, value) => {
                spans.remove_subtree(&path);
                spans.copy_subtree(overlay_spans, &path);
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::error::SourceFile;

    fn parsed(name: &str, text: &str) -> (Value, SpanIndex) {
        parse_document(&SourceFile::new(name, text)).expect("valid toml")
    }

    #[test]
    fn tables_merge_and_arrays_replace() {
        let (mut base, mut spans) = parsed(
            "stack.toml",
            "[services.app]\nimage = \"a\"\nports = [\"80:80\", \"81:81\"]\nreplicas = 1\n",
        );
        let (overlay, overlay_spans) = parsed(
            "stack.prod.toml",
            "[services.app]\nports = [\"90:90\"]\nreplicas = 3\n",
        );
        let Value::Object(table) = overlay else {
            panic!("overlay is a table");
        };
        merge_root(&mut base, table, &mut spans, &overlay_spans);
        assert_eq!(base["services"]["app"]["image"], "a");
        assert_eq!(base["services"]["app"]["replicas"], 3);
        assert_eq!(
            base["services"]["app"]["ports"],
            serde_json::json!(["90:90"])
        );
        let replicas = spans.value("/services/app/replicas");
        assert_eq!(replicas.source.name, "stack.prod.toml");
        assert_eq!(&replicas.source.text[replicas.span], "3");
        assert_eq!(spans.value("/services/app/image").source.name, "stack.toml");
        // The second port is gone, so its old span must not be found.
        assert_eq!(
            spans.value("/services/app/ports/1").source.name,
            "stack.prod.toml"
        );
    }

    #[test]
    fn overlay_file_names_follow_the_stack_file() {
        assert_eq!(
            overlay_path(Path::new("dir/stack.toml"), "production"),
            Path::new("dir/stack.production.toml")
        );
        assert!(is_env_name("prod-eu_1"));
        assert!(!is_env_name("../x"));
        assert!(!is_env_name(""));
    }
}
