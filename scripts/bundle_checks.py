#!/usr/bin/env python3
"""Local structural checks on a rendered stackgen bundle (stdlib + PyYAML).

Used by scripts/e2e; run with the validator venv's python. Subcommands:

  parse BUNDLE                 every *.yml/*.yaml/*.json parses
  grafana BUNDLE               dashboards and provisioning files (see below)
  grafana-sdk BUNDLE           each dashboard through grafana-foundation-sdk's decoder
  compose-names FILE.json      names reachable on the compose network, one a line
  compose-binds FILE.json      bind-mount sources that do not exist

Each check prints `PASS|FAIL <path> <check>[ -- <message>]`, one line per
file, with paths relative to BUNDLE. The exit status is 1 if any FAIL was
printed.

Dashboard checks: the file is one bare dashboard object (no `{"dashboard": ...}`
API wrapper), has `uid`, `title`, `panels` and an integer `schemaVersion`;
uids are unique across dashboards; panel ids are unique integers; every
panel has a type and an integer `gridPos` inside the 24-column grid, and no
two panels overlap; target refIds are unique per panel; every datasource uid
is one of the provisioned datasources' uids; no `${DS_...}` import
placeholders remain. Provisioning: `apiVersion: 1`; datasources have a
unique name and uid, a type, access proxy/direct and at most one default;
dashboard providers have a name, type `file` and `options.path`.
"""
import json
import os
import sys

BUILTIN_DATASOURCES = {"-- Grafana --", "grafana", "-- Mixed --", "-- Dashboard --"}
FAILED = False


def report(ok, path, check, message=""):
    global FAILED
    line = f"{'PASS' if ok else 'FAIL'} {path} {check}"
    if message:
        line += f" -- {message}"
    print(line)
    if not ok:
        FAILED = True


def files_under(bundle, *suffixes):
    found = []
    for root, _dirs, names in os.walk(bundle):
        for name in names:
            if name.endswith(suffixes):
                found.append(os.path.relpath(os.path.join(root, name), bundle))
    return sorted(found)


def load_yaml(path):
    import yaml

    with open(path, encoding="utf-8") as fh:
        return list(yaml.safe_load_all(fh))


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# ------------------------------------------------------------------- parse
def cmd_parse(bundle):
    for rel in files_under(bundle, ".yml", ".yaml", ".json"):
        if os.path.basename(rel).startswith(".stackgen"):
            continue
        path = os.path.join(bundle, rel)
        try:
            if rel.endswith(".json"):
                load_json(path)
                report(True, rel, "json-parse")
            else:
                docs = load_yaml(path)
                if not docs or all(d is None for d in docs):
                    report(False, rel, "yaml-parse", "empty document")
                else:
                    report(True, rel, "yaml-parse")
        except Exception as error:  # yaml.YAMLError, ValueError, UnicodeError
            kind = "json-parse" if rel.endswith(".json") else "yaml-parse"
            report(False, rel, kind, str(error).replace("\n", " ")[:300])


# ----------------------------------------------------------------- grafana
def dashboard_files(bundle):
    return [
        rel
        for rel in files_under(os.path.join(bundle, "grafana"), ".json")
        if not rel.startswith("provisioning" + os.sep)
    ]


def provisioning_files(bundle, kind):
    directory = os.path.join(bundle, "grafana", "provisioning", kind)
    if not os.path.isdir(directory):
        return []
    return [
        os.path.join("grafana", "provisioning", kind, name)
        for name in sorted(os.listdir(directory))
        if name.endswith((".yml", ".yaml"))
    ]


def provisioning_items(bundle, rel, key):
    """Reads a provisioning file: (its `key` list or None, errors so far)."""
    try:
        docs = load_yaml(os.path.join(bundle, rel))
    except Exception as error:
        return None, [f"YAML: {error}"]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return None, ["expected one YAML mapping"]
    errors = [] if docs[0].get("apiVersion") == 1 else ["apiVersion must be 1"]
    items = docs[0].get(key)
    if not isinstance(items, list) or not items:
        return None, errors + [f"no `{key}` list"]
    return items, errors


