//! Where every string of the structured stack must land, unchanged, in
//! each output: compose, Prometheus, rules and their tests, Alertmanager,
//! dashboards, and an nginx.conf and a config.alloy whose structure it
//! never changes.

use serde_json::Value;
use stackgen::{Error, Output};

use super::alloy_shape::check_alloy_shape;
use super::fields::{Fields, Strict};
use super::nginx_shape::check_nginx_shape;
use super::run::{
    assert_handled, assert_outputs_parse, guarded, has_extension, parse_json, parse_yaml, preview,
};

/// Every output the base stack must render.
const EXPECTED_OUTPUTS: &[&str] = &[
    "docker-compose.yml",
    ".env.example",
    "prometheus/prometheus.yml",
    "alertmanager/alertmanager.yml",
    "alertmanager/route-tests.txt",
    "nginx/nginx.conf",
    "loki/loki.yml",
    "alloy/config.alloy",
];

/// Renders the stack of `fields`, which must be accepted, and checks that
/// every string landed, unchanged, where it belongs in every output.
pub(super) fn check_fields(fields: &Fields) {
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
    check_kubernetes(&rendered, fields);
    check_prometheus(&rendered, fields);
    check_rules(&rendered, fields);
    check_slo(&rendered, fields);
    check_alertmanager(&rendered, "#alerts");
    check_dashboards(&rendered, fields);
    check_nginx_shape(&rendered);
    check_alloy_shape(&rendered);
}

