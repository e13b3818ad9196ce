//! What the `[ingress]` routes become on a cluster: nginx is not deployed;
//! each route becomes a Gateway API `HTTPRoute` attached to the planned
//! Gateway (the default) or an ingress-nginx `Ingress`, to the routed
//! service's `ClusterIP` Service. Every setting that flavour cannot carry is
//! a [`Loss`], reported as a warning at its place in the stack.

use std::collections::HashMap;

use super::{KubernetesPlan, Loss};
use crate::config::{Balance, Ingress, IngressFlavour, RouteKind};
use crate::load::pointer;
use crate::plan::Plan;
use crate::plan::ingress::{Backend, PlannedAuth, PlannedIngress, PlannedIngressRoute};
use crate::plan::web_root::routable;
use crate::syntax::nginx::ServerNameForm;

/// The HTTP routing of the Kubernetes target, decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlannedRoutes {
    /// Host names the routes answer (any when empty), lowercased.
    pub hostnames: Vec<String>,
    /// One per `[[ingress.routes]]` entry whose service runs in the cluster.
    pub routes: Vec<PlannedHttpRoute>,
    /// With `[ingress] tls`: whether plain HTTP is redirected to HTTPS.
    pub redirect_http: bool,
    /// The largest request body, in bytes.
    pub body_bytes: u64,
    /// The Secrets of the htpasswd files routes ask for credentials
    /// against (ingress-nginx only), one per file.
    pub auth_secrets: Vec<PlannedAuthSecret>,
}

/// A Secret holding an htpasswd file under the key `auth`, as ingress-nginx
/// reads it: kustomize's `secretGenerator` builds it from the file's copy
/// in the bundle, so no manifest holds the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAuthSecret {
    /// The Secret's name, which is also the copy's file name in `k8s/auth/`.
    pub name: String,
    /// The htpasswd file, as the stack names it.
    pub user_file: String,
}

/// The key ingress-nginx reads an htpasswd file from in its Secret.
pub const AUTH_SECRET_KEY: &str = "auth";

/// One route: a path prefix to a Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedHttpRoute {
    /// The object's name: the service's, numbered from its second route.
    pub name: String,
    /// The path prefix.
    pub path: String,
    /// The host names it answers (any when empty): the route's own host,
    /// else those of `[ingress]`.
    pub hostnames: Vec<String>,
    /// `http`, `sse` or `websocket`.
    pub kind: RouteKind,
    /// Whether responses may be buffered (never for server-sent events).
    pub buffering: bool,
    /// The Service's name.
    pub service: String,
    /// The Service port's number.
    pub port: u16,
    /// The Service port's name.
    pub port_name: String,
    /// How long to wait for the backend, in milliseconds: the route's
    /// planned read timeout.
    pub timeout_ms: u64,
    /// The rate limit per client address.
    pub rate_limit: Option<PlannedRateLimit>,
    /// Whether each client address sticks to one pod (`balance = "ip-hash"`).
    pub hash_by_client: bool,
    /// The Secret of the htpasswd file the route asks for credentials
    /// against (ingress-nginx's basic authentication), by name.
    pub basic_auth: Option<String>,
}

/// A request rate per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedRateLimit {
    /// Requests per unit.
    pub requests: u32,
    /// Per minute (else per second).
    pub per_minute: bool,
    /// How many times the rate may arrive at once: the zone's burst over
    /// the rate, rounded up, at least 1.
    pub burst_multiplier: u32,
}

