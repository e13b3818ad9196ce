//! `stackgen validate`: check a stack file and report every problem.

use std::path::{Path, PathBuf};

use super::{Format, report};
use crate::error::Error;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file(s).
    #[arg(required = true, num_args = 1..)]
    pub stacks: Vec<PathBuf>,
    /// Merge the overlay of this environment (`stack.<env>.toml`, `[env.<env>]`).
    #[arg(long)]
    pub env: Option<String>,
}

/// Runs `validate` on every stack; with several, each one's problems are
/// printed and the worst failure decides the exit code.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let mut failures = Vec::new();
    for stack in &args.stacks {
        if let Err(error) = validate_one(stack, args.env.as_deref(), format) {
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

fn validate_one(stack: &Path, env: Option<&str>, format: Format) -> Result<(), Error> {
    let loaded = crate::load::load_file_in(stack, env)?;
    let (plan, warnings) = crate::plan_loaded_for(&loaded, crate::plan::Purpose::Check)?;
    report::warnings(&warnings, format);
    if format == Format::Human {
        eprintln!("{}: ok", stack.display());
    } else {
        report::json_ok(&warnings);
    }
    // The process ends soon: the system takes the memory back at once,
    // faster than freeing the model and the plan piece by piece.
    std::mem::forget((loaded, plan));
    Ok(())
}
