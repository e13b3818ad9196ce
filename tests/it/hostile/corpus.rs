//! Stored and generated inputs: every file in `tests/fuzz-corpus/` (inputs
//! that once broke stackgen) is handled, and the benchmark generator keeps
//! producing stacks that render.

use crate::support::root;
use crate::synth;

use super::run::{assert_handled, assert_outputs_parse, guarded, parse_yaml};

/// The benchmark generator keeps producing valid stacks as the model grows.
#[test]
fn synthetic_stack_renders() {
    let rendered = guarded(&synth::stack(50)).expect("the synthetic stack renders");
    let compose = parse_yaml(&rendered, "docker-compose.yml");
    assert!(compose["services"].get(synth::service_name(49)).is_some());
    assert_outputs_parse(&rendered);
}

/// Every input kept in `tests/fuzz-corpus/` is handled.
#[test]
fn corpus_replays_cleanly() {
    let dir = root().join("tests/fuzz-corpus");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fuzz-corpus exists") {
        let path = entry.expect("corpus entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("corpus file");
        assert_handled(&String::from_utf8_lossy(&bytes));
        count += 1;
    }
    assert!(count > 0, "the corpus is empty");
}