/// Plans the routes of `[ingress]` for `kubernetes.ingress`, from the
/// plan's decided routing; `kubernetes` has its workloads already.
pub fn plan_routes(plan: &Plan, kubernetes: &mut KubernetesPlan) {
    let (Some(ingress), Some(planned)) = (&plan.stack.ingress, &plan.ingress) else {
        return;
    };
    let flavour = kubernetes.ingress;
    let mut losses = Vec::new();
    let mut hostnames = Vec::new();
    let mut any_host = false;
    for (index, name) in planned.server_names.iter().enumerate() {
        let form = name.form();
        if form == Ok(ServerNameForm::Any) {
            any_host = true;
            continue;
        }
        if form == Ok(ServerNameForm::Address) {
            losses.push(Loss {
                pointer: pointer(["ingress", "server-names", &index.to_string()]),
                what: format!("the server name `{}`", name.as_str()),
                consequence:
                    "Kubernetes routes match host names, not addresses: the routes answer any host"
                        .to_owned(),
                fix: "use a DNS name".to_owned(),
            });
            any_host = true;
            continue;
        }
        let lower = name.as_str().to_ascii_lowercase();
        if !hostnames.contains(&lower) {
            hostnames.push(lower);
        }
    }
    if any_host {
        // nginx answers any host for `_`: a route for some names only would be stricter.
        hostnames.clear();
    }
    let mut routes = Vec::new();
    let mut auth_secrets = Vec::new();
    let mut per_service: HashMap<&str, usize> = HashMap::new();
    for (index, route) in planned.routes.iter().enumerate() {
        let at = |key: &str| pointer(["ingress", "routes", &index.to_string(), key]);
        let written = ingress.routes.get(index);
        if !plan.stack.services.contains_key(&route.service) && routable(&route.service).is_some() {
            losses.push(Loss {
                pointer: at("service"),
                what: format!("{} to the generated `{}`", the_route(route), route.service),
                consequence: "the manifests leave Grafana, Prometheus and Alertmanager to kube-prometheus-stack, so the route is left out".to_owned(),
                fix: format!(
                    "expose it through the chart's own settings (`{}.ingress` of kube-prometheus-stack)",
                    route.service
                ),
            });
            continue;
        }
        if route.auth.is_some() && flavour == IngressFlavour::GatewayApi {
            // Left out rather than carried without its credentials.
            losses.push(Loss {
                pointer: at("auth"),
                what: format!("the basic authentication of {}", the_route(route)),
                consequence: "the Gateway API's standard channel has no authentication filter, so the route is left out rather than served without credentials".to_owned(),
                fix: "route through ingress-nginx (`[kubernetes] ingress = \"ingress-nginx\"`), which carries it, or add the route with your Gateway implementation's own authentication policy".to_owned(),
            });
            continue;
        }
        let Some(workload) = kubernetes
            .workload(&route.service)
            .filter(|w| w.has_service())
        else {
            continue;
        };
        let Some(port_name) = workload.port_name(route.port).map(str::to_owned) else {
            losses.push(Loss {
                pointer: at("port"),
                what: format!("{} to port {}", the_route(route), route.port),
                consequence: format!(
                    "the Service `{}` has no port {}, so the route is left out",
                    workload.name, route.port
                ),
                fix: format!("add {} to the service's `expose`", route.port),
            });
            continue;
        };
        let count = per_service.entry(&route.service).or_insert(0);
        *count += 1;
        let name = if *count == 1 {
            workload.name.clone()
        } else {
            format!("{}-{count}", workload.name)
        };
        let balance = match route.backend {
            Backend::Upstream(upstream) => planned
                .upstreams
                .get(upstream)
                .map_or(Balance::RoundRobin, |u| u.balance),
            Backend::OnDemand(_) => Balance::RoundRobin,
        };
        let written_balance = written.and_then(|w| w.balance);
        match (flavour, written_balance) {
            (_, None | Some(Balance::RoundRobin))
            | (IngressFlavour::IngressNginx, Some(Balance::IpHash)) => {}
            (IngressFlavour::IngressNginx, Some(Balance::LeastConn)) => losses.push(Loss {
                pointer: at("balance"),
                what: format!("`balance = \"least-conn\"` of {}", the_route(route)),
                consequence: "ingress-nginx has no least-connections balancing: requests take turns".to_owned(),
                fix: "drop `balance`, or route through the Gateway API (`[kubernetes] ingress = \"gateway-api\"`) with your implementation's own policy".to_owned(),
            }),
            (IngressFlavour::GatewayApi, Some(balance)) => losses.push(Loss {
                pointer: at("balance"),
                what: format!(
                    "`balance = \"{}\"` of {}",
                    if balance == Balance::IpHash { "ip-hash" } else { "least-conn" },
                    the_route(route)
                ),
                consequence: "the Gateway API's standard channel has no load-balancing policy: the Gateway's default applies".to_owned(),
                fix: "set the policy with your Gateway implementation's own resource".to_owned(),
            }),
        }
        if flavour == IngressFlavour::GatewayApi && route.rate_limit.is_some() {
            losses.push(Loss {
                pointer: at("rate-limit"),
                what: format!("the rate limit of {}", the_route(route)),
                consequence: "the Gateway API's standard channel has no rate limiting: the route is not limited".to_owned(),
                fix: "limit the rate with your Gateway implementation's own policy resource".to_owned(),
            });
        }
        let basic_auth = route.auth.as_ref().map(|auth| match auth {
            PlannedAuth::Basic { user_file } => {
                auth_secret(&mut auth_secrets, &plan.stack.stack.name, user_file)
            }
        });
        routes.push(PlannedHttpRoute {
            name,
            path: route.path.to_string(),
            hostnames: route
                .host
                .as_ref()
                .map_or_else(|| hostnames.clone(), |host| vec![host.to_string()]),
            kind: route.kind,
            buffering: route.buffering,
            service: workload.name.clone(),
            port: route.port,
            port_name,
            timeout_ms: route.read_timeout.millis(),
            rate_limit: route
                .rate_limit
                .as_ref()
                .and_then(|limit| rate_limit(planned, &limit.zone, limit.burst)),
            hash_by_client: balance == Balance::IpHash,
            basic_auth,
        });
    }
    losses.extend(section_losses(ingress, planned, kubernetes));
    kubernetes.routes = PlannedRoutes {
        hostnames,
        routes,
        redirect_http: planned.tls.as_ref().is_some_and(|tls| tls.redirect_http),
        body_bytes: planned.max_body_bytes,
        auth_secrets,
    };
    kubernetes.losses.extend(losses);
}

