#!/usr/bin/env python3
"""Checks of a rendered bundle's Kubernetes manifests (its k8s/ folder).

Used by scripts/e2e; run with the validator venv's python:

  k8s_checks.py BUNDLE

Prints `PASS|FAIL|NOTE <path> <check>[ -- <message>]` lines, paths relative to
BUNDLE, and exits 1 if any FAIL was printed. Checks:

  kubernetes-validate   every built-in kind of each manifest file against the
                        Kubernetes 1.30 OpenAPI schemas with unknown fields
                        refused: PyPI kubernetes-validate's own `validate`
                        (what `kubernetes-validate --strict -k 1.30 FILE`
                        runs), called in one process for the whole bundle. A
                        kind with neither a built-in nor a vendored schema
                        fails as "no schema".
  crd-jsonschema        every custom resource against the vendored schema of
                        schema/kubernetes/<group>/<kind>_<version>.json
                        (jsonschema, draft 7), after dropping null fields and
                        filling in the schema's defaults, as the API server does.
  promtool-check-rules  each PrometheusRule's `spec` (its `groups:`) written to
                        a rules file and read by `promtool check rules`.
  promtool-test-prometheusrule
                        every promtool test file of the bundle
                        (prometheus/tests/*.yml, or one under k8s/) run against
                        the PrometheusRule groups instead of the rule files it
                        names: each group it names is taken from the
                        PrometheusRule that carries it.
  prometheusrule-groups the PrometheusRules carry exactly the groups of
                        prometheus/rules/*.yml (when the bundle has both).
  grafana-dashboard, grafana-sdk
                        each dashboard of a ConfigMap labelled
                        `grafana_dashboard`, through the dashboard checks of
                        bundle_checks.py (datasource uids only when the bundle
                        has ConfigMaps labelled `grafana_datasource`).
  kustomization-resources
                        every path k8s/kustomization.yaml names exists
                        (generators' env files and files included; a
                        secretGenerator's env file, which the user writes and
                        never commits, by its `.example`), and every manifest
                        of k8s/ is listed in its resources.
  kubectl-kustomize     `kubectl kustomize k8s` builds (kubectl: $KUBECTL, else
                        PATH's), in a copy of k8s/ where each missing env file
                        of a secretGenerator is written from its `.example`
                        with placeholder values, as the user would.
  secret-keys           in the built objects, every secretKeyRef of a pod,
                        every Secret an AlertmanagerConfig names and the
                        Secret of an Ingress's ingress-nginx `auth-secret`
                        annotation (key `auth`, the htpasswd file) is a
                        Secret of the build with that key.

$PROMTOOL picks promtool, $K8S_VERSION the Kubernetes version (1.30).
"""
import copy
import functools
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bundle_checks  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, "schema", "kubernetes")
K8S_VERSION = os.environ.get("K8S_VERSION", "1.30")
PROMTOOL = os.environ.get("PROMTOOL", "promtool")
KUBECTL = os.environ.get("KUBECTL") or shutil.which("kubectl") or "kubectl"
FAILED = False


class Loader(yaml.SafeLoader):
    """SafeLoader that reads a plain `=` as the string "=", as kubectl does."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def report(status, path, check, message=""):
    global FAILED
    line = f"{status} {path} {check}"
    if message:
        line += f" -- {' '.join(str(message).split())[:400]}"
    print(line)
    if status == "FAIL":
        FAILED = True


def load_docs(path):
    with open(path, encoding="utf-8") as fh:
        return [d for d in yaml.load_all(fh, Loader=Loader) if d is not None]


def is_object(doc):
    return isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)


def name_of(doc):
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return f"{doc.get('kind')}/{meta.get('name', '?')}"


def summarize(problems, limit=3):
    problems = list(dict.fromkeys(problems))
    text = "; ".join(problems[:limit])
    if len(problems) > limit:
        text += f" (+{len(problems) - limit} more)"
    return text


def labels_of(doc):
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return meta.get("labels") if isinstance(meta.get("labels"), dict) else {}


# ------------------------------------------------------------- bundle
class Bundle:
    """The manifests of BUNDLE/k8s, read once: {rel: [documents]} plus parse errors."""

    def __init__(self, bundle):
        self.root = bundle
        self.k8s = os.path.join(bundle, "k8s")
        self.files = {}
        self.unreadable = {}
        self.tests = []
        for rel in bundle_checks.files_under(self.k8s, ".yaml", ".yml"):
            full = os.path.join(self.k8s, rel)
            rel = os.path.join("k8s", rel)
            if os.path.basename(rel) in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                continue
            try:
                docs = load_docs(full)
            except (yaml.YAMLError, UnicodeError) as error:
                self.unreadable[rel] = str(error)
                continue
            if any(is_object(d) for d in docs):
                self.files[rel] = docs
            elif len(docs) == 1 and isinstance(docs[0], dict) and "tests" in docs[0] and "rule_files" in docs[0]:
                self.tests.append(rel)

    def objects(self):
        for rel, docs in self.files.items():
            for doc in docs:
                if is_object(doc):
                    yield rel, doc


# ----------------------------------------------------------- schemas
@functools.lru_cache(maxsize=None)
def crd_validator(api_version, kind):
    """The vendored schema's validator for a kind, or None."""
    if "/" not in api_version:
        return None
    group, version = api_version.rsplit("/", 1)
    path = os.path.join(SCHEMAS, group, f"{kind.lower()}_{version}.json")
    if not os.path.isfile(path):
        return None
    import jsonschema

    with open(path, encoding="utf-8") as fh:
        schema = json.load(fh)
    return schema, jsonschema.Draft7Validator(schema)


