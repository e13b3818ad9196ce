//! End-to-end tests of the everyday workflow: drift checks, safe writes,
//! environment overlays, `.env.example`, `init`, `graph`, `ports`,
//! completions and the man page. Each runs the real binary in a temp dir.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STACK: &str = r#"[stack]
name = "shop"

[services.db]
image = "postgres:16-alpine"
kind = "postgres"
environment = { POSTGRES_PASSWORD = "${POSTGRES_PASSWORD}" }
expose = [5432]
healthcheck = { shell = "pg_isready", interval = "10s", timeout = "5s", retries = 5 }

[services.api]
image = "ghcr.io/example/api:1.0.0"
replicas = 1
ports = ["127.0.0.1:8000:8000"]
environment = { DATABASE_URL = "${DATABASE_URL}" }
depends-on = { db = "healthy" }
"#;

fn stackgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("stackgen runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temp dir holding `stack.toml`.
fn project(stack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("stack.toml"), stack).expect("write stack");
    dir
}

/// Every file under `root`, relative path → contents.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("inside root").to_path_buf();
                out.insert(relative, fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out
}

fn render_ok(dir: &Path, extra: &[&str]) {
    let mut args = vec!["render", "stack.toml", "-o", "out"];
    args.extend_from_slice(extra);
    let output = stackgen(dir, &args);
    assert_eq!(code(&output), 0, "render failed: {}", stderr(&output));
}

#[test]
fn check_passes_on_fresh_output_and_shows_a_diff_after_a_hand_edit() {
    let dir = project(STACK);
    render_ok(dir.path(), &[]);
    let fresh = stackgen(dir.path(), &["check", "stack.toml", "-o", "out"]);
    assert_eq!(code(&fresh), 0, "{}", stderr(&fresh));
    assert!(stdout(&fresh).is_empty());

    let compose = dir.path().join("out/docker-compose.yml");
    let mut text = fs::read_to_string(&compose).expect("compose written");
    text.push_str("# tweaked by hand\n");
    fs::write(&compose, text).expect("edit");
    for args in [
        ["check", "stack.toml", "-o", "out"].as_slice(),
        ["render", "stack.toml", "-o", "out", "--check"].as_slice(),
    ] {
        let drift = stackgen(dir.path(), args);
        assert_eq!(code(&drift), 1, "{}", stderr(&drift));
        let diff = stdout(&drift);
        assert!(diff.contains("--- a/docker-compose.yml"), "{diff}");
        assert!(diff.contains("+++ b/docker-compose.yml"), "{diff}");
        assert!(diff.contains("-# tweaked by hand"), "{diff}");
        assert!(stderr(&drift).contains("1 generated file(s) are out of date"));
    }
}

#[test]
fn check_reports_missing_files() {
    let dir = project(STACK);
    render_ok(dir.path(), &[]);
    fs::remove_file(dir.path().join("out/.env.example")).expect("remove");
    let drift = stackgen(dir.path(), &["check", "stack.toml", "-o", "out"]);
    assert_eq!(code(&drift), 1);
    assert_eq!(stdout(&drift), "missing: .env.example\n");
}

#[test]
fn render_refuses_a_foreign_file_and_leaves_it_byte_identical() {
    let dir = project(STACK);
    let out = dir.path().join("out");
    fs::create_dir_all(&out).expect("mkdir");
    fs::write(out.join("docker-compose.yml"), b"services: {} # mine\n").expect("write");
    let before = snapshot(&out);
    let refused = stackgen(dir.path(), &["render", "stack.toml", "-o", "out"]);
    assert_eq!(code(&refused), 2, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("refusing to overwrite"));
    assert!(stderr(&refused).contains("--force"));
    // Nothing at all was written: no manifest, no other file.
    assert_eq!(snapshot(&out), before);
}

