//! Mounts: `volumes` (short and long syntax), `configs` and `secrets`, as
//! stack.toml `volumes` and `files`.
//!
//! - A named volume stays a named volume (under its stack.toml name).
//! - An anonymous volume (a target alone) becomes a named volume of its own,
//!   since stack.toml names every volume.
//! - A file beside the Compose file, mounted from the host or as a config,
//!   becomes a `files` entry: stackgen copies it into the bundle and mounts
//!   the copy read-only, so the bundle is complete on its own. So does each
//!   file of a read-only folder of up to [`MAX_FOLDER_FILES`] files.
//! - Any other host path stays a bind mount. A relative one is then relative
//!   to the rendered bundle's folder, which the report says.
//! - Secrets, tmpfs mounts and mount options stack.toml lacks are reported.

use std::path::{Component, Path as FsPath, PathBuf};

use toml_edit::{InlineTable, Value};

use super::context::Context;
use super::inputs::stack_relative;
use super::model::{ComposeFile, Mount, Scalar, Service};
use super::names::Namespace;
use super::path::Path;
use crate::error::ErrorKind;

/// The most files a read-only folder may hold to be shipped file by file.
pub const MAX_FOLDER_FILES: usize = 64;

/// A service's mounts in stack.toml's terms.
#[derive(Debug, Default)]
pub struct Mounts {
    /// `volumes` entries.
    pub volumes: Vec<Value>,
    /// `files` entries: (source relative to the stack file, target).
    pub files: Vec<(String, String)>,
    /// Named volumes made for anonymous ones: (stack.toml name, Compose path).
    pub made: Vec<(String, Path)>,
}

/// One mount, read.
struct Read {
    kind: Kind,
    source: Option<String>,
    target: String,
    /// Mounted read-only.
    locked: bool,
}

#[derive(PartialEq, Eq)]
enum Kind {
    Volume,
    Bind,
    Other(String),
}

/// The mounts of the service `name` (`at` is `services.NAME`).
pub fn mounts(
    ctx: &mut Context<'_>,
    name: &str,
    at: &Path,
    service: &Service,
    file: &ComposeFile,
) -> Mounts {
    let mut out = Mounts::default();
    for (position, mount) in service.volumes.iter().enumerate() {
        let path = at.key("volumes").index(position);
        let Some(read) = read(ctx, &path, mount) else {
            continue;
        };
        if !read.target.starts_with('/') || read.target.split('/').any(|part| part == "..") {
            ctx.lose(
                &path,
                "stack.toml mounts at absolute paths without `..` only",
            );
            continue;
        }
        match read.kind {
            Kind::Volume => volume(ctx, name, &path, &read, file, &mut out),
            Kind::Bind => bind(ctx, &path, read, &mut out),
            Kind::Other(kind) => ctx.lose(&path, format!("stack.toml has no {kind} mounts")),
        }
    }
    for (position, config) in service.configs.iter().enumerate() {
        let path = at.key("configs").index(position);
        let source_name = config.source();
        let Some(source) = file.configs.get(source_name) else {
            ctx.error(
                &path,
                ErrorKind::DanglingReference {
                    what: "config",
                    name: source_name.to_owned(),
                    suggestion: crate::load::closest(
                        source_name,
                        &file.configs.keys().cloned().collect::<Vec<_>>(),
                    ),
                },
            );
            continue;
        };
        let target = config
            .target()
            .map_or_else(|| format!("/{source_name}"), str::to_owned);
        if let super::model::FileMount::Long(long) = config {
            ctx.lose_other(&path, &long.other);
        }
        match &source.file {
            Some(host) => {
                let read = Read {
                    kind: Kind::Bind,
                    source: Some(host.clone()),
                    target,
                    locked: true,
                };
                bind(ctx, &path, read, &mut out);
            }
            None => ctx.lose(
                &path,
                "stack.toml mounts configs only from files beside the stack file",
            ),
        }
    }
    for (position, secret) in service.secrets.iter().enumerate() {
        let path = at.key("secrets").index(position);
        if !file.secrets.contains_key(secret.source()) {
            ctx.error(
                &path,
                ErrorKind::DanglingReference {
                    what: "secret",
                    name: secret.source().to_owned(),
                    suggestion: crate::load::closest(
                        secret.source(),
                        &file.secrets.keys().cloned().collect::<Vec<_>>(),
                    ),
                },
            );
            continue;
        }
        ctx.lose(
            &path,
            "stack.toml has no secrets for services (stackgen ships no secret file in a bundle): pass the value as a `${VAR}` environment variable instead",
        );
    }
    out
}

fn read(ctx: &mut Context<'_>, path: &Path, mount: &Mount) -> Option<Read> {
    match mount {
        Mount::Short(raw) => {
            let text = ctx.literal(path, raw, "mount")?;
            let parts: Vec<&str> = text.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, *target, ""),
                [source, target] => (Some(*source), *target, ""),
                [source, target, mode] => (Some(*source), *target, *mode),
                _ => {
                    ctx.lose(path, "a mount with more than two `:` (a Windows path?)");
                    return None;
                }
            };
            let mut read_only = false;
            for option in mode.split(',').filter(|o| !o.is_empty()) {
                match option {
                    "ro" => read_only = true,
                    "rw" => {}
                    other => ctx.change(
                        path,
                        format!(
                            "the mount option `{other}` is dropped: stack.toml has only read-only"
                        ),
                    ),
                }
            }
            let kind = match source {
                Some(s) if s.starts_with(['.', '/', '~']) => Kind::Bind,
                _ => Kind::Volume,
            };
            Some(Read {
                kind,
                source: source.map(str::to_owned),
                target: target.to_owned(),
                locked: read_only,
            })
        }
        Mount::Long(long) => {
            ctx.lose_other(path, &long.other);
            let kind = match long.kind.as_str() {
                "volume" => Kind::Volume,
                "bind" => Kind::Bind,
                other => Kind::Other(other.to_owned()),
            };
            let Some(target) = &long.target else {
                ctx.lose(path, "a mount without `target`");
                return None;
            };
            let target = ctx.literal(&path.key("target"), target, "mount target")?;
            let source = match &long.source {
                Some(source) => Some(ctx.literal(&path.key("source"), source, "mount source")?),
                None => None,
            };
            let read_only = long
                .read_only
                .as_ref()
                .and_then(Scalar::as_bool)
                .unwrap_or(false);
            Some(Read {
                kind,
                source,
                target,
                locked: read_only,
            })
        }
    }
}