def prune_nulls(value):
    """The API server drops null fields of custom resources before validating."""
    if isinstance(value, dict):
        return {k: prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune_nulls(v) for v in value]
    return value


def apply_defaults(schema, value):
    """Fills in the schema's defaults, as the API server does before validating."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for key, sub in props.items():
            if key not in value and isinstance(sub, dict) and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                apply_defaults(sub, value[key])
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, sub in value.items():
                if key not in props:
                    apply_defaults(extra, sub)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(schema["items"], item)


def json_path(parts):
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".") or "(root)"


def crd_problems(doc, schema, validator):
    from jsonschema.exceptions import best_match

    value = prune_nulls(doc)
    apply_defaults(schema, value)
    problems = []
    for error in sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]):
        error = best_match([error]) if error.context else error
        problems.append(f"{name_of(doc)}: {json_path(error.absolute_path)}: {error.message[:200]}")
    return problems


def kubernetes_validate():
    """kubernetes-validate's validate(), with its schema files read once per process."""
    from kubernetes_validate import utils

    if not hasattr(utils.schema_contents, "cache_info"):
        utils.schema_contents = functools.lru_cache(maxsize=None)(utils.schema_contents)
    return utils


def check_schemas(bundle):
    utils = kubernetes_validate()
    for rel, error in bundle.unreadable.items():
        report("FAIL", rel, "kubernetes-validate", f"YAML: {error}")
    for rel, docs in bundle.files.items():
        builtin, custom, builtin_problems, custom_problems = 0, 0, [], []
        for i, doc in enumerate(docs):
            if not is_object(doc):
                builtin_problems.append(f"document {i + 1} has no apiVersion and kind")
                continue
            try:
                utils.validate(doc, K8S_VERSION, strict=True)
                builtin += 1
            except utils.SchemaNotFoundError:
                found = crd_validator(doc["apiVersion"], doc["kind"])
                if found is None:
                    builtin += 1
                    builtin_problems.append(f"no schema for {doc['kind']} ({doc['apiVersion']})")
                else:
                    custom += 1
                    custom_problems += crd_problems(doc, *found)
            except utils.ValidationError as error:
                builtin += 1
                builtin_problems.append(f"{name_of(doc)}: {json_path(error.path)}: {error.message[:200]}")
        if builtin or builtin_problems:
            report("FAIL" if builtin_problems else "PASS", rel, "kubernetes-validate", summarize(builtin_problems))
        if custom:
            report("FAIL" if custom_problems else "PASS", rel, "crd-jsonschema", summarize(custom_problems))


# ------------------------------------------------------------ rules
def prometheus_rules(bundle):
    """[(rel, PrometheusRule document)] of the bundle."""
    return [(rel, doc) for rel, doc in bundle.objects() if doc["kind"] == "PrometheusRule"]


def rule_groups(doc):
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    groups = spec.get("groups")
    return groups if isinstance(groups, list) else []


def promtool(args, cwd=None):
    """Runs promtool; (ok, its output)."""
    run = subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, check=False)
    return run.returncode == 0, run.stdout + run.stderr


