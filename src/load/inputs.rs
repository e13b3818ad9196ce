//! The files and folders a stack names, read once, right after the model is
//! built: `files` sources, `env-file`s, build contexts and Dockerfiles, the
//! TLS certificate and key, and the htpasswd files of routes.
//!
//! Each is resolved against the stack file's folder with every link
//! followed, and must end up inside it (or inside a folder allowed with
//! `--allow-input-dir`); files must be regular files of at most
//! [`MAX_INPUT_FILE_BYTES`]. What is read here is all the later stages see
//! of the disk: validation reports the problems, the plan carries the
//! contents, renderers copy them. The schema marks every such field with
//! `"x-stackgen-input"` (`file` or `folder`); a test holds this list to it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::input::{InputFile, InputProblem, InputRoots};
use super::pointer;
use crate::config::Stack;

/// The largest file a stack may name, in bytes.
pub const MAX_INPUT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a named path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// A regular file, read whole.
    File,
    /// A folder (a build context), only resolved.
    Folder,
}

/// One path the stack names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedInput {
    /// Where it is in the stack (a JSON pointer), for diagnostics.
    pub pointer: String,
    /// The path relative to the stack file's folder (a Dockerfile's is
    /// joined to its context).
    pub path: String,
    /// File or folder.
    pub kind: InputKind,
}

/// A named input as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file and what it holds.
    File(InputFile),
    /// A folder, where it resolves to.
    Folder(PathBuf),
}

/// Every named input, read or resolved, by kind and path.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    entries: BTreeMap<(InputKind, String), Result<Input, InputProblem>>,
}

impl Inputs {
    /// Reads every input `stack` names, inside `roots`.
    pub fn read(stack: &Stack, roots: &InputRoots) -> Self {
        let mut entries = BTreeMap::new();
        for named in named_inputs(stack) {
            entries
                .entry((named.kind, named.path))
                .or_insert_with_key(|(kind, path)| match kind {
                    InputKind::File => roots.read_file(path, MAX_INPUT_FILE_BYTES).map(Input::File),
                    InputKind::Folder => roots.folder(path).map(Input::Folder),
                });
        }
        Self { entries }
    }

    /// What was found for `named`.
    pub fn get(&self, named: &NamedInput) -> Option<&Result<Input, InputProblem>> {
        self.entries.get(&(named.kind, named.path.clone()))
    }

    /// The file at `path`, when it was read.
    pub fn file(&self, path: &str) -> Option<&InputFile> {
        match self.entries.get(&(InputKind::File, path.to_owned())) {
            Some(Ok(Input::File(file))) => Some(file),
            _ => None,
        }
    }
}

/// Every path `stack` names, in file order within each section.
pub fn named_inputs(stack: &Stack) -> Vec<NamedInput> {
    let mut named = Vec::new();
    let mut add = |pointer: String, path: String, kind: InputKind| {
        named.push(NamedInput {
            pointer,
            path,
            kind,
        });
    };
    for (name, service) in &stack.services {
        for (position, file) in service.files.iter().enumerate() {
            let at = pointer(["services", name, "files", &position.to_string(), "source"]);
            add(at, file.source.clone(), InputKind::File);
        }
        for (position, path) in service.env_file.iter().enumerate() {
            let at = pointer(["services", name, "env-file", &position.to_string()]);
            add(at, path.clone(), InputKind::File);
        }
        if let Some(build) = &service.build {
            let at = pointer(["services", name, "build", "context"]);
            add(at, build.context.clone(), InputKind::Folder);
            if let Some(dockerfile) = &build.dockerfile {
                let at = pointer(["services", name, "build", "dockerfile"]);
                add(
                    at,
                    dockerfile_path(&build.context, dockerfile),
                    InputKind::File,
                );
            }
        }
    }
    if let Some(tls) = stack.ingress.as_ref().and_then(|i| i.tls.as_ref()) {
        for (field, path) in [("certificate", &tls.certificate), ("key", &tls.key)] {
            add(
                pointer(["ingress", "tls", field]),
                path.clone(),
                InputKind::File,
            );
        }
    }
    let routes = stack.ingress.iter().flat_map(|i| i.routes.iter());
    for (position, route) in routes.enumerate() {
        if let Some(auth) = &route.auth {
            add(
                pointer([
                    "ingress",
                    "routes",
                    &position.to_string(),
                    "auth",
                    "basic-file",
                ]),
                auth.basic_file.clone(),
                InputKind::File,
            );
        }
    }
    named
}

/// A Dockerfile's path relative to the stack file: it is relative to the
/// build context (an absolute one stays absolute).
pub fn dockerfile_path(context: &str, dockerfile: &str) -> String {
    if dockerfile.starts_with('/') {
        dockerfile.to_owned()
    } else {
        format!("{}/{dockerfile}", context.trim_end_matches('/'))
    }
}
