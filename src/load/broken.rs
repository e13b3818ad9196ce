//! What of a stack the schema refused, and the rest of it, well-formed.
//!
//! When serde refuses a document, the schema check explains every problem;
//! the semantic checks then still run on the parts that are well-formed.
//! An unknown key is dropped (the model has no field that reads it). Any
//! other problem breaks the smallest part that encloses it and that the
//! stack can do without: one entry of `[services]`, `[volumes]` or
//! `[networks]` (entries are named, so removing one moves no other), else
//! the whole top-level section, which takes its default (empty, or absent).
//! Each check declares the [`Section`]s it reads and runs only when none of
//! them is broken whole; a reference into a removed entry is not reported
//! as dangling (see `validate::Checker`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::Stack;

/// A top-level section of `stack.toml`: a property of the schema's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `[stack]`.
    Stack,
    /// `[services.NAME]`.
    Services,
    /// `[volumes.NAME]`.
    Volumes,
    /// `[networks.NAME]`.
    Networks,
    /// `[prometheus]`.
    Prometheus,
    /// `[alertmanager]`.
    Alertmanager,
    /// `[grafana]`.
    Grafana,
    /// `[ingress]`.
    Ingress,
    /// `[logs]`.
    Logs,
    /// `[kubernetes]`.
    Kubernetes,
    /// `[[alerts]]`.
    Alerts,
    /// `[[recording-rules]]`.
    RecordingRules,
    /// `[[dashboards]]`.
    Dashboards,
    /// `[[slos]]`.
    Slos,
    /// `[env.NAME]`.
    Env,
}

impl Section {
    /// Every section, in the order of the file format.
    pub const ALL: [Self; 15] = [
        Self::Stack,
        Self::Services,
        Self::Volumes,
        Self::Networks,
        Self::Prometheus,
        Self::Alertmanager,
        Self::Grafana,
        Self::Ingress,
        Self::Logs,
        Self::Kubernetes,
        Self::Alerts,
        Self::RecordingRules,
        Self::Dashboards,
        Self::Slos,
        Self::Env,
    ];

    /// The section's key in `stack.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::Services => "services",
            Self::Volumes => "volumes",
            Self::Networks => "networks",
            Self::Prometheus => "prometheus",
            Self::Alertmanager => "alertmanager",
            Self::Grafana => "grafana",
            Self::Ingress => "ingress",
            Self::Logs => "logs",
            Self::Kubernetes => "kubernetes",
            Self::Alerts => "alerts",
            Self::RecordingRules => "recording-rules",
            Self::Dashboards => "dashboards",
            Self::Slos => "slos",
            Self::Env => "env",
        }
    }

    /// The section whose key is `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.key() == key)
    }

    /// Whether the section's entries are named tables that can be removed
    /// one by one: nothing points at an entry by its position.
    pub fn has_named_entries(self) -> bool {
        matches!(self, Self::Services | Self::Volumes | Self::Networks)
    }

    /// The section a [`crate::error::ErrorKind::DanglingReference`] to a
    /// `what` refers into (`service` → `[services]`).
    pub fn of_reference(what: &str) -> Option<Self> {
        match what {
            "service" => Some(Self::Services),
            "volume" => Some(Self::Volumes),
            "network" => Some(Self::Networks),
            _ => None,
        }
    }
}

/// The parts of a stack the schema refused: whole sections, and entries of
/// sections with named entries. Empty for a stack serde accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Broken {
    sections: BTreeSet<Section>,
    entries: BTreeSet<(Section, String)>,
    /// Every entry name of each section with removed entries, in file
    /// order, as [`Broken::repair`] found them.
    names: BTreeMap<Section, Vec<String>>,
    /// The sections an unknown key was dropped from, as
    /// [`Broken::repair`] found them.
    trimmed: BTreeSet<Section>,
}

impl Broken {
    /// Whether an unknown key was dropped from `section`: what the section
    /// holds may be less than the file says there (a misspelled route that
    /// uses a receiver), so nothing may be concluded from an absence in it.
    pub fn trimmed(&self, section: Section) -> bool {
        self.trimmed.contains(&section)
    }