/// How a loss names a route: by its path, and by its host when it has one
/// of its own (paths are unique per host only).
fn the_route(route: &PlannedIngressRoute) -> String {
    match &route.host {
        Some(host) => format!("the route `{}` on the host `{host}`", route.path),
        None => format!("the route `{}`", route.path),
    }
}

/// The name of the Secret of the htpasswd file `user_file`, added to
/// `secrets` on its first use: `<stack>-basic-auth`, numbered from the
/// second file on.
fn auth_secret(secrets: &mut Vec<PlannedAuthSecret>, stack: &str, user_file: &str) -> String {
    if let Some(secret) = secrets.iter().find(|s| s.user_file == user_file) {
        return secret.name.clone();
    }
    let name = match secrets.len() {
        0 => format!("{stack}-basic-auth"),
        n => format!("{stack}-basic-auth-{}", n + 1),
    };
    secrets.push(PlannedAuthSecret {
        name: name.clone(),
        user_file: user_file.to_owned(),
    });
    name
}

/// The rate of zone `zone` with `burst`.
fn rate_limit(
    planned: &PlannedIngress,
    zone: &str,
    burst: Option<u32>,
) -> Option<PlannedRateLimit> {
    let rate = planned.rate_limits.iter().find(|l| l.name == zone)?.rate;
    Some(PlannedRateLimit {
        requests: rate.requests,
        per_minute: rate.per_minute,
        burst_multiplier: burst.unwrap_or(0).div_ceil(rate.requests).max(1),
    })
}