def check_datasources(bundle, rel, uids, names):
    items, errors = provisioning_items(bundle, rel, "datasources")
    if items is None:
        return errors
    defaults = 0
    for i, ds in enumerate(items):
        where = f"datasources[{i}]"
        if not isinstance(ds, dict):
            errors.append(f"{where} is not a mapping")
            continue
        for key in ("name", "type", "uid"):
            if not isinstance(ds.get(key), str) or not ds.get(key):
                errors.append(f"{where} needs a `{key}` string")
        if ds.get("access", "proxy") not in ("proxy", "direct"):
            errors.append(f"{where} access must be proxy or direct")
        uid, name = ds.get("uid"), ds.get("name")
        if uid in uids:
            errors.append(f"{where} uid `{uid}` is used twice")
        if name in names:
            errors.append(f"{where} name `{name}` is used twice")
        if isinstance(uid, str):
            uids.add(uid)
        if isinstance(name, str):
            names.add(name)
        defaults += 1 if ds.get("isDefault") is True else 0
    if defaults > 1:
        errors.append("more than one datasource has isDefault: true")
    return errors


def check_providers(bundle, rel):
    items, errors = provisioning_items(bundle, rel, "providers")
    if items is None:
        return errors
    for i, provider in enumerate(items):
        where = f"providers[{i}]"
        if not isinstance(provider, dict):
            errors.append(f"{where} is not a mapping")
            continue
        if not provider.get("name"):
            errors.append(f"{where} needs a `name`")
        if provider.get("type", "file") != "file":
            errors.append(f"{where} type must be `file`")
        if not isinstance(provider.get("options"), dict) or not provider["options"].get("path"):
            errors.append(f"{where} needs `options.path`")
    return errors


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_panels(panels, where, state, errors):
    """Checks a list of panels laid out on one grid; recurses into collapsed rows."""
    if not isinstance(panels, list):
        errors.append(f"{where} is not a list")
        return
    boxes = []
    for i, panel in enumerate(panels):
        w = f"{where}[{i}]"
        if not isinstance(panel, dict):
            errors.append(f"{w} is not an object")
            continue
        if not isinstance(panel.get("type"), str) or not panel["type"]:
            errors.append(f"{w} needs a `type`")
        pid = panel.get("id")
        if not is_int(pid):
            errors.append(f"{w} needs an integer `id`")
        elif pid in state["ids"]:
            errors.append(f"{w} panel id {pid} is used twice")
        else:
            state["ids"].add(pid)
        grid = panel.get("gridPos")
        if not isinstance(grid, dict) or not all(is_int(grid.get(k)) for k in ("h", "w", "x", "y")):
            errors.append(f"{w} needs an integer gridPos {{h, w, x, y}}")
        elif grid["x"] < 0 or grid["y"] < 0 or grid["w"] < 1 or grid["h"] < 1:
            errors.append(f"{w} gridPos has a negative or empty box")
        elif grid["x"] + grid["w"] > 24:
            errors.append(f"{w} gridPos x+w = {grid['x'] + grid['w']} exceeds the 24-column grid")
        else:
            box = (grid["x"], grid["y"], grid["x"] + grid["w"], grid["y"] + grid["h"])
            for other_where, other in boxes:
                if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                    errors.append(f"{w} gridPos overlaps {other_where}")
            boxes.append((w, box))
        targets = panel.get("targets", [])
        if not isinstance(targets, list):
            errors.append(f"{w} targets is not a list")
            targets = []
        ref_ids = [t.get("refId") for t in targets if isinstance(t, dict)]
        if len(ref_ids) != len(set(ref_ids)):
            errors.append(f"{w} has duplicate target refIds")
        for ds in [panel.get("datasource")] + [t.get("datasource") for t in targets if isinstance(t, dict)]:
            check_datasource_ref(ds, w, state, errors)
        if panel.get("type") == "row" and panel.get("panels"):
            check_panels(panel["panels"], f"{w}.panels", state, errors)


def check_datasource_ref(ds, where, state, errors):
    """Datasource uids must be provisioned; `datasource_uids` None: not known, not checked."""
    if isinstance(ds, dict) and state["datasource_uids"] is not None:
        uid = ds.get("uid")
        if isinstance(uid, str) and uid and not uid.startswith("$") and uid not in BUILTIN_DATASOURCES:
            if uid not in state["datasource_uids"]:
                known = ", ".join(sorted(state["datasource_uids"])) or "none"
                errors.append(f"{where} datasource uid `{uid}` is not provisioned (provisioned: {known})")


def check_dashboard(bundle, rel, datasource_uids, dashboard_uids):
    with open(os.path.join(bundle, rel), encoding="utf-8") as fh:
        return check_dashboard_text(fh.read(), rel, datasource_uids, dashboard_uids)


