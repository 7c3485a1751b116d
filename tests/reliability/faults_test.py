#!/usr/bin/python3
"""Reliability under faults: the real binary against real servers (nginx,
s3rver behind the SigV4-verifying proxy) with tests/servers/fault_proxy.py in
between.

usage: faults_test.py TIFF_DUMPER TEST [--objects N] [--seed S] [--figures FILE]
  nginx       ~10 % transient faults (503/429 + Retry-After, resets before and
              mid-body, truncated bodies, stalls past the client timeout) over
              `headers --keys URLS`: rows equal the fault-free run's, row for row
  s3          the same over s3rver: listing pages and ranged reads faulted
  azure       the same over Azurite (Shared Key)
  truncation  every first attempt truncated (Content-Length intact, then without
              Content-Length: only Content-Range tells): never parsed as a short object
  listing     every listing page's first attempt cut short (with and without
              Content-Length), reset mid-body or 503 (S3, Azure): no key lost
  permanent   a 404 after listing (S3), a persistent 500, a stall on every attempt:
              error rows with error_kind/error, exit 3, the summary and
              _SUCCESS.json count them; every other row intact
  hostile     the hostile corpus (tests/oracle) over HTTP with ~10 % faults: a row per
              file, rows as without faults, bytes per object within --max-header-bytes
  watchdog    servers that accept and never answer (http --keys, S3 listing),
              client timeout past the stall timeout: the run ends with exit 1 within
              --stall-timeout + margin, no part file, no _SUCCESS

Figures (faults injected, objects, rows lost, duplicates) are printed and, with
--figures FILE, written as JSON.
"""
import argparse
import json
import os
import shutil
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BUCKET, REPO, Skip, S3Server, assert_same, check, clean_env, compare_outputs,  # noqa: E402
                    duckdb, headers, main_for, make_tree, need_node_modules, parts, write_config)
from fault_proxy import MIX_10, FaultProxy, Rule  # noqa: E402
from nginx import Nginx  # noqa: E402

ARGS = argparse.Namespace(objects=None, seed=20240611, figures=None)
FIGURES = {}
# The client's total per-request timeout in these tests; stalls last longer.
CLIENT_TIMEOUT = "3s"
STALL_SECONDS = 8
# Listing pages are few: fault half of them (every kind), so each run sees some.
LISTING_RATES = {k: v * 5 for k, v in MIX_10.items()}


def note(name, fig):
    FIGURES[name] = fig
    print(f"{name}: " + json.dumps(fig, sort_keys=True))


def keys_file(path, base_url, keys):
    with open(path, "w") as f:
        for k in keys:
            f.write(base_url + k + "\n")
    return path


def faulted_run(binary, tmp, name, proxy, cfg, args, env, objects, expected_keys, nominal=None):
    """A fault-free run through the proxy (faults off), then a faulted run (on); compares."""
    proxy.enabled = False
    base, _ = headers(binary, [cfg, *args], os.path.join(tmp, f"{name}-clean"), env, expect=(0, 3))
    before = proxy.counts()
    proxy.enabled = True
    r, elapsed = headers(binary, [cfg, *args], os.path.join(tmp, f"{name}-faults"), env, expect=(0, 3),
                         timeout=600)
    after = proxy.counts()
    check(r.returncode == base.returncode, f"{name}: exit {r.returncode} with faults, {base.returncode} without:\n"
                                           f"{r.stderr[-2000:]}")
    fig = compare_outputs(os.path.join(tmp, f"{name}-faults"), os.path.join(tmp, f"{name}-clean"), expected_keys)
    faults = {k: after.get(k, 0) - before.get(k, 0) for k in MIX_10 if after.get(k, 0) - before.get(k, 0)}
    if after.get("latency", 0) - before.get("latency", 0):
        fig["latency_added"] = after.get("latency", 0) - before.get("latency", 0)
    requests = after.get("requests", 0) - before.get("requests", 0)
    fig.update({"objects": objects, "requests": requests, "faults_injected": sum(faults.values()),
                "faults": faults, "fault_rate": round(sum(faults.values()) / max(requests, 1), 3),
                "elapsed_s": round(elapsed, 1), "summary": r.stderr.strip().splitlines()[-1]})
    note(name, fig)
    assert_same(fig, name)
    check(fig["rows"] == len(expected_keys), f"{name}: {fig['rows']} rows for {len(expected_keys)} objects")
    check(fig["fault_rate"] >= 0.05, f"{name}: only {fig['fault_rate']:.1%} of requests were faulted")
    for kind in (nominal or MIX_10):
        check(faults.get(kind, 0) > 0, f"{name}: no {kind} fault was injected: {faults}")
    return fig


