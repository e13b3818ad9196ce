//! Service `files`: sources stay inside the stack's directory and can be read,
//! targets are absolute, and no two mounts of a service share a target.

use std::collections::HashSet;
use std::path::Path;

use super::Checker;
use super::volumes::resolve_mount;
use crate::error::ErrorKind;
use crate::load::pointer;

/// Checks every service's `files`.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        let mut targets: HashSet<String> = service
            .volumes
            .iter()
            .filter_map(|mount| resolve_mount(mount).ok())
            .map(|mount| mount.target)
            .collect();
        for (position, file) in service.files.iter().enumerate() {
            let at =
                |field: &str| pointer(["services", name, "files", &position.to_string(), field]);
            if let Some(reason) = source_problem(&file.source) {
                checker.error(
                    &at("source"),
                    ErrorKind::BadMount {
                        value: file.source.clone(),
                        reason,
                    },
                );
            } else if let Some(reason) = unreadable(&checker.base_dir.join(&file.source)) {
                checker.error(
                    &at("source"),
                    ErrorKind::UnreadableFile {
                        path: file.source.clone(),
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

/// Why the file cannot be read, if it cannot.
fn unreadable(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => None,
        Ok(_) => Some("it is not a regular file".to_owned()),
        Err(error) => Some(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_stay_inside_the_stack_directory() {
        assert_eq!(source_problem("init/db.sql"), None);
        assert_eq!(source_problem("./db.sql"), None);
        assert!(source_problem("/etc/passwd").is_some());
        assert!(source_problem("../secrets.env").is_some());
        assert!(source_problem("a/../../b").is_some());
        assert!(source_problem("./").is_some());
        assert!(source_problem("a//b.sql").is_some());
        assert!(source_problem("a/./b.sql").is_some());
        assert!(source_problem("dir/").is_some());
    }

    #[test]
    fn targets_are_absolute() {
        assert_eq!(target_problem("/docker-entrypoint-initdb.d/db.sql"), None);
        assert!(target_problem("db.sql").is_some());
        assert!(target_problem("/x/../y").is_some());
    }

    #[test]
    fn missing_files_and_clashing_targets_point_at_their_values() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("init.sql"), "select 1;\n").expect("write");
        let text = r#"
[stack]
name = "t"

[services.db]
image = "postgres:16"
volumes = ["data:/docker-entrypoint-initdb.d/init.sql"]
files = [
  { source = "missing.sql", target = "/a.sql" },
  { source = "init.sql", target = "/docker-entrypoint-initdb.d/init.sql" },
]

[volumes.data]
"#;
        let stack_file = dir.path().join("stack.toml");
        std::fs::write(&stack_file, text).expect("write");
        let loaded = crate::load::load_file(&stack_file).expect("loads");
        let found: Vec<(String, &str)> = crate::validate::validate(&loaded)
            .iter()
            .map(|d| (d.kind.to_string(), &text[d.location.span.clone()]))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].0.starts_with("cannot read `missing.sql`"),
            "{found:?}"
        );
        assert_eq!(found[0].1, r#""missing.sql""#);
        assert_eq!(
            found[1].0,
            "mount target `/docker-entrypoint-initdb.d/init.sql` is defined more than once"
        );
        assert_eq!(found[1].1, r#""/docker-entrypoint-initdb.d/init.sql""#);
    }
}
