//! `healthcheck` as stack.toml's `healthcheck`.
//!
//! `CMD-SHELL` (or a test written as one string) becomes `shell`, `CMD`
//! becomes `command`, and a check that only fetches a URL of the container
//! itself (`curl -f http://localhost:8080/health`, `wget --spider -q ...`)
//! becomes stackgen's `http` check on that port and path, with the same tool.
//! Go durations become stack.toml durations.

use toml_edit::{InlineTable, Value};

use super::context::Context;
use super::durations::{self, Problem};
use super::model::{Command, Healthcheck, Scalar};
use super::path::Path;

/// An HTTP check found in a test.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HttpCheck {
    tool: &'static str,
    port: u16,
    path: String,
}

/// The `healthcheck` table (`at` is `services.NAME.healthcheck`), or `None`
/// when nothing of it carries over.
pub fn healthcheck(ctx: &mut Context<'_>, at: &Path, check: &Healthcheck) -> Option<InlineTable> {
    ctx.lose_other(at, &check.other);
    if check.disable.as_ref().and_then(Scalar::as_bool) == Some(true) {
        ctx.lose(
            &at.key("disable"),
            "stack.toml cannot turn off the image's own health check",
        );
        return None;
    }
    let mut table = InlineTable::new();
    match &check.test {
        None => {
            ctx.lose(at, "a health check without `test` only changes the image's timing, which stack.toml cannot");
            return None;
        }
        Some(Command::Words(line)) => test_shell(ctx, &at.key("test"), line, &mut table),
        Some(Command::List(items)) => match items.split_first() {
            Some((first, [line])) if first == "CMD-SHELL" => {
                test_shell(ctx, &at.key("test"), line, &mut table);
            }
            Some((first, args)) if first == "CMD" && !args.is_empty() => {
                if let Some(http) = http_check(args) {
                    http_fields(ctx, &at.key("test"), &http, &mut table);
                } else {
                    let args: Vec<Value> = args
                        .iter()
                        .enumerate()
                        .map(|(position, arg)| {
                            Value::from(ctx.text(&at.key("test").index(position + 1), arg))
                        })
                        .collect();
                    table.insert("command", Value::Array(args.into_iter().collect()));
                }
            }
            Some((first, [])) if first == "NONE" => {
                ctx.lose(
                    &at.key("test"),
                    "stack.toml cannot turn off the image's own health check",
                );
                return None;
            }
            _ => {
                ctx.lose(
                    &at.key("test"),
                    "not a test Compose runs (`CMD`, `CMD-SHELL` or `NONE` first)",
                );
                return None;
            }
        },
    }
    for (key, raw) in [
        ("interval", &check.interval),
        ("timeout", &check.timeout),
        ("start_period", &check.start_period),
    ] {
        let Some(raw) = raw else { continue };
        let path = at.key(key);
        let Some(text) = ctx.literal(&path, raw, "duration") else {
            continue;
        };
        match durations::convert(&text) {
            Ok(duration) => {
                table.insert(key.replace('_', "-").as_str(), Value::from(duration));
            }
            Err(Problem::SubMillisecond) => {
                ctx.lose(&path, "stack.toml durations count whole milliseconds");
            }
            Err(Problem::Invalid) => ctx.lose(&path, "not a duration"),
        }
    }
    if let Some(retries) = &check.retries {
        let path = at.key("retries");
        match ctx.number(&path, retries, "retry count") {
            Some(n @ 1..=100) => {
                table.insert("retries", Value::from(i64::try_from(n).unwrap_or(1)));
            }
            Some(_) => ctx.lose(&path, "stack.toml takes 1 to 100 retries"),
            None => {}
        }
    }
    Some(table)
}

fn test_shell(ctx: &mut Context<'_>, path: &Path, line: &str, table: &mut InlineTable) {
    let words = shlex::split(line.trim());
    let command = words.as_deref().map(strip_exit_one);
    if let Some(http) = command.and_then(http_check) {
        http_fields(ctx, path, &http, table);
    } else {
        table.insert("shell", Value::from(ctx.text(path, line)));
    }
}

fn http_fields(ctx: &mut Context<'_>, path: &Path, http: &HttpCheck, table: &mut InlineTable) {
    ctx.change(
        path,
        format!(
            "a fetch of the container's own URL: written as stackgen's `http` check on port {} with {}",
            http.port, http.tool
        ),
    );
    table.insert("http", Value::from(http.path.as_str()));
    table.insert("port", Value::from(i64::from(http.port)));
    if http.tool == "curl" {
        table.insert("http-tool", Value::from("curl"));
    }
}

