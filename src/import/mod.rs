//! `stackgen import`: a Compose file in, a commented stack.toml out.
//!
//! The steps, one module each:
//! 1. [`yaml`] reads the YAML with serde-saphyr into a tree that knows where
//!    every key and value is;
//! 2. [`spec`] checks it against the Compose Specification's JSON Schema
//!    (and refuses `include` and `extends`), reporting every problem at its
//!    place;
//! 3. [`model`] is the typed Compose model the file is then read into;
//! 4. [`stack`] builds the stack.toml document with `toml_edit`, service by
//!    service ([`service`] and the modules it calls), recording in a
//!    [`report::Report`] everything that does not carry over as written and
//!    in a [`dotenv::DotEnv`] every value stack.toml must not hold;
//! 5. the result goes through stackgen's own load and validation, so what
//!    import writes is what `stackgen validate` accepts (or the problems
//!    left are shown).
//!
//! Nothing here writes files; `stackgen import` (in `cli/`) does.

mod context;
mod deploy;
pub mod dotenv;
mod durations;
mod environment;
mod healthcheck;
mod inputs;
mod kinds;
mod labels;
mod model;
mod mounts;
pub mod names;
pub mod path;
mod ports;
pub mod report;
mod service;
mod spec;
mod stack;
mod variables;
mod yaml;

use std::path::{Path as FsPath, PathBuf};

use crate::error::{Diagnostic, Error, SourceFile};

pub use dotenv::DotEnv;
pub use names::{Names, Namespace};
pub use report::Report;
pub use yaml::MAX_COMPOSE_BYTES;

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The stack.toml text.
    pub stack: String,
    /// Values for the generated `.env`.
    pub dotenv: DotEnv,
    /// What did not carry over as written.
    pub report: Report,
    /// The names stack.toml gives the Compose file's services, volumes and networks.
    pub names: Names,
    /// Problems `stackgen validate` finds in the result (errors and warnings):
    /// empty unless the Compose file holds something stackgen refuses (a host
    /// port published twice).
    pub problems: Vec<Diagnostic>,
}

/// Imports the Compose file at `compose` for a stack file at `stack_file`
/// (paths in the stack file are relative to its folder).
pub fn import_file(compose: &FsPath, stack_file: &FsPath) -> Result<Imported, Error> {
    let text = read_limited(compose)?;
    let compose_dir = folder_of(compose);
    let stack_dir = folder_of(stack_file);
    let stack_name = stack_file.display().to_string();
    import_text(
        &compose.display().to_string(),
        &text,
        &compose_dir,
        &stack_dir,
        &stack_name,
    )
}

/// Imports Compose `text` (named `name` in diagnostics) found in
/// `compose_dir`, for a stack file named `stack_name` in `stack_dir`.
pub fn import_text(
    name: &str,
    text: &str,
    compose_dir: &FsPath,
    stack_dir: &FsPath,
    stack_name: &str,
) -> Result<Imported, Error> {
    convert(name, text, compose_dir, stack_dir, stack_name).map_err(|error| match error {
        Error::Invalid(problems) => Error::InvalidCompose(problems),
        other => other,
    })
}

fn convert(
    name: &str,
    text: &str,
    compose_dir: &FsPath,
    stack_dir: &FsPath,
    stack_name: &str,
) -> Result<Imported, Error> {
    let document = yaml::Document::parse(SourceFile::new(name, text))?;
    spec::check(&document)?;
    let file: model::ComposeFile = document.typed()?;
    let mut ctx = context::Context::new(
        &document,
        compose_dir.to_path_buf(),
        stack_dir.to_path_buf(),
    );
    let source = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stack = stack::convert(&mut ctx, &file, source).to_string();
    if !ctx.errors.is_empty() {
        let mut errors = ctx.errors;
        errors.sort_by_key(|d| d.location.span.start);
        return Err(Error::Invalid(errors));
    }
    let problems = self_check(&stack, stack_dir, stack_name)?;
    Ok(Imported {
        stack,
        dotenv: ctx.dotenv,
        report: ctx.report,
        names: ctx.names,
        problems,
    })
}

/// What `stackgen validate` says about the generated stack.
fn self_check(stack: &str, stack_dir: &FsPath, stack_name: &str) -> Result<Vec<Diagnostic>, Error> {
    // A folder that does not exist yet holds no file the stack could name
    // (import names only files it found inside the stack's folder).
    let loaded = if stack_dir.is_dir() {
        crate::load::load_str_in(stack_name, stack, stack_dir)
    } else {
        crate::load::load_str(stack_name, stack)
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(Error::Invalid(problems)) => return Ok(problems),
        Err(other) => return Err(other),
    };
    match crate::run(&loaded, &crate::Options::default().check_only()) {
        Ok(output) => Ok(output.warnings),
        Err(Error::Invalid(problems)) => Ok(problems),
        Err(other) => Err(other),
    }
}

/// The file's text, refusing files over [`MAX_COMPOSE_BYTES`] before reading them whole.
fn read_limited(path: &FsPath) -> Result<String, Error> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let metadata = file.metadata().map_err(|e| Error::io("read", path, e))?;
    if !metadata.is_file() {
        return Err(Error::Usage {
            message: format!("{} is not a regular file", path.display()),
            help: "give the path of a Compose file, such as docker-compose.yml".to_owned(),
        });
    }
    let mut text = String::new();
    let limit = u64::try_from(MAX_COMPOSE_BYTES).unwrap_or(u64::MAX) + 1;
    file.take(limit)
        .read_to_string(&mut text)
        .map_err(|e| Error::io("read", path, e))?;
    Ok(text)
}

fn folder_of(file: &FsPath) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
