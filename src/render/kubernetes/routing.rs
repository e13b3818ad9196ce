//! `k8s/routing.yaml`: the planned routes as Gateway API `HTTPRoute`s
//! attached to the planned Gateway, or as ingress-nginx `Ingress`es with
//! the annotations that carry each route's settings.
//!
//! | route setting | `HTTPRoute` | ingress-nginx `Ingress` |
//! | --- | --- | --- |
//! | path | `PathPrefix` match | `Prefix` path |
//! | service, port | `backendRefs` by port number | backend by port name |
//! | `read-timeout` (60s, 1h for streams) | `timeouts.request` | `proxy-read-timeout`, `proxy-send-timeout` |
//! | `kind = "sse"` | (streams pass unbuffered) | `proxy-buffering: "off"` |
//! | `rate-limit` | (a loss) | `limit-rps`/`limit-rpm`, `limit-burst-multiplier` |
//! | `balance = "ip-hash"` | (a loss) | `upstream-hash-by: $remote_addr` |
//! | `client-max-body-size` | (a loss) | `proxy-body-size` |
//! | `tls` | the Gateway's listener (a loss) | `tls` with the stack's TLS Secret, `ssl-redirect` |
//! | `auth` | (a loss: the route is left out) | `auth-type: basic`, `auth-secret`, `auth-realm` |

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use serde::Serialize;

use super::crd::gateway::{
    BackendRef, HttpRoute, HttpRouteMatch, HttpRouteRule, HttpRouteSpec, HttpRouteTimeouts,
    ParentRef, PathMatch,
};
use super::objects::metadata;
use super::{Files, kubernetes_plan};
use crate::config::IngressFlavour;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::ingress::AUTH_REALM;
use crate::plan::kubernetes::{KubernetesPlan, PlannedHttpRoute};
use crate::render::nginx::nginx_size;

/// The `IngressClass` of ingress-nginx.
pub const INGRESS_CLASS: &str = "nginx";
/// The prefix of ingress-nginx annotations.
const NGINX: &str = "nginx.ingress.kubernetes.io/";

/// Renders `routing.yaml` when the plan has routes.
pub fn render(plan: &Plan) -> Result<Files, Error> {
    let kubernetes = kubernetes_plan(plan)?;
    if kubernetes.routes.routes.is_empty() {
        return Ok(Files::default());
    }
    let objects: Vec<Routing> = kubernetes
        .routes
        .routes
        .iter()
        .map(|route| match kubernetes.ingress {
            IngressFlavour::GatewayApi => {
                Routing::HttpRoute(Box::new(http_route(kubernetes, route)))
            }
            IngressFlavour::IngressNginx => Routing::Ingress(Box::new(ingress(kubernetes, route))),
        })
        .collect();
    let mut files = Files::default();
    files.manifest(plan, "routing.yaml", &objects)?;
    Ok(files)
}

/// A routing object of either flavour.
#[derive(Serialize)]
#[serde(untagged)]
enum Routing {
    HttpRoute(Box<HttpRoute>),
    Ingress(Box<Ingress>),
}

fn http_route(kubernetes: &KubernetesPlan, route: &PlannedHttpRoute) -> HttpRoute {
    HttpRoute::new(
        metadata(
            &route.name,
            &kubernetes.namespace,
            &kubernetes.common_labels,
        ),
        HttpRouteSpec {
            parent_refs: vec![ParentRef {
                name: kubernetes.gateway.name.clone(),
                namespace: kubernetes.gateway.namespace.clone(),
                section_name: kubernetes.gateway.section_name.clone(),
            }],
            hostnames: route.hostnames.clone(),
            rules: vec![HttpRouteRule {
                matches: vec![HttpRouteMatch {
                    path: PathMatch {
                        kind: "PathPrefix",
                        value: route.path.clone(),
                    },
                }],
                backend_refs: vec![BackendRef {
                    name: route.service.clone(),
                    port: route.port,
                }],
                timeouts: Some(HttpRouteTimeouts {
                    request: gateway_duration(route.timeout_ms),
                }),
            }],
        },
    )
}

