//! The manifest: which files in the output directory stackgen wrote, with hashes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::render::Bundle;

use super::Tree;

/// The manifest's file name inside the output directory.
pub const MANIFEST: &str = ".stackgen-manifest.json";

/// The largest manifest read, in bytes (one of 10,000 files is about 1 MiB).
const MAX_MANIFEST_BYTES: usize = 64 * 1024 * 1024;

/// Paths stackgen wrote, with the SHA-256 of what it wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `"stackgen"`.
    pub generator: String,
    /// Path → hex SHA-256.
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest describing `bundle`.
    pub fn of(bundle: &Bundle) -> Self {
        Self {
            generator: "stackgen".to_owned(),
            files: bundle
                .files
                .iter()
                .map(|(path, contents)| (path.clone(), content_hash(contents)))
                .collect(),
        }
    }

    /// Reads the manifest of the output directory `tree`; an absent or
    /// unreadable one is empty (so every file is foreign until proven ours).
    pub fn read(tree: &Tree) -> Result<Self, Error> {
        Ok(tree
            .read(MANIFEST, MAX_MANIFEST_BYTES)?
            .and_then(|existing| serde_json::from_slice(&existing.contents).ok())
            .unwrap_or_default())
    }

    /// Adds the entries of `paths` as `bundle` renders them (after a partial write).
    pub fn record<'a>(&mut self, bundle: &Bundle, paths: impl IntoIterator<Item = &'a String>) {
        "stackgen".clone_into(&mut self.generator);
        for path in paths {
            if let Some(contents) = bundle.files.get(path) {
                self.files.insert(path.clone(), content_hash(contents));
            }
        }
    }

    /// Whether `contents` is exactly what stackgen wrote to `path`.
    pub fn matches(&self, path: &str, contents: &[u8]) -> bool {
        self.files
            .get(path)
            .is_some_and(|hash| *hash == content_hash(contents))
    }

    /// Whether stackgen wrote `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every recorded path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The manifest as pretty JSON.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The hex SHA-256 the manifest records for `contents`.
fn content_hash(contents: &[u8]) -> String {
    hex(&Sha256::digest(contents))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_partial_writes_and_matches_hashes() {
        let mut bundle = Bundle::default();
        bundle.files.insert("a.yml".to_owned(), b"a\n".to_vec());
        bundle.files.insert("b.yml".to_owned(), b"b\n".to_vec());
        let mut manifest = Manifest::default();
        manifest.record(&bundle, [&"a.yml".to_owned()]);
        assert_eq!(manifest.paths().collect::<Vec<_>>(), vec!["a.yml"]);
        assert!(manifest.matches("a.yml", b"a\n"));
        assert!(!manifest.matches("a.yml", b"edited\n"));
        assert!(!manifest.matches("b.yml", b"b\n"));
        let text = manifest.to_text();
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(MANIFEST), &text).expect("write");
        let tree = Tree::open(dir.path(), false)
            .expect("opens")
            .expect("exists");
        assert_eq!(Manifest::read(&tree).expect("read"), manifest);
    }
}
