//! Stage 4: one renderer per output target, each producing files of the bundle.
//!
//! A renderer reads the [`Plan`], builds a typed value (serialized to YAML
//! or JSON) or a template context, and returns [`OutputFile`]s. Every
//! emitted YAML/JSON file is parsed again before it leaves this stage.

mod alertmanager;
mod alloy;
mod compose;
pub mod env_example;
pub mod format;
pub mod grafana;
pub mod kubernetes;
mod loki;
pub mod nginx;
mod parallel;
mod prometheus;
mod rule_tests;
mod rules;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::plan::Plan;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// The path inside the output directory, with `/` separators.
    pub path: String,
    /// The contents.
    pub contents: Vec<u8>,
    /// Permission bits narrower than the default (`0o600` for a private
    /// key, a copied file's own bits); `None` for the default.
    pub mode: Option<u32>,
}

impl OutputFile {
    /// A text file.
    pub fn text(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into().into_bytes(),
            mode: None,
        }
    }
}

/// The whole rendered bundle, keyed by path (sorted, so output order is stable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Permission bits of the files that must be less readable than the
    /// default: no copy is more readable than its source, and keys are `0o600`.
    pub modes: BTreeMap<String, u32>,
}

impl Bundle {
    /// Adds files, refusing a path twice (a stackgen bug).
    pub fn extend(&mut self, files: Vec<OutputFile>) -> Result<(), Error> {
        for file in files {
            if let Some(mode) = file.mode {
                self.modes.insert(file.path.clone(), mode);
            }
            if self
                .files
                .insert(file.path.clone(), file.contents)
                .is_some()
            {
                return Err(Error::Bug(format!("two renderers produced {}", file.path)));
            }
        }
        Ok(())
    }
}

/// One renderer: the files of one output target.
type Renderer = fn(&Plan) -> Result<Vec<OutputFile>, Error>;

/// The Compose target, in the order their files are added to the bundle.
const COMPOSE_RENDERERS: [Renderer; 9] = [
    compose::render,
    alertmanager::render,
    grafana::render,
    nginx::render,
    loki::render,
    alloy::render,
    prometheus::render,
    rules::render,
    rule_tests::render,
];

/// Renders the plan's targets: the Compose files of [`COMPOSE_RENDERERS`],
/// the Kubernetes manifests, and `.env.example` for either. The renderers
/// only read the plan, so they share out among the cores; their files are
/// added in a fixed order, so the bundle (and any error reported) does not
/// depend on which finishes first.
pub fn render(plan: &Plan) -> Result<Bundle, Error> {
    if plan.purpose != crate::plan::Purpose::Render {
        return Err(Error::Bug(
            "a plan made for checks cannot be rendered".to_owned(),
        ));
    }
    let mut renderers: Vec<Renderer> = Vec::new();
    if plan.targets.compose {
        renderers.extend(COMPOSE_RENDERERS);
    }
    if plan.targets.kubernetes {
        renderers.push(kubernetes::render);
    }
    renderers.push(env_example::render);
    let mut bundle = Bundle::default();
    for files in parallel::map_in_order(&renderers, |renderer| renderer(plan)) {
        bundle.extend(files?)?;
    }
    Ok(bundle)
}
