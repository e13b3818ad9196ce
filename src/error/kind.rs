//! Every kind of problem stackgen reports, each defined in one place: its
//! message, stable code, help line and label sit on its variant.
//!
//! Codes are part of the interface (scripts match on them; snapshots pin
//! them): add new ones freely, never rename old ones. To add a diagnostic,
//! append a variant with all four attributes (see `define.rs`).

error_kinds! {
    /// What is wrong. The `Display` text is the message; the derived
    /// [`miette::Diagnostic`] carries the code and help line, and
    /// [`ErrorKind::label`] the text drawn under the span.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
    pub enum ErrorKind {
        /// The file is not valid TOML.
        #[error("invalid TOML: {message}")]
        #[diagnostic(code("stackgen::toml::syntax"), help("fix the TOML syntax at the marked place"))]
        #[label("here")]
        TomlSyntax {
            /// The parser's message.
            message: String,
        },
        /// The file is larger than stackgen accepts.
        #[error("the stack file is {size} bytes; the limit is {limit} bytes")]
        #[diagnostic(
            code("stackgen::toml::too-large"),
            help("split the stack or trim it below {limit} bytes")
        )]
        #[label("this file")]
        TooLarge {
            /// The file's size.
            size: usize,
            /// The limit.
            limit: usize,
        },
        /// A key the format does not know.
        #[error("unknown key `{key}`")]
        #[diagnostic(
            code("stackgen::schema::unknown-key"),
            help("{}", unknown_key_help(suggestion.as_deref(), taken.as_deref(), allowed))
        )]
        #[label("unknown key")]
        UnknownKey {
            /// The key.
            key: String,
            /// The closest known key the table does not set yet, if any is close.
            suggestion: Option<String>,
            /// A closer key the table sets already (renaming to it would
            /// set it twice).
            taken: Option<String>,
            /// The keys allowed here.
            allowed: Vec<String>,
        },
        /// A required key is missing.
        #[error("missing key `{key}`")]
        #[diagnostic(code("stackgen::schema::missing-key"), help("add `{key} = ...` here"))]
        #[label("`{key}` is missing in this table")]
        MissingKey {
            /// The key.
            key: String,
        },
        /// A value of the wrong type.
        #[error("expected {expected}, found {found}")]
        #[diagnostic(code("stackgen::schema::type"), help("write {expected} here"))]
        #[label("expected {expected}")]
        WrongType {
            /// What the format wants.
            expected: String,
            /// What the file has.
            found: String,
        },
        /// `nan` or `inf` where a number belongs: no output format holds them.
        #[error("`{value}` is not a finite number")]
        #[diagnostic(
            code("stackgen::schema::non-finite"),
            help("write a finite number, such as `0.5`, or the text `\"{value}\"` in quotes where text belongs: TOML reads `{value}` as a float no generated config can hold")
        )]
        #[label("not a finite number")]
        NonFiniteNumber {
            /// The value as written.
            value: String,
        },
        /// A value outside the allowed set or range.
        #[error("invalid value {value}: {reason}")]
        #[diagnostic(code("stackgen::schema::value"), help("{fix}"))]
        #[label("invalid value")]
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
        #[diagnostic(
            code("stackgen::value::duration"),
            help("write a number with a unit: `500ms`, `30s`, `5m`, `30d`; several units go largest first, each once: `1h30m`, not `30m1h`")
        )]
        #[label("not a duration")]
        BadDuration {
            /// The value as written.
            value: String,
        },
        /// A byte size that does not parse.
        #[error("`{value}` is not a size")]
        #[diagnostic(code("stackgen::value::size"), help("write a number with a unit: `512M`, `2G`"))]
        #[label("not a size")]
        BadSize {
            /// The value as written.
            value: String,
        },
        /// A literal secret where a `${VAR}` reference belongs.
        #[error("literal secret in `{field}`")]
        #[diagnostic(
            code("stackgen::secrets::literal"),
            help("write `\"${{{variable}}}\"` and set {variable} in the environment or a .env file")
        )]
        #[label("literal secret")]
        LiteralSecret {
            /// The field that holds it.
            field: String,
            /// The variable name to suggest.
            variable: String,
        },
        /// A URL in an environment value that carries a literal password.
        #[error("literal password in the URL of `{field}`")]
        #[diagnostic(
            code("stackgen::secrets::url-password"),
            help("write the password as `${{{variable}}}` inside the URL and set {variable} in the environment or a .env file")
        )]
        #[label("literal password")]
        UrlPassword {
            /// The variable that holds the URL.
            field: String,
            /// The variable name to suggest for the password.
            variable: String,
        },
        /// A name that is unsafe as a DNS label or file name.
        #[error("{what} name `{name}` is not allowed: {reason}")]
        #[diagnostic(
            code("stackgen::names::unsafe"),
            help("use lowercase letters, digits and `-`, starting with a letter (at most 63 characters)")
        )]
        #[label("unsafe name")]
        UnsafeName {
            /// What is named (service, volume, network, ...).
            what: &'static str,
            /// The name.
            name: String,
            /// Why it is refused.
            reason: String,
        },
        /// A key that is not a name of its target's grammar (an environment
        /// variable name, a label name, a Docker label key).
        #[error("`{name}` is not {what}")]
        #[diagnostic(code("stackgen::names::invalid"), help("{rule}"))]
        #[label("not {what}")]
        InvalidName {
            /// What the key must be: "an environment variable name".
            what: &'static str,
            /// The key as written, line breaks and control characters escaped.
            name: String,
            /// How to write one.
            rule: &'static str,
        },
        /// A name used twice where names must be unique.
        #[error("{what} `{name}` is defined more than once")]
        #[diagnostic(code("stackgen::names::duplicate"), help("{}", duplicate_help(what)))]
        #[label("defined again here")]
        DuplicateName {
            /// What is named.
            what: &'static str,
            /// The name.
            name: String,
        },
        /// A name that stackgen itself uses.
        #[error("{what} name `{name}` is reserved for the {owner}")]
        #[diagnostic(code("stackgen::names::reserved"), help("{}", reserved_name_help(what, owner)))]
        #[label("reserved name")]
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
        #[diagnostic(
            code("stackgen::refs::dangling"),
            help("{}", dangling_reference_help(what, suggestion.as_deref()))
        )]
        #[label("no such {what}")]
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
        #[diagnostic(
            code("stackgen::deps::cycle"),
            help("remove one of the `depends-on` entries in the cycle")
        )]
        #[label("this dependency closes the cycle")]
        DependencyCycle {
            /// The services in the loop, the first repeated at the end.
            cycle: Vec<String>,
        },
        /// A health check with more than one of `command`, `shell` and `http`.
        #[error("the health check has {forms}; it runs only one")]
        #[diagnostic(
            code("stackgen::health::several-forms"),
            help("{}", several_forms_help(keep))
        )]
        #[label("more than one check")]
        HealthcheckForms {
            /// The forms written, as `` `command` and `http` ``.
            forms: String,
            /// The forms written that the other checks take (not empty, and
            /// `http` only with a port to probe).
            keep: Vec<&'static str>,
        },
        /// A health check with nothing to run: no form, or an empty one.
        #[error("the health check {what}")]
        #[diagnostic(
            code("stackgen::health::empty"),
            help("{}", healthcheck_empty_help(*can_probe, *needed))
        )]
        #[label("nothing to run")]
        HealthcheckEmpty {
            /// What is missing, as `has no command`.
            what: String,
            /// Whether an `http` check would have a port to probe.
            can_probe: bool,
            /// Whether a service waits for this one to be healthy.
            needed: bool,
        },
        /// An HTTP health check with no port to probe.
        #[error("the HTTP health check of `{service}` has no port to probe")]
        #[diagnostic(
            code("stackgen::health::no-port"),
            help("set `port = ...` in the health check, or give `{service}` a port in `ports` or `expose`")
        )]
        #[label("no port to probe")]
        HealthcheckNoPort {
            /// The service.
            service: String,
        },
        /// `port` or `http-tool` in a health check without `http`, the only
        /// form that reads them.
        #[error("`{key}` applies only to an `http` health check; this one {}", http_only_form(*form))]
        #[diagnostic(
            code("stackgen::health::http-only"),
            help("{}", http_only_help(key, *form, *can_probe, *has_timing))
        )]
        #[label("unused without `http`")]
        HealthcheckHttpOnly {
            /// The key: `port` or `http-tool`.
            key: &'static str,
            /// The form the check has instead, if any.
            form: Option<&'static str>,
            /// Whether an `http` check would have a port to probe.
            can_probe: bool,
            /// Whether the check sets its timing.
            has_timing: bool,
        },
        /// A process limit whose soft value is above its hard value.
        #[error("the soft `{name}` limit {soft} is above the hard limit {hard}")]
        #[diagnostic(
            code("stackgen::ulimits::soft-above-hard"),
            help("lower `soft` to {hard} or less, or raise `hard`; `-1` means unlimited")
        )]
        #[label("soft above hard")]
        UlimitSoftAboveHard {
            /// The limit's name.
            name: String,
            /// The soft value as written.
            soft: String,
            /// The hard value as written.
            hard: String,
        },
        /// `healthy` on a dependency with no health check.
        #[error("`{dependency}` has no healthcheck, so it can never become healthy")]
        #[diagnostic(
            code("stackgen::deps::no-healthcheck"),
            help("add a `healthcheck` to `{dependency}`, or depend on it with `started`")
        )]
        #[label("waits for a health check that never runs")]
        HealthyWithoutHealthcheck {
            /// The dependency.
            dependency: String,
        },
        /// Two services publish the same host port.
        #[error("host port {port} is published twice")]
        #[diagnostic(
            code("stackgen::ports::conflict"),
            help("publish one of them on another host port, or drop the host port to keep it internal")
        )]
        #[label("already published by `{first}`")]
        PortConflict {
            /// The port.
            port: u16,
            /// The service that published it first.
            first: String,
        },
        /// A port that does not parse.
        #[error("invalid port `{value}`: {reason}")]
        #[diagnostic(
            code("stackgen::ports::invalid"),
            help("write `\"HOST:CONTAINER\"`, `\"IP:HOST:CONTAINER\"` or a table {{ container = 80, host = 8080 }}")
        )]
        #[label("invalid port")]
        BadPort {
            /// The value as written.
            value: String,
            /// Why it is refused.
            reason: String,
        },
        /// A mount that does not parse or escapes the bundle.
        #[error("invalid mount `{value}`: {reason}")]
        #[diagnostic(
            code("stackgen::volumes::invalid"),
            help("write `\"volume-name:/path\"` with a volume from `[volumes]`, or `\"./relative/path:/path:ro\"`")
        )]
        #[label("invalid mount")]
        BadMount {
            /// The value as written.
            value: String,
            /// Why it is refused.
            reason: String,
        },
        /// A service with neither `image` nor `build`.
        #[error("service `{service}` has no image")]
        #[diagnostic(
            code("stackgen::service::no-image"),
            help("add `image = \"name:tag\"` or a `build` table")
        )]
        #[label("this service")]
        MissingImage {
            /// The service.
            service: String,
        },
        /// A port a feature needs but the service does not say.
        #[error("service `{service}` has no port for {purpose}")]
        #[diagnostic(
            code("stackgen::service::no-port"),
            help("add the port to `expose` or `ports`, or set the port for {purpose} explicitly")
        )]
        #[label("needs a port")]
        MissingPort {
            /// The service.
            service: String,
            /// What needs the port.
            purpose: String,
        },
        /// A `PromQL` expression that does not parse.
        #[error("invalid PromQL: {message}")]
        #[diagnostic(
            code("stackgen::promql::parse"),
            help("fix the expression; `promtool query instant` or Grafana's explorer help to try it out")
        )]
        #[label("{label}")]
        InvalidPromql {
            /// What is wrong (the parser's message, or what is missing where).
            message: String,
            /// What the span points at: the expression, or the place in it.
            label: &'static str,
        },
        /// An alert label or annotation that Prometheus would not parse as a Go template.
        #[error("invalid template: {message}")]
        #[diagnostic(
            code("stackgen::alerts::template"),
            help("Prometheus reads `{{{{ ... }}}}` as a Go template: fix the action (`{{{{ $labels.instance }}}}`, `{{{{ $value | humanize }}}}`), or write a literal `{{{{` as `{{{{ \"{{{{\" }}}}`")
        )]
        #[label("invalid template")]
        InvalidTemplate {
            /// What the template parser objects to.
            message: String,
        },
        /// A template in a tested alert whose expanded value stackgen cannot work out.
        #[error("the alert's {field} holds a template its unit tests cannot expect")]
        #[diagnostic(code("stackgen::alerts::untestable-template"), help("{fix}"))]
        #[label("cannot be expected")]
        UntestableTemplate {
            /// Which label or annotation.
            field: String,
            /// How to fix it.
            fix: String,
        },
        /// Text that would change the structure of a generated file.
        #[error("{field} contains {what}, which is not allowed here")]
        #[diagnostic(
            code("stackgen::text::unsafe"),
            help("remove the character; generated files must keep the structure stackgen gives them")
        )]
        #[label("unsafe text")]
        UnsafeText {
            /// The field.
            field: String,
            /// The offending character or sequence, described.
            what: String,
        },
        /// A feature needs a section the stack does not have.
        #[error("{feature} needs a `[{section}]` section")]
        #[diagnostic(code("stackgen::refs::missing-section"), help("add a `[{section}]` section"))]
        #[label("needs the section")]
        MissingSection {
            /// What needs it.
            feature: String,
            /// The section.
            section: String,
        },
        /// An alert that no route delivers anywhere but the default receiver.
        #[error("alert `{alert}` has no route of its own and falls to the default receiver")]
        #[diagnostic(
            code("stackgen::alerting::unrouted"),
            help("give the alert a severity or team that has a route, or add a route for it")
        )]
        #[label("falls to the default receiver")]
        UnroutedAlert {
            /// The alert.
            alert: String,
        },
        /// A file the stack names could not be read.
        #[error("cannot read `{path}`: {reason}")]
        #[diagnostic(
            code("stackgen::files::unreadable"),
            help("paths are relative to the stack file; check that the file exists")
        )]
        #[label("unreadable")]
        UnreadableFile {
            /// The path as written.
            path: String,
            /// Why.
            reason: String,
        },
        /// A receiver with no email, Slack, `PagerDuty` or webhook target.
        #[error("receiver `{receiver}` notifies no one")]
        #[diagnostic(
            code("stackgen::alerting::empty-receiver"),
            help("add `email`, `slack`, `pagerduty` or `webhook` targets, or keep it empty to drop alerts on purpose")
        )]
        #[label("no targets")]
        EmptyReceiver {
            /// The receiver.
            receiver: String,
        },
        /// An Alertmanager route that an earlier route always takes first.
        #[error("route to `{receiver}` is unreachable")]
        #[diagnostic(
            code("stackgen::alerting::unreachable-route"),
            help("{shadowed_by} takes every alert this route matches; set `continue = true` there, or remove this route")
        )]
        #[label("never reached")]
        UnreachableRoute {
            /// The route's receiver.
            receiver: String,
            /// The earlier route, described.
            shadowed_by: String,
        },
        /// A receiver that no route and not the default receiver names.
        #[error("receiver `{receiver}` is not used by any route")]
        #[diagnostic(
            code("stackgen::alerting::unused-receiver"),
            help("name it in a route or as `default-receiver`, or remove it")
        )]
        #[label("never notified")]
        UnusedReceiver {
            /// The receiver.
            receiver: String,
        },
        /// An Alertmanager label matcher that does not parse.
        #[error("invalid matcher `{matcher}`: {reason}")]
        #[diagnostic(
            code("stackgen::alerting::matcher"),
            help("write `label=\"value\"`, `label!=\"value\"`, `label=~\"regex\"` or `label!~\"regex\"`")
        )]
        #[label("invalid matcher")]
        InvalidMatcher {
            /// The matcher as written.
            matcher: String,
            /// Why it is refused.
            reason: String,
        },
        /// A file the stack names is not the PEM data it should be.
        #[error("`{path}` is not a PEM {expected}")]
        #[diagnostic(
            code("stackgen::files::not-pem"),
            help("point at a PEM file starting with `-----BEGIN ...`; `openssl x509`/`openssl pkey` convert DER to PEM (the {expected} is copied into the bundle as is)")
        )]
        #[label("not a PEM {expected}")]
        NotPem {
            /// The path as written.
            path: String,
            /// What it should hold (`certificate`, `private key`).
            expected: &'static str,
        },
        /// A TLS key nginx cannot load unattended (an OpenSSH key, an encrypted key).
        #[error("`{path}` is not a private key nginx can use: {reason}")]
        #[diagnostic(
            code("stackgen::files::bad-key"),
            help("point `key` at the unencrypted PEM private key (`BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`) the certificate was issued for")
        )]
        #[label("not a usable private key")]
        UnusableKey {
            /// The path as written.
            path: String,
            /// Why.
            reason: String,
        },
        /// A TLS key that is not the certificate's.
        #[error("`{path}` is not the private key of the certificate `{certificate}`")]
        #[diagnostic(
            code("stackgen::files::key-mismatch"),
            help("nginx refuses a key whose public half is not the certificate's; point `key` at the key the certificate was issued for (`openssl x509 -noout -pubkey -in CERT` and `openssl pkey -pubout -in KEY` print the same key when they belong together)")
        )]
        #[label("not the certificate's key")]
        KeyMismatch {
            /// The key's path as written.
            path: String,
            /// The certificate's path as written.
            certificate: String,
        },
        /// An ingress route to a service that only runs with a compose profile.
        #[error("route target `{service}` only runs with the profile(s) {profiles}")]
        #[diagnostic(
            code("stackgen::ingress::profiled-upstream"),
            help("requests to it fail while the profile is off; remove the profile, or always start it with the stack")
        )]
        #[label("routed here")]
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
        #[diagnostic(
            code("stackgen::alerting::unrouted-library"),
            help("add a route for their severity, give the service a `team` that has a route, or turn them off with the service's `alerts.disable`")
        )]
        #[label("built-in alerts fall to the default receiver")]
        UnroutedLibraryAlerts {
            /// The service the library watches.
            service: String,
            /// The alert names, joined.
            alerts: String,
        },
        /// A monitored Redis without `maxmemory`, whose out-of-memory alert cannot fire (a warning).
        #[error("Redis `{service}` runs without `maxmemory`, so `RedisOutOfMemory` cannot fire")]
        #[diagnostic(
            code("stackgen::alerts::redis-maxmemory"),
            help("set it below the container's memory: add `\"--maxmemory\", \"{suggestion}\"` to the `command` (`[\"redis-server\", \"--maxmemory\", \"{suggestion}\"]` for the image's own); or turn the alert off with `alerts = {{ disable = [\"RedisOutOfMemory\"] }}`")
        )]
        #[label("Redis grows until the kernel kills it")]
        RedisMaxmemoryUnset {
            /// The Redis service.
            service: String,
            /// The `maxmemory` to suggest, such as `384mb`.
            suggestion: String,
        },
        /// A file or folder the stack names that is not inside the stack file's folder.
        #[error("`{path}` is outside the stack file's folder: {reason}")]
        #[diagnostic(
            code("stackgen::files::outside"),
            help("name files by paths relative to the stack file, inside its folder (links are followed and must stay inside too); to read files from another folder, run stackgen with `--allow-input-dir DIR`")
        )]
        #[label("outside the stack's folder")]
        InputOutside {
            /// The path as written.
            path: String,
            /// Where it leads.
            reason: String,
        },
        /// An SLO objective that is not a percentage above 0 and below 100.
        #[error("objective {value} is not a usable percentage: {reason}")]
        #[diagnostic(
            code("stackgen::slos::objective"),
            help("write the share of good events in percent, above 0 and below 100, with at most 10 decimal places: `99.9` for 99.9%")
        )]
        #[label("not a usable objective")]
        SloObjective {
            /// The objective as written.
            value: String,
            /// Why it is refused.
            reason: String,
        },
        /// An SLO period longer than Prometheus keeps data.
        #[error("the SLO period {period} is longer than Prometheus keeps data ({retention})")]
        #[diagnostic(
            code("stackgen::slos::retention"),
            help("set `[prometheus] retention = \"{period}\"` or longer, or shorten the period: the ratio over the period would read partial data")
        )]
        #[label("longer than the retention")]
        SloPeriodBeyondRetention {
            /// The period as written.
            period: String,
            /// The retention, as written or its default.
            retention: String,
        },
        /// An SLO period shorter than the windows its alerts read.
        #[error("the SLO period {period} is shorter than the {window} window of its alerts")]
        #[diagnostic(
            code("stackgen::slos::period"),
            help("use a period of {window} or longer; 30d and 28d are the usual ones")
        )]
        #[label("shorter than the alert windows")]
        SloPeriodTooShort {
            /// The period as written.
            period: String,
            /// The longest alert window.
            window: String,
        },
        /// A selector of an SLI that is not what stackgen can wrap in `rate()`.
        #[error("`{field}` is not a plain series selector: {reason}")]
        #[diagnostic(code("stackgen::slos::selector"), help("{fix}"))]
        #[label("not a plain selector")]
        SloSelector {
            /// The field.
            field: String,
            /// What is wrong.
            reason: String,
            /// How to fix it.
            fix: String,
        },
        /// An SLO whose SLI is missing, doubled, or cannot tell bad events from good ones.
        #[error("SLO `{slo}` {reason}")]
        #[diagnostic(code("stackgen::slos::sli"), help("{fix}"))]
        #[label("{label}")]
        SloSli {
            /// The SLO's name.
            slo: String,
            /// What is wrong.
            reason: String,
            /// How to fix it.
            fix: String,
            /// The text under the span.
            label: String,
        },
        /// An SLO of a service Prometheus does not scrape.
        #[error("service `{service}` is not scraped by Prometheus, so its SLO has no metrics")]
        #[diagnostic(
            code("stackgen::slos::unscraped"),
            help("give `[services.{service}]` a `metrics` table (and the port it serves metrics on), or point the SLO at a service that has one")
        )]
        #[label("not scraped")]
        SloUnscraped {
            /// The service.
            service: String,
        },
        /// An SLO alert tier that no share of bad events can fire.
        #[error("the {tier} alert can never fire: at objective {objective}%, even every event failing burns the budget too slowly")]
        #[diagnostic(
            code("stackgen::slos::unreachable-alert"),
            help("raise the objective to {minimum}% or more (it is a percentage: `99.9`, not `0.999`), or turn the tier off with `{tier} = false` in the SLO's `alerting`")
        )]
        #[label("too low for {tier} alerts")]
        SloUnreachableAlert {
            /// `page` or `ticket`.
            tier: &'static str,
            /// The objective.
            objective: String,
            /// The lowest objective at which the tier can fire.
            minimum: String,
        },
        /// The Compose file given to `import` is not valid YAML.
        #[error("invalid YAML: {message}")]
        #[diagnostic(code("stackgen::import::yaml"), help("fix the YAML syntax at the marked place"))]
        #[label("here")]
        ComposeYaml {
            /// The parser's message.
            message: String,
        },
        /// The file given to `import` is larger than stackgen reads.
        #[error("the Compose file is {size} bytes; the limit is {limit} bytes")]
        #[diagnostic(
            code("stackgen::import::too-large"),
            help("split the Compose file or trim it below {limit} bytes")
        )]
        #[label("this file")]
        ComposeTooLarge {
            /// The file's size.
            size: usize,
            /// The limit.
            limit: usize,
        },
        /// The file given to `import` is not a Compose file.
        #[error("not a Compose file: {reason}")]
        #[diagnostic(
            code("stackgen::import::not-compose"),
            help("import reads a Compose file: a mapping with a `services` section, such as docker-compose.yml or compose.yaml")
        )]
        #[label("expected a Compose file")]
        NotCompose {
            /// What is missing or wrong.
            reason: String,
        },
        /// A key the Compose Specification does not have.
        #[error("unknown Compose key `{key}`")]
        #[diagnostic(
            code("stackgen::import::unknown-key"),
            help("{}", compose_unknown_key_help(suggestion.as_deref()))
        )]
        #[label("unknown key")]
        ComposeUnknownKey {
            /// The key.
            key: String,
            /// The closest key the specification allows here, if any is close.
            suggestion: Option<String>,
        },
        /// A Compose value the Compose Specification does not allow.
        #[error("invalid Compose value: {reason}")]
        #[diagnostic(
            code("stackgen::import::invalid"),
            help("write the value the Compose Specification allows here; `docker compose config` shows the same problem")
        )]
        #[label("invalid value")]
        ComposeInvalid {
            /// What the specification wants here.
            reason: String,
        },
        /// A Compose feature that `import` does not follow.
        #[error("`{feature}` is not supported by `stackgen import`")]
        #[diagnostic(code("stackgen::import::unsupported"), help("{fix}"))]
        #[label("not supported")]
        ComposeUnsupported {
            /// The key (`include`, `extends`).
            feature: String,
            /// What to do instead.
            fix: String,
        },
        /// `[logs]` in a stack without `[grafana]`, which would show the logs.
        #[error("`[logs]` collects logs that nothing in the stack shows: there is no `[grafana]`")]
        #[diagnostic(
            code("stackgen::logs::no-grafana"),
            help("add a `[grafana]` section: it gets a Loki datasource and log panels (without it, query Loki's API or use logcli)")
        )]
        #[label("no Grafana to read these logs")]
        LogsWithoutGrafana {},
        /// A log retention shorter than the day Loki's compactor needs.
        #[error("log retention {value} is shorter than a day")]
        #[diagnostic(
            code("stackgen::logs::retention"),
            help("keep logs for a day or more, such as `1d` or `15d`: Loki's compactor applies retention per daily index table and refuses less than 24h")
        )]
        #[label("shorter than 24h")]
        LogRetentionTooShort {
            /// The retention as written.
            value: String,
        },
        /// A Loki or Alloy release the generated configuration is not written for.
        #[error("{product} {value} is not a release stackgen writes configuration for: {reason}")]
        #[diagnostic(code("stackgen::logs::version"), help("{fix}"))]
        #[label("unsupported release")]
        UnsupportedRelease {
            /// `Loki` or `Alloy`.
            product: &'static str,
            /// The version as written.
            value: String,
            /// Why it is refused.
            reason: String,
            /// Which releases to use instead.
            fix: String,
        },
        /// A name that becomes part of a Kubernetes object and that Kubernetes refuses.
        #[error("{what} `{name}` cannot be used on Kubernetes: {reason}")]
        #[diagnostic(code("stackgen::kubernetes::name"), help("{fix}"))]
        #[label("not a valid Kubernetes name")]
        KubernetesName {
            /// What is named (namespace, `StorageClass`, environment variable, ...).
            what: &'static str,
            /// The name.
            name: String,
            /// Why Kubernetes refuses it.
            reason: String,
            /// What Kubernetes accepts.
            fix: String,
        },
        /// Something of the stack that the Kubernetes manifests carry only in
        /// part, or not at all: an entry of the loss report.
        #[error("on Kubernetes, {what}: {consequence}")]
        #[diagnostic(code("stackgen::kubernetes::loss"), help("{fix}"))]
        #[label("not carried over as written")]
        KubernetesLoss {
            /// What of the stack.
            what: String,
            /// What the manifests do instead.
            consequence: String,
            /// What to do about it.
            fix: String,
        },
        /// The retired ingress-nginx was chosen for the routes.
        #[error("ingress-nginx was retired in March 2026 and gets no more fixes, security fixes included")]
        #[diagnostic(
            code("stackgen::kubernetes::retired"),
            help("use `ingress = \"gateway-api\"` (the default): HTTPRoutes attached to a Gateway of any Gateway API implementation")
        )]
        #[label("retired controller")]
        RetiredIngressNginx {},
        /// A route's own host that the proxy's TLS certificate does not name (a warning).
        #[error("the TLS certificate does not name `{host}` (it names {names})")]
        #[diagnostic(
            code("stackgen::ingress::host-not-in-certificate"),
            help("use a certificate that names `{host}` as well (a subject alternative name, or a wildcard one level above it): browsers refuse the host with this one")
        )]
        #[label("not named by the certificate")]
        HostNotInCertificate {
            /// The route's host.
            host: String,
            /// The certificate's DNS names, joined.
            names: String,
        },
        /// Prometheus or Alertmanager, which have no login, publish a host
        /// port on every address while the proxy fronts the stack (a warning).
        #[error("{service} publishes host port {port} on all addresses without authentication, beside the proxy{}", bypass_text(bypassed.as_deref()))]
        #[diagnostic(
            code("stackgen::exposure::open-port"),
            help("set `bind = \"127.0.0.1\"` in [{section}] to keep the port on this host{}", open_port_help(service, *routed))
        )]
        #[label("published on every address")]
        OpenPort {
            /// The generated service.
            service: String,
            /// Its section, without brackets.
            section: String,
            /// The host port.
            port: u16,
            /// Whether a route of the proxy points at it.
            routed: bool,
            /// The URL its route asks for credentials at, if any.
            bypassed: Option<String>,
        },
        /// The proxy serves Prometheus or Alertmanager, which have no login,
        /// without authentication (a warning).
        #[error("the proxy serves {service} at {url} without authentication, and {service} has no login of its own")]
        #[diagnostic(
            code("stackgen::exposure::open-route"),
            help("give the route `auth = {{ basic-file = \"FILE\" }}`, FILE an htpasswd file of password hashes in the stack's folder (`htpasswd -B -c FILE USER` writes one)")
        )]
        #[label("open to anyone who reaches the proxy")]
        OpenRoute {
            /// The generated service.
            service: String,
            /// The URL it is served at.
            url: String,
        },
    }
}