/// The losses of `[ingress]` settings for the whole section.
fn section_losses(
    ingress: &Ingress,
    planned: &PlannedIngress,
    kubernetes: &KubernetesPlan,
) -> Vec<Loss> {
    let mut losses = Vec::new();
    let gateway = kubernetes.ingress == IngressFlavour::GatewayApi;
    if ingress.tls.is_some() && gateway {
        losses.push(Loss {
            pointer: pointer(["ingress", "tls"]),
            what: "`[ingress] tls`".to_owned(),
            consequence: format!(
                "TLS terminates at the Gateway `{}`, which the manifests do not create; the HTTPRoutes attach to it",
                kubernetes.gateway.name
            ),
            fix: format!(
                "give the Gateway an HTTPS listener with the `kubernetes.io/tls` Secret `{}` (`kubectl create secret tls`), and an HTTP listener redirecting to it",
                kubernetes.tls_secret.as_deref().unwrap_or("with the certificate")
            ),
        });
    }
    if gateway && ingress.client_max_body_size.is_some() {
        losses.push(Loss {
            pointer: pointer(["ingress", "client-max-body-size"]),
            what: "`[ingress] client-max-body-size`".to_owned(),
            consequence: "the Gateway API has no request body limit: the Gateway's own applies"
                .to_owned(),
            fix: "set the limit with your Gateway implementation's own policy resource".to_owned(),
        });
    }
    if !gateway {
        for limit in &planned.rate_limits {
            let Some(rate) = rate_limit(planned, &limit.name, limit.burst) else {
                continue;
            };
            let burst = limit.burst.unwrap_or(0);
            let granted = u64::from(rate.requests) * u64::from(rate.burst_multiplier);
            if u64::from(burst) != granted {
                let at = if limit.burst.is_some() {
                    pointer(["ingress", "rate-limits", &limit.name, "burst"])
                } else {
                    pointer(["ingress", "rate-limits", &limit.name])
                };
                losses.push(Loss {
                    pointer: at,
                    what: format!("the burst of the rate-limit zone `{}`", limit.name),
                    consequence: format!(
                        "ingress-nginx sets the burst as a multiple of the rate: {granted} requests instead of {burst}"
                    ),
                    fix: "make the burst a multiple of the rate".to_owned(),
                });
            }
        }
    }
    if ingress.exporter {
        losses.push(Loss {
            pointer: pointer(["ingress", "exporter"]),
            what: "`[ingress] exporter`".to_owned(),
            consequence: "nginx and its exporter are not deployed: the cluster's Gateway or ingress controller serves the routes".to_owned(),
            fix: "scrape the controller's own metrics (ingress-nginx and most Gateway implementations serve them)".to_owned(),
        });
    }
    losses
}

#[cfg(test)]
mod tests {
    use crate::config::Targets;

    fn routes(extra: &str) -> (super::PlannedRoutes, Vec<super::Loss>) {
        let text = format!(
            "[stack]\nname = \"t\"\n[services.app]\nimage = \"app:1\"\nreplicas = 2\nexpose = [8000]\n[ingress]\nserver-names = [\"Example.com\"]\n[ingress.rate-limits]\napi = {{ rate = \"10r/s\", burst = 25 }}\n[[ingress.routes]]\npath = \"/api/\"\nservice = \"app\"\nrate-limit = \"api\"\n[[ingress.routes]]\npath = \"/events/\"\nservice = \"app\"\nkind = \"sse\"\n{extra}"
        );
        let mut loaded = crate::load::load_str("stack.toml", &text).expect("loads");
        loaded.targets = Targets::ALL;
        let output = crate::run(&loaded, &crate::Options::default()).expect("valid");
        let kubernetes = output.plan.kubernetes.expect("the Kubernetes plan");
        (kubernetes.routes, kubernetes.losses)
    }

