//! A path into the Compose file, such as `services.web.ports[0]`.
//!
//! Loss reports and notes name what they are about by such a path; the
//! document finds its place in the file through the same path, as a JSON
//! pointer (`/services/web/ports/0`, the form the Compose Specification
//! check reports).

use std::fmt;

/// A path from the root of the Compose file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(Vec<Segment>);

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence position.
    Index(usize),
}

impl Path {
    /// The root of the file.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path, then the key `key`.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    /// This path, then the position `index`.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    /// The path to `services.<name>`.
    pub fn service(name: &str) -> Self {
        Self::root().key("services").key(name)
    }

    /// Removes the last step; `false` at the root.
    pub fn pop(&mut self) -> bool {
        self.0.pop().is_some()
    }

    /// The steps, each as its text (positions as digits).
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().map(|segment| match segment {
            Segment::Key(key) => key.clone(),
            Segment::Index(index) => index.to_string(),
        })
    }

    /// The path as a JSON pointer.
    pub fn pointer(&self) -> String {
        let mut out = String::new();
        for segment in self.segments() {
            out.push('/');
            crate::load::push_escaped(&mut out, &segment);
        }
        out
    }

    /// The path of a JSON pointer (a position where the pointed-at value in
    /// `document` is a sequence).
    pub fn from_pointer(pointer: &str, document: &serde_json::Value) -> Self {
        let mut path = Self::root();
        let mut node = Some(document);
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            match (node, token.parse::<usize>()) {
                (Some(serde_json::Value::Array(items)), Ok(index)) => {
                    node = items.get(index);
                    path = path.index(index);
                }
                (current, _) => {
                    node = current.and_then(|value| value.get(&token));
                    path = path.key(&token);
                }
            }
        }
        path
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(the file)");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => write!(f, "[{}]", quoted(key))?,
            }
        }
        Ok(())
    }
}

/// Whether a key reads unambiguously in a dotted path.
fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A key in double quotes, with quotes, backslashes and anything not
/// printable escaped, so a path is always one line of plain text.
fn quoted(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_written() {
        let path = Path::service("web").key("ports").index(0);
        assert_eq!(path.to_string(), "services.web.ports[0]");
        assert_eq!(path.pointer(), "/services/web/ports/0");
        let label = Path::service("web")
            .key("labels")
            .key("prometheus.io/scrape");
        assert_eq!(
            label.to_string(),
            "services.web.labels[\"prometheus.io/scrape\"]"
        );
        assert_eq!(
            label.pointer(),
            "/services/web/labels/prometheus.io~1scrape"
        );
        let hostile = Path::service("a\nb");
        assert_eq!(hostile.to_string(), "services[\"a\\nb\"]");
    }

    #[test]
    fn pointers_become_paths() {
        let document = serde_json::json!({ "services": { "web": { "ports": ["80"], "labels": { "1": "x" } } } });
        assert_eq!(
            Path::from_pointer("/services/web/ports/0", &document),
            Path::service("web").key("ports").index(0)
        );
        assert_eq!(
            Path::from_pointer("/services/web/labels/1", &document),
            Path::service("web").key("labels").key("1")
        );
    }
}
