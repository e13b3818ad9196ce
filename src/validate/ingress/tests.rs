//! Unit tests of `ingress`.

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

#[test]
fn a_route_host_is_one_host_name_other_than_the_server_names() {
    assert_eq!(
        diagnostics(
            "server-names = [\"example.com\"]\n[[ingress.routes]]\nhost = \"*.example.com\"\npath = \"/\"\nservice = \"app\"\n"
        ),
        one(
            "stackgen::schema::value",
            "\"*.example.com\"",
            "invalid value `*.example.com`: it is not one host name"
        )
    );
    assert_eq!(
        diagnostics(
            "server-names = [\"example.com\"]\n[[ingress.routes]]\nhost = \"Example.com\"\npath = \"/\"\nservice = \"app\"\n"
        ),
        one(
            "stackgen::schema::value",
            "\"Example.com\"",
            "invalid value `Example.com`: it is one of `[ingress] server-names`, which the main server answers"
        )
    );
    // The same path on two hosts is two routes; twice on one host is one too many.
    assert_eq!(
        diagnostics(
            "[[ingress.routes]]\npath = \"/\"\nservice = \"app\"\n[[ingress.routes]]\nhost = \"a.example.com\"\npath = \"/\"\nservice = \"app\"\n[[ingress.routes]]\nhost = \"A.example.com\"\npath = \"/\"\nservice = \"app\"\n"
        ),
        [(
            "stackgen::names::duplicate",
            "\"/\"".to_owned(),
            "route path on this host `/` is defined more than once".to_owned()
        )]
    );
}

#[test]
fn a_route_host_the_certificate_does_not_name_is_warned_about() {
    let tls =
        "tls = { certificate = \"examples/certs/dev.crt\", key = \"examples/certs/dev.key\" }\n";
    assert_eq!(
        diagnostics(&format!(
            "{tls}[[ingress.routes]]\nhost = \"grafana.example.com\"\npath = \"/\"\nservice = \"app\"\n[[ingress.routes]]\nhost = \"localhost\"\npath = \"/\"\nservice = \"app\"\n"
        )),
        one(
            "stackgen::ingress::host-not-in-certificate",
            "\"grafana.example.com\"",
            "warning: the TLS certificate does not name `grafana.example.com` (it names localhost)"
        )
    );
}
