//! Stage 5: put the bundle on disk without losing anything.
//!
//! Files are written atomically (temporary file, then rename). A manifest
//! records what stackgen wrote; a file that is neither in the manifest nor
//! carries the generated header is never overwritten without `--force`.
//! Files stackgen wrote before and no longer produces are removed when they
//! are still exactly what it wrote. The manifest is written last; after a
//! failed write it records the files already written. Nothing below the
//! output directory is reached through a symbolic link ([`tree`]).
//! [`check`] compares instead of writing and shows a diff of every drift.

mod diff;
mod manifest;
mod tree;

use std::path::{Component, Path};

pub use diff::unified_diff;
pub use manifest::{MANIFEST, Manifest};
pub use tree::{DEFAULT_MODE, Existing, Tree};

use crate::error::Error;
use crate::render::Bundle;

/// The largest file stackgen reads back from the output directory when it
/// is not a file of the bundle (the manifest, a stale file), in bytes.
const MAX_READ_BACK_BYTES: usize = 64 * 1024 * 1024;

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
    let tree = Tree::open(dir, true)?
        .ok_or_else(|| Error::Bug(format!("{} was not created", dir.display())))?;
    let previous = Manifest::read(&tree)?;
    let stale: Vec<&str> = previous
        .paths()
        .filter(|p| !bundle.files.contains_key(*p) && safe_relative(p).is_ok())
        .collect();
    // Everything is looked at once, before anything is touched, so a
    // refusal (a foreign file, a link) leaves the directory as it was.
    let mut outdated = Vec::new();
    let mut report = WriteReport::default();
    for (path, contents) in &bundle.files {
        let mode = bundle.modes.get(path).copied().unwrap_or(DEFAULT_MODE);
        match tree.read(path, contents.len())? {
            Some(existing) if existing.contents == *contents && existing.mode & !mode == 0 => {
                report.unchanged.push(path.clone());
            }
            Some(existing)
                if !force
                    && !previous.contains(path)
                    && !has_generated_header(&existing.contents) =>
            {
                return Err(Error::ForeignFile {
                    path: dir.join(path),
                });
            }
            _ => outdated.push((path, contents, mode)),
        }
    }
    for path in &stale {
        tree.read(path, MAX_READ_BACK_BYTES)?;
    }
    for (path, contents, mode) in outdated {
        if let Err(error) = tree.write_atomic(path, contents, mode) {
            // Record what is ours so far, so the next run does not take the
            // files written before the failure for foreign ones.
            let mut partial = previous.clone();
            partial.record(bundle, report.written.iter().chain(&report.unchanged));
            let _ = tree.write_atomic(MANIFEST, partial.to_text().as_bytes(), DEFAULT_MODE);
            return Err(error);
        }
        report.written.push(path.clone());
    }
    for path in stale {
        // Only a regular file that is still exactly what stackgen wrote goes;
        // an edited one is the user's to keep.
        if tree.remove_if(path, MAX_READ_BACK_BYTES, |existing| {
            previous.matches(path, existing)
        })? {
            report.removed.push(path.to_owned());
        } else if tree.exists(path)? {
            report.kept.push(path.to_owned());
        }
    }
    // The manifest goes last: it only ever lists files that are on disk.
    let manifest = Manifest::of(bundle);
    tree.write_atomic(MANIFEST, manifest.to_text().as_bytes(), DEFAULT_MODE)?;
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

/// Compares `bundle` with `dir` without writing anything (and without
/// following a link below `dir`).
pub fn check(bundle: &Bundle, dir: &Path) -> Result<Vec<Drift>, Error> {
    for path in bundle.files.keys() {
        safe_relative(path)?;
    }
    let Some(tree) = Tree::open(dir, false)? else {
        return Ok(bundle
            .files
            .keys()
            .map(|path| Drift::Missing { path: path.clone() })
            .collect());
    };
    let previous = Manifest::read(&tree)?;
    let mut drifts = Vec::new();
    for (path, contents) in &bundle.files {
        match tree.read(path, MAX_READ_BACK_BYTES)? {
            Some(existing) if existing.contents == *contents => {}
            Some(existing) => drifts.push(Drift::Changed {
                path: path.clone(),
                diff: unified_diff(
                    path,
                    &String::from_utf8_lossy(&existing.contents),
                    &String::from_utf8_lossy(contents),
                ),
            }),
            None => drifts.push(Drift::Missing { path: path.clone() }),
        }
    }
    for stale in previous.paths().filter(|p| !bundle.files.contains_key(*p)) {
        if safe_relative(stale).is_ok() && tree.read(stale, 0)?.is_some() {
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
fn safe_relative(path: &str) -> Result<(), Error> {
    let candidate = Path::new(path);
    let ok = !path.is_empty()
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(Error::Bug(format!(
            "refusing to write outside the output directory: {path}"
        )))
    }
}

#[cfg(test)]
mod tests;
