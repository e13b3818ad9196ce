//! `deploy` (and the older `scale`, `cpus`, `mem_limit`, `mem_reservation`
//! and `restart`) as stack.toml's `replicas`, `resources` and `restart`.

use toml_edit::{InlineTable, Value};

use super::context::Context;
use super::model::{Scalar, Service};
use super::path::Path;

/// The most replicas stack.toml runs of one service.
const MAX_REPLICAS: u64 = 1000;

/// What `deploy` and its older spellings give a service.
#[derive(Debug, Default)]
pub struct Deployed {
    /// Replicas, when more than one.
    pub replicas: Option<u64>,
    /// The `resources` table.
    pub resources: Option<InlineTable>,
    /// The restart policy.
    pub restart: Option<&'static str>,
}

/// The deployment of a service (`at` is `services.NAME`).
pub fn deployed(ctx: &mut Context<'_>, at: &Path, service: &Service) -> Deployed {
    let mut out = Deployed::default();
    let deploy = service.deploy.as_ref();
    let deploy_at = at.key("deploy");
    if let Some(deploy) = deploy {
        ctx.lose_other(&deploy_at, &deploy.other);
    }
    let replicas = deploy
        .and_then(|d| d.replicas.as_ref().map(|r| (deploy_at.key("replicas"), r)))
        .or_else(|| service.scale.as_ref().map(|s| (at.key("scale"), s)));
    if let Some((path, replicas)) = replicas {
        match ctx.number(&path, replicas, "replica count") {
            Some(0) => ctx.lose(&path, "stack.toml runs at least one container of a service"),
            Some(n) if n > MAX_REPLICAS => {
                ctx.lose(
                    &path,
                    format!("stack.toml runs at most {MAX_REPLICAS} replicas"),
                );
            }
            Some(1) | None => {}
            Some(n) => out.replicas = Some(n),
        }
    }
    out.resources = resources(ctx, at, service);
    out.restart = restart(ctx, at, service);
    out
}

fn resources(ctx: &mut Context<'_>, at: &Path, service: &Service) -> Option<InlineTable> {
    let resources_at = at.key("deploy").key("resources");
    let resources = service.deploy.as_ref().and_then(|d| d.resources.as_ref());
    if let Some(resources) = resources {
        ctx.lose_other(&resources_at, &resources.other);
    }
    let limits = resources.and_then(|r| r.limits.as_ref());
    let reservations = resources.and_then(|r| r.reservations.as_ref());
    for (name, values) in [("limits", limits), ("reservations", reservations)] {
        if let Some(values) = values {
            ctx.lose_other(&resources_at.key(name), &values.other);
        }
    }
    let mut table = InlineTable::new();
    let cpus = limits
        .and_then(|l| {
            l.cpus
                .as_ref()
                .map(|c| (resources_at.key("limits").key("cpus"), c))
        })
        .or_else(|| service.cpus.as_ref().map(|c| (at.key("cpus"), c)));
    if let Some(cpus) = cpus.and_then(|(path, value)| self::cpus(ctx, &path, value)) {
        table.insert("cpus", Value::from(cpus));
    }
    let memory = limits
        .and_then(|l| {
            l.memory
                .as_ref()
                .map(|m| (resources_at.key("limits").key("memory"), m))
        })
        .or_else(|| service.mem_limit.as_ref().map(|m| (at.key("mem_limit"), m)));
    if let Some(memory) = memory.and_then(|(path, value)| self::memory(ctx, &path, value)) {
        table.insert("memory", Value::from(memory));
    }
    let mut reserved = InlineTable::new();
    if let Some(cpus) = reservations
        .and_then(|r| r.cpus.as_ref())
        .and_then(|c| self::cpus(ctx, &resources_at.key("reservations").key("cpus"), c))
    {
        reserved.insert("cpus", Value::from(cpus));
    }
    let reserved_memory = reservations
        .and_then(|r| {
            r.memory
                .as_ref()
                .map(|m| (resources_at.key("reservations").key("memory"), m))
        })
        .or_else(|| {
            service
                .mem_reservation
                .as_ref()
                .map(|m| (at.key("mem_reservation"), m))
        });
    if let Some(memory) = reserved_memory.and_then(|(path, value)| self::memory(ctx, &path, value))
    {
        reserved.insert("memory", Value::from(memory));
    }
    if !reserved.is_empty() {
        table.insert("reservations", Value::InlineTable(reserved));
    }
    (!table.is_empty()).then_some(table)
}

