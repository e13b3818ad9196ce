//! The writer never goes through a link below the output directory: a link
//! is planted at every depth of every path the seed stacks' bundles hold.

use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::Path;

use super::*;

/// Every seed stack's bundle, by stack file.
fn seed_bundles() -> BTreeMap<String, Bundle> {
    let mut bundles = BTreeMap::new();
    for folder in ["stacks", "examples"] {
        for entry in std::fs::read_dir(folder).expect("seed folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let rendered =
                    crate::run(&path, &crate::Options::default()).expect("seed stacks render");
                bundles.insert(path.display().to_string(), rendered.bundle);
            }
        }
    }
    bundles
}

/// Every folder and file path a bundle writes (the manifest included), each
/// with a bundle that writes it.
fn every_depth(bundles: &BTreeMap<String, Bundle>) -> BTreeMap<String, &Bundle> {
    let mut paths = BTreeMap::new();
    for bundle in bundles.values() {
        for file in bundle.files.keys().map(String::as_str).chain([MANIFEST]) {
            let mut prefix = String::new();
            for part in file.split('/') {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(part);
                paths.entry(prefix.clone()).or_insert(bundle);
            }
        }
    }
    paths
}

/// Every file below `dir`, relative, with its contents (links as `-> target`).
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir") {
            let path = entry.expect("entry").path();
            let relative = path.strip_prefix(dir).expect("below").display().to_string();
            let kind = std::fs::symlink_metadata(&path).expect("stat").file_type();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                found.insert(relative, format!("-> {}", target.display()));
            } else if kind.is_dir() {
                found.insert(relative, "/".to_owned());
                pending.push(path);
            } else {
                let contents = std::fs::read(&path).expect("read");
                found.insert(relative, String::from_utf8_lossy(&contents).into_owned());
            }
        }
    }
    found
}

/// Replaces `relative` below `out` with a link to `target`.
fn plant_link(out: &Path, relative: &str, target: &Path) {
    let at = out.join(relative);
    if let Some(parent) = at.parent() {
        std::fs::create_dir_all(parent).expect("parents");
    }
    match std::fs::symlink_metadata(&at) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&at).expect("remove dir"),
        Ok(_) => std::fs::remove_file(&at).expect("remove file"),
        Err(_) => {}
    }
    symlink(target, &at).expect("symlink");
}

