#!/usr/bin/python3
"""tiff-dumper benchmark: one run, one table (see bench/run and the README).

    /usr/bin/python3 bench/bench.py [N] [options]

Builds a corpus of N objects (a few dozen distinct GDAL-made TIFFs, made once
into bench/.cache/src, hard-linked to N names as bench/<source>/<i>.tif),
serves it with nginx (one worker, 127.0.0.1, one server block per client so
each has its own access log), and measures, for each client: objects read per
second, CPU seconds (user + sys of the process tree, from wait4), peak RSS
(ru_maxrss), requests and body bytes per object (from nginx's access log), and
the ratio to the ceiling (wrk against the same nginx, same connection count,
Range: bytes=0-(tiff-dumper's mean first-read size - 1)); on local files the
floor is `head -c` of the same leading bytes. Then bench/callgrind.py
(instructions per object). The targets compare CPU with the floors of the
same run (see bench/README.md).
"""
import argparse
import ctypes
import hashlib
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(HERE, ".cache")
SRC = os.path.join(CACHE, "src")
BUCKET = "bench"
PY = "/usr/bin/python3"


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --- measuring one command ---------------------------------------------------

def run_measured(cmd, env=None, cwd=None, servers=()):
    """Runs cmd (under GNU time, for its peak RSS); returns wall seconds,
    user+sys CPU (wait4: the command and its children), peak RSS, read() calls
    and bytes (/proc/PID/io of `time`, which includes its reaped child) and the
    server processes' CPU over the same time. stdout/stderr go to files
    (a full pipe must not stall the child)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    # Peak RSS through GNU time: a child's ru_maxrss starts from its parent's at
    # fork (this script holds every key), so wait4's figure would be ours.
    rss_file = tempfile.NamedTemporaryFile(prefix="td-bench-rss-", delete=False)
    rss_file.close()
    server_cpu0 = sum(proc_cpu(p) for p in servers)
    t0 = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file.name] + list(cmd), env=env, cwd=cwd,
                         stdout=out, stderr=err)
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: /proc/PID/io is still there
    wall = time.perf_counter() - t0
    io = {}
    try:
        with open(f"/proc/{p.pid}/io") as f:
            io = {k: int(v) for k, v in (line.split(": ") for line in f.read().splitlines())}
    except OSError:
        pass
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    server_cpu = sum(proc_cpu(p_) for p_ in servers) - server_cpu0
    try:
        rss_kib = int(open(rss_file.name).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss_kib = ru.ru_maxrss
    os.unlink(rss_file.name)
    out.seek(0)
    err.seek(0)
    return {
        "cmd": cmd, "rc": p.returncode, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
        "rss_mib": rss_kib / 1024.0, "rchar": io.get("rchar"), "syscr": io.get("syscr"),
        "server_cpu": server_cpu,
        "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace"),
    }


def proc_cpu(pid):
    """user + sys seconds of a running process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


# --- corpus --------------------------------------------------------------------

def sources():
    """Makes the distinct source files once (regenerated when make_corpus.py changes)."""
    script = os.path.join(HERE, "make_corpus.py")
    digest = hashlib.sha256(open(script, "rb").read()).hexdigest()[:16]
    stamp = os.path.join(SRC, ".stamp")
    if not (os.path.exists(stamp) and open(stamp).read() == digest):
        log(f"making the source TIFFs with GDAL into {SRC} (once; a few minutes)")
        shutil.rmtree(SRC, ignore_errors=True)
        subprocess.run([PY, script, SRC], check=True)
        with open(stamp, "w") as f:
            f.write(digest)
    return sorted(n[:-4] for n in os.listdir(SRC) if n.endswith(".tif"))


