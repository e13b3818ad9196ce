//! `stackgen ports`: the ports each service publishes on the host.

use super::LoadArgs;
use std::path::PathBuf;

use serde_json::json;

use super::Format;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::exposure::Finding;

/// Arguments of `ports`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file.
    pub stack: PathBuf,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Runs `ports`: the stack's warnings (those about generated services
/// anyone can reach without credentials among them), a table (or, with
/// `--format json`, a JSON array), then the notes about them.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let plan = super::plan_stack(&args.stack, &args.load.options(), format)?;
    let rows = rows(&plan);
    let text = match format {
        Format::Human => table(&rows),
        Format::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|[service, host, container, protocol, bind, proxy]| {
                    let proxy = (!proxy.is_empty()).then_some(proxy);
                    json!({ "service": service, "host": host, "container": container, "protocol": protocol, "bind": bind, "proxy": proxy })
                })
                .collect();
            format!("{}\n", serde_json::Value::Array(list))
        }
    };
    super::print(&text)?;
    for line in open_services(&plan) {
        eprintln!("{line}");
    }
    Ok(())
}

/// One row per published port: service, host port, container port, protocol,
/// bind address, and the URL the proxy serves the service at (empty when it
/// does not); a service on the host's network listens on the host's ports
/// themselves (node-exporter's metrics port).
pub fn rows(plan: &Plan) -> Vec<[String; 6]> {
    let mut rows = Vec::new();
    for service in &plan.services {
        if let Some(metrics) = service.metrics.as_ref().filter(|_| service.host_network) {
            let port = metrics.port.to_string();
            rows.push([
                service.name.clone(),
                port.clone(),
                port,
                "tcp".to_owned(),
                ALL_ADDRESSES.to_owned(),
                String::new(),
            ]);
        }
        let proxy = plan
            .web_root(&service.name)
            .map(|root| root.external_url.clone())
            .unwrap_or_default();
        for port in &service.ports {
            rows.push([
                service.name.clone(),
                port.host.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                port.container.to_string(),
                port.protocol().as_str().to_owned(),
                port.bind
                    .as_ref()
                    .map_or_else(|| ALL_ADDRESSES.to_owned(), |bind| bind.as_str().to_owned()),
                proxy.clone(),
            ]);
        }
    }
    rows
}

/// The bind address of a port published on every host address.
const ALL_ADDRESSES: &str = "0.0.0.0";

/// The notes `ports` prints after the table about the generated
/// Prometheus, Alertmanager and Grafana: the plan's findings
/// (`plan.exposures`) that are not warnings (those are printed, as by
/// `validate`, as diagnostics before the table).
pub fn open_services(plan: &Plan) -> Vec<String> {
    plan.exposures
        .iter()
        .filter_map(|exposure| match &exposure.finding {
            Finding::PublishedBesideProxy { port } => Some(format!(
                "note: {} is served through the proxy, so its host port {port} need not be published: `bind = \"127.0.0.1\"` in [{}] keeps it on this host",
                exposure.service, exposure.section,
            )),
            Finding::OpenWithoutProxy { port } => Some(format!(
                "note: {} publishes port {port} on all addresses without authentication: set `bind = \"127.0.0.1\"` in [{}], or serve it through [ingress] with a route that has `auth`",
                exposure.service, exposure.section,
            )),
            Finding::OpenBesideProxy { .. } | Finding::RoutedWithoutAuth { .. } => None,
        })
        .collect()
}

/// Aligned columns under a header; the `PROXY` column only when the proxy
/// serves a service.
pub fn table(rows: &[[String; 6]]) -> String {
    let columns = if rows.iter().any(|row| !row[5].is_empty()) {
        6
    } else {
        5
    };
    let header = ["SERVICE", "HOST", "CONTAINER", "PROTOCOL", "BIND", "PROXY"].map(str::to_owned);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let line: Vec<String> = row[..columns]
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