    /// Whether nothing is broken.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty() && self.entries.is_empty()
    }

    /// Whether `section` is broken whole (and so replaced by its default).
    pub fn section(&self, section: Section) -> bool {
        self.sections.contains(&section)
    }

    /// Whether entry `name` of `section` was removed as broken.
    pub fn entry(&self, section: Section, name: &str) -> bool {
        self.entries.contains(&(section, name.to_owned()))
    }

    /// Whether some entry of `section` was removed as broken.
    pub fn has_entries(&self, section: Section) -> bool {
        self.entries.iter().any(|(owner, _)| *owner == section)
    }

    /// Every entry name of `section` the file defines, removed ones
    /// included, in file order: `None` when none was removed (the model's
    /// names are all of them).
    pub fn defined_names(&self, section: Section) -> Option<&[String]> {
        self.names.get(&section).map(Vec::as_slice)
    }

    /// Breaks `section` whole.
    pub fn break_section(&mut self, section: Section) {
        self.entries.retain(|(owner, _)| *owner != section);
        self.sections.insert(section);
    }

    /// Breaks entry `name` of `section` (the whole section, when its
    /// entries cannot be removed one by one).
    pub fn break_entry(&mut self, section: Section, name: &str) {
        if !section.has_named_entries() {
            self.break_section(section);
        } else if !self.section(section) {
            self.entries.insert((section, name.to_owned()));
        }
    }

    /// Breaks what encloses the value at JSON pointer `at`: the entry, the
    /// section, or (at the root) every section.
    pub fn break_at(&mut self, at: &str) {
        let mut tokens = at.split('/').skip(1).map(unescape);
        let Some(section) = tokens.next().as_deref().and_then(Section::from_key) else {
            for section in Section::ALL {
                self.break_section(section);
            }
            return;
        };
        match tokens.next() {
            Some(name) => self.break_entry(section, &name),
            None => self.break_section(section),
        }
    }

    /// `document` with the unknown keys at `unknown` (JSON pointers)
    /// dropped, the broken sections replaced by their defaults and the
    /// broken entries removed (their sections' names are kept, for
    /// [`Broken::defined_names`]).
    pub fn repair(&mut self, document: &Value, unknown: &[String]) -> Value {
        let mut repaired = document.clone();
        // One pass over each table that loses keys: removing them one by
        // one would shift the rest of the table each time.
        let mut dropped: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for at in unknown {
            if let Some((parent, key)) = at.rsplit_once('/') {
                dropped.entry(parent).or_default().insert(unescape(key));
            }
        }
        for (parent, keys) in dropped {
            if let Some(Value::Object(map)) = repaired.pointer_mut(parent) {
                map.retain(|key, _| !keys.contains(key));
                let mut tokens = parent.split('/').skip(1);
                if let Some(section) = tokens
                    .next()
                    .map(unescape)
                    .as_deref()
                    .and_then(Section::from_key)
                {
                    self.trimmed.insert(section);
                }
            }
        }
        let Value::Object(root) = &mut repaired else {
            return repaired;
        };
        let defaults = default_sections();
        for section in &self.sections {
            let default = defaults.get(section.key()).cloned().unwrap_or(Value::Null);
            root.insert(section.key().to_owned(), default);
        }
        for section in Section::ALL {
            if !self.has_entries(section) {
                continue;
            }
            if let Some(Value::Object(entries)) = root.get_mut(section.key()) {
                self.names
                    .insert(section, entries.keys().cloned().collect());
                entries.retain(|name, _| !self.entries.contains(&(section, name.clone())));
            }
        }
        repaired
    }
}

/// Each section's value in a default stack.
fn default_sections() -> serde_json::Map<String, Value> {
    match serde_json::to_value(Stack::default()) {
        Ok(Value::Object(sections)) => sections,
        _ => serde_json::Map::new(),
    }
}

/// A JSON pointer token as the key it stands for (`~1` → `/`, `~0` → `~`).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sections_are_the_properties_of_the_schema_root() {
        let schema = super::super::stack_schema();
        let properties: Vec<&str> = schema["properties"]
            .as_object()
            .expect("the root has properties")
            .keys()
            .map(String::as_str)
            .collect();
        let keys: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
        assert_eq!(keys, properties);
    }

    #[test]
    fn problems_break_the_entry_or_section_that_encloses_them() {
        let mut broken = Broken::default();
        broken.break_at("/services/api/replicas");
        broken.break_at("/services/a~1b");
        broken.break_at("/prometheus/scrape-interval");
        broken.break_at("/alerts/2/for");
        assert!(broken.entry(Section::Services, "api"));
        assert!(broken.entry(Section::Services, "a/b"));
        assert!(!broken.section(Section::Services));
        assert!(broken.section(Section::Prometheus));
        assert!(broken.section(Section::Alerts));
        broken.break_at("/services");
        assert!(broken.section(Section::Services));
        assert!(!broken.entry(Section::Services, "api"));
        broken.break_at("");
        assert!(Section::ALL.iter().all(|s| broken.section(*s)));
    }

    #[test]
    fn the_repaired_document_keeps_every_well_formed_part() {
        let document = json!({
            "stack": {"name": "s", "nmae": "typo"},
            "services": {"api": {"image": "x", "replicas": "two"}, "db": {"image": "y"}},
            "prometheus": {"scrape-interval": "soon"},
            "alerts": [{"name": "A", "expr": "up"}],
        });
        let mut broken = Broken::default();
        broken.break_at("/services/api/replicas");
        broken.break_at("/prometheus/scrape-interval");
        let repaired = broken.repair(&document, &["/stack/nmae".to_owned()]);
        assert_eq!(
            broken.defined_names(Section::Services),
            Some(["api".to_owned(), "db".to_owned()].as_slice())
        );
        assert_eq!(broken.defined_names(Section::Volumes), None);
        assert!(broken.trimmed(Section::Stack));
        assert!(!broken.trimmed(Section::Services));
        assert_eq!(
            repaired,
            json!({
                "stack": {"name": "s"},
                "services": {"db": {"image": "y"}},
                "prometheus": null,
                "alerts": [{"name": "A", "expr": "up"}],
            })
        );
        let stack = super::super::deserialize_stack(&repaired).expect("the rest deserializes");
        assert!(stack.prometheus.is_none());
        assert_eq!(stack.services.len(), 1);
    }

    #[test]
    fn every_section_default_deserializes() {
        let mut broken = Broken::default();
        broken.break_at("");
        let repaired = broken.repair(&json!({}), &[]);
        assert!(
            super::super::deserialize_stack(&repaired).is_ok(),
            "{repaired}"
        );
    }
}
