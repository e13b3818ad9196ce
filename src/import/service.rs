//! One Compose service as a `[services.NAME]` table.
//!
//! Each key goes through the module that knows it (ports, mounts,
//! environment, health check, deployment, labels); the simple ones are
//! here. Dependencies are read here and resolved once every service is
//! converted (a `service_healthy` condition needs to know whether its
//! target kept a health check).

use toml_edit::{Array, InlineTable, Item, Table, Value, value};

use super::context::Context;
use super::inputs::stack_relative;
use super::model::{
    Build, Command, ComposeFile, DependsOn, EnvFile, EnvFiles, Scalar, Service, ServiceNetworks,
    Ulimit,
};
use super::names::{Namespace, dns_label};
use super::path::Path;
use super::{deploy, environment, healthcheck, kinds, labels, mounts, ports};
use crate::error::ErrorKind;

/// The process limits stack.toml knows.
const ULIMITS: [&str; 15] = [
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// A converted service.
#[derive(Debug)]
pub struct Converted {
    /// The `[services.NAME]` table, without `depends-on`.
    pub table: Table,
    /// Its dependencies, unresolved.
    pub dependencies: Vec<Dependency>,
    /// Named volumes made for its anonymous volumes.
    pub made_volumes: Vec<(String, Path)>,
    /// Whether it joins the implicit `default` network.
    pub uses_default_network: bool,
}

/// One dependency as the Compose file writes it.
#[derive(Debug)]
pub struct Dependency {
    /// The Compose name of the service depended on.
    pub target: String,
    /// `started`, `healthy` or `completed`.
    pub condition: &'static str,
    /// Where it is written.
    pub path: Path,
}

/// Converts the Compose service `compose_name`, which stack.toml calls `name`.
pub fn convert(
    ctx: &mut Context<'_>,
    compose_name: &str,
    name: &str,
    service: &Service,
    file: &ComposeFile,
) -> Converted {
    let at = Path::service(compose_name);
    ctx.lose_other(&at, &service.other);
    let mut table = Table::new();
    let mut image = service
        .image
        .as_ref()
        .map(|image| ctx.text(&at.key("image"), image));
    let build = service
        .build
        .as_ref()
        .and_then(|build| self::build(ctx, &at, build));
    if image.is_none() && build.is_none() && service.build.is_some() {
        // What Compose tags the image it builds, which may be there already.
        let tagged = format!("{}-{}", ctx.project, compose_name.to_ascii_lowercase());
        ctx.change(
            &at.key("build"),
            format!("without its build, the service runs the image Compose tags its build with, `{tagged}`"),
        );
        image = Some(tagged);
    }
    if let Some(image) = &image {
        table.insert("image", value(image.as_str()));
    }
    if let Some(build) = build {
        table.insert("build", Item::Value(Value::InlineTable(build)));
    }
    if image.is_none() && service.build.is_none() {
        ctx.error(
            &at,
            ErrorKind::ComposeInvalid {
                reason: format!("the service `{compose_name}` has neither `image` nor `build`"),
            },
        );
    }
    if let Some(kind) = image.as_deref().and_then(kinds::kind_of_image) {
        table.insert("kind", value(kind));
        if let Some(Item::Value(kind)) = table.get_mut("kind") {
            kind.decor_mut().set_suffix("  # from the image");
        }
    }
    for (key, command) in [
        ("command", &service.command),
        ("entrypoint", &service.entrypoint),
    ] {
        if let Some(command) = command {
            if let Some(args) = self::command(ctx, &at.key(key), command) {
                table.insert(key, value(args));
            }
        }
    }
    if let Some(env_file) = &service.env_file {
        let files = env_files(ctx, &at.key("env_file"), env_file);
        if !files.is_empty() {
            table.insert("env-file", value(array(files)));
        }
    }
    let deployed = deploy::deployed(ctx, &at, service);
    let published = ports::ports(
        ctx,
        &at.key("ports"),
        &service.ports,
        deployed.replicas.unwrap_or(1),
    );
    if !published.is_empty() {
        table.insert("ports", value(array(published)));
    }
    let exposed = ports::expose(ctx, &at.key("expose"), &service.expose);
    if !exposed.is_empty() {
        table.insert(
            "expose",
            value(array(
                exposed
                    .into_iter()
                    .map(|p| Value::from(i64::from(p)))
                    .collect(),
            )),
        );
    }
    let mounts = mounts::mounts(ctx, name, &at, service, file);
    if !mounts.volumes.is_empty() {
        table.insert("volumes", value(array(mounts.volumes)));
    }
    if !mounts.files.is_empty() {
        let files = mounts
            .files
            .iter()
            .map(|(source, target)| {
                let mut entry = InlineTable::new();
                entry.insert("source", Value::from(source.as_str()));
                entry.insert("target", Value::from(target.as_str()));
                Value::InlineTable(entry)
            })
            .collect();
        table.insert("files", value(array(files)));
    }
    if let Some(replicas) = deployed.replicas {
        table.insert("replicas", value(i64::try_from(replicas).unwrap_or(1)));
    }
    if let Some(restart) = deployed.restart {
        table.insert("restart", value(restart));
    }
    if let Some(resources) = deployed.resources {
        table.insert("resources", value(resources));
    }
    let profiles = profiles(ctx, &at, &service.profiles);
    if !profiles.is_empty() {
        table.insert("profiles", value(array(profiles)));
    }
    let (networks, uses_default_network) = networks(ctx, &at, service.networks.as_ref());
    if !networks.is_empty() {
        table.insert("networks", value(array(networks)));
    }
    if let Some(check) = &service.healthcheck {
        if let Some(check) = healthcheck::healthcheck(ctx, &at.key("healthcheck"), check) {
            table.insert("healthcheck", value(check));
        }
    }
    let (labels, metrics) = service
        .labels
        .as_ref()
        .map(|labels| labels::labels(ctx, &at, labels))
        .unwrap_or_default();
    if let Some(metrics) = metrics {
        table.insert("metrics", value(metrics));
    }
    for (key, raw) in [
        ("hostname", &service.hostname),
        ("user", &service.user),
        ("working_dir", &service.working_dir),
    ] {
        if let Some(raw) = raw {
            let text = ctx.text(&at.key(key), raw);
            table.insert(&key.replace('_', "-"), value(text));
        }
    }
    if let Some(container) = &service.container_name {
        let path = at.key("container_name");
        if let Some(container) = ctx.literal(&path, container, "container name") {
            let fits = crate::syntax::ContainerName::parse(&container).is_ok();
            if deployed.replicas.is_some_and(|n| n > 1) {
                ctx.lose(
                    &path,
                    "the replicas of one service cannot share a container name",
                );
            } else if fits {
                table.insert("container-name", value(container));
            } else {
                ctx.lose(&path, "not a container name Docker accepts");
            }
        }
    }
    if let Some(period) = &service.stop_grace_period {
        let path = at.key("stop_grace_period");
        if let Some(text) = ctx.literal(&path, period, "duration") {
            match super::durations::convert(&text) {
                Ok(duration) => {
                    table.insert("stop-grace-period", value(duration));
                }
                Err(_) => ctx.lose(
                    &path,
                    "not a duration stack.toml reads (whole milliseconds)",
                ),
            }
        }
    }
    let limits = ulimits(ctx, &at, service);
    if !limits.is_empty() {
        table.insert("ulimits", value(limits));
    }
    if !labels.is_empty() {
        table.insert("labels", Item::Table(labels));
    }
    if let Some(environment) = &service.environment {
        let environment = environment::environment(ctx, name, &at, environment);
        if !environment.is_empty() {
            table.insert("environment", Item::Table(environment));
        }
    }
    Converted {
        table,
        dependencies: dependencies(ctx, &at, service.depends_on.as_ref()),
        made_volumes: mounts.made,
        uses_default_network,
    }
}

/// A TOML array, one value a line when the whole would be long.
pub fn array(values: Vec<Value>) -> Array {
    let mut array: Array = values.into_iter().collect();
    let width: usize = array.iter().map(|v| v.to_string().len() + 2).sum();
    if width > 80 {
        for item in array.iter_mut() {
            item.decor_mut().set_prefix("\n    ");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    array
}

/// The `build` table, when its context is a folder inside the stack file's
/// folder (where stackgen reads build contexts from).
fn build(ctx: &mut Context<'_>, at: &Path, build: &Build) -> Option<InlineTable> {
    let path = at.key("build");
    let (raw_context, long) = match build {
        Build::Context(context) => (context.as_str(), None),
        Build::Long(long) => (long.context.as_deref().unwrap_or("."), Some(long)),
    };
    let context_path = match build {
        Build::Context(_) => path.clone(),
        Build::Long(_) => path.key("context"),
    };
    let context = ctx.literal(&context_path, raw_context, "build context")?;
    let Some(context) = stack_relative(&ctx.stack_dir, &ctx.compose_dir.join(&context))
        .filter(|_| ctx.compose_dir.join(&context).is_dir() && !context.contains("://"))
    else {
        ctx.lose(
            &path,
            format!("stackgen builds from a folder inside the stack file's folder; `{context}` is not one"),
        );
        return None;
    };
    let mut table = InlineTable::new();
    table.insert("context", Value::from(context.as_str()));
    let Some(long) = long else {
        return Some(table);
    };
    ctx.lose_other(&path, &long.other);
    if let Some(dockerfile) = &long.dockerfile {
        let dockerfile_path = path.key("dockerfile");
        if let Some(dockerfile) = ctx.literal(&dockerfile_path, dockerfile, "Dockerfile") {
            let on_disk = ctx.compose_dir.join(&context).join(&dockerfile);
            if stack_relative(&ctx.stack_dir, &on_disk).is_some() && on_disk.is_file() {
                table.insert("dockerfile", Value::from(dockerfile));
            } else {
                ctx.lose(
                    &dockerfile_path,
                    "stackgen reads the Dockerfile from the stack file's folder, and it is not there: the build uses the context's `Dockerfile`",
                );
            }
        }
    }
    if let Some(args) = &long.args {
        let mut values = InlineTable::new();
        for (position, (key, arg)) in args.entries().into_iter().enumerate() {
            let arg_path = if args.is_list() {
                path.key("args").index(position)
            } else {
                path.key("args").key(&key)
            };
            let text = if let Some(arg) = arg {
                ctx.scalar_text(&arg_path, &arg)
            } else {
                ctx.change(
                    &arg_path,
                    format!("no value: Compose takes it from the environment, stack.toml says so as `${{{key}}}`"),
                );
                format!("${{{key}}}")
            };
            values.insert(&key, Value::from(text));
        }
        if !values.is_empty() {
            table.insert("args", Value::InlineTable(values));
        }
    }
    if let Some(target) = &long.target {
        table.insert("target", Value::from(ctx.text(&path.key("target"), target)));
    }
    Some(table)
}

/// A command as a list of arguments; shell words are split the way Compose splits them.
fn command(ctx: &mut Context<'_>, path: &Path, command: &Command) -> Option<Array> {
    let args: Vec<String> = match command {
        Command::List(args) => args.clone(),
        Command::Words(words) => {
            let Some(split) = shlex::split(words) else {
                ctx.lose(
                    path,
                    "the quotes do not close, so it cannot be split into arguments",
                );
                return None;
            };
            split
        }
    };
    if args.is_empty() {
        ctx.lose(
            path,
            "an empty command keeps the image's; stack.toml needs at least one argument",
        );
        return None;
    }
    let values = args
        .iter()
        .enumerate()
        .map(|(position, arg)| {
            let arg_path = match command {
                Command::List(_) => path.index(position),
                Command::Words(_) => path.clone(),
            };
            Value::from(ctx.text(&arg_path, arg))
        })
        .collect();
    Some(array(values))
}

/// `env_file` as `env-file`: each file must be inside the stack file's
/// folder, where stackgen reads it and copies it into the bundle.
fn env_files(ctx: &mut Context<'_>, at: &Path, files: &EnvFiles) -> Vec<Value> {
    let entries: Vec<(Path, &str, bool)> = match files {
        EnvFiles::One(one) => vec![(at.clone(), one.as_str(), true)],
        EnvFiles::Many(many) => many
            .iter()
            .enumerate()
            .map(|(i, file)| match file {
                EnvFile::Path(raw) => (at.index(i), raw.as_str(), true),
                EnvFile::Long(long) => {
                    ctx.lose_other(&at.index(i), &long.other);
                    let required = long.required.as_ref().and_then(Scalar::as_bool) != Some(false);
                    (at.index(i), long.path.as_str(), required)
                }
            })
            .collect(),
    };
    let mut out = Vec::new();
    for (path, raw, required) in entries {
        let Some(text) = ctx.literal(&path, raw, "path") else {
            continue;
        };
        match stack_relative(&ctx.stack_dir, &ctx.compose_dir.join(&text)) {
            Some(file) if ctx.compose_dir.join(&text).is_file() => {
                if !required {
                    ctx.change(&path, "optional in Compose; stackgen requires it, and it is there");
                }
                out.push(Value::from(file));
            }
            _ => ctx.lose(
                &path,
                if required {
                    "stackgen reads env files from the stack file's folder, and it is not there: left out"
                } else {
                    "an optional env file that is not in the stack file's folder: left out (stackgen's env files must exist)"
                },
            ),
        }
    }
    out
}

fn profiles(ctx: &mut Context<'_>, at: &Path, profiles: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for (position, profile) in profiles.iter().enumerate() {
        let safe = dns_label(profile, Namespace::Service);
        if safe != *profile {
            ctx.change(
                &at.key("profiles").index(position),
                format!("stack.toml names profiles like services: `{safe}`"),
            );
        }
        if !out.iter().any(|v: &Value| v.as_str() == Some(&safe)) {
            out.push(Value::from(safe));
        }
    }
    out
}

/// The networks to join, and whether that is (or includes) Compose's implicit `default`.
fn networks(
    ctx: &mut Context<'_>,
    at: &Path,
    networks: Option<&ServiceNetworks>,
) -> (Vec<Value>, bool) {
    let Some(networks) = networks else {
        return (Vec::new(), true);
    };
    let names: Vec<(String, Path)> = match networks {
        ServiceNetworks::List(names) => names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), at.key("networks").index(i)))
            .collect(),
        ServiceNetworks::Map(map) => map
            .iter()
            .map(|(name, attachment)| {
                let path = at.key("networks").key(name);
                if let Some(attachment) = attachment {
                    ctx.lose_other(&path, &attachment.other);
                }
                (name.clone(), path)
            })
            .collect(),
    };
    let mut out = Vec::new();
    let mut uses_default = false;
    for (network, path) in names {
        let given = if let Some(given) = ctx.names.get(Namespace::Network, &network) {
            given.to_owned()
        } else if network == "default" {
            uses_default = true;
            "default".to_owned()
        } else {
            ctx.error(
                &path,
                ErrorKind::DanglingReference {
                    what: "network",
                    name: network.clone(),
                    suggestion: None,
                },
            );
            continue;
        };
        out.push(Value::from(given));
    }
    (out, uses_default)
}

