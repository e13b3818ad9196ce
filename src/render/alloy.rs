//! `alloy/config.alloy`: what Alloy collects for `[logs]` and where it sends it.
//!
//! The configuration is Alloy's own syntax, written from the template
//! `templates/alloy/config.alloy.j2`. Its environment has a formatter that
//! writes every interpolated string as one double-quoted Alloy string and
//! refuses text that could end the string or break its line (`"`, `\`,
//! control and invisible characters: [`alloy_text_problem`]), so a value
//! that slipped past validation fails the render instead of changing the
//! configuration's blocks. Anything but a string is refused.

use indexmap::IndexMap;
use minijinja::value::{Value, ValueKind};
use minijinja::{Output, State};
use serde::Serialize;

use super::OutputFile;
use crate::error::Error;
use crate::plan::Plan;
use crate::plan::logs::CollectedService;
use crate::syntax::alloy_text_problem;
use crate::templates;

/// The template, under `templates/`.
const TEMPLATE: &str = "alloy/config.alloy.j2";
/// The file's path in the bundle.
pub const PATH: &str = "alloy/config.alloy";

/// Renders `alloy/config.alloy` (nothing without `[logs]`).
pub fn render(plan: &Plan) -> Result<Vec<OutputFile>, Error> {
    let Some(logs) = &plan.logs else {
        return Ok(Vec::new());
    };
    let collection = &logs.collection;
    let context = Context {
        docker_host: &collection.docker_host,
        project_filter: format!("com.docker.compose.project={}", collection.project),
        project: &collection.project,
        services: collected_services(&collection.services),
        teams: teams(&collection.services),
        labels: collection
            .services
            .iter()
            .flat_map(|collected| {
                collected.labels.iter().map(|(name, value)| LabelContext {
                    service: &collected.service,
                    name,
                    value,
                })
            })
            .collect(),
        host_paths: &collection.host_paths,
        push_url: &collection.push_url,
    };
    let mut body = templates::render_formatted(TEMPLATE, &context, quoting_formatter)?;
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let header = super::format::header_lines(plan);
    Ok(vec![OutputFile::text(PATH, format!("// {header}\n{body}"))])
}

/// What the template sees.
#[derive(Debug, Serialize)]
struct Context<'a> {
    docker_host: &'a str,
    project_filter: String,
    project: &'a str,
    services: String,
    teams: Vec<TeamContext<'a>>,
    labels: Vec<LabelContext<'a>>,
    host_paths: &'a [String],
    push_url: &'a str,
}

/// A team and the regex of its services, in the order teams first appear.
#[derive(Debug, Serialize)]
struct TeamContext<'a> {
    name: &'a str,
    services: String,
}

/// A label of a service's own.
#[derive(Debug, Serialize)]
struct LabelContext<'a> {
    service: &'a str,
    name: &'a str,
    value: &'a str,
}

/// The regex of the collected services' compose names, one group whose
/// match is the `service` label (every replica of a service carries its
/// name; compose service names are DNS labels, with nothing special in a
/// regex).
fn collected_services(services: &[CollectedService]) -> String {
    let names: Vec<&str> = services.iter().map(|s| s.service.as_str()).collect();
    format!("({})", names.join("|"))
}

/// One rule per team rather than per service: a stack has few teams.
fn teams(services: &[CollectedService]) -> Vec<TeamContext<'_>> {
    let mut teams: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for collected in services {
        teams
            .entry(&collected.team)
            .or_default()
            .push(&collected.service);
    }
    teams
        .into_iter()
        .map(|(name, services)| TeamContext {
            name,
            services: services.join("|"),
        })
        .collect()
}

/// `text` as one Alloy string, or `None` when it holds anything that could
/// end the string or break its line ([`alloy_text_problem`]).
pub fn quote_string(text: &str) -> Option<String> {
    alloy_text_problem(text)
        .is_none()
        .then(|| format!("\"{text}\""))
}

fn quoting_formatter(
    out: &mut Output<'_>,
    _state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let refuse = |what: String| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, what);
    let text = match (value.kind(), value.as_str()) {
        (ValueKind::String, Some(text)) => quote_string(text)
            .ok_or_else(|| refuse(format!("refusing to emit {text:?} into config.alloy")))?,
        (kind, _) => {
            return Err(refuse(format!(
                "refusing to emit a {kind} into config.alloy"
            )));
        }
    };
    out.write_str(&text)
        .map_err(|e| refuse(format!("writing config.alloy: {e}")))
}

#[cfg(test)]
mod tests;