def first_error(output):
    for line in output.splitlines():
        line = line.strip()
        if not line or line.startswith(("Checking ", "Unit Testing:")) or line == "FAILED:":
            continue
        return line.removeprefix("FAILED: ")
    return output.strip()


def check_rules(bundle, work):
    by_file = {}
    for rel, doc in prometheus_rules(bundle):
        by_file.setdefault(rel, []).append(doc)
    for n, (rel, docs) in enumerate(by_file.items()):
        problems = []
        for j, doc in enumerate(docs):
            path = os.path.join(work, f"check-{n}-{j}.yml")
            with open(path, "w", encoding="utf-8") as fh:
                yaml.safe_dump({"groups": rule_groups(doc)}, fh, sort_keys=False)
            ok, output = promtool(["check", "rules", path])
            if not ok:
                problems.append(f"{name_of(doc)}: {first_error(output).replace(path + ': ', '')}")
        report("FAIL" if problems else "PASS", rel, "promtool-check-rules", summarize(problems))


def check_rule_tests(bundle, work):
    rules = prometheus_rules(bundle)
    if not rules:
        return
    # Every PrometheusRule group by name.
    groups_by_name = {}
    for _rel, doc in rules:
        for group in rule_groups(doc):
            name = group.get("name") if isinstance(group, dict) else None
            groups_by_name.setdefault(name, []).append(group)
    compose_groups = set()
    for path in sorted(glob.glob(os.path.join(bundle.root, "prometheus", "rules", "*.yml"))):
        compose_groups |= set(group_names(path))
    if compose_groups:
        missing = sorted(compose_groups - set(groups_by_name))
        extra = sorted(set(groups_by_name) - compose_groups)
        problems = [f"group {g} of prometheus/rules/ has no PrometheusRule" for g in missing]
        problems += [f"group {g} is in no file of prometheus/rules/" for g in extra]
        report("FAIL" if problems else "PASS", "k8s", "prometheusrule-groups", summarize(problems))
    tests = sorted(glob.glob(os.path.join(bundle.root, "prometheus", "tests", "*.yml")))
    tests = [os.path.relpath(t, bundle.root) for t in tests] + bundle.tests
    for n, rel in enumerate(tests):
        problem, test_dir = retarget_test(bundle, rel, groups_by_name, os.path.join(work, f"test-{n}"))
        if problem:
            report("FAIL", rel, "promtool-test-prometheusrule", problem)
            continue
        ok, output = promtool(["test", "rules", os.path.basename(rel)], cwd=test_dir)
        if ok and "no file match" in output.lower():
            ok, output = False, output[output.lower().index("no file match"):]
        output = "\n".join(line for line in output.splitlines() if not line.startswith("Unit Testing:"))
        report("PASS" if ok else "FAIL", rel, "promtool-test-prometheusrule", "" if ok else output)


def group_names(path):
    try:
        docs = load_docs(path)
    except (OSError, yaml.YAMLError):
        return []
    groups = docs[0].get("groups") if docs and isinstance(docs[0], dict) else None
    return [g.get("name") for g in groups or [] if isinstance(g, dict)]


def retarget_test(bundle, rel, groups_by_name, mirror):
    """Lays out test file `rel` in folder `mirror` as it is in the bundle, byte
    for byte, with every rule file it names replaced by the PrometheusRule
    groups of the groups that file holds; (problem or None, the test's folder)."""
    full = os.path.join(bundle.root, rel)
    try:
        patterns = load_docs(full)[0].get("rule_files") or []
    except (OSError, IndexError, AttributeError, yaml.YAMLError) as error:
        return f"unreadable: {error}", None
    os.makedirs(os.path.dirname(os.path.join(mirror, rel)), exist_ok=True)
    shutil.copyfile(full, os.path.join(mirror, rel))
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.join(os.path.dirname(full), str(pattern))))
        if not matches:
            return f"rule file {pattern} matches nothing", None
        for match in matches:
            inside = os.path.relpath(match, bundle.root)
            if inside.startswith(".."):
                return f"rule file {pattern} is outside the bundle", None
            docs = load_docs(match)
            if any(is_object(d) and d["kind"] == "PrometheusRule" for d in docs):
                names = [g.get("name") for d in docs if is_object(d) for g in rule_groups(d) if isinstance(g, dict)]
            else:
                names = group_names(match)
            missing = [name for name in names if name not in groups_by_name]
            if missing:
                return f"no PrometheusRule has group(s) {', '.join(map(str, missing))} of {inside}", None
            groups = [group for name in names for group in groups_by_name[name]]
            os.makedirs(os.path.dirname(os.path.join(mirror, inside)), exist_ok=True)
            with open(os.path.join(mirror, inside), "w", encoding="utf-8") as fh:
                yaml.safe_dump({"groups": groups}, fh, sort_keys=False)
    return None, os.path.dirname(os.path.join(mirror, rel))