    #[test]
    fn each_route_gets_its_service_port_timeout_and_limit() {
        let (planned, losses) = routes("");
        assert_eq!(planned.hostnames, ["example.com"]);
        let summary: Vec<(&str, &str, u16, &str, u64, bool)> = planned
            .routes
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.path.as_str(),
                    r.port,
                    r.port_name.as_str(),
                    r.timeout_ms,
                    r.buffering,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("app", "/api/", 8000, "tcp-8000", 60_000, true),
                ("app-2", "/events/", 8000, "tcp-8000", 3_600_000, false),
            ]
        );
        let limit = planned.routes[0].rate_limit.expect("a limit");
        assert_eq!(
            (limit.requests, limit.per_minute, limit.burst_multiplier),
            (10, false, 3)
        );
        // The Gateway API cannot limit the rate: a loss at the route's setting.
        assert!(
            losses
                .iter()
                .any(|l| l.pointer == "/ingress/routes/0/rate-limit")
        );
    }

    #[test]
    fn ingress_nginx_keeps_rate_limits_and_reports_an_inexact_burst() {
        let (_, losses) = routes("[kubernetes]\ningress = \"ingress-nginx\"\n");
        let pointers: Vec<&str> = losses.iter().map(|l| l.pointer.as_str()).collect();
        assert!(
            !pointers.contains(&"/ingress/routes/0/rate-limit"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"/ingress/rate-limits/api/burst"),
            "{pointers:?}"
        );
    }
    #[test]
    fn a_left_out_route_on_a_host_of_its_own_is_named_by_its_host() {
        let extra = "[prometheus]\n[grafana]\nadmin-password = \"${GF_PASSWORD}\"\n[[ingress.routes]]\nhost = \"grafana.example.com\"\npath = \"/\"\nservice = \"grafana\"\n[[ingress.routes]]\nhost = \"metrics.example.com\"\npath = \"/\"\nservice = \"app\"\nbalance = \"ip-hash\"\n";
        let (planned, losses) = routes(extra);
        assert_eq!(planned.routes.len(), 3, "the route to grafana is left out");
        let what = |at: &str| {
            losses
                .iter()
                .find(|l| l.pointer == at)
                .map(|l| l.what.as_str())
        };
        assert_eq!(
            what("/ingress/routes/2/service"),
            Some("the route `/` on the host `grafana.example.com` to the generated `grafana`")
        );
        assert_eq!(
            what("/ingress/routes/3/balance"),
            Some("`balance = \"ip-hash\"` of the route `/` on the host `metrics.example.com`")
        );
        // A route without a host of its own is named by its path.
        assert_eq!(
            what("/ingress/routes/0/rate-limit"),
            Some("the rate limit of the route `/api/`")
        );
    }

    #[test]
    fn basic_auth_names_a_secret_per_file_on_ingress_nginx_and_is_left_out_on_the_gateway() {
        let auth = "[[ingress.routes]]\npath = \"/admin/\"\nservice = \"app\"\nauth = { basic-file = \"examples/auth/htpasswd\" }\n[[ingress.routes]]\npath = \"/ops/\"\nservice = \"app\"\nauth = { basic-file = \"examples/auth/htpasswd\" }\n";
        let (planned, losses) = routes(&format!(
            "{auth}[kubernetes]\ningress = \"ingress-nginx\"\n"
        ));
        let secrets: Vec<Option<&str>> = planned
            .routes
            .iter()
            .map(|r| r.basic_auth.as_deref())
            .collect();
        assert_eq!(
            secrets,
            [None, None, Some("t-basic-auth"), Some("t-basic-auth")]
        );
        assert_eq!(
            planned.auth_secrets,
            [super::PlannedAuthSecret {
                name: "t-basic-auth".to_owned(),
                user_file: "examples/auth/htpasswd".to_owned(),
            }]
        );
        assert!(!losses.iter().any(|l| l.pointer.ends_with("/auth")));

        let (planned, losses) = routes(auth);
        assert_eq!(planned.routes.len(), 2, "both left out");
        assert!(planned.auth_secrets.is_empty());
        let left_out: Vec<&str> = losses
            .iter()
            .filter(|l| l.pointer.ends_with("/auth"))
            .map(|l| l.pointer.as_str())
            .collect();
        assert_eq!(
            left_out,
            ["/ingress/routes/2/auth", "/ingress/routes/3/auth"]
        );
    }
}
