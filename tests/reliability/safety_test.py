#!/usr/bin/python3
"""Reliability: failing safely and safe defaults, with the real binary against
real servers started here (nginx, s3rver behind the SigV4-verifying proxy,
Azurite, the GCS stand-in) on 127.0.0.1.

usage: safety_test.py TIFF_DUMPER TEST
  down         a store that is down at start (connection refused): S3, Azure and
               GCS listings, `info`, HTTP --keys, and a --resume over kept parts:
               a clear error, exit 1, no new part file, no _SUCCESS
  credentials  invalid credentials (S3 wrong secret / unknown key id, Azure wrong
               key, GCS unknown service-account key): a clear error, exit 1, nothing
               written that claims success (also over a directory being resumed)
  defaults     TLS verification on (nginx HTTPS with a private CA: no ca_bundle ->
               an error naming ca_bundle; with it -> rows), plain http:// to S3,
               Azure and GCS refused unless allow_http
  secrets      S3 secret key and session token, Azure account key and SAS
               signature, GCS private key, JWT and access token never appear in
               stdout/stderr of `headers --loud` and `info`, on success and on
               failures (nor in the error column)
  paths        keys like ../../escape.tif, /abs/path.tif, a/../../b.tif in a key
               list (local, HTTP) or a bucket (S3) never create or change a file
               outside OUT_DIR; OUT_DIR holds only the tool's own files
"""
import http.client
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BUCKET, JS, KEY_ID, REPO, S3Server, Skip, check, clean_env, duckdb, headers,  # noqa: E402
                    main_for, make_tree, need_node_modules, parts, run, tree_snapshot, write_config)
from fault_proxy import FaultProxy, Rule  # noqa: E402
from net_util import free_port  # noqa: E402
from nginx import Nginx  # noqa: E402
from tls import make_test_pki  # noqa: E402

AZURE_DIR = os.path.join(REPO, "tests", "stores", "azure")
GCS_DIR = os.path.join(REPO, "tests", "stores", "gcs")
OWN_FILES = re.compile(r"^(part-(s\d{4}-)?\d{5}\.parquet|\.part-(s\d{4}-)?\d{5}\.parquet\.keys|_SUCCESS(-s\d{4})?\.json"
                       r"|\.tiff-dumper(-s\d{4})?\.lock)$")


def nothing_claims_success(out, name, kept=()):
    names = sorted(os.listdir(out))
    check(not any(n.startswith("_SUCCESS") for n in names), f"{name}: a manifest claims success: {names}")
    check(sorted(parts(out)) == sorted(kept), f"{name}: part files {parts(out)}, expected {sorted(kept)}")
    check(not any(n.endswith(".tmp") for n in names), f"{name}: temporaries left: {names}")


def last_line(text):
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1] if lines else ""


# --- Azure / GCS helpers (the stores' own test tooling) ---------------------------------------
class Azurite:
    def __init__(self, tmp):
        need_node_modules("azurite")
        sys.path.insert(0, AZURE_DIR)
        import azurite_client
        import azurite_test
        self.client_mod = azurite_client
        self.server = azurite_test.AzuriteServer(tmp)
        self.port = self.server.port
        self.client = azurite_client.Azurite(self.port)
        self.key = azurite_client.KEY

    def options(self, key=None, endpoint=None, **more):
        return {"account_name": "devstoreaccount1", "account_key": key or self.key,
                "endpoint": endpoint or f"http://127.0.0.1:{self.port}/devstoreaccount1", "allow_http": "true", **more}

    def stop(self):
        self.server.stop()


class Gcs:
    def __init__(self, tmp, root):
        try:
            import cryptography  # noqa: F401
        except ImportError as e:
            raise Skip(f"python3-cryptography is missing ({e})")
        sys.path.insert(0, GCS_DIR)
        import gcs_standin
        import gcs_test
        self.t = gcs_test
        self.server = gcs_standin.StandIn(root).start()
        self.url = self.server.url

    def key(self, tmp, name, register=True):
        private, public = self.t.make_key(tmp, name)
        if register:
            self.server.add_service_account(self.t.EMAIL, public, "key-1")
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            f.write(self.t.key_json(private, self.server.token_uri))
        return path, private

    def stop(self):
        self.server.stop()


