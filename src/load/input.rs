//! Reading files from disk: only regular files, with a size cap applied while
//! reading, and, for files the stack names, only inside the folders it may
//! read from.
//!
//! A FIFO, a device or a folder is refused by its type before it is opened,
//! and files are opened with `O_NONBLOCK` and looked at again once open, so
//! a FIFO swapped in between cannot block the run. `/dev/zero` is refused,
//! and a regular file that grows while it is read stops at the cap.

use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::MAX_STACK_BYTES;
use crate::error::{Diagnostic, Error, ErrorKind, Location, SourceFile};

/// The folders files named by a stack may be in: the stack file's folder,
/// and the folders allowed on the command line (`--allow-input-dir`). All
/// are kept canonical (absolute, no links).
#[derive(Debug, Clone)]
pub struct InputRoots {
    stack_dir: PathBuf,
    allowed: Vec<PathBuf>,
}

/// A file read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The contents.
    pub contents: Vec<u8>,
    /// The permission bits (`0o644`).
    pub mode: u32,
}

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputProblem {
    /// It resolves (links followed) outside every folder the stack may read.
    Outside {
        /// How it gets out (`it is an absolute path`, ...).
        how: String,
    },
    /// It is not there, or not what it should be, or not readable.
    Unreadable {
        /// Why, in a few words (`it is a FIFO`, `No such file or directory`).
        reason: String,
    },
}

impl InputProblem {
    /// The problem in words, after the path: `it resolves to /etc/passwd,
    /// outside ...`.
    pub fn reason(&self) -> String {
        match self {
            Self::Outside { how } => how.clone(),
            Self::Unreadable { reason } => reason.clone(),
        }
    }
}

impl InputRoots {
    /// The roots for a stack file in `stack_dir`, plus `allowed` folders.
    pub fn new(stack_dir: &Path, allowed: &[PathBuf]) -> Result<Self, Error> {
        let canonical = |dir: &Path| {
            std::fs::canonicalize(dir).map_err(|source| Error::io("open", dir, source))
        };
        let mut folders = Vec::new();
        for dir in allowed {
            let folder = canonical(dir)?;
            if !folder.is_dir() {
                return Err(Error::Usage {
                    message: format!("`--allow-input-dir {}` is not a folder", dir.display()),
                    help: "name a folder the stack may read files from".to_owned(),
                });
            }
            folders.push(folder);
        }
        Ok(Self {
            stack_dir: canonical(stack_dir)?,
            allowed: folders,
        })
    }

    /// The stack file's folder, canonical.
    pub fn stack_dir(&self) -> &Path {
        &self.stack_dir
    }

    /// Resolves `path` (as the stack names it: relative to the stack
    /// file's folder) following every link, and requires the result to be
    /// inside one of the roots.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, InputProblem> {
        let joined = self.stack_dir.join(path);
        let resolved =
            std::fs::canonicalize(&joined).map_err(|error| InputProblem::Unreadable {
                reason: error.to_string(),
            })?;
        let inside = std::iter::once(&self.stack_dir)
            .chain(&self.allowed)
            .any(|root| resolved.starts_with(root));
        if inside {
            return Ok(resolved);
        }
        let how = if path.starts_with('/') {
            "it is an absolute path".to_owned()
        } else if leaves_through_dots(path) {
            "it leaves the folder through `..`".to_owned()
        } else {
            format!("a symbolic link in it leads to {}", resolved.display())
        };
        Err(InputProblem::Outside { how })
    }

    /// Reads the regular file `path` names (see [`InputRoots::resolve`]),
    /// at most `limit` bytes.
    pub fn read_file(&self, path: &str, limit: u64) -> Result<InputFile, InputProblem> {
        let resolved = self.resolve(path)?;
        read_regular_file(&resolved, limit).map_err(|error| InputProblem::Unreadable {
            reason: error.to_string(),
        })
    }

    /// Requires `path` to name a folder inside the roots.
    pub fn folder(&self, path: &str) -> Result<PathBuf, InputProblem> {
        let resolved = self.resolve(path)?;
        if resolved.is_dir() {
            Ok(resolved)
        } else {
            Err(InputProblem::Unreadable {
                reason: "it is not a folder".to_owned(),
            })
        }
    }
}

/// Whether the relative `path` climbs above its start with `..`, read
/// without looking at the disk.
fn leaves_through_dots(path: &str) -> bool {
    let mut depth = 0_usize;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if depth == 0 => return true,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    false
}

/// Why [`read_regular_file`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    /// The file is larger than the cap.
    TooLarge {
        /// Its size as far as it was read (at least `limit + 1`).
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// Anything else: missing, not a regular file, unreadable.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { limit, .. } => write!(f, "it is larger than {limit} bytes"),
            Self::Io(error) => error.fmt(f),
        }
    }
}

