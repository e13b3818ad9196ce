//! Hostile strings in the fields of a valid stack: free text renders and
//! lands unchanged in every output; strictly validated fields refuse what
//! could break out of the file they land in, or write it as given.

use proptest::prelude::*;
use stackgen::Error;

use super::field_checks::{check_fields, check_strict};
use super::fields::{Fields, Strict, hostile_fields};
use super::run::{cases, guarded, parse_yaml};
use super::specials::{SPECIALS, hostile_string};

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        cases: structured_cases(),
        ..ProptestConfig::default()
    })]

    /// A valid stack with hostile text in every free-text field renders,
    /// with every string in place in every output; a hostile value in a
    /// strictly validated field is refused, or written without harm.
    #[test]
    fn hostile_text_fields_round_trip(
        fields in hostile_fields(),
        field in prop::sample::select(Strict::ALL.as_slice()),
        value in hostile_string(),
    ) {
        check_fields(&fields);
        check_strict(&fields, field, &value);
    }
}

/// Each special string alone in half the free-text fields and between
/// letters in the other half, and in every strictly validated field; then
/// all of them at once.
#[test]
fn special_strings_round_trip() {
    let plain = Fields::uniform("plain");
    for special in SPECIALS {
        let between = format!("a{special}b");
        check_fields(&Fields::alternating(special, &between));
        // Label keys take most specials and then render in full; the
        // property covers them, this loop the fields that refuse.
        for field in Strict::ALL.into_iter().filter(|f| *f != Strict::LabelKey) {
            check_strict(&plain, field, &format!("{}a{special}b", field.lead()));
        }
    }
    check_fields(&Fields::uniform(&SPECIALS.concat()));
}

/// The characters that end an nginx directive or start a variable are
/// refused in route paths and server names, with a diagnostic.
#[test]
fn nginx_syntax_in_paths_and_names_is_refused() {
    let plain = Fields::uniform("plain");
    for bad in ["/a;b", "/a{", "/}", "/a b", "/\"a", "/$host", "/#", "/a\nb"] {
        for field in [Strict::RoutePath, Strict::ServerName] {
            let error = guarded(&plain.stack_with(field, bad)).expect_err("refused");
            assert!(
                matches!(error, Error::Invalid(ref d) if !d.is_empty()),
                "{bad:?} as {field:?}: {error:?}"
            );
        }
    }
}

/// What could end an Alloy string (a quote, a backslash, a line break) or
/// hide in it (control and bidi characters) is refused in every field that
/// reaches config.alloy, with a diagnostic pointing at the value; braces,
/// `//` and `#`, harmless inside a string, are written as given.
#[test]
fn alloy_string_breakers_are_refused_and_the_rest_stays_in_its_string() {
    let plain = Fields::uniform("plain");
    for field in [Strict::LogLabel, Strict::Team, Strict::HostLogPath] {
        for bad in [
            "a\"b",
            "a\\b",
            "a\nb",
            "a\rb",
            "a\u{0}b",
            "a\u{202E}b",
            "a\"}\nx {",
        ] {
            let value = format!("{}{bad}", field.lead());
            let text = plain.stack_with(field, &value);
            let Err(Error::Invalid(diagnostics)) = guarded(&text) else {
                panic!("{value:?} as {field:?} was not refused");
            };
            // The span covers the value as the TOML text writes it.
            let pointed_at_value = |d: &stackgen::Diagnostic| {
                toml::from_str::<toml::Table>(&format!("x = {}", &text[d.location.span.clone()]))
                    .is_ok_and(|t| t["x"].as_str() == Some(value.as_str()))
            };
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.is_error() && pointed_at_value(d)),
                "{value:?} as {field:?}: no diagnostic points at it"
            );
        }
        for odd in ["a} b {", "// c", "/* d", "#e", "$f", "'g'", "h`"] {
            check_strict(&plain, field, &format!("{}{odd}", field.lead()));
        }
    }
}

/// Found by `hostile_text_fields_round_trip`: `$` in `user` and
/// `working-dir` reached compose unescaped and was interpolated.
#[test]
fn dollars_in_user_and_working_dir_are_escaped() {
    let mut fields = Fields::uniform("plain");
    fields.user = "${bad-name}1_000/etc/passwd0123off".to_owned();
    fields.working_dir = "/srv/$HOME/$$/${X}".to_owned();
    let rendered = guarded(&fields.stack()).expect("the stack renders");
    let compose = parse_yaml(&rendered, "docker-compose.yml");
    assert_eq!(
        compose["services"]["app"]["user"],
        "$${bad-name}1_000/etc/passwd0123off"
    );
    check_fields(&fields);
}

/// 600 KB in every free-text field (about 11 MB of stack, under the 16 MiB limit).
#[test]
fn very_long_strings_are_handled() {
    check_fields(&Fields::uniform(&"x{{$$}}\"'\n".repeat(60_000)));
}

/// Cases of the structured property: `PROPTEST_CASES` if set, else 64 in a
/// debug build (each case renders every target twice) and 256 in release.
fn structured_cases() -> u32 {
    cases(64, 256)
}
