//! `[ingress]`: routes point at services with a port, rate-limit zones exist,
//! TLS files are readable PEM, and every value that lands in nginx.conf is
//! one nginx reads as a single plain token.
//!
//! The predicates here are public because the nginx renderer applies them
//! again before it emits anything: validation explains, rendering refuses.

use std::collections::HashMap;

use super::Checker;
use super::logs::GENERATED as GENERATED_BY_LOGS;
use super::names::reserved_service_owner;
use super::tls;
use crate::config::{Balance, Ingress};
use crate::error::{Diagnostic, ErrorKind, ROUTE_PATH, ROUTE_PATH_ON_HOST};
use crate::load::{Section, closest, pointer};
use crate::plan::web_root::{ROUTABLE, routable};
use crate::syntax::check_dns_label;
use crate::syntax::nginx::bundle_file_name;
use crate::syntax::route::{ROUTE_HOST_FIX, ROUTE_PATH_FIX, RouteHost};

/// The largest TLS file read, in bytes (a certificate chain is a few KiB).
const MAX_TLS_FILE_BYTES: u64 = 1024 * 1024;

/// Checks the values, balancing and TLS files of `[ingress]`.
pub fn check(checker: &mut Checker<'_>) {
    let Some(ingress) = checker.stack.ingress.as_ref() else {
        return;
    };
    check_values(checker, ingress);
    check_route_values(checker, ingress);
    check_balance(checker, ingress);
    check_tls(checker, ingress);
}

/// Each route leads to a service with a port.
pub fn check_routes(checker: &mut Checker<'_>) {
    let Some(ingress) = checker.stack.ingress.as_ref() else {
        return;
    };
    let stack = checker.stack;
    let services = checker.defined_names(Section::Services);
    for (position, route) in ingress.routes.iter().enumerate() {
        let at = pointer(["ingress", "routes", &position.to_string(), "service"]);
        match stack.services.get(&route.service) {
            None => check_generated_target(checker, ingress, position, &services),
            Some(service) => {
                if route.port.or_else(|| service.primary_port()).is_none() {
                    checker.error(
                        &at,
                        ErrorKind::MissingPort {
                            service: route.service.clone(),
                            purpose: "the ingress route (`port`)".to_owned(),
                        },
                    );
                }
                if !service.profiles.is_empty() {
                    checker.warn(
                        &at,
                        ErrorKind::RouteToProfiledService {
                            service: route.service.clone(),
                            profiles: service
                                .profiles
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                        },
                    );
                }
            }
        }
    }
}

fn check_values(checker: &mut Checker<'_>, ingress: &Ingress) {
    for (position, name) in ingress.server_names.iter().enumerate() {
        if let Err(reason) = name.form() {
            checker.error(
                &pointer(["ingress", "server-names", &position.to_string()]),
                invalid(
                    name.as_str(),
                    reason.to_owned(),
                    "write a host name such as `example.com` or `*.example.com`",
                ),
            );
        }
    }
    for (position, address) in ingress.status_allow.iter().enumerate() {
        if address.canonical().is_none() {
            checker.error(
                &pointer(["ingress", "status-allow", &position.to_string()]),
                invalid(
                    address.as_str(),
                    "not an IP address or CIDR block".to_owned(),
                    "write an address such as `10.0.0.5` or a block such as `172.16.0.0/12`",
                ),
            );
        }
    }
    for (name, limit) in &ingress.rate_limits {
        if let Some(reason) = check_dns_label(name) {
            checker.error_at_key(
                &pointer(["ingress", "rate-limits", name]),
                ErrorKind::UnsafeName {
                    what: "rate-limit zone",
                    name: name.clone(),
                    reason,
                },
            );
        }
        if limit.rate.rate().is_none() {
            checker.error(
                &pointer(["ingress", "rate-limits", name, "rate"]),
                invalid(
                    limit.rate.as_str(),
                    "not a request rate".to_owned(),
                    "write requests per second or minute, such as `10r/s` or `300r/m`",
                ),
            );
        }
    }
}

