//! Process limits: no soft limit above its hard limit.

use super::Checker;
use crate::config::Ulimit;
use crate::error::ErrorKind;
use crate::load::pointer;

/// Checks every service's `ulimits` pairs.
pub fn check(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (name, service) in &stack.services {
        for (limit, value) in service.ulimits.entries() {
            let Ulimit::Pair(pair) = value else { continue };
            let (soft, hard) = (pair.soft.get(), pair.hard.get());
            // -1 is unlimited: above every number.
            let above = hard != -1 && (soft == -1 || soft > hard);
            if above {
                checker.error(
                    &pointer(["services", name, "ulimits", limit, "soft"]),
                    ErrorKind::UlimitSoftAboveHard {
                        name: limit.to_owned(),
                        soft: if soft == -1 {
                            "-1 (unlimited)".to_owned()
                        } else {
                            soft.to_string()
                        },
                        hard: hard.to_string(),
                    },
                );
            }
        }
    }
}