fn volume(
    ctx: &mut Context<'_>,
    service: &str,
    path: &Path,
    read: &Read,
    file: &ComposeFile,
    out: &mut Mounts,
) {
    let name = if let Some(source) = read.source.as_deref().filter(|s| !s.is_empty()) {
        let Some(name) = ctx.names.get(Namespace::Volume, source) else {
            ctx.error(
                path,
                ErrorKind::DanglingReference {
                    what: "volume",
                    name: source.to_owned(),
                    suggestion: crate::load::closest(
                        source,
                        &file.volumes.keys().cloned().collect::<Vec<_>>(),
                    ),
                },
            );
            return;
        };
        name.to_owned()
    } else {
        let (name, _) = ctx
            .names
            .assign(Namespace::Volume, &format!("{service}{}", read.target));
        ctx.change(
            path,
            format!("an anonymous volume: stack.toml names every volume, so it becomes the volume `{name}`"),
        );
        out.made.push((name.clone(), path.clone()));
        name
    };
    out.volumes
        .push(mount_value(&name, &read.target, read.locked));
}

fn bind(ctx: &mut Context<'_>, path: &Path, read: Read, out: &mut Mounts) {
    let source = read.source.unwrap_or_default();
    if source.starts_with('~') {
        ctx.lose(path, "stack.toml has no paths in the home folder (`~`)");
        return;
    }
    if source.starts_with('/') {
        if source.split('/').any(|part| part == "..") {
            ctx.lose(path, "stack.toml refuses host paths with `..`");
            return;
        }
        out.volumes
            .push(mount_value(&source, &read.target, read.locked));
        return;
    }
    let Some(relative) = normalize(&source) else {
        ctx.lose(
            path,
            "the host path leaves the Compose file's folder, and stack.toml refuses host paths with `..`",
        );
        return;
    };
    let on_disk = ctx.compose_dir.join(&relative);
    if on_disk.is_file() {
        if let Some(shipped) = inside(&ctx.stack_dir, &on_disk) {
            if !read.locked {
                ctx.change(
                    path,
                    format!("shipped in the bundle as a `files` entry, mounted read-only from the copy of `{shipped}`"),
                );
            }
            out.files.push((shipped, read.target));
            return;
        }
    } else if on_disk.is_dir() && read.locked {
        if let Some(files) = folder_files(&ctx.stack_dir, &on_disk) {
            ctx.change(
                path,
                format!("a read-only folder of {} file(s): shipped in the bundle file by file as `files` entries", files.len()),
            );
            for (shipped, inner) in files {
                out.files.push((
                    shipped,
                    format!("{}/{inner}", read.target.trim_end_matches('/')),
                ));
            }
            return;
        }
    }
    let shown = format!("./{relative}");
    let what = if on_disk.exists() {
        "a host path"
    } else {
        "a host path that does not exist beside the Compose file"
    };
    ctx.change(
        path,
        format!("{what}: the rendered docker-compose.yml mounts `{shown}` from the bundle's folder; copy or link it there"),
    );
    out.volumes
        .push(mount_value(&shown, &read.target, read.locked));
}

/// `source:target[:ro]`, or a table when a part holds a `:`.
fn mount_value(source: &str, target: &str, read_only: bool) -> Value {
    if source.contains(':') || target.contains(':') {
        let mut table = InlineTable::new();
        table.insert("source", Value::from(source));
        table.insert("target", Value::from(target));
        if read_only {
            table.insert("read-only", Value::from(true));
        }
        return Value::InlineTable(table);
    }
    let mode = if read_only { ":ro" } else { "" };
    Value::from(format!("{source}:{target}{mode}"))
}

/// A relative host path without `.` parts, with `/`; `None` when it leaves
/// its folder or is not plain UTF-8 parts.
fn normalize(source: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for component in FsPath::new(source).components() {
        match component {
            Component::CurDir => {}
            Component::Normal(part) => parts.push(part.to_str()?),
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A file relative to the stack folder: see [`stack_relative`].
fn inside(stack_dir: &FsPath, file: &FsPath) -> Option<String> {
    stack_relative(stack_dir, file).filter(|path| path != ".")
}

/// The regular files of `folder` (recursively, sorted) as (source relative
/// to `stack_dir`, path inside the folder); `None` when it holds anything
/// else (a link, a device), more than [`MAX_FOLDER_FILES`] files, or none.
fn folder_files(stack_dir: &FsPath, folder: &FsPath) -> Option<Vec<(String, String)>> {
    let mut found = Vec::new();
    let mut pending: Vec<(PathBuf, String)> = vec![(folder.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .collect::<Result<_, _>>()
            .ok()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name().to_str()?.to_owned();
            let inner = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                pending.push((entry.path(), inner));
            } else if kind.is_file() {
                found.push((inside(stack_dir, &entry.path())?, inner));
            } else {
                return None;
            }
            if found.len() > MAX_FOLDER_FILES {
                return None;
            }
        }
    }
    found.sort();
    (!found.is_empty()).then_some(found)
}