# --- tests -------------------------------------------------------------------------------------
def test_down(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    port = free_port()  # nothing listens there
    endpoint = f"http://127.0.0.1:{port}"
    cases = {
        "s3": (f"s3://{BUCKET}", {"endpoint": endpoint, "allow_http": "true", "access_key_id": KEY_ID,
                                  "secret_access_key": "down-secret", "region": "us-east-1"}),
        "azure": ("az://tiffs", {"account_name": "devstoreaccount1", "endpoint": endpoint + "/devstoreaccount1",
                                 "allow_http": "true", "skip_signature": "true"}),
        "gcs": ("gs://tiffs", {"endpoint": endpoint, "allow_http": "true", "skip_signature": "true"}),
    }
    results = {}
    for name, (store, options) in cases.items():
        cfg = write_config(os.path.join(tmp, name + ".yaml"), store, options)
        out = os.path.join(tmp, "out-" + name)
        r, elapsed = headers(binary, [cfg], out, env, timeout=180)
        msg = last_line(r.stderr)
        results[name] = {"exit": r.returncode, "elapsed_s": round(elapsed, 1), "message": msg}
        print(f"down/{name}: exit {r.returncode} after {elapsed:.1f}s: {msg}")
        check(r.returncode == 1, f"{name}: exit {r.returncode}, expected 1: {r.stderr}")
        check(f"127.0.0.1:{port}" in r.stderr and re.search(r"connect|refused", r.stderr, re.I),
              f"{name}: the error does not say the store is unreachable: {r.stderr}")
        nothing_claims_success(out, name)
        # --keys: no listing; the first read finds the store down, and the run fails the same way.
        kf = os.path.join(tmp, f"keys-{name}.txt")
        with open(kf, "w") as f:
            f.writelines(f"k{i}.tif\n" for i in range(5))
        out = os.path.join(tmp, "out-keys-" + name)
        r, elapsed = headers(binary, [cfg, "--keys", kf], out, env, timeout=180)
        results[name + "-keys"] = {"exit": r.returncode, "elapsed_s": round(elapsed, 1), "message": last_line(r.stderr)}
        print(f"down/{name} --keys: exit {r.returncode} after {elapsed:.1f}s: {last_line(r.stderr)}")
        check(r.returncode == 1 and "unreachable" in r.stderr, f"{name} --keys: exit {r.returncode}: {r.stderr}")
        nothing_claims_success(out, name + "-keys")
        # info on an object of the same store.
        ri = run([binary, "info", "--config", cfg, store + "/some/key.tif"], env=env, timeout=180)
        print(f"down/{name} info: exit {ri.returncode}: {last_line(ri.stderr)}")
        check(ri.returncode != 0 and re.search(r"connect|refused", ri.stderr + ri.stdout, re.I),
              f"{name} info: exit {ri.returncode}: {ri.stderr} {ri.stdout}")

    # --resume over kept parts while the store is down: the kept parts stay, nothing new claims success.
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 300, bad=False)
    with S3Server(tmp) as s3:
        s3.upload_tree(root, keys)
        cfg = write_config(os.path.join(tmp, "s3ok.yaml"), f"s3://{BUCKET}", s3.options(), list_chunk=50,
                           write_chunk=100)
        out = os.path.join(tmp, "out-resume")
        headers(binary, [cfg], out, env, expect=(0, 3))
        os.remove(os.path.join(out, "_SUCCESS.json"))
        os.remove(os.path.join(out, "part-00002.parquet"))  # as if the crash came before its commit
        kept = parts(out)
    r, elapsed = headers(binary, [cfg, "--resume"], out, env, timeout=180)
    print(f"down/resume: exit {r.returncode} after {elapsed:.1f}s: {last_line(r.stderr)}")
    check(r.returncode == 1, f"resume with the store down: exit {r.returncode}: {r.stderr}")
    nothing_claims_success(out, "resume", kept=kept)
    results["resume"] = {"exit": r.returncode, "kept_parts": len(kept)}

    # HTTP --keys: there is no listing, so each object fails on its own.
    kf = os.path.join(tmp, "keys.txt")
    with open(kf, "w") as f:
        f.writelines(f"{endpoint}/k{i}.tif\n" for i in range(5))
    out = os.path.join(tmp, "out-http")
    r, elapsed = headers(binary, ["--keys", kf], out, env, timeout=180)
    results["http-keys"] = {"exit": r.returncode, "elapsed_s": round(elapsed, 1), "message": last_line(r.stderr)}
    print(f"down/http-keys: exit {r.returncode} after {elapsed:.1f}s: {last_line(r.stderr)}")
    check(r.returncode == 1, f"http --keys with the server down: exit {r.returncode}, expected 1: {r.stderr}")
    check(re.search(r"connect|refused", r.stderr, re.I), f"http --keys: unclear error: {r.stderr}")
    nothing_claims_success(out, "http-keys")
    print("down: " + json.dumps(results, sort_keys=True))