def source_headers(binary, stems):
    """header_bytes and ifd_count of each source, from `tiff-dumper info`."""
    cache = os.path.join(SRC, ".headers.json")
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(os.path.join(SRC, ".stamp")):
        got = json.load(open(cache))
        if set(got) == set(stems):
            return got
    out = {}
    for s in stems:
        r = subprocess.run([binary, "info", os.path.join(SRC, s + ".tif")], capture_output=True, text=True, check=True)
        row = json.loads(r.stdout)
        out[s] = {"header_bytes": row["header_bytes"], "ifd_count": row["ifd_count"], "size": row["size"]}
    json.dump(out, open(cache, "w"))
    return out


def stem_of(i, n, stems):
    """Object i belongs to source stems[i * len / n]: each source is one
    'collection' of consecutive keys, as in a real bucket organised by product."""
    return stems[i * len(stems) // n]


def key_of(i, n, stems):
    return f"{stem_of(i, n, stems)}/{i:07d}.tif"


def build_tree(n, stems):
    """CACHE/tree-N/bench/<stem>/<i>.tif, hard links to the sources. One tree
    is kept at a time (ext4 allows 65,000 links per file)."""
    root = os.path.join(CACHE, f"tree-{n}")
    done = os.path.join(root, ".complete")
    if os.path.exists(done) and open(done).read() == ",".join(stems):
        return root
    for d in os.listdir(CACHE):
        if d.startswith("tree-") or d == "exif-subset":
            log(f"removing {d}")
            shutil.rmtree(os.path.join(CACHE, d))
    log(f"hard-linking {n:,} objects into {root}")
    t0 = time.time()
    for s in stems:
        os.makedirs(os.path.join(root, BUCKET, s))
    for i in range(n):
        s = stem_of(i, n, stems)
        os.link(os.path.join(SRC, s + ".tif"), os.path.join(root, BUCKET, s, f"{i:07d}.tif"))
    with open(done, "w") as f:
        f.write(",".join(stems))
    log(f"linked in {time.time() - t0:.1f}s")
    return root


def spread(n, k):
    """k indices spread evenly over range(n) (every collection represented)."""
    k = min(n, k)
    return [i * n // k for i in range(k)]


# --- nginx -------------------------------------------------------------------------

def _die_with_parent():
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError("nginx exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port}")


class Nginx:
    """One nginx master + ONE worker on 127.0.0.1; one server block (port,
    access log) per client, all serving the same root."""

    def __init__(self, prefix, root, sites, extra=None, modules=()):
        """extra: {site: nginx directives added to its server block};
        modules: paths of dynamic modules to load (bench/latency.py: the Lua module)."""
        self.prefix, self.root = prefix, root
        extra = extra or {}
        self.ports = {s: free_port() for s in sites}
        os.makedirs(prefix, exist_ok=True)
        user = "user root root;" if os.geteuid() == 0 else ""
        temps = "".join(f"  {k}_temp_path {prefix}/tmp_{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        servers = "".join(f"""
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    access_log {self.log(name)} bench buffer=256k;
    root {root};
    {extra.get(name, "")}
  }}""" for name, port in self.ports.items())
        loads = "".join(f"load_module {m};\n" for m in modules)
        conf = f"""{user}
{loads}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
{temps}  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  log_format bench '$status $body_bytes_sent $request_uri';
{servers}
}}
"""
        self.conf = os.path.join(prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = None

    def log(self, name):
        return os.path.join(self.prefix, f"{name}.access.log")

    def url(self, name):
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self):
        self.proc = subprocess.Popen(["nginx", "-p", self.prefix, "-e", os.path.join(self.prefix, "error.log"),
                                      "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=_die_with_parent)
        for port in self.ports.values():
            wait_port(port, self.proc)
        return self

    def worker_pids(self):
        for _ in range(100):  # the worker is forked after the master listens
            out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
            if out:
                return [int(p) for p in out]
            time.sleep(0.05)
        raise RuntimeError("nginx started no worker")

    def flush_logs(self):
        os.kill(self.proc.pid, signal.SIGUSR1)  # reopen logs: buffered lines are written
        time.sleep(0.5)

    def stats(self, name):
        """requests, body bytes, and per-source {stem: [requests, bytes]} from a site's log."""
        self.flush_logs()
        requests = body = 0
        per = {}
        statuses = {}
        with open(self.log(name)) as f:
            for line in f:
                parts = line.split(" ", 2)
                if len(parts) != 3:
                    continue
                requests += 1
                b = int(parts[1])
                body += b
                statuses[parts[0]] = statuses.get(parts[0], 0) + 1
                segs = parts[2].split("/")
                stem = segs[2] if len(segs) > 3 else "?"
                e = per.setdefault(stem, [0, 0])
                e[0] += 1
                e[1] += b
        return {"requests": requests, "body": body, "per_source": per, "statuses": statuses}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- the runs ------------------------------------------------------------------

