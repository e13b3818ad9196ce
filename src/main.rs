//! The `stackgen` command.

use std::process::ExitCode;

/// mimalloc (its v2 line, which hands freed pages back to the system within
/// milliseconds): the pipeline allocates and frees many small strings and
/// maps, where glibc's allocator spent about a third of a large render.
/// Its v3 line peaks about 20 MB higher on a 1,000-service render
/// (docs/performance.md), so v2 it is.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    stackgen::cli::main()
}