def test_credentials(binary, tmp):
    need_node_modules("s3rver")
    env = clean_env(tmp)
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 120, bad=False)
    wrong = "wrong-SECRET-0b1d5e77c2"
    with S3Server(tmp) as s3:
        s3.upload_tree(root, keys)
        cases = {
            "s3-wrong-secret": (s3.options(secret=wrong), ["SignatureDoesNotMatch", "HTTP 403"]),
            "s3-unknown-key-id": ({**s3.options(), "access_key_id": "AKIDNOBODY"}, ["InvalidAccessKeyId"]),
        }
        for name, (opts, needles) in cases.items():
            cfg = write_config(os.path.join(tmp, name + ".yaml"), f"s3://{BUCKET}", opts)
            out = os.path.join(tmp, "out-" + name)
            r, _ = headers(binary, [cfg], out, env)
            print(f"credentials/{name}: exit {r.returncode}: {last_line(r.stderr)[:300]}")
            check(r.returncode == 1, f"{name}: exit {r.returncode}: {r.stderr}")
            for n in needles:
                check(n in r.stderr, f"{name}: {n!r} not in {r.stderr}")
            check(wrong not in r.stderr + r.stdout, f"{name}: the secret leaked")
            nothing_claims_success(out, name)
        # A directory being resumed, then the credential is wrong: kept parts stay, no manifest.
        good = write_config(os.path.join(tmp, "good.yaml"), f"s3://{BUCKET}", s3.options(), list_chunk=20,
                            write_chunk=40)
        out = os.path.join(tmp, "out-resume")
        headers(binary, [good], out, env, expect=(0, 3))
        os.remove(os.path.join(out, "_SUCCESS.json"))
        os.remove(os.path.join(out, parts(out)[-1]))
        kept = parts(out)
        bad = write_config(os.path.join(tmp, "bad.yaml"), f"s3://{BUCKET}", s3.options(secret=wrong), list_chunk=20,
                           write_chunk=40)
        r, _ = headers(binary, [bad, "--resume"], out, env)
        check(r.returncode == 1 and "SignatureDoesNotMatch" in r.stderr, f"resume, wrong secret: {r.stderr}")
        nothing_claims_success(out, "s3-resume-wrong-secret", kept=kept)
        # With --keys (no listing) every read is refused alike.
        kf = os.path.join(tmp, "keys.txt")
        with open(kf, "w") as f:
            f.writelines(k + "\n" for k in keys[:30])
        out = os.path.join(tmp, "out-keys")
        r, _ = headers(binary, [bad, "--keys", kf], out, env)
        print(f"credentials/s3-keys-wrong-secret: exit {r.returncode}: {last_line(r.stderr)[:300]}")
        check(r.returncode == 1, f"--keys with a wrong secret: exit {r.returncode}, expected 1: {r.stderr}")
        check("SignatureDoesNotMatch" in r.stderr, f"--keys with a wrong secret: {r.stderr}")
        nothing_claims_success(out, "s3-keys-wrong-secret")

    az = Azurite(tmp)
    try:
        az.client.create_container("tiffs")
        az.client.put_blob("tiffs", "a.tif", open(os.path.join(root, keys[0]), "rb").read())
        wrong_key = "d3Jvbmcga2V5IGZvciByZWxpYWJpbGl0eSB0ZXN0cyBvbmx5IQ=="
        cfg = write_config(os.path.join(tmp, "az.yaml"), "az://tiffs", az.options(key=wrong_key))
        out = os.path.join(tmp, "out-az")
        r, _ = headers(binary, [cfg], out, env)
        print(f"credentials/azure-wrong-key: exit {r.returncode}: {last_line(r.stderr)[:300]}")
        check(r.returncode == 1 and "HTTP 403" in r.stderr and wrong_key not in r.stderr, r.stderr)
        nothing_claims_success(out, "azure-wrong-key")
    finally:
        az.stop()

    gcs_root = os.path.join(tmp, "gcs")
    os.makedirs(os.path.join(gcs_root, "tiffs"))
    shutil.copyfile(os.path.join(root, keys[0]), os.path.join(gcs_root, "tiffs", "a.tif"))
    g = Gcs(tmp, gcs_root)
    try:
        path, private = g.key(tmp, "unknown", register=False)
        cfg = write_config(os.path.join(tmp, "gcs.yaml"), "gs://tiffs",
                           {"google_service_account": path, "endpoint": g.url, "allow_http": "true"})
        out = os.path.join(tmp, "out-gcs")
        r, _ = headers(binary, [cfg], out, env)
        print(f"credentials/gcs-unknown-key: exit {r.returncode}: {last_line(r.stderr)[:300]}")
        check(r.returncode == 1 and "invalid_grant" in r.stderr, r.stderr)
        check(private.splitlines()[1] not in r.stderr, "GCS private key leaked")
        nothing_claims_success(out, "gcs-unknown-key")
    finally:
        g.stop()


