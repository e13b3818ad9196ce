//! Hostile input: stackgen must never panic, hang or write outside its
//! output directory, and text it accepts must reach the outputs unchanged.
//!
//! The properties run `PROPTEST_CASES` cases each (256 by default); run
//! them longer by hand with, for example,
//! `PROPTEST_CASES=1000000 cargo test --release --test it hostile::arbitrary_text`.
//! Inputs that once broke stackgen live in `tests/fuzz-corpus/` and are
//! replayed by [`corpus_replays_cleanly`].

use crate::support::{files_under, root};
use crate::synth;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use miette::{GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use serde_json::Value;
use stackgen::error::ErrorKind;
use stackgen::{Error, Rendered};
use toml::{Table, Value as Toml};

/// How long one input may take, in a debug build on a busy machine.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The stack text every mutation starts from.
const SEED: &str = include_str!("../../../examples/web.toml");

/// Strings that have broken config generators before.
const SPECIALS: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "{{ $labels.instance }}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "[[",
    "]]",
    "[%",
    ";",
    "}",
    "{",
    "${X}",
    "${X",
    "$$",
    "$",
    "$X",
    "${bad-name}",
    "- ",
    ": ",
    ":",
    "#",
    " #",
    "&a",
    "*a",
    "!tag",
    "!!str",
    "%YAML",
    "---",
    "...",
    "?",
    "|",
    ">",
    "@",
    "`",
    ",",
    "[",
    "]",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "true",
    "0123",
    "0x1F",
    "0o17",
    "1e3",
    ".inf",
    "-.inf",
    ".nan",
    "1_000",
    "2001-12-14",
    "12:30:00",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\0",
    "\u{1b}[31m",
    "\u{85}",
    "\u{2028}",
    "😀",
    "👩‍👩‍👧",
    "é",
    " ",
    "",
    "../",
    "/etc/passwd",
    "location / {",
    "server {",
    "-->",
    "</script>",
];

// ---------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text at all: never a panic, a hang or an internal error.
    #[test]
    fn arbitrary_text_is_handled(text in any::<String>()) {
        assert_handled(&text);
    }

    /// Text made of TOML and stack fragments, so the parser gets further.
    #[test]
    fn arbitrary_toml_fragments_are_handled(parts in prop::collection::vec(fragment(), 0..60)) {
        assert_handled(&parts.concat());
    }

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
            let lead = if field == Strict::RoutePath { "/" } else { "" };
            check_strict(&plain, field, &format!("{lead}a{special}b"));
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

// ---------------------------------------------------------------------------
// Resource limits.

/// Input past the size limit is refused before parsing.
#[test]
fn oversized_stack_is_too_large() {
    let mut text = String::from("[stack]\nname = \"big\"\ndescription = \"");
    text.push_str(&"x".repeat(stackgen::load::MAX_STACK_BYTES));
    text.push_str("\"\n");
    let error = guarded(&text).expect_err("a stack past the limit is refused");
    let Error::Invalid(diagnostics) = error else {
        panic!("expected Invalid, got {error:?}");
    };
    assert!(
        matches!(diagnostics[0].kind, ErrorKind::TooLarge { .. }),
        "{:?}",
        diagnostics[0].kind
    );
}

/// 100,000 services in bounded time (10,000 in a debug build, to keep CI fast;
/// `cargo test --release --test it hostile::` runs the full size).
#[test]
fn hundred_thousand_services_are_handled() {
    let services = scaled(100_000);
    let mut text = String::from("[stack]\nname = \"many\"\n");
    for index in 0..services {
        let _ = write!(text, "[services.s{index}]\nimage = \"x\"\nexpose = [80]\n");
        if index > 0 {
            let _ = writeln!(text, "depends-on = [\"s{}\"]", (index - 1) / 2);
        }
    }
    let rendered = guarded(&text).expect("the stack renders");
    let compose = parse_yaml(&rendered, "docker-compose.yml");
    assert_eq!(
        compose["services"].as_object().map(serde_json::Map::len),
        Some(services)
    );
}

/// Deep nesting must end in a diagnostic, not a stack overflow.
#[test]
fn deep_nesting_is_handled() {
    for depth in [64, 1_000, 10_000, 100_000] {
        let arrays = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let tables = format!("a = {}{}\n", "{b = ".repeat(depth), "}".repeat(depth));
        let dotted = format!("{} = 1\n", vec!["a"; depth].join("."));
        let header = format!("[{}]\n", vec!["a"; depth].join("."));
        let in_stack = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nlabels = {}{}\n",
            "{b = ".repeat(depth),
            "}".repeat(depth)
        );
        let unclosed = format!("a = {}", "[".repeat(depth));
        for text in [arrays, tables, dotted, header, in_stack, unclosed] {
            assert!(guarded(&text).is_err(), "depth {depth} was accepted");
        }
    }
}

/// Deep or long `PromQL` expressions end in a diagnostic or a bundle, in
/// bounded time: the parser is recursive and quadratic in operator chains.
#[test]
fn deep_and_long_promql_is_handled() {
    let n = 100_000;
    let shapes = [
        format!("{}up{}", "sum(".repeat(n), ")".repeat(n)),
        format!("{}up{}", "(".repeat(n), ")".repeat(n)),
        format!("{}up", "-".repeat(n)),
        vec!["up"; n].join(" + "),
        vec!["up"; n].join(" and "),
        format!(
            "sum by ({}) (up)",
            (0..n)
                .map(|i| format!("l{i}"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        format!(
            "up{{{}}}",
            (0..n)
                .map(|i| format!("l{i}!=''"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        format!("up{}", " offset 1m".repeat(n)),
        format!("{}up{}", "abs(".repeat(n), ")".repeat(n)),
    ];
    for expr in shapes {
        let text = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nexpose = [8080]\n[prometheus]\n[[alerts]]\nname = \"Deep\"\nexpr = '{expr}'\nsummary = \"s\"\n"
        );
        assert_handled(&text);
        // An alert test's input series is parsed as PromQL too.
        let series = format!(
            "[stack]\nname = \"deep\"\n[services.app]\nimage = \"x\"\nexpose = [8080]\n[prometheus]\n[[alerts]]\nname = \"Deep\"\nexpr = 'up == 0'\n[[alerts.tests]]\neval-time = \"5m\"\nseries = [{{ series = '{expr}', values = \"1\" }}]\n"
        );
        assert_handled(&series);
    }
}

/// A diagnostic 70,000 columns into a line renders (miette cannot place a
/// mark past column 65,535; the snippet shows a window of the line).
#[test]
fn diagnostics_far_into_a_long_line_render() {
    let text = format!(
        "[stack]\nname = \"t\"\n[services.app]\nimage = \"x\"\nhealthcheck = {{ shell = \"{}\", bogus = 1 }}\n",
        "x".repeat(70_000)
    );
    let Err(Error::Invalid(diagnostics)) = guarded(&text) else {
        panic!("the unknown key is refused");
    };
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    handler
        .render_report(&mut out, &diagnostics[0])
        .expect("the diagnostic renders");
    assert!(out.contains("stack.toml:5:70029"), "{out}");
    assert!(out.contains("bogus = 1"), "{out}");
    assert!(out.lines().all(|line| line.chars().count() < 400), "{out}");
}

/// A huge string value and a huge number of keys, in bounded time.
#[test]
fn huge_values_are_handled() {
    let long = format!(
        "[stack]\nname = \"long\"\ndescription = \"{}\"\n[services.app]\nimage = \"x\"\n",
        "é".repeat(scaled(4_000_000))
    );
    guarded(&long).expect("a long description is fine");
    let mut keys = String::from(
        "[stack]\nname = \"keys\"\n[services.app]\nimage = \"x\"\n[services.app.labels]\n",
    );
    for index in 0..scaled(200_000) {
        let _ = writeln!(keys, "k{index} = \"v\"");
    }
    guarded(&keys).expect("many labels are fine");
    let mut unknown = String::from("[stack]\nname = \"keys\"\n[services.app]\nimage = \"x\"\n");
    for index in 0..50_000 {
        let _ = writeln!(unknown, "unknown-{index} = 1");
    }
    assert!(guarded(&unknown).is_err());
}

// ---------------------------------------------------------------------------
// The output directory.

/// No name or path in a stack makes stackgen write outside `-o DIR`.
#[test]
fn nothing_is_written_outside_the_output_directory() {
    let attempts = [
        "[stack]\nname = \"..\"\n[services.\"..\"]\nimage = \"x\"\n",
        "[stack]\nname = \"x\"\n[services.\"../evil\"]\nimage = \"x\"\n",
        "[stack]\nname = \"x\"\n[services.\"/tmp/evil\"]\nimage = \"x\"\n",
        "[stack]\nname = \"../../evil\"\n[services.app]\nimage = \"x\"\nenv-file = [\"../../etc/passwd\"]\nvolumes = [\"../../etc:/host\", \"/etc:/etc2\"]\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nbuild = { context = \"../../..\", dockerfile = \"/etc/passwd\" }\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nexpose = [80]\nmetrics = { path = \"/../../m\" }\n[[alerts]]\nname = \"A\"\nexpr = \"up == 0\"\ngroup = \"../../evil\"\n[[alerts]]\nname = \"B\"\nexpr = \"up == 0\"\ngroup = \"/tmp/evil\"\n",
        "[stack]\nname = \"x\"\n[[dashboards]]\ntitle = \"../../evil\"\nuid = \"../../evil\"\n[[dashboards]]\ntitle = \"/tmp/evil\"\nuid = \"/tmp/evil\"\n",
        "[stack]\nname = \"x\"\n[[recording-rules]]\nrecord = \"a:b:c\"\nexpr = \"up\"\ngroup = \"../../evil\"\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nexpose = [80]\n[ingress]\ntls = { certificate = \"../../../etc/passwd\", key = \"/etc/shadow\" }\n[[ingress.routes]]\npath = \"/../../\"\nservice = \"app\"\n",
    ];
    for (position, text) in attempts.iter().enumerate() {
        let root = tempfile::tempdir().expect("temporary directory");
        let out = root.path().join("a").join("out");
        std::fs::create_dir_all(&out).expect("output directory");
        if let Ok(rendered) = guarded(text) {
            for path in rendered.bundle.files.keys() {
                assert!(
                    Path::new(path)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_))),
                    "attempt {position}: unsafe bundle path {path:?}"
                );
            }
            // An error is fine (it must not be a partial escape); only the effect counts.
            let _ = stackgen::write::write_bundle(&rendered.bundle, &out, false);
        }
        let outside: Vec<_> = files_under(root.path())
            .into_iter()
            .filter(|p| !p.starts_with(&out))
            .collect();
        assert!(outside.is_empty(), "attempt {position} wrote {outside:?}");
    }
}

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

// ---------------------------------------------------------------------------
// Running one input.

/// Runs the whole pipeline on its own thread (2 MiB stack, like the tests
/// themselves): a panic fails, and so does taking longer than [`TIME_LIMIT`].
fn guarded(text: &str) -> Result<Rendered, Error> {
    let (send, receive) = mpsc::channel();
    let owned = text.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let result = stackgen::render_str("stack.toml", &owned);
            let _ = send.send(result);
        })
        .expect("spawn a worker");
    match receive.recv_timeout(TIME_LIMIT) {
        Ok(result) => {
            worker.join().expect("the worker finished");
            result
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("took longer than {TIME_LIMIT:?} on input {}", preview(text))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let panic = worker.join().expect_err("the worker panicked");
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("panicked ({message}) on input {}", preview(text))
        }
    }
}

/// The input is rendered, or refused with diagnostics that point inside it
/// and render as text; never an internal error.
fn assert_handled(text: &str) -> Option<Rendered> {
    match guarded(text) {
        Ok(rendered) => {
            assert_outputs_parse(&rendered);
            Some(rendered)
        }
        Err(Error::Invalid(diagnostics)) => {
            assert!(!diagnostics.is_empty(), "Invalid without diagnostics");
            for diagnostic in &diagnostics {
                let span = &diagnostic.location.span;
                let source = &diagnostic.location.source.text;
                assert!(
                    span.start <= span.end && span.end <= source.len(),
                    "span {span:?} outside a {}-byte source",
                    source.len()
                );
                let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
                let mut out = String::new();
                handler
                    .render_report(&mut out, diagnostic)
                    .expect("the diagnostic renders");
            }
            None
        }
        Err(other) => panic!("{other} on input {}", preview(text)),
    }
}

fn assert_outputs_parse(rendered: &Rendered) {
    for path in rendered.bundle.files.keys() {
        if has_extension(path, &["yml", "yaml"]) {
            parse_yaml(rendered, path);
        } else if has_extension(path, &["json"]) {
            parse_json(rendered, path);
        }
    }
}

fn parse_yaml(rendered: &Rendered, path: &str) -> Value {
    let text = std::str::from_utf8(&rendered.bundle.files[path]).expect("UTF-8 output");
    stackgen::render::format::parse_own_yaml(text)
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

fn parse_json(rendered: &Rendered, path: &str) -> Value {
    serde_json::from_slice(&rendered.bundle.files[path])
        .unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

// ---------------------------------------------------------------------------
// Structured stacks with hostile text.

/// The free-text fields of one structured stack: every one of them may hold
/// any text, and the stack must render with each in its place.
#[derive(Debug, Clone)]
struct Fields {
    stack_description: String,
    service_description: String,
    label_value: String,
    env_value: String,
    command_arg: String,
    healthcheck_shell: String,
    user: String,
    working_dir: String,
    external_label: String,
    alert_summary: String,
    alert_description: String,
    alert_label_value: String,
    dashboard_title: String,
    row_title: String,
    panel_title: String,
    panel_description: String,
    legend: String,
}

/// Fields that are validated strictly: a hostile value is refused with a
/// diagnostic, or accepted and then written without changing any structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strict {
    StackName,
    LabelKey,
    RoutePath,
    ServerName,
    SlackChannel,
}

impl Strict {
    const ALL: [Self; 5] = [
        Self::StackName,
        Self::LabelKey,
        Self::RoutePath,
        Self::ServerName,
        Self::SlackChannel,
    ];
}

/// The valid stack every structured case starts from; `strict` replaces one
/// strictly validated value.
struct StackText<'a> {
    fields: &'a Fields,
    strict: Option<(Strict, &'a str)>,
}

impl Fields {
    fn uniform(text: &str) -> Self {
        Self {
            stack_description: text.to_owned(),
            service_description: text.to_owned(),
            label_value: text.to_owned(),
            env_value: text.to_owned(),
            command_arg: text.to_owned(),
            healthcheck_shell: text.to_owned(),
            user: text.to_owned(),
            working_dir: text.to_owned(),
            external_label: text.to_owned(),
            alert_summary: text.to_owned(),
            alert_description: text.to_owned(),
            alert_label_value: text.to_owned(),
            dashboard_title: text.to_owned(),
            row_title: text.to_owned(),
            panel_title: text.to_owned(),
            panel_description: text.to_owned(),
            legend: text.to_owned(),
        }
    }

    /// `odd` in the first, third, ... field and `even` in the others.
    fn alternating(odd: &str, even: &str) -> Self {
        let mut fields = Self::uniform(odd);
        for field in [
            &mut fields.service_description,
            &mut fields.env_value,
            &mut fields.healthcheck_shell,
            &mut fields.working_dir,
            &mut fields.alert_summary,
            &mut fields.alert_label_value,
            &mut fields.row_title,
            &mut fields.panel_description,
        ] {
            even.clone_into(field);
        }
        fields
    }

    fn stack(&self) -> String {
        StackText {
            fields: self,
            strict: None,
        }
        .render()
    }

    fn stack_with(&self, field: Strict, value: &str) -> String {
        StackText {
            fields: self,
            strict: Some((field, value)),
        }
        .render()
    }
}

impl StackText<'_> {
    fn strict(&self, field: Strict, default: &'static str) -> Toml {
        match self.strict {
            Some((which, value)) if which == field => value.into(),
            _ => default.into(),
        }
    }

    fn render(&self) -> String {
        let f = self.fields;
        let mut root = Table::new();
        root.insert(
            "stack".into(),
            table([
                ("name", self.strict(Strict::StackName, "fuzz")),
                ("description", f.stack_description.as_str().into()),
            ]),
        );
        let label_key = match self.strict {
            Some((Strict::LabelKey, value)) => value,
            _ => "fuzz.label",
        };
        let service = table([
            ("image", "nginx:1.25".into()),
            ("description", f.service_description.as_str().into()),
            ("expose", Toml::Array(vec![Toml::Integer(8080)])),
            (
                "labels",
                table([(label_key, f.label_value.as_str().into())]),
            ),
            (
                "environment",
                table([("FUZZ_VALUE", f.env_value.as_str().into())]),
            ),
            (
                "command",
                Toml::Array(vec!["run".into(), f.command_arg.as_str().into()]),
            ),
            (
                "healthcheck",
                table([("shell", f.healthcheck_shell.as_str().into())]),
            ),
            ("user", f.user.as_str().into()),
            ("working-dir", f.working_dir.as_str().into()),
            ("metrics", table([("path", "/metrics".into())])),
        ]);
        root.insert("services".into(), table([("app", service)]));
        root.insert(
            "prometheus".into(),
            table([(
                "external-labels",
                table([("fuzz", f.external_label.as_str().into())]),
            )]),
        );
        root.insert(
            "alertmanager".into(),
            table([
                ("default-receiver", "ops".into()),
                (
                    "receivers",
                    table([(
                        "ops",
                        table([(
                            "slack",
                            Toml::Array(vec![table([
                                ("webhook-url", "${SLACK_WEBHOOK_URL}".into()),
                                ("channel", self.strict(Strict::SlackChannel, "#alerts")),
                            ])]),
                        )]),
                    )]),
                ),
            ]),
        );
        root.insert(
            "grafana".into(),
            table([("admin-password", "${GRAFANA_ADMIN_PASSWORD}".into())]),
        );
        let alert_test = table([
            (
                "series",
                Toml::Array(vec![table([
                    ("series", "up{job=\"app\", instance=\"app:8080\"}".into()),
                    ("values", "0x10".into()),
                ])]),
            ),
            ("eval-time", "5m".into()),
            (
                "expect",
                Toml::Array(vec![table([(
                    "labels",
                    table([("job", "app".into()), ("instance", "app:8080".into())]),
                )])]),
            ),
        ]);
        root.insert(
            "alerts".into(),
            Toml::Array(vec![table([
                ("name", "FuzzAlert".into()),
                ("expr", "up == 0".into()),
                ("summary", go_literal(&f.alert_summary).into()),
                ("description", go_literal(&f.alert_description).into()),
                (
                    "labels",
                    table([("fuzz", go_literal(&f.alert_label_value).into())]),
                ),
                ("tests", Toml::Array(vec![alert_test])),
            ])]),
        );
        let panel = table([
            ("title", f.panel_title.as_str().into()),
            ("description", f.panel_description.as_str().into()),
            (
                "queries",
                Toml::Array(vec![table([
                    ("expr", "up".into()),
                    ("legend", f.legend.as_str().into()),
                ])]),
            ),
        ]);
        root.insert(
            "dashboards".into(),
            Toml::Array(vec![table([
                ("title", f.dashboard_title.as_str().into()),
                ("uid", "fuzz".into()),
                (
                    "rows",
                    Toml::Array(vec![table([
                        ("title", f.row_title.as_str().into()),
                        ("panels", Toml::Array(vec![panel])),
                    ])]),
                ),
            ])]),
        );
        root.insert(
            "ingress".into(),
            table([
                (
                    "server-names",
                    Toml::Array(vec![self.strict(Strict::ServerName, "fuzz.example.com")]),
                ),
                (
                    "routes",
                    Toml::Array(vec![table([
                        ("path", self.strict(Strict::RoutePath, "/fuzz/")),
                        ("service", "app".into()),
                    ])]),
                ),
            ]),
        );
        toml::to_string(&root).expect("a TOML table serializes")
    }
}

fn table<'a>(entries: impl IntoIterator<Item = (&'a str, Toml)>) -> Toml {
    Toml::Table(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

/// Every output the base stack must render.
const EXPECTED_OUTPUTS: &[&str] = &[
    "docker-compose.yml",
    ".env.example",
    "prometheus/prometheus.yml",
    "alertmanager/alertmanager.yml",
    "alertmanager/route-tests.txt",
    "nginx/nginx.conf",
];

/// Renders the stack of `fields`, which must be accepted, and checks that
/// every string landed, unchanged, where it belongs in every output.
fn check_fields(fields: &Fields) {
    let text = fields.stack();
    let rendered = match guarded(&text) {
        Ok(rendered) => rendered,
        Err(Error::Invalid(diagnostics)) => {
            let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("free text was refused: {messages:?} in {}", preview(&text))
        }
        Err(other) => panic!("{other} on input {}", preview(&text)),
    };
    assert_outputs_parse(&rendered);
    for path in EXPECTED_OUTPUTS {
        assert!(
            rendered.bundle.files.contains_key(*path),
            "{path} is missing"
        );
    }
    for prefix in [
        "prometheus/rules/",
        "prometheus/tests/",
        "grafana/provisioning/datasources/",
        "grafana/provisioning/dashboards/",
        "grafana/dashboards/",
    ] {
        assert!(
            rendered.bundle.files.keys().any(|p| p.starts_with(prefix)),
            "nothing under {prefix}"
        );
    }
    check_compose(&rendered, fields, "fuzz.label");
    check_prometheus(&rendered, fields);
    check_rules(&rendered, fields);
    check_alertmanager(&rendered, "#alerts");
    check_dashboards(&rendered, fields);
    check_nginx_shape(&rendered);
}

/// A strictly validated field with a hostile value: handled (never a panic or
/// an internal error); refused if it holds anything that could break out of
/// the file it lands in; if accepted, written as given.
fn check_strict(fields: &Fields, field: Strict, value: &str) {
    let unsafe_text = stackgen::validate::text::unsafe_char(value, false).is_some();
    let Some(rendered) = assert_handled(&fields.stack_with(field, value)) else {
        return;
    };
    match field {
        Strict::StackName => {
            let compose = parse_yaml(&rendered, "docker-compose.yml");
            assert_eq!(compose["name"], Value::from(value));
        }
        Strict::LabelKey => check_compose(&rendered, fields, value),
        Strict::SlackChannel => check_alertmanager(&rendered, value),
        Strict::RoutePath | Strict::ServerName => {
            assert!(!unsafe_text, "{value:?} was accepted as a {field:?}");
            let conf = check_nginx_shape(&rendered);
            let (directive, index) = if field == Strict::RoutePath {
                ("location", usize::MAX)
            } else {
                ("server_name", 0)
            };
            let found = conf.iter().any(|(name, args)| {
                name == directive
                    && if index == usize::MAX {
                        args.last().is_some_and(|a| a == value)
                    } else {
                        args.iter().any(|a| a == value)
                    }
            });
            assert!(found, "{value:?} is not a {directive} argument");
        }
    }
}

fn check_compose(rendered: &Rendered, fields: &Fields, label_key: &str) {
    let compose = parse_yaml(rendered, "docker-compose.yml");
    let app = &compose["services"]["app"];
    assert_interpolates_to(&app["labels"][label_key], &fields.label_value);
    assert_interpolates_to(&app["environment"]["FUZZ_VALUE"], &fields.env_value);
    assert_interpolates_to(&app["command"][1], &fields.command_arg);
    assert_eq!(app["healthcheck"]["test"][0], "CMD-SHELL");
    assert_interpolates_to(&app["healthcheck"]["test"][1], &fields.healthcheck_shell);
    assert_interpolates_to(&app["user"], &fields.user);
    assert_interpolates_to(&app["working_dir"], &fields.working_dir);
}

fn check_prometheus(rendered: &Rendered, fields: &Fields) {
    let config = parse_yaml(rendered, "prometheus/prometheus.yml");
    assert_eq!(
        config["global"]["external_labels"]["fuzz"],
        fields.external_label.as_str()
    );
}

/// The alert carries the summary, description and label as written (as
/// template text), and the expected alert of its unit test their expansion.
fn check_rules(rendered: &Rendered, fields: &Fields) {
    let files = |prefix: &str| -> Vec<Value> {
        rendered
            .bundle
            .files
            .keys()
            .filter(|p| p.starts_with(prefix))
            .map(|p| parse_yaml(rendered, p))
            .collect()
    };
    let rule = files("prometheus/rules/")
        .iter()
        .find_map(|file| find_object(file, &|o| o.get("alert") == Some(&Value::from("FuzzAlert"))))
        .cloned()
        .expect("the alert is in a rules file");
    assert_eq!(
        rule["annotations"]["summary"],
        go_literal(&fields.alert_summary)
    );
    assert_eq!(
        rule["annotations"]["description"],
        go_literal(&fields.alert_description)
    );
    assert_eq!(
        rule["labels"]["fuzz"],
        go_literal(&fields.alert_label_value)
    );
    let expected = files("prometheus/tests/")
        .iter()
        .find_map(|file| {
            find_object(file, &|o| {
                o.get("exp_labels").and_then(|l| l.get("fuzz")).is_some()
            })
        })
        .cloned()
        .expect("the alert test expects the alert");
    assert_eq!(
        expected["exp_labels"]["fuzz"],
        fields.alert_label_value.as_str()
    );
    // The summary is expected as promtool expands it: the text as written.
    assert_eq!(
        expected["exp_annotations"]["summary"],
        fields.alert_summary.as_str()
    );
}

/// `text` as a Go template that Prometheus expands to `text`: alert labels
/// and annotations are templates, where a literal `{{` is `{{ "{{" }}`.
fn go_literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// The Slack channel is in alertmanager.yml as written.
fn check_alertmanager(rendered: &Rendered, channel: &str) {
    let config = parse_yaml(rendered, "alertmanager/alertmanager.yml");
    let slack = find_object(&config, &|o| o.contains_key("channel"))
        .expect("the Slack target is in alertmanager.yml");
    assert_eq!(slack["channel"], channel);
}

/// Titles, description and legend are kept as written.
fn check_dashboards(rendered: &Rendered, fields: &Fields) {
    let dashboards: Vec<Value> = rendered
        .bundle
        .files
        .keys()
        .filter(|p| p.starts_with("grafana/dashboards/") && has_extension(p, &["json"]))
        .map(|p| parse_json(rendered, p))
        .collect();
    let title = Value::from(fields.dashboard_title.as_str());
    let dashboard = dashboards
        .iter()
        .find(|d| d.get("title") == Some(&title))
        .expect("the dashboard keeps its title");
    let panel_title = Value::from(fields.panel_title.as_str());
    let panel = find_object(dashboard, &|o| {
        o.get("title") == Some(&panel_title) && o.contains_key("targets")
    })
    .expect("the panel keeps its title");
    assert_eq!(panel["targets"][0]["legendFormat"], fields.legend.as_str());
    assert_eq!(panel["description"], fields.panel_description.as_str());
    let row_title = Value::from(fields.row_title.as_str());
    assert!(
        find_object(dashboard, &|o| o.get("title") == Some(&row_title)).is_some(),
        "the row keeps its title"
    );
}

/// nginx.conf has the directive structure of the plain base stack (free
/// text never reaches it as syntax); returns its directives, flattened.
fn check_nginx_shape(rendered: &Rendered) -> Vec<(String, Vec<String>)> {
    let conf = String::from_utf8_lossy(&rendered.bundle.files["nginx/nginx.conf"]).into_owned();
    let tokens = nginx_tokens(&conf);
    let shape: Vec<String> = nginx_shape(&tokens);
    let base = base_nginx_shape();
    assert_eq!(&shape, base, "nginx.conf changed structure");
    let mut directives = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for token in tokens {
        match token {
            NginxToken::Word(word) => current.push(word),
            NginxToken::Semicolon | NginxToken::Open => {
                if !current.is_empty() {
                    let name = current.remove(0);
                    directives.push((name, std::mem::take(&mut current)));
                }
            }
            NginxToken::Close => {}
        }
    }
    directives
}

/// The structure of nginx.conf for the stack with plain text everywhere.
fn base_nginx_shape() -> &'static Vec<String> {
    static BASE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let rendered = guarded(&Fields::uniform("plain").stack()).expect("the base stack renders");
        let conf = String::from_utf8_lossy(&rendered.bundle.files["nginx/nginx.conf"]).into_owned();
        nginx_shape(&nginx_tokens(&conf))
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NginxToken {
    Word(String),
    Semicolon,
    Open,
    Close,
}

/// Directive names with their nesting (`{`, `}`, `;`), arguments left out.
fn nginx_shape(tokens: &[NginxToken]) -> Vec<String> {
    let mut shape = Vec::new();
    let mut at_name = true;
    for token in tokens {
        match token {
            NginxToken::Word(word) if at_name => {
                shape.push(word.clone());
                at_name = false;
            }
            NginxToken::Word(_) => {}
            NginxToken::Semicolon => {
                shape.push(";".to_owned());
                at_name = true;
            }
            NginxToken::Open => {
                shape.push("{".to_owned());
                at_name = true;
            }
            NginxToken::Close => {
                shape.push("}".to_owned());
                at_name = true;
            }
        }
    }
    shape
}

/// A tokenizer after nginx's `ngx_conf_read_token`: quotes open a token only
/// at its start, `#` starts a comment only between tokens.
fn nginx_tokens(text: &str) -> Vec<NginxToken> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => while chars.next_if(|c| *c != '\n').is_some() {},
            ';' | '{' | '}' => {
                chars.next();
                tokens.push(match c {
                    ';' => NginxToken::Semicolon,
                    '{' => NginxToken::Open,
                    _ => NginxToken::Close,
                });
            }
            '"' | '\'' => {
                chars.next();
                let mut word = String::new();
                while let Some(ch) = chars.next() {
                    match ch {
                        '\\' => word.extend(chars.next()),
                        ch if ch == c => break,
                        other => word.push(other),
                    }
                }
                tokens.push(NginxToken::Word(word));
            }
            _ => {
                let mut word = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !";{}".contains(*c)) {
                    word.push(c);
                }
                tokens.push(NginxToken::Word(word));
            }
        }
    }
    tokens
}