def check_dashboard_text(text, rel, datasource_uids, dashboard_uids):
    """The dashboard checks on one dashboard's JSON text; `rel` names it in messages."""
    try:
        data = json.loads(text)
    except ValueError as error:
        return [f"JSON: {error}"]
    if not isinstance(data, dict):
        return ["top level is not a JSON object"]
    if "dashboard" in data:
        return ['file is an API wrapper {"dashboard": ...}; file provisioning wants the bare dashboard']
    errors = []
    if "${DS_" in text:
        errors.append("contains a `${DS_...}` import placeholder")
    for key in ("uid", "title", "panels", "schemaVersion"):
        if key not in data:
            errors.append(f"missing `{key}`")
    uid = data.get("uid")
    if not isinstance(uid, str) or not 1 <= len(uid) <= 40:
        errors.append("uid must be a string of 1-40 characters")
    elif uid in dashboard_uids:
        errors.append(f"uid `{uid}` is also used by {dashboard_uids[uid]}")
    else:
        dashboard_uids[uid] = rel
    if not isinstance(data.get("title"), str) or not data.get("title"):
        errors.append("title must be a non-empty string")
    if "schemaVersion" in data and not is_int(data["schemaVersion"]):
        errors.append("schemaVersion must be an integer")
    state = {"ids": set(), "datasource_uids": datasource_uids}
    check_panels(data.get("panels", []), "panels", state, errors)
    templating = data.get("templating", {"list": []})
    variables = templating.get("list") if isinstance(templating, dict) else None
    if not isinstance(variables, list):
        errors.append("templating.list is not a list")
    else:
        for i, variable in enumerate(variables):
            if isinstance(variable, dict):
                check_datasource_ref(variable.get("datasource"), f"templating.list[{i}]", state, errors)
    return errors


def cmd_grafana(bundle):
    datasource_uids, datasource_names = set(), set()
    for rel in provisioning_files(bundle, "datasources"):
        errors = check_datasources(bundle, rel, datasource_uids, datasource_names)
        report(not errors, rel, "grafana-datasources", "; ".join(errors))
    providers = provisioning_files(bundle, "dashboards")
    for rel in providers:
        errors = check_providers(bundle, rel)
        report(not errors, rel, "grafana-providers", "; ".join(errors))
    dashboard_uids = {}
    dashboards = dashboard_files(bundle)
    for rel_in_grafana in dashboards:
        rel = os.path.join("grafana", rel_in_grafana)
        errors = check_dashboard(bundle, rel, datasource_uids, dashboard_uids)
        if not providers:
            errors.append("no dashboard provider in grafana/provisioning/dashboards/")
        report(not errors, rel, "grafana-dashboard", "; ".join(dict.fromkeys(errors)))


def cmd_grafana_sdk(bundle):
    try:
        import grafana_foundation_sdk  # noqa: F401
    except ImportError as error:
        for rel in dashboard_files(bundle):
            report(False, os.path.join("grafana", rel), "grafana-sdk", f"grafana-foundation-sdk missing ({error}); run scripts/install-validators")
        return
    for rel_in_grafana in dashboard_files(bundle):
        rel = os.path.join("grafana", rel_in_grafana)
        try:
            sdk_decode(load_json(os.path.join(bundle, rel)))
            report(True, rel, "grafana-sdk")
        except Exception as error:
            report(False, rel, "grafana-sdk", f"{type(error).__name__}: {error}"[:300])


def sdk_decode(data):
    """Decodes one dashboard with grafana-foundation-sdk; raises what it raises."""
    from grafana_foundation_sdk.cog.plugins import register_default_plugins
    from grafana_foundation_sdk.models import dashboard as grafana_dashboard

    register_default_plugins()
    grafana_dashboard.Dashboard.from_json(data).to_json()


# ----------------------------------------------------------------- compose
def cmd_compose_names(path):
    config = load_json(path)
    names = set()
    for name, service in (config.get("services") or {}).items():
        names.add(name)
        for key in ("hostname", "container_name"):
            if service.get(key):
                names.add(service[key])
        networks = service.get("networks") or {}
        if isinstance(networks, dict):
            for network in networks.values():
                names.update((network or {}).get("aliases") or [])
    for name in sorted(names):
        print(name)


def cmd_compose_binds(path):
    config = load_json(path)
    missing = []
    for name, service in (config.get("services") or {}).items():
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict) and volume.get("type") == "bind":
                source = volume.get("source") or ""
                if source.startswith("/") and not os.path.exists(source):
                    missing.append(f"{name}: {source}")
    if missing:
        print("bind-mount source missing: " + ", ".join(missing))
        sys.exit(1)


def main(argv):
    commands = {
        "parse": cmd_parse,
        "grafana": cmd_grafana,
        "grafana-sdk": cmd_grafana_sdk,
        "compose-names": cmd_compose_names,
        "compose-binds": cmd_compose_binds,
    }
    if len(argv) != 3 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    commands[argv[1]](argv[2])
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
