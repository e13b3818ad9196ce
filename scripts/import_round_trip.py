#!/usr/bin/env python3
"""The round trip of `stackgen import`, on Docker Compose's own reading.

Usage: import_round_trip.py ORIGINAL.json RENDERED.json STACK.toml

ORIGINAL.json and RENDERED.json are `docker compose config --format json` of
a Compose file and of the docker-compose.yml stackgen rendered from its
import, STACK.toml the imported stack file (its header holds the loss
report). Each service of the original must be in the rendered file under its
stack.toml name with the same image, published ports, mount targets,
environment keys, dependencies and replica count, unless the report names
that setting of that service (`services.web.ports...`).
The rendered file may hold no other service.

Prints `PASS|FAIL <check>[ -- <message>]` lines; exits 1 on a FAIL.
"""
import json
import re
import sys
import tomllib

FAILED = False

# A report line: `#   services.NAME.key...` or `#   services["NAME"].key...`.
REPORT_LINE = re.compile(
    r'^#   services(?:\.([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*")\])(?:\.([a-z_]+))?'
)
RENAMED = re.compile(r'^# Compose service ("(?:[^"\\]|\\.)*")$')
TABLE = re.compile(r"^\[services\.([a-z0-9-]+)\]$")
SETTINGS = ["image", "ports", "volumes", "environment", "depends_on", "replicas"]


def report(ok, check, message=""):
    global FAILED
    line = f"{'PASS' if ok else 'FAIL'} {check}"
    if message:
        line += f" -- {message}"
    print(line)
    if not ok:
        FAILED = True


def read_stack(path):
    """Compose name -> stack.toml name and the reported settings as
    {compose name: {setting, ...}} ("*" for the whole service)."""
    text = open(path, encoding="utf-8").read()
    stack = tomllib.loads(text)
    names = {name: name for name in stack.get("services", {})}
    reported = {}
    lines = text.splitlines()
    for at, line in enumerate(lines):
        renamed = RENAMED.match(line)
        if renamed and at + 1 < len(lines):
            table = TABLE.match(lines[at + 1])
            if table:
                names.pop(table.group(1), None)
                names[json.loads(renamed.group(1))] = table.group(1)
        entry = REPORT_LINE.match(line)
        if entry:
            name = entry.group(1) or json.loads(entry.group(2))
            setting = entry.group(3)
            # Settings that Compose reads into the ones compared.
            compared = {
                "build": {"image"},  # a build left out runs the image Compose tags it with
                # A replica count stackgen does not run; replicas leave their
                # host ports to Docker.
                "deploy": {"ports", "replicas"},
                "scale": {"ports", "replicas"},
                "secrets": {"volumes"},  # mounted below /run/secrets
                "configs": {"volumes"},
                "network_mode": {"depends_on"},  # `service:db` depends on db
                "links": {"depends_on"},
                "volumes_from": {"depends_on"},
            }.get(setting, {setting or "*"})
            reported.setdefault(name, set()).update(compared)
    return names, reported


def ports(service):
    return sorted(
        (
            p.get("host_ip", "") if p.get("host_ip") not in ("0.0.0.0", None) else "",
            str(p.get("published", "")),
            int(p["target"]),
            p.get("protocol", "tcp"),
        )
        for p in service.get("ports") or []
    )


def targets(service):
    found = {v["target"] for v in service.get("volumes") or []}
    for kind in ("configs", "secrets"):
        for item in service.get(kind) or []:
            default = f"/{item['source']}" if kind == "configs" else f"/run/secrets/{item['source']}"
            found.add(item.get("target") or default)
    return found


def settings(service, rename):
    return {
        "image": service.get("image"),
        "ports": ports(service),
        "volumes": targets(service),
        "environment": set((service.get("environment") or {}).keys()),
        "depends_on": {
            rename(target): value.get("condition", "service_started")
            for target, value in (service.get("depends_on") or {}).items()
        },
        "replicas": int((service.get("deploy") or {}).get("replicas") or service.get("scale") or 1),
    }


def same(setting, want, got):
    if setting == "volumes":
        # A folder shipped file by file is mounted below its old target.
        return all(
            any(t == w or t.startswith(w.rstrip("/") + "/") for t in got) for w in want
        ) and all(any(t == w or t.startswith(w.rstrip("/") + "/") for w in want) for t in got)
    return want == got


def shown(value):
    """A setting as text, sets in sorted order (so each run prints the same)."""
    return repr(sorted(value)) if isinstance(value, set) else repr(value)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    original = json.load(open(argv[1], encoding="utf-8"))["services"]
    rendered = json.load(open(argv[2], encoding="utf-8"))["services"]
    names, reported = read_stack(argv[3])

    expected = set()
    for compose_name, service in original.items():
        want = settings(service, lambda t: names.get(t, t))
        name = names.get(compose_name, compose_name)
        expected.add(name)
        if name not in rendered:
            report(False, f"service {compose_name}", f"not rendered as {name}")
            continue
        got = settings(rendered[name], lambda t: t)
        for setting in SETTINGS:
            if same(setting, want[setting], got[setting]):
                continue
            excused = reported.get(compose_name, set()) & {setting, "*"}
            report(
                bool(excused),
                f"services.{compose_name}.{setting}",
                f"{shown(want[setting])} became {shown(got[setting])}"
                + (" (reported)" if excused else " and the report does not say so"),
            )
    extra = sorted(set(rendered) - expected)
    report(not extra, "services", f"rendered but not in the original: {extra}" if extra else "")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