SUMMARY = re.compile(r"summary: listed (\d+), ok (\d+), errors (\d+).*?requests (\d+), bytes read (\d+)")


def td_summary(r):
    m = SUMMARY.search(r["stderr"])
    if not m or r["rc"] not in (0, 3):
        raise RuntimeError(f"tiff-dumper failed (rc {r['rc']}): {' '.join(r['cmd'])}\n{r['stderr'][-2000:]}")
    listed, ok, errors, requests, bytes_read = map(int, m.groups())
    return {"listed": listed, "ok": ok, "errors": errors, "requests": requests, "bytes_read": bytes_read}


def write_lines(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=100000, help="objects (default 100000)")
    ap.add_argument("--binary", default=os.path.join(REPO, "build-bench", "src", "cli", "tiff-dumper"))
    ap.add_argument("--concurrency", type=int, default=64, help="connections / requests in flight (all HTTP clients)")
    ap.add_argument("--peer-n", type=int, default=5000, help="objects for the GDAL, geotiff.js and tifffile peers")
    ap.add_argument("--exif-n", type=int, default=1000, help="objects for exiftool")
    ap.add_argument("--shuffled-n", type=int, default=20000, help="objects for the shuffled-order run")
    ap.add_argument("--wrk-seconds", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each row; the fastest is kept (default 2)")
    ap.add_argument("--only", choices=["all", "tiff-dumper"], default="all",
                    help="tiff-dumper: only the tiff-dumper HTTP and local rows (memory scaling runs)")
    ap.add_argument("--max-buffer-size", type=int, default=None,
                    help="tiff-dumper runs with this concurrency.max_buffer_size (and write_chunk_size = "
                         "list_chunk_size = min(it, 10000) unless --write-chunk-size); default: tiff-dumper's defaults")
    ap.add_argument("--write-chunk-size", type=int, default=None)
    ap.add_argument("--callgrind", choices=["on", "off"], default="on",
                    help="instructions per object (bench/callgrind.py, ~1 min; saved to results/callgrind.md)")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "latest.md"))
    args = ap.parse_args()
    n, c = args.n, args.concurrency
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup (nginx stop) on TERM too

    for tool in ("nginx", "wrk", "node", "exiftool"):
        if shutil.which(tool) is None and not (args.only == "tiff-dumper" and tool in ("wrk", "node", "exiftool")):
            sys.exit(f"bench: {tool} is not installed (scripts/install-deps)")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"bench: no tiff-dumper at {args.binary} (bench/run builds it)")

    os.makedirs(CACHE, exist_ok=True)
    stems = sources()
    heads = source_headers(args.binary, stems)
    root = build_tree(n, stems)
    keys = [key_of(i, n, stems) for i in range(n)]

    work = tempfile.mkdtemp(prefix="td-bench-")
    reps = max(1, args.repeat)
    bases = ["td_http", "td_s3", "wrk", "td_shuffled", "gdal", "geotiffjs", "geotiffjs_blocked"]
    ng = Nginx(os.path.join(work, "nginx"), root, [f"{b}{k}" for b in bases for k in range(reps)])
    rows = []
    ceiling = None
    try:
        ng.start()
        workers = ng.worker_pids()
        env = dict(os.environ)

        def td_config(store):
            """[CONFIG] for the --max-buffer-size options, or nothing (tiff-dumper's defaults)."""
            if not args.max_buffer_size:
                return []
            mb = args.max_buffer_size
            lc = min(mb, 10000)
            wc = args.write_chunk_size or lc
            path = os.path.join(work, f"conc-{len(os.listdir(work))}.yaml")
            with open(path, "w") as f:
                f.write(f"store:\n  name: {store}\nconcurrency:\n  n_consumers: {c}\n  list_chunk_size: {lc}\n"
                        f"  max_buffer_size: {mb}\n  write_chunk_size: {wc}\n")
            return [path]

        def best_of(name, attempt):
            """Runs attempt(k) for k < repeat (each on its own nginx site); keeps the fastest."""
            runs = []
            for k in range(reps):
                log(f"{name}" + (f" (run {k + 1} of {reps})" if reps > 1 else ""))
                runs.append(attempt(k))
            best = max(runs, key=lambda r: r["rate"])
            best["name"] = name
            best["all_rates"] = [r["rate"] for r in runs]
            rows.append(best)
            return best

        def td_attempt(cmd_of, site, objects):
            def attempt(k):
                out = os.path.join(work, f"out-{len(os.listdir(work))}")
                os.makedirs(out)
                r = run_measured(cmd_of(f"{site}{k}" if site else None) + [out], env=env, servers=workers)
                s = td_summary(r)
                if s["ok"] != objects:
                    raise RuntimeError(f"{s['ok']} ok of {objects}: {r['stderr'][-1500:]}")
                shutil.rmtree(out)
                row = {"objects": objects, "r": r, "summary": s, "rate": objects / r["wall"]}
                if site:
                    row["log"] = ng.stats(f"{site}{k}")
                return row
            return attempt

        def url_keys(site, indices, tag):
            return write_lines(os.path.join(work, f"keys-{site}-{tag}.txt"),
                               [f"{ng.url(site)}/{BUCKET}/{keys[i]}" for i in indices])

        everything = range(n)
        # tiff-dumper over HTTP: a key list of URLs, in listing order.
        td_http = best_of("tiff-dumper HTTP", td_attempt(
            lambda site: [args.binary, "headers", *td_config(ng.url(site) + "/"), "--keys",
                          url_keys(site, everything, "all"), "--quiet", "--concurrency", str(c)], "td_http", n))

        # The ceiling: wrk at tiff-dumper's mean first-read size.
        mean_first = td_http["summary"]["bytes_read"] / max(1, n)
        range_bytes = max(4096, int(math.ceil(mean_first / 4096.0)) * 4096)
        if args.only == "all":
            lua = os.path.join(work, "random.lua")
            with open(lua, "w") as f:
                f.write("local stems = {" + ",".join(f'"{s}"' for s in stems) + "}\n")
                f.write(f"local n = {n}\nlocal range = \"bytes=0-{range_bytes - 1}\"\n")
                f.write("math.randomseed(os.time())\n"
                        "request = function()\n"
                        "  local i = math.random(0, n - 1)\n"
                        "  local s = stems[math.floor(i * #stems / n) + 1]\n"
                        f"  return wrk.format(\"GET\", string.format(\"/{BUCKET}/%s/%07d.tif\", s, i), {{[\"Range\"] = range}})\n"
                        "end\n")

            def wrk_attempt(k):
                r = run_measured(["wrk", "-t1", f"-c{c}", f"-d{args.wrk_seconds}s", "-s", lua, ng.url(f"wrk{k}") + "/"],
                                 servers=workers)
                st = ng.stats(f"wrk{k}")
                m = re.search(r"(\d+) requests in ([\d.]+)s", r["stdout"])
                requests = int(m.group(1)) if m else st["requests"]
                rate = requests / float(m.group(2)) if m else st["requests"] / r["wall"]
                return {"objects": requests, "r": r, "log": st, "rate": rate, "wrk": True}

            log(f"wrk: {c} connections, {args.wrk_seconds}s, Range bytes=0-{range_bytes - 1}")
            ceiling = best_of(f"ceiling: wrk ({range_bytes // 1024} KiB ranges)", wrk_attempt)["rate"]

            # S3 signing, path-style against the same nginx (it ignores the signature).
            s3_keys = write_lines(os.path.join(work, "keys-s3.txt"), keys)

            def s3_cmd(site):
                cfg = os.path.join(work, f"{site}.yaml")
                with open(cfg, "w") as f:
                    f.write(f"""store:
  name: s3://{BUCKET}
  obstore_config:
    endpoint: {ng.url(site)}
    allow_http: true
    region: us-east-1
    access_key_id: AKIDBENCHEXAMPLE
    secret_access_key: bench-secret-not-checked
concurrency:
  n_consumers: {c}
  list_chunk_size: {min(args.max_buffer_size or 10000, 10000)}
  max_buffer_size: {args.max_buffer_size or 1000000}
  write_chunk_size: {args.write_chunk_size or (min(args.max_buffer_size, 10000) if args.max_buffer_size else 100000)}
""")
                return [args.binary, "headers", cfg, "--keys", s3_keys, "--quiet"]
            best_of("tiff-dumper S3 (SigV4)", td_attempt(s3_cmd, "td_s3", n))

        # Local directory (listing, sizes known).
        best_of("tiff-dumper local", td_attempt(
            lambda _: [args.binary, "headers", *td_config(os.path.join(root, BUCKET)), "--store",
                       os.path.join(root, BUCKET), "--quiet", "--concurrency", str(c)], None, n))

        # The local floor: `head -c R` over the same files (R = tiff-dumper local's mean bytes
        # read per object rounded up to 4 KiB), as many processes as tiff-dumper's --concurrency,
        # each given an equal share of the paths (head reads R bytes of every file it is given).
        local_row = rows[-1]
        head_bytes = max(4096, int(math.ceil(local_row["summary"]["bytes_read"] / max(1, n) / 4096.0)) * 4096)
        all_paths = write_lines(os.path.join(work, "paths-all.txt"), [os.path.join(root, BUCKET, k) for k in keys])
        per_proc = max(1, int(math.ceil(n / c)))

        def head_attempt(k):
            r = run_measured(["sh", "-c", f"xargs -d '\\n' -P {c} -n {per_proc} head -q -c {head_bytes} "
                                          f"< {all_paths} > /dev/null"])
            if r["rc"] != 0:
                raise RuntimeError(f"head -c failed: {r['stderr'][-1500:]}")
            return {"objects": n, "r": r, "rate": n / r["wall"], "head": True}
        log(f"head -c {head_bytes}: {c} processes of {per_proc:,} files")
        best_of(f"head -c {head_bytes // 1024} KiB (xargs -P {c})", head_attempt)

        if args.only == "all":
            # The adversarial order: every consecutive key from a different source.
            idx = random.Random(7).sample(range(n), min(n, args.shuffled_n))
            best_of("tiff-dumper HTTP, shuffled keys", td_attempt(
                lambda site: [args.binary, "headers", "--keys", url_keys(site, idx, "shuffled"), "--quiet",
                              "--concurrency", str(c)], "td_shuffled", len(idx)))

            # Peers, on an even spread of the corpus.
            pidx = spread(n, args.peer_n)

            def peer_attempt(site, cmd_of, objects, cwd=None):
                def attempt(k):
                    r = run_measured(cmd_of(f"{site}{k}" if site else None), cwd=cwd, servers=workers if site else ())
                    ok = re.search(r"ok (\d+) errors (\d+)", r["stdout"])
                    row = {"objects": objects, "r": r, "rate": objects / r["wall"],
                           "failed": int(ok.group(2)) if ok else objects}
                    if site:
                        row["log"] = ng.stats(f"{site}{k}")
                    return row
                return attempt

            best_of("GDAL /vsicurl/ (Python, 16 threads)", peer_attempt(
                "gdal", lambda site: [PY, os.path.join(HERE, "peers", "gdal_vsicurl.py"), url_keys(site, pidx, "peer"),
                                      "16"], len(pidx)))
            best_of("geotiff.js (Node, promise pool)", peer_attempt(
                "geotiffjs", lambda site: ["node", os.path.join(HERE, "peers", "geotiff_pool.mjs"),
                                           url_keys(site, pidx, "peer"), str(c)], len(pidx), cwd=HERE))
            best_of("geotiff.js, blockSize 64 KiB", peer_attempt(
                "geotiffjs_blocked", lambda site: ["node", os.path.join(HERE, "peers", "geotiff_pool.mjs"),
                                                   url_keys(site, pidx, "peer"), str(c), "65536"], len(pidx), cwd=HERE))
            paths = write_lines(os.path.join(work, "paths.txt"), [os.path.join(root, BUCKET, keys[i]) for i in pidx])
            best_of("tifffile (Python, 4 threads)", peer_attempt(
                None, lambda _: [PY, os.path.join(HERE, "peers", "tifffile_pool.py"), paths, "4"], len(pidx)))

            eidx = spread(n, args.exif_n)
            sub = os.path.join(CACHE, "exif-subset")
            shutil.rmtree(sub, ignore_errors=True)
            for i in eidx:
                d = os.path.join(sub, stem_of(i, n, stems))
                os.makedirs(d, exist_ok=True)
                os.link(os.path.join(root, BUCKET, keys[i]), os.path.join(d, f"{i:07d}.tif"))

            def exif_attempt(k):
                r = run_measured(["exiftool", "-j", "-r", sub])
                try:
                    got = len(json.loads(r["stdout"]))
                except ValueError:
                    got = 0
                return {"objects": len(eidx), "r": r, "rate": len(eidx) / r["wall"], "failed": len(eidx) - got}
            best_of("exiftool -j -r", exif_attempt)
            shutil.rmtree(sub, ignore_errors=True)
    finally:
        ng.stop()

    cg = None
    if args.callgrind == "on":
        import callgrind
        log("callgrind: instructions per object (3,600 local objects)")
        cg = callgrind.run(args.binary, out=os.path.join(os.path.dirname(args.out), "callgrind.md"), quiet=True)

    report = render(args, n, c, stems, heads, rows, ceiling, td_http, cg)
    print(report)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(report)
    log(f"table saved to {args.out}")
    shutil.rmtree(work, ignore_errors=True)


