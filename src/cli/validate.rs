//! `stackgen validate`: check a stack file and report every problem.

use std::path::PathBuf;

use super::{Format, report};
use crate::error::Error;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file.
    pub stack: PathBuf,
    /// Merge the overlay of this environment (`stack.<env>.toml`, `[env.<env>]`).
    #[arg(long)]
    pub env: Option<String>,
}

/// Runs `validate`.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let (_, warnings) = crate::check_stack_in(&args.stack, args.env.as_deref())?;
    report::warnings(&warnings, format);
    if format == Format::Human {
        eprintln!("{}: ok", args.stack.display());
    } else {
        report::json_ok(&warnings);
    }
    Ok(())
}
