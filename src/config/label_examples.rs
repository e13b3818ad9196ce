//! Example label sets for series selectors: labels a series must carry to
//! be selected (or passed over), found from the matchers themselves. The
//! SLO checks use them to prove an SLI can be measured at all, and the plan
//! to write the input series of its promtool tests.

use promql_parser::label::{MatchOp, Matcher};
use regex_syntax::hir::{Class, Hir, HirKind};

/// A label set: `(name, value)` pairs, `__name__` among them when the
/// series needs one; a label matched as empty is left out.
pub type Labels = Vec<(String, String)>;

/// Values tried for every label besides those the matchers name.
const FALLBACKS: [&str; 5] = ["200", "x", "0", "stackgen", ""];

/// Characters tried first when a regex class allows several.
const PREFERRED: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.:/";

/// The value of label `name` in `labels` (empty when absent).
pub fn value_of<'a>(labels: &'a [(String, String)], name: &str) -> &'a str {
    labels
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Whether a series with `labels` is selected by every matcher.
pub fn selects(matchers: &[Matcher], labels: &[(String, String)]) -> bool {
    matchers
        .iter()
        .all(|m| m.is_match(value_of(labels, &m.name)))
}

/// A label set every matcher selects, or `None` when stackgen finds none
/// (contradicting matchers, a regex that matches nothing).
pub fn satisfying(matchers: &[Matcher]) -> Option<Labels> {
    let mut labels = Labels::new();
    for name in names(matchers) {
        let on_label: Vec<&Matcher> = matchers.iter().filter(|m| m.name == name).collect();
        let value = candidates(&on_label)
            .into_iter()
            .find(|value| on_label.iter().all(|m| m.is_match(value)))?;
        if !value.is_empty() {
            labels.push((name.to_owned(), value));
        }
    }
    Some(labels)
}

/// `labels` changed in one label so that `wanted` still selects the series
/// and `avoided` does not; `None` when no single change does that.
pub fn changed_to_avoid(
    labels: &[(String, String)],
    wanted: &[Matcher],
    avoided: &[Matcher],
) -> Option<Labels> {
    for avoid in avoided {
        let on_label: Vec<&Matcher> = wanted
            .iter()
            .chain(avoided)
            .filter(|m| m.name == avoid.name)
            .collect();
        for value in candidates(&on_label) {
            let mut changed: Labels = labels
                .iter()
                .filter(|(name, _)| *name != avoid.name)
                .cloned()
                .collect();
            if !value.is_empty() {
                changed.push((avoid.name.clone(), value));
            }
            if selects(wanted, &changed) && !selects(avoided, &changed) {
                return Some(changed);
            }
        }
    }
    None
}

/// The label names the matchers use, each once, in order.
fn names(matchers: &[Matcher]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for matcher in matchers {
        if !names.contains(&matcher.name.as_str()) {
            names.push(&matcher.name);
        }
    }
    names
}

/// Values worth trying for a label the matchers constrain: what each
/// matcher asks for, then the fallbacks.
fn candidates(matchers: &[&Matcher]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for matcher in matchers {
        match &matcher.op {
            MatchOp::Equal => values.push(matcher.value.clone()),
            MatchOp::Re(_) => values.extend(regex_example(&matcher.value)),
            MatchOp::NotEqual | MatchOp::NotRe(_) => {}
        }
    }
    values.extend(FALLBACKS.iter().map(|v| (*v).to_owned()));
    values
}

/// A short string the (unanchored) regex `pattern` matches whole, when the
/// pattern parses; look-arounds are skipped, so callers check the result.
fn regex_example(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    example(&hir, &mut out).then_some(out)
}

fn example(hir: &Hir, out: &mut String) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(class)) => {
            let pick = PREFERRED
                .chars()
                .find(|c| {
                    class
                        .ranges()
                        .iter()
                        .any(|r| r.start() <= *c && *c <= r.end())
                })
                .or_else(|| {
                    class
                        .ranges()
                        .first()
                        .map(regex_syntax::hir::ClassUnicodeRange::start)
                });
            pick.map(|c| out.push(c)).is_some()
        }
        HirKind::Class(Class::Bytes(class)) => {
            let pick = PREFERRED
                .bytes()
                .find(|b| {
                    class
                        .ranges()
                        .iter()
                        .any(|r| r.start() <= *b && *b <= r.end())
                })
                .or_else(|| {
                    class
                        .ranges()
                        .first()
                        .map(regex_syntax::hir::ClassBytesRange::start)
                        .filter(u8::is_ascii)
                });
            pick.map(|b| out.push(char::from(b))).is_some()
        }
        HirKind::Repetition(repetition) => {
            (0..repetition.min.min(64)).all(|_| example(&repetition.sub, out))
        }
        HirKind::Capture(capture) => example(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().all(|part| example(part, out)),
        HirKind::Alternation(branches) => branches.first().is_some_and(|b| example(b, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Selector;

    fn matchers(selector: &str) -> Vec<Matcher> {
        let selector = Selector::from(selector.to_owned());
        let series = selector.series().expect("a series selector");
        let mut all = series.matchers.clone();
        if let Some(metric) = &series.metric {
            all.push(Matcher::new(MatchOp::Equal, "__name__", metric));
        }
        all
    }

    fn pairs(labels: &[(&str, &str)]) -> Labels {
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn regexes_give_examples_they_match() {
        assert_eq!(regex_example("5..").as_deref(), Some("500"));
        assert_eq!(regex_example("5xx|503").as_deref(), Some("5xx"));
        assert_eq!(
            regex_example("(GET|POST)/api/.+").as_deref(),
            Some("GET/api/0")
        );
        assert_eq!(regex_example("[a-f]{3}").as_deref(), Some("aaa"));
        assert_eq!(regex_example("x*").as_deref(), Some(""));
        assert_eq!(regex_example("(?i)error").as_deref(), Some("error"));
    }

    #[test]
    fn label_sets_satisfy_every_matcher() {
        let errors = matchers(r#"http_requests_total{job="api", status=~"5..", status!="503"}"#);
        let labels = satisfying(&errors).expect("satisfiable");
        assert_eq!(
            labels,
            pairs(&[
                ("job", "api"),
                ("status", "500"),
                ("__name__", "http_requests_total")
            ])
        );
        assert!(selects(&errors, &labels));
        let skipped = satisfying(&matchers(r#"x{status!~"5.."}"#)).expect("satisfiable");
        assert_eq!(skipped, pairs(&[("status", "200"), ("__name__", "x")]));
        let absent = satisfying(&matchers(r#"x{status!~".+"}"#)).expect("satisfiable");
        assert_eq!(
            absent,
            pairs(&[("__name__", "x")]),
            "an absent label is empty"
        );
        assert_eq!(satisfying(&matchers(r#"x{a="1", a="2"}"#)), None);
        assert_eq!(satisfying(&matchers(r#"x{a=~"b^c"}"#)), None);
    }

    #[test]
    fn a_change_avoids_one_selector_and_keeps_another() {
        let total = matchers(r#"http_requests_total{job="api"}"#);
        let errors = matchers(r#"http_requests_total{job="api", status=~"5.."}"#);
        let bad = satisfying(&errors).expect("satisfiable");
        let good = changed_to_avoid(&bad, &total, &errors).expect("a good series");
        assert!(selects(&total, &good) && !selects(&errors, &good));
        assert_eq!(value_of(&good, "status"), "200");
        let same = matchers(r#"http_requests_total{job="api"}"#);
        assert_eq!(changed_to_avoid(&bad, &total, &same), None);
    }
}
