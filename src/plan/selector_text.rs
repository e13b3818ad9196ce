//! Text of `PromQL` series selectors for the built-in alerts: escaping a
//! value into a regular expression, and adding target labels to a test
//! series the way scraping adds them to every series. Values are quoted by
//! [`quote`], which Alertmanager matchers share.

use std::fmt::Write as _;

use crate::syntax::matcher::quote;

/// `series` (`name{a="b"}`) with each of `labels` it does not set added,
/// as scraping adds target labels to every series.
pub fn with_missing_labels(series: &str, labels: &[(&str, &str)]) -> String {
    let (name, matchers) = match series.find('{') {
        Some(at) => (
            &series[..at],
            series[at + 1..].trim_end().strip_suffix('}').unwrap_or(""),
        ),
        None => (series.trim_end(), ""),
    };
    let present = label_names(matchers);
    let mut out = String::with_capacity(series.len() + 64);
    out.push_str(name);
    out.push('{');
    out.push_str(matchers.trim());
    let mut first = matchers.trim().is_empty();
    for (key, value) in labels {
        if present.contains(key) {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "{key}={}", quote(value));
    }
    out.push('}');
    out
}

/// The label names of `a="x", b!~"y"`, skipping over quoted values.
fn label_names(matchers: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = matchers;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let Some(end) = rest.find(['=', '!']) else {
            return names;
        };
        names.push(rest[..end].trim());
        let Some(open) = rest.find('"') else {
            return names;
        };
        let mut escaped = false;
        let mut close = None;
        for (at, c) in rest[open + 1..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    close = Some(open + 1 + at);
                    break;
                }
                _ => {}
            }
        }
        let Some(close) = close else {
            return names;
        };
        rest = &rest[close + 1..];
    }
}

/// `text` as a regular expression matching exactly it (RE2 syntax).
pub fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_series_get_the_target_labels_they_lack() {
        let labels = [("job", "api"), ("service", "api"), ("team", "a\"b")];
        assert_eq!(
            with_missing_labels(r#"up{job="api", instance="x,=\"y"}"#, &labels),
            r#"up{job="api", instance="x,=\"y", service="api", team="a\"b"}"#
        );
        assert_eq!(
            with_missing_labels("up", &labels),
            r#"up{job="api", service="api", team="a\"b"}"#
        );
        assert_eq!(label_names(r#"a="1", b!~"2\"", c = "3""#), ["a", "b", "c"]);
    }

    #[test]
    fn regexes_match_the_text_literally() {
        assert_eq!(regex_escape("svc-1"), "svc-1");
        assert_eq!(regex_escape("a.b|c(d)"), r"a\.b\|c\(d\)");
        let pattern = format!("^{}$", regex_escape(r"x.+*?()|[]{}^$\y"));
        let regex = regex::Regex::new(&pattern).expect("compiles");
        assert!(regex.is_match(r"x.+*?()|[]{}^$\y"));
        assert!(!regex.is_match("xx"));
    }
}