# --- tests ------------------------------------------------------------------------------------
def test_nginx(binary, tmp):
    need_node_modules()
    n = ARGS.objects or 1500
    root = os.path.join(tmp, "root")
    keys = make_tree(root, n)
    env = clean_env(tmp)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", root)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), rates=MIX_10, seed=ARGS.seed, stall_seconds=STALL_SECONDS,
                        retry_after="1", latency=(0.05, 0.3), max_lifetime=7200) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, keys)
            cfg = write_config(os.path.join(tmp, "c.yaml"), base, {"timeout": CLIENT_TIMEOUT}, n_consumers=32,
                               list_chunk=100, write_chunk=500)
            faulted_run(binary, tmp, "nginx", proxy, cfg, ["--keys", kf], env, n, [base + k for k in keys])


def test_s3(binary, tmp):
    need_node_modules("s3rver")
    n = ARGS.objects or 600
    root = os.path.join(tmp, "root")
    keys = make_tree(root, n)
    env = clean_env(tmp)
    with S3Server(tmp) as s3:
        s3.upload_tree(root, keys)
        with FaultProxy(("127.0.0.1", s3.port), rates=MIX_10, seed=ARGS.seed, stall_seconds=STALL_SECONDS,
                        retry_after="1", pattern_rates=[("list-type=2", LISTING_RATES)],
                        max_lifetime=7200) as proxy:
            cfg = write_config(os.path.join(tmp, "c.yaml"), f"s3://{BUCKET}",
                               s3.options(endpoint=proxy.url, timeout=CLIENT_TIMEOUT), n_consumers=16, list_chunk=50,
                               write_chunk=200)
            fig = faulted_run(binary, tmp, "s3", proxy, cfg, [], env, n, keys)
            list_faults = sum(1 for kind, _, target in proxy.events if "list-type=2" in target)
            fig["listing_faults"] = list_faults
            check(list_faults > 0, "s3: no listing request was faulted")
        bad = [q for q in s3.requests() if q["status"] == 403]
        check(not bad, f"s3: {len(bad)} requests failed the signature check through the proxy: {bad[:3]}")
        lists = [q for q in s3.requests() if "list-type=2" in q["query"]]
        check(len(lists) >= 2 * (n // 50), f"s3: only {len(lists)} list pages seen")
        print(f"s3: every signature verified through the fault proxy ({len(s3.requests())} requests); "
              f"{list_faults} faults on listing pages")
        return fig


def azurite_holding(tmp, root, keys):
    """A started Azurite whose container 'tiffs' holds root's files under
    their keys; the caller stops it."""
    import azurite_client
    import azurite_test
    server = azurite_test.AzuriteServer(tmp)
    try:
        client = azurite_client.Azurite(server.port)
        client.create_container("tiffs")
        for k in keys:
            client.put_blob("tiffs", k, open(os.path.join(root, k), "rb").read())
    except BaseException:
        server.stop()
        raise
    return server


def test_azure(binary, tmp):
    need_node_modules("azurite")
    sys.path.insert(0, os.path.join(REPO, "tests", "stores", "azure"))
    import azurite_client
    n = ARGS.objects or 400
    root = os.path.join(tmp, "root")
    keys = make_tree(root, n)
    env = clean_env(tmp)
    server = azurite_holding(tmp, root, keys)
    try:
        with FaultProxy(("127.0.0.1", server.port), rates=MIX_10, seed=ARGS.seed, stall_seconds=STALL_SECONDS,
                        retry_after="1", pattern_rates=[("comp=list", LISTING_RATES)]) as proxy:
            options = {"account_name": "devstoreaccount1", "account_key": azurite_client.KEY, "allow_http": "true",
                       "endpoint": proxy.url + "/devstoreaccount1", "timeout": CLIENT_TIMEOUT}
            cfg = write_config(os.path.join(tmp, "c.yaml"), "az://tiffs", options, n_consumers=16, list_chunk=50,
                               write_chunk=200)
            fig = faulted_run(binary, tmp, "azure", proxy, cfg, [], env, n, keys, nominal=("503", "429", "reset"))
            fig["listing_faults"] = sum(1 for _, _, target in proxy.events if "comp=list" in target)
            check(fig["listing_faults"] > 0, "azure: no listing request was faulted")
            print(f"azure: {fig['listing_faults']} faults on List Blobs pages")
    finally:
        server.stop()


def test_truncation(binary, tmp):
    """Every request's first attempt is cut short; a short body must be retried, never parsed."""
    need_node_modules()
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 60, bad=False)
    env = clean_env(tmp)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", root)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), seed=ARGS.seed, max_consecutive=1) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, keys)
            cfg = write_config(os.path.join(tmp, "c.yaml"), base, {"timeout": CLIENT_TIMEOUT}, n_consumers=8)
            proxy.enabled = False
            clean, _ = headers(binary, [cfg, "--keys", kf], os.path.join(tmp, "clean"), env, expect=(0, 3))
            failures = []
            for kind in ("truncate", "reset_mid", "truncate_unframed"):
                proxy.set_rates({kind: 1.0})
                proxy.enabled = True
                before = proxy.counts().get(kind, 0)
                out = os.path.join(tmp, kind)
                r, _ = headers(binary, [cfg, "--keys", kf, "--loud"], out, env, quiet=False)
                fig = compare_outputs(out, os.path.join(tmp, "clean"), [base + k for k in keys])
                fig["faults"] = proxy.counts().get(kind, 0) - before
                fig["exit"] = r.returncode
                note(f"truncation_{kind}", fig)
                if fig["faults"] < len(keys):
                    failures.append(f"{kind}: only {fig['faults']} faults for {len(keys)} objects")
                if r.returncode != clean.returncode or fig["missing_vs_reference"] or fig["extra_vs_reference"]:
                    bad = duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out}/*.parquet') "
                                 f"WHERE error IS NOT NULL LIMIT 3")
                    failures.append(f"{kind}: exit {r.returncode}, rows differ from the clean run: {fig}; "
                                    f"error rows e.g. {bad}")
            check(not failures, "short bodies were not retried:\n  " + "\n  ".join(failures))


def test_listing(binary, tmp):
    """Every listing page's first attempt cut short or reset (S3, Azure, GCS): no key is lost."""
    need_node_modules("s3rver", "azurite")
    sys.path.insert(0, os.path.join(REPO, "tests", "stores", "azure"))
    import azurite_client
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 120, bad=False)
    env = clean_env(tmp)
    failures = []

    def each_kind(name, proxy, cfg, pattern):
        proxy.enabled = False
        clean = os.path.join(tmp, f"{name}-clean")
        headers(binary, [cfg], clean, env, expect=(0, 3))
        proxy.enabled = True
        for kind in ("truncate_unframed", "truncate", "reset_mid", "503"):
            proxy.pattern_rates = [(re.compile(pattern), {kind: 1.0})]
            before = proxy.counts().get(kind, 0)
            out = os.path.join(tmp, f"{name}-{kind}")
            r, _ = headers(binary, [cfg], out, env)
            if r.returncode not in (0, 3):
                failures.append(f"{name}/{kind}: exit {r.returncode}: {r.stderr.strip()[-300:]}")
                continue
            fig = compare_outputs(out, clean, keys)
            fig["faults"] = proxy.counts().get(kind, 0) - before
            note(f"listing_{name}_{kind}", {k: fig[k] for k in ("rows", "lost", "duplicates", "faults")})
            if fig["lost"] or fig["duplicates"] or fig["missing_vs_reference"] or fig["extra_vs_reference"]:
                failures.append(f"{name}/{kind}: {fig}")
            if fig["faults"] < 3:
                failures.append(f"{name}/{kind}: only {fig['faults']} listing pages faulted")

    with S3Server(tmp) as s3:
        s3.upload_tree(root, keys)
        with FaultProxy(("127.0.0.1", s3.port), max_consecutive=1) as proxy:
            cfg = write_config(os.path.join(tmp, "s3.yaml"), f"s3://{BUCKET}", s3.options(endpoint=proxy.url),
                               list_chunk=20)
            each_kind("s3", proxy, cfg, "list-type=2")
    server = azurite_holding(tmp, root, keys)
    try:
        with FaultProxy(("127.0.0.1", server.port), max_consecutive=1) as proxy:
            options = {"account_name": "devstoreaccount1", "account_key": azurite_client.KEY, "allow_http": "true",
                       "endpoint": proxy.url + "/devstoreaccount1"}
            cfg = write_config(os.path.join(tmp, "az.yaml"), "az://tiffs", options, list_chunk=20)
            each_kind("azure", proxy, cfg, "comp=list")
    finally:
        server.stop()
    sys.path.insert(0, os.path.join(REPO, "tests", "stores", "gcs"))
    import gcs_standin
    gcs_root = os.path.join(tmp, "gcs")
    shutil.copytree(root, os.path.join(gcs_root, "tiffs"))
    gcs = gcs_standin.StandIn(gcs_root, public=("tiffs",)).start()
    try:
        with FaultProxy(("127.0.0.1", gcs.port), max_consecutive=1) as proxy:
            options = {"endpoint": proxy.url, "allow_http": "true", "skip_signature": "true"}
            cfg = write_config(os.path.join(tmp, "gcs.yaml"), "gs://tiffs", options, list_chunk=20)
            each_kind("gcs", proxy, cfg, r"/o\?prefix=")
    finally:
        gcs.stop()
    check(not failures, "listing pages cut short lost or broke the run:\n  " + "\n  ".join(failures))


def test_permanent(binary, tmp):
    need_node_modules("s3rver")
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 200, bad=False)
    victims = {"404": keys[10], "500": keys[20], "stall": keys[30]}
    env = clean_env(tmp)
    results = {}
    # S3: the 404 comes after a listing that had the key (deleted in between).
    with S3Server(tmp) as s3:
        s3.upload_tree(root, keys)
        rules = [Rule(f"^/{BUCKET}/{k}$", action) for action, k in victims.items()]
        with FaultProxy(("127.0.0.1", s3.port), rules=rules, stall_seconds=STALL_SECONDS) as proxy:
            cfg = write_config(os.path.join(tmp, "s3.yaml"), f"s3://{BUCKET}",
                               s3.options(endpoint=proxy.url, timeout="2s"), n_consumers=16, list_chunk=50)
            results["s3"] = check_permanent(binary, tmp, "s3", [cfg], env, keys, victims, lambda k: k, proxy)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", root)
        ng.start()
        rules = [Rule(f"^/{k}$", action) for action, k in victims.items()]
        with FaultProxy(("127.0.0.1", site.port), rules=rules, stall_seconds=STALL_SECONDS) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, keys)
            cfg = write_config(os.path.join(tmp, "http.yaml"), base, {"timeout": "2s"}, n_consumers=16)
            results["http"] = check_permanent(binary, tmp, "http", [cfg, "--keys", kf], env, keys, victims,
                                              lambda k: base + k, proxy)
    note("permanent", results)


def check_permanent(binary, tmp, name, args, env, keys, victims, path_of, proxy):
    rules, proxy.rules = proxy.rules, []
    clean = os.path.join(tmp, f"clean-{name}")
    headers(binary, args, clean, env, expect=(0, 3))
    proxy.rules = rules
    base_errors = {x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{clean}/*.parquet') "
                                             f"WHERE error IS NOT NULL")}
    check(not base_errors & {path_of(k) for k in victims.values()}, f"{name}: a victim is already an error row")
    out = os.path.join(tmp, f"perm-{name}")
    r, elapsed = headers(binary, args + ["--stall-timeout", "120"], out, env, expect=3, timeout=300)
    summary = r.stderr.strip().splitlines()[-1]
    n_errors = len(base_errors) + len(victims)
    check(f"errors {n_errors}," in summary and f"ok {len(keys) - n_errors}," in summary,
          f"{name}: the summary does not count the {len(victims)} failures (+{len(base_errors)} bad objects): "
          f"{summary}")
    rows = duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out}/*.parquet') WHERE error IS NOT NULL "
                  f"ORDER BY path")
    by_path = {x["path"]: x for x in rows}
    check(len(rows) == n_errors, f"{name}: {len(rows)} error rows, expected {n_errors}")
    want = {"404": ("not_found", "404"), "500": ("io", "500"), "stall": ("io", "")}
    for action, key in victims.items():
        row = by_path.get(path_of(key))
        check(row is not None, f"{name}: no error row for {action} object {key}")
        kind, needle = want[action]
        check(row["error_kind"] == kind and needle in row["error"],
              f"{name}: {action} object: error_kind {row['error_kind']!r}, error {row['error']!r}")
    fig = compare_outputs(out, clean, [path_of(k) for k in keys])
    check(fig["duplicates"] == 0 and fig["lost"] == 0 and fig["missing_vs_reference"] == len(victims)
          and fig["extra_vs_reference"] == len(victims), f"{name}: rows other than the victims' differ: {fig}")
    manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
    check(manifest["errors"] == n_errors and manifest["rows"] == len(keys), f"{name}: manifest {manifest}")
    hits = {k: v for k, v in proxy.counts().items() if k.startswith("rule:")}
    print(f"permanent/{name}: exit 3 in {elapsed:.1f}s; {summary}")
    for action, key in victims.items():
        x = by_path[path_of(key)]
        print(f"  {action}: {x['error_kind']}: {x['error'][:200]}")
    return {"exit": r.returncode, "summary": summary, "elapsed_s": round(elapsed, 1), "rule_hits": hits,
            "victims": {a: by_path[path_of(k)]["error_kind"] for a, k in victims.items()},
            "other_rows_identical": True}


def test_watchdog(binary, tmp):
    """Accepts, never answers; a `timeout` longer than the stall timeout (the default is 1/12
    of it, which would make error rows first): the watchdog ends the run."""
    stall_timeout = 4
    margin = 15
    env = clean_env(tmp)
    results = {}
    with FaultProxy(None, rules=[Rule(".*", "hang", methods=None)]) as hang:
        base = hang.url + "/"
        kf = keys_file(os.path.join(tmp, "keys.txt"), base, [f"k{i}.tif" for i in range(20)])
        cases = {
            "http-keys": [write_config(os.path.join(tmp, "http.yaml"), base, {"timeout": "1h"}), "--keys", kf],
            "s3-listing": [write_config(os.path.join(tmp, "s3.yaml"), f"s3://{BUCKET}",
                                        {"endpoint": hang.url, "allow_http": "true", "access_key_id": "AKIDEXAMPLE",
                                         "secret_access_key": "not-used-secret", "region": "us-east-1",
                                         "timeout": "1h"})],
            "azure-listing": [write_config(os.path.join(tmp, "az.yaml"), "az://tiffs",
                                           {"account_name": "devstoreaccount1", "endpoint":
                                            hang.url + "/devstoreaccount1", "allow_http": "true",
                                            "skip_signature": "true", "timeout": "1h"})],
        }
        for name, args in cases.items():
            out = os.path.join(tmp, "out-" + name)
            r, elapsed = headers(binary, args + ["--stall-timeout", str(stall_timeout)], out, env,
                                 timeout=stall_timeout + 120)
            results[name] = {"exit": r.returncode, "elapsed_s": round(elapsed, 1),
                             "message": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""}
            print(f"watchdog/{name}: exit {r.returncode} after {elapsed:.1f}s: {results[name]['message']}")
            check(r.returncode == 1, f"{name}: exit {r.returncode}, expected 1: {r.stderr}")
            check(elapsed <= stall_timeout + margin, f"{name}: took {elapsed:.1f}s (stall timeout {stall_timeout}s)")
            check("no progress" in r.stderr and "--resume" in r.stderr, f"{name}: unclear message: {r.stderr}")
            check(not os.path.exists(os.path.join(out, "_SUCCESS.json")) and not parts(out),
                  f"{name}: files left claiming success: {os.listdir(out)}")
    # Mid-run: one object hangs after most are done. The watchdog ends the run,
    # committed parts stay (no manifest), and --resume completes it exactly.
    need_node_modules()
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 400, bad=False)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", root)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), rules=[Rule(f"^/{keys[7]}$", "hang")]) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys-mid.txt"), base, keys)
            cfg = write_config(os.path.join(tmp, "mid.yaml"), base, {"timeout": "1h"}, n_consumers=8, list_chunk=50, write_chunk=50)
            out = os.path.join(tmp, "out-mid")
            r, elapsed = headers(binary, [cfg, "--keys", kf, "--stall-timeout", str(stall_timeout)], out, env,
                                 timeout=stall_timeout + 120)
            kept = parts(out)
            print(f"watchdog/mid-run: exit {r.returncode} after {elapsed:.1f}s with {len(kept)} parts committed: "
                  f"{r.stderr.strip().splitlines()[-1]}")
            check(r.returncode == 1 and elapsed <= stall_timeout + margin + 5, f"mid-run: exit {r.returncode} after "
                                                                               f"{elapsed:.1f}s: {r.stderr}")
            check(kept and not os.path.exists(os.path.join(out, "_SUCCESS.json")), f"mid-run: {os.listdir(out)}")
            proxy.rules = []
            r, _ = headers(binary, [cfg, "--keys", kf, "--resume"], out, env, expect=(0, 3))
            check(f"already done (resumed) {50 * len(kept)}" in r.stderr, f"mid-run resume: {r.stderr}")
            clean = os.path.join(tmp, "out-mid-clean")
            headers(binary, [cfg, "--keys", kf], clean, env, expect=r.returncode)
            fig = compare_outputs(out, clean, [base + k for k in keys])
            assert_same(fig, "mid-run resume")
            results["mid-run"] = {"exit": 1, "elapsed_s": round(elapsed, 1), "parts_kept": len(kept),
                                  "after_resume": {k: fig[k] for k in ("rows", "duplicates", "lost")}}
            print(f"watchdog/mid-run: --resume kept {len(kept)} parts and completed: {fig['rows']} rows, "
                  f"0 lost, 0 duplicates")
    note("watchdog", results)


def test_hostile(binary, tmp):
    """The hostile corpus over HTTP with faults: one row per file, no crash or hang, the
    same rows as without faults, and no object costs more than the per-object byte cap."""
    need_node_modules()
    corpus = os.path.join(tmp, "hostile")
    r = run_py([os.path.join(REPO, "tests", "oracle", "make_hostile_corpus.py"), corpus])
    if r.returncode == 77:
        raise Skip(r.stdout.strip())
    check(r.returncode == 0, f"make_hostile_corpus.py: {r.stdout} {r.stderr}")
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".tif"))
    cap = 1 << 20  # --max-header-bytes for this run
    env = clean_env(tmp)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", corpus)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), rates=MIX_10, seed=ARGS.seed, stall_seconds=STALL_SECONDS) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, names)
            cfg = write_config(os.path.join(tmp, "c.yaml"), base, {"timeout": CLIENT_TIMEOUT}, n_consumers=32)
            fig = faulted_run(binary, tmp, "hostile", proxy, cfg, ["--keys", kf, "--max-header-bytes", str(cap)], env,
                              len(names), [base + n for n in names], nominal=("503", "reset", "truncate"))
    out = os.path.join(tmp, "hostile-faults")
    worst = duckdb(f"SELECT max(bytes_read) AS b, max(requests) AS q, count(*) FILTER (error_kind = 'limit_exceeded') "
                   f"AS limited FROM read_parquet('{out}/*.parquet')")[0]
    # A read is at most the first read (64 KiB) or what the reader still needs, capped.
    check(int(worst["b"]) <= cap + (64 << 10), f"hostile: an object read {worst['b']} bytes (cap {cap})")
    print(f"hostile: {len(names)} files, most bytes read for one object {worst['b']} (cap {cap}), most requests "
          f"{worst['q']}, {worst['limited']} limit_exceeded rows")


def run_py(args):
    import subprocess
    return subprocess.run(["/usr/bin/python3", *args], capture_output=True, text=True, timeout=600)


TESTS = {"hostile": test_hostile, "nginx": test_nginx, "s3": test_s3, "azure": test_azure, "listing": test_listing, "truncation": test_truncation, "permanent": test_permanent,
         "watchdog": test_watchdog}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("test", choices=list(TESTS))
    ap.add_argument("--objects", type=int)
    ap.add_argument("--seed", type=int, default=ARGS.seed)
    ap.add_argument("--figures")
    a = ap.parse_args()
    ARGS.objects, ARGS.seed, ARGS.figures = a.objects, a.seed, a.figures
    rc = main_for(TESTS, [sys.argv[0], a.binary, a.test])
    if a.figures:
        with open(a.figures, "w") as f:
            json.dump(FIGURES, f, indent=1, sort_keys=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