fn dependencies(
    ctx: &mut Context<'_>,
    at: &Path,
    depends_on: Option<&DependsOn>,
) -> Vec<Dependency> {
    let mut out = Vec::new();
    match depends_on {
        None => {}
        Some(DependsOn::List(names)) => {
            for (position, name) in names.iter().enumerate() {
                out.push(Dependency {
                    target: name.clone(),
                    condition: "started",
                    path: at.key("depends_on").index(position),
                });
            }
        }
        Some(DependsOn::Map(map)) => {
            for (name, dependency) in map {
                let path = at.key("depends_on").key(name);
                ctx.lose_other(&path, &dependency.other);
                if dependency.required.as_ref().and_then(Scalar::as_bool) == Some(false) {
                    ctx.lose(
                        &path.key("required"),
                        "stack.toml's dependencies are always required",
                    );
                }
                if dependency.restart.as_ref().and_then(Scalar::as_bool) == Some(false) {
                    ctx.change(
                        &path.key("restart"),
                        "stackgen restarts a service when a service it depends on restarts",
                    );
                }
                let condition = match dependency.condition.as_str() {
                    "service_healthy" => "healthy",
                    "service_completed_successfully" => "completed",
                    _ => "started",
                };
                out.push(Dependency {
                    target: name.clone(),
                    condition,
                    path,
                });
            }
        }
    }
    out
}