#[test]
fn force_takes_over_a_foreign_file() {
    let dir = project(STACK);
    let out = dir.path().join("out");
    fs::create_dir_all(&out).expect("mkdir");
    fs::write(out.join("docker-compose.yml"), b"services: {} # mine\n").expect("write");
    render_ok(dir.path(), &["--force"]);
    let compose = fs::read_to_string(out.join("docker-compose.yml")).expect("read");
    assert!(compose.starts_with("# Generated by stackgen"));
    let manifest = fs::read_to_string(out.join(".stackgen-manifest.json")).expect("manifest");
    assert!(manifest.contains("\"docker-compose.yml\""));
    // Now it is ours: a plain render works again.
    render_ok(dir.path(), &[]);
}

#[test]
fn a_failing_validation_leaves_the_output_directory_untouched() {
    let dir = project(STACK);
    render_ok(dir.path(), &[]);
    let out = dir.path().join("out");
    let before = snapshot(&out);
    fs::write(
        dir.path().join("stack.toml"),
        STACK.replace("replicas = 1", "replicas = 2\nreplicaz = 3"),
    )
    .expect("break the stack");
    let failed = stackgen(dir.path(), &["render", "stack.toml", "-o", "out"]);
    assert_eq!(code(&failed), 1, "{}", stderr(&failed));
    assert!(stderr(&failed).contains("replicaz"));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn stale_generated_files_are_pruned_but_hand_edited_ones_are_kept() {
    let dir = project(STACK);
    let out = dir.path().join("out");
    let mut bundle = stackgen::render_stack(&dir.path().join("stack.toml"))
        .expect("renders")
        .bundle;
    bundle.files.insert(
        "old/stale.yml".to_owned(),
        b"# Generated by stackgen\na: 1\n".to_vec(),
    );
    bundle
        .files
        .insert("old/edited.txt".to_owned(), b"generated once\n".to_vec());
    stackgen::write::write_bundle(&bundle, &out, false).expect("first write");
    fs::write(out.join("old/edited.txt"), b"edited since\n").expect("edit");

    let check = stackgen(dir.path(), &["check", "stack.toml", "-o", "out"]);
    assert_eq!(code(&check), 1);
    assert!(stdout(&check).contains("no longer generated: old/stale.yml"));

    let output = stackgen(dir.path(), &["render", "stack.toml", "-o", "out"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!out.join("old/stale.yml").exists());
    assert_eq!(
        fs::read(out.join("old/edited.txt")).expect("kept"),
        b"edited since\n"
    );
    assert!(stderr(&output).contains("edited by hand; left in place"));
    let manifest = fs::read_to_string(out.join(".stackgen-manifest.json")).expect("manifest");
    assert!(!manifest.contains("old/"));

    // With the edited file gone too, the emptied directory is removed.
    fs::remove_file(out.join("old/edited.txt")).expect("remove");
    bundle.files.insert(
        "old/stale.yml".to_owned(),
        b"# Generated by stackgen\n".to_vec(),
    );
    stackgen::write::write_bundle(&bundle, &out, false).expect("write again");
    render_ok(dir.path(), &[]);
    assert!(!out.join("old").exists());
}

#[test]
fn a_folder_where_a_file_goes_is_refused_before_anything_is_written() {
    let dir = project(STACK);
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("docker-compose.yml/blocker")).expect("mkdir");
    let before = snapshot(&out);
    let failed = stackgen(dir.path(), &["render", "stack.toml", "-o", "out"]);
    assert_eq!(code(&failed), 2, "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("docker-compose.yml in the output directory: it is a directory"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(snapshot(&out), before);

    fs::remove_dir_all(out.join("docker-compose.yml")).expect("unblock");
    render_ok(dir.path(), &[]);
    let check = stackgen(dir.path(), &["check", "stack.toml", "-o", "out"]);
    assert_eq!(code(&check), 0);
}

#[test]
fn an_overlay_file_changes_replicas() {
    let dir = project(STACK);
    fs::write(
        dir.path().join("stack.production.toml"),
        "[services.api]\nreplicas = 3\nports = []\n",
    )
    .expect("overlay");
    let output = stackgen(
        dir.path(),
        &["render", "stack.toml", "--env", "production", "-o", "out"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let compose = fs::read_to_string(dir.path().join("out/docker-compose.yml")).expect("compose");
    assert!(compose.contains("api-3:"), "{compose}");
    assert!(!compose.contains("8000:8000"), "arrays replace: {compose}");
    // The base is untouched without --env.
    let check = stackgen(dir.path(), &["check", "stack.toml", "-o", "out"]);
    assert_eq!(code(&check), 1);
    let check = stackgen(
        dir.path(),
        &["check", "stack.toml", "-o", "out", "--env", "production"],
    );
    assert_eq!(code(&check), 0, "{}", stderr(&check));
}

#[test]
fn an_env_table_in_the_stack_file_is_an_overlay_too() {
    let dir = project(&format!(
        "{STACK}\n[env.staging.services.api]\nreplicas = 2\nports = []\n"
    ));
    let valid = stackgen(dir.path(), &["validate", "stack.toml", "--env", "staging"]);
    assert_eq!(code(&valid), 0, "{}", stderr(&valid));
    render_ok(dir.path(), &["--env", "staging"]);
    let compose = fs::read_to_string(dir.path().join("out/docker-compose.yml")).expect("compose");
    assert!(compose.contains("api-2:"), "{compose}");
    assert!(!compose.contains("api-3:"), "{compose}");
}

#[test]
fn a_bad_overlay_value_is_reported_in_the_overlay_file() {
    let dir = project(STACK);
    fs::write(
        dir.path().join("stack.production.toml"),
        "# production\n[services.api]\nreplicas = \"many\"\n",
    )
    .expect("overlay");
    let output = stackgen(
        dir.path(),
        &[
            "--format",
            "json",
            "validate",
            "stack.toml",
            "--env",
            "production",
        ],
    );
    assert_eq!(code(&output), 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["file"], "stack.production.toml");
    assert_eq!(diagnostic["line"], 3);
    assert_eq!(diagnostic["column"], 12);
}

#[test]
fn an_unknown_env_lists_the_available_ones() {
    let dir = project(&format!("{STACK}\n[env.staging.stack]\ncluster = \"s\"\n"));
    fs::write(dir.path().join("stack.production.toml"), "").expect("overlay");
    let output = stackgen(dir.path(), &["validate", "stack.toml", "--env", "prod"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("unknown environment `prod` (available: production, staging)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn env_example_lists_every_variable() {
    let dir = project(STACK);
    render_ok(dir.path(), &[]);
    let text = fs::read_to_string(dir.path().join("out/.env.example")).expect("env example");
    assert!(text.starts_with("# Generated by stackgen"));
    let database = text.find("DATABASE_URL=\n").expect("DATABASE_URL listed");
    let postgres = text
        .find("POSTGRES_PASSWORD=\n")
        .expect("POSTGRES_PASSWORD listed");
    assert!(database < postgres, "sorted: {text}");
    assert!(text.contains("# used by: /services/db/environment/POSTGRES_PASSWORD (service db)\n"));
}

#[test]
fn every_init_preset_validates_and_renders() {
    for preset in ["web", "monitoring", "streaming"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let init = stackgen(dir.path(), &["init", "--preset", preset]);
        assert_eq!(code(&init), 0, "{preset}: {}", stderr(&init));
        let text = fs::read_to_string(dir.path().join("stack.toml")).expect("written");
        assert!(text.starts_with("#:schema https://stackgen.dev/schema/stack.schema.json\n"));
        let valid = stackgen(dir.path(), &["validate", "stack.toml"]);
        assert_eq!(code(&valid), 0, "{preset}: {}", stderr(&valid));
        assert!(
            !stderr(&valid).contains("warning"),
            "{preset}: {}",
            stderr(&valid)
        );
        render_ok(dir.path(), &[]);
        let again = stackgen(dir.path(), &["init", "--preset", preset]);
        assert_eq!(code(&again), 2);
        assert!(stderr(&again).contains("refusing to overwrite"));
        assert_eq!(
            fs::read_to_string(dir.path().join("stack.toml")).expect("kept"),
            text
        );
    }
}

#[test]
fn init_into_a_new_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let init = stackgen(dir.path(), &["init", "infra/"]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    assert!(dir.path().join("infra/stack.toml").is_file());
}

#[test]
fn graph_draws_dependencies_in_mermaid_and_dot() {
    let dir = project(STACK);
    let mermaid = stackgen(dir.path(), &["graph", "stack.toml"]);
    assert_eq!(code(&mermaid), 0, "{}", stderr(&mermaid));
    assert_eq!(
        stdout(&mermaid),
        "flowchart LR\n  n_db[\"db\"]\n  n_api[\"api\"]\n  n_api -->|\"healthy\"| n_db\n"
    );
    let dot = stackgen(dir.path(), &["graph", "stack.toml", "--as", "dot"]);
    assert_eq!(code(&dot), 0, "{}", stderr(&dot));
    assert!(stdout(&dot).starts_with("digraph \"shop\" {\n"));
    assert!(stdout(&dot).contains("  \"api\" -> \"db\" [label=\"healthy\"];\n"));
}

#[test]
fn graph_draws_routes_and_scrapes() {
    let dir = project(&format!(
        "{STACK}metrics = {{ path = \"/metrics\" }}\nexpose = [8000]\n\n[prometheus]\n\n[ingress]\nhttp-port = 8080\n\n[[ingress.routes]]\npath = \"/api\"\nservice = \"api\"\n"
    ));
    let mermaid = stackgen(dir.path(), &["graph", "stack.toml"]);
    assert_eq!(code(&mermaid), 0, "{}", stderr(&mermaid));
    let text = stdout(&mermaid);
    assert!(text.contains("n_nginx ==>|\"/api\"| n_api\n"), "{text}");
    assert!(
        text.contains("n_prometheus -.->|\"scrape\"| n_api\n"),
        "{text}"
    );
}

#[test]
fn ports_lists_published_ports() {
    let dir = project(STACK);
    let output = stackgen(dir.path(), &["ports", "stack.toml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "SERVICE  HOST  CONTAINER  PROTOCOL  BIND\napi      8000  8000       tcp       127.0.0.1\n"
    );
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bash = stackgen(dir.path(), &["completions", "bash"]);
    assert_eq!(code(&bash), 0);
    assert!(stdout(&bash).contains("_stackgen()"));
    let man = stackgen(dir.path(), &["man"]);
    assert_eq!(code(&man), 0);
    assert!(
        stdout(&man).starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        stdout(&man)
    );
    assert!(stdout(&man).contains(".TH stackgen"));
    let bad = stackgen(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(code(&bad), 2);
}

#[test]
fn validate_and_check_take_several_stacks() {
    let dir = project(STACK);
    fs::write(
        dir.path().join("broken.toml"),
        "[stack]\nname = \"b\"\nbogus = 1\n",
    )
    .expect("write");
    let output = stackgen(dir.path(), &["validate", "stack.toml", "broken.toml"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("stack.toml: ok"));
    assert!(stderr(&output).contains("bogus"));

    fs::write(dir.path().join("other.toml"), STACK).expect("write");
    for stack in ["stack.toml", "other.toml"] {
        let output = stackgen(dir.path(), &["render", stack]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
    let clean = stackgen(dir.path(), &["check", "stack.toml", "other.toml"]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    fs::write(dir.path().join("out/other/.env.example"), "edited\n").expect("edit");
    let drift = stackgen(dir.path(), &["check", "stack.toml", "other.toml"]);
    assert_eq!(code(&drift), 1);
    assert!(stdout(&drift).contains("+++ b/.env.example"));
    let ambiguous = stackgen(
        dir.path(),
        &["check", "stack.toml", "other.toml", "-o", "x"],
    );
    assert_eq!(code(&ambiguous), 2);
}

#[test]
fn a_syntax_error_in_an_overlay_names_the_overlay() {
    let dir = project(STACK);
    fs::write(dir.path().join("stack.dev.toml"), "[services.api\n").expect("overlay");
    let output = stackgen(dir.path(), &["validate", "stack.toml", "--env", "dev"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("[stack.dev.toml:1:"),
        "{}",
        stderr(&output)
    );
}
