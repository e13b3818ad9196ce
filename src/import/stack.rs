//! The whole stack.toml: names first, then every service, the dependencies
//! between them, volumes and networks, under a header that carries the
//! loss report as comments.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value, value};

use super::context::Context;
use super::model::{ComposeFile, Scalar};
use super::names::{Namespace, Renamed, dns_label};
use super::path::Path;
use super::report::plain;
use super::service::{self, Converted};
use crate::error::ErrorKind;

/// Converts `file` into a stack.toml document; `source` names the Compose
/// file in the header.
pub fn convert(ctx: &mut Context<'_>, file: &ComposeFile, source: &str) -> DocumentMut {
    name_everything(ctx, file);
    super::environment::reserve_secrets(ctx, file);
    top_level_keys(ctx, file);
    let stack_name = stack_name(ctx, file);
    ctx.project.clone_from(&stack_name);
    let mut converted: Vec<(String, Converted)> = Vec::new();
    for (compose_name, service) in &file.services {
        let name = ctx
            .names
            .get(Namespace::Service, compose_name)
            .unwrap_or(compose_name)
            .to_owned();
        let service = service::convert(ctx, compose_name, &name, service, file);
        converted.push((compose_name.clone(), service));
    }
    resolve_dependencies(ctx, &mut converted, file);
    let scraped = converted
        .iter()
        .any(|(_, s)| s.table.contains_key("metrics"));

    let mut document = DocumentMut::new();
    let mut meta = Table::new();
    meta.insert("name", value(stack_name));
    document.insert("stack", Item::Table(meta));
    let mut services = Table::new();
    services.set_implicit(true);
    for (compose_name, service) in &mut converted {
        let name = ctx
            .names
            .get(Namespace::Service, compose_name)
            .unwrap_or(compose_name)
            .to_owned();
        if name != *compose_name {
            service.table.decor_mut().set_prefix(format!(
                "\n# Compose service {}\n",
                plain(&quote(compose_name))
            ));
        }
        services.insert(&name, Item::Table(std::mem::take(&mut service.table)));
    }
    document.insert("services", Item::Table(services));
    let volumes = volumes(ctx, file, &converted);
    if !volumes.is_empty() {
        document.insert("volumes", Item::Table(volumes));
    }
    let networks = networks(ctx, file, &converted);
    if !networks.is_empty() {
        document.insert("networks", Item::Table(networks));
    }
    let header = header(ctx, source, scraped);
    if let Some(Item::Table(meta)) = document.get_mut("stack") {
        meta.decor_mut().set_prefix(header);
    }
    document
}

/// Gives every service, volume and network its stack.toml name, reporting renames.
fn name_everything(ctx: &mut Context<'_>, file: &ComposeFile) {
    for (space, section, names) in [
        (
            Namespace::Volume,
            "volumes",
            file.volumes.keys().collect::<Vec<_>>(),
        ),
        (
            Namespace::Network,
            "networks",
            file.networks.keys().collect(),
        ),
        (
            Namespace::Service,
            "services",
            file.services.keys().collect(),
        ),
    ] {
        let renames = ctx
            .names
            .assign_all(space, names.iter().map(|n| n.as_str()).collect::<Vec<_>>());
        for (from, to, why) in renames {
            let reason = match why {
                Renamed::Unsafe | Renamed::Taken => format!(
                    "stack.toml names a {} with lowercase letters, digits and `-`",
                    space.word()
                ),
                Renamed::Reserved(owner) => {
                    format!("stackgen generates a service of that name for {owner}")
                }
            };
            let consequence = match space {
                Namespace::Service => {
                    format!("; containers that reach it as `{from}` must use `{to}`")
                }
                Namespace::Volume => format!(
                    "; Docker creates a new volume for `{to}`, so data kept in the volume `{from}` is not carried over"
                ),
                Namespace::Network => String::new(),
            };
            ctx.change(
                &Path::root().key(section).key(&from),
                format!("renamed to `{to}`: {reason}{consequence}"),
            );
        }
    }
}

