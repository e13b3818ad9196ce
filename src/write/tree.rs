//! The output directory, walked without following links.
//!
//! The output root itself (`-o DIR`) may be a symbolic link the user made;
//! below it, every folder is opened relative to its parent with
//! `O_NOFOLLOW`, and every file is created, read, renamed and removed
//! relative to the folder that holds it. A symbolic link (or a FIFO, a
//! device, a folder where a file belongs) anywhere below the root is never
//! followed: it stops the run with [`Error::UnsafeOutput`], naming it. Since
//! each step starts from an already opened folder, swapping a folder for a
//! link while stackgen runs does not redirect it either.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use crate::error::Error;

/// The permission bits of a generated file before the umask: `rw-rw-rw-`,
/// which a usual umask of 022 makes `rw-r--r--`.
pub const DEFAULT_MODE: u32 = 0o666;

/// An opened output directory.
#[derive(Debug)]
pub struct Tree {
    root: OwnedFd,
    path: PathBuf,
}

/// A file found in the tree: its contents and permission bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// The contents (at most the limit it was read with, plus one byte).
    pub contents: Vec<u8>,
    /// The permission bits (`0o644`).
    pub mode: u32,
}

impl Tree {
    /// Opens the output directory `path`, creating it (and its parents) if
    /// `create` is set. `path` itself may be a link; `Ok(None)` when it does
    /// not exist and `create` is not set.
    pub fn open(path: &Path, create: bool) -> Result<Option<Self>, Error> {
        if create {
            std::fs::create_dir_all(path).map_err(|e| Error::io("create directory", path, e))?;
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        match rustix::fs::openat(CWD, path, flags, Mode::empty()) {
            Ok(root) => Ok(Some(Self {
                root,
                path: path.to_path_buf(),
            })),
            Err(Errno::NOENT) if !create => Ok(None),
            Err(errno) => Err(Error::io("open", path, errno.into())),
        }
    }

    /// The folder holding `relative` (a `/`-separated path of plain
    /// components), created if `create` is set; `Ok(None)` when it does not
    /// exist and `create` is not set.
    fn parent_of(&self, relative: &str, create: bool) -> Result<Option<(OwnedFd, String)>, Error> {
        let mut parts: Vec<&str> = relative.split('/').collect();
        let name = parts.pop().unwrap_or_default().to_owned();
        let mut current =
            rustix::io::fcntl_dupfd_cloexec(&self.root, 0).map_err(|e| self.io("open", "", e))?;
        let mut walked = String::new();
        for part in parts {
            if !walked.is_empty() {
                walked.push('/');
            }
            walked.push_str(part);
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            current = match rustix::fs::openat(&current, part, flags, Mode::empty()) {
                Ok(next) => next,
                Err(Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(&current, part, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(errno) => return Err(self.io("create directory", &walked, errno)),
                    }
                    rustix::fs::openat(&current, part, flags, Mode::empty())
                        .map_err(|errno| self.refusal(&current, part, &walked, errno))?
                }
                Err(Errno::NOENT) => return Ok(None),
                Err(errno) => return Err(self.refusal(&current, part, &walked, errno)),
            };
        }
        Ok(Some((current, name)))
    }

    /// The file at `relative`, read without following a link; `Ok(None)`
    /// when it (or its folder) does not exist. At most `limit + 1` bytes are
    /// read: a longer file differs from anything of `limit` bytes anyway.
    pub fn read(&self, relative: &str, limit: usize) -> Result<Option<Existing>, Error> {
        let Some((dir, name)) = self.parent_of(relative, false)? else {
            return Ok(None);
        };
        let stat = match rustix::fs::statat(&dir, name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(Errno::NOENT) => return Ok(None),
            Err(errno) => return Err(self.io("inspect", relative, errno)),
        };
        self.require_regular(relative, FileType::from_raw_mode(stat.st_mode))?;
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&dir, name.as_str(), flags, Mode::empty())
            .map_err(|errno| self.refusal(&dir, &name, relative, errno))?;
        // The file may have been replaced between the two looks.
        let stat = rustix::fs::fstat(&fd).map_err(|e| self.io("inspect", relative, e))?;
        self.require_regular(relative, FileType::from_raw_mode(stat.st_mode))?;
        let mut contents = Vec::new();
        File::from(fd)
            .take(limit as u64 + 1)
            .read_to_end(&mut contents)
            .map_err(|e| Error::io("read", self.path.join(relative), e))?;
        Ok(Some(Existing {
            contents,
            mode: Mode::from_raw_mode(stat.st_mode).bits() & 0o7777,
        }))
    }

    /// Whether something (anything, even a link) is at `relative`.
    pub fn exists(&self, relative: &str) -> Result<bool, Error> {
        let Some((dir, name)) = self.parent_of(relative, false)? else {
            return Ok(false);
        };
        match rustix::fs::statat(&dir, name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(_) => Ok(true),
            Err(Errno::NOENT) => Ok(false),
            Err(errno) => Err(self.io("inspect", relative, errno)),
        }
    }

