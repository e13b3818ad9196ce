//! `ports` and `expose`, in every Compose syntax, as stack.toml ports.
//!
//! A Compose port is `[IP:][HOST:]CONTAINER[/PROTOCOL]` (either side may be
//! a range), a bare number (a container port published on a port Docker
//! picks) or a table. stack.toml writes one port per entry: ranges of the
//! same length become one entry per pair (up to [`MAX_RANGE`]), a bare
//! number becomes `"80"` (stack.toml's `80` would also publish host port 80).

use toml_edit::{InlineTable, Value};

use super::context::Context;
use super::model::{Port, PortLong, Scalar};
use super::path::Path;

/// The longest port range expanded into single ports.
pub const MAX_RANGE: u32 = 100;

/// One published port, read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Published {
    bind: Option<String>,
    host: Option<u16>,
    container: u16,
    protocol: Option<String>,
}

/// The service's `ports` (`at` is `services.NAME.ports`) as stack.toml
/// values, for a service of `replicas` containers: replicas cannot share a
/// host port (Docker starts only the first), so theirs are left to Docker.
pub fn ports(ctx: &mut Context<'_>, at: &Path, ports: &[Port], replicas: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for (position, port) in ports.iter().enumerate() {
        let path = at.index(position);
        let mut read = match port {
            Port::Number(number) => container_only(ctx, &path, *number),
            Port::Short(text) => short(ctx, &path, text),
            Port::Long(long) => long_form(ctx, &path, long),
        };
        if replicas > 1 && read.iter().any(|port| port.host.is_some()) {
            ctx.change(
                &path,
                format!("{replicas} replicas cannot share a host port (Docker starts only the first): each is published on a host port Docker picks"),
            );
            for port in &mut read {
                port.host = None;
            }
        }
        out.extend(read.iter().map(value));
    }
    out
}

/// The service's `expose` as container port numbers.
pub fn expose(ctx: &mut Context<'_>, at: &Path, expose: &[Scalar]) -> Vec<u16> {
    let mut out = Vec::new();
    for (position, item) in expose.iter().enumerate() {
        let path = at.index(position);
        let text = match item {
            Scalar::Int(number) => number.to_string(),
            other => {
                let Some(text) = ctx.literal(&path, &other.text(), "port") else {
                    continue;
                };
                text
            }
        };
        let (body, protocol) = split_protocol(&text);
        if protocol.is_some_and(|p| p != "tcp") {
            ctx.change(
                &path,
                "stack.toml's `expose` takes port numbers only: the protocol is dropped",
            );
        }
        match range(body) {
            Some((first, last)) if last - first < MAX_RANGE => {
                if last > first {
                    ctx.change(&path, "the range is written port by port");
                }
                out.extend((first..=last).filter_map(|p| u16::try_from(p).ok()));
            }
            Some(_) => ctx.lose(
                &path,
                format!("ranges over {MAX_RANGE} ports are not expanded"),
            ),
            None => ctx.lose(&path, "not a port number"),
        }
    }
    out.dedup();
    out
}

fn container_only(ctx: &mut Context<'_>, path: &Path, number: i64) -> Vec<Published> {
    match u16::try_from(number) {
        Ok(container) if container > 0 => vec![Published {
            bind: None,
            host: None,
            container,
            protocol: None,
        }],
        _ => {
            ctx.lose(path, "not a port number");
            Vec::new()
        }
    }
}

fn short(ctx: &mut Context<'_>, path: &Path, text: &str) -> Vec<Published> {
    let container_side = text.rsplit(':').next().unwrap_or(text);
    let read = super::variables::interpolate(text);
    let without_default = read
        .variables
        .iter()
        .any(|name| !read.defaults.iter().any(|(n, _)| n == name));
    let host_is_variable = without_default && text.contains(':') && !container_side.contains('$');
    let literal = if host_is_variable {
        ctx.change(
            path,
            "stack.toml takes host ports as numbers, not variables: published on a host port Docker picks instead",
        );
        container_side.to_owned()
    } else {
        match ctx.literal(path, text, "port") {
            Some(literal) => literal,
            None => return Vec::new(),
        }
    };
    let (body, protocol) = split_protocol(&literal);
    let mut parts: Vec<&str> = body.split(':').collect();
    let container = parts.pop().unwrap_or_default();
    let host = parts.pop();
    let bind = (!parts.is_empty()).then(|| {
        parts
            .join(":")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned()
    });
    pairs(
        ctx,
        path,
        bind,
        host.filter(|h| !h.is_empty()),
        container,
        protocol,
    )
}

