//! `stackgen validate`: check a stack file and report every problem.

use std::path::{Path, PathBuf};

use super::{Format, LoadArgs, report};
use crate::error::Error;
use crate::load::LoadOptions;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file(s).
    #[arg(required = true, num_args = 1..)]
    pub stacks: Vec<PathBuf>,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Runs `validate` on every stack; with several, each one's problems are
/// printed and the worst failure decides the exit code.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let options = args.load.options();
    let mut failures = Vec::new();
    for stack in &args.stacks {
        if let Err(error) = validate_one(stack, &options, format) {
            failures.push(error);
        }
    }
    let worst_at = failures
        .iter()
        .enumerate()
        .max_by_key(|(_, e)| e.exit_code())
        .map(|(at, _)| at);
    let Some(worst_at) = worst_at else {
        return Ok(());
    };
    let worst = failures.remove(worst_at);
    for other in &failures {
        report::error(other, format);
    }
    Err(worst)
}

fn validate_one(stack: &Path, options: &LoadOptions, format: Format) -> Result<(), Error> {
    let loaded = crate::load::load_file_with(stack, options)?;
    let output = crate::run(&loaded, &crate::Options::default().check_only())?;
    let warnings = &output.warnings;
    report::warnings(warnings, format);
    if format == Format::Human {
        eprintln!("{}: ok", stack.display());
    } else {
        report::json_ok(warnings);
    }
    // The process ends soon: the system takes the memory back at once,
    // faster than freeing the model and the plan piece by piece.
    std::mem::forget((loaded, output));
    Ok(())
}
