//! `stackgen import`: write a commented stack.toml from a Compose file.
//!
//! Nothing is written until everything is known to be writable: an existing
//! stack file is only replaced with `--force`, and an existing `.env` that
//! lacks the imported values is only changed with `--force` (and then merged:
//! its other lines stay). The `.env` is written with mode 0600 and made
//! ignored by git through the `.gitignore` beside it.

use std::path::{Path, PathBuf};

use super::{Format, report};
use crate::error::Error;
use crate::import::{Imported, report::plain};
use crate::write::{DEFAULT_MODE, Tree};

/// The generated values file, beside the stack file.
const DOTENV: &str = ".env";
/// The git ignore file beside it.
const GITIGNORE: &str = ".gitignore";
/// The largest `.env` or `.gitignore` read back.
const MAX_SIDE_FILE_BYTES: usize = 1024 * 1024;
/// `.gitignore` lines that ignore `.env`.
const IGNORING: [&str; 5] = [".env", "/.env", ".env*", "/.env*", "*.env"];

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Compose file (docker-compose.yml, compose.yaml).
    pub compose: PathBuf,
    /// Where to write the stack file: a file, or a directory to hold `stack.toml` (default: `stack.toml` beside the Compose file).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Replace an existing stack file, and add the imported values to an existing `.env`.
    #[arg(long)]
    pub force: bool,
}

/// Runs `import`.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let target = target(args);
    let imported = crate::import::import_file(&args.compose, &target)?;
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| Error::Usage {
            message: format!("{} is not a file name stackgen can write", target.display()),
            help: "give `-o` a path ending in a file name such as stack.toml".to_owned(),
        })?
        .to_owned();
    let tree = Tree::open(&folder, true)?
        .ok_or_else(|| Error::Bug(format!("{} was not created", folder.display())))?;
    if tree.exists(&file_name)? && !args.force {
        return Err(Error::Usage {
            message: format!(
                "refusing to overwrite {}: it already exists",
                target.display()
            ),
            help: "pass `--force` to replace it, or choose another path with `-o`".to_owned(),
        });
    }
    let source = args.compose.file_name().map_or_else(
        || args.compose.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    // Everything is read and decided before anything is written.
    let dotenv = dotenv_text(&tree, &imported, &source, &folder, args.force)?;
    let gitignore = if imported.dotenv.is_empty() {
        None
    } else {
        gitignore_text(&tree, &folder)?
    };
    tree.write_atomic(&file_name, imported.stack.as_bytes(), DEFAULT_MODE)?;
    if let Some(text) = &dotenv {
        tree.write_atomic(DOTENV, text.as_bytes(), 0o600)?;
    }
    if let Some((text, mode)) = &gitignore {
        tree.write_atomic(GITIGNORE, text.as_bytes(), *mode)?;
    }
    let (errors, warnings): (Vec<_>, Vec<_>) = imported
        .problems
        .iter()
        .cloned()
        .partition(crate::Diagnostic::is_error);
    print_outcome(
        &imported,
        &target,
        &folder,
        dotenv.is_some(),
        errors.is_empty(),
    );
    report::warnings(&warnings, format);
    if !errors.is_empty() {
        eprintln!(
            "{} was written, but `stackgen validate` refuses it as it is: fix the problems below",
            target.display()
        );
        return Err(Error::Invalid(errors));
    }
    if format == Format::Json {
        report::json_ok(&warnings);
    }
    Ok(())
}

/// The stack file to write.
fn target(args: &Args) -> PathBuf {
    match &args.output {
        None => args
            .compose
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join("stack.toml"),
        Some(path)
            if path.is_dir() || path.as_os_str().to_string_lossy().ends_with(['/', '\\']) =>
        {
            path.join("stack.toml")
        }
        Some(path) => path.clone(),
    }
}

