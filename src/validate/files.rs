//! Files and folders the stack names: each is inside the stack file's folder
//! (links followed) and readable, as the load stage found it; `files`
//! sources are plain relative paths, their targets absolute, and no two
//! mounts of a service share a target; no two `env-file`s of a service
//! share a file name (each is copied to `env/<service>/<file name>`).

use std::collections::HashSet;

use super::Checker;
use crate::config::env_file_bundle_path;
use crate::error::ErrorKind;
use crate::load::{InputProblem, named_inputs, pointer};
#[cfg(test)]
use std::path::Path;

/// Checks every named input and every service's `files` and `env-file`.
pub fn check(checker: &mut Checker<'_>) {
    let lexical = check_service_files(checker);
    check_env_file_names(checker);
    let stack = checker.stack;
    for named in named_inputs(stack) {
        if lexical.contains(&named.pointer) {
            continue;
        }
        let Some(Err(problem)) = checker.inputs.get(&named) else {
            continue;
        };
        let path = named.path.clone();
        let kind = match problem {
            InputProblem::Outside { .. } => ErrorKind::InputOutside {
                path,
                reason: problem.reason(),
            },
            InputProblem::Unreadable { .. } => ErrorKind::UnreadableFile {
                path,
                reason: problem.reason(),
            },
        };
        checker.error(&named.pointer, kind);
    }
}

/// Checks the sources and targets of `files`; returns the pointers of the
/// sources refused for their spelling (not looked up on disk).
fn check_service_files(checker: &mut Checker<'_>) -> HashSet<String> {
    let stack = checker.stack;
    let mut refused = HashSet::new();
    for (name, service) in &stack.services {
        let mut targets: HashSet<String> = service
            .volumes
            .iter()
            .filter_map(|mount| mount.resolved.as_ref().ok())
            .map(|mount| mount.target.clone())
            .collect();
        for (position, file) in service.files.iter().enumerate() {
            let at =
                |field: &str| pointer(["services", name, "files", &position.to_string(), field]);
            if let Some(reason) = source_problem(&file.source) {
                refused.insert(at("source"));
                checker.error(
                    &at("source"),
                    ErrorKind::BadMount {
                        value: file.source.clone(),
                        reason,
                    },
                );
            }
            if let Some(reason) = target_problem(&file.target) {
                checker.error(
                    &at("target"),
                    ErrorKind::BadMount {
                        value: file.target.clone(),
                        reason,
                    },
                );
            } else if !targets.insert(file.target.clone()) {
                checker.error(
                    &at("target"),
                    ErrorKind::DuplicateName {
                        what: "mount target",
                        name: file.target.clone(),
                    },
                );
            }
        }
    }
    refused
}

/// Refuses two `env-file`s of one service with the same file name: their
/// copies in the bundle would collide.
fn check_env_file_names(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        let mut seen = HashSet::new();
        for (position, path) in service.env_file.iter().enumerate() {
            let copy = env_file_bundle_path(name, path);
            if !seen.insert(copy.clone()) {
                checker.error(
                    &pointer(["services", name, "env-file", &position.to_string()]),
                    ErrorKind::DuplicateName {
                        what: "env-file copy",
                        name: copy,
                    },
                );
            }
        }
    }
}

/// Why a source path cannot be shipped, if it cannot.
fn source_problem(source: &str) -> Option<String> {
    if source.trim_start_matches("./").is_empty() {
        Some("the source is empty".to_owned())
    } else if source.starts_with('/') || source.contains('\\') {
        Some("the source must be a path relative to the stack file, with `/`".to_owned())
    } else if source.split('/').any(|part| part == "..") {
        Some("the source must stay inside the stack file's directory (no `..`)".to_owned())
    } else if source
        .trim_start_matches("./")
        .split('/')
        .any(|part| part.is_empty() || part == ".")
    {
        Some("the source has an empty or `.` path segment".to_owned())
    } else if source.chars().any(char::is_control) {
        Some("it contains a control character".to_owned())
    } else {
        None
    }
}

/// Why a target path cannot be mounted, if it cannot.
fn target_problem(target: &str) -> Option<String> {
    if !target.starts_with('/') {
        Some(format!("the target `{target}` is not an absolute path"))
    } else if target.split('/').any(|part| part == "..") {
        Some("the target contains `..`".to_owned())
    } else if target.chars().any(char::is_control) {
        Some("it contains a control character".to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
