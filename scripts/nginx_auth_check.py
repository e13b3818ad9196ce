#!/usr/bin/env python3
"""Starts a bundle's nginx and proves its basic authentication works.

scripts/nginx_auth_check.py ETC_NGINX_DIR

ETC_NGINX_DIR is the bundle's nginx/ folder over the system's /etc/nginx
files (as scripts/e2e prepares it for `nginx -t`). For a copy of it, the
script changes only what a test run needs: the plain HTTP listener moves to
a free loopback port, every upstream server and per-request target to one
local backend that answers 200, paths under /etc/nginx/ to the copy, the pid
file into the copy, no `user` switch, and every htpasswd file holds one
generated user (a bundle with TLS is skipped). Then, for every location
with `auth_basic` (sending its server block's name as the Host), it asks without
credentials (401 expected), with a wrong password (401) and with the
generated user (passed on: the backend's 200), and prints
`PASS|FAIL nginx/nginx.conf <check> [-- message]` lines. Without openssl
the run is skipped with a NOTE line.
"""

import base64
import http.server
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BODY = b"passed on by nginx\n"


class Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server interface)
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(url, credentials=None, host=None):
    request = urllib.request.Request(url)
    if host:
        request.add_header("Host", host)
    if credentials:
        token = base64.b64encode(credentials.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def main():
    source = sys.argv[1]
    conf = open(os.path.join(source, "nginx.conf")).read()
    # (host, path) of every location asking for credentials; the host is the
    # first server name of its server block (None for the default server,
    # which answers any host).
    protected = []
    for block in re.split(r"\n    server \{\n", conf)[1:]:
        names = re.search(r'^\s*server_name "([^"]+)"', block, re.M)
        default = re.search(r"^\s*listen [^;]*default_server;", block, re.M)
        host = None if default or not names else names.group(1)
        for path in re.findall(r'location "([^"]+)" \{\n\s*auth_basic ', block):
            protected.append((host, path))
    if not protected:
        return
    if re.search(r"^\s*listen 443 ", conf, re.M):
        print("NOTE nginx/nginx.conf served over TLS only: the basic authentication run is skipped")
        return
    if shutil.which("openssl") is None:
        print("NOTE nginx/nginx.conf openssl not on PATH: the basic authentication run is skipped")
        return
    work = tempfile.mkdtemp(prefix="stackgen-nginx-auth.")
    # Run as root, nginx's workers are `nobody`: they read the htpasswd files
    # on each request, as the image's `nginx` user does.
    os.chmod(work, 0o755)
    run = os.path.join(work, "etc")
    shutil.copytree(source, run, symlinks=True)
    os.makedirs(os.path.join(work, "prefix", "logs"))
    listen, backend_port = free_port(), free_port()
    password = secrets.token_urlsafe(12)
    hashed = subprocess.run(
        ["openssl", "passwd", "-apr1", password], check=True, capture_output=True, text=True
    ).stdout.strip()
    for path in re.findall(r'auth_basic_user_file "([^"]+)";', conf):
        with open(os.path.join(run, os.path.relpath(path, "/etc/nginx")), "w") as f:
            f.write(f"e2e:{hashed}\n")
    conf = re.sub(r"^user [^;]*;\n", "", conf, flags=re.M)
    conf = re.sub(r"^pid [^;]*;", f"pid {work}/nginx.pid;", conf, flags=re.M)
    conf = conf.replace("listen 80 default_server;", f"listen 127.0.0.1:{listen} default_server;")
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    conf = re.sub(r'server "[^"]+" max_fails', f"server 127.0.0.1:{backend_port} max_fails", conf)
    conf = re.sub(r'(set \$stackgen_target_\d+ )"[^"]+";', rf"\1127.0.0.1:{backend_port};", conf)
    conf = conf.replace("/etc/nginx/", run + "/")
    with open(os.path.join(run, "nginx.conf"), "w") as f:
        f.write(conf)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", backend_port), Backend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log = open(os.path.join(work, "nginx.log"), "w")
    nginx = subprocess.Popen(
        ["nginx", "-p", os.path.join(work, "prefix") + "/", "-c", os.path.join(run, "nginx.conf"),
         "-e", "stderr", "-g", "daemon off;"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{listen}"
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=0.2).close()
                break
            except OSError:
                if nginx.poll() is not None:
                    break
                time.sleep(0.1)
        if nginx.poll() is not None:
            log.flush()
            first = open(os.path.join(work, "nginx.log")).read().strip().splitlines()[:1]
            print(f"FAIL nginx/nginx.conf nginx-start -- {first[0] if first else 'nginx exited'}")
            return
        print("PASS nginx/nginx.conf nginx-start")
        for host, path in protected:
            url = base + path
            cases = [
                ("no-credentials", None, 401),
                ("wrong-password", "e2e:not-the-password", 401),
                ("credentials", f"e2e:{password}", 200),
            ]
            for name, credentials, expected in cases:
                code, body = status(url, credentials, host)
                passed = code == expected and (expected != 200 or body == BODY)
                check = f"auth-{name}:{host or ''}{path}"
                if passed:
                    print(f"PASS nginx/nginx.conf {check}")
                else:
                    print(f"FAIL nginx/nginx.conf {check} -- HTTP {code}, expected {expected}")
    finally:
        nginx.terminate()
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
