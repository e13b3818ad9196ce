//! Every stack under `stacks/` (the seeds rebuilt with stackgen) validates and renders.

use std::path::PathBuf;

use crate::support::{bundle_text, root, stem, toml_files};

fn seed_stacks() -> Vec<PathBuf> {
    toml_files("stacks")
}

#[test]
fn all_five_seed_stacks_are_present() {
    let names: Vec<String> = seed_stacks().iter().map(|path| stem(path)).collect();
    assert_eq!(
        names,
        [
            "data-aggregator",
            "ecommerce",
            "sre-playground",
            "sse",
            "telemetra"
        ]
    );
}

#[test]
fn every_seed_stack_renders() {
    for path in seed_stacks() {
        match stackgen::run(&path, &stackgen::Options::default()) {
            Ok(rendered) => assert!(
                rendered.bundle.files.contains_key("docker-compose.yml"),
                "{} rendered no compose file",
                path.display()
            ),
            Err(error) => panic!("{} does not render: {error:?}", path.display()),
        }
    }
}

#[test]
fn shipped_files_land_in_the_bundle() {
    let dir = root().join("stacks");
    let telemetra =
        stackgen::run(&dir.join("telemetra.toml"), &stackgen::Options::default()).expect("renders");
    let sql = &telemetra.bundle.files["files/postgres/telemetra/init-db.sql"];
    assert_eq!(
        sql,
        &std::fs::read(dir.join("telemetra/init-db.sql")).expect("readable")
    );
}

#[test]
fn alert_tests_load_the_rules_recording_what_they_read() {
    let dir = root().join("stacks");
    let sre = stackgen::run(
        &dir.join("sre-playground.toml"),
        &stackgen::Options::default(),
    )
    .expect("renders");
    // ErrorBudgetLow reads the remaining budget both SLO groups record.
    let tests = bundle_text(&sre.bundle, "prometheus/tests/slo-budget.test.yml");
    assert!(
        tests.contains(
            "rule_files:\n- ../rules/slo-budget.yml\n- ../rules/slo-app-availability.yml\n- ../rules/slo-app-latency.yml\n"
        ),
        "{tests}"
    );
    // The rule's labels are added to the expected alert without being written in the test,
    // and its summary is expanded from the series' labels.
    assert!(
        tests.contains(
            "        sloth_window: 30d\n        severity: warning\n        service: app\n"
        ),
        "{tests}"
    );
    assert!(tests.contains("the availability SLO remains"), "{tests}");
}

#[test]
fn ecommerce_keeps_backend_and_database_on_the_internal_network() {
    let dir = root().join("stacks");
    let plan = stackgen::run(&dir.join("ecommerce.toml"), &stackgen::Options::default())
        .expect("valid")
        .plan;
    let networks = |name: &str| -> Vec<String> {
        plan.services
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} is planned"))
            .networks
            .clone()
    };
    assert_eq!(networks("backend"), ["internal"]);
    assert_eq!(networks("mongodb"), ["internal"]);
    assert_eq!(networks("mongodb-exporter"), ["internal"]);
    // Generated services join the networks of what they talk to.
    assert_eq!(networks("prometheus"), ["public", "internal"]);
    assert_eq!(networks("grafana"), ["public", "internal"]);
    // Alertmanager needs a way out, which the internal network has not.
    assert_eq!(networks("alertmanager"), ["public"]);
}

#[test]
fn the_slo_dashboard_draws_burn_rates_and_their_thresholds() {
    let dir = root().join("stacks");
    let sre = stackgen::run(
        &dir.join("sre-playground.toml"),
        &stackgen::Options::default(),
    )
    .expect("renders");
    let dashboard: serde_json::Value =
        serde_json::from_slice(&sre.bundle.files["grafana/dashboards/slos.json"]).expect("json");
    assert_eq!(dashboard["title"], "sre-playground SLOs");
    let burn_rate = dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .find(|p| p["title"] == "Burn rate per window" && p["type"] == "timeseries")
        .expect("a burn-rate time series");
    let defaults = &burn_rate["fieldConfig"]["defaults"];
    assert_eq!(defaults["custom"]["thresholdsStyle"]["mode"], "dashed");
    assert_eq!(defaults["thresholds"]["steps"][1]["value"], 1.0);
    let threshold_query = &burn_rate["targets"][1]["expr"];
    assert!(
        threshold_query
            .as_str()
            .is_some_and(|q| q.starts_with("slo:burn_rate_threshold:ratio{")),
        "{threshold_query}"
    );
    // The thresholds it draws are recorded by the SLOs' rules, exactly.
    let rules = bundle_text(&sre.bundle, "prometheus/rules/slo-app-availability.yml");
    for factor in ["14.4", "6", "3", "1"] {
        assert!(
            rules.contains(&format!(
                "- record: slo:burn_rate_threshold:ratio\n    expr: vector({factor})\n"
            )),
            "{factor}: {rules}"
        );
    }
}

/// `stackgen validate` plans for checks only; it must warn exactly as a
/// render does and see the same built-in alerts (name, group, severity and
/// the jobs they watch).
#[test]
fn a_plan_for_checks_warns_alike_and_outlines_the_same_alerts() {
    let mut stacks = seed_stacks();
    stacks.extend(
        ["alerting", "dashboards", "ingress", "monitoring", "web"]
            .map(|name| root().join("examples").join(format!("{name}.toml"))),
    );
    let outline = |plan: &stackgen::plan::Plan| -> Vec<String> {
        plan.alerts
            .iter()
            .map(|a| format!("{} {} {:?} {:?}", a.name, a.group, a.severity, a.owners()))
            .collect()
    };
    for path in stacks {
        let loaded = stackgen::load::load_file_in(&path, None).expect("loads");
        let render = stackgen::run(&loaded, &stackgen::Options::default()).expect("valid");
        let check =
            stackgen::run(&loaded, &stackgen::Options::default().check_only()).expect("valid");
        let (render, render_warnings) = (render.plan, render.warnings);
        let (check, check_warnings) = (check.plan, check.warnings);
        let codes = |warnings: &[stackgen::error::Diagnostic]| -> Vec<String> {
            warnings.iter().map(|w| format!("{:?}", w.kind)).collect()
        };
        assert_eq!(
            codes(&check_warnings),
            codes(&render_warnings),
            "{}",
            path.display()
        );
        assert_eq!(outline(&check), outline(&render), "{}", path.display());
        assert!(check.recording_rules.len() <= render.recording_rules.len());
        assert!(
            stackgen::render::render(&check).is_err(),
            "{}",
            path.display()
        );
    }
}
