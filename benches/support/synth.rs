//! Synthetic stacks of any size, for benchmarks and resource-limit tests.
//!
//! [`stack`] writes a valid `stack.toml` with `services` application
//! services. Each has an image, an exposed port, an HTTP health check,
//! metrics, `depends-on` edges (to its parent in a binary tree, so the
//! dependency graph is deep but acyclic), one alerting rule, an ingress
//! route and a dashboard panel. A few backing services (postgres, redis)
//! and the monitoring sections are added once.
//!
//! To cover a new section of the model, add a `write_*` helper below and
//! call it from [`stack`]; keep names plain ASCII so the text stays valid.

use std::fmt::Write as _;

/// How many panels go on one synthetic dashboard.
const PANELS_PER_DASHBOARD: usize = 20;

/// The text of a valid stack with `services` application services.
pub fn stack(services: usize) -> String {
    let mut out = String::with_capacity(services * 900 + 2048);
    write_header(&mut out, services);
    write_backing_services(&mut out);
    for index in 0..services {
        write_service(&mut out, index);
    }
    write_monitoring(&mut out);
    write_ingress(&mut out, services);
    for index in 0..services {
        write_alert(&mut out, index);
    }
    write_dashboards(&mut out, services);
    out.push_str("[volumes.pg-data]\n[volumes.redis-data]\n");
    out
}

/// The compose name of the `index`-th synthetic service.
pub fn service_name(index: usize) -> String {
    format!("svc-{index}")
}

fn write_header(out: &mut String, services: usize) {
    let _ = write!(
        out,
        "[stack]\nname = \"synth-{services}\"\ndescription = \"Synthetic stack with {services} services\"\n\n"
    );
}

fn write_backing_services(out: &mut String) {
    out.push_str(
        r#"[services.postgres]
image = "postgres:16-alpine"
kind = "postgres"
environment = { POSTGRES_USER = "app", POSTGRES_DB = "app", POSTGRES_PASSWORD = "${POSTGRES_PASSWORD}" }
volumes = ["pg-data:/var/lib/postgresql/data"]
expose = [5432]
healthcheck = { shell = "pg_isready -U app", interval = "10s", timeout = "5s", retries = 5 }

[services.redis]
image = "redis:7-alpine"
kind = "redis"
expose = [6379]
volumes = ["redis-data:/data"]
healthcheck = { command = ["redis-cli", "ping"], interval = "10s", timeout = "3s", retries = 3 }

"#,
    );
}

fn write_service(out: &mut String, index: usize) {
    let name = service_name(index);
    let depends = if index == 0 {
        "{ postgres = \"healthy\", redis = \"healthy\" }".to_owned()
    } else {
        format!("{{ {} = \"healthy\" }}", service_name((index - 1) / 2))
    };
    let _ = write!(
        out,
        r#"[services.{name}]
image = "ghcr.io/example/{name}:1.0.{index}"
kind = "app"
team = "team-{team}"
description = "Synthetic service number {index}"
expose = [8000]
environment = {{ SERVICE_INDEX = "{index}", REDIS_URL = "redis://redis:6379/0", DATABASE_URL = "${{DATABASE_URL}}" }}
labels = {{ "com.example.index" = "{index}" }}
healthcheck = {{ http = "/health", interval = "10s", timeout = "5s", retries = 3, start-period = "20s" }}
depends-on = {depends}
metrics = {{ path = "/metrics" }}

"#,
        team = index % 7,
    );
}

fn write_monitoring(out: &mut String) {
    out.push_str(
        r#"[prometheus]
scrape-interval = "15s"
retention = "15d"

[alertmanager]
default-receiver = "oncall"

[alertmanager.receivers.oncall]
webhook = [{ url = "http://hooks.example.com/alerts" }]

[grafana]
admin-password = "${GRAFANA_ADMIN_PASSWORD}"

"#,
    );
}

fn write_ingress(out: &mut String, services: usize) {
    out.push_str("[ingress]\nserver-names = [\"synth.example.com\"]\n\n");
    for index in 0..services {
        let name = service_name(index);
        let _ = write!(
            out,
            "[[ingress.routes]]\npath = \"/{name}/\"\nservice = \"{name}\"\n\n"
        );
    }
}

fn write_alert(out: &mut String, index: usize) {
    let name = service_name(index);
    let _ = write!(
        out,
        r#"[[alerts]]
name = "Svc{index}Down"
expr = 'up{{job="{name}"}} == 0'
for = "2m"
severity = "critical"
service = "{name}"
summary = "{name} is down"
description = "{{{{ $labels.instance }}}} has been down for 2 minutes"

"#
    );
}

fn write_dashboards(out: &mut String, services: usize) {
    for first in (0..services).step_by(PANELS_PER_DASHBOARD) {
        let _ = write!(
            out,
            "[[dashboards]]\ntitle = \"Services {first}+\"\n\n[[dashboards.rows]]\ntitle = \"Traffic\"\n\n"
        );
        for index in first..services.min(first + PANELS_PER_DASHBOARD) {
            let name = service_name(index);
            let _ = write!(
                out,
                r#"[[dashboards.rows.panels]]
title = "{name} requests"
unit = "reqps"
queries = [{{ expr = 'sum(rate(http_requests_total{{job="{name}"}}[5m]))', legend = "{{{{instance}}}}" }}]

"#
            );
        }
    }
}
