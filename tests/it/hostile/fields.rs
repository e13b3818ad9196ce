//! The free-text fields of the structured stack and the strictly validated
//! fields a hostile value replaces one at a time, with their strategy.

use proptest::prelude::*;

use super::specials::hostile_string;

/// The free-text fields of one structured stack: every one of them may hold
/// any text, and the stack must render with each in its place.
#[derive(Debug, Clone)]
pub(super) struct Fields {
    pub(super) stack_description: String,
    pub(super) service_description: String,
    pub(super) label_value: String,
    pub(super) env_value: String,
    pub(super) command_arg: String,
    pub(super) healthcheck_shell: String,
    pub(super) user: String,
    pub(super) working_dir: String,
    pub(super) external_label: String,
    pub(super) alert_summary: String,
    pub(super) alert_description: String,
    pub(super) alert_label_value: String,
    pub(super) dashboard_title: String,
    pub(super) row_title: String,
    pub(super) panel_title: String,
    pub(super) panel_description: String,
    pub(super) legend: String,
    pub(super) slo_description: String,
    pub(super) slo_runbook: String,
    pub(super) slo_label_value: String,
    pub(super) slo_annotation: String,
}

/// Fields that are validated strictly: a hostile value is refused with a
/// diagnostic, or accepted and then written without changing any structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strict {
    StackName,
    LabelKey,
    RoutePath,
    ServerName,
    SlackChannel,
    /// A label of the service's log lines (config.alloy).
    LogLabel,
    /// The service's team, a label of its log lines too (config.alloy).
    Team,
    /// A host log file Alloy reads (config.alloy).
    HostLogPath,
}

impl Strict {
    pub(super) const ALL: [Self; 8] = [
        Self::StackName,
        Self::LabelKey,
        Self::RoutePath,
        Self::ServerName,
        Self::SlackChannel,
        Self::LogLabel,
        Self::Team,
        Self::HostLogPath,
    ];

    /// What a hostile value is written after, so that the rest of the
    /// field's own syntax holds (a route path starts with `/`).
    pub(super) fn lead(self) -> &'static str {
        match self {
            Self::RoutePath => "/",
            Self::HostLogPath => "/var/log/",
            _ => "",
        }
    }
}

impl Fields {
    /// The health check's shell line: the hostile text after a command, as
    /// a blank line is refused as an empty check.
    pub(super) fn shell(&self) -> String {
        format!("true {}", self.healthcheck_shell)
    }

    pub(super) fn uniform(text: &str) -> Self {
        Self {
            stack_description: text.to_owned(),
            service_description: text.to_owned(),
            label_value: text.to_owned(),
            env_value: text.to_owned(),
            command_arg: text.to_owned(),
            healthcheck_shell: text.to_owned(),
            user: text.to_owned(),
            working_dir: text.to_owned(),
            external_label: text.to_owned(),
            alert_summary: text.to_owned(),
            alert_description: text.to_owned(),
            alert_label_value: text.to_owned(),
            dashboard_title: text.to_owned(),
            row_title: text.to_owned(),
            panel_title: text.to_owned(),
            panel_description: text.to_owned(),
            legend: text.to_owned(),
            slo_description: text.to_owned(),
            slo_runbook: text.to_owned(),
            slo_label_value: text.to_owned(),
            slo_annotation: text.to_owned(),
        }
    }

    /// `odd` in the first, third, ... field and `even` in the others.
    pub(super) fn alternating(odd: &str, even: &str) -> Self {
        let mut fields = Self::uniform(odd);
        for field in [
            &mut fields.service_description,
            &mut fields.env_value,
            &mut fields.healthcheck_shell,
            &mut fields.working_dir,
            &mut fields.alert_summary,
            &mut fields.alert_label_value,
            &mut fields.row_title,
            &mut fields.panel_description,
            &mut fields.slo_runbook,
            &mut fields.slo_annotation,
        ] {
            even.clone_into(field);
        }
        fields
    }
}

pub(super) fn hostile_fields() -> impl Strategy<Value = Fields> {
    let first = (
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
    );
    let second = (
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
    );
    let third = (
        hostile_string(),
        hostile_string(),
        hostile_string(),
        hostile_string(),
    );
    (first, second, third).prop_map(|(a, b, c)| Fields {
        stack_description: a.0,
        service_description: a.1,
        label_value: a.2,
        env_value: a.3,
        command_arg: a.4,
        healthcheck_shell: a.5,
        user: a.6,
        working_dir: a.7,
        external_label: a.8,
        alert_summary: b.0,
        alert_description: b.1,
        alert_label_value: b.2,
        dashboard_title: b.3,
        row_title: b.4,
        panel_title: b.5,
        panel_description: b.6,
        legend: b.7,
        slo_description: c.0,
        slo_runbook: c.1,
        slo_label_value: c.2,
        slo_annotation: c.3,
    })
}
