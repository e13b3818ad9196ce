//! Replicas are a count on one service, not one service per replica: a
//! `depends-on` chain of replicated services renders one dependency per
//! link, so the Compose file (and Docker Compose's load time) grows
//! linearly with the services, whatever their replica counts.

use std::fmt::Write as _;

use serde_json::Value;
use stackgen::render::format::parse_own_yaml;

use crate::support::bundle_text;

/// A chain of `services` services of `replicas` replicas each, every one
/// depending on the one before it (healthy), with metrics, behind nginx.
fn chain(services: usize, replicas: u32) -> String {
    let mut text = String::from("[stack]\nname = \"chain\"\n");
    for n in 1..=services {
        write!(
            text,
            "[services.s{n:03}]\nimage = \"app:1\"\nkind = \"app\"\nreplicas = {replicas}\n\
             expose = [8000]\nmetrics = {{ path = \"/metrics\" }}\n\
             healthcheck = {{ http = \"/health\" }}\n"
        )
        .expect("writes to a String");
        if n > 1 {
            writeln!(text, "depends-on = {{ s{:03} = \"healthy\" }}", n - 1)
                .expect("writes to a String");
        }
    }
    writeln!(
        text,
        "[prometheus]\n[ingress]\nroutes = [{{ path = \"/\", service = \"s{services:03}\" }}]"
    )
    .expect("writes to a String");
    text
}

fn render(text: &str) -> stackgen::render::Bundle {
    stackgen::run(
        stackgen::Source::text("chain.toml", text),
        &stackgen::Options::default(),
    )
    .expect("renders")
    .bundle
}

fn compose(services: usize, replicas: u32) -> String {
    bundle_text(&render(&chain(services, replicas)), "docker-compose.yml")
}

#[test]
fn a_chain_of_replicated_services_has_one_dependency_per_link() {
    let text = compose(15, 3);
    let compose = parse_own_yaml(&text).expect("YAML");
    let services = compose["services"].as_object().expect("services");
    for n in 1..=15 {
        let name = format!("s{n:03}");
        let service = &services[&name];
        assert_eq!(service["deploy"]["replicas"], 3, "{name}");
        let depends: Vec<&String> = service["depends_on"]
            .as_object()
            .map(|d| d.keys().collect())
            .unwrap_or_default();
        if n == 1 {
            assert!(depends.is_empty(), "{name}: {depends:?}");
        } else {
            assert_eq!(depends, [&format!("s{:03}", n - 1)], "{name}");
        }
    }
    // No service per replica: the user's 15 and the generated ones only.
    let chained: Vec<&String> = services.keys().filter(|k| k.starts_with("s0")).collect();
    assert_eq!(chained.len(), 15, "{chained:?}");
    // nginx waits for the routed service, all its replicas at once.
    let nginx: Vec<&String> = services["nginx"]["depends_on"]
        .as_object()
        .expect("nginx waits")
        .keys()
        .collect();
    assert_eq!(nginx, ["s015"]);
}

#[test]
fn the_compose_file_grows_linearly_with_the_chain() {
    let sizes: Vec<usize> = [15, 30, 45].map(|n| compose(n, 3).len()).to_vec();
    // Each link adds the same text: one service with one dependency.
    assert_eq!(sizes[1] - sizes[0], sizes[2] - sizes[1], "{sizes:?}");
    // And the replica count adds nothing but its number.
    assert_eq!(compose(15, 3).len(), compose(15, 9).len());
}

#[test]
fn prometheus_and_nginx_reach_every_replica_through_the_service_name() {
    let bundle = render(&chain(2, 3));
    let prometheus =
        parse_own_yaml(&bundle_text(&bundle, "prometheus/prometheus.yml")).expect("YAML");
    let job = prometheus["scrape_configs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|job| job["job_name"] == "s002")
        .expect("job s002");
    assert_eq!(
        job["dns_sd_configs"],
        serde_json::json!([{ "names": ["s002"], "type": "A", "port": 8000 }])
    );
    assert_eq!(job["static_configs"], Value::Null);
    let relabels: Vec<(&Value, &Value)> = job["relabel_configs"]
        .as_array()
        .expect("relabel")
        .iter()
        .map(|r| (&r["target_label"], &r["replacement"]))
        .collect();
    assert_eq!(
        relabels,
        [
            (&Value::from("service"), &Value::from("s002")),
            (&Value::from("team"), &Value::from("backend"))
        ]
    );
    let nginx = bundle_text(&bundle, "nginx/nginx.conf");
    let servers: Vec<&str> = nginx
        .lines()
        .filter(|line| line.trim_start().starts_with("server \""))
        .collect();
    assert_eq!(servers.len(), 1, "{nginx}");
    assert!(servers[0].contains("\"s002:8000\""), "{nginx}");
}
