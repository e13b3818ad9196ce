use super::check;

/// Accepted by `promtool check rules` 2.42 as an alert annotation (checked
/// by hand with promtool; `scripts/e2e` repeats the check on every stack).
pub const ACCEPTED: &[&str] = &[
    "plain text, no actions",
    "}} and { are only text",
    "{{ $labels.instance }} is down",
    "{{$labels.instance}}",
    "{{ $value | humanizePercentage }}",
    "{{ $value | printf \"%.2f\" }}",
    "{{ printf \"%.2f\" $value }}",
    "{{ humanizeDuration $value }}",
    "{{ $externalLabels.cluster }} {{ $externalURL }} {{ $ }}",
    "{{ .Labels.job }} {{ .Value }} {{ . }}",
    "{{- $labels.job -}}",
    "{{- /* a comment */ -}}",
    "{{/* a comment */}}",
    "{{ if gt $value 0.5 }}high{{ else if gt $value 0.2 }}medium{{ else }}low{{ end }}",
    "{{ with $labels.pod }}pod {{ . }}{{ end }}",
    "{{ range $key, $val := $labels }}{{ $key }}={{ $val }} {{ end }}",
    "{{ range $labels }}{{ . }}{{ break }}{{ end }}",
    "{{ range $i, $e := $labels }}{{ if eq $i \"x\" }}{{ continue }}{{ end }}{{ end }}",
    "{{ $x := 1 }}{{ $x }}",
    "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
    "{{ with query \"up\" }}{{ . | first | value | humanize }}{{ end }}",
    "{{ (query \"up\") | first | label \"job\" }}",
    "{{ \"a\\tb\\u00e9\\x41\\101\" }} {{ `raw \\ string` }}",
    "{{ -1.5e3 }} {{ .5 }} {{ 1. }} {{ true }} {{ nil | print }}",
    "{{ reReplaceAll \"(.*):.*\" \"$1\" $labels.instance }}",
    "{{ $labels.instance | stripPort }} {{ toUpper \"x\" }} {{ parseDuration \"1m\" }}",
    "{{ index $labels \"job\" }} {{ len $labels }} {{ and 1 2 }} {{ not true }}",
    "{{\n$labels.job\n}}",
    "{{ ($labels).job }}",
];

/// Refused by `promtool check rules` 2.42, with what stackgen says.
pub const REFUSED: &[(&str, &str)] = &[
    ("{{ broken", "unclosed action"),
    ("{{ broken }}", "function \"broken\" not defined"),
    ("{{ $value | bar }}", "function \"bar\" not defined"),
    ("{{ toDuration 1 }}", "function \"toDuration\" not defined"),
    ("{{ $nope }}", "undefined variable \"$nope\""),
    ("{{ }}", "missing value for command"),
    ("{{ end }}", "unexpected {{end}}"),
    ("{{ else }}", "unexpected {{else}}"),
    ("{{ if true }}", "unexpected EOF"),
    ("{{ if }}x{{ end }}", "missing value for if"),
    ("{{ if true }}{{ else }}{{ else }}{{ end }}", "expected end"),
    ("{{ range $labels }}{{ else if true }}{{ end }}", "else if"),
    ("{{ break }}", "outside {{range}}"),
    (
        "{{ range $labels }}{{ else }}{{ break }}{{ end }}",
        "outside {{range}}",
    ),
    (
        "{{ $x := 1 }}{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}",
        "undefined variable \"$y\"",
    ),
    (
        "{{ range $a, $b, $c := $labels }}{{ end }}",
        "too many declarations in range",
    ),
    ("{{ $a, $b := 1 }}", "too many declarations in command"),
    (
        "{{ range $a, 1 }}{{ end }}",
        "range can only initialize variables",
    ),
    (
        "{{ \"a\" | \"b\" }}",
        "non executable command in pipeline stage 2",
    ),
    ("{{ \"a\".x }}", "unexpected . after a constant"),
    ("{{ (1 }}", "unclosed left paren"),
    ("{{ 1) }}", "unexpected right paren"),
    ("{{ \"\\q\" }}", "invalid syntax"),
    ("{{ \"\\400\" }}", "invalid syntax"),
    ("{{ \"\\ud800\" }}", "invalid syntax"),
    ("{{ 1 ; 2 }}", "unexpected ';' in operand"),
    ("{{ | print }}", "unexpected \"|\" in command"),
    ("{{ printf \"%s\" end }}", "unexpected <end> in operand"),
    ("{{/* unclosed", "unclosed comment"),
    ("{{ $x := }}", "missing value for command"),
    ("{{ x-}}", "bad character"),
];

/// Accepted by promtool but refused by stackgen, which keeps to what an
/// alert's own text needs.
const REFUSED_HERE: &[(&str, &str)] = &[
    ("{{ define \"x\" }}{{ end }}", "not accepted"),
    ("{{ template \"x\" }}", "not accepted"),
    ("{{ block \"x\" . }}{{ end }}", "not accepted"),
    ("{{ 0x1F }}", "write numbers in decimal"),
    ("{{ 'a' }}", "character constants"),
    ("{{ $\u{e9} := 1 }}", "bad character"),
    ("{{ print | }}", "missing command after"),
];

#[test]
fn accepts_what_prometheus_accepts() {
    for text in ACCEPTED {
        assert_eq!(check(text), Ok(()), "{text}");
    }
}

#[test]
fn refuses_what_prometheus_refuses() {
    for (text, message) in REFUSED {
        let error = check(text).expect_err(text);
        assert!(error.contains(message), "{text}: {error}");
    }
}

#[test]
fn refuses_what_alerts_do_not_need() {
    for (text, message) in REFUSED_HERE {
        let error = check(text).expect_err(text);
        assert!(error.contains(message), "{text}: {error}");
    }
}

#[test]
fn deep_nesting_is_refused_without_recursion_trouble() {
    let depth = 100_000;
    let ifs = format!(
        "{}{}",
        "{{ if true }}".repeat(depth),
        "{{ end }}".repeat(depth)
    );
    assert!(check(&ifs).expect_err("deep").contains("nest more than"));
    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth));
    assert!(check(&parens).expect_err("deep").contains("nest more than"));
    let fine = format!("{}{}", "{{ if true }}".repeat(50), "{{ end }}".repeat(50));
    assert_eq!(check(&fine), Ok(()));
}

mod properties {
    use proptest::prelude::*;

    use super::check;
    use crate::plan::alerts::expand_label_templates;

    const PIECES: &[&str] = &[
        "{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", " ", "\n", "$labels", "$value", "$x", "$",
        ".job", ".", "printf", "nope", "if", "else", "end", "range", "with", "break", "1", "-1",
        "\"s\"", "\"\\", "`", "(", ")", "|", ":=", "=", ",", "é", "\u{202e}", "\0",
    ];

    proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(text in any::<String>()) {
            let _ = check(&text);
            let _ = expand_label_templates(&text, &indexmap::IndexMap::new());
        }

        #[test]
        fn template_like_text_is_checked_without_panicking(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..24)
        ) {
            let text = pieces.concat();
            let _ = check(&text);
            let _ = expand_label_templates(&text, &indexmap::IndexMap::new());
        }
    }
}