fn long_form(ctx: &mut Context<'_>, path: &Path, long: &PortLong) -> Vec<Published> {
    ctx.lose_other(path, &long.other);
    if long.mode.as_deref().is_some_and(|mode| mode != "ingress") {
        ctx.lose(&path.key("mode"), "stack.toml has no port mode");
    }
    let Some(target) = &long.target else {
        ctx.lose(path, "a port without `target`");
        return Vec::new();
    };
    let container = match target {
        Scalar::Int(number) => number.to_string(),
        other => match ctx.literal(&path.key("target"), &other.text(), "port") {
            Some(text) => text,
            None => return Vec::new(),
        },
    };
    let host = match &long.published {
        None => None,
        Some(Scalar::Int(number)) => Some(number.to_string()),
        Some(other) => {
            let text = other.text();
            let literal = ctx.literal(&path.key("published"), &text, "port");
            if literal.is_none() {
                ctx.change(path, "published on a host port Docker picks instead");
            }
            literal
        }
    };
    let bind = long
        .host_ip
        .as_ref()
        .and_then(|ip| ctx.literal(&path.key("host_ip"), ip, "address"));
    pairs(
        ctx,
        path,
        bind,
        host.as_deref(),
        &container,
        long.protocol.as_deref(),
    )
}

/// The published ports of one entry: ranges of equal length pair up.
fn pairs(
    ctx: &mut Context<'_>,
    path: &Path,
    bind: Option<String>,
    host: Option<&str>,
    container: &str,
    protocol: Option<&str>,
) -> Vec<Published> {
    let protocol = match protocol {
        None | Some("tcp") => None,
        Some("udp") => Some("udp".to_owned()),
        Some(other) => {
            ctx.lose(
                path,
                format!("stack.toml publishes tcp and udp only, not {other}"),
            );
            return Vec::new();
        }
    };
    let bind = bind.filter(|b| !b.is_empty() && b != "0.0.0.0");
    let Some((first, last)) = range(container) else {
        ctx.lose(path, "not a port number or range");
        return Vec::new();
    };
    let count = last - first + 1;
    if count > MAX_RANGE {
        ctx.lose(
            path,
            format!("ranges over {MAX_RANGE} ports are not expanded"),
        );
        return Vec::new();
    }
    let hosts: Vec<Option<u32>> = match host.map(range) {
        None => vec![None; count as usize],
        Some(Some((host_first, host_last))) if host_last - host_first + 1 == count => {
            (host_first..=host_last).map(Some).collect()
        }
        Some(Some(_)) if count == 1 => {
            ctx.change(
                path,
                "Docker picks the host port from a range; stack.toml publishes on a port Docker picks from all free ones",
            );
            vec![None]
        }
        Some(Some(_)) => {
            ctx.lose(path, "the host and container ranges differ in length");
            return Vec::new();
        }
        Some(None) => {
            ctx.lose(path, "the host port is not a port number or range");
            return Vec::new();
        }
    };
    if count > 1 {
        ctx.change(path, "the range is written port by port");
    }
    (first..=last)
        .zip(hosts)
        .filter_map(|(container, host)| {
            Some(Published {
                bind: bind.clone(),
                host: match host {
                    Some(h) => Some(u16::try_from(h).ok()?),
                    None => None,
                },
                container: u16::try_from(container).ok()?,
                protocol: protocol.clone(),
            })
        })
        .collect()
}

/// `80` or `8000-8010` as an inclusive range of ports 1–65535.
fn range(text: &str) -> Option<(u32, u32)> {
    let number = |t: &str| -> Option<u32> {
        let n: u32 = t.trim().parse().ok()?;
        (1..=65535).contains(&n).then_some(n)
    };
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (number(a)?, number(b)?);
            (a <= b).then_some((a, b))
        }
        None => number(text).map(|n| (n, n)),
    }
}

fn split_protocol(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once('/') {
        Some((body, protocol)) => (body, Some(protocol)),
        None => (text, None),
    }
}

