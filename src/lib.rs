//! stackgen: compile one `stack.toml` into a validated deployment bundle.
//!
//! The pipeline runs in stages, one module each:
//! [`load`] (parse, deserialize into typed values, schema diagnostics) → [`validate`] (semantic checks) →
//! [`plan`] (normalize) → [`render`] (one module per output target) →
//! [`write`] (atomic output, manifest, drift check). [`import`] turns a
//! Compose file into a stack.toml.

pub mod cli;
pub mod config;
pub mod error;
pub mod import;
pub mod load;
pub mod plan;
pub mod render;
pub mod syntax;
pub mod templates;
pub mod validate;
pub mod write;

use std::path::Path;

pub use error::{Diagnostic, Error};

/// A validated stack, rendered in memory.
#[derive(Debug)]
pub struct Rendered {
    /// The files.
    pub bundle: render::Bundle,
    /// Warnings found on the way (errors stop the pipeline).
    pub warnings: Vec<Diagnostic>,
}

/// Loads and validates the stack at `path`; returns the plan and the warnings.
pub fn check_stack(path: &Path) -> Result<(plan::Plan, Vec<Diagnostic>), Error> {
    check_stack_in(path, None)
}

/// Like [`check_stack`], with the overlay of environment `env` merged in.
pub fn check_stack_in(
    path: &Path,
    env: Option<&str>,
) -> Result<(plan::Plan, Vec<Diagnostic>), Error> {
    let loaded = load::load_file_in(path, env)?;
    plan_loaded(&loaded)
}

/// Like [`check_stack`], loading as `options` say.
pub fn check_stack_with(
    path: &Path,
    options: &load::LoadOptions,
) -> Result<(plan::Plan, Vec<Diagnostic>), Error> {
    let loaded = load::load_file_with(path, options)?;
    plan_loaded(&loaded)
}

/// Validates an already loaded stack and plans it for rendering.
pub fn plan_loaded(loaded: &load::Loaded) -> Result<(plan::Plan, Vec<Diagnostic>), Error> {
    plan_loaded_for(loaded, plan::Purpose::Render)
}

/// Validates an already loaded stack and plans it for `purpose`; the
/// warnings are the same for either purpose.
pub fn plan_loaded_for(
    loaded: &load::Loaded,
    purpose: plan::Purpose,
) -> Result<(plan::Plan, Vec<Diagnostic>), Error> {
    let mut diagnostics = validate::validate(loaded);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Invalid(diagnostics));
    }
    let plan = plan::plan_for(loaded, purpose);
    diagnostics.extend(validate::validate_plan(loaded, &plan));
    diagnostics.sort_by_key(|d| (d.location.source.name.clone(), d.location.span.start));
    Ok((plan, diagnostics))
}

/// Loads, validates, plans and renders the stack at `path`.
pub fn render_stack(path: &Path) -> Result<Rendered, Error> {
    render_stack_in(path, None)
}

/// Like [`render_stack`], with the overlay of environment `env` merged in.
pub fn render_stack_in(path: &Path, env: Option<&str>) -> Result<Rendered, Error> {
    let (plan, warnings) = check_stack_in(path, env)?;
    let bundle = render::render(&plan)?;
    Ok(Rendered { bundle, warnings })
}

/// Like [`render_stack`], loading as `options` say.
pub fn render_stack_with(path: &Path, options: &load::LoadOptions) -> Result<Rendered, Error> {
    let (plan, warnings) = check_stack_with(path, options)?;
    let bundle = render::render(&plan)?;
    Ok(Rendered { bundle, warnings })
}

/// Like [`render_stack`], from text (for tests and fuzzing); `name` names the file in diagnostics.
pub fn render_str(name: &str, text: &str) -> Result<Rendered, Error> {
    let loaded = load::load_str(name, text)?;
    let (plan, warnings) = plan_loaded(&loaded)?;
    let bundle = render::render(&plan)?;
    Ok(Rendered { bundle, warnings })
}