/// Routes to the same service and port share one upstream, so they
/// cannot ask for different load-balancing methods.
fn check_balance(checker: &mut Checker<'_>, ingress: &Ingress) {
    // (service, port, the service's first port when the route names none) ->
    // the first balance asked for, and by which route.
    let mut first: Vec<(Upstream<'_>, Balance, usize)> = Vec::new();
    for (position, route) in ingress.routes.iter().enumerate() {
        let Some(balance) = route.balance else {
            continue;
        };
        let port = route.port.or_else(|| {
            checker
                .stack
                .services
                .get(&route.service)
                .and_then(crate::config::Service::primary_port)
        });
        let key = (route.service.as_str(), port);
        match first.iter().find(|(seen, _, _)| *seen == key) {
            Some((_, earlier, earlier_position)) if *earlier != balance => {
                let at = pointer(["ingress", "routes", &position.to_string(), "balance"]);
                let value = checker.spans.value(&at);
                let earlier_at = checker.spans.value(&pointer([
                    "ingress",
                    "routes",
                    &earlier_position.to_string(),
                    "balance",
                ]));
                checker.push(
                    Diagnostic::error(
                        ErrorKind::InvalidValue {
                            value: balance_name(balance).to_owned(),
                            reason: format!(
                                "an earlier route to `{}` asks for `{}`, and both share one upstream",
                                route.service,
                                balance_name(*earlier)
                            ),
                            fix: "give every route to this service the same `balance`, or set it on one route only".to_owned(),
                        },
                        value,
                    )
                    .with_related(earlier_at.span, "the upstream's balance is set here"),
                );
            }
            Some(_) => {}
            None => first.push((key, balance, position)),
        }
    }
}

/// A routed service and the port a route to it uses.
type Upstream<'a> = (&'a str, Option<u16>);

fn balance_name(balance: Balance) -> &'static str {
    match balance {
        Balance::RoundRobin => "round-robin",
        Balance::LeastConn => "least-conn",
        Balance::IpHash => "ip-hash",
    }
}

/// Route paths, rate-limit zones and timeouts.
fn check_route_values(checker: &mut Checker<'_>, ingress: &Ingress) {
    let zones: Vec<String> = ingress.rate_limits.keys().cloned().collect();
    let mut seen_paths: HashMap<(Option<String>, &str), usize> = HashMap::new();
    for (position, route) in ingress.routes.iter().enumerate() {
        let index = position.to_string();
        let at = |field: &str| pointer(["ingress", "routes", &index, field]);
        if let Some(host) = &route.host {
            check_route_host(checker, ingress, position, host);
        }
        let host = route
            .host
            .as_ref()
            .map(|host| host.as_str().to_ascii_lowercase());
        if let Err(reason) = route.path.prefix() {
            checker.error(
                &at("path"),
                invalid(route.path.as_str(), reason.to_owned(), ROUTE_PATH_FIX),
            );
        } else if seen_paths
            .insert((host.clone(), route.path.as_str()), position)
            .is_some()
        {
            checker.error(
                &at("path"),
                ErrorKind::DuplicateName {
                    what: if host.is_some() {
                        ROUTE_PATH_ON_HOST
                    } else {
                        ROUTE_PATH
                    },
                    name: route.path.as_str().to_owned(),
                },
            );
        }
        if let Some(auth) = &route.auth {
            check_user_file(checker, ingress, position, &auth.basic_file);
        }
        if let Some(zone) = &route.rate_limit {
            if !ingress.rate_limits.contains_key(zone) {
                checker.error(
                    &at("rate-limit"),
                    ErrorKind::DanglingReference {
                        what: "rate-limit zone",
                        suggestion: closest(zone, &zones),
                        name: zone.clone(),
                    },
                );
            }
        }
        if let Some(timeout) = &route.read_timeout {
            if timeout.millis() == 0 {
                checker.error(
                    &at("read-timeout"),
                    ErrorKind::BadDuration {
                        value: timeout.as_str().to_owned(),
                    },
                );
            }
        }
    }
}

/// A route's own host: one host name, not one of the `server-names` (the
/// main server answers those), and named by the TLS certificate when the
/// proxy terminates TLS.
fn check_route_host(
    checker: &mut Checker<'_>,
    ingress: &Ingress,
    position: usize,
    route_host: &RouteHost,
) {
    let at = pointer(["ingress", "routes", &position.to_string(), "host"]);
    let host = route_host.as_str();
    if let Err(reason) = route_host.name() {
        checker.error(&at, invalid(host, reason.to_owned(), ROUTE_HOST_FIX));
        return;
    }
    if ingress
        .server_names
        .iter()
        .any(|name| name.as_str().eq_ignore_ascii_case(host))
    {
        checker.error(
            &at,
            ErrorKind::InvalidValue {
                value: format!("`{host}`"),
                reason: "it is one of `[ingress] server-names`, which the main server answers"
                    .to_owned(),
                fix: "remove `host`: the route is then served on the server names".to_owned(),
            },
        );
        return;
    }
    let Some(certificate) = ingress
        .tls
        .as_ref()
        .and_then(|tls| checker.inputs.file(&tls.certificate))
    else {
        return;
    };
    if let Some(names) = tls::certificate_dns_names(&certificate.contents) {
        if !names.iter().any(|name| tls::name_covers(name, host)) {
            checker.warn(
                &at,
                ErrorKind::HostNotInCertificate {
                    host: host.to_owned(),
                    names: if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    },
                },
            );
        }
    }
}

