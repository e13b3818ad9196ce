//! Every kind of problem stackgen reports, with its stable code and help line.
//!
//! Codes are part of the interface (scripts match on them; snapshots pin
//! them): add new ones freely, never rename old ones.

/// What is wrong. The `Display` text is the message; [`ErrorKind::code`],
/// [`ErrorKind::help`] and [`ErrorKind::label`] complete the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The file is not valid TOML.
    #[error("invalid TOML: {message}")]
    TomlSyntax {
        /// The parser's message.
        message: String,
    },
    /// The file is larger than stackgen accepts.
    #[error("the stack file is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// The file's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A key the format does not know.
    #[error("unknown key `{key}`")]
    UnknownKey {
        /// The key.
        key: String,
        /// The closest known key, if any is close.
        suggestion: Option<String>,
        /// The keys allowed here.
        allowed: Vec<String>,
    },
    /// A required key is missing.
    #[error("missing key `{key}`")]
    MissingKey {
        /// The key.
        key: String,
    },
    /// A value of the wrong type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the format wants.
        expected: String,
        /// What the file has.
        found: String,
    },
    /// A value outside the allowed set or range.
    #[error("invalid value {value}: {reason}")]
    InvalidValue {
        /// The value as written.
        value: String,
        /// Why it is refused.
        reason: String,
        /// How to fix it.
        fix: String,
    },
    /// A duration that does not parse.
    #[error("`{value}` is not a duration")]
    BadDuration {
        /// The value as written.
        value: String,
    },
    /// A byte size that does not parse.
    #[error("`{value}` is not a size")]
    BadSize {
        /// The value as written.
        value: String,
    },
    /// A literal secret where a `${VAR}` reference belongs.
    #[error("literal secret in `{field}`")]
    LiteralSecret {
        /// The field that holds it.
        field: String,
        /// The variable name to suggest.
        variable: String,
    },
    /// A name that is unsafe as a DNS label or file name.
    #[error("{what} name `{name}` is not allowed: {reason}")]
    UnsafeName {
        /// What is named (service, volume, network, ...).
        what: &'static str,
        /// The name.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// A name used twice where names must be unique.
    #[error("{what} `{name}` is defined more than once")]
    DuplicateName {
        /// What is named.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A name that stackgen itself uses.
    #[error("{what} name `{name}` is reserved for the {owner}")]
    ReservedName {
        /// What is named (service, rule group).
        what: &'static str,
        /// The name.
        name: String,
        /// The section that generates it.
        owner: String,
    },
    /// A reference to something that does not exist.
    #[error("{what} `{name}` does not exist")]
    DanglingReference {
        /// What kind of thing is referenced.
        what: &'static str,
        /// The missing name.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// Services that depend on each other in a loop.
    #[error("dependency cycle: {}", cycle.join(" -> "))]
    DependencyCycle {
        /// The services in the loop, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// `healthy` on a dependency with no health check.
    #[error("`{dependency}` has no healthcheck, so it can never become healthy")]
    HealthyWithoutHealthcheck {
        /// The dependency.
        dependency: String,
    },
    /// Two services publish the same host port.
    #[error("host port {port} is published twice")]
    PortConflict {
        /// The port.
        port: u16,
        /// The service that published it first.
        first: String,
    },
    /// A port that does not parse.
    #[error("invalid port `{value}`: {reason}")]
    BadPort {
        /// The value as written.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// A mount that does not parse or escapes the bundle.
    #[error("invalid mount `{value}`: {reason}")]
    BadMount {
        /// The value as written.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// A service with neither `image` nor `build`.
    #[error("service `{service}` has no image")]
    MissingImage {
        /// The service.
        service: String,
    },
    /// A port a feature needs but the service does not say.
    #[error("service `{service}` has no port for {purpose}")]
    MissingPort {
        /// The service.
        service: String,
        /// What needs the port.
        purpose: String,
    },
    /// A `PromQL` expression that does not parse.
    #[error("invalid PromQL: {message}")]
    InvalidPromql {
        /// The parser's message.
        message: String,
    },
    /// An alert label or annotation that Prometheus would not parse as a Go template.
    #[error("invalid template: {message}")]
    InvalidTemplate {
        /// What the template parser objects to.
        message: String,
    },
    /// A template in a tested alert whose expanded value stackgen cannot work out.
    #[error("the alert's {field} holds a template its unit tests cannot expect")]
    UntestableTemplate {
        /// Which label or annotation.
        field: String,
        /// How to fix it.
        fix: String,
    },
    /// Text that would change the structure of a generated file.
    #[error("{field} contains {what}, which is not allowed here")]
    UnsafeText {
        /// The field.
        field: String,
        /// The offending character or sequence, described.
        what: String,
    },
    /// A feature needs a section the stack does not have.
    #[error("{feature} needs a `[{section}]` section")]
    MissingSection {
        /// What needs it.
        feature: String,
        /// The section.
        section: String,
    },
    /// An alert that no route delivers anywhere but the default receiver.
    #[error("alert `{alert}` has no route of its own and falls to the default receiver")]
    UnroutedAlert {
        /// The alert.
        alert: String,
    },
    /// A file the stack names could not be read.
    #[error("cannot read `{path}`: {reason}")]
    UnreadableFile {
        /// The path as written.
        path: String,
        /// Why.
        reason: String,
    },
    /// A receiver with no email, Slack, `PagerDuty` or webhook target.
    #[error("receiver `{receiver}` notifies no one")]
    EmptyReceiver {
        /// The receiver.
        receiver: String,
    },
    /// An Alertmanager route that an earlier route always takes first.
    #[error("route to `{receiver}` is unreachable")]
    UnreachableRoute {
        /// The route's receiver.
        receiver: String,
        /// The earlier route, described.
        shadowed_by: String,
    },
    /// A receiver that no route and not the default receiver names.
    #[error("receiver `{receiver}` is not used by any route")]
    UnusedReceiver {
        /// The receiver.
        receiver: String,
    },
    /// An Alertmanager label matcher that does not parse.
    #[error("invalid matcher `{matcher}`: {reason}")]
    InvalidMatcher {
        /// The matcher as written.
        matcher: String,
        /// Why it is refused.
        reason: String,
    },
    /// A file the stack names is not the PEM data it should be.
    #[error("`{path}` is not a PEM {expected}")]
    NotPem {
        /// The path as written.
        path: String,
        /// What it should hold (`certificate`, `private key`).
        expected: &'static str,
    },
    /// An ingress route to a service that only runs with a compose profile.
    #[error("route target `{service}` only runs with the profile(s) {profiles}")]
    RouteToProfiledService {
        /// The service.
        service: String,
        /// Its profiles, quoted and joined.
        profiles: String,
    },
    /// Built-in alerts for a service that no route delivers anywhere but the default receiver.
    #[error(
        "built-in alerts for `{service}` have no route of their own and fall to the default receiver: {alerts}"
    )]
    UnroutedLibraryAlerts {
        /// The service the library watches.
        service: String,
        /// The alert names, joined.
        alerts: String,
    },
}

impl ErrorKind {
    /// The stable diagnostic code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::TomlSyntax { .. } => "stackgen::toml::syntax",
            Self::TooLarge { .. } => "stackgen::toml::too-large",
            Self::UnknownKey { .. } => "stackgen::schema::unknown-key",
            Self::MissingKey { .. } => "stackgen::schema::missing-key",
            Self::WrongType { .. } => "stackgen::schema::type",
            Self::InvalidValue { .. } => "stackgen::schema::value",
            Self::BadDuration { .. } => "stackgen::value::duration",
            Self::BadSize { .. } => "stackgen::value::size",
            Self::LiteralSecret { .. } => "stackgen::secrets::literal",
            Self::UnsafeName { .. } => "stackgen::names::unsafe",
            Self::DuplicateName { .. } => "stackgen::names::duplicate",
            Self::ReservedName { .. } => "stackgen::names::reserved",
            Self::DanglingReference { .. } => "stackgen::refs::dangling",
            Self::DependencyCycle { .. } => "stackgen::deps::cycle",
            Self::HealthyWithoutHealthcheck { .. } => "stackgen::deps::no-healthcheck",
            Self::PortConflict { .. } => "stackgen::ports::conflict",
            Self::BadPort { .. } => "stackgen::ports::invalid",
            Self::BadMount { .. } => "stackgen::volumes::invalid",
            Self::MissingImage { .. } => "stackgen::service::no-image",
            Self::MissingPort { .. } => "stackgen::service::no-port",
            Self::InvalidPromql { .. } => "stackgen::promql::parse",
            Self::InvalidTemplate { .. } => "stackgen::alerts::template",
            Self::UntestableTemplate { .. } => "stackgen::alerts::untestable-template",
            Self::UnsafeText { .. } => "stackgen::text::unsafe",
            Self::MissingSection { .. } => "stackgen::refs::missing-section",
            Self::UnroutedAlert { .. } => "stackgen::alerting::unrouted",
            Self::UnreadableFile { .. } => "stackgen::files::unreadable",
            Self::EmptyReceiver { .. } => "stackgen::alerting::empty-receiver",
            Self::UnreachableRoute { .. } => "stackgen::alerting::unreachable-route",
            Self::InvalidMatcher { .. } => "stackgen::alerting::matcher",
            Self::UnusedReceiver { .. } => "stackgen::alerting::unused-receiver",
            Self::NotPem { .. } => "stackgen::files::not-pem",
            Self::RouteToProfiledService { .. } => "stackgen::ingress::profiled-upstream",
            Self::UnroutedLibraryAlerts { .. } => "stackgen::alerting::unrouted-library",
        }
    }

    /// One line on how to fix it.
    pub fn help(&self) -> String {
        match self {
            Self::TomlSyntax { .. } => "fix the TOML syntax at the marked place".to_owned(),
            Self::TooLarge { limit, .. } => {
                format!("split the stack or trim it below {limit} bytes")
            }
            Self::UnknownKey {
                suggestion: Some(suggestion),
                ..
            }
            | Self::DanglingReference {
                suggestion: Some(suggestion),
                ..
            } => format!("did you mean `{suggestion}`?"),
            Self::UnknownKey { allowed, .. } if allowed.is_empty() => {
                "remove the key; no keys are allowed here".to_owned()
            }
            Self::UnknownKey { allowed, .. } => {
                format!("remove the key; allowed keys here: {}", allowed.join(", "))
            }
            Self::MissingKey { key } => format!("add `{key} = ...` here"),
            Self::WrongType { expected, .. } => format!("write {expected} here"),
            Self::InvalidValue { fix, .. } | Self::UntestableTemplate { fix, .. } => fix.clone(),
            Self::BadDuration { .. } => {
                "write a number with a unit: `500ms`, `30s`, `5m`, `30d`; several units go largest first, each once: `1h30m`, not `30m1h`".to_owned()
            }
            Self::BadSize { .. } => "write a number with a unit: `512M`, `2G`".to_owned(),
            Self::LiteralSecret { variable, .. } => format!(
                "write `\"${{{variable}}}\"` and set {variable} in the environment or a .env file"
            ),
            Self::UnsafeName { .. } => {
                "use lowercase letters, digits and `-`, starting with a letter (at most 63 characters)".to_owned()
            }
            Self::DuplicateName { .. } => "rename one of them".to_owned(),
            Self::ReservedName { what, owner, .. } => {
                if *what == "service" {
                    format!("rename the service, or configure it through the {owner} section")
                } else {
                    format!("rename the {what}")
                }
            }
            Self::DanglingReference { what, .. } => format!("define the {what}, or remove the reference"),
            Self::DependencyCycle { .. } => {
                "remove one of the `depends-on` entries in the cycle".to_owned()
            }
            Self::HealthyWithoutHealthcheck { dependency } => format!(
                "add a `healthcheck` to `{dependency}`, or depend on it with `started`"
            ),
            Self::PortConflict { .. } => {
                "publish one of them on another host port, or drop the host port to keep it internal".to_owned()
            }
            Self::BadPort { .. } => {
                "write `\"HOST:CONTAINER\"`, `\"IP:HOST:CONTAINER\"` or a table { container = 80, host = 8080 }".to_owned()
            }
            Self::BadMount { .. } => {
                "write `\"volume-name:/path\"` with a volume from `[volumes]`, or `\"./relative/path:/path:ro\"`".to_owned()
            }
            Self::MissingImage { .. } => {
                "add `image = \"name:tag\"` or a `build` table".to_owned()
            }
            Self::MissingPort { purpose, .. } => {
                format!("add the port to `expose` or `ports`, or set the port for {purpose} explicitly")
            }
            Self::InvalidPromql { .. } => {
                "fix the expression; `promtool query instant` or Grafana's explorer help to try it out".to_owned()
            }
            Self::InvalidTemplate { .. } => {
                "Prometheus reads `{{ ... }}` as a Go template: fix the action (`{{ $labels.instance }}`, `{{ $value | humanize }}`), or write a literal `{{` as `{{ \"{{\" }}`".to_owned()
            }
            Self::UnsafeText { .. } => {
                "remove the character; generated files must keep the structure stackgen gives them".to_owned()
            }
            Self::MissingSection { section, .. } => format!("add a `[{section}]` section"),
            Self::UnroutedAlert { .. } => {
                "give the alert a severity or team that has a route, or add a route for it".to_owned()
            }
            Self::UnreadableFile { .. } => {
                "paths are relative to the stack file; check that the file exists".to_owned()
            }
            Self::EmptyReceiver { .. } => {
                "add `email`, `slack`, `pagerduty` or `webhook` targets, or keep it empty to drop alerts on purpose".to_owned()
            }
            Self::UnreachableRoute { shadowed_by, .. } => format!(
                "{shadowed_by} takes every alert this route matches; set `continue = true` there, or remove this route"
            ),
            Self::UnusedReceiver { .. } => {
                "name it in a route or as `default-receiver`, or remove it".to_owned()
            }
            Self::InvalidMatcher { .. } => {
                "write `label=\"value\"`, `label!=\"value\"`, `label=~\"regex\"` or `label!~\"regex\"`".to_owned()
            }
            Self::NotPem { expected, .. } => format!(
                "point at a PEM file starting with `-----BEGIN ...`; `openssl x509`/`openssl pkey` convert DER to PEM (the {expected} is copied into the bundle as is)"
            ),
            Self::RouteToProfiledService { .. } => {
                "requests to it fail while the profile is off (a replicated target even keeps nginx from starting); remove the profile, or always start it with the stack".to_owned()
            }
            Self::UnroutedLibraryAlerts { .. } => {
                "add a route for their severity, give the service a `team` that has a route, or turn them off with the service's `alerts.disable`".to_owned()
            }
        }
    }

    /// The short label drawn under the span.
    pub fn label(&self) -> String {
        match self {
            Self::TomlSyntax { .. } => "here".to_owned(),
            Self::TooLarge { .. } => "this file".to_owned(),
            Self::UnknownKey { .. } => "unknown key".to_owned(),
            Self::MissingKey { key } => format!("`{key}` is missing in this table"),
            Self::WrongType { expected, .. } => format!("expected {expected}"),
            Self::InvalidValue { .. } => "invalid value".to_owned(),
            Self::BadDuration { .. } => "not a duration".to_owned(),
            Self::BadSize { .. } => "not a size".to_owned(),
            Self::LiteralSecret { .. } => "literal secret".to_owned(),
            Self::UnsafeName { .. } => "unsafe name".to_owned(),
            Self::DuplicateName { .. } => "defined again here".to_owned(),
            Self::ReservedName { .. } => "reserved name".to_owned(),
            Self::DanglingReference { what, .. } => format!("no such {what}"),
            Self::DependencyCycle { .. } => "this dependency closes the cycle".to_owned(),
            Self::HealthyWithoutHealthcheck { .. } => {
                "waits for a health check that never runs".to_owned()
            }
            Self::PortConflict { first, .. } => format!("already published by `{first}`"),
            Self::BadPort { .. } => "invalid port".to_owned(),
            Self::BadMount { .. } => "invalid mount".to_owned(),
            Self::MissingImage { .. } => "this service".to_owned(),
            Self::MissingPort { .. } => "needs a port".to_owned(),
            Self::InvalidPromql { .. } => "invalid expression".to_owned(),
            Self::InvalidTemplate { .. } => "invalid template".to_owned(),
            Self::UntestableTemplate { .. } => "cannot be expected".to_owned(),
            Self::UnsafeText { .. } => "unsafe text".to_owned(),
            Self::MissingSection { .. } => "needs the section".to_owned(),
            Self::UnroutedAlert { .. } => "falls to the default receiver".to_owned(),
            Self::UnreadableFile { .. } => "unreadable".to_owned(),
            Self::EmptyReceiver { .. } => "no targets".to_owned(),
            Self::UnreachableRoute { .. } => "never reached".to_owned(),
            Self::InvalidMatcher { .. } => "invalid matcher".to_owned(),
            Self::UnusedReceiver { .. } => "never notified".to_owned(),
            Self::NotPem { expected, .. } => format!("not a PEM {expected}"),
            Self::RouteToProfiledService { .. } => "routed here".to_owned(),
            Self::UnroutedLibraryAlerts { .. } => {
                "built-in alerts fall to the default receiver".to_owned()
            }
        }
    }
}
