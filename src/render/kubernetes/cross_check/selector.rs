//! Label selectors: a Service's plain map and the `matchLabels` plus
//! `matchExpressions` of workloads and `ServiceMonitors`, matched as the API
//! server matches them.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// A selector read from a manifest.
pub(super) enum Selector<'a> {
    /// A Service's `spec.selector`: every pair must be a label.
    Plain(&'a Map<String, Value>),
    /// A `LabelSelector`: `matchLabels` and `matchExpressions`.
    Label(&'a Value),
}

impl Selector<'_> {
    /// Whether the selector names no requirement at all (it selects everything
    /// for a `LabelSelector`, nothing for a Service; stackgen writes neither).
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Self::Plain(map) => map.is_empty(),
            Self::Label(selector) => {
                let none = |key: &str| {
                    selector.get(key).is_none_or(|v| {
                        v.as_object().is_some_and(Map::is_empty)
                            || v.as_array().is_some_and(Vec::is_empty)
                    })
                };
                none("matchLabels") && none("matchExpressions")
            }
        }
    }

    /// The `key=value` pairs every match must carry: a Service's map, a
    /// `LabelSelector`'s `matchLabels`.
    fn pairs(&self) -> Option<&Map<String, Value>> {
        match self {
            Self::Plain(map) => Some(map),
            Self::Label(selector) => selector.get("matchLabels").and_then(Value::as_object),
        }
    }

    /// Whether `labels` (an object of strings; anything else has none) match.
    pub(super) fn matches(&self, labels: Option<&Value>) -> bool {
        let empty = Map::new();
        let labels = labels.and_then(Value::as_object).unwrap_or(&empty);
        match self {
            Self::Plain(map) => pairs_match(map, labels),
            Self::Label(selector) => {
                selector
                    .get("matchLabels")
                    .and_then(Value::as_object)
                    .is_none_or(|map| pairs_match(map, labels))
                    && super::items(selector.get("matchExpressions"))
                        .all(|expression| expression_matches(expression, labels))
            }
        }
    }

    /// `{key=value, ...}`, for messages.
    pub(super) fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .pairs()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?")))
            .collect();
        if let Self::Label(selector) = self {
            parts.extend(super::items(selector.get("matchExpressions")).map(|e| {
                format!(
                    "{} {}",
                    e.get("key").and_then(Value::as_str).unwrap_or("?"),
                    e.get("operator").and_then(Value::as_str).unwrap_or("?")
                )
            }));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

fn pairs_match(wanted: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    wanted
        .iter()
        .all(|(key, value)| labels.get(key).is_some_and(|have| have == value))
}

fn expression_matches(expression: &Value, labels: &Map<String, Value>) -> bool {
    let key = expression.get("key").and_then(Value::as_str).unwrap_or("");
    let have = labels.get(key);
    let listed = || super::items(expression.get("values")).any(|v| Some(v) == have);
    match expression.get("operator").and_then(Value::as_str) {
        Some("In") => have.is_some() && listed(),
        Some("NotIn") => have.is_none() || !listed(),
        Some("Exists") => have.is_some(),
        Some("DoesNotExist") => have.is_none(),
        _ => false,
    }
}

/// Items with labels (pods, Services), indexed by label pair so that a
/// selector looks only at the items carrying its first `key=value`: a bundle
/// of thousands of Services stays linear.
pub(super) struct ByLabel<'a, T> {
    items: Vec<(Option<&'a Value>, T)>,
    by_pair: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a, T> ByLabel<'a, T> {
    /// Indexes `items`, each with its labels.
    pub(super) fn new(items: Vec<(Option<&'a Value>, T)>) -> Self {
        let mut by_pair: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, (labels, _)) in items.iter().enumerate() {
            for (key, value) in labels.and_then(Value::as_object).into_iter().flatten() {
                if let Some(value) = value.as_str() {
                    by_pair.entry((key, value)).or_default().push(i);
                }
            }
        }
        Self { items, by_pair }
    }

    /// The items the selector matches, in their order, among those `keep`
    /// accepts. Only the items carrying the selector's rarest `key=value`
    /// are looked at: a pair every object shares (the stack's part-of label)
    /// would make each lookup scan the whole bundle.
    pub(super) fn selected(&self, selector: &Selector, keep: impl Fn(&T) -> bool) -> Vec<&T> {
        let rarest = selector.pairs().into_iter().flatten().map(|(key, value)| {
            value
                .as_str()
                .and_then(|value| self.by_pair.get(&(key.as_str(), value)))
                .map_or(&[][..], Vec::as_slice)
        });
        let candidates: Vec<usize> = match rarest.min_by_key(|items| items.len()) {
            Some(items) => items.to_vec(),
            None => (0..self.items.len()).collect(),
        };
        candidates
            .into_iter()
            .map(|i| &self.items[i])
            .filter(|(labels, item)| keep(item) && selector.matches(*labels))
            .map(|(_, item)| item)
            .collect()
    }
}
