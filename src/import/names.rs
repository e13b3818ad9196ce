//! Names in stack.toml for the Compose file's services, volumes and networks.
//!
//! Compose allows `[a-zA-Z0-9._-]` in names; stackgen wants DNS labels
//! (lowercase letters, digits and `-`, starting with a letter, at most 63
//! characters), and keeps a few service names for the services it generates.
//! A name that does not fit is renamed (`my_db` → `my-db`, `nginx` →
//! `compose-nginx`), uniquely, and every reference follows the rename.

use indexmap::IndexMap;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `services`.
    Service,
    /// `volumes`.
    Volume,
    /// `networks`.
    Network,
}

impl Namespace {
    /// The word for one such thing.
    pub fn word(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Volume => "volume",
            Self::Network => "network",
        }
    }
}

/// The names given so far: Compose name → stack.toml name, per namespace.
#[derive(Debug, Clone, Default)]
pub struct Names {
    services: IndexMap<String, String>,
    volumes: IndexMap<String, String>,
    networks: IndexMap<String, String>,
}

/// Why a name was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renamed {
    /// It was not a DNS label.
    Unsafe,
    /// stackgen generates a service of that name for the section given.
    Reserved(&'static str),
    /// Its safe spelling was already taken.
    Taken,
}

impl Names {
    /// Gives the Compose name `name` a stack.toml name; returns it, and why
    /// it differs when it does.
    pub fn assign(&mut self, space: Namespace, name: &str) -> (String, Option<Renamed>) {
        let mut reason = None;
        let mut wanted = dns_label(name, space);
        if wanted != name {
            reason = Some(Renamed::Unsafe);
        }
        if space == Namespace::Service {
            if let Some(owner) = crate::validate::reserved_service_owner(&wanted) {
                wanted = dns_label(&format!("compose-{wanted}"), space);
                reason = Some(Renamed::Reserved(owner));
            }
        }
        let taken = self.map(space);
        let mut given = wanted.clone();
        let mut counter = 2;
        while taken.values().any(|existing| *existing == given) {
            let suffix = format!("-{counter}");
            let base: String = wanted.chars().take(63 - suffix.len()).collect();
            given = format!("{}{suffix}", base.trim_end_matches('-'));
            counter += 1;
            reason.get_or_insert(Renamed::Taken);
        }
        self.map_mut(space).insert(name.to_owned(), given.clone());
        (given, reason)
    }

    /// Names every one of `names`: those that are fine as they are first, so
    /// a rename never takes a name the file itself uses. Returns the renames.
    pub fn assign_all<'n>(
        &mut self,
        space: Namespace,
        names: impl IntoIterator<Item = &'n str> + Clone,
    ) -> Vec<(String, String, Renamed)> {
        let fine = |name: &str| {
            dns_label(name, space) == name
                && (space != Namespace::Service
                    || crate::validate::reserved_service_owner(name).is_none())
        };
        for name in names.clone().into_iter().filter(|n| fine(n)) {
            self.assign(space, name);
        }
        let mut renames = Vec::new();
        for name in names.into_iter().filter(|n| !fine(n)) {
            if let (given, Some(reason)) = self.assign(space, name) {
                renames.push((name.to_owned(), given, reason));
            }
        }
        renames
    }

    /// The stack.toml name of the Compose name `name`, if it was given one.
    pub fn get(&self, space: Namespace, name: &str) -> Option<&str> {
        self.map(space).get(name).map(String::as_str)
    }

    /// Every Compose name with its stack.toml name, in the order given.
    pub fn all(&self, space: Namespace) -> impl Iterator<Item = (&str, &str)> {
        self.map(space)
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn map(&self, space: Namespace) -> &IndexMap<String, String> {
        match space {
            Namespace::Service => &self.services,
            Namespace::Volume => &self.volumes,
            Namespace::Network => &self.networks,
        }
    }

    fn map_mut(&mut self, space: Namespace) -> &mut IndexMap<String, String> {
        match space {
            Namespace::Service => &mut self.services,
            Namespace::Volume => &mut self.volumes,
            Namespace::Network => &mut self.networks,
        }
    }
}

/// `name` as a DNS label: lowercase, every other character a `-`, no
/// repeated or trailing `-`, starting with a letter (a prefix naming the
/// namespace otherwise), at most 63 characters.
pub fn dns_label(name: &str, space: Namespace) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        let prefix = match space {
            Namespace::Service => "service",
            Namespace::Volume => "volume",
            Namespace::Network => "network",
        };
        out = if out.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}-{out}")
        };
    }
    let mut out: String = out.chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_dns_labels() {
        assert_eq!(dns_label("web", Namespace::Service), "web");
        assert_eq!(dns_label("My_DB.v2", Namespace::Service), "my-db-v2");
        assert_eq!(dns_label("__data__", Namespace::Volume), "data");
        assert_eq!(dns_label("1st", Namespace::Network), "network-1st");
        assert_eq!(dns_label("___", Namespace::Volume), "volume");
        assert_eq!(dns_label(&"a".repeat(70), Namespace::Service).len(), 63);
        for name in ["web", "My_DB.v2", "1st", "x-"] {
            assert!(crate::validate::is_safe_name(&dns_label(
                name,
                Namespace::Service
            )));
        }
    }

    #[test]
    fn renames_are_unique_and_avoid_reserved_names() {
        let mut names = Names::default();
        assert_eq!(
            names.assign(Namespace::Service, "web"),
            ("web".to_owned(), None)
        );
        assert_eq!(
            names.assign(Namespace::Service, "my_db"),
            ("my-db".to_owned(), Some(Renamed::Unsafe))
        );
        assert_eq!(
            names.assign(Namespace::Service, "my.db"),
            ("my-db-2".to_owned(), Some(Renamed::Unsafe))
        );
        assert_eq!(
            names.assign(Namespace::Service, "nginx"),
            (
                "compose-nginx".to_owned(),
                Some(Renamed::Reserved("[ingress]"))
            )
        );
        assert_eq!(
            names.assign(Namespace::Volume, "web"),
            ("web".to_owned(), None)
        );
        assert_eq!(names.get(Namespace::Service, "my.db"), Some("my-db-2"));
    }

    #[test]
    fn names_the_file_uses_win_over_renames() {
        let mut names = Names::default();
        let renames = names.assign_all(Namespace::Service, ["my_db", "my-db", "grafana"]);
        assert_eq!(names.get(Namespace::Service, "my-db"), Some("my-db"));
        assert_eq!(
            renames,
            [
                ("my_db".to_owned(), "my-db-2".to_owned(), Renamed::Unsafe),
                (
                    "grafana".to_owned(),
                    "compose-grafana".to_owned(),
                    Renamed::Reserved("[grafana]")
                ),
            ]
        );
    }
}
