//! The user a container runs as, read once while the stack loads: Compose
//! takes it as written (a name or an ID, with a group), Kubernetes only as
//! numeric IDs, which [`User::ids`] holds when it has them.

use serde::{Deserialize, Serialize};

/// The largest user or group ID Kubernetes runs a container as
/// (`runAsUser` and `runAsGroup` are from 0 to 2^31 - 1).
pub const MAX_ID: u32 = i32::MAX.unsigned_abs();

/// A container's user: `"app"`, `"1000"`, `"1000:1000"`, `"app:staff"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(from = "String", into = "String")]
pub struct User {
    /// As written.
    text: String,
    /// The user and group IDs, when both parts are IDs Kubernetes takes.
    ids: Option<(u32, Option<u32>)>,
}

impl User {
    /// Reads `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ids: numeric_ids(text),
        }
    }

    /// The user as written, which Compose takes.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The numeric user and group, or `None` when the user (or its group)
    /// is a name or an ID out of Kubernetes' range.
    pub fn ids(&self) -> Option<(u32, Option<u32>)> {
        self.ids
    }
}

impl std::fmt::Display for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<String> for User {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<User> for String {
    fn from(user: User) -> Self {
        user.text
    }
}

/// `UID` or `UID:GID`, each decimal digits of at most [`MAX_ID`].
fn numeric_ids(text: &str) -> Option<(u32, Option<u32>)> {
    let id = |part: &str| -> Option<u32> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok().filter(|id| *id <= MAX_ID)
    };
    match text.split_once(':') {
        Some((user, group)) => Some((id(user)?, Some(id(group)?))),
        None => Some((id(text)?, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_users_and_groups_are_read_once() {
        let ids = |text: &str| User::new(text).ids();
        assert_eq!(ids("1000"), Some((1000, None)));
        assert_eq!(ids("0:0"), Some((0, Some(0))));
        assert_eq!(ids("2147483647"), Some((MAX_ID, None)));
        // Names, signs and IDs Kubernetes refuses stay Compose's only.
        for text in [
            "app",
            "1000:staff",
            "-1",
            "+5",
            "2147483648",
            "1000:",
            ":1000",
            " 1",
        ] {
            assert_eq!(ids(text), None, "{text}");
        }
        assert_eq!(User::new("app:staff").as_str(), "app:staff");
    }
}