impl ErrorKind {
    /// One line on how to fix it (the derived [`miette::Diagnostic::help`]).
    pub fn help(&self) -> String {
        miette::Diagnostic::help(self).map_or_else(String::new, |help| help.to_string())
    }
}

fn open_port_help(service: &str, routed: bool) -> String {
    if routed {
        format!(": the proxy reaches {service} inside the stack")
    } else {
        ", and serve it through an `[[ingress.routes]]` entry with `auth` where it must be reached from elsewhere".to_owned()
    }
}

fn bypass_text(bypassed: Option<&str>) -> String {
    bypassed.map_or_else(String::new, |url| {
        format!(", past the credentials its route asks for at {url}")
    })
}

fn unknown_key_help(suggestion: Option<&str>, taken: Option<&str>, allowed: &[String]) -> String {
    match (suggestion, taken) {
        (_, Some(taken)) => {
            format!("remove the key: `{taken}`, which it resembles, is set already")
        }
        (Some(suggestion), None) => format!("did you mean `{suggestion}`?"),
        (None, None) if allowed.is_empty() => "remove the key; no keys are allowed here".to_owned(),
        (None, None) => format!("remove the key; allowed keys here: {}", allowed.join(", ")),
    }
}

/// What a duplicate route path of the main server is called.
pub const ROUTE_PATH: &str = "route path";
/// What a duplicate route path of a route's own host is called.
pub const ROUTE_PATH_ON_HOST: &str = "route path on this host";