/// A route to a name that is no `[services]` entry: the generated Grafana,
/// Prometheus or Alertmanager when the stack has their section, else a
/// service the stack would have to define.
fn check_generated_target(
    checker: &mut Checker<'_>,
    ingress: &Ingress,
    position: usize,
    services: &[String],
) {
    let stack = checker.stack;
    let route = &ingress.routes[position];
    let index = position.to_string();
    let at = |field: &str| pointer(["ingress", "routes", &index, field]);
    let name = route.service.as_str();
    let Some(target) = routable(name) else {
        let owner = reserved_service_owner(name).map(str::to_owned).or_else(|| {
            (stack.logs.is_some() && GENERATED_BY_LOGS.contains(&name)).then(|| "[logs]".to_owned())
        });
        if let Some(owner) = owner {
            checker.error(
                &at("service"),
                ErrorKind::InvalidValue {
                    value: format!("`{name}`"),
                    reason: format!("`{name}` is generated by {owner}, and routes cannot reach it"),
                    fix: "route to a `[services]` entry, or to the generated `grafana`, `prometheus` or `alertmanager`".to_owned(),
                },
            );
            return;
        }
        let mut candidates = services.to_vec();
        candidates.extend(
            ROUTABLE
                .iter()
                .filter(|r| r.generated_by(stack))
                .map(|r| r.name.to_owned()),
        );
        checker.error(
            &at("service"),
            ErrorKind::DanglingReference {
                what: "service",
                suggestion: closest(name, &candidates),
                name: name.to_owned(),
            },
        );
        return;
    };
    if !target.generated_by(stack) {
        checker.error(
            &at("service"),
            ErrorKind::MissingSection {
                feature: format!("the route to the generated `{name}`"),
                section: target.section.to_owned(),
            },
        );
        return;
    }
    if let Some(port) = route.port.filter(|port| *port != target.port) {
        checker.error(
            &at("port"),
            ErrorKind::InvalidValue {
                value: port.to_string(),
                reason: format!("the generated `{name}` listens on port {}", target.port),
                fix: "remove `port`".to_owned(),
            },
        );
    }
    if let Some(first) = ingress.routes[..position]
        .iter()
        .find(|earlier| earlier.service == name)
    {
        checker.error(
            &at("service"),
            ErrorKind::InvalidValue {
                value: format!("`{name}`"),
                reason: format!(
                    "an earlier route serves `{name}` at `{}`, and it has one external URL and route prefix",
                    first.path.as_str()
                ),
                fix: format!("keep one route to `{name}`"),
            },
        );
    }
}

/// An htpasswd file: a file name the bundle can hold (the same for every
/// route naming it: one copy per name), and `user:hash` lines with no
/// plain-text password. A file that could not be read is reported with the
/// other inputs.
fn check_user_file(checker: &mut Checker<'_>, ingress: &Ingress, position: usize, path: &str) {
    let at = pointer([
        "ingress",
        "routes",
        &position.to_string(),
        "auth",
        "basic-file",
    ]);
    let name = match bundle_file_name(path) {
        Ok(name) => name,
        Err(reason) => {
            checker.error(
                &at,
                invalid(path, reason, "name a file such as `auth/htpasswd`"),
            );
            return;
        }
    };
    let clash = ingress.routes[..position]
        .iter()
        .filter_map(|earlier| earlier.auth.as_ref())
        .find(|earlier| {
            earlier.basic_file != path && bundle_file_name(&earlier.basic_file) == Ok(name)
        });
    if let Some(earlier) = clash {
        checker.error(
            &at,
            invalid(
                path,
                format!(
                    "`{}` would be copied to `nginx/auth/{name}` too",
                    earlier.basic_file
                ),
                "give the htpasswd files different file names",
            ),
        );
        return;
    }
    let Some(file) = checker.inputs.file(path) else {
        return;
    };
    if let Some(reason) = htpasswd_problem(&file.contents) {
        checker.error(
            &at,
            invalid(
                path,
                reason,
                "write it with `htpasswd -B FILE USER` (bcrypt) or `openssl passwd -apr1`, one `user:hash` line per user",
            ),
        );
    }
}

