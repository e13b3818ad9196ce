//! Stage 3: the normalized plan every renderer reads.
//!
//! Each `[services]` entry becomes one planned service that keeps its replica
//! count (`app` with 3 replicas stays `app`, run three times), defaults are
//! applied, ports and mounts are parsed, and the services that the
//! `[prometheus]`, `[alertmanager]`, `[logs]`, `[grafana]` and `[ingress]`
//! sections imply are added with the generated files mounted.

pub mod alert_library;
pub mod alertmanager;
pub mod alerts;
pub mod dashboard_uid;
pub mod dashboards;
pub mod exposure;
pub mod grafana;
pub mod ingress;
pub mod kubernetes;
mod library_file;
pub mod library_kinds;
mod library_requirements;
pub mod logs;
pub mod logs_links;
pub mod prometheus;
pub mod route_tests;
pub mod scrape_jobs;
mod selector_text;
mod service;
pub mod slo;
pub mod variables;
pub mod web_root;

use indexmap::IndexMap;

pub use service::{
    FileCopy, HOST_GATEWAY, Origin, PlannedHealthcheck, PlannedMetrics, PlannedSecret,
    PlannedService,
};

use crate::config::{NamedVolume, Network, SharedStack};
use crate::load::Loaded;

/// The name of the network created when the stack declares none.
pub const DEFAULT_NETWORK: &str = "default";
/// The driver of a network that names none.
pub const DEFAULT_NETWORK_DRIVER: &str = "bridge";

/// What a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Rendering: everything the renderers read.
    Render,
    /// Checking only (`stackgen validate`): the built-in alerts carry their
    /// names, severities and the jobs they watch, which the checks read,
    /// but no expressions, annotations, tests or recording rules. Such a
    /// plan cannot be rendered.
    Check,
}

/// The normalized stack.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the plan is for.
    pub purpose: Purpose,
    /// The stack as written (renderers read alerts, dashboards and routing from
    /// it), shared with the [`Loaded`] stack it was planned from.
    pub stack: SharedStack,
    /// Every service, user-defined first, then generated ones, in a stable order.
    pub services: Vec<PlannedService>,
    /// Named volumes, including those generated services need.
    pub volumes: IndexMap<String, NamedVolume>,
    /// Networks, each with its driver; `default` when the stack declares none.
    pub networks: IndexMap<String, Network>,
    /// The stack file's directory, for files the stack names (TLS certificates).
    pub base_dir: std::path::PathBuf,
    /// The files the stack names, as the load stage read them.
    pub inputs: std::sync::Arc<crate::load::Inputs>,
    /// The stack file's name, for headers.
    pub source_name: String,
    /// The stack's name (`[stack] name`): the Compose project's.
    pub name: String,
    /// Every alerting rule: the user's, then the built-in library's, then the SLOs'.
    pub alerts: Vec<alerts::PlannedAlert>,
    /// Every recording rule: the user's, then the built-in library's, then the SLOs'.
    pub recording_rules: Vec<alerts::PlannedRecording>,
    /// Every Grafana dashboard: the user's, then the built-in ones the stack
    /// gets (none without `[grafana]`).
    pub dashboards: Vec<dashboards::PlannedDashboard>,
    /// The SLOs, with the numbers their rules and dashboard use.
    pub slos: Vec<slo::PlannedSlo>,
    /// What `[logs]` collects and keeps; `None` without the section.
    pub logs: Option<logs::PlannedLogs>,
    /// The Loki Grafana reads logs from: `[logs]`'s, else a `kind = "loki"`
    /// service of the stack, if any.
    pub loki_url: Option<String>,
    /// The Alertmanager routing, with `[alertmanager]`.
    pub alertmanager: Option<alertmanager::PlannedRouting>,
    /// The `[ingress]` routing, with the section.
    pub ingress: Option<ingress::PlannedIngress>,
    /// Where routes serve the generated Grafana, Prometheus and
    /// Alertmanager, decided before the sections add them.
    pub web_roots: Vec<web_root::PlannedWebRoot>,
    /// What Grafana is provisioned with, with `[grafana]`.
    pub grafana: Option<grafana::PlannedGrafana>,
    /// Who can reach the generated Grafana, Prometheus and Alertmanager
    /// without credentials, decided once for `validate` and `ports`.
    pub exposures: Vec<exposure::Exposure>,
    /// The output targets rendered from this plan.
    pub targets: crate::config::Targets,
    /// The decisions of the `kubernetes` target; `None` when it is not rendered.
    pub kubernetes: Option<kubernetes::KubernetesPlan>,
    /// What Prometheus scrapes ([`scrape_jobs`]); empty without `[prometheus]`.
    pub scrape_jobs: Vec<scrape_jobs::ScrapeJob>,
    /// The Prometheus server's global settings, with `[prometheus]`.
    pub prometheus: Option<prometheus::PlannedServer>,
    /// Every `${VAR}` the stack references, with where (empty in a plan for checks).
    pub variables: variables::Variables,
}