#[test]
fn a_link_at_any_depth_of_any_output_path_is_refused() {
    let bundles = seed_bundles();
    assert!(bundles.len() >= 5, "the seed stacks render");
    let empty = Bundle::default();
    let paths = every_depth(&bundles);
    for (relative, bundle) in &paths {
        // Fresh directory; then one holding the bundle, rendered again
        // (overwrites) and replaced by an empty bundle (stale removals).
        for (before, bundle) in [
            (None, *bundle),
            (Some(*bundle), *bundle),
            (Some(*bundle), &empty),
        ] {
            let outside = tempfile::tempdir().expect("temp dir");
            std::fs::write(outside.path().join("keep.txt"), "outside\n").expect("write");
            let out_parent = tempfile::tempdir().expect("temp dir");
            let out = out_parent.path().join("out");
            if let Some(before) = before {
                write_bundle(before, &out, false).expect("first render");
            }
            // A link to a folder where a folder goes, to a file where a file goes.
            let is_folder = bundle
                .files
                .keys()
                .any(|f| f.starts_with(&format!("{relative}/")))
                || bundles.values().any(|b| {
                    b.files
                        .keys()
                        .any(|f| f.starts_with(&format!("{relative}/")))
                });
            let target = if is_folder {
                outside.path().to_path_buf()
            } else {
                outside.path().join("keep.txt")
            };
            plant_link(&out, relative, &target);
            let inside = snapshot(&out);
            let outside_before = snapshot(outside.path());

            let written = write_bundle(bundle, &out, false);
            let checked = check(bundle, &out);
            let forced = write_bundle(bundle, &out, true);

            assert_eq!(
                snapshot(outside.path()),
                outside_before,
                "{relative}: outside changed"
            );
            assert_eq!(
                snapshot(&out),
                inside,
                "{relative}: output changed after a refusal"
            );
            let touches = bundle
                .files
                .keys()
                .map(String::as_str)
                .chain([MANIFEST])
                .chain(
                    before
                        .iter()
                        .flat_map(|b| b.files.keys().map(String::as_str)),
                )
                .any(|f| f == relative || f.starts_with(&format!("{relative}/")));
            if !touches {
                continue;
            }
            for (what, result) in [
                ("write", written.map(|_| ())),
                ("check", checked.map(|_| ())),
                ("forced write", forced.map(|_| ())),
            ] {
                match result {
                    Err(Error::UnsafeOutput { path, what: kind }) => {
                        assert_eq!(path, out.join(relative), "{what} {relative}");
                        assert_eq!(kind, "a symbolic link", "{what} {relative}");
                    }
                    other => panic!("{what} with a link at {relative}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn the_output_directory_itself_may_be_a_link() {
    let bundles = seed_bundles();
    let bundle = bundles.values().next().expect("a seed bundle");
    let real = tempfile::tempdir().expect("temp dir");
    let holder = tempfile::tempdir().expect("temp dir");
    let link = holder.path().join("out");
    symlink(real.path(), &link).expect("symlink");
    write_bundle(bundle, &link, false).expect("writes through the root link");
    assert!(real.path().join(MANIFEST).is_file());
    assert_eq!(check(bundle, &link).expect("checks"), Vec::new());
}

#[test]
fn fifos_and_folders_where_files_go_are_refused_without_blocking() {
    let bundles = seed_bundles();
    let bundle = bundles.values().next().expect("a seed bundle");
    let file = bundle.files.keys().next().expect("a file").clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join(&file)).expect("a folder where the file goes");
    let Err(Error::UnsafeOutput { what, .. }) = write_bundle(bundle, &out, true) else {
        panic!("a folder in place of a file is refused");
    };
    assert_eq!(what, "a directory");
    std::fs::remove_dir_all(out.join(&file)).expect("remove");
    let status = std::process::Command::new("mkfifo")
        .arg(out.join(&file))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let Err(Error::UnsafeOutput { what, .. }) = write_bundle(bundle, &out, true) else {
        panic!("a FIFO in place of a file is refused");
    };
    assert_eq!(what, "a FIFO");
}

#[test]
fn stale_files_go_only_when_unchanged_and_private_files_keep_their_mode() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let mut bundle = Bundle::default();
    for name in ["a/one.yml", "a/two.yml", "b/three.yml", "key.pem"] {
        bundle.files.insert(
            name.to_owned(),
            format!("# Generated by stackgen\n{name}\n").into_bytes(),
        );
    }
    bundle.modes.insert("key.pem".to_owned(), 0o600);
    write_bundle(&bundle, &out, false).expect("first write");
    let mode = |p: &str| {
        std::fs::metadata(out.join(p))
            .expect("stat")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("key.pem"), 0o600);
    // A key made readable by others is narrowed again, contents unchanged.
    std::fs::set_permissions(out.join("key.pem"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let report = write_bundle(&bundle, &out, false).expect("second write");
    assert_eq!(report.written, vec!["key.pem".to_owned()]);
    assert_eq!(mode("key.pem"), 0o600);

    std::fs::write(out.join("a/two.yml"), "edited\n").expect("edit");
    let smaller = Bundle {
        files: bundle
            .files
            .iter()
            .filter(|(path, _)| path.as_str() == "key.pem")
            .map(|(p, c)| (p.clone(), c.clone()))
            .collect(),
        modes: bundle.modes.clone(),
    };
    // Even `--force` removes only what is still exactly what stackgen wrote.
    let report = write_bundle(&smaller, &out, true).expect("write");
    assert_eq!(
        report.removed,
        vec!["a/one.yml".to_owned(), "b/three.yml".to_owned()]
    );
    assert_eq!(report.kept, vec!["a/two.yml".to_owned()]);
    assert!(!out.join("b").exists(), "an emptied folder goes");
    assert_eq!(
        std::fs::read_to_string(out.join("a/two.yml")).expect("kept"),
        "edited\n"
    );
}

#[test]
fn a_failed_write_leaves_no_temporary_file_and_records_what_it_wrote() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let mut bundle = Bundle::default();
    bundle.files.insert("a.yml".to_owned(), b"a\n".to_vec());
    // A name the file system takes, whose temporary file's name it does not:
    // the write fails after `a.yml` is written.
    let long = format!("b/{}", "x".repeat(240));
    bundle.files.insert(long.clone(), b"b\n".to_vec());
    let Err(Error::Io { action, .. }) = write_bundle(&bundle, &out, false) else {
        panic!("the long name fails");
    };
    assert_eq!(action, "write");
    let files = snapshot(&out);
    assert!(
        files
            .keys()
            .all(|p| Path::new(p).extension().is_none_or(|e| e != "tmp")),
        "{files:?}"
    );
    let tree = Tree::open(&out, false).expect("opens").expect("exists");
    let manifest = Manifest::read(&tree).expect("manifest");
    assert_eq!(manifest.paths().collect::<Vec<_>>(), vec!["a.yml"]);
}

#[test]
fn keys_are_private_and_copies_no_more_readable_than_their_sources() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stack = dir.path().join("stack");
    std::fs::create_dir_all(stack.join("certs")).expect("mkdir");
    let sources: [(&str, Option<&str>, u32); 5] = [
        ("certs/site.crt", Some("tests/invalid/tls/rsa.crt"), 0o644),
        // A key readable by everyone is still written for its owner only.
        (
            "certs/site.key",
            Some("tests/invalid/tls/rsa-pkcs8.key"),
            0o644,
        ),
        ("init.sql", None, 0o640),
        ("app.env", None, 0o600),
        ("public.txt", None, 0o644),
    ];
    for (name, from, mode) in sources {
        let path = stack.join(name);
        match from {
            Some(from) => std::fs::copy(from, &path).map(|_| ()),
            None => std::fs::write(&path, "A=1\n"),
        }
        .expect("source");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    std::fs::write(
        stack.join("stack.toml"),
        r#"[stack]
name = "modes"

[services.app]
image = "app:1"
expose = [80]
env-file = ["app.env"]
files = [
  { source = "init.sql", target = "/init.sql" },
  { source = "public.txt", target = "/public.txt" },
]

[ingress]
routes = [{ path = "/", service = "app", port = 80 }]
tls = { certificate = "certs/site.crt", key = "certs/site.key" }
"#,
    )
    .expect("stack");
    let bundle = crate::run(&stack.join("stack.toml"), &crate::Options::default())
        .expect("renders")
        .bundle;
    let out = dir.path().join("out");
    write_bundle(&bundle, &out, false).expect("writes");
    let mode = |path: &Path| std::fs::metadata(path).expect("stat").permissions().mode() & 0o777;
    let copies = [
        ("nginx/certs/site.crt", "certs/site.crt"),
        ("nginx/certs/site.key", "certs/site.key"),
        ("files/app/init.sql", "init.sql"),
        ("files/app/public.txt", "public.txt"),
        ("env/app/app.env", "app.env"),
    ];
    assert_eq!(
        bundle.modes.keys().collect::<Vec<_>>(),
        {
            let mut paths: Vec<_> = copies.iter().map(|(copy, _)| copy).collect();
            paths.sort();
            paths
        },
        "every copy, and only copies, carry their permission bits"
    );
    for (copy, source) in copies {
        let (written, original) = (mode(&out.join(copy)), mode(&stack.join(source)));
        assert_eq!(
            written & !original,
            0,
            "{copy} is {written:o}, its source {original:o}"
        );
    }
    assert_eq!(mode(&out.join("nginx/certs/site.key")), 0o600);
    assert_eq!(mode(&out.join("env/app/app.env")), 0o600);
}