/// What compose makes of a string value: `$$` is one `$`, `${NAME}` is kept
/// as a reference (stackgen passes them through on purpose), any other `$`
/// would be interpolated and is a failure.
fn assert_interpolates_to(value: &Value, expected: &str) {
    let written = value
        .as_str()
        .unwrap_or_else(|| panic!("expected the string {expected:?}, found {value}"));
    let mut out = String::new();
    let mut rest = written;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some(len) = reference_len(tail) {
            out.push_str(&tail[..len]);
            rest = &tail[len..];
        } else {
            panic!("compose would interpolate {tail:?} in {written:?}");
        }
    }
    out.push_str(rest);
    assert_eq!(out, expected, "written as {written:?}");
}

fn reference_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("${")?;
    let end = inner.find('}')?;
    let name = &inner[..end];
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some(end + 3)
}

fn find_object<'a>(
    value: &'a Value,
    wanted: &dyn Fn(&serde_json::Map<String, Value>) -> bool,
) -> Option<&'a Value> {
    match value {
        Value::Object(map) if wanted(map) => Some(value),
        Value::Object(map) => map.values().find_map(|v| find_object(v, wanted)),
        Value::Array(items) => items.iter().find_map(|v| find_object(v, wanted)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Strategies and helpers.

/// A hostile string: random Unicode, special strings, or a mix of both.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(SPECIALS).prop_map(str::to_owned),
        3 => prop::collection::vec(prop::sample::select(SPECIALS), 1..6).prop_map(|p| p.concat()),
        2 => "[a-z/._-]{1,12}",
        2 => any::<String>(),
    ]
}