impl Plan {
    /// The planned service called `name`.
    pub fn service(&self, name: &str) -> Option<&PlannedService> {
        self.services.iter().find(|s| s.name == name)
    }

    /// The path prefix a route serves the generated service `name` under
    /// (`/grafana`), or `""` when it is served at the root or not routed.
    pub fn web_prefix(&self, name: &str) -> &str {
        self.web_root(name).map_or("", |root| root.prefix.as_str())
    }

    /// Where a route serves the generated service `name`, if one does.
    pub fn web_root(&self, name: &str) -> Option<&web_root::PlannedWebRoot> {
        self.web_roots.iter().find(|root| root.service == name)
    }

    /// Every planned service by name, for callers that look up many
    /// (one pass instead of one per lookup).
    pub fn services_by_name(&self) -> std::collections::HashMap<&str, &PlannedService> {
        self.services.iter().map(|s| (s.name.as_str(), s)).collect()
    }

    /// Adds a volume unless the stack already declares one of that name.
    pub fn ensure_volume(&mut self, name: &str) {
        self.volumes.entry(name.to_owned()).or_default();
    }
}

/// The path of `path` (relative to the stack file's folder, or absolute)
/// as seen from the bundle, given the stack file's folder seen from there.
fn from_bundle(stack_dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let path = path.trim_start_matches("./").trim_end_matches('/');
    if path.is_empty() || path == "." {
        stack_dir.to_owned()
    } else if stack_dir == "." {
        path.to_owned()
    } else {
        format!("{stack_dir}/{path}")
    }
}

/// Builds the plan from a validated stack, for rendering.
pub fn plan(loaded: &Loaded) -> Plan {
    plan_for(loaded, Purpose::Render)
}

/// Builds the plan from a validated stack, for `purpose`.
pub fn plan_for(loaded: &Loaded, purpose: Purpose) -> Plan {
    let stack = loaded.stack.clone();
    let mut networks = if stack.networks.is_empty() {
        let mut networks = IndexMap::new();
        networks.insert(DEFAULT_NETWORK.to_owned(), Network::default());
        networks
    } else {
        stack.networks.clone()
    };
    for network in networks.values_mut() {
        network
            .driver
            .get_or_insert_with(|| DEFAULT_NETWORK_DRIVER.to_owned());
    }
    let default_networks: Vec<String> = networks.keys().take(1).cloned().collect();
    let mut services = Vec::new();
    for (name, service) in &stack.services {
        services.push(service::plan_service(name, service, &default_networks));
    }
    // Build contexts are named relative to the stack file; compose reads
    // them relative to the bundle.
    for build in services.iter_mut().filter_map(|s| s.build.as_mut()) {
        build.context = from_bundle(&loaded.stack_dir_from_bundle, &build.context);
    }
    let source_name = loaded
        .spans
        .root()
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("stack.toml")
        .to_owned();
    let mut plan = Plan {
        purpose,
        volumes: stack.volumes.clone(),
        stack,
        services,
        networks,
        base_dir: loaded.base_dir.clone(),
        inputs: std::sync::Arc::clone(&loaded.inputs),
        source_name,
        name: loaded.stack.stack.name.clone(),
        alerts: Vec::new(),
        recording_rules: Vec::new(),
        dashboards: Vec::new(),
        slos: Vec::new(),
        logs: None,
        loki_url: None,
        alertmanager: None,
        ingress: None,
        web_roots: Vec::new(),
        grafana: None,
        exposures: Vec::new(),
        targets: loaded.targets,
        kubernetes: None,
        scrape_jobs: Vec::new(),
        prometheus: None,
        variables: variables::Variables::new(),
    };
    if purpose == Purpose::Render {
        plan.variables = variables::variables(&plan.stack);
    }
    plan.alerts = alerts::user_alerts(&plan.stack);
    plan.recording_rules = alerts::user_recordings(&plan.stack);
    if plan.stack.grafana.is_some() {
        plan.dashboards = dashboards::dashboards(&plan.stack)
            .expect("the built-in dashboards parse and render; their tests prove it");
    }
    plan.web_roots = web_root::web_roots(&plan.stack);
    prometheus::add_services(&mut plan);
    alertmanager::add_services(&mut plan);
    plan.prometheus = prometheus::server(&plan);
    logs::add_services(&mut plan);
    grafana::add_services(&mut plan);
    ingress::add_services(&mut plan);
    plan.exposures = exposure::exposures(&plan);
    prometheus::depend_on_later_services(&mut plan);
    logs::collect_services(&mut plan);
    logs_links::add_to_dashboards(&mut plan)
        .expect("the logs row of the overview parses and renders; its tests prove it");
    alert_library::add_library(&mut plan);
    logs_links::add_to_alerts(&mut plan)
        .expect("the logs annotation of the built-in alerts parses; its tests prove it");
    slo::add_slos(&mut plan);
    alertmanager::add_route_tests(&mut plan);
    plan.scrape_jobs = scrape_jobs::scrape_jobs(&plan);
    if plan.targets.kubernetes {
        plan.kubernetes = Some(kubernetes::plan(&plan));
    }
    plan
}
