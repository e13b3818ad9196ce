//! Random valid stacks ([`crate::support::random_stack`]): whatever
//! `stackgen validate` accepts also renders, and (the long run, see
//! docs/reliability.md) every bundle passes the real tools of `scripts/e2e`.

use std::path::Path;
use std::process::Command;

use stackgen::config::Targets;
use stackgen::{Error, Options, Source};

use crate::support::{random_stack, root};

/// Seeds of the normal run: few, as each stack is planned and rendered in
/// a debug build.
const SEEDS: std::ops::Range<u64> = 0..24;

#[test]
fn what_validate_accepts_renders() {
    let mut accepted = 0_u64;
    for seed in SEEDS {
        let text = random_stack::generate(seed);
        if refusal(&text).is_some() {
            continue;
        }
        accepted += 1;
        if let Err(error) = stackgen::run(Source::text("random.toml", &text), &Options::default()) {
            panic!("seed {seed}: validate accepts the stack, render fails: {error}\n\n{text}");
        }
    }
    // The generator draws valid stacks: if the checks start refusing most
    // of them, the generator needs updating, or this test tests little.
    assert!(
        accepted * 4 >= (SEEDS.end - SEEDS.start) * 3,
        "only {accepted} of {} random stacks are valid; run \
         `cargo test --test it random_stacks::refusals -- --ignored --nocapture` to see why",
        SEEDS.end - SEEDS.start
    );
}

#[test]
fn the_same_seed_gives_the_same_stack() {
    assert_eq!(random_stack::generate(7), random_stack::generate(7));
    assert_ne!(random_stack::generate(7), random_stack::generate(8));
}

/// Prints why each refused stack of the normal run's seeds is refused.
#[test]
#[ignore = "a tool for updating the generator: prints the refusals"]
fn refusals() {
    for seed in SEEDS {
        let text = random_stack::generate(seed);
        if let Some(found) = refusal(&text) {
            println!("seed {seed}:\n{found}\n");
        }
    }
}

/// The long run: `STACKGEN_RANDOM_STACKS=N` (default 20) stacks from seed
/// `STACKGEN_RANDOM_SEED` (default 1000) that `validate` accepts are
/// rendered and checked by `scripts/e2e` with the real tools; needs
/// `scripts/install-validators` (`STACKGEN_VENV` is passed on).
#[test]
#[ignore = "long: needs the validators; see docs/reliability.md"]
fn random_stacks_pass_the_real_tools() {
    let count = number("STACKGEN_RANDOM_STACKS", 20);
    let first = number("STACKGEN_RANDOM_SEED", 1000);
    // Kept after the run, so that a stack a tool refuses can be read.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("random-stacks");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the stacks' folder");
    let mut files = Vec::new();
    for seed in first..first + count {
        let text = random_stack::generate(seed);
        // scripts/e2e renders every target, so the stacks are the ones
        // `validate --target all` accepts.
        if refusal_for(&text, Some(Targets::ALL)).is_none() {
            let path = dir.join(format!("random-{seed}.toml"));
            std::fs::write(&path, text).expect("write a random stack");
            files.push(path);
        }
    }
    assert!(!files.is_empty(), "no random stack was valid");
    let status = e2e(&files);
    assert!(
        status.success(),
        "scripts/e2e refused a bundle of a random stack (seeds {first}..{}): each FAIL line \
         names its stack, kept in {}",
        first + count,
        dir.display()
    );
}

/// What `validate` refuses in `text`, one error per line; `None` when it
/// accepts the stack.
fn refusal(text: &str) -> Option<String> {
    refusal_for(text, None)
}

/// Why `validate` refuses the stack for `targets` (the stack's own when
/// `None`), if it does.
fn refusal_for(text: &str, targets: Option<Targets>) -> Option<String> {
    let checked = stackgen::load::load_str("random.toml", text).and_then(|mut loaded| {
        if let Some(targets) = targets {
            loaded.targets = targets;
        }
        stackgen::run(&loaded, &Options::default().check_only())
    });
    match checked {
        Ok(_) => None,
        Err(Error::Invalid(diagnostics)) => Some(
            diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| format!("{}: {}", d.kind.code(), d.kind))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Err(other) => panic!("validate failed: {other}\n\n{text}"),
    }
}

fn e2e(files: &[std::path::PathBuf]) -> std::process::ExitStatus {
    Command::new(root().join("scripts/e2e"))
        .args(files)
        .env("STACKGEN_BIN", env!("CARGO_BIN_EXE_stackgen"))
        .status()
        .expect("run scripts/e2e")
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |value| {
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}"))
    })
}