fn ingress(kubernetes: &KubernetesPlan, route: &PlannedHttpRoute) -> Ingress {
    let mut meta = metadata(
        &route.name,
        &kubernetes.namespace,
        &kubernetes.common_labels,
    );
    meta.annotations = Some(annotations(kubernetes, route));
    let paths = HTTPIngressRuleValue {
        paths: vec![HTTPIngressPath {
            path: Some(route.path.clone()),
            path_type: "Prefix".to_owned(),
            backend: IngressBackend {
                service: Some(IngressServiceBackend {
                    name: route.service.clone(),
                    port: Some(ServiceBackendPort {
                        name: Some(route.port_name.clone()),
                        number: None,
                    }),
                }),
                resource: None,
            },
        }],
    };
    let hosts = &route.hostnames;
    let rules = if hosts.is_empty() {
        vec![IngressRule {
            host: None,
            http: Some(paths),
        }]
    } else {
        hosts
            .iter()
            .map(|host| IngressRule {
                host: Some(host.clone()),
                http: Some(paths.clone()),
            })
            .collect()
    };
    let tls = kubernetes.tls_secret.as_ref().map(|secret| {
        vec![IngressTLS {
            hosts: (!hosts.is_empty()).then(|| hosts.clone()),
            secret_name: Some(secret.clone()),
        }]
    });
    Ingress {
        metadata: meta,
        spec: Some(IngressSpec {
            ingress_class_name: Some(INGRESS_CLASS.to_owned()),
            rules: Some(rules),
            tls,
            ..IngressSpec::default()
        }),
        status: None,
    }
}

/// The ingress-nginx annotations of `route`.
fn annotations(kubernetes: &KubernetesPlan, route: &PlannedHttpRoute) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    let mut set = |key: &str, value: String| {
        annotations.insert(format!("{NGINX}{key}"), value);
    };
    let seconds = route.timeout_ms.div_ceil(1000).max(1).to_string();
    set("proxy-read-timeout", seconds.clone());
    set("proxy-send-timeout", seconds);
    set("proxy-body-size", nginx_size(kubernetes.routes.body_bytes));
    if !route.buffering {
        set("proxy-buffering", "off".to_owned());
    }
    if let Some(limit) = route.rate_limit {
        let key = if limit.per_minute {
            "limit-rpm"
        } else {
            "limit-rps"
        };
        set(key, limit.requests.to_string());
        set("limit-burst-multiplier", limit.burst_multiplier.to_string());
    }
    if route.hash_by_client {
        set("upstream-hash-by", "$remote_addr".to_owned());
    }
    if let Some(secret) = &route.basic_auth {
        set("auth-type", "basic".to_owned());
        set("auth-secret", secret.clone());
        set("auth-realm", AUTH_REALM.to_owned());
    }
    if kubernetes.tls_secret.is_some() && !kubernetes.routes.redirect_http {
        set("ssl-redirect", "false".to_owned());
    }
    annotations
}

/// A duration as the Gateway API writes it: up to four parts of at most
/// five digits each, largest unit first (`1h`, `90s`, `1m30s500ms`).
fn gateway_duration(millis: u64) -> String {
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = millis;
    for (unit, suffix) in [(3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")] {
        let count = (rest / unit).min(99_999);
        if count > 0 {
            let _ = write!(out, "{count}{suffix}");
            rest -= count * unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_gateway_api_form() {
        assert_eq!(gateway_duration(60_000), "1m");
        assert_eq!(gateway_duration(3_600_000), "1h");
        assert_eq!(gateway_duration(90_500), "1m30s500ms");
        assert_eq!(gateway_duration(86_400_000), "24h");
        assert_eq!(gateway_duration(0), "0s");
    }
}