/// A port as stack.toml writes it: `"HOST:CONTAINER"` text, or a table when
/// the address is IPv6 (stack.toml's text form splits on `:`) or bound
/// without a host port.
fn value(port: &Published) -> Value {
    let suffix = port
        .protocol
        .as_ref()
        .map(|p| format!("/{p}"))
        .unwrap_or_default();
    let ipv6 = port.bind.as_ref().is_some_and(|b| b.contains(':'));
    match (&port.bind, port.host) {
        (None, None) => Value::from(format!("{}{suffix}", port.container)),
        (None, Some(host)) => Value::from(format!("{host}:{}{suffix}", port.container)),
        (Some(bind), Some(host)) if !ipv6 => {
            Value::from(format!("{bind}:{host}:{}{suffix}", port.container))
        }
        (bind, host) => {
            let mut table = InlineTable::new();
            table.insert("container", Value::from(i64::from(port.container)));
            if let Some(host) = host {
                table.insert("host", Value::from(i64::from(host)));
            }
            if let Some(bind) = bind {
                table.insert("bind", Value::from(bind.as_str()));
            }
            if let Some(protocol) = &port.protocol {
                table.insert("protocol", Value::from(protocol.as_str()));
            }
            Value::InlineTable(table)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SourceFile;
    use crate::import::yaml::Document;

    fn convert(yaml_ports: &str) -> (Vec<String>, Vec<String>) {
        let text = format!("services:\n  web:\n    ports: {yaml_ports}\n");
        let document = Document::parse(SourceFile::new("c.yaml", text)).expect("YAML");
        let file: crate::import::model::ComposeFile = document.typed().expect("typed");
        let mut ctx = Context::new(&document, ".".into(), ".".into());
        let at = Path::service("web").key("ports");
        let values = ports(&mut ctx, &at, &file.services["web"].ports, 1);
        let report = ctx.report.lines();
        (
            values
                .iter()
                .map(|v| v.to_string().trim().to_owned())
                .collect(),
            report,
        )
    }

    #[test]
    fn short_and_long_forms() {
        let (values, report) = convert(
            "[80, \"8080:80\", \"127.0.0.1:9090:9090\", \"53:53/udp\", \"127.0.0.1::5432\", \"[::1]:6379:6379\", {target: 3000, published: \"3001\", protocol: tcp}]",
        );
        assert_eq!(
            values,
            [
                "\"80\"",
                "\"8080:80\"",
                "\"127.0.0.1:9090:9090\"",
                "\"53:53/udp\"",
                "{ container = 5432, bind = \"127.0.0.1\" }",
                "{ container = 6379, host = 6379, bind = \"::1\" }",
                "\"3001:3000\"",
            ]
        );
        assert!(report.is_empty(), "{report:?}");
    }

    #[test]
    fn ranges_expand_and_variables_take_their_default() {
        let (values, report) =
            convert("[\"8000-8002:9000-9002\", \"${WEB_PORT:-8080}:80\", \"${API_PORT}:81\"]");
        assert_eq!(
            values,
            [
                "\"8000:9000\"",
                "\"8001:9001\"",
                "\"8002:9002\"",
                "\"8080:80\"",
                "\"81\""
            ]
        );
        assert_eq!(report.len(), 4, "{report:?}");
        assert!(report[1].contains("services.web.ports[0]: the range is written port by port"));
        assert!(report[2].contains(
            "ports[1]: stack.toml takes the port literally: the default `8080:80` is written"
        ));
        assert!(report[3].contains("ports[2]: stack.toml takes host ports as numbers, not variables: published on a host port Docker picks instead"), "{report:?}");
    }

    #[test]
    fn what_cannot_be_said_is_reported() {
        let (values, report) =
            convert("[\"80/sctp\", \"1-200:1-200\", {target: 80, mode: host, app_protocol: http}]");
        assert_eq!(values, ["\"80\""]);
        let text = report.join("\n");
        assert!(
            text.contains(
                "ports[0] = \"80/sctp\": stack.toml publishes tcp and udp only, not sctp"
            ),
            "{text}"
        );
        assert!(
            text.contains("ports[1] = \"1-200:1-200\": ranges over 100 ports are not expanded"),
            "{text}"
        );
        assert!(
            text.contains(
                "ports[2].app_protocol = \"http\": stack.toml has no setting for `app_protocol`"
            ),
            "{text}"
        );
        assert!(
            text.contains("ports[2].mode = \"host\": stack.toml has no port mode"),
            "{text}"
        );
    }
}