def test_defaults(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 20, bad=False)
    pki = make_test_pki(os.path.join(tmp, "pki"))
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("tls", root, tls=pki)
        ng.start()
        kf = os.path.join(tmp, "keys.txt")
        with open(kf, "w") as f:
            f.writelines(site.url + k + "\n" for k in keys)
        out = os.path.join(tmp, "out-noca")
        r, _ = headers(binary, ["--keys", kf], out, env)
        print(f"defaults/tls without ca_bundle: exit {r.returncode}: {last_line(r.stderr)[:300]}")
        check(r.returncode == 1 and "ca_bundle" in r.stderr, f"untrusted certificate: exit {r.returncode}: {r.stderr}")
        nothing_claims_success(out, "tls-noca")
        ri = run([binary, "info", site.url + keys[0]], env=env)
        check(ri.returncode != 0 and "ca_bundle" in ri.stderr, f"info without CA: {ri.returncode} {ri.stderr}")
        cfg = write_config(os.path.join(tmp, "ca.yaml"), site.url, {"ca_bundle": pki["ca"]})
        headers(binary, [cfg, "--keys", kf], os.path.join(tmp, "out-ca"), env, expect=(0, 3))
        # SSL_CERT_FILE pointing elsewhere must not turn verification off either.
        r, _ = headers(binary, ["--keys", kf], os.path.join(tmp, "out-envca"),
                       dict(env, SSL_CERT_FILE="/etc/ssl/certs/ca-certificates.crt"))
        check(r.returncode == 1 and "ca_bundle" in r.stderr, f"system CAs only: {r.returncode} {r.stderr}")
        print("defaults/tls: verified by default; rows with ca_bundle")
    port = free_port()
    for name, store, opts in [
        ("s3", f"s3://{BUCKET}", {"endpoint": f"http://127.0.0.1:{port}", "access_key_id": KEY_ID,
                                  "secret_access_key": "x-secret", "region": "us-east-1"}),
        ("azure", "az://tiffs", {"account_name": "devstoreaccount1", "skip_signature": "true",
                                 "endpoint": f"http://127.0.0.1:{port}/devstoreaccount1"}),
        ("gcs", "gs://tiffs", {"endpoint": f"http://127.0.0.1:{port}", "skip_signature": "true"}),
    ]:
        cfg = write_config(os.path.join(tmp, f"http-{name}.yaml"), store, opts)
        out = os.path.join(tmp, f"out-http-{name}")
        r, _ = headers(binary, [cfg], out, env)
        print(f"defaults/{name} over plain http without allow_http: exit {r.returncode}: {last_line(r.stderr)[:200]}")
        check(r.returncode == 2 and "allow_http" in r.stderr, f"{name}: plain http: exit {r.returncode}: {r.stderr}")
        check(os.listdir(out) == [], f"{name}: files written: {os.listdir(out)}")


