//! The templates compiled into the binary from `templates/`: the `.j2`
//! templates of hand-written formats and the built-in knowledge (alert
//! library, dashboards) that the plan reads.
//!
//! Two minijinja environments: [`environment`] for `.j2` templates of
//! hand-written formats (nginx.conf), with undefined values as errors; and
//! [`bracket_environment`], built once per process, whose `[[ ]]` / `[% %]`
//! delimiters leave the `{{ $labels.x }}` of Prometheus and Alertmanager
//! templates untouched.

use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Value;
use minijinja::{Environment, Output, State, UndefinedBehavior};

use crate::error::Error;

/// Everything under `templates/`.
pub static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The text of `templates/<path>`.
pub fn file(path: &str) -> Result<&'static str, Error> {
    TEMPLATES
        .get_file(path)
        .and_then(include_dir::File::contents_utf8)
        .ok_or_else(|| Error::Bug(format!("template {path} is missing from the binary")))
}

/// Every template path under `dir` with the given extension, sorted.
pub fn files_in(dir: &str, extension: &str) -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = TEMPLATES
        .get_dir(dir)
        .map(|d| {
            d.files()
                .filter_map(|f| f.path().to_str())
                .filter(|p| p.ends_with(extension))
                .collect()
        })
        .unwrap_or_default();
    paths.sort_unstable();
    paths
}

/// The environment for `.j2` templates: strict about undefined values,
/// with every `.j2` file under `templates/` loaded.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(|name| Ok(file(name).ok().map(str::to_owned)));
    env
}

/// The environment with `[[ ]]`, `[% %]` and `[# #]` delimiters, for text
/// that itself contains `{{ }}` (Prometheus alert annotations), strict about
/// undefined values; built when first asked for.
pub fn bracket_environment() -> Result<&'static Environment<'static>, Error> {
    static ENVIRONMENT: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENVIRONMENT
        .get_or_init(|| {
            let syntax = SyntaxConfig::builder()
                .block_delimiters("[%", "%]")
                .variable_delimiters("[[", "]]")
                .comment_delimiters("[#", "#]")
                .keep_trailing_newline(true)
                .build()
                .map_err(|e| format!("template syntax: {e}"))?;
            let mut env = Environment::new();
            env.set_syntax(syntax);
            env.set_undefined_behavior(UndefinedBehavior::Strict);
            Ok(env)
        })
        .as_ref()
        .map_err(|message| Error::Bug(message.clone()))
}

/// Renders `name` from `templates/` with `context`.
pub fn render<S: serde::Serialize>(name: &str, context: S) -> Result<String, Error> {
    render_in(&environment(), name, context)
}

/// Renders `name` from `templates/` with `context`, every `{{ value }}`
/// written by `formatter`: the quoting formatter of a hand-written format
/// (nginx.conf, config.alloy).
pub fn render_formatted<S, F>(name: &str, context: S, formatter: F) -> Result<String, Error>
where
    S: serde::Serialize,
    F: Fn(&mut Output<'_>, &mut State<'_, '_>, &Value) -> Result<(), minijinja::Error>
        + Send
        + Sync
        + 'static,
{
    let mut env = environment();
    env.set_formatter(formatter);
    render_in(&env, name, context)
}

fn render_in<S: serde::Serialize>(
    env: &Environment<'_>,
    name: &str,
    context: S,
) -> Result<String, Error> {
    let template = env
        .get_template(name)
        .map_err(|e| Error::Bug(format!("template {name}: {e}")))?;
    template
        .render(minijinja::value::Serde(context))
        .map_err(|e| Error::Bug(format!("rendering {name}: {e:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_syntax_leaves_prometheus_templates_alone() {
        let env = bracket_environment().expect("syntax");
        let out = env
            .render_str(
                "up{job=\"[[ job ]]\"} {{ $labels.instance }}",
                minijinja::context! { job => "api" },
            )
            .expect("renders");
        assert_eq!(out, "up{job=\"api\"} {{ $labels.instance }}");
    }

    #[test]
    fn every_j2_template_parses() {
        let env = environment();
        for path in files_in("", ".j2") {
            env.get_template(path)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
}