fn ulimits(ctx: &mut Context<'_>, at: &Path, service: &Service) -> InlineTable {
    let mut table = InlineTable::new();
    for (name, limit) in &service.ulimits {
        let path = at.key("ulimits").key(name);
        if !ULIMITS.contains(&name.as_str()) {
            ctx.lose(&path, "not a limit stack.toml knows");
            continue;
        }
        let number = |ctx: &mut Context<'_>, path: &Path, value: &Scalar| -> Option<i64> {
            let number = match value {
                Scalar::Int(n) => Some(*n),
                other => ctx
                    .literal(path, &other.text(), "limit")?
                    .trim()
                    .parse()
                    .ok(),
            };
            let number = number.filter(|n| *n >= -1);
            if number.is_none() {
                ctx.lose(path, "not a limit (-1 or more)");
            }
            number
        };
        let value = match limit {
            Ulimit::Single(single) => number(ctx, &path, single).map(Value::from),
            Ulimit::Pair { soft, hard } => {
                match (
                    number(ctx, &path.key("soft"), soft),
                    number(ctx, &path.key("hard"), hard),
                ) {
                    (Some(soft), Some(hard)) => {
                        let mut pair = InlineTable::new();
                        pair.insert("soft", Value::from(soft));
                        pair.insert("hard", Value::from(hard));
                        Some(Value::InlineTable(pair))
                    }
                    _ => None,
                }
            }
        };
        if let Some(value) = value {
            table.insert(name, value);
        }
    }
    table
}
