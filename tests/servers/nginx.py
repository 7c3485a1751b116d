"""Start and stop a private nginx for tests: 127.0.0.1 only, free ports, a temp
prefix holding the config, pid, logs and temp dirs. One nginx process serves
several "sites" (server blocks), each on its own port:

    with Nginx(tmpdir) as ng:
        http = ng.add_site("plain", root)
        https = ng.add_site("tls", root, tls=make_test_pki(tmpdir + "/pki"))
        norange = ng.add_site("norange", root, extra="max_ranges 0;")
        ng.start()
        ... http.url, https.url, http.access_entries() ...

Each site logs to its own access log with the connection serial number, so a
test can count how many connections its requests used (keep-alive reuse).
The nginx master dies with the Python process (PR_SET_PDEATHSIG) and stop()
always runs from __exit__, so no server outlives a test.
"""
import ctypes
import os
import signal
import subprocess
import time

from net_util import free_port, wait_for_port

LOG_FIELDS = ["connection", "connection_requests", "status", "body_bytes_sent", "request_method", "request_uri",
              "http_range", "server_protocol"]


def _die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Site:
    def __init__(self, prefix, name, root, tls, extra):
        self.name, self.root, self.tls, self.extra = name, root, tls, extra
        self.port = free_port()
        self.scheme = "https" if tls else "http"
        self.url = f"{self.scheme}://127.0.0.1:{self.port}/"
        self.access_log = os.path.join(prefix, f"{name}.access.log")

    def server_block(self):
        listen = f"listen 127.0.0.1:{self.port}" + (" ssl http2" if self.tls else "") + ";"
        tls = ""
        if self.tls:
            tls = (f"ssl_certificate {self.tls['cert']};\n    ssl_certificate_key {self.tls['key']};\n"
                   "    ssl_protocols TLSv1.2 TLSv1.3;")
        return f"""
  server {{
    {listen}
    server_name localhost;
    {tls}
    access_log {self.access_log} td;
    root {self.root};
    location = /forbidden.bin {{ return 403; }}
    location = /broken.bin {{ return 500; }}
    location /redirect/ {{ rewrite ^/redirect/(.*)$ /$1 redirect; }}
    {self.extra}
  }}
"""

    def access_entries(self):
        """The access log as a list of dicts (LOG_FIELDS), oldest first."""
        if not os.path.exists(self.access_log):
            return []
        out = []
        with open(self.access_log) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == len(LOG_FIELDS):
                    out.append(dict(zip(LOG_FIELDS, parts)))
        return out


class Nginx:
    def __init__(self, prefix):
        self.prefix = os.path.abspath(prefix)
        os.makedirs(self.prefix, exist_ok=True)
        self.sites = []
        self.proc = None

    def add_site(self, name, root, tls=None, extra=""):
        site = Site(self.prefix, name, os.path.abspath(root), tls, extra)
        self.sites.append(site)
        return site

    def _config(self):
        p = self.prefix
        user = "user root root;" if os.geteuid() == 0 else ""
        temps = "\n".join(f"  {k}_temp_path {p}/tmp_{k};" for k in
                          ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        fields = "\\t".join("$" + f for f in LOG_FIELDS)
        return f"""
{user}
worker_processes 1;
daemon off;
pid {p}/nginx.pid;
error_log {p}/error.log warn;
events {{ worker_connections 4096; }}
http {{
{temps}
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 100000;
  keepalive_timeout 60s;
  log_format td '{fields}';
{"".join(s.server_block() for s in self.sites)}
}}
"""

    def start(self):
        conf = os.path.join(self.prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self._config())
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.prefix, "-e", os.path.join(self.prefix, "error.log"), "-c", conf],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        try:
            for s in self.sites:
                wait_for_port(s.port, proc=self.proc)
        except Exception:
            err = self.error_log()
            self.stop()
            raise RuntimeError(f"nginx did not start: {err}")
        return self

    def error_log(self):
        path = os.path.join(self.prefix, "error.log")
        return open(path).read() if os.path.exists(path) else ""

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
