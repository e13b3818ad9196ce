//! Any text at all as a stack file: never a panic, a hang or an internal
//! error; a diagnostic, if any, points inside the text and renders.

use proptest::prelude::*;

use super::run::assert_handled;

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text at all: never a panic, a hang or an internal error.
    #[test]
    fn arbitrary_text_is_handled(text in any::<String>()) {
        assert_handled(&text);
    }
}
