//! Unit tests of `files`.

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
        found[0]
            .0
            .starts_with("cannot read `missing.sql`: No such file"),
        "{found:?}"
    );
    assert_eq!(found[0].1, r#""missing.sql""#);
    assert_eq!(
        found[1].0,
        "mount target `/docker-entrypoint-initdb.d/init.sql` is defined more than once"
    );
    assert_eq!(found[1].1, r#""/docker-entrypoint-initdb.d/init.sql""#);
}

/// A stack that names a file or folder in every field the schema marks
/// with `x-stackgen-input`. A new such field fails
/// `every_input_field_refuses_paths_that_leave_the_folder` until it is
/// added here, and is then checked like the others.
const EVERY_INPUT: &str = r#"
[stack]
name = "inputs"

[services.app]
build = { context = ".", dockerfile = "Dockerfile" }
env-file = ["app.env"]
files = [{ source = "init.sql", target = "/init.sql" }]
expose = [80]

[ingress]
routes = [{ path = "/", service = "app", port = 80, auth = { basic-file = "htpasswd" } }]
tls = { certificate = "site.crt", key = "site.key" }
"#;

/// The pointer templates (`*` for any key or index) of every field the
/// schema marks as naming a file or folder.
fn schema_input_fields() -> Vec<String> {
    fn walk(schema: &serde_json::Value, root: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        let Some(map) = schema.as_object() else {
            return;
        };
        if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
            let name = target.trim_start_matches("#/$defs/");
            if at.matches('/').count() < 12 {
                walk(&root["$defs"][name], root, at, out);
            }
        }
        if map.contains_key("x-stackgen-input") {
            let is_array = map.get("type").is_some_and(|t| t == "array");
            out.push(if is_array {
                format!("{at}/*")
            } else {
                at.to_owned()
            });
        }
        if let Some(properties) = map.get("properties").and_then(|p| p.as_object()) {
            for (key, value) in properties {
                walk(value, root, &format!("{at}/{key}"), out);
            }
        }
        for (keyword, step) in [("additionalProperties", "/*"), ("items", "/*")] {
            if let Some(inner) = map.get(keyword) {
                walk(inner, root, &format!("{at}{step}"), out);
            }
        }
        for keyword in ["anyOf", "oneOf", "allOf"] {
            for inner in map
                .get(keyword)
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
            {
                walk(inner, root, at, out);
            }
        }
    }
    let schema: serde_json::Value =
        serde_json::from_str(&crate::load::generated_stack_schema_text()).expect("schema");
    let mut out = Vec::new();
    walk(&schema, &schema, "", &mut out);
    out.sort();
    out.dedup();
    out
}

/// Whether `pointer` is an instance of `template`.
fn instance_of(pointer: &str, template: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').collect();
    let pattern: Vec<&str> = template.split('/').collect();
    parts.len() == pattern.len() && parts.iter().zip(&pattern).all(|(p, t)| *t == "*" || p == t)
}

