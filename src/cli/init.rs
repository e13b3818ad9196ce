//! `stackgen init`: write a commented starter stack.toml from a preset.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::error::Error;

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The starter to write.
    #[arg(long, value_enum, default_value_t = Preset::Web)]
    pub preset: Preset,
    /// Where to write it: a file, or a directory to hold `stack.toml` (default: `./stack.toml`).
    pub path: Option<PathBuf>,
}

/// The starter stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// Replicated app behind nginx, with a Postgres database.
    Web,
    /// App with Prometheus, Alertmanager and Grafana.
    Monitoring,
    /// Kafka with a producer and consumers.
    Streaming,
}

impl Preset {
    /// The preset's stack.toml text.
    pub fn text(self) -> &'static str {
        match self {
            Self::Web => include_str!("../../templates/init/web.toml"),
            Self::Monitoring => include_str!("../../templates/init/monitoring.toml"),
            Self::Streaming => include_str!("../../templates/init/streaming.toml"),
        }
    }
}

/// Runs `init`; never overwrites an existing file.
pub fn run(args: &Args) -> Result<(), Error> {
    let target = match &args.path {
        None => PathBuf::from("stack.toml"),
        Some(path)
            if path.is_dir() || path.as_os_str().to_string_lossy().ends_with(['/', '\\']) =>
        {
            path.join("stack.toml")
        }
        Some(path) => path.clone(),
    };
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    }
    write_new(&target, args.preset.text())?;
    eprintln!("wrote {}", target.display());
    write_schema_beside(&target)?;
    eprintln!(
        "next: `stackgen validate {0}` and `stackgen render {0}`",
        target.display()
    );
    Ok(())
}

/// The schema file the starter's `#:schema ./stack.schema.json` line names.
pub const SCHEMA_FILE: &str = "stack.schema.json";

/// Writes the schema of this stackgen version beside the stack, so the
/// starter's `#:schema` line resolves offline and matches the installed
/// binary. An existing file is kept (it may be the user's own).
fn write_schema_beside(stack: &Path) -> Result<(), Error> {
    let path = stack.with_file_name(SCHEMA_FILE);
    let text = crate::load::stack_schema_text();
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing == text => Ok(()),
        Ok(_) => {
            eprintln!(
                "note: kept the existing {}; `stackgen schema > {0}` replaces it with this version's schema",
                path.display()
            );
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            write_new(&path, text)?;
            eprintln!(
                "wrote {} (for editors: completion and checks)",
                path.display()
            );
            Ok(())
        }
        Err(error) => Err(Error::io("read", &path, error)),
    }
}

fn write_new(target: &Path, text: &str) -> Result<(), Error> {
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
    {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage {
                message: format!(
                    "refusing to overwrite {}: it already exists",
                    target.display()
                ),
                help: "pass another path, or move the existing file away".to_owned(),
            });
        }
        Err(error) => return Err(Error::io("create", target, error)),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io("write", target, e))
}