/// Reads the regular file at `path` (a link to one is followed), at most
/// `limit` bytes.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<InputFile, ReadError> {
    let metadata = std::fs::metadata(path).map_err(ReadError::Io)?;
    require_regular(&metadata)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(rustix::fs::OFlags::NONBLOCK.bits()).unwrap_or_default())
        .open(path)
        .map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    require_regular(&metadata)?;
    let mut contents = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut contents)
        .map_err(ReadError::Io)?;
    if contents.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len().max(contents.len() as u64),
            limit,
        });
    }
    Ok(InputFile {
        contents,
        mode: metadata.mode() & 0o7777,
    })
}

/// Refuses anything but a regular file, naming what it is.
fn require_regular(metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    let kind = metadata.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(ReadError::Io(std::io::Error::other(format!(
        "it is {what}, not a regular file"
    ))))
}

/// Reads a TOML file (the stack file, an overlay): a regular file of at
/// most [`MAX_STACK_BYTES`], in UTF-8.
pub(super) fn read_toml_file(path: &Path) -> Result<Arc<SourceFile>, Error> {
    let name = path.display().to_string();
    match read_regular_file(path, MAX_STACK_BYTES as u64) {
        Ok(file) => {
            let text = String::from_utf8(file.contents).map_err(|_| {
                let error = std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                );
                Error::io("read", path, error)
            })?;
            Ok(SourceFile::new(name, text))
        }
        Err(ReadError::TooLarge { size, .. }) => Err(Error::Invalid(vec![Diagnostic::error(
            ErrorKind::TooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_STACK_BYTES,
            },
            Location {
                source: SourceFile::new(name, String::new()),
                span: 0..0,
            },
        )])),
        Err(ReadError::Io(error)) => Err(Error::io("read", path, error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        for (path, what) in [
            (Path::new("/dev/zero"), "a character device"),
            (Path::new("/dev/null"), "a character device"),
            (fifo.as_path(), "a FIFO"),
            (dir.path(), "a folder"),
        ] {
            let error = read_regular_file(path, 1024).expect_err("refused");
            assert_eq!(
                error.to_string(),
                format!("it is {what}, not a regular file")
            );
        }
    }

    #[test]
    fn the_cap_applies_while_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'a'; 2048]).expect("write");
        assert!(matches!(
            read_regular_file(&path, 2047),
            Err(ReadError::TooLarge {
                size: 2048,
                limit: 2047
            })
        ));
        assert_eq!(
            read_regular_file(&path, 2048).expect("fits").contents.len(),
            2048
        );
    }

    #[test]
    fn links_may_stay_inside_but_not_leave() {
        let stack = tempfile::tempdir().expect("temp dir");
        let elsewhere = tempfile::tempdir().expect("temp dir");
        std::fs::write(stack.path().join("in.txt"), "in\n").expect("write");
        std::fs::write(elsewhere.path().join("out.txt"), "out\n").expect("write");
        std::os::unix::fs::symlink("in.txt", stack.path().join("inner-link")).expect("link");
        std::os::unix::fs::symlink(elsewhere.path(), stack.path().join("outer-link"))
            .expect("link");
        let roots = InputRoots::new(stack.path(), &[]).expect("roots");
        assert_eq!(
            roots.read_file("inner-link", 100).expect("inside").contents,
            b"in\n"
        );
        for path in ["outer-link/out.txt", "../", "/etc/passwd"] {
            assert!(
                matches!(
                    roots.read_file(path, 100),
                    Err(InputProblem::Outside { .. })
                ),
                "{path}"
            );
        }
        let allowing =
            InputRoots::new(stack.path(), &[elsewhere.path().to_path_buf()]).expect("roots");
        assert_eq!(
            allowing
                .read_file("outer-link/out.txt", 100)
                .expect("allowed")
                .contents,
            b"out\n"
        );
    }

    #[test]
    fn stack_files_and_overlays_are_regular_files_inside_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("fifo.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        for (path, what) in [
            (Path::new("/dev/zero"), "a character device"),
            (fifo.as_path(), "a FIFO"),
        ] {
            let error = crate::load::load_file(path).expect_err("refused");
            assert_eq!(
                error.to_string(),
                format!(
                    "cannot read {}: it is {what}, not a regular file",
                    path.display()
                )
            );
            assert_eq!(error.exit_code(), 2);
        }

        let stack = dir.path().join("stack");
        std::fs::create_dir(&stack).expect("mkdir");
        std::fs::write(stack.join("s.toml"), "[stack]\nname = \"s\"\n").expect("write");
        std::fs::write(dir.path().join("prod.toml"), "[stack]\nname = \"p\"\n").expect("write");
        std::os::unix::fs::symlink("../prod.toml", stack.join("s.prod.toml")).expect("link");
        let error = crate::load::load_file_in(&stack.join("s.toml"), Some("prod"))
            .expect_err("an overlay leading out is refused");
        assert!(
            error
                .to_string()
                .contains("outside the stack file's folder"),
            "{error}"
        );
        let options = crate::load::LoadOptions {
            env: Some("prod".to_owned()),
            allowed_input_dirs: vec![dir.path().to_path_buf()],
            ..crate::load::LoadOptions::default()
        };
        let loaded = crate::load::load_file_with(&stack.join("s.toml"), &options)
            .expect("allowed on the command line");
        assert_eq!(loaded.stack.stack.name, "p");
    }
}
