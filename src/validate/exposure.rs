//! Warns where the generated Prometheus or Alertmanager can be reached
//! without credentials although the proxy could ask for them: the plan's
//! findings (`plan.exposures`) that are warnings, at the place of the stack
//! that decides them. `stackgen ports` prints the same findings.

use super::Checker;
use crate::error::ErrorKind;
use crate::plan::Plan;
use crate::plan::exposure::Finding;

/// Warns about each finding of `plan.exposures` that is a warning.
pub fn check(checker: &mut Checker<'_>, plan: &Plan) {
    for exposure in &plan.exposures {
        if let Some(kind) = kind(exposure.service, exposure.section, &exposure.finding) {
            checker.warn(&exposure.pointer, kind);
        }
    }
}

/// The diagnostic of a finding that is a warning; `None` for a note,
/// which `stackgen ports` prints.
fn kind(service: &str, section: &str, finding: &Finding) -> Option<ErrorKind> {
    match finding {
        Finding::OpenBesideProxy {
            port,
            routed,
            bypassed,
        } => Some(ErrorKind::OpenPort {
            service: service.to_owned(),
            section: section.to_owned(),
            port: *port,
            routed: *routed,
            bypassed: bypassed.clone(),
        }),
        Finding::RoutedWithoutAuth { url } => Some(ErrorKind::OpenRoute {
            service: service.to_owned(),
            url: url.clone(),
        }),
        Finding::OpenWithoutProxy { .. } | Finding::PublishedBesideProxy { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;

    const STACK: &str = r#"
[stack]
name = "ops"

[prometheus]
port = 9091

[alertmanager]
bind = "0.0.0.0"
default-receiver = "ops"
receivers.ops = { webhook = [{ url = "http://bot:9000/" }] }

[ingress]
server-names = ["ops.example.com"]

[[ingress.routes]]
path = "/alertmanager/"
service = "alertmanager"
"#;

    /// The exposure warnings of `text`, with the text under their span.
    fn warnings(text: &str) -> Vec<(ErrorKind, String)> {
        crate::validate::plan_diagnostics(text, "stackgen::exposure::")
    }

    #[test]
    fn open_ports_beside_the_proxy_and_open_routes_are_warned_about_where_decided() {
        let found = warnings(STACK);
        assert_eq!(
            found,
            [
                (
                    ErrorKind::OpenPort {
                        service: "prometheus".to_owned(),
                        section: "prometheus".to_owned(),
                        port: 9091,
                        routed: false,
                        bypassed: None,
                    },
                    "9091".to_owned()
                ),
                (
                    ErrorKind::OpenPort {
                        service: "alertmanager".to_owned(),
                        section: "alertmanager".to_owned(),
                        port: 9093,
                        routed: true,
                        bypassed: None,
                    },
                    "\"0.0.0.0\"".to_owned()
                ),
                (
                    ErrorKind::OpenRoute {
                        service: "alertmanager".to_owned(),
                        url: "http://ops.example.com/alertmanager/".to_owned(),
                    },
                    "\"alertmanager\"".to_owned()
                ),
            ]
        );
        assert_eq!(
            found[0].0.to_string(),
            "prometheus publishes host port 9091 on all addresses without authentication, beside the proxy"
        );
        assert!(
            found[0]
                .0
                .help()
                .contains("serve it through an `[[ingress.routes]]` entry with `auth`")
        );
        assert!(
            found[1]
                .0
                .help()
                .ends_with("the proxy reaches alertmanager inside the stack")
        );
    }

    #[test]
    fn loopback_ports_and_routes_with_auth_are_quiet() {
        let quiet = STACK
            .replace("port = 9091", "bind = \"127.0.0.1\"")
            .replace("bind = \"0.0.0.0\"", "bind = \"::1\"")
            .replace(
                "service = \"alertmanager\"\n",
                "service = \"alertmanager\"\nauth = { basic-file = \"examples/auth/htpasswd\" }\n",
            );
        assert_eq!(warnings(&quiet), []);
    }
}
