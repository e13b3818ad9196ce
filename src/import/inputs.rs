//! Files and folders the Compose file names (mounted files, env files,
//! build contexts), as paths stack.toml can name: stackgen reads every such
//! input relative to the stack file's folder, and only inside it (links
//! followed), so a path carries over only when it lands there.

use std::path::{Component, Path};

/// `on_disk` (a file or folder the Compose file names, joined to the Compose
/// file's folder) relative to `stack_dir`, with `/`: `"."` for the folder
/// itself; `None` when it does not exist, or lies outside once links are
/// followed.
pub fn stack_relative(stack_dir: &Path, on_disk: &Path) -> Option<String> {
    let base = std::fs::canonicalize(stack_dir).ok()?;
    let full = std::fs::canonicalize(on_disk).ok()?;
    let relative = full.strip_prefix(&base).ok()?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect();
    let joined = parts?.join("/");
    if joined.chars().any(char::is_control) {
        return None;
    }
    Some(if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_stack_folder_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stack = dir.path().join("stack");
        std::fs::create_dir_all(stack.join("conf")).expect("mkdir");
        std::fs::write(stack.join("conf/app.yaml"), "a: 1\n").expect("write");
        std::fs::write(dir.path().join("outside.yaml"), "b: 2\n").expect("write");
        std::os::unix::fs::symlink(dir.path().join("outside.yaml"), stack.join("link.yaml"))
            .expect("link");
        assert_eq!(
            stack_relative(&stack, &stack.join("conf/app.yaml")).as_deref(),
            Some("conf/app.yaml")
        );
        assert_eq!(
            stack_relative(&stack, &stack.join("./conf/../conf")).as_deref(),
            Some("conf")
        );
        assert_eq!(stack_relative(&stack, &stack).as_deref(), Some("."));
        assert_eq!(stack_relative(&stack, &stack.join("link.yaml")), None);
        assert_eq!(
            stack_relative(&stack, &dir.path().join("outside.yaml")),
            None
        );
        assert_eq!(stack_relative(&stack, &stack.join("missing")), None);
    }
}
