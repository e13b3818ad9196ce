//! Unit tests of `library_requirements`.

use super::*;
use crate::load::load_str;
use crate::plan::alert_library::groups;

const STACK: &str = r#"
[stack]
name = "shop"

[services.api]
image = "api:1"
kind = "app"
expose = [8000]
metrics = { path = "/metrics" }
probes = ["/health"]

[services.cache]
image = "redis:7"
kind = "redis"
expose = [6379]
exporter = true

[ingress]
tls = { certificate = "cert.pem", key = "key.pem" }
routes = [{ path = "/", service = "api" }]

[prometheus]
node-exporter = true
cadvisor = true

[alertmanager]
default-receiver = "ops"
dead-mans-switch = { receiver = "heartbeat" }

[alertmanager.receivers.ops]
email = ["ops@example.com"]

[alertmanager.receivers.heartbeat]
webhook = [{ url = "https://hc-ping.example.com/x" }]
"#;

fn plan(text: &str) -> Plan {
    crate::plan::plan(&load_str("stack.toml", text).expect("loads"))
}

/// What each member of the group of library file `kind` meets.
fn fed(plan: &Plan, kind: &str) -> Vec<Vec<Requirement>> {
    let group = groups(plan)
        .into_iter()
        .find(|g| g.kind == kind && g.settings.is_none())
        .unwrap_or_else(|| panic!("no group of {kind}"));
    group.fed.0
}

/// The exporters are deployed the way their rules need: these are the
/// settings that make each requirement true.
#[test]
fn the_deployment_carries_what_the_rules_need() {
    let plan = plan(STACK);
    let node = plan.service("node-exporter").expect("node-exporter");
    assert!(node.host_network && node.host_pid && node.networks.is_empty());
    assert_eq!(
        node.scrape_address().as_deref(),
        Some("host.docker.internal:9100")
    );
    let prometheus = plan.service("prometheus").expect("prometheus");
    assert_eq!(
        prometheus.extra_hosts,
        ["host.docker.internal:host-gateway"]
    );
    let cadvisor = plan.service("cadvisor").expect("cadvisor");
    assert!(cadvisor.privileged);
    assert_eq!(cadvisor.devices, ["/dev/kmsg"]);
    let exporter = plan.service("cache-exporter").expect("redis exporter");
    assert_eq!(exporter.environment[REDIS_SYSTEM_METRICS], "true");
    let modules: Vec<(&str, Vec<String>)> = probe_targets(&plan)
        .into_iter()
        .map(|p| (p.module, p.targets))
        .collect();
    assert_eq!(
        modules,
        [
            (PROBE_MODULE, vec!["http://api:8000/health".to_owned()]),
            (TLS_PROBE_MODULE, vec!["nginx:443".to_owned()]),
        ]
    );

    assert!(fed(&plan, "node")[0].contains(&Requirement::HostNetwork));
    assert!(fed(&plan, "containers")[0].contains(&Requirement::KernelLog));
    assert!(fed(&plan, "redis")[0].contains(&Requirement::RedisSystemMetrics));
    let probes = fed(&plan, "blackbox");
    assert!(
        probes[0].contains(&Requirement::HttpProbe) && !probes[0].contains(&Requirement::TlsProbe)
    );
    assert!(
        probes[1].contains(&Requirement::TlsProbe) && !probes[1].contains(&Requirement::HttpProbe)
    );
    let prometheus = &fed(&plan, "prometheus")[0];
    assert!(prometheus.contains(&Requirement::Alertmanager));
    assert!(prometheus.contains(&Requirement::DeadMansSwitch));
}

/// Every rule of every library file is planned for a stack that deploys
/// every exporter: none is left out for want of what it needs.
#[test]
fn a_stack_with_every_exporter_gets_every_rule_its_files_have() {
    let plan = plan(STACK);
    for group in groups(&plan) {
        let library = crate::plan::library_file::load(group.kind).expect("parses");
        for rule in &library.rules {
            assert!(
                group.fed.member_for(&rule.requires).is_some(),
                "{} is left out of {}",
                rule.name,
                group.name
            );
        }
    }
}

/// Without what a rule needs, the stack does not get the rule: a plain
/// HTTP stack has no certificate rules, a stack without Alertmanager no
/// notification rules, one without a dead man's switch no `Watchdog`, and
/// a Redis exporter told not to report the host's memory no system-memory rule.
#[test]
fn rules_that_cannot_fire_are_left_out() {
    let text = STACK
            .replace(
                "[ingress]\ntls = { certificate = \"cert.pem\", key = \"key.pem\" }\n",
                "[ingress]\n",
            )
            .replace("exporter = true\n\n[ingress]", "exporter = { environment = { REDIS_EXPORTER_INCL_SYSTEM_METRICS = \"false\" } }\n\n[ingress]")
            .replace("dead-mans-switch = { receiver = \"heartbeat\" }\n", "");
    let names =
        |plan: &Plan| -> Vec<String> { plan.alerts.iter().map(|a| a.name.clone()).collect() };
    let without = plan(&text);
    let planned = names(&without);
    for gone in [
        "SslCertificateExpired",
        "Watchdog",
        "RedisOutOfSystemMemory",
    ] {
        assert!(!planned.iter().any(|n| n == gone), "{gone} in {planned:?}");
    }
    for kept in [
        "ProbeHttpStatusError",
        "PrometheusNotConnectedToAlertmanager",
        "RedisOutOfMemory",
    ] {
        assert!(planned.iter().any(|n| n == kept), "{kept} missing");
    }
    let no_alertmanager = plan(&text[..text.find("[alertmanager]").expect("section")]);
    assert!(
        !names(&no_alertmanager)
            .iter()
            .any(|n| n == "PrometheusNotConnectedToAlertmanager"
                || n == "PrometheusNotificationsFailing")
    );
    let with = names(&plan(STACK));
    for back in [
        "SslCertificateExpired",
        "Watchdog",
        "RedisOutOfSystemMemory",
    ] {
        assert!(with.iter().any(|n| n == back), "{back} missing");
    }
}
