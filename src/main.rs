//! The `stackgen` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    stackgen::cli::main()
}
