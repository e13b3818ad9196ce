//! Stage 5: put the bundle on disk without losing anything.
//!
//! Files are written atomically (temporary file, then rename). A manifest
//! records what stackgen wrote; a file that is neither in the manifest nor
//! carries the generated header is never overwritten without `--force`.
//! Files stackgen wrote before and no longer produces are removed, unless
//! they were edited since. The manifest is written last; after a failed
//! write it records the files already written.
//! [`check`] compares instead of writing and shows a diff of every drift.

mod diff;
mod manifest;

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

pub use diff::unified_diff;
pub use manifest::{MANIFEST, Manifest};

use crate::error::Error;
use crate::render::Bundle;

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
    /// Stale generated files removed.
    pub removed: Vec<String>,
    /// Stale files no longer generated but edited by hand since, left in place.
    pub kept: Vec<String>,
}

/// Writes `bundle` into `dir`.
pub fn write_bundle(bundle: &Bundle, dir: &Path, force: bool) -> Result<WriteReport, Error> {
    for path in bundle.files.keys() {
        safe_relative(path)?;
    }
    let previous = Manifest::read(dir)?;
    // Each file is read once. Refuse before touching anything, so a refusal
    // leaves the directory as it was.
    let mut outdated = Vec::new();
    let mut report = WriteReport::default();
    for (path, contents) in &bundle.files {
        let target = dir.join(path);
        match fs::read(&target) {
            Ok(existing) if existing == *contents => report.unchanged.push(path.clone()),
            Ok(existing)
                if !force && !previous.contains(path) && !has_generated_header(&existing) =>
            {
                return Err(Error::ForeignFile { path: target });
            }
            _ => outdated.push((path, contents, target)),
        }
    }
    for (path, contents, target) in outdated {
        if let Err(error) = write_atomic(&target, contents) {
            // Record what is ours so far, so the next run does not take the
            // files written before the failure for foreign ones.
            let mut partial = previous.clone();
            partial.record(bundle, report.written.iter().chain(&report.unchanged));
            let _ = write_atomic(&dir.join(MANIFEST), partial.to_text().as_bytes());
            return Err(error);
        }
        report.written.push(path.clone());
    }
    for stale in previous.paths().filter(|p| !bundle.files.contains_key(*p)) {
        if safe_relative(stale).is_err() {
            continue;
        }
        let target = dir.join(stale);
        let Ok(existing) = fs::read(&target) else {
            continue;
        };
        if !force && !previous.matches(stale, &existing) {
            // Edited since stackgen wrote it: the edit is the user's to keep.
            report.kept.push(stale.to_owned());
            continue;
        }
        fs::remove_file(&target).map_err(|e| Error::io("remove", &target, e))?;
        report.removed.push(stale.to_owned());
        remove_empty_parents(dir, &target);
    }
    // The manifest goes last: it only ever lists files that are on disk.
    let manifest = Manifest::of(bundle);
    write_atomic(&dir.join(MANIFEST), manifest.to_text().as_bytes())?;
    Ok(report)
}

/// A drift between the bundle and the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file differs; the diff shows how.
    Changed {
        /// The path.
        path: String,
        /// A unified diff, on disk → rendered.
        diff: String,
    },
    /// The file should exist but does not.
    Missing {
        /// The path.
        path: String,
    },
    /// A file stackgen wrote before is no longer produced.
    Extra {
        /// The path.
        path: String,
    },
}

/// Compares `bundle` with `dir` without writing anything.
pub fn check(bundle: &Bundle, dir: &Path) -> Result<Vec<Drift>, Error> {
    let previous = Manifest::read(dir)?;
    let mut drifts = Vec::new();
    for (path, contents) in &bundle.files {
        safe_relative(path)?;
        match fs::read(dir.join(path)) {
            Ok(existing) if existing == *contents => {}
            Ok(existing) => drifts.push(Drift::Changed {
                path: path.clone(),
                diff: unified_diff(
                    path,
                    &String::from_utf8_lossy(&existing),
                    &String::from_utf8_lossy(contents),
                ),
            }),
            Err(_) => drifts.push(Drift::Missing { path: path.clone() }),
        }
    }
    for stale in previous.paths().filter(|p| !bundle.files.contains_key(*p)) {
        if dir.join(stale).exists() {
            drifts.push(Drift::Extra {
                path: stale.to_owned(),
            });
        }
    }
    Ok(drifts)
}

/// Whether a file starts with stackgen's generated header (in any comment syntax).
pub fn has_generated_header(contents: &[u8]) -> bool {
    let head = &contents[..contents.len().min(300)];
    String::from_utf8_lossy(head).contains("Generated by stackgen")
}

/// Refuses absolute paths and `..`, so nothing is written outside the output directory.
fn safe_relative(path: &str) -> Result<PathBuf, Error> {
    let candidate = Path::new(path);
    let ok = !path.is_empty()
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(candidate.to_path_buf())
    } else {
        Err(Error::Bug(format!(
            "refusing to write outside the output directory: {path}"
        )))
    }
}

/// Writes through a temporary file in the same directory and a rename.
pub fn write_atomic(target: &Path, contents: &[u8]) -> Result<(), Error> {
    let parent = target.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = parent.join(format!(".{name}.stackgen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .or_else(|_| {
                // A leftover from a killed run of the same process id.
                fs::remove_file(&temporary)?;
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&temporary)
            })?;
        file.write_all(contents)?;
        // No fsync: the rename alone makes each file appear whole or not at all,
        // which is what "atomic" promises here. Forcing every file to disk would
        // multiply the time of a large render for no gain: a bundle is rebuilt
        // from the stack file by running `stackgen render` again.
        fs::rename(&temporary, target)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io("write", target, e)
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(dir) = current {
        if dir == root || !dir.starts_with(root) || fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}
