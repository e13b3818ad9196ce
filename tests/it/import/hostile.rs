//! Hostile text in a Compose file cannot break the stack file import writes:
//! every string lands in stack.toml as the same string (or is reported),
//! and the comment block stays comments.

use std::fmt::Write as _;

use stackgen::import::import_text;

/// Strings that would end a TOML string, a comment or a line, or reorder text.
const HOSTILE: [&str; 7] = [
    "quote \" and ' and \\ backslash",
    "new\nline and\r\nCRLF",
    "right-to-left \u{202e}override",
    "tab\tand NUL-free control \u{1b}[31m",
    "# not a comment\n[stack]\nname = \"injected\"",
    "\"\"\" triple quotes '''",
    "unicode ünïcödé 🚀 and \u{2028} separator",
];

fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).expect("JSON strings are YAML strings")
}

#[test]
fn hostile_strings_reach_stack_toml_unchanged() {
    let mut compose = String::from("services:\n  web:\n    image: nginx\n    command: [");
    compose.push_str(&HOSTILE.map(yaml_string).join(", "));
    compose.push_str("]\n    environment:\n");
    for (position, text) in HOSTILE.iter().enumerate() {
        let _ = writeln!(
            compose,
            "      {}: {}",
            yaml_string(&format!("KEY_{position}_{text}")),
            yaml_string(text)
        );
    }
    compose.push_str("    labels:\n");
    for (position, text) in HOSTILE.iter().enumerate() {
        let _ = writeln!(
            compose,
            "      {}: {}",
            yaml_string(&format!("label.{position}.{text}")),
            yaml_string(text)
        );
    }
    compose.push_str("    cap_add: [");
    compose.push_str(&HOSTILE.map(yaml_string).join(", "));
    compose.push_str("]\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let imported = import_text(
        "compose.yaml",
        &compose,
        dir.path(),
        dir.path(),
        "stack.toml",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let document: toml::Table = toml::from_str(&imported.stack).expect("stack.toml is TOML");
    let name = document["stack"]["name"].as_str().expect("a name");
    assert!(stackgen::validate::is_safe_name(name), "{name}");
    assert_eq!(
        document.keys().collect::<Vec<_>>(),
        ["stack", "services"],
        "nothing injected"
    );
    let web = &document["services"]["web"];
    let command: Vec<&str> = web["command"]
        .as_array()
        .expect("command")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(command, HOSTILE);
    for (position, text) in HOSTILE.iter().enumerate() {
        assert_eq!(
            web["environment"][&format!("KEY_{position}_{text}")].as_str(),
            Some(*text)
        );
        assert_eq!(
            web["labels"][&format!("label.{position}.{text}")].as_str(),
            Some(*text)
        );
    }
    // The report quotes the lost values in comments: each stays on its line.
    let header: Vec<&str> = imported
        .stack
        .lines()
        .take_while(|line| !line.starts_with('['))
        .collect();
    for line in &header {
        assert!(line.is_empty() || line.starts_with('#'), "{line:?}");
        assert!(
            !line.contains('\u{202e}') && !line.contains('\u{2028}'),
            "{line:?}"
        );
    }
    assert!(
        header
            .iter()
            .any(|line| line.contains("services.web.cap_add")),
        "{header:?}"
    );
}