# -------------------------------------------------------- dashboards
def datasource_uids(bundle):
    """Uids of the datasources the bundle's `grafana_datasource` ConfigMaps and
    Secrets provision, or None when it has none (then uids are not checked)."""
    uids = None
    for _rel, doc in bundle.objects():
        if doc["kind"] not in ("ConfigMap", "Secret") or "grafana_datasource" not in labels_of(doc):
            continue
        uids = uids or set()
        for text in (doc.get("data") or doc.get("stringData") or {}).values():
            try:
                sources = yaml.safe_load(text).get("datasources") or []
            except (yaml.YAMLError, AttributeError):
                continue
            uids |= {s.get("uid") for s in sources if isinstance(s, dict) and s.get("uid")}
    return uids


def check_dashboards(bundle):
    uids = datasource_uids(bundle)
    dashboard_uids = {}
    for rel, doc in bundle.objects():
        if doc["kind"] != "ConfigMap" or "grafana_dashboard" not in labels_of(doc):
            continue
        where = f"{rel}#{(doc.get('metadata') or {}).get('name')}"
        data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
        if not data:
            report("FAIL", where, "grafana-dashboard", "the ConfigMap holds no dashboard")
            continue
        problems, sdk_problems = [], []
        for key, text in data.items():
            problems += [f"{key}: {e}" for e in bundle_checks.check_dashboard_text(str(text), where, uids, dashboard_uids)]
            try:
                bundle_checks.sdk_decode(json.loads(text))
            except Exception as error:  # whatever the SDK raises on a bad dashboard
                sdk_problems.append(f"{key}: {type(error).__name__}: {error}")
        report("FAIL" if problems else "PASS", where, "grafana-dashboard", summarize(problems))
        report("FAIL" if sdk_problems else "PASS", where, "grafana-sdk", summarize(sdk_problems))


# ------------------------------------------------------- kustomize
def check_kustomization(bundle):
    rel = "k8s/kustomization.yaml"
    path = os.path.join(bundle.root, rel)
    if not os.path.isfile(path):
        report("FAIL", rel, "kustomization-resources", "k8s/ has no kustomization.yaml")
        return
    try:
        kustomization = load_docs(path)[0]
    except (yaml.YAMLError, IndexError) as error:
        report("FAIL", rel, "kustomization-resources", f"YAML: {error}")
        return
    problems = []

    def exists(entry):
        return os.path.exists(os.path.join(bundle.k8s, entry))

    resources = [str(r) for r in kustomization.get("resources") or []]
    for field in ("resources", "components", "crds"):
        for entry in kustomization.get(field) or []:
            if not exists(str(entry)):
                problems.append(f"{field}: {entry} does not exist")
    for patch in kustomization.get("patches") or []:
        if isinstance(patch, dict) and patch.get("path") and not exists(patch["path"]):
            problems.append(f"patches: {patch['path']} does not exist")
    user_files = []
    for field in ("configMapGenerator", "secretGenerator"):
        for generator in kustomization.get(field) or []:
            for source in (generator.get("envs") or []) + (generator.get("files") or []):
                source = str(source).split("=", 1)[-1]
                if exists(source):
                    continue
                if field == "secretGenerator" and source in (generator.get("envs") or []) and exists(source + ".example"):
                    user_files.append(source)
                else:
                    problems.append(f"{field} {generator.get('name')}: {source} does not exist")
    listed = {os.path.normpath(r) for r in resources}
    for manifest in sorted(bundle.files):
        inside = os.path.relpath(manifest, "k8s")
        parents = {os.path.normpath(inside)} | {os.path.dirname(inside)}
        if not listed & parents:
            problems.append(f"{inside} is not listed in resources (it would not be deployed)")
    report("FAIL" if problems else "PASS", rel, "kustomization-resources", summarize(problems))
    with tempfile.TemporaryDirectory(prefix="stackgen-kustomize-") as work:
        copy = os.path.join(work, "k8s")
        shutil.copytree(bundle.k8s, copy)
        for source in user_files:
            write_placeholders(os.path.join(copy, source + ".example"), os.path.join(copy, source))
        run = subprocess.run([KUBECTL, "kustomize", "k8s"], cwd=work, capture_output=True, text=True, check=False)
        root = work
    if run.returncode != 0:
        error = run.stderr.strip().replace(os.path.abspath(root) + os.sep, "")
        # kubectl logs through klog: `E1207 13:15:52.289932 25759 run.go:72] "command failed" err="..."`
        error = re.sub(r'^E\d{4} [\d:.]+ +\d+ \S+\] "command failed" err="(.*)"$', r"\1", error, flags=re.S)
        report("FAIL", rel, "kubectl-kustomize", error or "failed")
    elif not run.stdout.strip():
        report("FAIL", rel, "kubectl-kustomize", "the build is empty")
    else:
        # kubectl writes `=` plain, which PyYAML's YAML 1.1 resolver reads as
        # the `value` tag: count the objects without resolving scalars.
        built = [d for d in yaml.load_all(run.stdout, Loader=yaml.BaseLoader) if d]
        report("PASS", rel, "kubectl-kustomize", f"{len(built)} objects")
        problems = secret_key_problems(built)
        report("FAIL" if problems else "PASS", rel, "secret-keys", summarize(problems))