SECRET_PATTERNS = [re.compile(p) for p in (r"Signature=[0-9a-f]{16}", r"[?&]sig=", r"-----BEGIN", r"\beyJ[A-Za-z0-9_-]{8,}",
                                           r"ya29\.", r"Authorization:", r"x-amz-security-token:")]


def assert_clean(name, text, secrets):
    for s in secrets:
        check(s not in text, f"{name}: the secret {s[:6]}... appears in the output:\n{text[-3000:]}")
    for p in SECRET_PATTERNS:
        m = p.search(text)
        check(m is None, f"{name}: credential material ({m.group(0) if m else ''}) in the output:\n{text[-3000:]}")


def loud(binary, name, args, out, env, secrets, expect):
    os.makedirs(out, exist_ok=True)
    r = run([binary, "headers", *args, out, "--loud"], env=env)
    check(r.returncode in expect, f"{name}: exit {r.returncode}, expected {expect}: {r.stderr[-2000:]}")
    assert_clean(name, r.stdout + r.stderr, secrets)
    if parts(out):
        errors = duckdb(f"SELECT string_agg(error, '\n') AS e FROM read_parquet('{out}/*.parquet')")[0]["e"] or ""
        assert_clean(name + " (error column)", errors, secrets)
    return r


def info(binary, name, args, env, secrets, expect):
    r = run([binary, "info", *args], env=env)
    check(r.returncode in expect, f"{name}: info exit {r.returncode}, expected {expect}: {r.stderr[-2000:]}")
    assert_clean(name + " info", r.stdout + r.stderr, secrets)
    return r