fn hostile_fields() -> impl Strategy<Value = Fields> {
    let first = (
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
    );
    let second = (
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
    );
    (first, second).prop_map(|(a, b)| Fields {
        stack_description: a.0,
        service_description: a.1,
        label_value: a.2,
        env_value: a.3,
        command_arg: a.4,
        healthcheck_shell: a.5,
        user: a.6,
        working_dir: a.7,
        external_label: a.8,
        alert_summary: b.0,
        alert_description: b.1,
        alert_label_value: b.2,
        dashboard_title: b.3,
        row_title: b.4,
        panel_title: b.5,
        panel_description: b.6,
        legend: b.7,
    })
}

/// Pieces of stack files: syntax, keys of every section, values of every type.
fn fragment() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "\n",
        " ",
        "=",
        " = ",
        "\"",
        "'",
        "'''",
        "\"\"\"",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        ",",
        ".",
        "#",
        "\\",
        "\\u0000",
        "\\uD800",
        "[stack]\n",
        "name = \"s\"\n",
        "[services.a]\n",
        "[services.b]\n",
        "[services.\"..\"]\n",
        "image = \"x\"\n",
        "build = { context = \".\" }\n",
        "replicas = 1000\n",
        "replicas = 0\n",
        "replicas = -1\n",
        "replicas = 4294967296\n",
        "ports = [\"80:80\"]\n",
        "ports = [\"65535:0/udp\", 70000, \"a:b:c:d\"]\n",
        "expose = [80]\n",
        "volumes = [\"v:/d\", \"./x:/y:ro\", \":\"]\n",
        "depends-on = [\"a\", \"b\"]\n",
        "depends-on = { a = \"healthy\" }\n",
        "depends-on = { a = { condition = \"completed\" } }\n",
        "healthcheck = { http = \"/h\" }\n",
        "healthcheck = { shell = \"true\", interval = \"1ms\" }\n",
        "metrics = { path = \"/m\", port = 0 }\n",
        "environment = { A = \"${A}\", B = 1, C = 1.5, D = true }\n",
        "environment = { PASSWORD = \"hunter2\" }\n",
        "resources = { cpus = 0.5, memory = \"1G\" }\n",
        "memory = \"99999999999999999999P\"\n",
        "interval = \"9999999999999h\"\n",
        "[[alerts]]\nname = \"A\"\nexpr = \"up == 0\"\n",
        "expr = \"rate(x[5m]\"\n",
        "for = \"1y\"\n",
        "[[alerts.tests]]\neval-time = \"5m\"\nseries = [{ series = \"up\", values = \"1x10\" }]\n",
        "[[recording-rules]]\nrecord = \"a:b:c\"\nexpr = \"up\"\n",
        "[prometheus]\n",
        "[alertmanager]\ndefault-receiver = \"r\"\n",
        "[alertmanager.receivers.r]\n",
        "[grafana]\n",
        "[ingress]\n",
        "[[ingress.routes]]\npath = \"/\"\nservice = \"a\"\n",
        "[[dashboards]]\ntitle = \"d\"\n",
        "[[dashboards.rows]]\ntitle = \"r\"\n",
        "[[dashboards.rows.panels]]\ntitle = \"p\"\nqueries = [{ expr = \"up\" }]\n",
        "[env.prod]\n",
        "[networks.n]\n",
        "[volumes.v]\n",
        "1e400",
        "-0",
        "nan",
        "-inf",
        "0x7FFFFFFFFFFFFFFF",
        "99999999999999999999",
        "1979-05-27T07:32:00Z",
        "07:32:00",
        "true",
        "\u{FEFF}",
        "\u{202E}",
        "\0",
        "\r",
        "\r\n",
        "é",
        "😀",
    ];
    prop_oneof![
        8 => prop::sample::select(PIECES).prop_map(str::to_owned),
        1 => hostile_string(),
    ]
}

/// `full` in a release build, a tenth of it in a debug build.
fn scaled(full: usize) -> usize {
    if cfg!(debug_assertions) {
        full / 10
    } else {
        full
    }
}

/// Cases of the structured property: `PROPTEST_CASES` if set, else 64 in a
/// debug build (each case renders every target twice) and 256 in release.
fn structured_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 64 } else { 256 })
}

fn has_extension(path: &str, extensions: &[&str]) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn preview(text: &str) -> String {
    if text.len() <= 400 {
        format!("{text:?}")
    } else {
        let cut = floor_boundary(text, 400);
        format!("{:?}... ({} bytes)", &text[..cut], text.len())
    }
}
