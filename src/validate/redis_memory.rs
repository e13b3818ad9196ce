//! Warns about a monitored Redis without `maxmemory`: `RedisOutOfMemory`
//! compares memory use with `maxmemory`, which is 0 (no limit) unless the
//! command line sets it, and Redis then grows until the kernel or the
//! container's memory limit stops it. A command that names a configuration
//! file (`redis.conf`) may set it there, so it is not warned about.

use super::Checker;
use crate::config::{ByteSize, Service, ServiceKind};
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::plan::Plan;
use crate::plan::alerts::AlertOrigin;

/// The built-in alert that needs `maxmemory`.
const RULE: &str = "RedisOutOfMemory";

/// Warns once per Redis service that gets `RedisOutOfMemory` from the
/// library but runs without `maxmemory`.
pub fn check(checker: &mut Checker<'_>, plan: &Plan) {
    let mut warned: Vec<&str> = Vec::new();
    for alert in plan.alerts.iter().filter(|a| a.name == RULE) {
        let AlertOrigin::Library { members } = &alert.origin else {
            continue;
        };
        for member in members.iter() {
            let name = member.service.as_str();
            let Some(service) = plan.stack.services.get(name) else {
                continue;
            };
            if service.kind != ServiceKind::Redis
                || sets_maxmemory(service)
                || warned.contains(&name)
            {
                continue;
            }
            warned.push(name);
            let kind = ErrorKind::RedisMaxmemoryUnset {
                service: name.to_owned(),
                suggestion: suggestion(service.resources.as_ref().and_then(|r| r.memory.as_ref())),
            };
            let at = if service.command.is_some() {
                pointer(["services", name, "command"])
            } else {
                pointer(["services", name])
            };
            checker.warn(&at, kind);
        }
    }
}

/// Whether the command sets `maxmemory`, or names a configuration file that may.
fn sets_maxmemory(service: &Service) -> bool {
    service.command.iter().flatten().any(|argument| {
        argument.to_ascii_lowercase().contains("maxmemory")
            || std::path::Path::new(argument)
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("conf"))
    })
}

/// Three quarters of the container's memory limit, in whole mebibytes, as
/// Redis writes sizes (`384mb`); `256mb` without a limit.
fn suggestion(memory: Option<&ByteSize>) -> String {
    let mebibytes = memory
        .map(ByteSize::bytes)
        .map_or(256, |bytes| (bytes / 4 * 3 / (1024 * 1024)).max(1));
    format!("{mebibytes}mb")
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;

    const STACK: &str = r#"
[stack]
name = "shop"

[services.cache]
image = "redis:7"
kind = "redis"
expose = [6379]
resources = { memory = "512M" }
exporter = true

[prometheus]
"#;

    /// The warnings about `maxmemory` of `text`, with the text under their span.
    fn warnings(text: &str) -> Vec<(ErrorKind, String)> {
        crate::validate::plan_diagnostics(text, "stackgen::alerts::redis-maxmemory")
    }

    #[test]
    fn a_monitored_redis_without_maxmemory_is_warned_about_with_a_size() {
        let found = warnings(STACK);
        assert_eq!(
            found,
            [(
                ErrorKind::RedisMaxmemoryUnset {
                    service: "cache".to_owned(),
                    suggestion: "384mb".to_owned(),
                },
                "[services.cache]".to_owned()
            )]
        );
        assert!(found[0].0.help().contains("\"--maxmemory\", \"384mb\""));
        let with_command = STACK.replace(
            "exporter = true",
            "exporter = true\ncommand = [\"redis-server\", \"--appendonly\", \"yes\"]",
        );
        assert_eq!(
            warnings(&with_command)[0].1,
            r#"["redis-server", "--appendonly", "yes"]"#
        );
    }

    #[test]
    fn maxmemory_a_config_file_or_no_rule_is_not_warned_about() {
        for quiet in [
            STACK.replace("exporter = true", "exporter = true\ncommand = [\"redis-server\", \"--maxmemory\", \"384mb\"]"),
            STACK.replace("exporter = true", "exporter = true\ncommand = [\"redis-server\", \"/usr/local/etc/redis/redis.conf\"]"),
            STACK.replace("exporter = true", "exporter = true\nalerts = { disable = [\"RedisOutOfMemory\"] }"),
            STACK.replace("exporter = true", "exporter = true\nalerts = { enabled = false }"),
            STACK.replace("\n[prometheus]\n", "\n"),
        ] {
            assert_eq!(warnings(&quiet), [], "{quiet}");
        }
    }
}
