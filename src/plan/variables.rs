//! Every `${VAR}` the stack references, with the places that use it
//! (`plan.variables`): `.env.example` lists them.
//!
//! Every string of the loaded stack is searched (its data as generic trees,
//! in the shape of stack.toml), so a variable in any section, present or
//! future, is listed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::config::Stack;
use crate::load::push_escaped;
use crate::syntax::interpolation::variables_in;

/// Each variable the stack references, sorted, with where it is used
/// (`/services/api/environment/DB (service api)`), in document order.
pub type Variables = BTreeMap<String, Vec<String>>;

/// The variables `stack` references.
pub fn variables(stack: &Stack) -> Variables {
    let mut uses = Variables::new();
    visit_stack(stack, &mut |at, text| {
        for name in variables_in(text) {
            uses.entry(name.to_owned()).or_default().push(describe(at));
        }
    });
    uses
}

/// Calls `visit` with the JSON pointer and text of every string of the
/// stack (map keys aside), in document order. Each section becomes a tree of
/// its own, and the long ones an entry at a time, so only a small tree
/// exists at once. Every field is named: a new section does not compile here
/// until it is searched.
fn visit_stack(stack: &Stack, visit: &mut impl FnMut(&str, &str)) {
    let Stack {
        stack: meta,
        services,
        volumes,
        networks,
        prometheus,
        alertmanager,
        grafana,
        ingress,
        alerts,
        recording_rules,
        dashboards,
        slos,
        // Environment overlays are not part of the rendered stack.
        env: _,
        logs,
        kubernetes,
    } = stack;
    visit_part(meta, &["stack"], visit);
    for (name, service) in services {
        visit_part(service, &["services", name], visit);
    }
    visit_part(volumes, &["volumes"], visit);
    visit_part(networks, &["networks"], visit);
    visit_part(prometheus, &["prometheus"], visit);
    visit_part(alertmanager, &["alertmanager"], visit);
    visit_part(grafana, &["grafana"], visit);
    visit_part(ingress, &["ingress"], visit);
    visit_part(logs, &["logs"], visit);
    visit_part(kubernetes, &["kubernetes"], visit);
    for (index, alert) in alerts.iter().enumerate() {
        visit_part(alert, &["alerts", &index.to_string()], visit);
    }
    for (index, rule) in recording_rules.iter().enumerate() {
        visit_part(rule, &["recording-rules", &index.to_string()], visit);
    }
    for (index, dashboard) in dashboards.iter().enumerate() {
        visit_part(dashboard, &["dashboards", &index.to_string()], visit);
    }
    for (index, slo) in slos.iter().enumerate() {
        visit_part(slo, &["slos", &index.to_string()], visit);
    }
}

/// [`visit_tree`] over `value`, found in the stack at `path`.
fn visit_part<T: Serialize>(value: &T, path: &[&str], visit: &mut impl FnMut(&str, &str)) {
    let mut at = String::new();
    for segment in path {
        push_segment(&mut at, segment);
    }
    // The model's maps have text keys, so each part is a JSON tree.
    let tree = serde_json::to_value(value).expect("every part of the stack converts to JSON");
    visit_tree(&tree, &mut at, visit);
}

/// Calls `visit` with the JSON pointer and text of every string in `value`
/// (map keys aside), in document order; `at` is the pointer of `value`.
fn visit_tree(value: &Value, at: &mut String, visit: &mut impl FnMut(&str, &str)) {
    let parent = at.len();
    match value {
        Value::String(text) => visit(at, text),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_segment(at, &index.to_string());
                visit_tree(item, at, visit);
                at.truncate(parent);
            }
        }
        Value::Object(entries) => {
            for (key, entry) in entries {
                push_segment(at, key);
                visit_tree(entry, at, visit);
                at.truncate(parent);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Appends `/segment` to a JSON pointer, escaping `~` and `/`.
fn push_segment(at: &mut String, segment: &str) {
    at.push('/');
    push_escaped(at, segment);
}

/// `/services/api/environment/DATABASE_URL (service api)`.
fn describe(at: &str) -> String {
    let mut tokens = at.split('/').skip(1);
    match (tokens.next(), tokens.next()) {
        (Some("services"), Some(name)) => {
            let name = name.replace("~1", "/").replace("~0", "~");
            format!("{at} (service {name})")
        }
        _ => at.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exact_references_only() {
        // `$${B}` is a `$` and then a reference; `${C:-x}` is text.
        assert_eq!(
            variables_in("${A} $${B} ${C:-x} ${1D} ${E-y} ${F"),
            vec!["A", "B"]
        );
        assert_eq!(variables_in("postgres://${U}:${P}@db/${U}"), vec!["U", "P"]);
    }

    #[test]
    fn strings_are_visited_with_their_pointers() {
        let value = serde_json::json!({
            "a": ["x", 1, {"b": "y", "c": null}],
            "d": {"e/f~": "z"},
            "f": true,
        });
        let mut seen = Vec::new();
        visit_tree(&value, &mut String::new(), &mut |at, text| {
            seen.push(format!("{at}={text}"));
        });
        assert_eq!(seen, ["/a/0=x", "/a/2/b=y", "/d/e~1f~0=z"]);
    }

    #[test]
    fn each_section_apart_visits_what_the_whole_stack_holds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut stacks: Vec<_> = ["stacks", "examples"]
            .iter()
            .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("seed stack folder"))
            .map(|entry| entry.expect("folder entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .collect();
        stacks.sort();
        assert!(stacks.len() >= 5, "{stacks:?}");
        for stack in stacks {
            let loaded = crate::load::load_file(&stack).expect("seed stacks load");
            let mut whole = serde_json::to_value(&*loaded.stack).expect("converts");
            if let Value::Object(sections) = &mut whole {
                sections.shift_remove("env");
            }
            let mut expected = Vec::new();
            visit_tree(&whole, &mut String::new(), &mut |at, text| {
                expected.push(format!("{at}={text}"));
            });
            let mut seen = Vec::new();
            visit_stack(&loaded.stack, &mut |at, text| {
                seen.push(format!("{at}={text}"));
            });
            assert_eq!(seen, expected, "{}", stack.display());
        }
    }
}