def test_secrets(binary, tmp):
    need_node_modules("s3rver", "azurite")
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 30, bad=True)
    runs = 0
    # --- S3: secret key, session token (header), via options and via the environment.
    secret = "s3-SECRET-9f1c2e7a44d0b6"
    token = "FwoGZXIvYXdzSESSIONTOKEN-5e8d2c1b0a"
    with S3Server(tmp, secret=secret) as s3:
        s3.upload_tree(root, keys)
        victims = [Rule(f"^/{BUCKET}/{keys[5]}$", "500"), Rule(f"^/{BUCKET}/{keys[6]}$", "404")]
        with FaultProxy(("127.0.0.1", s3.port), rules=victims) as proxy:
            ok = s3.options(session_token=token)
            failing = s3.options(endpoint=proxy.url, session_token=token)
            wrong = s3.options(secret="wrong-" + secret, session_token=token)
            secrets = [secret, token]
            cfgs = {n: write_config(os.path.join(tmp, f"s3-{n}.yaml"), f"s3://{BUCKET}", o)
                    for n, o in (("ok", ok), ("failing", failing), ("wrong", wrong))}
            env = clean_env(tmp)
            loud(binary, "s3 ok", [cfgs["ok"]], os.path.join(tmp, "s3-ok"), env, secrets, (3,))
            loud(binary, "s3 object errors", [cfgs["failing"]], os.path.join(tmp, "s3-fail"), env, secrets, (3,))
            loud(binary, "s3 wrong secret", [cfgs["wrong"]], os.path.join(tmp, "s3-wrong"), env, secrets, (1,))
            env_creds = clean_env(tmp, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=secret,
                                  AWS_SESSION_TOKEN=token, AWS_ENDPOINT_URL=s3.endpoint(), AWS_ALLOW_HTTP="true",
                                  AWS_REGION="us-east-1")
            loud(binary, "s3 env", ["--store", f"s3://{BUCKET}"], os.path.join(tmp, "s3-env"), env_creds, secrets,
                 (3,))
            info(binary, "s3 ok", ["--config", cfgs["ok"], f"s3://{BUCKET}/{keys[0]}"], env, secrets, (0,))
            info(binary, "s3 500", ["--config", cfgs["failing"], f"s3://{BUCKET}/{keys[5]}"], env, secrets, (1, 3))
            info(binary, "s3 wrong", ["--config", cfgs["wrong"], f"s3://{BUCKET}/{keys[0]}"], env, secrets, (1, 3))
            info(binary, "s3 raw", ["--raw", "--config", cfgs["ok"], f"s3://{BUCKET}/{keys[0]}"], env, secrets, (0,))
            runs += 8
    print(f"secrets/s3: secret key and session token absent from {runs} outputs")

    # --- Azure: account key (Shared Key) and a SAS token's signature.
    az = Azurite(tmp)
    try:
        az.client.create_container("tiffs")
        for k in keys:
            az.client.put_blob("tiffs", k, open(os.path.join(root, k), "rb").read())
        sas = az.client.container_sas("tiffs", "rl")
        sig = sas.split("sig=")[1].split("&")[0]
        import urllib.parse
        secrets = [az.key, az.key[:24], sig, urllib.parse.unquote(sig)]
        env = clean_env(tmp)
        with FaultProxy(("127.0.0.1", az.port), rules=[Rule(f"/tiffs/{keys[5]}$", "500")]) as proxy:
            cfgs = {
                "key": write_config(os.path.join(tmp, "az-key.yaml"), "az://tiffs", az.options()),
                "key-failing": write_config(os.path.join(tmp, "az-kf.yaml"), "az://tiffs",
                                            az.options(endpoint=proxy.url + "/devstoreaccount1")),
                "sas": write_config(os.path.join(tmp, "az-sas.yaml"), "az://tiffs",
                                    {k: v for k, v in az.options(sas_token=sas).items() if k != "account_key"}),
                "sas-failing": write_config(os.path.join(tmp, "az-sf.yaml"), "az://tiffs",
                                            {k: v for k, v in az.options(sas_token=sas, endpoint=proxy.url +
                                                                         "/devstoreaccount1").items()
                                             if k != "account_key"}),
                "bad-sas": write_config(os.path.join(tmp, "az-bad.yaml"), "az://tiffs",
                                        {k: v for k, v in az.options(sas_token=sas.replace("sig=", "sig=AAAA")).items()
                                         if k != "account_key"}),
            }
            for n, cfg in cfgs.items():
                loud(binary, f"azure {n}", [cfg], os.path.join(tmp, f"az-{n}"), env, secrets,
                     (1,) if n == "bad-sas" else (3,))
                info(binary, f"azure {n}", ["--config", cfg, f"az://tiffs/{keys[0]}"], env, secrets,
                     (1, 3) if n == "bad-sas" else (0,))
                runs += 2
            info(binary, "azure 500", ["--config", cfgs["key-failing"], f"az://tiffs/{keys[5]}"], env, secrets, (1, 3))
            env_key = clean_env(tmp, AZURE_STORAGE_ACCOUNT_NAME="devstoreaccount1", AZURE_STORAGE_ACCOUNT_KEY=az.key)
            cfg = write_config(os.path.join(tmp, "az-env.yaml"), "az://tiffs",
                               {"endpoint": f"http://127.0.0.1:{az.port}/devstoreaccount1", "allow_http": "true"})
            loud(binary, "azure env key", [cfg], os.path.join(tmp, "az-env"), env_key, secrets, (3,))
            runs += 2
    finally:
        az.stop()
    print(f"secrets/azure: account key and SAS signature absent ({runs} outputs so far)")

    # --- GCS: service-account private key, the signed JWT, the access token.
    gcs_root = os.path.join(tmp, "gcs")
    for k in keys:
        dst = os.path.join(gcs_root, "tiffs", k)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(root, k), dst)
    g = Gcs(tmp, gcs_root)
    try:
        path, private = g.key(tmp, "sa")
        body = [line for line in private.splitlines() if line and not line.startswith("-----")]
        secrets = body[:3] + body[-2:]
        env = clean_env(tmp)
        with FaultProxy(("127.0.0.1", g.server.port), rules=[Rule(re.escape(keys[5].replace("/", "%2F")), "500")]) \
                as proxy:
            cfgs = {
                "file": write_config(os.path.join(tmp, "gcs-file.yaml"), "gs://tiffs",
                                     {"google_service_account": path, "endpoint": g.url, "allow_http": "true"}),
                "text": write_config(os.path.join(tmp, "gcs-text.yaml"), "gs://tiffs",
                                     {"service_account_key": open(path).read(), "endpoint": g.url,
                                      "allow_http": "true"}),
                "failing": write_config(os.path.join(tmp, "gcs-fail.yaml"), "gs://tiffs",
                                        {"google_service_account": path, "endpoint": proxy.url, "allow_http": "true"}),
            }
            for n, cfg in cfgs.items():
                loud(binary, f"gcs {n}", [cfg], os.path.join(tmp, f"gcs-{n}"), env, secrets, (3,))
                info(binary, f"gcs {n}", ["--config", cfg, f"gs://tiffs/{keys[0]}"], env, secrets, (0,))
                runs += 2
        other, other_private = g.key(tmp, "unregistered", register=False)
        cfg = write_config(os.path.join(tmp, "gcs-bad.yaml"), "gs://tiffs",
                           {"google_service_account": other, "endpoint": g.url, "allow_http": "true"})
        bad_body = [line for line in other_private.splitlines() if line and not line.startswith("-----")]
        loud(binary, "gcs unknown key", [cfg], os.path.join(tmp, "gcs-bad"), env, secrets + bad_body[:3], (1,))
        info(binary, "gcs unknown key", ["--config", cfg, f"gs://tiffs/{keys[0]}"], env, secrets + bad_body[:3], (1, 3))
        runs += 2
    finally:
        g.stop()
    print(f"secrets: no secret in {runs} outputs of `headers --loud` and `info` (success and failure)")


