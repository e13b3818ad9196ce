//! Health checks: at most one form (none keeps the image's own test, with
//! the timing the check sets), nothing empty, a port for `http`, and
//! `port` and `http-tool` only with `http`.

use std::collections::HashSet;

use super::Checker;
use crate::config::{DependsCondition, Healthcheck};
use crate::error::ErrorKind;
use crate::load::pointer;

/// Checks every service's health check.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    // The services another one waits for until they are healthy.
    let awaited: HashSet<&str> = stack
        .services
        .values()
        .flat_map(|service| service.depends_on.entries())
        .filter(|(_, condition)| *condition == DependsCondition::Healthy)
        .map(|(target, _)| target)
        .collect();
    for (name, service) in &stack.services {
        let Some(check) = &service.healthcheck else {
            continue;
        };
        let at = pointer(["services", name, "healthcheck"]);
        let forms = forms(check);
        // Blank as the shell reads it: ASCII spaces, tabs and newlines only
        // (`sh` takes U+2028 for a word).
        let blank = |text: &str| text.trim_ascii().is_empty();
        // What an empty check's help may propose: `http` only with a port
        // to probe, removing the check only when no service waits for it.
        let can_probe =
            check.port.is_some_and(|port| port != 0) || service.primary_port().is_some();
        let needed = awaited.contains(name.as_str());
        let empty = |what: String| ErrorKind::HealthcheckEmpty {
            what,
            can_probe,
            needed,
        };
        let http_only_keys = [
            ("port", check.port.is_some()),
            ("http-tool", check.http_tool.is_some()),
        ];
        if check.http.is_none() {
            for (key, _) in http_only_keys.iter().filter(|(_, set)| *set) {
                checker.error(
                    &format!("{at}/{key}"),
                    ErrorKind::HealthcheckHttpOnly {
                        key,
                        form: forms.first().copied(),
                        can_probe,
                        has_timing: check.has_timing(),
                    },
                );
            }
        }
        match forms.as_slice() {
            // Only the timing: the image's own HEALTHCHECK runs with it.
            [] if check.has_timing() => {}
            // `port` or `http-tool` alone: reported above, as unused.
            [] if http_only_keys.iter().any(|(_, set)| *set) => {}
            [] => checker.error(
                &at,
                empty(
                    "sets nothing: none of `command`, `shell` and `http`, nor a timing".to_owned(),
                ),
            ),
            [_] => {}
            _ => {
                // The help names only the forms the other checks would take:
                // not an empty one, nor `http` without a port to probe.
                let keep = forms
                    .iter()
                    .copied()
                    .filter(|form| match *form {
                        "command" => check
                            .command
                            .as_ref()
                            .and_then(|command| command.first())
                            .is_some_and(|program| !blank(program)),
                        "shell" => check.shell.as_deref().is_some_and(|shell| !blank(shell)),
                        _ => can_probe && check.http.as_deref().is_some_and(|http| !blank(http)),
                    })
                    .collect();
                checker.error(
                    &at,
                    ErrorKind::HealthcheckForms {
                        forms: and_list(&forms),
                        keep,
                    },
                );
            }
        }
        if let Some(command) = &check.command
            && command.first().is_none_or(|program| blank(program))
        {
            let what = if command.is_empty() {
                "has an empty `command`"
            } else {
                "has an empty program in `command`"
            };
            checker.error(&format!("{at}/command"), empty(what.to_owned()));
        }
        for (key, value) in [("shell", &check.shell), ("http", &check.http)] {
            if value.as_deref().is_some_and(blank) {
                checker.error(
                    &format!("{at}/{key}"),
                    empty(format!("has an empty `{key}`")),
                );
            }
        }
        if check.port == Some(0) {
            checker.error(
                &format!("{at}/port"),
                ErrorKind::BadPort {
                    value: "0".to_owned(),
                    reason: "port 0 is not allowed".to_owned(),
                },
            );
        } else if check.http.is_some() && check.port.is_none() && service.primary_port().is_none() {
            checker.error(
                &format!("{at}/http"),
                ErrorKind::HealthcheckNoPort {
                    service: name.clone(),
                },
            );
        }
    }
}

/// The forms of `check` that are set, in the order they are documented.
/// `` `command`, `shell` and `http` ``.
fn and_list(forms: &[&str]) -> String {
    let listed: Vec<String> = forms.iter().map(|form| format!("`{form}`")).collect();
    match listed.split_last() {
        Some((last, first)) if !first.is_empty() => format!("{} and {last}", first.join(", ")),
        _ => listed.concat(),
    }
}

fn forms(check: &Healthcheck) -> Vec<&'static str> {
    [
        ("command", check.command.is_some()),
        ("shell", check.shell.is_some()),
        ("http", check.http.is_some()),
    ]
    .into_iter()
    .filter_map(|(form, set)| set.then_some(form))
    .collect()
}
