//! Mounts: named volumes exist, host paths stay inside the bundle or are absolute.

use super::Checker;
use crate::config::{MountSource, ResolvedMount, VolumeMount};
use crate::error::ErrorKind;
use crate::load::{Section, closest, pointer};

/// Checks every service's mounts.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    let volumes = checker.defined_names(Section::Volumes);
    for (name, service) in &stack.services {
        for (position, mount) in service.volumes.iter().enumerate() {
            let at = pointer(["services", name, "volumes", &position.to_string()]);
            match &mount.resolved {
                Err(reason) => checker.error(
                    &at,
                    ErrorKind::BadMount {
                        value: describe(&mount.spec),
                        reason: reason.clone(),
                    },
                ),
                Ok(ResolvedMount {
                    source: MountSource::Volume(volume),
                    ..
                }) if !stack.volumes.contains_key(volume) => {
                    checker.error(
                        &at,
                        ErrorKind::DanglingReference {
                            what: "volume",
                            suggestion: closest(volume, &volumes),
                            name: volume.clone(),
                        },
                    );
                }
                Ok(_) => {}
            }
        }
    }
}

fn describe(mount: &VolumeMount) -> String {
    match mount {
        VolumeMount::Short(text) => text.clone(),
        VolumeMount::Long(long) => format!("{}:{}", long.source, long.target),
    }
}
