//! The consistent bundle of `tests/e2e-fixtures/k8s-good/` passes; each
//! broken variant of it (one edit) gets exactly the expected problem.

use std::collections::BTreeMap;
use std::path::Path;

use super::{KUSTOMIZATION, Manifest, check_bundle, check_rendered, problems, read};

const SECRET_KEYS: &str = "k8s/secrets.env.example";
use crate::error::Error;
use crate::render::OutputFile;

/// The files of the consistent fixture bundle, keyed by their path in it, as
/// stackgen would render them.
fn good() -> BTreeMap<String, Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e-fixtures/k8s-good");
    let mut files = BTreeMap::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("the fixture folder reads") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(&root).expect("inside the fixture");
                let key = relative.to_string_lossy().replace('\\', "/");
                files.insert(key, std::fs::read(&path).expect("the fixture file reads"));
            }
        }
    }
    files
}

/// The problems of a bundle.
fn problems_of(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    problems(files).expect("the fixture parses")
}

/// The good bundle with the first `from` of `file` replaced by `to`.
fn edited(file: &str, from: &str, to: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = good();
    let text = String::from_utf8(files[file].clone()).expect("UTF-8");
    assert!(text.contains(from), "{file} has no `{from}`");
    files.insert(file.to_owned(), text.replacen(from, to, 1).into_bytes());
    files
}

/// The good bundle with `documents` appended to `file` (created if new).
fn appended(file: &str, documents: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = good();
    let entry = files.entry(file.to_owned()).or_default();
    entry.extend_from_slice(b"---\n");
    entry.extend_from_slice(documents.as_bytes());
    files
}

#[test]
fn the_consistent_bundle_passes() {
    assert_eq!(problems_of(&good()), Vec::<String>::new());
    check_bundle(&good()).expect("consistent");
}

#[test]
fn a_problem_is_a_bug_naming_it() {
    let files = edited("k8s/route.yaml", "port: 8000", "port: 8080");
    let Err(Error::Bug(message)) = check_bundle(&files) else {
        panic!("a broken bundle must be a bug");
    };
    assert_eq!(
        message,
        "the Kubernetes manifests contradict each other: HTTPRoute/web (k8s/route.yaml): \
         spec.rules[0].backendRefs[0]: port 8080 is not a port of Service/api (k8s/api.yaml)"
    );
}

/// One edit of a file of the good bundle, and the problems it must cause.
struct Case {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    expected: &'static [&'static str],
}

