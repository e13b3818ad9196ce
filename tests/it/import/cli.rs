//! `stackgen import` as a process: what it writes (the stack file, a 0600
//! `.env`, a `.gitignore` that ignores it), what it refuses to overwrite,
//! and its help text.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::support::{code, snapshot, stackgen, stackgen_in, stderr, stdout};

const COMPOSE: &str = "\
services:
  web:
    image: nginx:1.25
    ports: [\"8080:80\"]
    depends_on:
      db: {condition: service_healthy}
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: hunter22
    healthcheck:
      test: [\"CMD\", \"pg_isready\"]
    cap_add: [SYS_NICE]
";

fn folder_with(compose: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("compose.yaml"), compose).expect("write");
    dir
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn import_help() {
    let help = stackgen(&["import", "--help"]);
    assert_eq!(code(&help), 0);
    snapshot("cli__import_help", &stdout(&help));
}

#[test]
fn import_writes_the_stack_a_private_dotenv_and_ignores_it() {
    let dir = folder_with(COMPOSE);
    let output = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    let stack = read(&dir.path().join("stack.toml"));
    assert!(
        stack.contains("POSTGRES_PASSWORD = \"${POSTGRES_PASSWORD}\""),
        "{stack}"
    );
    assert!(!stack.contains("hunter22"), "{stack}");
    assert!(
        stack.contains(
            "#   services.db.cap_add = [\"SYS_NICE\"]: stack.toml has no setting for `cap_add`"
        ),
        "{stack}"
    );
    assert!(
        err.contains(
            "services.db.cap_add = [\"SYS_NICE\"]: stack.toml has no setting for `cap_add`"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: wrote 1 value(s) the stack refers to as ${NAME} in ./.env (mode 0600"
        ),
        "{err}"
    );
    let dotenv = dir.path().join(".env");
    assert!(read(&dotenv).contains("POSTGRES_PASSWORD=\"hunter22\"\n"));
    let mode = fs::metadata(&dotenv)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(read(&dir.path().join(".gitignore")), ".env\n");
    let valid = stackgen_in(dir.path(), &["validate", "stack.toml"]);
    assert_eq!(code(&valid), 0, "{}", stderr(&valid));
}

#[test]
fn import_refuses_to_overwrite_without_force() {
    let dir = folder_with(COMPOSE);
    assert_eq!(
        code(&stackgen_in(dir.path(), &["import", "compose.yaml"])),
        0
    );
    fs::write(dir.path().join("stack.toml"), "# mine\n").expect("write");
    let again = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("refusing to overwrite stack.toml: it already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(&dir.path().join("stack.toml")), "# mine\n");
    let forced = stackgen_in(dir.path(), &["import", "compose.yaml", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("warning: kept 1 value(s)"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(
        read(&dir.path().join(".gitignore")),
        ".env\n",
        "already ignored: left alone"
    );
}

#[test]
fn an_existing_dotenv_is_changed_only_with_force_and_then_merged() {
    let dir = folder_with(COMPOSE);
    fs::write(dir.path().join(".env"), "OTHER=1\nPOSTGRES_PASSWORD=old\n").expect("write");
    fs::write(dir.path().join(".gitignore"), "target/").expect("write");
    let refused = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains("refusing to change ./.env"),
        "{}",
        stderr(&refused)
    );
    assert!(
        !dir.path().join("stack.toml").exists(),
        "nothing is written"
    );
    let forced = stackgen_in(dir.path(), &["import", "compose.yaml", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_eq!(
        read(&dir.path().join(".env")),
        "OTHER=1\nPOSTGRES_PASSWORD=\"hunter22\"\n"
    );
    assert_eq!(read(&dir.path().join(".gitignore")), "target/\n.env\n");
}

#[test]
fn a_linked_dotenv_is_refused() {
    let dir = folder_with(COMPOSE);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("secrets");
    fs::write(&target, "").expect("write");
    std::os::unix::fs::symlink(&target, dir.path().join(".env")).expect("link");
    let output = stackgen_in(dir.path(), &["import", "compose.yaml", "--force"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert_eq!(read(&target), "", "the link's target is untouched");
}

#[test]
fn a_linked_gitignore_is_refused_before_anything_is_written() {
    let dir = folder_with(COMPOSE);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("ignore");
    fs::write(&target, "").expect("write");
    std::os::unix::fs::symlink(&target, dir.path().join(".gitignore")).expect("link");
    let output = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        !dir.path().join("stack.toml").exists(),
        "nothing is written"
    );
    assert!(!dir.path().join(".env").exists(), "nothing is written");
    assert_eq!(read(&target), "");
}

#[test]
fn import_writes_into_a_folder_given_with_o() {
    let dir = folder_with("services:\n  web:\n    image: nginx\n");
    let output = stackgen_in(dir.path(), &["import", "compose.yaml", "-o", "stacks/"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let stack = read(&dir.path().join("stacks/stack.toml"));
    assert!(
        stack.contains("[services.web]\nimage = \"nginx\"\n"),
        "{stack}"
    );
    assert!(
        !dir.path().join("stacks/.env").exists(),
        "no values, no .env"
    );
}

#[test]
fn what_stackgen_refuses_is_written_and_shown() {
    let dir = folder_with(
        "services:\n  a:\n    image: nginx\n    ports: [\"80:80\"]\n  b:\n    image: httpd\n    ports: [\"80:8080\"]\n",
    );
    let output = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    let err = stderr(&output);
    assert_eq!(code(&output), 1, "{err}");
    assert!(err.contains("stackgen::ports::conflict"), "{err}");
    assert!(
        err.contains("stack.toml was written, but `stackgen validate` refuses it"),
        "{err}"
    );
    assert!(dir.path().join("stack.toml").exists());
}

#[test]
fn replicas_leave_their_shared_container_name_behind() {
    let dir = folder_with(
        "services:\n  web:\n    image: nginx\n    container_name: web\n    deploy:\n      replicas: 3\n",
    );
    let output = stackgen_in(dir.path(), &["import", "compose.yaml"]);
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    let stack = read(&dir.path().join("stack.toml"));
    assert!(stack.contains("replicas = 3"), "{stack}");
    assert!(!stack.contains("container-name"), "{stack}");
    assert!(
        stack.contains(
            "services.web.container_name = \"web\": the replicas of one service cannot share a container name"
        ),
        "{stack}"
    );
}