/// A shell command without a trailing `|| exit 1` (which changes nothing a
/// health check sees).
fn strip_exit_one(words: &[String]) -> &[String] {
    match words {
        [rest @ .., or, exit, one] if or == "||" && exit == "exit" && one == "1" => rest,
        _ => words,
    }
}

/// The HTTP check `args` run, when they only fetch one URL of the container
/// with curl (failing on HTTP errors) or wget.
fn http_check(args: &[String]) -> Option<HttpCheck> {
    let (program, rest) = args.split_first()?;
    let tool = match program.rsplit('/').next()? {
        "curl" => "curl",
        "wget" => "wget",
        _ => return None,
    };
    let mut url = None;
    let mut fails_on_error = tool == "wget";
    let mut words = rest.iter();
    while let Some(word) = words.next() {
        let word = word.as_str();
        match (tool, word) {
            ("curl", "--fail" | "--fail-with-body") => fails_on_error = true,
            ("curl", "--silent" | "--show-error" | "--location" | "--head")
            | ("wget", "--spider" | "--quiet" | "--no-verbose" | "-nv") => {}
            ("curl", "-o" | "--output") => {
                if words.next().map(String::as_str) != Some("/dev/null") {
                    return None;
                }
            }
            ("curl", flags) if is_short_flags(flags, "fsSLI") => {
                fails_on_error |= flags.contains('f');
            }
            ("wget", "-O" | "--output-document") => {
                if !matches!(words.next().map(String::as_str), Some("-" | "/dev/null")) {
                    return None;
                }
            }
            ("wget", "-qO-" | "-qO" | "-O-" | "-qO/dev/null") => {
                if word == "-qO"
                    && !matches!(words.next().map(String::as_str), Some("-" | "/dev/null"))
                {
                    return None;
                }
            }
            ("wget", flags) if is_short_flags(flags, "q") => {}
            ("wget", option)
                if option.starts_with("--tries=")
                    || option.starts_with("--timeout=")
                    || option.starts_with("-T") => {}
            (_, candidate) if url.is_none() && !candidate.starts_with('-') => url = Some(candidate),
            _ => return None,
        }
    }
    if !fails_on_error {
        return None;
    }
    let (port, path) = local_url(url?)?;
    Some(HttpCheck { tool, port, path })
}

fn is_short_flags(word: &str, allowed: &str) -> bool {
    word.strip_prefix('-').is_some_and(|flags| {
        !flags.is_empty() && !flags.starts_with('-') && flags.chars().all(|c| allowed.contains(c))
    })
}

/// The port and path of a plain-HTTP URL of the container itself
/// (`http://localhost:8080/health`, `127.0.0.1:9200/_cluster/health`).
fn local_url(url: &str) -> Option<(u16, String)> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    if rest.contains("://") {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => (authority, 80),
    };
    if !matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "0.0.0.0") {
        return None;
    }
    let clean =
        path.chars().all(|c| c.is_ascii_graphic()) && !path.contains(['$', '`', '\'', '"', '\\']);
    clean.then(|| (port, path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        shlex::split(line).expect("words")
    }

    #[test]
    fn url_fetches_become_http_checks() {
        for (line, tool, port, path) in [
            (
                "curl -f http://localhost:8080/health",
                "curl",
                8080,
                "/health",
            ),
            (
                "curl --fail --silent localhost:9200/_cluster/health",
                "curl",
                9200,
                "/_cluster/health",
            ),
            ("curl -fsS -o /dev/null http://127.0.0.1/", "curl", 80, "/"),
            (
                "wget --spider -q http://localhost:3000/api/health?x=1",
                "wget",
                3000,
                "/api/health?x=1",
            ),
            (
                "wget -qO- http://localhost:9090/-/healthy",
                "wget",
                9090,
                "/-/healthy",
            ),
            (
                "wget --quiet --tries=1 --spider http://localhost:9090/-/healthy",
                "wget",
                9090,
                "/-/healthy",
            ),
        ] {
            let found = http_check(&words(line)).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(
                found,
                HttpCheck {
                    tool,
                    port,
                    path: path.to_owned()
                },
                "{line}"
            );
        }
    }

    #[test]
    fn other_commands_stay_commands() {
        for line in [
            "curl http://localhost:8080/health",
            "curl -f https://localhost/health",
            "curl -f http://example.com/health",
            "curl -f http://localhost:8080/a http://localhost:8080/b",
            "curl -f -X POST http://localhost/",
            "pg_isready -U postgres",
            "wget -O /tmp/x http://localhost/",
        ] {
            assert_eq!(http_check(&words(line)), None, "{line}");
        }
        assert_eq!(
            strip_exit_one(&words("curl -f http://localhost/ || exit 1")),
            &words("curl -f http://localhost/")[..]
        );
    }
}