def fmt_int(x):
    return f"{x:,.0f}"


def render(args, n, c, stems, heads, rows, ceiling, td_http, cg=None):
    load = open("/proc/loadavg").read().split()[:3]
    lines = []
    lines.append(f"# tiff-dumper benchmark — {n:,} objects\n")
    lines.append(f"`bench/run {n}` on {os.cpu_count()} cores (load average at the end {' '.join(load)}); "
                 f"{len(stems)} distinct GDAL-made TIFFs hard-linked to {n:,} names; nginx with one worker on 127.0.0.1; "
                 f"{c} connections for every HTTP client. {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n")
    lines.append("| tool | objects | headers/s | CPU s | CPU µs/object | server CPU µs/object | peak RSS MiB | requests/object | bytes/object | × ceiling |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rate_of = {}
    cpu_of = {}  # client + server CPU seconds per object
    for row in rows:
        r = row["r"]
        objects = row["objects"]
        rate = row.get("rate") or objects / r["wall"]
        rate_of[row["name"]] = rate
        lg = row.get("log")
        if lg:
            req = lg["requests"] / objects
            byt = lg["body"] / objects
            server = f"{r['server_cpu'] / max(1, lg['requests']) * 1e6:.1f}"
        elif "summary" in row:  # local tiff-dumper: its own accounting
            req = row["summary"]["requests"] / objects
            byt = row["summary"]["bytes_read"] / objects
            server = "—"
        else:  # local peers: read() calls and bytes (all of the process, Python/Perl start-up included)
            req = (r["syscr"] or 0) / objects
            byt = (r["rchar"] or 0) / objects
            server = "—"
        name = row["name"]
        if "failed" in row and row["failed"]:
            name += f" ({row['failed']} failed)"
        ratio = f"{rate / ceiling:.2f}" if ceiling else "—"
        cpu_us = r["cpu"] / objects * 1e6
        cpu_of[row["name"]] = (r["cpu"] + r["server_cpu"]) / objects
        shown = fmt_int(rate)
        others = [x for x in row.get("all_rates", []) if x != rate]
        if others:
            shown += " (" + ", ".join(fmt_int(x) for x in others) + ")"
        lines.append(f"| {name} | {objects:,} | {shown} | {r['cpu']:.1f} | {cpu_us:.0f} | {server} | "
                     f"{r['rss_mib']:.0f} | {req:.3f}{'*' if not lg and 'summary' not in row else ''} | "
                     f"{fmt_int(byt)}{'*' if not lg and 'summary' not in row else ''} | {ratio} |")
    lines.append("")
    reps = max(1, args.repeat)
    lines.append("Requests and bytes per object come from nginx's access log (body bytes); tiff-dumper local from its own "
                 "accounting (ranged reads and bytes); `*` tifffile and exiftool: read() calls and bytes of the whole "
                 "process from /proc/PID/io (interpreter start-up included). Peers ran on an even spread of the corpus "
                 f"(every source represented in proportion); rates are rates. Each row ran {reps} times; the table shows the "
                 "fastest run (the others' headers/s in parentheses). CPU is user + sys of the client process and its "
                 "children (wait4); server CPU is nginx's worker over the same run; peak RSS is GNU time's. The ceiling is wrk with one thread, the same "
                 "connection count, random objects, and a Range of tiff-dumper's mean first-read size rounded up to 4 KiB "
                 "(× ceiling is informative: on two shared cores server and client compete for CPU). `head -c` reads the "
                 "same files' first R bytes (R = tiff-dumper local's mean bytes per object rounded up to 4 KiB), through "
                 "xargs with as many processes as HTTP connections, each given an equal share of the paths; its CPU "
                 "includes sh, xargs and every head.\n")

    # Targets.
    td_rate = rate_of.get("tiff-dumper HTTP")
    lines.append("## Targets\n")
    t = []
    # CPU ratios, each against a floor measured in the same run (the machine is shared: rates move, CPU less).
    client_cpu = {row["name"]: row["r"]["cpu"] / row["objects"] for row in rows}
    wrk_cpu = next((v for k, v in client_cpu.items() if k.startswith("ceiling: wrk")), None)
    if wrk_cpu and "tiff-dumper HTTP" in client_cpu:
        v = client_cpu["tiff-dumper HTTP"]
        t.append(("HTTP client CPU per object ≤ 3 × wrk's client CPU per request",
                  f"{v * 1e6:,.1f} µs / {wrk_cpu * 1e6:,.1f} µs = {v / wrk_cpu:.2f}×", v <= 3 * wrk_cpu))
    head_cpu = next((v for k, v in client_cpu.items() if k.startswith("head -c")), None)
    if head_cpu and "tiff-dumper local" in client_cpu:
        v = client_cpu["tiff-dumper local"]
        t.append(("local CPU per object ≤ 2 × `head -c` CPU per file",
                  f"{v * 1e6:,.1f} µs / {head_cpu * 1e6:,.1f} µs = {v / head_cpu:.2f}×", v <= 2 * head_cpu))
    if cg:
        t.append(("instructions per object ≤ 45,000 (callgrind, 3,600 local objects; bench/results/callgrind.md)",
                  f"{cg['per_object']:,.0f}", cg["per_object"] <= 45000))
    http_peers = [v for k, v in rate_of.items() if k.startswith(("GDAL", "geotiff"))]
    if http_peers and td_rate:
        best = max(http_peers)
        t.append(("≥ 10 × fastest peer over HTTP", f"{td_rate:,.0f} / {best:,.0f} = {td_rate / best:.1f}×", td_rate >= 10 * best))
    local_peers = [v for k, v in rate_of.items() if k.startswith(("tifffile", "exiftool"))]
    td_local = rate_of.get("tiff-dumper local")
    if local_peers and td_local:
        best = max(local_peers)
        t.append(("≥ 10 × fastest peer on local files", f"{td_local:,.0f} / {best:,.0f} = {td_local / best:.1f}×",
                  td_local >= 10 * best))
    # The machine is shared: rates of rows run at different moments compare less well than CPU per object.
    for what, row, peer_prefixes in (("client + nginx, HTTP", "tiff-dumper HTTP", ("GDAL", "geotiff")),
                                     ("local", "tiff-dumper local", ("tifffile", "exiftool"))):
        td_cpu = cpu_of.get(row)
        peers_cpu = [v for k, v in cpu_of.items() if k.startswith(peer_prefixes)]
        if td_cpu and peers_cpu:
            best = min(peers_cpu)
            t.append((f"(informative) CPU per object, {what}: least-CPU peer ÷ tiff-dumper",
                      f"{best * 1e6:,.0f} µs / {td_cpu * 1e6:,.0f} µs = {best / td_cpu:.1f}×", None))
    lg = td_http["log"]
    per = lg["per_source"]
    counts = {}
    for i in range(n):
        s = stem_of(i, n, stems)
        counts[s] = counts.get(s, 0) + 1
    cog = [s for s in stems if s.startswith("cog_")]
    cog_obj = sum(counts.get(s, 0) for s in cog)
    cog_req = sum(per.get(s, [0, 0])[0] for s in cog)
    cog_bytes = sum(per.get(s, [0, 0])[1] for s in cog)
    cog_hdr = sum(heads[s]["header_bytes"] * counts.get(s, 0) for s in cog)
    if cog_obj:
        rq = cog_req / cog_obj
        t.append(("requests/object ≤ 1.05 (GDAL COGs, HTTP)", f"{rq:.3f}", rq <= 1.05))
        by = cog_bytes / cog_obj
        bound = 1.5 * cog_hdr / cog_obj + 4096
        t.append(("bytes/object ≤ 1.5 × header_bytes + 4 KiB (GDAL COGs, HTTP)", f"{by:,.0f} ≤ {bound:,.0f}", by <= bound))
    rq_all = lg["requests"] / n
    t.append(("requests/object, whole mix (tiled/strip GeoTIFFs incl. overviews after the data)", f"{rq_all:.3f}", None))
    rss = [row["r"]["rss_mib"] for row in rows if row["name"].startswith("tiff-dumper")]
    if rss:
        t.append(("peak RSS ≤ 64 MiB (tiff-dumper rows)", f"max {max(rss):.0f} MiB", max(rss) <= 64))
    lines.append("| target | figure | |")
    lines.append("|---|---|---|")
    for name, fig, ok in t:
        lines.append(f"| {name} | {fig} | {'met' if ok else ('MISSED' if ok is False else '')} |")
    lines.append("")

    # Per source (tiff-dumper HTTP, listing order).
    lines.append("## Per source (tiff-dumper HTTP, listing order)\n")
    lines.append("| source | IFDs | header_bytes | requests/object | bytes/object | 1.5 × header_bytes + 4 KiB |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for s in stems:
        count = counts.get(s, 0)
        if not count:
            continue
        rq, by = per.get(s, [0, 0])
        h = heads[s]["header_bytes"]
        bound = 1.5 * h + 4096
        flag = "" if by / count <= bound else " ✗"
        lines.append(f"| {s} | {heads[s]['ifd_count']} | {h:,} | {rq / count:.3f} | {by / count:,.0f}{flag} | {bound:,.0f} |")
    lines.append("")
    lines.append("Command: `" + " ".join(["bench/run"] + sys.argv[1:]) + "`\n")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
