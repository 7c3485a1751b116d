#!/usr/bin/python3
"""End-to-end test on a real Slurm cluster: a 4-task array job scans an S3
bucket (s3rver) into one shared directory, and the union of the shards equals
one unsharded run.

It sets up a throwaway single-node cluster in a temporary directory:
munged (generated key, own socket), slurmctld and slurmd (own ports,
proctrack/linuxproc, task/none, no cgroups, select/cons_tres), all pointed at
a generated slurm.conf through SLURM_CONF. Then it starts s3rver behind the
SigV4-verifying proxy (tests/stores/s3/s3_server.mjs), uploads the shared
corpus and samples/, runs `tiff-dumper headers` once unsharded, submits
deploy/slurm/tiff-dumper.sbatch with `sbatch --array=0-3 --wait`, and checks
with DuckDB:
  - each array task logged its shard ("shard i/4 (from SLURM_ARRAY_TASK_ID)");
  - the union of the shards EXCEPT ALL the unsharded run is empty, both ways,
    on every column but requests/bytes_read/etag/last_modified;
  - every key appears exactly once, in the shard its FNV-1a hash names;
  - four _SUCCESS-sNNNN.json manifests, shards == 4, rows summing to the total;
  - a failed shard re-run alone (`sbatch --array=2` with SHARDS=4, --resume)
    restores exactly that shard.
Everything it started is stopped on the way out, pass or fail.

Needs root (slurmd starts jobs as their user) and the Debian packages
slurm-wlm and munge (installed with apt-get when missing); exits 77 (skip)
with a message when it cannot have them, or when the shared corpus is absent.

usage: run_slurm_test.py TIFF_DUMPER [--keep]   (--keep: leave the temp dir)
"""
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
JS = os.path.join(REPO, "tests", "js")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SBATCH_SCRIPT = os.path.join(REPO, "deploy", "slurm", "tiff-dumper.sbatch")
SKIP = 77
SHARDS = 4
BUCKET = "tiffs"
EXCLUDED = "requests, bytes_read, etag, last_modified"
MARKER = "TD_SLURM_TEST_RUN"  # in the environment of every process this test starts

sys.path.insert(0, os.path.join(REPO, "tests", "stores", "s3"))
from s3_server_test import Server  # noqa: E402  (s3rver + SigV4-verifying proxy)

T0 = time.monotonic()
# Every wait is cut to fit this budget (seconds, counted once Slurm is installed),
# so a hung cluster fails here, with logs and a teardown, before CTest's TIMEOUT
# would kill the test outright.
BUDGET = float(os.environ.get("TD_SLURM_TEST_BUDGET", "170"))
DEADLINE = T0 + BUDGET


def budget(seconds):
    return max(5.0, min(seconds, DEADLINE - time.monotonic()))


def say(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def skip(msg):
    print(f"SKIP: {msg}", flush=True)
    sys.exit(SKIP)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql], timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def fnv1a64(key):
    h = 14695981039346656037
    for b in key.encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- prerequisites -------------------------------------------------------------