/// The new `.env` text, if it must change; refuses to change an existing
/// one without `force`.
fn dotenv_text(
    tree: &Tree,
    imported: &Imported,
    source: &str,
    folder: &Path,
    force: bool,
) -> Result<Option<String>, Error> {
    if imported.dotenv.is_empty() {
        return Ok(None);
    }
    let existing = read_text(tree, DOTENV, folder)?;
    let merged = imported.dotenv.merge_into(existing.as_deref(), source);
    if merged.is_some() && existing.is_some() && !force {
        let names: Vec<&str> = imported.dotenv.entries().map(|(name, _)| name).collect();
        return Err(Error::Usage {
            message: format!(
                "refusing to change {}: it exists, and the imported stack needs values it does not hold as written ({})",
                folder.join(DOTENV).display(),
                names.join(", ")
            ),
            help: "pass `--force` to add them (its other lines stay), or import with `-o` into another folder".to_owned(),
        });
    }
    Ok(merged)
}

/// The `.gitignore` text (and its permission bits) that makes git ignore
/// the `.env` beside it; `None` when it already does.
fn gitignore_text(tree: &Tree, folder: &Path) -> Result<Option<(String, u32)>, Error> {
    let mode = tree
        .read(GITIGNORE, MAX_SIDE_FILE_BYTES)?
        .map_or(DEFAULT_MODE, |existing| existing.mode);
    let existing = read_text(tree, GITIGNORE, folder)?;
    let mut ignored = false;
    for line in existing.as_deref().unwrap_or_default().lines() {
        let line = line.trim();
        if IGNORING.contains(&line) {
            ignored = true;
        } else if line
            .strip_prefix('!')
            .is_some_and(|negated| IGNORING.contains(&negated))
        {
            ignored = false;
        }
    }
    if ignored {
        return Ok(None);
    }
    let mut text = existing.unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(".env\n");
    Ok(Some((text, mode)))
}

/// A side file's text, if it exists; refuses one that is too large or not text.
fn read_text(tree: &Tree, name: &str, folder: &Path) -> Result<Option<String>, Error> {
    let Some(existing) = tree.read(name, MAX_SIDE_FILE_BYTES)? else {
        return Ok(None);
    };
    if existing.contents.len() > MAX_SIDE_FILE_BYTES {
        return Err(Error::Usage {
            message: format!(
                "{} is larger than {MAX_SIDE_FILE_BYTES} bytes",
                folder.join(name).display()
            ),
            help: "import with `-o` into another folder".to_owned(),
        });
    }
    String::from_utf8(existing.contents)
        .map(Some)
        .map_err(|_| Error::Usage {
            message: format!("{} is not UTF-8 text", folder.join(name).display()),
            help: "import with `-o` into another folder".to_owned(),
        })
}

/// The loss report and what was written, on stderr.
fn print_outcome(
    imported: &Imported,
    target: &Path,
    folder: &Path,
    wrote_dotenv: bool,
    valid: bool,
) {
    let lines = imported.report.lines();
    if !lines.is_empty() {
        eprintln!(
            "import: what did not carry over as written (also at the top of {}):",
            plain(&target.display().to_string())
        );
        for line in lines {
            eprintln!("  {line}");
        }
    }
    if !imported.dotenv.is_empty() {
        let dotenv = folder.join(DOTENV);
        let what = if wrote_dotenv { "wrote" } else { "kept" };
        eprintln!(
            "warning: {what} {} value(s) the stack refers to as ${{NAME}} in {} (mode 0600, ignored by git through {}): keep it out of version control, and copy it beside the rendered docker-compose.yml or pass it with `docker compose --env-file`",
            imported.dotenv.entries().count(),
            plain(&dotenv.display().to_string()),
            GITIGNORE
        );
    }
    let target = plain(&target.display().to_string());
    if valid {
        eprintln!(
            "wrote {target}; next: `stackgen validate {target}` and `stackgen render {target}`"
        );
    } else {
        eprintln!("wrote {target}");
    }
}
