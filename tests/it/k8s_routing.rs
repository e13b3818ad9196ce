//! The `[ingress]` routes on Kubernetes: Gateway API `HTTPRoute`s by
//! default, ingress-nginx `Ingress`es as an option, and a warning at the
//! place of every setting the chosen flavour cannot carry.

use std::path::Path;

use serde_json::{Value, json};
use stackgen::config::Targets;
use stackgen::render::Bundle;

use crate::support::bundle_text;

/// `examples/ingress.toml` with `[kubernetes]` appended, rendered for both
/// targets, and its warnings as text.
fn render_example(kubernetes: &str) -> (Bundle, Vec<String>) {
    let path = Path::new("examples/ingress.toml");
    let text = std::fs::read_to_string(path).expect("the example exists");
    let text = format!("{text}\n[kubernetes]\n{kubernetes}\n");
    let mut loaded =
        stackgen::load::load_str_in("ingress.toml", &text, Path::new("examples")).expect("loads");
    loaded.targets = Targets::ALL;
    let output = stackgen::run(&loaded, &stackgen::Options::default()).expect("renders");
    let bundle = output.bundle;
    let warnings = output
        .warnings
        .iter()
        .map(|w| {
            let at = &loaded.spans.root().text[w.location.span.clone()];
            format!("{w} @ {at}")
        })
        .collect();
    (bundle, warnings)
}

fn routing(bundle: &Bundle) -> Vec<Value> {
    serde_saphyr::from_multiple(&bundle_text(bundle, "k8s/routing.yaml")).expect("parses")
}

#[test]
fn routes_become_http_routes_on_the_gateway_by_default() {
    let (bundle, warnings) =
        render_example("gateway = { name = \"public\", namespace = \"infra\" }");
    let routes = routing(&bundle);
    let summary: Vec<(String, String, String, u64, String)> = routes
        .iter()
        .map(|route| {
            assert_eq!(route["apiVersion"], "gateway.networking.k8s.io/v1");
            assert_eq!(route["kind"], "HTTPRoute");
            assert_eq!(
                route["spec"]["parentRefs"],
                json!([{ "name": "public", "namespace": "infra" }])
            );
            assert_eq!(
                route["spec"]["hostnames"],
                json!(["localhost", "sse.example.com"])
            );
            let rule = &route["spec"]["rules"][0];
            (
                route["metadata"]["name"].as_str().expect("name").to_owned(),
                rule["matches"][0]["path"]["value"]
                    .as_str()
                    .expect("path")
                    .to_owned(),
                rule["backendRefs"][0]["name"]
                    .as_str()
                    .expect("backend")
                    .to_owned(),
                rule["backendRefs"][0]["port"].as_u64().expect("port"),
                rule["timeouts"]["request"]
                    .as_str()
                    .expect("timeout")
                    .to_owned(),
            )
        })
        .collect();
    let expected = [
        ("app", "/api/", "app", 8000, "1m"),
        ("app-2", "/stream/", "app", 8000, "24h"),
        ("chat", "/ws/", "chat", 9000, "1h"),
        ("app-3", "/", "app", 8000, "1m"),
    ];
    let expected: Vec<(String, String, String, u64, String)> = expected
        .iter()
        .map(|(n, p, s, port, t)| ((*n).into(), (*p).into(), (*s).into(), *port, (*t).into()))
        .collect();
    assert_eq!(summary, expected);
    // What the standard channel cannot say is a warning at its place.
    for (what, at) in [
        ("rate limit of the route `/api/`", "\"api\""),
        ("rate limit of the route `/stream/`", "\"stream\""),
        (
            "`balance = \"least-conn\"` of the route `/api/`",
            "\"least-conn\"",
        ),
        ("`balance = \"ip-hash\"` of the route `/ws/`", "\"ip-hash\""),
        ("`[ingress] tls`", "{ certificate"),
        ("`[ingress] client-max-body-size`", "\"5M\""),
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(what) && w.contains(&format!("@ {at}"))),
            "no warning on {what} at {at}: {warnings:#?}"
        );
    }
}

#[test]
fn ingress_nginx_gets_ingresses_with_annotations() {
    let (bundle, warnings) = render_example("ingress = \"ingress-nginx\"");
    let routes = routing(&bundle);
    assert_eq!(routes.len(), 4);
    let annotations = |index: usize| -> Value {
        let route = &routes[index];
        assert_eq!(route["apiVersion"], "networking.k8s.io/v1");
        assert_eq!(route["kind"], "Ingress");
        assert_eq!(route["spec"]["ingressClassName"], "nginx");
        assert_eq!(
            route["spec"]["tls"],
            json!([{ "hosts": ["localhost", "sse.example.com"], "secretName": "sse-tls" }])
        );
        let rules = route["spec"]["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 2, "one rule per host");
        route["metadata"]["annotations"].clone()
    };
    let nginx = |key: &str| format!("nginx.ingress.kubernetes.io/{key}");
    let api = annotations(0);
    assert_eq!(api[nginx("limit-rps")], "20");
    assert_eq!(api[nginx("limit-burst-multiplier")], "2");
    assert_eq!(api[nginx("proxy-read-timeout")], "60");
    assert_eq!(api[nginx("proxy-body-size")], "5m");
    assert!(api.get(nginx("proxy-buffering")).is_none());
    let stream = annotations(1);
    assert_eq!(stream[nginx("proxy-buffering")], "off");
    assert_eq!(stream[nginx("limit-rpm")], "60");
    assert_eq!(stream[nginx("proxy-read-timeout")], "86400");
    assert_eq!(stream[nginx("proxy-send-timeout")], "86400");
    let chat = annotations(2);
    assert_eq!(chat[nginx("upstream-hash-by")], "$remote_addr");
    assert_eq!(chat[nginx("proxy-read-timeout")], "3600");
    let backend = &routes[2]["spec"]["rules"][0]["http"]["paths"][0];
    assert_eq!(backend["pathType"], "Prefix");
    assert_eq!(
        backend["backend"]["service"],
        json!({ "name": "chat", "port": { "name": "tcp-9000" } })
    );
    // least-conn has no ingress-nginx equivalent: a warning at its place.
    assert!(
        warnings.iter().any(|w| w.contains("least-conn")
            && w.contains("ingress-nginx")
            && w.ends_with("@ \"least-conn\"")),
        "{warnings:#?}"
    );
    // A burst that is no multiple of the rate (10 at 60r/m) is rounded up, and said so.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("burst of the rate-limit zone `stream`") && w.ends_with("@ 10")),
        "{warnings:#?}"
    );
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("rate limit of the route")),
        "ingress-nginx carries rate limits: {warnings:#?}"
    );
}