fn top_level_keys(ctx: &mut Context<'_>, file: &ComposeFile) {
    for key in file.other.keys() {
        let path = Path::root().key(key);
        match key.as_str() {
            "version" => ctx.ignore(&path, "obsolete in the Compose Specification"),
            key if key.starts_with("x-") => {
                ctx.ignore(&path, "an extension; import ignores extensions");
            }
            _ => ctx.lose(&path, format!("stack.toml has no `{key}` section")),
        }
    }
    for (name, secret) in &file.secrets {
        let path = Path::root().key("secrets").key(name);
        ctx.lose_other(&path, &secret.other);
        ctx.lose(&path, "stack.toml has no secrets; services get their values as `${VAR}` environment variables");
    }
    for (name, config) in &file.configs {
        let path = Path::root().key("configs").key(name);
        ctx.lose_other(&path, &config.other);
        if config.content.is_some() || config.environment.is_some() {
            ctx.lose(
                &path,
                "stack.toml ships configs only from files beside the stack file",
            );
        }
    }
}

/// The stack name: the Compose project name, else (as Compose does) the
/// name of the Compose file's folder.
fn stack_name(ctx: &mut Context<'_>, file: &ComposeFile) -> String {
    let path = Path::root().key("name");
    let written = file
        .name
        .as_ref()
        .and_then(|name| ctx.literal(&path, name, "project name"));
    let (wanted, from_folder) = match written {
        Some(name) => (name, false),
        None => (
            std::fs::canonicalize(&ctx.compose_dir)
                .ok()
                .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "stack".to_owned()),
            true,
        ),
    };
    let name = dns_label(&wanted, Namespace::Service);
    if from_folder {
        ctx.change(
            &path,
            format!("not set: the stack is named `{name}` after the Compose file's folder, as Compose names the project"),
        );
    } else if name != wanted {
        ctx.change(
            &path,
            format!("renamed to `{name}`: stack names are DNS labels"),
        );
    }
    name
}

/// Writes each service's `depends-on`, checking that every target exists
/// and that a `healthy` condition has a health check to wait for.
fn resolve_dependencies(
    ctx: &mut Context<'_>,
    converted: &mut [(String, Converted)],
    file: &ComposeFile,
) {
    let with_healthcheck: Vec<String> = converted
        .iter()
        .filter(|(_, s)| s.table.contains_key("healthcheck"))
        .map(|(name, _)| name.clone())
        .collect();
    let known: Vec<String> = file.services.keys().cloned().collect();
    for (_, service) in converted.iter_mut() {
        let mut entries: Vec<(String, &'static str)> = Vec::new();
        for dependency in &service.dependencies {
            let Some(target) = ctx.names.get(Namespace::Service, &dependency.target) else {
                ctx.error(
                    &dependency.path,
                    ErrorKind::DanglingReference {
                        what: "service",
                        name: dependency.target.clone(),
                        suggestion: crate::load::closest(&dependency.target, &known),
                    },
                );
                continue;
            };
            let target = target.to_owned();
            let mut condition = dependency.condition;
            if condition == "healthy" && !with_healthcheck.contains(&dependency.target) {
                ctx.change(
                    &dependency.path,
                    format!("waits for `{target}` to start, not to be healthy: it has no health check in the file (its image may have one, which stack.toml cannot see); add a `healthcheck` to `{target}` and write `healthy` again"),
                );
                condition = "started";
            }
            if !entries.iter().any(|(t, _)| *t == target) {
                entries.push((target, condition));
            }
        }
        if entries.is_empty() {
            continue;
        }
        let item = if entries.iter().all(|(_, c)| *c == "started") {
            let names: Array = entries
                .iter()
                .map(|(t, _)| Value::from(t.as_str()))
                .collect();
            value(names)
        } else {
            let mut table = InlineTable::new();
            for (target, condition) in &entries {
                table.insert(target, Value::from(*condition));
            }
            value(table)
        };
        insert_before(
            &mut service.table,
            "depends-on",
            item,
            &["metrics", "hostname", "user", "working-dir"],
        );
    }
}

/// Inserts `key` before the first of `before` the table has, else at the end
/// of its plain values.
fn insert_before(table: &mut Table, key: &str, item: Item, before: &[&str]) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    let at = keys
        .iter()
        .position(|k| before.contains(&k.as_str()) || matches!(table.get(k), Some(Item::Table(_))))
        .unwrap_or(keys.len());
    let mut rest: Vec<(String, Item)> = keys[at..]
        .iter()
        .filter_map(|k| table.remove(k).map(|item| (k.clone(), item)))
        .collect();
    table.insert(key, item);
    for (k, item) in rest.drain(..) {
        table.insert(&k, item);
    }
}