/// How to undo a duplicate: a route path is unique per host, so a route
/// can also move to a host; anything else is renamed.
fn duplicate_help(what: &str) -> &'static str {
    match what {
        ROUTE_PATH => {
            "serve one of them under another path, or on a host of its own (`host = \"...\"` in the route)"
        }
        ROUTE_PATH_ON_HOST => {
            "serve one of them under another path, or on another host (its `host`)"
        }
        _ => "rename one of them",
    }
}

fn several_forms_help(keep: &[&str]) -> String {
    let listed: Vec<String> = keep.iter().map(|form| format!("`{form}`")).collect();
    match listed.split_last() {
        None => "keep one check with something to run (`http` needs a port to probe) and remove the others".to_owned(),
        Some((only, [])) => format!("keep {only} and remove the others"),
        Some((last, first)) => format!(
            "keep one of {} and {last} and remove the others",
            first.join(", ")
        ),
    }
}

fn healthcheck_empty_help(can_probe: bool, needed: bool) -> String {
    let command = "`command = [\"redis-cli\", \"ping\"]`";
    let shell = "`shell = \"pg_isready || exit 1\"`";
    let forms = if can_probe {
        format!("{command}, {shell} or `http = \"/health\"`")
    } else {
        format!("{command} or {shell}")
    };
    let remove = if needed {
        ""
    } else {
        "; or remove `healthcheck`"
    };
    format!(
        "write {forms}; set only `interval`, `timeout`, `retries` or `start-period` to run the image's own check{remove}"
    )
}