const EDITS: &[Case] = &[
    Case {
        file: "k8s/api.yaml",
        from: "    matchLabels:\n      app.kubernetes.io/name: api",
        to: "    matchLabels:\n      app.kubernetes.io/name: web",
        expected: &[
            "Deployment/api (k8s/api.yaml): spec.selector {app.kubernetes.io/name=web} does not match the pod template's labels",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "  selector:\n    app.kubernetes.io/name: api",
        to: "  selector:\n    app.kubernetes.io/name: apx",
        expected: &[
            "Service/api (k8s/api.yaml): spec.selector {app.kubernetes.io/name=apx} matches the pods of no workload of the bundle",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "targetPort: http",
        to: "targetPort: metrics",
        expected: &[
            "Service/api (k8s/api.yaml): spec.ports[0].targetPort metrics is no container port of the pods it selects",
        ],
    },
    Case {
        file: "k8s/monitoring.yaml",
        from: "  - port: http",
        to: "  - port: metrics",
        expected: &[
            "ServiceMonitor/api (k8s/monitoring.yaml): spec.endpoints[0].port metrics is no port name of Service/api",
        ],
    },
    Case {
        file: "k8s/monitoring.yaml",
        from: "      app.kubernetes.io/name: api\n  endpoints",
        to: "      app.kubernetes.io/name: ghost\n  endpoints",
        expected: &[
            "ServiceMonitor/api (k8s/monitoring.yaml): spec.selector {app.kubernetes.io/name=ghost} selects no Service of the bundle",
        ],
    },
    Case {
        file: "k8s/route.yaml",
        from: "    - name: api",
        to: "    - name: ghost",
        expected: &[
            "HTTPRoute/web (k8s/route.yaml): spec.rules[0].backendRefs[0]: Service ghost is not in the bundle",
        ],
    },
    Case {
        file: "k8s/route.yaml",
        from: "      port: 8000\n",
        to: "",
        expected: &[
            "HTTPRoute/web (k8s/route.yaml): spec.rules[0].backendRefs[0]: a Service backendRef needs a port",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "          name: api-config",
        to: "          name: api-conf",
        expected: &[
            "Deployment/api (k8s/api.yaml): volume config: ConfigMap api-conf is not in the bundle",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "              key: DB_PASSWORD",
        to: "              key: DB_PASS",
        expected: &[
            "Deployment/api (k8s/api.yaml): container api: reads DB_PASS from the generated Secret web-secrets, but its env file example does not list DB_PASS",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "              key: DB_PASSWORD",
        to: "              key: DB_PASSWORD\n        - name: API_TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: api-secrets\n              key: DB_PASSWORD",
        expected: &[
            "Deployment/api (k8s/api.yaml): container api: Secret api-secrets is neither in the bundle nor generated by the kustomization",
        ],
    },
    Case {
        file: SECRET_KEYS,
        from: "DB_PASSWORD=",
        to: "DB_PASSWORDS=",
        expected: &[
            "Deployment/api (k8s/api.yaml): container api: reads DB_PASSWORD from the generated Secret web-secrets, but its env file example does not list DB_PASSWORD",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "  - secrets.env\n",
        to: "  - values.env\n",
        expected: &[
            "the secretGenerator web-secrets reads values.env, but the bundle has no k8s/values.env.example listing its keys",
            "Deployment/api (k8s/api.yaml): container api: reads DB_PASSWORD from the generated Secret web-secrets, but its env file example does not list DB_PASSWORD",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "        - name: config\n          mountPath",
        to: "        - name: conf\n          mountPath",
        expected: &[
            "Deployment/api (k8s/api.yaml): container api: volumeMount conf names no volume of the pod",
        ],
    },
    Case {
        file: "k8s/api.yaml",
        from: "              key: DB_PASSWORD",
        to: "              key: DB_PASSWORD\n        - name: LISTEN\n          valueFrom:\n            configMapKeyRef:\n              name: api-config\n              key: listen",
        expected: &[
            "Deployment/api (k8s/api.yaml): container api: ConfigMap api-config has no key listen",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "- dashboards.yaml\n",
        to: "- dashboard.yaml\n",
        expected: &[
            "k8s/kustomization.yaml lists dashboard.yaml, which is no manifest of the bundle",
            "k8s/dashboards.yaml is not listed in k8s/kustomization.yaml's resources (it would not be deployed)",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "resources:",
        to: "configMapGenerator:\n- name: extra\n  files:\n  - extra.conf=files/extra.conf\nresources:",
        expected: &[
            "k8s/kustomization.yaml: configMapGenerator extra reads files/extra.conf, which is not in the bundle",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "  - secrets.env\n",
        to: "  - secrets.env\n  files:\n  - auth=auth/web-admins\n",
        expected: &[
            "k8s/kustomization.yaml: secretGenerator web-secrets reads auth/web-admins, which is not in the bundle",
        ],
    },
    Case {
        file: "k8s/ingress.yaml",
        from: "auth-secret: web-basic-auth",
        to: "auth-secret: web-basic-auht",
        expected: &[
            "Ingress/admin (k8s/ingress.yaml): metadata.annotations[nginx.ingress.kubernetes.io/auth-secret]: Secret web-basic-auht is neither in the bundle nor generated by the kustomization",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "- name: web-basic-auth\n",
        to: "- name: web-auth\n",
        expected: &[
            "Ingress/admin (k8s/ingress.yaml): metadata.annotations[nginx.ingress.kubernetes.io/auth-secret]: Secret web-basic-auth is neither in the bundle nor generated by the kustomization",
        ],
    },
    Case {
        file: KUSTOMIZATION,
        from: "  - auth=auth/web-basic-auth",
        to: "  - htpasswd=auth/web-basic-auth",
        expected: &[
            "Ingress/admin (k8s/ingress.yaml): metadata.annotations[nginx.ingress.kubernetes.io/auth-secret]: the generated Secret web-basic-auth has no key auth, which ingress-nginx reads the htpasswd file from",
        ],
    },
    Case {
        file: "k8s/ingress.yaml",
        from: "auth-secret: web-basic-auth",
        to: "auth-secret: other/web-basic-auth",
        expected: &[
            "Ingress/admin (k8s/ingress.yaml): metadata.annotations[nginx.ingress.kubernetes.io/auth-secret]: Secret other/web-basic-auth is in another namespace than the bundle's",
        ],
    },
];

#[test]
fn every_broken_edit_is_caught_exactly() {
    for case in EDITS {
        let files = edited(case.file, case.from, case.to);
        assert_eq!(
            problems_of(&files),
            case.expected,
            "{} `{}` → `{}`",
            case.file,
            case.from,
            case.to
        );
    }
}

/// A render is checked as its files would be: the objects' data (here read
/// from the files) and the other files of `k8s/` give the same verdict.
#[test]
fn a_render_is_checked_like_its_files() {
    let bundles = std::iter::once(good()).chain(
        EDITS
            .iter()
            .map(|case| edited(case.file, case.from, case.to)),
    );
    for files in bundles {
        let rendered: Vec<OutputFile> = files
            .iter()
            .map(|(path, contents)| OutputFile {
                path: path.clone(),
                contents: contents.clone(),
                mode: None,
            })
            .collect();
        let (_, manifests) = read(&files).expect("the fixture parses");
        assert_eq!(
            format!("{:?}", check_rendered(&rendered, &manifests)),
            format!("{:?}", check_bundle(&files))
        );
    }
}

#[test]
fn objects_are_cut_down_to_what_the_checks_read() {
    let deployment = serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api", "labels": {"app": "api"}, "annotations": {"a": "b", "nginx.ingress.kubernetes.io/auth-secret": "s"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "api"}},
            "template": {
                "metadata": {"labels": {"app": "api"}, "annotations": {"a": "b"}},
                "spec": {
                    "containers": [{
                        "name": "api",
                        "image": "api:1",
                        "livenessProbe": {"httpGet": {"path": "/", "port": 80}},
                        "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
                        "volumeMounts": [{"name": "config", "mountPath": "/etc/api", "readOnly": true}],
                        "envFrom": [{"secretRef": {"name": "s", "optional": true}, "prefix": "S_"}],
                        "env": [
                            {"name": "A", "value": "1"},
                            {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "B"}}},
                            {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                        ],
                    }],
                    "volumes": [
                        {"name": "config", "configMap": {"name": "api-files", "items": [{"key": "a", "path": "a"}]}},
                        {"name": "data", "persistentVolumeClaim": {"claimName": "api-data", "readOnly": false}},
                    ],
                },
            },
        },
    });
    let config_map = serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "dashboards", "labels": {"grafana_dashboard": "1"}},
        "data": {"api.json": "{\"panels\": []}"},
    });
    let service = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "api", "labels": {"app": "api"}, "annotations": {"a": "b"}},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app": "api"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    });
    let ingress = serde_json::json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "admin", "labels": {"app": "api"}, "annotations": {"a": "b", "nginx.ingress.kubernetes.io/auth-secret": "s"}},
        "spec": {"ingressClassName": "nginx"},
    });
    let manifest = Manifest::of(
        "k8s/api.yaml".to_owned(),
        vec![deployment, config_map, service, ingress],
    );
    assert_eq!(
        manifest.documents,
        [
            serde_json::json!({
                "kind": "Deployment",
                "metadata": {"name": "api"},
                "spec": {
                    "selector": {"matchLabels": {"app": "api"}},
                    "template": {
                        "metadata": {"labels": {"app": "api"}},
                        "spec": {
                            "containers": [{
                                "name": "api",
                                "ports": [{"name": "http"}],
                                "volumeMounts": [{"name": "config"}],
                                "envFrom": [{"secretRef": {"name": "s", "optional": true}}],
                                "env": [
                                    {},
                                    {"valueFrom": {"secretKeyRef": {"name": "s", "key": "B"}}},
                                    {"valueFrom": {}},
                                ],
                            }],
                            "volumes": [
                                {"name": "config", "configMap": {"name": "api-files"}},
                                {"name": "data", "persistentVolumeClaim": {"claimName": "api-data"}},
                            ],
                        },
                    },
                },
            }),
            serde_json::json!({
                "kind": "ConfigMap",
                "metadata": {"name": "dashboards"},
                "data": {"api.json": null},
            }),
            serde_json::json!({
                "kind": "Service",
                "metadata": {"name": "api", "labels": {"app": "api"}},
                "spec": {
                    "selector": {"app": "api"},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
                },
            }),
            serde_json::json!({
                "kind": "Ingress",
                "metadata": {"name": "admin", "annotations": {"nginx.ingress.kubernetes.io/auth-secret": "s"}},
                "spec": {},
            }),
        ]
    );
}

