//! Stack files stitched from TOML syntax, keys of every section and values
//! of every type, so the parser and the checks behind it get further than
//! with arbitrary text.

use proptest::prelude::*;

use super::run::assert_handled;
use super::specials::hostile_string;

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Text made of TOML and stack fragments, so the parser gets further.
    #[test]
    fn arbitrary_toml_fragments_are_handled(parts in prop::collection::vec(fragment(), 0..60)) {
        assert_handled(&parts.concat());
    }
}

/// Pieces of stack files: syntax, keys of every section, values of every type.
pub(super) fn fragment() -> impl Strategy<Value = String> {
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
