//! The `kind` of a service, from its image, by `templates/import/kinds.toml`.

use serde::Deserialize;

/// The knowledge file.
const KINDS_PATH: &str = "import/kinds.toml";

#[derive(Debug, Deserialize)]
struct KindsFile {
    kinds: Vec<KindEntry>,
}

#[derive(Debug, Deserialize)]
struct KindEntry {
    kind: String,
    images: Vec<String>,
}

/// The kind the image `image` is known as, if any.
pub fn kind_of_image(image: &str) -> Option<String> {
    let repository = repository(image)?;
    let last = repository.rsplit('/').next().unwrap_or(&repository);
    let file = crate::templates::file(KINDS_PATH).ok()?;
    let kinds: KindsFile = toml::from_str(file).ok()?;
    kinds
        .kinds
        .into_iter()
        .find(|entry| {
            entry
                .images
                .iter()
                .any(|known| *known == repository || (!known.contains('/') && known == last))
        })
        .map(|entry| entry.kind)
}

/// The repository of an image reference: without registry, tag, digest
/// and Docker Hub's `library/`; `None` when it holds a variable.
fn repository(image: &str) -> Option<String> {
    if image.contains('$') {
        return None;
    }
    let without_digest = image.split('@').next().unwrap_or(image);
    let mut parts: Vec<&str> = without_digest.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        parts.remove(0);
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    let last = parts.pop()?;
    let name = last.split(':').next().unwrap_or(last);
    parts.push(name);
    Some(parts.join("/").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_give_kinds() {
        for (image, kind) in [
            ("postgres:16-alpine", Some("postgres")),
            ("docker.io/library/redis:7", Some("redis")),
            ("ghcr.io/acme/redis:7", Some("redis")),
            ("bitnami/postgresql:15@sha256:abc", Some("postgres")),
            ("mongo", Some("mongodb")),
            (
                "docker.elastic.co/elasticsearch/elasticsearch:8.11.1",
                Some("elasticsearch"),
            ),
            ("confluentinc/cp-kafka:7.5.0", Some("kafka")),
            ("localhost:5000/zookeeper:3.9", Some("zookeeper")),
            ("nginx:1.25", None),
            ("acme/redis-commander", None),
            ("${REGISTRY}/postgres", None),
        ] {
            assert_eq!(kind_of_image(image).as_deref(), kind, "{image}");
        }
    }

    #[test]
    fn every_kind_in_the_file_is_a_kind_stackgen_has() {
        let file = crate::templates::file(KINDS_PATH).expect("shipped");
        let kinds: KindsFile = toml::from_str(file).expect("the file parses");
        for entry in kinds.kinds {
            let kind: crate::config::ServiceKind =
                serde_json::from_value(serde_json::Value::String(entry.kind.clone()))
                    .unwrap_or_else(|_| panic!("{} is not a kind", entry.kind));
            assert_eq!(kind.as_str(), entry.kind);
        }
    }
}
