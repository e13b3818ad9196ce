//! `stackgen completions SHELL`: print a shell completion script.

use clap::CommandFactory as _;
use clap_complete::Shell;

use super::Cli;
use crate::error::Error;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Runs `completions`.
pub fn run(args: &Args) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "stackgen", &mut script);
    super::print(&String::from_utf8_lossy(&script))
}
