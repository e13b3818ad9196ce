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
use crate::error::{Diagnostic, ErrorKind};
use crate::load::{Section, closest, pointer};
use crate::plan::web_root::{ROUTABLE, routable};
use crate::syntax::check_dns_label;
use crate::syntax::nginx::{
    bundle_file_name, is_rate, parse_allow, route_path_problem, server_name_problem,
};

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
        if let Some(reason) = server_name_problem(name) {
            checker.error(
                &pointer(["ingress", "server-names", &position.to_string()]),
                invalid(
                    name,
                    reason,
                    "write a host name such as `example.com` or `*.example.com`",
                ),
            );
        }
    }
    for (position, address) in ingress.status_allow.iter().enumerate() {
        if parse_allow(address).is_none() {
            checker.error(
                &pointer(["ingress", "status-allow", &position.to_string()]),
                invalid(
                    address,
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
        if !is_rate(&limit.rate) {
            checker.error(
                &pointer(["ingress", "rate-limits", name, "rate"]),
                invalid(
                    &limit.rate,
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
    let mut seen_paths: HashMap<&str, usize> = HashMap::new();
    for (position, route) in ingress.routes.iter().enumerate() {
        let index = position.to_string();
        let at = |field: &str| pointer(["ingress", "routes", &index, field]);
        if let Some(reason) = route_path_problem(&route.path) {
            checker.error(
                &at("path"),
                invalid(
                    &route.path,
                    reason,
                    "write a URL path prefix such as `/api/`",
                ),
            );
        } else if seen_paths.insert(&route.path, position).is_some() {
            checker.error(
                &at("path"),
                ErrorKind::DuplicateName {
                    what: "route path",
                    name: route.path.clone(),
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
                    first.path
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
mod tests {

    const STACK: &str = r#"[stack]
name = "t"

[services.app]
image = "app:1"
replicas = 2
expose = [8000]

[services.tools]
image = "tools:1"
expose = [80]
profiles = ["tools"]

[services.bare]
image = "bare:1"

[ingress]
"#;

    /// (code, the source text the span covers, message) of every diagnostic.
    fn diagnostics(ingress: &str) -> Vec<(&'static str, String, String)> {
        let text = format!("{STACK}{ingress}");
        let loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        crate::validate::validate(&loaded)
            .into_iter()
            .map(|d| {
                (
                    d.kind.code(),
                    text[d.location.span.clone()].to_owned(),
                    format!("{}{}", if d.is_error() { "" } else { "warning: " }, d.kind),
                )
            })
            .collect()
    }

    fn one(code: &'static str, span: &str, message: &str) -> Vec<(&'static str, String, String)> {
        vec![(code, span.to_owned(), message.to_owned())]
    }

    #[test]
    fn a_valid_ingress_has_no_diagnostics() {
        let found = diagnostics(
            "server-names = [\"example.com\", \"*.example.org\", \"_\"]\nstatus-allow = [\"10.0.0.0/8\", \"::1\"]\n[ingress.rate-limits]\napi = { rate = \"5r/s\" }\n[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\nrate-limit = \"api\"\n[[ingress.routes]]\npath = \"/bare/\"\nservice = \"bare\"\nport = 3000\n",
        );
        assert_eq!(found, []);
    }

    #[test]
    fn routes_sharing_an_upstream_agree_on_balance() {
        let found = diagnostics(
            "[[ingress.routes]]\npath = \"/stream\"\nservice = \"app\"\nbalance = \"least-conn\"\n[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\nbalance = \"ip-hash\"\n[[ingress.routes]]\npath = \"/api\"\nservice = \"app\"\nbalance = \"least-conn\"\n",
        );
        assert_eq!(
            found,
            one(
                "stackgen::schema::value",
                "\"ip-hash\"",
                "invalid value ip-hash: an earlier route to `app` asks for `least-conn`, and both share one upstream"
            )
        );
    }

    #[test]
    fn a_route_naming_the_first_port_shares_the_upstream_of_one_naming_none() {
        let found = diagnostics(
            "[[ingress.routes]]\npath = \"/a/\"\nservice = \"app\"\nbalance = \"ip-hash\"\n[[ingress.routes]]\npath = \"/b/\"\nservice = \"app\"\nport = 8000\nbalance = \"least-conn\"\n",
        );
        assert_eq!(
            found,
            one(
                "stackgen::schema::value",
                "\"least-conn\"",
                "invalid value least-conn: an earlier route to `app` asks for `ip-hash`, and both share one upstream"
            )
        );
    }

    #[test]
    fn unknown_service_suggests_a_name() {
        assert_eq!(
            diagnostics("[[ingress.routes]]\npath = \"/\"\nservice = \"ap\"\n"),
            one(
                "stackgen::refs::dangling",
                "\"ap\"",
                "service `ap` does not exist"
            )
        );
    }

    #[test]
    fn service_without_port_is_reported() {
        assert_eq!(
            diagnostics("[[ingress.routes]]\npath = \"/\"\nservice = \"bare\"\n"),
            one(
                "stackgen::service::no-port",
                "\"bare\"",
                "service `bare` has no port for the ingress route (`port`)"
            )
        );
    }

    #[test]
    fn unknown_rate_limit_zone_is_reported() {
        let found = diagnostics(
            "[ingress.rate-limits]\napi = { rate = \"5r/s\" }\n[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\nrate-limit = \"apii\"\n",
        );
        assert_eq!(
            found,
            one(
                "stackgen::refs::dangling",
                "\"apii\"",
                "rate-limit zone `apii` does not exist"
            )
        );
    }

    #[test]
    fn duplicate_paths_point_at_the_second() {
        let text = "[[ingress.routes]]\npath = \"/x/\"\nservice = \"app\"\n[[ingress.routes]]\npath = \"/x/\"\nservice = \"app\"\n";
        let loaded = crate::load::load_str("stack.toml", &format!("{STACK}{text}")).expect("loads");
        let found = crate::validate::validate(&loaded);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind.code(), "stackgen::names::duplicate");
        let second = STACK.len() + text.rfind("\"/x/\"").expect("second path");
        assert_eq!(found[0].location.span, second..second + 5);
    }

    #[test]
    fn routes_to_profiled_services_warn() {
        assert_eq!(
            diagnostics("[[ingress.routes]]\npath = \"/\"\nservice = \"tools\"\n"),
            one(
                "stackgen::ingress::profiled-upstream",
                "\"tools\"",
                "warning: route target `tools` only runs with the profile(s) `tools`"
            )
        );
    }

    #[test]
    fn bad_values_are_reported_where_they_are() {
        let found = diagnostics(
            "server-names = [\"exa mple.com\", \"-bad.com\"]\nstatus-allow = [\"10.0.0.0/33\", \"localhost\"]\n[ingress.rate-limits]\nApi = { rate = \"5r/h\" }\n[[ingress.routes]]\npath = \"api\"\nservice = \"app\"\n",
        );
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|(code, span, _)| (*code, span.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("stackgen::schema::value", "\"exa mple.com\""),
                ("stackgen::schema::value", "\"-bad.com\""),
                ("stackgen::schema::value", "\"10.0.0.0/33\""),
                ("stackgen::schema::value", "\"localhost\""),
                ("stackgen::names::unsafe", "Api"),
                ("stackgen::schema::value", "\"5r/h\""),
                ("stackgen::schema::value", "\"api\""),
            ]
        );
        assert_eq!(
            found[0].2,
            "invalid value `exa mple.com`: it contains a space"
        );
    }

    #[test]
    fn tls_files_must_exist_and_be_pem() {
        assert_eq!(
            diagnostics(
                "tls = { certificate = \"examples/certs/missing.crt\", key = \"examples/certs/dev.key\" }\n"
            )[0]
            .0,
            "stackgen::files::unreadable"
        );
        assert_eq!(
            diagnostics(
                "tls = { certificate = \"examples/certs/dev.key\", key = \"examples/certs/README.md\" }\n"
            ),
            [
                (
                    "stackgen::files::not-pem",
                    "\"examples/certs/dev.key\"".to_owned(),
                    "`examples/certs/dev.key` is not a PEM certificate".to_owned()
                ),
                (
                    "stackgen::files::not-pem",
                    "\"examples/certs/README.md\"".to_owned(),
                    "`examples/certs/README.md` is not a PEM private key".to_owned()
                ),
            ]
        );
        assert_eq!(
            diagnostics(
                "tls = { certificate = \"examples/certs/dev.crt\", key = \"examples/../examples/certs/dev.crt\" }\n"
            )[0]
            .0,
            "stackgen::schema::value"
        );
    }

    #[test]
    fn routes_reach_the_generated_services_of_the_stack() {
        let found = diagnostics(
            "[[ingress.routes]]\npath = \"/grafana/\"\nservice = \"grafana\"\nauth = { basic-file = \"examples/auth/htpasswd\" }\n[[ingress.routes]]\npath = \"/prometheus/\"\nservice = \"prometheus\"\nport = 9090\n[prometheus]\n[grafana]\nadmin-password = \"${GRAFANA_PASSWORD}\"\n",
        );
        assert_eq!(found, []);
    }

    #[test]
    fn a_route_to_a_generated_service_needs_its_section() {
        assert_eq!(
            diagnostics("[[ingress.routes]]\npath = \"/am/\"\nservice = \"alertmanager\"\n"),
            one(
                "stackgen::refs::missing-section",
                "\"alertmanager\"",
                "the route to the generated `alertmanager` needs a `[alertmanager]` section"
            )
        );
    }

    #[test]
    fn services_generated_for_other_purposes_are_not_routed() {
        assert_eq!(
            diagnostics("[[ingress.routes]]\npath = \"/\"\nservice = \"nginx-exporter\"\n"),
            one(
                "stackgen::schema::value",
                "\"nginx-exporter\"",
                "invalid value `nginx-exporter`: `nginx-exporter` is generated by [ingress], and routes cannot reach it"
            )
        );
        // A generated service's name is suggested like a [services] entry's.
        assert_eq!(
            diagnostics(
                "[[ingress.routes]]\npath = \"/\"\nservice = \"grafan\"\n[prometheus]\n[grafana]\nadmin-password = \"${GRAFANA_PASSWORD}\"\n"
            ),
            one(
                "stackgen::refs::dangling",
                "\"grafan\"",
                "service `grafan` does not exist"
            )
        );
    }

    #[test]
    fn a_generated_service_has_one_route_on_its_own_port() {
        let found = diagnostics(
            "[[ingress.routes]]\npath = \"/p/\"\nservice = \"prometheus\"\nport = 9091\n[[ingress.routes]]\npath = \"/q/\"\nservice = \"prometheus\"\n[prometheus]\n",
        );
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|(code, span, _)| (*code, span.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("stackgen::schema::value", "9091"),
                ("stackgen::schema::value", "\"prometheus\"")
            ]
        );
    }

    #[test]
    fn htpasswd_files_hold_hashes_only() {
        let problem = |text: &str| super::htpasswd_problem(text.as_bytes());
        assert_eq!(
            problem("# users\nops:$apr1$salt$hash\n\nci:$2y$05$abc\n"),
            None
        );
        assert_eq!(problem("ops:{SHA}abc=:comment\r\n"), None);
        assert_eq!(
            problem("ops:{PLAIN}hunter2\n").as_deref(),
            Some("line 1 holds a plain-text password")
        );
        assert!(
            problem("ops:$apr1$salt$hash\nci:hunter2\n")
                .is_some_and(|p| p.starts_with("line 2 holds no password hash nginx reads"))
        );
        assert_eq!(
            problem("ops\n").as_deref(),
            Some("line 1 is not `user:hash`")
        );
        assert_eq!(problem("# nobody\n").as_deref(), Some("it names no user"));
        assert_eq!(
            super::htpasswd_problem(&[0xff]).as_deref(),
            Some("it is not text")
        );
    }
}
