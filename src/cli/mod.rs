//! The command line: argument parsing, dispatch and exit codes.

mod report;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::write::Drift;

/// Compile one stack.toml into a validated docker-compose, Prometheus,
/// Alertmanager, nginx and Grafana bundle.
#[derive(Debug, Parser)]
#[command(name = "stackgen", version, about, long_about = None)]
pub struct Cli {
    /// How to print diagnostics.
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Diagnostic output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets (honours `NO_COLOR`).
    Human,
    /// One JSON document on stdout, for editors and CI.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a stack file and report every problem.
    Validate {
        /// The stack file.
        stack: PathBuf,
    },
    /// Render the bundle into the output directory.
    Render {
        /// The stack file.
        stack: PathBuf,
        /// The output directory (default: `out/<stack name>` next to the stack file).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Compare with the output directory instead of writing; exit 1 on drift.
        #[arg(long)]
        check: bool,
        /// Overwrite files in the output directory that stackgen did not write.
        #[arg(long)]
        force: bool,
    },
    /// Same as `render --check`.
    Check {
        /// The stack file.
        stack: PathBuf,
        /// The output directory (default: `out/<stack name>` next to the stack file).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of stack.toml.
    Schema,
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let format = cli.format;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report::error(&error, format);
            ExitCode::from(error.exit_code())
        }
    }
}

/// Runs a parsed command.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Validate { stack } => {
            let (_, warnings) = crate::check_stack(&stack)?;
            report::warnings(&warnings, cli.format);
            if cli.format == Format::Human {
                eprintln!("{}: ok", stack.display());
            } else {
                report::json_ok(&warnings);
            }
            Ok(())
        }
        Command::Render {
            stack,
            output,
            check,
            force,
        } => {
            if check {
                return check_drift(&stack, output, cli.format);
            }
            let rendered = crate::render_stack(&stack)?;
            report::warnings(&rendered.warnings, cli.format);
            let dir = output.unwrap_or_else(|| default_output(&stack));
            let written = crate::write::write_bundle(&rendered.bundle, &dir, force)?;
            if cli.format == Format::Human {
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
        Command::Check { stack, output } => check_drift(&stack, output, cli.format),
        Command::Schema => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(crate::load::stack_schema_text().as_bytes())
                .map_err(|e| Error::io("write", "stdout", e))
        }
    }
}

fn check_drift(stack: &Path, output: Option<PathBuf>, format: Format) -> Result<(), Error> {
    let rendered = crate::render_stack(stack)?;
    report::warnings(&rendered.warnings, format);
    let dir = output.unwrap_or_else(|| default_output(stack));
    let drifts = crate::write::check(&rendered.bundle, &dir)?;
    let mut stdout = std::io::stdout().lock();
    for drift in &drifts {
        let text = match drift {
            Drift::Changed { diff, .. } => diff.clone(),
            Drift::Missing { path } => format!("missing: {path}\n"),
            Drift::Extra { path } => format!("no longer generated: {path}\n"),
        };
        stdout
            .write_all(text.as_bytes())
            .map_err(|e| Error::io("write", "stdout", e))?;
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

/// `out/<stack file stem>` next to the stack file.
pub fn default_output(stack: &Path) -> PathBuf {
    let parent = stack.parent().unwrap_or_else(|| Path::new(""));
    let stem = stack
        .file_stem()
        .map_or_else(|| "stack".to_owned(), |s| s.to_string_lossy().into_owned());
    parent.join("out").join(stem)
}