/// Why `contents` is not an htpasswd file nginx reads with hashed passwords only.
fn htpasswd_problem(contents: &[u8]) -> Option<String> {
    let Ok(text) = std::str::from_utf8(contents) else {
        return Some("it is not text".to_owned());
    };
    let mut users = 0;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line_number = number + 1;
        let Some((user, hash)) = line.split_once(':') else {
            return Some(format!("line {line_number} is not `user:hash`"));
        };
        if user.is_empty() || hash.is_empty() {
            return Some(format!("line {line_number} is not `user:hash`"));
        }
        // The hash ends at the next `:` (nginx ignores a comment after it).
        let hash = hash.split(':').next().unwrap_or(hash);
        if hash.starts_with("{PLAIN}") {
            return Some(format!("line {line_number} holds a plain-text password"));
        }
        if !is_password_hash(hash) {
            return Some(format!(
                "line {line_number} holds no password hash nginx reads (`$apr1$`, `$2y$`, `$5$`, `$6$`, `{{SHA}}`, `{{SSHA}}`)"
            ));
        }
        users += 1;
    }
    (users == 0).then(|| "it names no user".to_owned())
}

/// A hash nginx checks a password against: its own MD5 (`$apr1$`), SHA-1
/// (`{SHA}`, `{SSHA}`), or what the system's `crypt()` reads (MD5 `$1$`,
/// bcrypt `$2a$`/`$2b$`/`$2y$`, SHA-256 `$5$`, SHA-512 `$6$`).
fn is_password_hash(hash: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "$apr1$", "$1$", "$2a$", "$2b$", "$2y$", "$5$", "$6$", "{SHA}", "{SSHA}",
    ];
    PREFIXES
        .iter()
        .any(|prefix| hash.len() > prefix.len() && hash.starts_with(prefix))
}

fn check_tls(checker: &mut Checker<'_>, ingress: &Ingress) {
    let Some(tls) = &ingress.tls else {
        return;
    };
    let files = [
        ("certificate", tls.certificate.as_str(), "certificate"),
        ("key", tls.key.as_str(), "private key"),
    ];
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut certificate_key = None;
    for (field, path, expected) in files {
        let at = pointer(["ingress", "tls", field]);
        let name = match bundle_file_name(path) {
            Ok(name) => name,
            Err(reason) => {
                checker.error(
                    &at,
                    invalid(path, reason, "name a file such as `certs/site.crt`"),
                );
                continue;
            }
        };
        if names.insert(name, field).is_some() {
            checker.error(
                &at,
                invalid(
                    path,
                    format!(
                        "the certificate and the key would both be copied to `nginx/certs/{name}`"
                    ),
                    "give the certificate and the key different file names",
                ),
            );
            continue;
        }
        // A file that could not be read is reported with the other inputs.
        let Some(file) = checker.inputs.file(path) else {
            continue;
        };
        if file.contents.len() as u64 > MAX_TLS_FILE_BYTES {
            checker.error(
                &at,
                ErrorKind::UnreadableFile {
                    path: path.to_owned(),
                    reason: format!("it is larger than {MAX_TLS_FILE_BYTES} bytes"),
                },
            );
            continue;
        }
        if field == "certificate" {
            certificate_key = tls::certificate_key(&file.contents);
            if certificate_key.is_none() {
                checker.error(&at, not_pem(path, expected));
            }
            continue;
        }
        match tls::private_key(&file.contents) {
            Err(tls::KeyProblem::NotPem) => checker.error(&at, not_pem(path, expected)),
            Err(tls::KeyProblem::Unusable(reason)) => checker.error(
                &at,
                ErrorKind::UnusableKey {
                    path: path.to_owned(),
                    reason,
                },
            ),
            Ok(key) => {
                if certificate_key.as_ref().is_some_and(|c| !c.same_as(&key)) {
                    checker.error(
                        &at,
                        ErrorKind::KeyMismatch {
                            path: path.to_owned(),
                            certificate: tls.certificate.clone(),
                        },
                    );
                }
            }
        }
    }
}

fn not_pem(path: &str, expected: &'static str) -> ErrorKind {
    ErrorKind::NotPem {
        path: path.to_owned(),
        expected,
    }
}

fn invalid(value: &str, reason: String, fix: &str) -> ErrorKind {
    ErrorKind::InvalidValue {
        value: format!("`{}`", value.escape_debug()),
        reason,
        fix: fix.to_owned(),
    }
}

#[cfg(test)]
mod tests;
