//! Services the `[alertmanager]` section adds to the plan.

use super::Plan;

/// Adds the services, volumes and mounts the `[alertmanager]` section implies.
pub fn add_services(plan: &mut Plan) {
    let _ = plan;
}