def ensure_slurm():
    tools = ["munged", "munge", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo", "scontrol"]
    missing = [t for t in tools if not shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")]
    if not missing:
        return
    if os.environ.get("TD_SLURM_NO_APT"):
        skip(f"{', '.join(missing)} not installed (apt-get install slurm-wlm munge; TD_SLURM_NO_APT is set)")
    say(f"installing slurm-wlm and munge (missing: {', '.join(missing)})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "slurm-wlm", "munge"], timeout=600, env=env)
    if r.returncode != 0:
        r = run(["sh", "-c", "apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge"],
                timeout=900, env=env)
    if r.returncode != 0:
        skip(f"slurm-wlm/munge are not installable here: {r.stderr.strip()[-500:]}")


# --- the cluster ---------------------------------------------------------------

class Cluster:
    """munged + slurmctld + slurmd in `root`, driven through SLURM_CONF."""

    def __init__(self, root):
        self.root = root
        self.procs = []  # (name, Popen)
        self.jobs = []
        for d in ("run", "state", "spool", "log"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(root, 0o755)
        os.chmod(os.path.join(root, "run"), 0o755)
        self.conf = os.path.join(root, "slurm.conf")
        self.socket = os.path.join(root, "run", "munge.socket")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        for k in list(self.env):
            if k.startswith("SLURM_") and k != "SLURM_CONF":
                del self.env[k]  # not inside some outer job's context

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def spawn(self, name, cmd):
        log = open(self.path("log", name + ".out"), "w")
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                             start_new_session=True)
        log.close()
        self.procs.append((name, p))
        return p

    def wait_for(self, what, probe, timeout):
        timeout = budget(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, p in self.procs:
                if p.poll() is not None:
                    raise AssertionError(f"{name} exited ({p.returncode}) while waiting for {what}:\n{self.logs(name)}")
            if probe():
                return
            time.sleep(0.3)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.logs()}")

    def logs(self, only=None, lines=25):
        out = []
        for f in sorted(glob.glob(self.path("log", "*"))):
            name = os.path.basename(f)
            if only and not name.startswith(only):
                continue
            with open(f, errors="replace") as fh:
                tail = fh.readlines()[-lines:]
            out.append(f"--- {name} (last {len(tail)} lines)\n" + "".join(tail))
        return "\n".join(out)

    def start(self):
        key = self.path("munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self.spawn("munged", ["munged", "--foreground", "--force", f"--key-file={key}", f"--socket={self.socket}",
                              f"--pid-file={self.path('run', 'munged.pid')}", f"--log-file={self.path('log', 'munged.log')}",
                              f"--seed-file={self.path('run', 'munged.seed')}"])
        self.wait_for("munged", lambda: run(["munge", "-n", "-S", self.socket]).returncode == 0, 20)

        # The node as slurmd sees it ("NodeName=vm CPUs=2 ... RealMemory=24105").
        hw = run(["slurmd", "-C"], env=self.env).stdout
        cpus = int(re.search(r"\bCPUs=(\d+)", hw).group(1)) if "CPUs=" in hw else os.cpu_count()
        mem = int(re.search(r"\bRealMemory=(\d+)", hw).group(1)) if "RealMemory=" in hw else 1024
        ctld_port, d_port = free_port(), free_port()
        with open(self.conf, "w") as f:
            f.write(f"""# generated by tests/slurm/run_slurm_test.py
ClusterName=tdtest
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.socket}
StateSaveLocation={self.path('state')}
SlurmdSpoolDir={self.path('spool')}
SlurmctldPidFile={self.path('run', 'slurmctld.pid')}
SlurmdPidFile={self.path('run', 'slurmd.pid')}
SlurmctldLogFile={self.path('log', 'slurmctld.log')}
SlurmdLogFile={self.path('log', 'slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem} State=UNKNOWN
PartitionName=tdtest Nodes=localhost Default=YES MaxTime=30 State=UP
""")
        self.spawn("slurmctld", ["slurmctld", "-D", "-c", "-f", self.conf])
        self.wait_for("slurmctld", lambda: run(["scontrol", "ping"], env=self.env).stdout.count("UP") >= 1, 30)
        self.spawn("slurmd", ["slurmd", "-D", "-N", "localhost", "-f", self.conf])
        self.wait_for("node localhost idle",
                      lambda: run(["sinfo", "-h", "-n", "localhost", "-o", "%T"], env=self.env).stdout.strip() == "idle", 60)
        say(f"slurm up: slurmctld :{ctld_port}, slurmd :{d_port}, node localhost CPUs={cpus} RealMemory={mem}")

    def sbatch(self, args, env, timeout):
        """sbatch --wait ... ; returns (job id, returncode, output)."""
        env = dict(env, SLURM_CONF=self.conf)
        p = subprocess.Popen(["sbatch", "--parsable", "--wait", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=self.root)
        job = p.stdout.readline().strip().split(";")[0]
        if job:
            self.jobs.append(job)
        timeout = budget(timeout)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            queue = run(["squeue", "-a", "-o", "%i %T %r"], env=self.env).stdout
            raise AssertionError(f"sbatch --wait did not finish in {timeout}s (job {job}):\n{queue}\n{self.logs()}")
        return job, p.returncode, out + err

    def task_states(self, job):
        """{array task id: (state, exit code)} from slurmctld's job records."""
        r = run(["scontrol", "-o", "show", "job", job], env=self.env)
        tasks = {}
        for line in r.stdout.splitlines():
            t = re.search(r"\bArrayTaskId=(\d+)", line)
            if t:
                tasks[int(t.group(1))] = (re.search(r"\bJobState=(\S+)", line).group(1),
                                          re.search(r"\bExitCode=(\S+)", line).group(1))
        return tasks

    def stop(self):
        env = self.env
        for job in self.jobs:
            try:
                run(["scancel", job], env=env, timeout=10)
            except Exception:
                pass
        if self.jobs:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    if not run(["squeue", "-h"], env=env, timeout=5).stdout.strip():
                        break
                except Exception:
                    break
                time.sleep(0.5)
        for name, p in reversed(self.procs):  # slurmd, slurmctld, munged
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)


def kill_marked(marker_value):
    """Last resort: stop every process still carrying this run's marker
    (job steps, slurmstepd, tiff-dumper): processes this test started."""
    needle = f"{MARKER}={marker_value}".encode()
    me = os.getpid()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == me:
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(int(pid))
            except OSError:
                continue
        for pid in found:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        if not found:
            return
        if sig == signal.SIGTERM:
            say(f"teardown: stopping leftover processes {found}")
            time.sleep(1)


# --- data ------------------------------------------------------------------------

def layout():
    """Keys -> local files: the corpus, the samples, and a few awkward keys.

    Keys are at most one '/' deep: s3rver 3.7.1 leaves a prefix out of a
    delimiter listing's CommonPrefixes when all its objects sit two or more
    levels down (its directory walk stops beneath a would-be common prefix), and
    tiff-dumper's parallel listing starts with such a listing. Real S3 does not
    have this bug; this test is about sharding, not about s3rver."""
    keys = {}
    for dirpath, _, names in os.walk(CORPUS):
        for n in names:
            full = os.path.join(dirpath, n)
            keys["corpus/" + os.path.relpath(full, CORPUS).replace("/", "__")] = full
    samples = sorted(os.path.join(SAMPLES, n) for n in os.listdir(SAMPLES))
    for s in samples:
        keys["samples/" + os.path.basename(s)] = s
    keys["odd keys/space \u00e9+%=&.tif"] = samples[0]
    keys["top-level.tiff"] = samples[1 % len(samples)]
    return keys


def write_config(path, endpoint):
    lines = ["store:", f"  name: \"s3://{BUCKET}\"", "  obstore_config:",
             f"    aws_endpoint: \"{endpoint}\"", "    allow_http: \"true\"",
             "    aws_access_key_id: \"S3RVER\"", "    aws_secret_access_key: \"S3RVER\"",
             "    aws_region: \"us-east-1\"",
             # small pages and parts: listing pages, several part files per shard
             "concurrency:", "  n_consumers: 8", "  list_chunk_size: 10", "  max_buffer_size: 100",
             "  write_chunk_size: 10"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# --- the test --------------------------------------------------------------------

def verify(out, whole, keys):
    tiff_keys = sorted(k for k in keys if k.lower().endswith((".tif", ".tiff")))
    names = sorted(os.listdir(out))
    check(all(re.fullmatch(r"(part-s\d{4}-\d{5}\.parquet|\.part-s\d{4}-\d{5}\.parquet\.keys|_SUCCESS-s\d{4}\.json)", n)
              for n in names), f"unexpected names in the shared directory: {names}")

    # Union of the shards == the unsharded run, on every column but the cost/listing ones.
    shards_sql = f"SELECT * EXCLUDE ({EXCLUDED}) FROM read_parquet('{out}/part-s*.parquet')"
    whole_sql = f"SELECT * EXCLUDE ({EXCLUDED}) FROM read_parquet('{whole}/*.parquet')"
    diff = duckdb(f"SELECT (SELECT count(*) FROM ({shards_sql} EXCEPT ALL {whole_sql})) AS extra, "
                  f"(SELECT count(*) FROM ({whole_sql} EXCEPT ALL {shards_sql})) AS missing")[0]
    check(int(diff["extra"]) == 0 and int(diff["missing"]) == 0,
          f"shards differ from the unsharded run: {diff['extra']} rows only in shards, {diff['missing']} only unsharded")
    columns = duckdb(f"SELECT count(*) AS n FROM (DESCRIBE {shards_sql})")[0]["n"]

    # Every key exactly once, in the shard its stable hash names.
    rows = duckdb(f"SELECT path, filename, error_kind FROM read_parquet('{out}/part-s*.parquet', filename=true)")
    paths = [r["path"] for r in rows]
    check(sorted(paths) == tiff_keys, f"keys differ from the uploaded TIFF keys: "
          f"{sorted(set(tiff_keys) ^ set(paths))[:10]}, {len(paths)} rows for {len(tiff_keys)} keys")
    check(len(set(paths)) == len(paths), "a key appears twice")
    per_shard = {i: [] for i in range(SHARDS)}
    for r in rows:
        shard = int(re.search(r"part-s(\d{4})-", r["filename"]).group(1))
        check(fnv1a64(r["path"]) % SHARDS == shard, f"{r['path']!r} is in shard {shard}, its hash says "
              f"{fnv1a64(r['path']) % SHARDS}")
        per_shard[shard].append(r)
    check(all(per_shard[i] for i in range(SHARDS)), f"an empty shard: { {i: len(v) for i, v in per_shard.items()} }")

    # Four manifests: complete, shards == 4, counts matching the files.
    total = 0
    for i in range(SHARDS):
        path = os.path.join(out, f"_SUCCESS-s{i:04d}.json")
        check(os.path.exists(path), f"missing manifest {path}")
        with open(path) as f:
            m = json.load(f)
        mine = per_shard[i]
        errors = sum(1 for r in mine if r["error_kind"] is not None)
        files = sorted(n for n in names if n.startswith(f"part-s{i:04d}-"))
        check(m["complete"] is True and m["shard"] == i and m["shards"] == SHARDS, f"manifest {i}: {m}")
        check(m["rows"] == len(mine) == m["ok"] + m["errors"] + m["resumed"], f"manifest {i} rows: {m}, {len(mine)} rows")
        # errors counts this run's error rows; a resumed run's kept rows are in `resumed`
        check(m["listed"] == len(mine) and (m["errors"] == errors if m["resumed"] == 0 else m["errors"] <= errors),
              f"manifest {i} counts: {m}, {errors} error rows")
        check(sorted(m["files"]) == files, f"manifest {i} files {m['files']} != {files}")
        total += m["rows"]
    whole_rows = duckdb(f"SELECT count(*) AS n FROM read_parquet('{whole}/*.parquet')")[0]["n"]
    check(total == len(tiff_keys) == int(whole_rows), f"manifest rows sum to {total}, unsharded {whole_rows}, "
          f"keys {len(tiff_keys)}")
    return {i: len(v) for i, v in per_shard.items()}, columns


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])
    keep = "--keep" in sys.argv[2:]
    if os.geteuid() != 0:
        skip("the Slurm end-to-end test needs root (slurmd starts jobs as their user); run it as root")
    if not os.path.isdir(CORPUS):
        skip(f"shared corpus {CORPUS} is absent")
    if not os.path.isdir(os.path.join(JS, "node_modules")):
        skip("tests/js/node_modules missing (run scripts/install-deps)")
    ensure_slurm()
    global DEADLINE
    DEADLINE = time.monotonic() + BUDGET

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # tear down on SIGTERM too
    tmp = tempfile.mkdtemp(prefix="td-slurm-", dir="/tmp")  # short: the munge socket path must fit sun_path
    os.chmod(tmp, 0o755)  # munged wants its socket's directories searchable
    os.environ[MARKER] = tmp  # every process started from here on carries it
    cluster = Cluster(os.path.join(tmp, "slurm"))
    server = None
    ok = False
    try:
        cluster.start()

        server = Server(tmp)
        keys = layout()
        server.upload(keys)
        say(f"s3rver up on {server.endpoint()}: uploaded {len(keys)} objects to s3://{BUCKET}")
        config = os.path.join(tmp, "config.yaml")
        write_config(config, server.endpoint())
        job_env = {k: v for k, v in cluster.env.items() if not k.startswith(("AWS_", "JOB_COMPLETION_INDEX"))}
        job_env["HOME"] = os.path.join(tmp, "home")  # no ~/.aws
        os.makedirs(job_env["HOME"])

        # The reference: one unsharded run.
        whole = os.path.join(tmp, "whole")
        os.makedirs(whole)
        r = run([binary, "headers", config, whole, "--quiet"], env=job_env, timeout=budget(120))
        check(r.returncode in (0, 3), f"unsharded run exited {r.returncode}:\n{r.stderr}")
        say(f"unsharded run: {r.stderr.strip().splitlines()[-1]}")

        # The array job: deploy/slurm/tiff-dumper.sbatch, 4 tasks, one shared directory.
        out = os.path.join(tmp, "shared-out")
        os.makedirs(out)
        logs = os.path.join(tmp, "logs")
        os.makedirs(logs)
        env = dict(job_env, TIFF_DUMPER=binary, CONFIG=config, OUT_DIR=out)
        job, rc, text = cluster.sbatch([f"--array=0-{SHARDS - 1}", "--cpus-per-task=1", "--mem=100M", "--time=5",
                                        f"--output={logs}/task-%A_%a.out", SBATCH_SCRIPT], env, timeout=150)
        states = cluster.task_states(job)
        task_logs = {}
        for i in range(SHARDS):
            with open(os.path.join(logs, f"task-{job}_{i}.out")) as f:
                task_logs[i] = f.read()
        check(rc == 0, f"sbatch --wait exited {rc}: {text}\nstates {states}\n" +
              "\n".join(f"--- task {i}\n{task_logs[i]}" for i in task_logs))
        check(sorted(states) == list(range(SHARDS)) and all(s == ("COMPLETED", "0:0") for s in states.values()),
              f"array tasks: {states}")
        say(f"sbatch --array=0-{SHARDS - 1} --wait: job {job}, tasks {states}")
        for i in range(SHARDS):
            shard_line = next(l for l in task_logs[i].splitlines() if "shard " in l)
            say(f"  task {i}: {shard_line.strip()}; " + task_logs[i].strip().splitlines()[-1].strip())

        # Each task found its shard in the Slurm environment and said so.
        for i in range(SHARDS):
            check(f"shard {i}/{SHARDS} (from SLURM_ARRAY_TASK_ID)" in task_logs[i] and "summary:" in task_logs[i],
                  f"task {i} did not log its shard and summary:\n{task_logs[i]}")
        sizes, columns = verify(out, whole, keys)
        say(f"verified: {sum(sizes.values())} keys, shard sizes {sizes}, union == unsharded run on {columns} columns "
            f"(all but {EXCLUDED}), each key once in its FNV-1a shard, 4 manifests with shards == 4")

        # A failed shard, re-run alone: drop shard 2's manifest and last part (as if the task
        # died mid-way), resubmit only task 2 with SHARDS=4; --resume redoes just the missing keys.
        victim = 2
        parts = sorted(glob.glob(os.path.join(out, f"part-s{victim:04d}-*.parquet")))
        check(len(parts) >= 2, f"shard {victim} wrote {len(parts)} parts; want at least 2 to resume from")
        lost = duckdb(f"SELECT count(*) AS n FROM read_parquet('{parts[-1]}')")[0]["n"]
        os.remove(parts[-1])
        os.remove(os.path.join(out, f"_SUCCESS-s{victim:04d}.json"))
        # Resubmitted without SHARDS, the lone task would be shard 0 of 1: the script refuses.
        before = sorted(os.listdir(out))
        job_bad, rc, text = cluster.sbatch([f"--array={victim}", "--cpus-per-task=1", "--mem=100M", "--time=5",
                                            f"--output={logs}/task-%A_%a.out", SBATCH_SCRIPT], env, timeout=90)
        with open(os.path.join(logs, f"task-{job_bad}_{victim}.out")) as f:
            bad_log = f.read()
        check(rc != 0 and "split into other than 1 shards" in bad_log and sorted(os.listdir(out)) == before,
              f"a lone re-run without SHARDS was not refused (exit {rc}):\n{bad_log}")
        say(f"refused: `sbatch --array={victim}` without SHARDS (job {job_bad}): {bad_log.strip().splitlines()[-1]}")
        env = dict(env, SHARDS=str(SHARDS))
        job2, rc, text = cluster.sbatch([f"--array={victim}", "--cpus-per-task=1", "--mem=100M", "--time=5",
                                         f"--output={logs}/task-%A_%a.out", SBATCH_SCRIPT], env, timeout=90)
        with open(os.path.join(logs, f"task-{job2}_{victim}.out")) as f:
            task_logs[victim] = f.read()
        check(rc == 0, f"re-run of shard {victim} exited {rc}: {text}\n{task_logs[victim]}")
        check(f"shard {victim}/{SHARDS} (from --shard)" in task_logs[victim] and "resuming:" in task_logs[victim],
              f"re-run log:\n{task_logs[victim]}")
        with open(os.path.join(out, f"_SUCCESS-s{victim:04d}.json")) as f:
            m = json.load(f)
        check(m["resumed"] == sizes[victim] - int(lost) and m["ok"] + m["errors"] == int(lost),
              f"re-run manifest {m}: expected {lost} re-read, {sizes[victim] - int(lost)} resumed")
        verify(out, whole, keys)
        say(f"resume: shard {victim} re-run alone (job {job2}, `sbatch --array={victim}` with SHARDS={SHARDS}) "
            f"re-read {lost} objects, kept {m['resumed']}; the union still equals the unsharded run")
        ok = True
    finally:
        if not ok:
            print(cluster.logs(), flush=True)
        cluster.stop()
        if server:
            server.stop()
        kill_marked(tmp)
        if keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"OK: Slurm array job of {SHARDS} shards == one unsharded run")


if __name__ == "__main__":
    main()