fn volumes(ctx: &mut Context<'_>, file: &ComposeFile, converted: &[(String, Converted)]) -> Table {
    let mut table = Table::new();
    table.set_implicit(true);
    for (compose_name, volume) in &file.volumes {
        let name = ctx
            .names
            .get(Namespace::Volume, compose_name)
            .unwrap_or(compose_name)
            .to_owned();
        let path = Path::root().key("volumes").key(compose_name);
        let mut entry = Table::new();
        if let Some(volume) = volume {
            ctx.lose_other(&path, &volume.other);
            if let Some(driver) = &volume.driver {
                entry.insert("driver", value(ctx.text(&path.key("driver"), driver)));
            }
            if let Some(labels) = &volume.labels {
                let mut values = InlineTable::new();
                for (key, label) in labels.entries() {
                    let text = label
                        .as_ref()
                        .map(|l| ctx.scalar_text(&path.key("labels").key(&key), l))
                        .unwrap_or_default();
                    values.insert(&key, Value::from(text));
                }
                if !values.is_empty() {
                    entry.insert("labels", value(values));
                }
            }
        }
        table.insert(&name, Item::Table(entry));
    }
    for (_, service) in converted {
        for (name, _) in &service.made_volumes {
            table.insert(name, Item::Table(Table::new()));
        }
    }
    table
}

fn networks(ctx: &mut Context<'_>, file: &ComposeFile, converted: &[(String, Converted)]) -> Table {
    let mut table = Table::new();
    table.set_implicit(true);
    let default_needed = !file.networks.is_empty()
        && !file.networks.contains_key("default")
        && converted.iter().any(|(_, s)| s.uses_default_network);
    if default_needed {
        // Compose's implicit network; first, so services that name no
        // network join it in stack.toml too.
        let mut entry = Table::new();
        entry
            .decor_mut()
            .set_prefix("\n# Compose's implicit network, for the services that name none\n");
        table.insert("default", Item::Table(entry));
    }
    for (compose_name, network) in &file.networks {
        let name = ctx
            .names
            .get(Namespace::Network, compose_name)
            .unwrap_or(compose_name)
            .to_owned();
        let path = Path::root().key("networks").key(compose_name);
        let mut entry = Table::new();
        if let Some(network) = network {
            ctx.lose_other(&path, &network.other);
            if let Some(driver) = &network.driver {
                entry.insert("driver", value(ctx.text(&path.key("driver"), driver)));
            }
            if network.internal.as_ref().and_then(Scalar::as_bool) == Some(true) {
                entry.insert("internal", value(true));
            }
        }
        table.insert(&name, Item::Table(entry));
    }
    table
}

/// The comment block at the top of the file: where it came from, how to
/// use it, and the report.
fn header(ctx: &Context<'_>, source: &str, scraped: bool) -> String {
    let mut lines = vec![
        format!(
            "stack.toml imported by `stackgen import` from {}.",
            plain(source)
        ),
        "Check it with `stackgen validate`, then render the bundle with `stackgen render`."
            .to_owned(),
    ];
    if !ctx.dotenv.is_empty() {
        lines.push(
            "Literal secrets and variable defaults are `${NAME}` references here; their values are in .env beside this file.".to_owned(),
        );
    }
    if scraped {
        lines.push(
            "Services with `metrics` are scraped once the stack has a [prometheus] section."
                .to_owned(),
        );
    }
    let report = ctx.report.lines();
    if report.is_empty() {
        lines.push("Everything in the Compose file carried over as written.".to_owned());
    } else {
        lines.push(String::new());
        lines.extend(report);
    }
    let mut out = String::new();
    for line in lines {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
