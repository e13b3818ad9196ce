//! The command line: argument parsing, dispatch and exit codes.
//!
//! One module per subcommand; this file only parses and dispatches.

mod completions;
mod graph;
mod import;
mod init;
pub mod json_report;
mod man;
mod ports;
mod render;
pub mod report;
mod schema;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;

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
    Validate(validate::Args),
    /// Render the bundle into the output directory.
    Render(render::RenderArgs),
    /// Same as `render --check`: exit 1 with a diff when generated files drifted.
    Check(render::CheckArgs),
    /// Print the JSON Schema of stack.toml.
    Schema,
    /// Write a commented starter stack.toml.
    Init(init::Args),
    /// Write a commented stack.toml from a Compose file, listing what does not carry over.
    Import(import::Args),
    /// Draw the stack's services and their edges (Mermaid or Graphviz dot).
    Graph(graph::Args),
    /// List the ports each service publishes on the host.
    Ports(ports::Args),
    /// Print a shell completion script.
    Completions(completions::Args),
    /// Print the man page (roff).
    Man,
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
    let format = cli.format;
    match cli.command {
        Command::Validate(args) => validate::run(&args, format),
        Command::Render(args) => render::run(args, format),
        Command::Check(args) => render::check(&args, format),
        Command::Schema => schema::run(),
        Command::Init(args) => init::run(&args),
        Command::Import(args) => import::run(&args, format),
        Command::Graph(args) => graph::run(&args, format),
        Command::Ports(args) => ports::run(&args, format),
        Command::Completions(args) => completions::run(&args),
        Command::Man => man::run(),
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

/// Writes `text` to stdout.
fn print(text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("write", "stdout", e))
}

/// Options shared by every command that loads a stack.
#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// Merge the overlay of this environment (`stack.<env>.toml`, `[env.<env>]`).
    #[arg(long)]
    pub env: Option<String>,
    /// Let files the stack names (TLS files, `files`, `env-file`, build contexts) be in DIR
    /// too, not only in the stack file's folder; repeat for several folders.
    #[arg(long = "allow-input-dir", value_name = "DIR")]
    pub allow_input_dir: Vec<PathBuf>,
    /// What to render and check: `compose` (`docker-compose.yml` and its
    /// configuration), `kubernetes` (manifests in `k8s/`) or `all`; default:
    /// `[stack] targets`, else `compose`.
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
}

/// The values of `--target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// The Compose bundle.
    Compose,
    /// The Kubernetes manifests in `k8s/`.
    Kubernetes,
    /// Both.
    All,
}

impl TargetArg {
    /// The targets this value selects.
    pub fn targets(self) -> crate::config::Targets {
        match self {
            Self::Compose => crate::config::Targets::COMPOSE,
            Self::Kubernetes => crate::config::Targets::KUBERNETES,
            Self::All => crate::config::Targets::ALL,
        }
    }
}

impl LoadArgs {
    /// The load options these arguments ask for.
    pub fn options(&self) -> crate::load::LoadOptions {
        crate::load::LoadOptions {
            env: self.env.clone(),
            allowed_input_dirs: self.allow_input_dir.clone(),
            bundle_dir: None,
            targets: self.target.map(TargetArg::targets),
        }
    }
}

/// Loads, validates and plans `stack` as `options` say, printing warnings.
fn plan_stack(
    stack: &Path,
    options: &crate::load::LoadOptions,
    format: Format,
) -> Result<crate::plan::Plan, Error> {
    let options = crate::Options::with_load(options.clone()).check_only();
    let output = crate::run(stack, &options)?;
    report::warnings(&output.warnings, format);
    Ok(output.plan)
}