fn http_only_form(form: Option<&str>) -> String {
    form.map_or_else(
        || "has no `command`, `shell` or `http`".to_owned(),
        |form| format!("runs `{form}`"),
    )
}

fn http_only_help(key: &str, form: Option<&str>, can_probe: bool, has_timing: bool) -> String {
    match (form, can_probe, has_timing) {
        (Some(form), ..) => format!("remove `{key}`: a `{form}` check does not read it"),
        (None, true, true) => format!(
            "add `http = \"/health\"` to probe that path, or remove `{key}` to run the image's own check with this timing"
        ),
        (None, true, false) => "add `http = \"/health\"` to probe that path".to_owned(),
        (None, false, true) => {
            format!("remove `{key}`: the image's own check runs with this timing")
        }
        (None, false, false) => "give the check a form: `command = [\"redis-cli\", \"ping\"]` or `shell = \"pg_isready || exit 1\"`".to_owned(),
    }
}

fn dangling_reference_help(what: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None => format!("define the {what}, or remove the reference"),
    }
}

fn reserved_name_help(what: &str, owner: &str) -> String {
    if what == "service" {
        format!("rename the service, or configure it through the {owner} section")
    } else {
        format!("rename the {what}")
    }
}

fn compose_unknown_key_help(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None => "remove the key, or name it `x-...` to keep it as an extension (import ignores extensions)".to_owned(),
    }
}