#[test]
fn objects_added_in_contradiction_are_caught() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "k8s/api.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\ndata: {}\n",
            &["ConfigMap/api-config (k8s/api.yaml) is written twice (also in k8s/api.yaml)"],
        ),
        (
            "k8s/route.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: api\n            port:\n              name: web\n",
            &[
                "Ingress/web (k8s/route.yaml): spec.rules[0].http.paths[0].backend: port web is not a port of Service/api (k8s/api.yaml)",
            ],
        ),
        (
            "k8s/monitoring.yaml",
            "apiVersion: monitoring.coreos.com/v1\nkind: Probe\nmetadata:\n  name: api\nspec:\n  prober:\n    url: api:8000\n  targets:\n    staticConfig:\n      static:\n      - http://api.web.svc:8080/health\n      - https://example.com/\n      - http://api.other:8080/\n",
            &[
                "Probe/api (k8s/monitoring.yaml): spec.targets.staticConfig.static[0]: port 8080 of http://api.web.svc:8080/health is not a port of Service/api (k8s/api.yaml)",
            ],
        ),
        (
            "k8s/api.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres\n        volumeMounts:\n        - name: data\n          mountPath: /data\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n",
            &["StatefulSet/db (k8s/api.yaml): spec.serviceName db is no Service of the bundle"],
        ),
    ];
    for (file, documents, expected) in cases {
        assert_eq!(
            &problems_of(&appended(file, documents)),
            expected,
            "{documents}"
        );
    }
}

#[test]
fn selectors_match_as_the_api_server_matches() {
    use super::selector::Selector;
    let labels = serde_json::json!({"app": "api", "tier": "web"});
    let selector = |value: serde_json::Value| Selector::Label(&value).matches(Some(&labels));
    assert!(selector(serde_json::json!({"matchLabels": {"app": "api"}})));
    assert!(!selector(
        serde_json::json!({"matchLabels": {"app": "web"}})
    ));
    assert!(selector(serde_json::json!({"matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["web", "api"]},
        {"key": "zone", "operator": "DoesNotExist"},
        {"key": "app", "operator": "NotIn", "values": ["db"]},
        {"key": "app", "operator": "Exists"},
    ]})));
    assert!(!selector(
        serde_json::json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]})
    ));
    assert!(!selector(
        serde_json::json!({"matchExpressions": [{"key": "tier", "operator": "Bogus"}]})
    ));
    assert!(Selector::Label(&serde_json::json!({"matchLabels": {}})).is_empty());
}