    /// Writes `contents` to `relative` through a temporary file in the same
    /// folder and a rename, with permission bits `mode` (before the umask).
    /// Refuses when a link or anything but a regular file is at `relative`.
    pub fn write_atomic(&self, relative: &str, contents: &[u8], mode: u32) -> Result<(), Error> {
        let Some((dir, name)) = self.parent_of(relative, true)? else {
            return Err(Error::Bug(format!("no folder was created for {relative}")));
        };
        match rustix::fs::statat(&dir, name.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => self.require_regular(relative, FileType::from_raw_mode(stat.st_mode))?,
            Err(Errno::NOENT) => {}
            Err(errno) => return Err(self.io("inspect", relative, errno)),
        }
        let temporary = format!(".{name}.stackgen-{}.tmp", std::process::id());
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let create_mode = Mode::from_raw_mode(mode);
        let fd = match rustix::fs::openat(&dir, temporary.as_str(), flags, create_mode) {
            Err(Errno::EXIST) => {
                // A leftover of a killed run of the same process id.
                let _ = rustix::fs::unlinkat(&dir, temporary.as_str(), AtFlags::empty());
                rustix::fs::openat(&dir, temporary.as_str(), flags, create_mode)
            }
            other => other,
        }
        .map_err(|e| self.io("write", relative, e))?;
        let mut file = File::from(fd);
        // No fsync: the rename alone makes each file appear whole or not at
        // all, which is what "atomic" promises here. Forcing every file to
        // disk would multiply the time of a large render for no gain: a
        // bundle is rebuilt from the stack file by running `stackgen render`.
        let result = file.write_all(contents).and_then(|()| {
            rustix::fs::renameat(&dir, temporary.as_str(), &dir, name.as_str()).map_err(Into::into)
        });
        result.map_err(|error| {
            let _ = rustix::fs::unlinkat(&dir, temporary.as_str(), AtFlags::empty());
            Error::io("write", self.path.join(relative), error)
        })
    }

    /// Removes the regular file at `relative` if `remove` says so given its
    /// contents, then every folder above it that became empty. Returns
    /// whether it removed the file.
    pub fn remove_if(
        &self,
        relative: &str,
        limit: usize,
        remove: impl FnOnce(&[u8]) -> bool,
    ) -> Result<bool, Error> {
        let Some(existing) = self.read(relative, limit)? else {
            return Ok(false);
        };
        if existing.contents.len() > limit || !remove(&existing.contents) {
            return Ok(false);
        }
        let Some((dir, name)) = self.parent_of(relative, false)? else {
            return Ok(false);
        };
        rustix::fs::unlinkat(&dir, name.as_str(), AtFlags::empty())
            .map_err(|e| self.io("remove", relative, e))?;
        self.remove_empty_folders(relative);
        Ok(true)
    }

    /// Removes the folders above `relative` that are empty, deepest first.
    fn remove_empty_folders(&self, relative: &str) {
        let mut folder = relative;
        while let Some((above, _)) = folder.rsplit_once('/') {
            folder = above;
            let Ok(Some((dir, name))) = self.parent_of(folder, false) else {
                return;
            };
            if rustix::fs::unlinkat(&dir, name.as_str(), AtFlags::REMOVEDIR).is_err() {
                return;
            }
        }
    }

    /// Refuses anything but a regular file at `relative`.
    fn require_regular(&self, relative: &str, kind: FileType) -> Result<(), Error> {
        match kind {
            FileType::RegularFile => Ok(()),
            other => Err(Error::UnsafeOutput {
                path: self.path.join(relative),
                what: describe(other),
            }),
        }
    }

    /// The error for a failed `openat` of `name` in `dir`: a refusal naming
    /// what is there when it is a link or not a folder, else the I/O error.
    fn refusal(&self, dir: &OwnedFd, name: &str, relative: &str, errno: Errno) -> Error {
        match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) if matches!(errno, Errno::LOOP | Errno::NOTDIR | Errno::MLINK) => {
                Error::UnsafeOutput {
                    path: self.path.join(relative),
                    what: describe(FileType::from_raw_mode(stat.st_mode)),
                }
            }
            _ => self.io("open", relative, errno),
        }
    }

    fn io(&self, action: &'static str, relative: &str, errno: Errno) -> Error {
        Error::io(action, self.path.join(relative), errno.into())
    }
}

/// What a file type is, for a refusal.
fn describe(kind: FileType) -> &'static str {
    match kind {
        FileType::Symlink => "a symbolic link",
        FileType::Directory => "a directory",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::RegularFile => "a regular file",
        FileType::Unknown => "not a regular file",
    }
}
