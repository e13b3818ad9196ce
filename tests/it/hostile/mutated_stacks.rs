//! The example stack with a few random edits (fragments cut in and text cut
//! out at random places): handled like any other input.

use proptest::prelude::*;

use super::run::{assert_handled, floor_boundary};
use super::toml_fragments::fragment;

/// The stack text every mutation starts from.
const SEED: &str = include_str!("../../../examples/web.toml");

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// The example stack with a few random edits.
    #[test]
    fn mutated_seed_is_handled(edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..8, fragment()), 1..6)) {
        let mut text = SEED.to_owned();
        for (at, remove, insert) in edits {
            let start = floor_boundary(&text, at.index(text.len() + 1));
            let end = floor_boundary(&text, (start + remove).min(text.len()));
            text.replace_range(start..end.max(start), &insert);
        }
        assert_handled(&text);
    }
}
