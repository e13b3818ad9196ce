//! `stackgen man`: print the man page, in roff.

use clap::CommandFactory as _;

use super::Cli;
use crate::error::Error;

/// Runs `man`.
pub fn run() -> Result<(), Error> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Error::io("write", "man page", e))?;
    super::print(&String::from_utf8_lossy(&page))
}
