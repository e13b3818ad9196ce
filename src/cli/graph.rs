//! `stackgen graph`: the stack as a Mermaid or Graphviz graph.
//!
//! Nodes are the planned containers (generated ones drawn differently);
//! edges are `depends_on` (labelled with the condition), ingress routes
//! (nginx → services, labelled with the path) and scrapes (prometheus →
//! every service with metrics).

use super::LoadArgs;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::ValueEnum;

use super::Format;
use crate::config::DependsCondition;
use crate::error::Error;
use crate::plan::{Origin, Plan};

/// Arguments of `graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack file.
    pub stack: PathBuf,
    /// The graph language (`--format` is taken by diagnostics).
    #[arg(long = "as", value_enum, default_value_t = Syntax::Mermaid)]
    pub syntax: Syntax,
    /// How to load the stack.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Graph languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Syntax {
    /// A Mermaid flowchart (renders on GitHub).
    Mermaid,
    /// Graphviz dot.
    Dot,
}

/// Runs `graph`.
pub fn run(args: &Args, format: Format) -> Result<(), Error> {
    let plan = super::plan_stack(&args.stack, &args.load.options(), format)?;
    let graph = Graph::of(&plan);
    let text = match args.syntax {
        Syntax::Mermaid => graph.mermaid(),
        Syntax::Dot => graph.dot(&plan.stack.stack.name),
    };
    super::print(&text)
}

/// Why an edge exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `depends_on`.
    DependsOn,
    /// An ingress route.
    Route,
    /// A Prometheus scrape.
    Scrape,
}

/// One edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The service the edge starts at.
    pub from: String,
    /// The service it points to.
    pub to: String,
    /// The label (a condition, a path, `scrape`).
    pub label: String,
    /// Why it exists.
    pub kind: EdgeKind,
}

/// The nodes (name, generated?) and edges of a stack.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Every container, with whether stackgen generated it.
    pub nodes: Vec<(String, bool)>,
    /// Every edge.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// The graph of a plan.
    pub fn of(plan: &Plan) -> Self {
        let mut graph = Self {
            nodes: plan
                .services
                .iter()
                .map(|s| (s.name.clone(), s.origin != Origin::User))
                .collect(),
            edges: Vec::new(),
        };
        if let Some(ingress) = &plan.ingress {
            let nginx = graph.generated_node(plan, "ingress", "nginx");
            for route in &ingress.routes {
                graph.push(&nginx, &route.service, route.path.as_str(), EdgeKind::Route);
            }
        }
        if plan.stack.prometheus.is_some() {
            let prometheus = graph.generated_node(plan, "prometheus", "prometheus");
            for service in plan.services.iter().filter(|s| s.metrics.is_some()) {
                graph.push(&prometheus, &service.name, "scrape", EdgeKind::Scrape);
            }
        }
        for service in &plan.services {
            for (dependency, condition) in &service.depends_on {
                let covered = graph
                    .edges
                    .iter()
                    .any(|e| e.from == service.name && e.to == *dependency);
                if !covered {
                    graph.push(
                        &service.name,
                        dependency,
                        condition_name(*condition),
                        EdgeKind::DependsOn,
                    );
                }
            }
        }
        graph
    }

    /// Mermaid flowchart text.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (name, generated) in &self.nodes {
            let label = mermaid_text(name);
            let _ = if *generated {
                writeln!(out, "  {}([\"{label}\"])", node_id(name))
            } else {
                writeln!(out, "  {}[\"{label}\"]", node_id(name))
            };
        }
        for edge in &self.edges {
            let arrow = match edge.kind {
                EdgeKind::DependsOn => "-->",
                EdgeKind::Route => "==>",
                EdgeKind::Scrape => "-.->",
            };
            let _ = writeln!(
                out,
                "  {} {arrow}|\"{}\"| {}",
                node_id(&edge.from),
                mermaid_text(&edge.label),
                node_id(&edge.to)
            );
        }
        out
    }

    /// Graphviz dot text.
    pub fn dot(&self, name: &str) -> String {
        let mut out = format!(
            "digraph {} {{\n  rankdir=LR;\n  node [shape=box];\n",
            dot_text(name)
        );
        for (name, generated) in &self.nodes {
            let style = if *generated { " style=rounded" } else { "" };
            let _ = writeln!(
                out,
                "  {} [label={}{style}];",
                dot_text(name),
                dot_text(name)
            );
        }
        for edge in &self.edges {
            let style = match edge.kind {
                EdgeKind::DependsOn => "",
                EdgeKind::Route => " style=bold",
                EdgeKind::Scrape => " style=dotted",
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}{style}];",
                dot_text(&edge.from),
                dot_text(&edge.to),
                dot_text(&edge.label)
            );
        }
        out.push_str("}\n");
        out
    }

    /// The generated service for `section`, added as a node when the plan has none yet.
    fn generated_node(&mut self, plan: &Plan, section: &str, fallback: &str) -> String {
        let found = plan
            .services
            .iter()
            .find(|s| matches!(s.origin, Origin::Generated(by) if by == section))
            .or_else(|| plan.service(fallback));
        if let Some(service) = found {
            return service.name.clone();
        }
        if !self.nodes.iter().any(|(name, _)| name == fallback) {
            self.nodes.push((fallback.to_owned(), true));
        }
        fallback.to_owned()
    }

    fn push(&mut self, from: &str, to: &str, label: &str, kind: EdgeKind) {
        self.edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label: label.to_owned(),
            kind,
        });
    }
}

fn condition_name(condition: DependsCondition) -> &'static str {
    match condition {
        DependsCondition::Started => "started",
        DependsCondition::Healthy => "healthy",
        DependsCondition::Completed => "completed",
    }
}

/// A Mermaid node id: letters, digits and `_` only.
fn node_id(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("n_{safe}")
}

/// Text inside a quoted Mermaid label.
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
}

/// A quoted dot ID.
fn dot_text(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
