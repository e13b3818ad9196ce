//! stackgen: compile one `stack.toml` into a validated deployment bundle.
//!
//! The pipeline runs in stages, one module each:
//! [`load`] (parse, deserialize into typed values, schema diagnostics) → [`validate`] (semantic checks) →
//! [`plan`] (normalize) → [`render`] (one module per output target) →
//! [`write`] (atomic output, manifest, drift check). [`import`] turns a
//! Compose file into a stack.toml.
//!
//! [`run`] is the one entry point: a stack file, stack text or a loaded
//! stack, with [`Options`] saying how to load it and whether to render.

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

use std::path::{Path, PathBuf};

pub use error::{Diagnostic, Error};

/// What [`run`] reads.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A stack file, loaded as [`Options::load`] says.
    File(&'a Path),
    /// Stack text (tests, fuzzing); `name` names the file in diagnostics.
    /// Files the stack names are read relative to the working directory;
    /// [`Options::load`] does not apply.
    Text {
        /// The file name diagnostics show.
        name: &'a str,
        /// The stack.
        text: &'a str,
    },
    /// A stack already loaded ([`Options::load`] does not apply).
    Loaded(&'a load::Loaded),
}

impl<'a> Source<'a> {
    /// Stack `text`, shown in diagnostics as the file `name`.
    pub fn text(name: &'a str, text: &'a str) -> Self {
        Self::Text { name, text }
    }
}

impl<'a> From<&'a Path> for Source<'a> {
    fn from(path: &'a Path) -> Self {
        Self::File(path)
    }
}

impl<'a> From<&'a PathBuf> for Source<'a> {
    fn from(path: &'a PathBuf) -> Self {
        Self::File(path)
    }
}

impl<'a> From<&'a load::Loaded> for Source<'a> {
    fn from(loaded: &'a load::Loaded) -> Self {
        Self::Loaded(loaded)
    }
}

/// How [`run`] loads a stack file and how far it goes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The environment, input folders and bundle folder a stack file is loaded with.
    pub load: load::LoadOptions,
    /// Stop after validating (`stackgen validate`): the plan carries only
    /// what the checks read ([`plan::Purpose::Check`]) and nothing is rendered.
    pub check_only: bool,
}

impl Options {
    /// Loads as `load` says.
    pub fn with_load(load: load::LoadOptions) -> Self {
        Self {
            load,
            ..Self::default()
        }
    }

    /// Stops after validating; see [`Options::check_only`].
    #[must_use]
    pub fn check_only(mut self) -> Self {
        self.check_only = true;
        self
    }
}

/// What [`run`] produced from a valid stack.
#[derive(Debug)]
pub struct Output {
    /// The plan.
    pub plan: plan::Plan,
    /// Warnings found on the way (errors stop the pipeline), in file order.
    pub warnings: Vec<Diagnostic>,
    /// The rendered files; empty with [`Options::check_only`].
    pub bundle: render::Bundle,
}

/// Loads, validates, plans and (unless [`Options::check_only`]) renders a
/// stack in memory. An invalid stack is [`Error::Invalid`] with every problem.
pub fn run<'a>(source: impl Into<Source<'a>>, options: &Options) -> Result<Output, Error> {
    let owned;
    let loaded = match source.into() {
        Source::File(path) => {
            owned = load::load_file_with(path, &options.load)?;
            &owned
        }
        Source::Text { name, text } => {
            owned = load::load_str(name, text)?;
            &owned
        }
        Source::Loaded(loaded) => loaded,
    };
    let purpose = if options.check_only {
        plan::Purpose::Check
    } else {
        plan::Purpose::Render
    };
    let mut warnings = validate::validate(loaded);
    if warnings.iter().any(Diagnostic::is_error) {
        return Err(Error::Invalid(warnings));
    }
    let plan = plan::plan_for(loaded, purpose);
    warnings.extend(validate::validate_plan(loaded, &plan));
    warnings.sort_by_key(|d| (d.location.source.name.clone(), d.location.span.start));
    let bundle = if options.check_only {
        render::Bundle::default()
    } else {
        render::render(&plan)?
    };
    Ok(Output {
        plan,
        warnings,
        bundle,
    })
}
