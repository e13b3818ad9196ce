//! Whether the jobs of a library group can feed a rule: what each rule of
//! `templates/alerts/` `requires` ([`Requirement`]), checked against the
//! planned services, so a rule that cannot fire in a stack is left out of it
//! and the deployment of every exporter provably carries what its rules need.
//!
//! | requirement | met by a member when |
//! | --- | --- |
//! | `host-network` | its job runs in the host's network namespace (node-exporter) |
//! | `kernel-log` | its job runs privileged with `/dev/kmsg` (cAdvisor) |
//! | `http-probe` | it is an HTTP target of the probe job |
//! | `tls-probe` | it is a TLS target of the probe job (nginx with `[ingress] tls`) |
//! | `alertmanager` | the stack has `[alertmanager]` |
//! | `dead-mans-switch` | `[alertmanager] dead-mans-switch` names a receiver |
//! | `redis-system-metrics` | its Redis exporter runs with `REDIS_EXPORTER_INCL_SYSTEM_METRICS=true` |

use super::alerts::LibraryMember;
pub use super::library_file::Requirement;
use super::prometheus::{
    KERNEL_LOG, PROBE_JOB, PROBE_MODULE, REDIS_SYSTEM_METRICS, TLS_PROBE_MODULE, probe_targets,
};
use super::{Plan, PlannedService};

/// The requirements each member of a group meets, in member order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fed(Vec<Vec<Requirement>>);

impl Fed {
    /// What the members of a group meet in `plan`.
    pub fn of(plan: &Plan, members: &[LibraryMember]) -> Self {
        let probes = probe_targets(plan);
        let services = plan.services_by_name();
        Self(
            members
                .iter()
                .map(|member| {
                    let module = probes
                        .iter()
                        .find(|probed| probed.targets.contains(&member.target))
                        .map(|probed| probed.module)
                        .filter(|_| member.job == PROBE_JOB);
                    let service = services.get(member.job.as_str()).copied();
                    ALL.into_iter()
                        .filter(|requirement| meets(plan, service, module, *requirement))
                        .collect()
                })
                .collect(),
        )
    }

    /// Every member meets every requirement: for checking the library's
    /// texts outside a stack.
    pub fn everything(members: usize) -> Self {
        Self(vec![ALL.to_vec(); members])
    }

    /// The first member that meets all of `requires`: the one a rule's tests
    /// use. `None` when no member does, and the rule cannot fire.
    pub fn member_for(&self, requires: &[Requirement]) -> Option<usize> {
        self.0
            .iter()
            .position(|met| requires.iter().all(|r| met.contains(r)))
    }
}

/// Every requirement.
const ALL: [Requirement; 7] = [
    Requirement::HostNetwork,
    Requirement::KernelLog,
    Requirement::HttpProbe,
    Requirement::TlsProbe,
    Requirement::Alertmanager,
    Requirement::DeadMansSwitch,
    Requirement::RedisSystemMetrics,
];

/// Whether a member meets `requirement`: its job's planned `service` (all
/// its replicas alike), its probe `module` for a target of the probe job,
/// or the stack.
fn meets(
    plan: &Plan,
    service: Option<&PlannedService>,
    module: Option<&str>,
    requirement: Requirement,
) -> bool {
    let served = |check: &dyn Fn(&PlannedService) -> bool| service.is_some_and(check);
    let alertmanager = plan.stack.alertmanager.as_ref();
    match requirement {
        Requirement::HostNetwork => served(&|s| s.host_network),
        Requirement::KernelLog => {
            served(&|s| s.privileged && s.devices.iter().any(|d| d == KERNEL_LOG))
        }
        Requirement::RedisSystemMetrics => served(&|s| {
            s.environment
                .get(REDIS_SYSTEM_METRICS)
                .is_some_and(|value| value == "true")
        }),
        Requirement::HttpProbe => module == Some(PROBE_MODULE),
        Requirement::TlsProbe => module == Some(TLS_PROBE_MODULE),
        Requirement::Alertmanager => alertmanager.is_some(),
        Requirement::DeadMansSwitch => {
            alertmanager.is_some_and(|settings| settings.dead_mans_switch.is_some())
        }
    }
}

#[cfg(test)]
mod tests;
