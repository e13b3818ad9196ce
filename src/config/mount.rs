//! Mounts, read once from their short and long forms while the stack
//! loads: validation reports what does not read, the plan takes the
//! [`ResolvedMount`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{VolumeMount, VolumeMountLong};

/// A mount of a service: as written, and what it reads as.
#[derive(Debug, Clone)]
pub struct Mount {
    /// The mount as written, in its short or long form.
    pub spec: VolumeMount,
    /// The mount it reads as, or why it does not read.
    pub resolved: Result<ResolvedMount, String>,
}

impl From<VolumeMount> for Mount {
    fn from(spec: VolumeMount) -> Self {
        let resolved = resolve_mount(&spec);
        Self { spec, resolved }
    }
}

impl<'de> Deserialize<'de> for Mount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        VolumeMount::deserialize(deserializer).map(Self::from)
    }
}

impl Serialize for Mount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(serializer)
    }
}

/// A mount resolved to its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMount {
    /// A named volume or a host path.
    pub source: MountSource,
    /// The path in the container.
    pub target: String,
    /// Mounted read-only.
    pub read_only: bool,
}

impl ResolvedMount {
    /// A read-only bind mount of a host path (generated files: `./prometheus/prometheus.yml`).
    pub fn read_only_bind(source: &str, target: &str) -> Self {
        Self {
            source: MountSource::Host(source.to_owned()),
            target: target.to_owned(),
            read_only: true,
        }
    }
}

/// Where a mount comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountSource {
    /// A volume from `[volumes]`.
    Volume(String),
    /// A host path (`./x` relative to the bundle, or absolute).
    Host(String),
}

/// Parses a mount in either form.
fn resolve_mount(mount: &VolumeMount) -> Result<ResolvedMount, String> {
    let long = match mount {
        VolumeMount::Long(long) => long.0.clone(),
        VolumeMount::Short(text) => {
            let parts: Vec<&str> = text.split(':').collect();
            match parts.as_slice() {
                [source, target] => VolumeMountLong {
                    source: (*source).to_owned(),
                    target: (*target).to_owned(),
                    read_only: false,
                },
                [source, target, mode] => {
                    let read_only = match *mode {
                        "ro" => true,
                        "rw" => false,
                        other => return Err(format!("mode `{other}` is neither ro nor rw")),
                    };
                    VolumeMountLong {
                        source: (*source).to_owned(),
                        target: (*target).to_owned(),
                        read_only,
                    }
                }
                _ => return Err("write SOURCE:TARGET or SOURCE:TARGET:ro".to_owned()),
            }
        }
    };
    if !long.target.starts_with('/') {
        return Err(format!(
            "the target `{}` is not an absolute path",
            long.target
        ));
    }
    if long.target.split('/').any(|part| part == "..") {
        return Err("the target contains `..`".to_owned());
    }
    if long.source.chars().any(char::is_control) || long.target.chars().any(char::is_control) {
        return Err("it contains a control character".to_owned());
    }
    let source = if long.source.starts_with("./") || long.source.starts_with('/') {
        if long.source.split('/').any(|part| part == "..") {
            return Err("host paths may not contain `..`".to_owned());
        }
        MountSource::Host(long.source)
    } else if crate::syntax::is_safe_name(&long.source) {
        MountSource::Volume(long.source)
    } else {
        return Err(format!(
            "`{}` is neither a volume name nor a path starting with `./` or `/`",
            long.source
        ));
    };
    Ok(ResolvedMount {
        source,
        target: long.target,
        read_only: long.read_only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_parse() {
        let mount =
            resolve_mount(&VolumeMount::Short("data:/var/lib/data:ro".into())).expect("valid");
        assert_eq!(mount.source, MountSource::Volume("data".into()));
        assert!(mount.read_only);
        assert!(resolve_mount(&VolumeMount::Short("../x:/y".into())).is_err());
        assert!(resolve_mount(&VolumeMount::Short("data:relative".into())).is_err());
        assert!(resolve_mount(&VolumeMount::Short("data:/x:rx".into())).is_err());
    }
}
