//! `stackgen ports`: the ports each service publishes on the host.

use super::LoadArgs;
use std::path::PathBuf;

use serde_json::json;

use super::Format;
use crate::error::Error;
use crate::plan::Plan;

/// Arguments of `ports`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file.
    pub stack: PathBuf,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Runs `ports`: a table (or, with `--format json`, a JSON array).
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let plan = super::plan_stack(&args.stack, &args.load.options(), format)?;
    let rows = rows(&plan);
    let text = match format {
        Format::Human => table(&rows),
        Format::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|[service, host, container, protocol, bind]| {
                    json!({ "service": service, "host": host, "container": container, "protocol": protocol, "bind": bind })
                })
                .collect();
            format!("{}\n", serde_json::Value::Array(list))
        }
    };
    super::print(&text)
}

/// One row per published port: service, host port, container port, protocol,
/// bind address; a service on the host's network listens on the host's
/// ports themselves (node-exporter's metrics port).
pub fn rows(plan: &Plan) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for service in &plan.services {
        if let Some(metrics) = service.metrics.as_ref().filter(|_| service.host_network) {
            let port = metrics.port.to_string();
            rows.push([
                service.name.clone(),
                port.clone(),
                port,
                "tcp".to_owned(),
                "0.0.0.0".to_owned(),
            ]);
        }
        for port in &service.ports {
            rows.push([
                service.name.clone(),
                port.host.map_or_else(|| "-".to_owned(), |p| p.to_string()),
                port.container.to_string(),
                port.protocol.clone().unwrap_or_else(|| "tcp".to_owned()),
                port.bind.clone().unwrap_or_else(|| "0.0.0.0".to_owned()),
            ]);
        }
    }
    rows
}

/// Aligned columns under a header.
pub fn table(rows: &[[String; 5]]) -> String {
    let header = ["SERVICE", "HOST", "CONTAINER", "PROTOCOL", "BIND"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