def test_paths(binary, tmp):
    """Object keys never decide where output goes."""
    need_node_modules("s3rver")
    env = clean_env(tmp)
    base = os.path.join(tmp, "w", "x", "y")  # room for ../.. to land inside tmp
    store = os.path.join(base, "store")
    keys = make_tree(store, 10, bad=False)
    sample = os.path.join(store, keys[0])
    # Targets the hostile keys would reach if joined to a path: real files, to see they are left alone.
    for p in (os.path.join(base, "escape.tif"), os.path.join(base, "b.tif"), os.path.join(tmp, "abs", "path.tif")):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        shutil.copyfile(sample, p)
    hostile = ["../../escape.tif", "/abs/path.tif", "a/../../b.tif", "../../../../../../../../tmp/x.tif",
               "./../escape.tif", "d000/../../escape.tif", "..", "...tif", "%2e%2e/%2e%2e/escape.tif"]
    out_parent = os.path.join(tmp, "outputs")
    os.makedirs(out_parent)

    def guarded(name, args, run_env=env, servers=()):
        out = os.path.join(out_parent, name)
        os.makedirs(out)
        before = tree_snapshot(tmp, exclude=[out] + list(servers))
        # Where the hostile keys point when joined to OUT_DIR or the working directory.
        elsewhere = [os.path.normpath(os.path.join(d, k)) for d in (out, os.getcwd(), "/") for k in hostile]
        existed = {p for p in elsewhere if os.path.lexists(p)}
        r, _ = headers(binary, args, out, run_env, timeout=180)
        after = tree_snapshot(tmp, exclude=[out] + list(servers))
        changed = sorted(set(before.items()) ^ set(after.items()))
        check(not changed, f"{name}: files outside OUT_DIR changed: {changed[:10]}")
        created = sorted(p for p in elsewhere if os.path.lexists(p) and p not in existed)
        check(not created, f"{name}: files created where the keys point: {created}")
        names = os.listdir(out)
        check(names and all(OWN_FILES.match(n) for n in names),
              f"{name}: unexpected files in OUT_DIR: {names} (exit {r.returncode}: {r.stderr[-1000:]})")
        rows = duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out}/*.parquet') ORDER BY path")
        print(f"paths/{name}: exit {r.returncode}; OUT_DIR holds {sorted(names)}; "
              f"{sum(1 for x in rows if x['error_kind'])} of {len(rows)} rows are errors")
        for x in rows:
            if x["path"] not in keys and not any(x["path"].endswith("/" + k) for k in keys):
                print(f"    {x['path']!r}: {x['error_kind'] or 'read'} {(x['error'] or '')[:150]}")
        return r, rows

    kf = os.path.join(tmp, "hostile-keys.txt")
    with open(kf, "w") as f:
        f.writelines(k + "\n" for k in hostile + keys[:3])
    guarded("local-keys", ["--store", store, "--keys", kf])
    guarded("local-list", ["--store", store])
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", store)
        ng.start()
        with open(kf, "w") as f:
            f.writelines(site.url + k + "\n" for k in hostile + keys[:3])
        guarded("http-keys", ["--store", site.url, "--keys", kf], servers=[os.path.join(tmp, "nginx")])
    srv_tmp = os.path.join(tmp, "srv", "a", "b", "c")
    os.makedirs(srv_tmp)
    with S3Server(srv_tmp) as s3:
        s3.upload_tree(store, keys[:3])
        conn = http.client.HTTPConnection("127.0.0.1", s3.s3rver_port, timeout=30)
        stored = []
        for k in hostile:
            quoted = "/".join("%2E%2E" if part == ".." else "%2E" if part == "." else part for part in k.split("/"))
            try:
                s3.put(conn, k, open(sample, "rb").read(), raw_path=f"/{BUCKET}/" + quoted.lstrip("/")
                       if not k.startswith("/") else f"/{BUCKET}/%2F" + quoted.lstrip("/"))
                stored.append(k)
            except (AssertionError, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", s3.s3rver_port, timeout=30)
        conn.close()
        cfg = write_config(os.path.join(tmp, "s3.yaml"), f"s3://{BUCKET}", s3.options())
        r, rows = guarded("s3-list", [cfg], servers=[os.path.join(tmp, "srv")])
        print(f"paths/s3-list: s3rver stored {len(stored)} of {len(hostile)} hostile keys; listed: "
              f"{[x['path'] for x in rows if x['path'] not in keys]}")
        with open(kf, "w") as f:
            f.writelines(k + "\n" for k in hostile)
        guarded("s3-keys", [cfg, "--keys", kf], servers=[os.path.join(tmp, "srv")])


TESTS = {"down": test_down, "credentials": test_credentials, "defaults": test_defaults, "secrets": test_secrets,
         "paths": test_paths}

if __name__ == "__main__":
    sys.exit(main_for(TESTS, sys.argv))