/// CPU cores, 0.01 to 1024.
fn cpus(ctx: &mut Context<'_>, path: &Path, value: &Scalar) -> Option<f64> {
    let number = match value {
        Scalar::Int(n) => i32::try_from(*n).ok().map(f64::from),
        Scalar::Float(f) => Some(*f),
        Scalar::Text(text) => ctx.literal(path, text, "CPU count")?.trim().parse().ok(),
        Scalar::Bool(_) => None,
    };
    match number {
        Some(n) if (0.01..=1024.0).contains(&n) => Some(n),
        Some(0.0) => {
            ctx.lose(
                path,
                "0 means no limit in Compose; stack.toml leaves the limit out instead",
            );
            None
        }
        _ => {
            ctx.lose(path, "stack.toml takes 0.01 to 1024 CPUs");
            None
        }
    }
}

/// A memory size in stack.toml's notation (`512M`, `1.5G`, `1073741824`).
fn memory(ctx: &mut Context<'_>, path: &Path, value: &Scalar) -> Option<String> {
    let text = match value {
        Scalar::Int(n) if *n >= 0 => n.to_string(),
        Scalar::Text(text) => ctx.literal(path, text, "size")?,
        _ => {
            ctx.lose(path, "not a size");
            return None;
        }
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if is_size(&compact) {
        Some(compact)
    } else {
        ctx.lose(path, "not a size stack.toml reads (`512M`, `2G`)");
        None
    }
}

/// Whether `text` is a size stack.toml reads ([`crate::syntax::ByteSize`]).
fn is_size(text: &str) -> bool {
    crate::syntax::ByteSize::parse(text).is_ok()
}

fn restart(ctx: &mut Context<'_>, at: &Path, service: &Service) -> Option<&'static str> {
    let policy = service
        .deploy
        .as_ref()
        .and_then(|d| d.restart_policy.as_ref());
    let policy_at = at.key("deploy").key("restart_policy");
    if let Some(policy) = policy {
        ctx.lose_other(&policy_at, &policy.other);
    }
    if let Some(restart) = &service.restart {
        let path = at.key("restart");
        let text = ctx.literal(&path, restart, "restart policy")?;
        return match text.as_str() {
            "no" => Some("no"),
            "always" => Some("always"),
            "unless-stopped" => Some("unless-stopped"),
            "on-failure" => Some("on-failure"),
            other if other.starts_with("on-failure:") => {
                ctx.lose(
                    &path,
                    "stack.toml's `on-failure` has no retry count: it restarts without a limit",
                );
                Some("on-failure")
            }
            _ => {
                ctx.lose(&path, "not a restart policy");
                None
            }
        };
    }
    let condition = policy?.condition.as_deref()?;
    match condition {
        "none" => Some("no"),
        "on-failure" => Some("on-failure"),
        "any" => Some("always"),
        _ => {
            ctx.lose(&policy_at.key("condition"), "not a restart condition");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_size;

    #[test]
    fn sizes_as_stack_toml_reads_them() {
        for size in ["512M", "1gb", "1.5G", "1073741824", "2GiB", "100k"] {
            assert!(is_size(size), "{size}");
        }
        for bad in ["", "M", "1.G", "1p", "lots", "1,5G"] {
            assert!(!is_size(bad), "{bad}");
        }
    }
}