def write_placeholders(example, target):
    """The env file a user writes from `example`: each `NAME=` with a placeholder value."""
    with open(example, encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for line in source:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                out.write(line.split("=", 1)[0] + "=placeholder\n")


# ingress-nginx reads an Ingress's htpasswd file from this key of the Secret
# its auth-secret annotation names (`NAME` or `NAMESPACE/NAME`).
AUTH_SECRET = "nginx.ingress.kubernetes.io/auth-secret"
AUTH_KEY = "auth"


def secret_key_problems(built):
    """Every Secret key the built pods, AlertmanagerConfigs and Ingresses read exists in a built Secret."""
    secrets = {}
    for doc in built:
        if doc.get("kind") == "Secret":
            keys = set((doc.get("data") or {}).keys()) | set((doc.get("stringData") or {}).keys())
            secrets[doc["metadata"]["name"]] = keys
    problems = []

    def need(where, name, key):
        if name not in secrets:
            problems.append(f"{where}: Secret {name} is not in the build")
        elif key is not None and key not in secrets[name]:
            problems.append(f"{where}: Secret {name} has no key {key}")

    def walk(where, value, alertmanager):
        if isinstance(value, dict):
            ref = value.get("secretKeyRef")
            if isinstance(ref, dict) and not ref.get("optional"):
                need(where, ref.get("name"), ref.get("key"))
            if alertmanager and set(value) >= {"name", "key"} and isinstance(value.get("key"), str):
                need(where, value["name"], value["key"])
            for item in value.values():
                walk(where, item, alertmanager)
        elif isinstance(value, list):
            for item in value:
                walk(where, item, alertmanager)

    for doc in built:
        metadata = doc.get("metadata") or {}
        where = f"{doc.get('kind')}/{metadata.get('name')}"
        walk(where, doc.get("spec"), doc.get("kind") == "AlertmanagerConfig")
        auth_secret = (metadata.get("annotations") or {}).get(AUTH_SECRET)
        if doc.get("kind") == "Ingress" and auth_secret is not None:
            namespace, _, name = str(auth_secret).rpartition("/")
            if namespace and namespace != metadata.get("namespace"):
                problems.append(f"{where}: {AUTH_SECRET} names Secret {auth_secret} of another namespace, which the build does not hold")
            else:
                need(f"{where} ({AUTH_SECRET})", name, AUTH_KEY)
    return problems


def main(argv):
    if len(argv) != 2 or not os.path.isdir(os.path.join(argv[1], "k8s")):
        print(__doc__, file=sys.stderr)
        return 2
    bundle = Bundle(argv[1])
    with tempfile.TemporaryDirectory(prefix="stackgen-k8s-") as work:
        check_schemas(bundle)
        check_rules(bundle, work)
        check_rule_tests(bundle, work)
        check_dashboards(bundle)
    check_kustomization(bundle)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
