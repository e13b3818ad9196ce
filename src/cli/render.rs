//! `stackgen render` and `stackgen check`: write the bundle, or diff it against the output directory.

use std::path::{Path, PathBuf};

use super::{Format, LoadArgs, default_output, print, report};
use crate::error::Error;
use crate::load::LoadOptions;
use crate::write::Drift;

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The stack file.
    pub stack: PathBuf,
    /// The output directory (default: `out/<file stem>` next to the stack file).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Compare with the output directory instead of writing; exit 1 on drift.
    #[arg(long)]
    pub check: bool,
    /// Overwrite files in the output directory that stackgen did not write.
    #[arg(long)]
    pub force: bool,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The stack file(s).
    #[arg(required = true, num_args = 1..)]
    pub stacks: Vec<PathBuf>,
    /// The output directory (default: `out/<file stem>` next to each stack file).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Runs `render`.
pub fn run(args: RenderArgs, format: Format) -> Result<(), Error> {
    if args.check {
        return check(
            &CheckArgs {
                stacks: vec![args.stack],
                output: args.output,
                load: args.load,
            },
            format,
        );
    }
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.stack));
    let options = LoadOptions {
        bundle_dir: Some(dir.clone()),
        ..args.load.options()
    };
    let rendered = crate::run(&args.stack, &crate::Options::with_load(options))?;
    report::warnings(&rendered.warnings, format);
    let written = crate::write::write_bundle(&rendered.bundle, &dir, args.force)?;
    if format == Format::Human {
        for kept in &written.kept {
            eprintln!(
                "warning: {} is no longer generated but was edited by hand; left in place",
                dir.join(kept).display()
            );
        }
        eprintln!(
            "{}: {} written, {} unchanged, {} removed",
            dir.display(),
            written.written.len(),
            written.unchanged.len(),
            written.removed.len()
        );
    }
    Ok(())
}

/// Runs `check`: prints a diff of every drift and fails when there is any.
pub fn check(args: &CheckArgs, format: Format) -> Result<(), Error> {
    if args.output.is_some() && args.stacks.len() > 1 {
        return Err(Error::Usage {
            message: "`--output` takes one stack file".to_owned(),
            help: "check several stacks without `-o`: each is compared with `out/<file stem>` beside it"
                .to_owned(),
        });
    }
    let mut drifted = 0;
    for stack in &args.stacks {
        match check_one(stack, args.output.as_deref(), &args.load.options(), format) {
            Err(Error::Drift { count }) => drifted += count,
            other => other?,
        }
    }
    if drifted == 0 {
        Ok(())
    } else {
        Err(Error::Drift { count: drifted })
    }
}

fn check_one(
    stack: &Path,
    output: Option<&Path>,
    options: &LoadOptions,
    format: Format,
) -> Result<(), Error> {
    let dir = output.map_or_else(|| default_output(stack), Path::to_path_buf);
    let options = LoadOptions {
        bundle_dir: Some(dir.clone()),
        ..options.clone()
    };
    let rendered = crate::run(stack, &crate::Options::with_load(options))?;
    report::warnings(&rendered.warnings, format);
    let drifts = crate::write::check(&rendered.bundle, &dir)?;
    for drift in &drifts {
        print(&describe(drift))?;
    }
    if drifts.is_empty() {
        if format == Format::Human {
            eprintln!("{}: up to date", dir.display());
        }
        Ok(())
    } else {
        Err(Error::Drift {
            count: drifts.len(),
        })
    }
}

fn describe(drift: &Drift) -> String {
    match drift {
        Drift::Changed { diff, .. } => diff.clone(),
        Drift::Missing { path } => format!("missing: {path}\n"),
        Drift::Extra { path } => format!("no longer generated: {path}\n"),
    }
}