/// A stack folder with every file [`EVERY_INPUT`] names, hostile
/// neighbours inside it, and files and a folder outside it.
fn project() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let stack = root.path().join("stack");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(&stack).expect("mkdir");
    std::fs::create_dir_all(outside.join("folder")).expect("mkdir");
    std::fs::write(outside.join("secret.txt"), "secret\n").expect("write");
    for (name, contents) in [
        ("Dockerfile", "FROM scratch\n"),
        ("app.env", "A=1\n"),
        ("init.sql", "select 1;\n"),
        ("htpasswd", "ops:$apr1$stackgen$tEmwC8r7X8OBTS8XnDsh31\n"),
    ] {
        std::fs::write(stack.join(name), contents).expect("write");
    }
    for (name, from) in [
        ("site.crt", "examples/certs/dev.crt"),
        ("site.key", "examples/certs/dev.key"),
    ] {
        std::fs::copy(from, stack.join(name)).expect("copy");
    }
    for (target, link) in [
        (outside.join("secret.txt"), "link-to-file"),
        (outside.join("folder"), "link-to-folder"),
        (std::path::PathBuf::from("/dev/zero"), "zero"),
    ] {
        std::os::unix::fs::symlink(target, stack.join(link)).expect("link");
    }
    let status = std::process::Command::new("mkfifo")
        .arg(stack.join("fifo"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    std::fs::write(stack.join("stack.toml"), EVERY_INPUT).expect("write");
    (root, stack, outside)
}

/// (code, span) of every error of `text` loaded as `stack/stack.toml`.
fn errors_of(
    stack: &Path,
    text: &str,
    allowed: &[std::path::PathBuf],
) -> (
    Vec<(&'static str, std::ops::Range<usize>)>,
    crate::load::Loaded,
) {
    let file = stack.join("stack.toml");
    std::fs::write(&file, text).expect("write");
    let options = crate::load::LoadOptions {
        env: None,
        allowed_input_dirs: allowed.to_vec(),
        ..crate::load::LoadOptions::default()
    };
    let loaded = crate::load::load_file_with(&file, &options).expect("loads");
    let errors = crate::validate::validate(&loaded)
        .into_iter()
        .filter(crate::error::Diagnostic::is_error)
        .map(|d| (d.kind.code(), d.location.span))
        .collect();
    (errors, loaded)
}

#[test]
fn every_input_field_refuses_paths_that_leave_the_folder() {
    let (_root, stack, outside) = project();
    let (errors, loaded) = errors_of(&stack, EVERY_INPUT, &[]);
    assert_eq!(errors, Vec::new(), "the fixture is valid");
    let rendered =
        crate::run(&stack.join("stack.toml"), &crate::Options::default()).expect("renders");
    assert!(rendered.bundle.files.contains_key("env/app/app.env"));
    let compose = String::from_utf8_lossy(&rendered.bundle.files["docker-compose.yml"]);
    assert!(compose.contains("context: ../..\n"), "{compose}");
    assert!(compose.contains("- ./env/app/app.env\n"), "{compose}");

    let document: toml::Table = toml::from_str(EVERY_INPUT).expect("toml");
    let templates = schema_input_fields();
    assert!(templates.len() >= 6, "{templates:?}");
    let named = named_inputs(&loaded.stack);
    for template in &templates {
        let instances: Vec<&NamedInputRef> = named
            .iter()
            .filter(|n| instance_of(&n.pointer, template))
            .collect();
        assert!(
            !instances.is_empty(),
            "{template} names a file but EVERY_INPUT does not set it, or named_inputs misses it"
        );
    }
    assert_eq!(
        named.len(),
        named
            .iter()
            .filter(|n| templates.iter().any(|t| instance_of(&n.pointer, t)))
            .count(),
        "named_inputs lists a field the schema does not mark"
    );

    for input in &named {
        let is_folder = input.kind == crate::load::InputKind::Folder;
        let cases: [(&str, &[&str]); 7] = [
            (
                "/etc/hostname",
                &["stackgen::files::outside", "stackgen::volumes::invalid"],
            ),
            (
                "../outside/secret.txt",
                &["stackgen::files::outside", "stackgen::volumes::invalid"],
            ),
            (
                if is_folder {
                    "link-to-folder"
                } else {
                    "link-to-file"
                },
                &["stackgen::files::outside"],
            ),
            ("zero", &["stackgen::files::outside"]),
            ("missing", &["stackgen::files::unreadable"]),
            ("fifo", &["stackgen::files::unreadable"]),
            (
                if is_folder {
                    "init.sql"
                } else {
                    "link-to-folder"
                },
                &["stackgen::files::unreadable", "stackgen::files::outside"],
            ),
        ];
        for (value, codes) in cases {
            let text = with_value(&document, &input.pointer, value);
            let (errors, loaded) = errors_of(&stack, &text, &[]);
            let span = loaded.spans.value(&input.pointer).span;
            assert!(
                errors
                    .iter()
                    .any(|(code, at)| *at == span && codes.contains(code)),
                "{} = {value:?}: expected one of {codes:?} at its value, got {errors:?}",
                input.pointer
            );
        }
        // Allowed on the command line, the folder the link leads to is fine.
        let link = if is_folder {
            "link-to-folder"
        } else {
            "link-to-file"
        };
        let text = with_value(&document, &input.pointer, link);
        let (errors, loaded) = errors_of(&stack, &text, std::slice::from_ref(&outside));
        let span = loaded.spans.value(&input.pointer).span;
        assert!(
            !errors.iter().any(|(code, at)| *at == span
                && ["stackgen::files::outside", "stackgen::files::unreadable"].contains(code)),
            "{} = {link:?} with --allow-input-dir: {errors:?}",
            input.pointer
        );
    }
}

type NamedInputRef = crate::load::NamedInput;

/// `document` with the string at `pointer` replaced by `value`, as TOML.
fn with_value(document: &toml::Table, pointer: &str, value: &str) -> String {
    let mut json = serde_json::to_value(document).expect("json");
    *json.pointer_mut(pointer).expect("the pointer exists") =
        serde_json::Value::String(value.to_owned());
    toml::to_string(&json).expect("toml")
}