/// A strictly validated field with a hostile value: handled (never a panic or
/// an internal error); refused if it holds anything that could break out of
/// the file it lands in; if accepted, written as given.
pub(super) fn check_strict(fields: &Fields, field: Strict, value: &str) {
    let unsafe_text = stackgen::syntax::unsafe_char(value, false).is_some();
    let Some(rendered) = assert_handled(&fields.stack_with(field, value)) else {
        return;
    };
    match field {
        Strict::StackName => {
            let compose = parse_yaml(&rendered, "docker-compose.yml");
            assert_eq!(compose["name"], Value::from(value));
        }
        Strict::LabelKey => check_compose(&rendered, fields, value),
        Strict::LogLabel | Strict::Team | Strict::HostLogPath => {
            assert!(
                stackgen::syntax::alloy_text_problem(value).is_none(),
                "{value:?} was accepted as a {field:?}"
            );
            let (block, argument) = if field == Strict::HostLogPath {
                ("local.file_match", "path_targets")
            } else {
                ("discovery.relabel > rule", "replacement")
            };
            let found = check_alloy_shape(&rendered).iter().any(|b| {
                b.path == block
                    && b.attributes.iter().any(|(name, strings)| {
                        name == argument && strings.iter().any(|s| s == value)
                    })
            });
            assert!(found, "{value:?} is not a {argument} of {block}");
        }
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

pub(super) fn check_compose(rendered: &Output, fields: &Fields, label_key: &str) {
    let compose = parse_yaml(rendered, "docker-compose.yml");
    let app = &compose["services"]["app"];
    assert_interpolates_to(&app["labels"][label_key], &fields.label_value);
    assert_interpolates_to(&app["environment"]["FUZZ_VALUE"], &fields.env_value);
    assert_interpolates_to(&app["command"][1], &fields.command_arg);
    assert_eq!(app["healthcheck"]["test"][0], "CMD-SHELL");
    assert_interpolates_to(&app["healthcheck"]["test"][1], &fields.shell());
    assert_interpolates_to(&app["user"], &fields.user);
    assert_interpolates_to(&app["working_dir"], &fields.working_dir);
}

/// The Kubernetes workload carries every string as Kubernetes will read it:
/// `$$` as `$`, `$(NAME)` as the variable, each read from the stack's Secret
/// for a `${NAME}` of the stack.
fn check_kubernetes(rendered: &Output, fields: &Fields) {
    let text =
        String::from_utf8(rendered.bundle.files["k8s/services/app.yaml"].clone()).expect("UTF-8");
    // Split by the parser, not by `---` lines: a block scalar that keeps
    // its trailing line breaks (`|+`) ends at the separator.
    let workload: Value = stackgen::render::format::parse_own_yaml_documents(&text)
        .expect("the manifest parses")
        .swap_remove(0);
    let pod = &workload["spec"]["template"];
    assert_eq!(
        pod["metadata"]["annotations"]["fuzz.label"],
        fields.label_value.as_str()
    );
    let container = &pod["spec"]["containers"][0];
    assert_eq!(container["workingDir"], fields.working_dir.as_str());
    let env = container["env"].as_array().expect("env");
    let fuzz = env
        .iter()
        .find(|v| v["name"] == "FUZZ_VALUE")
        .expect("FUZZ_VALUE");
    match fuzz["valueFrom"]["secretKeyRef"]["key"].as_str() {
        Some(key) => assert_eq!(format!("${{{key}}}"), fields.env_value),
        None => assert_eq!(kubernetes_reads(&fuzz["value"], env), fields.env_value),
    }
    assert_eq!(
        kubernetes_reads(&container["args"][1], env),
        fields.command_arg
    );
}

/// What Kubernetes makes of `value`, each `$(NAME)` of a variable read from
/// the Secret written back as the `${KEY}` it stands for.
fn kubernetes_reads(value: &Value, env: &[Value]) -> String {
    let written = value
        .as_str()
        .unwrap_or_else(|| panic!("a string, found {value}"));
    let mut out = String::new();
    let mut rest = written;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        if let Some(after) = tail.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = tail.strip_prefix('(') {
            let end = inner.find(')').expect("a closed variable");
            let name = &inner[..end];
            let var = env.iter().find(|v| v["name"] == name).expect("defined");
            let key = var["valueFrom"]["secretKeyRef"]["key"]
                .as_str()
                .expect("from the Secret");
            out.push_str("${");
            out.push_str(key);
            out.push('}');
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn check_prometheus(rendered: &Output, fields: &Fields) {
    let config = parse_yaml(rendered, "prometheus/prometheus.yml");
    assert_eq!(
        config["global"]["external_labels"]["fuzz"],
        fields.external_label.as_str()
    );
}

/// The alert carries the summary, description and label as written (as
/// template text), and the expected alert of its unit test their expansion.
fn check_rules(rendered: &Output, fields: &Fields) {
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

/// The SLO's page alert carries its texts as Go template literals (they
/// are plain text), and the expected alert of its tests the texts as written.
fn check_slo(rendered: &Output, fields: &Fields) {
    let rules = parse_yaml(rendered, "prometheus/rules/slo-app-fuzz.yml");
    let page = find_object(&rules, &|o| {
        o.contains_key("alert")
            && o.get("labels")
                .and_then(|l| l.get("burn_tier"))
                .is_some_and(|t| t == "page")
    })
    .expect("the page alert is in the SLO's rules file");
    assert_eq!(page["labels"]["fuzz"], go_literal(&fields.slo_label_value));
    assert_eq!(
        page["annotations"]["fuzz"],
        go_literal(&fields.slo_annotation)
    );
    assert_eq!(
        page["annotations"]["runbook_url"],
        go_literal(&fields.slo_runbook)
    );
    let description = page["annotations"]["description"]
        .as_str()
        .expect("a description");
    assert!(
        description.ends_with(&format!(" SLO: {}", go_literal(&fields.slo_description))),
        "{description:?}"
    );
    let tests = parse_yaml(rendered, "prometheus/tests/slo-app-fuzz.test.yml");
    let expected = find_object(&tests, &|o| {
        o.get("exp_labels")
            .and_then(|l| l.get("burn_tier"))
            .is_some_and(|t| t == "page")
    })
    .expect("a test expects the page alert");
    assert_eq!(
        expected["exp_labels"]["fuzz"],
        fields.slo_label_value.as_str()
    );
    assert_eq!(
        expected["exp_annotations"]["fuzz"],
        fields.slo_annotation.as_str()
    );
    assert_eq!(
        expected["exp_annotations"]["runbook_url"],
        fields.slo_runbook.as_str()
    );
}

/// `text` as a Go template that Prometheus expands to `text`: alert labels
/// and annotations are templates, where a literal `{{` is `{{ "{{" }}`.
pub(super) fn go_literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// The Slack channel is in alertmanager.yml as written.
pub(super) fn check_alertmanager(rendered: &Output, channel: &str) {
    let config = parse_yaml(rendered, "alertmanager/alertmanager.yml");
    let slack = find_object(&config, &|o| o.contains_key("channel"))
        .expect("the Slack target is in alertmanager.yml");
    assert_eq!(slack["channel"], channel);
}

/// Titles, description and legend are kept as written.
fn check_dashboards(rendered: &Output, fields: &Fields) {
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
