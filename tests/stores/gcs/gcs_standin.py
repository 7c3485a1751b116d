"""A LOCAL STAND-IN for Google Cloud Storage, for tests only - not GCS, and
not a mock of our code: a small HTTP server implementing the parts of the
public protocols the store uses, from Google's documentation, checked the way
Google checks them:

  POST /token                       OAuth 2.0 token endpoint: the JWT bearer grant
                                    (RS256 signature verified with the service
                                    account's PUBLIC key via python3-cryptography;
                                    iss, aud, scope, iat/exp checked) and the
                                    refresh_token grant (gcloud user credentials)
  GET  /storage/v1/b/B/o            JSON API objects.list (prefix, maxResults,
                                    pageToken; nextPageToken)
  GET  /storage/v1/b/B/o/NAME       objects.get: metadata, or bytes with alt=media
                                    (Range -> 206 + Content-Range, 416 past the end)

Buckets are the sub-directories of `root`. Requests need an unexpired token
this server issued, except on public buckets; errors use the JSON API's error
shape. Stats (requests by kind, rejected tokens) are kept for the tests.
"""
import base64
import email.utils
import hashlib
import json
import os
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_public_key

SCOPES = ("https://www.googleapis.com/auth/devstorage.read_only",
          "https://www.googleapis.com/auth/devstorage.full_control")


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024  # the client may open n_consumers connections at once
    daemon_threads = True


class StandIn:
    def __init__(self, root, public=(), denied=(), expires_in=3600, list_delay=0.0):
        self.root = root
        self.public, self.denied = set(public), set(denied)
        self.expires_in, self.list_delay = expires_in, list_delay
        self.accounts = {}  # client_email -> (public key, key id)
        self.users = {}     # refresh_token -> (client_id, client_secret)
        self.tokens = {}    # access token -> expiry (epoch seconds)
        self.stats = {"token": 0, "token_rejected": 0, "list": 0, "media": 0, "metadata": 0, "unauthorized": 0}
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.token_uri = self.url + "/token"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add_service_account(self, email, public_pem, key_id):
        self.accounts[email] = (load_pem_public_key(public_pem), key_id)

    def add_user(self, client_id, client_secret, refresh_token):
        self.users[refresh_token] = (client_id, client_secret)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, what):
        with self.lock:
            self.stats[what] += 1

    # --- token endpoint -------------------------------------------------
    def grant(self, form):
        """Returns (status, json body)."""
        kind = form.get("grant_type", "")
        if kind == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                head_b64, claims_b64, sig_b64 = form["assertion"].split(".")
                head = json.loads(b64url_decode(head_b64))
                claims = json.loads(b64url_decode(claims_b64))
                sig = b64url_decode(sig_b64)
            except Exception:
                return 400, {"error": "invalid_grant", "error_description": "Malformed JWT."}
            account = self.accounts.get(claims.get("iss"))
            if head.get("alg") != "RS256" or account is None:
                return 400, {"error": "invalid_grant", "error_description": "Invalid grant: account not found"}
            public_key, key_id = account
            if head.get("kid") not in (None, key_id):
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            try:
                public_key.verify(sig, f"{head_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
            except Exception:
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            now = time.time()
            if claims.get("aud") != self.token_uri:
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT: audience"}
            if not set(str(claims.get("scope", "")).split()) & set(SCOPES):
                return 400, {"error": "invalid_scope", "error_description": "Invalid OAuth scope"}
            iat, exp = claims.get("iat", 0), claims.get("exp", 0)
            if abs(iat - now) > 300 or exp <= now or exp - iat > 3600:
                return 400, {"error": "invalid_grant",
                             "error_description": "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."}
        elif kind == "refresh_token":
            user = self.users.get(form.get("refresh_token"))
            if user is None or user != (form.get("client_id"), form.get("client_secret")):
                return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + kind}
        token = "ya29.standin-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = time.time() + self.expires_in
        return 200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}

    # --- storage --------------------------------------------------------
    def authorize(self, bucket, header, permission):
        """None if allowed, else (status, error json)."""
        if header is None:
            if bucket in self.public:
                return None
            return 401, self.error(401, f"Anonymous caller does not have {permission} access to the Google Cloud Storage bucket.", "required")
        token = header[len("Bearer "):] if header.startswith("Bearer ") else ""
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry < time.time():
            self.count("token_rejected")
            return 401, self.error(401, "Invalid Credentials", "authError")
        if bucket in self.denied:
            return 403, self.error(403, f"caller does not have {permission} access to the Google Cloud Storage bucket.", "forbidden")
        return None

    @staticmethod
    def error(code, message, reason):
        return {"error": {"code": code, "message": message,
                          "errors": [{"message": message, "domain": "global", "reason": reason}]}}

    def objects(self, bucket):
        base = os.path.join(self.root, bucket)
        out = []
        for dirpath, _, names in os.walk(base):
            for n in names:
                out.append(os.path.relpath(os.path.join(dirpath, n), base).replace(os.sep, "/"))
        return sorted(out)

    def resource(self, bucket, name):
        path = os.path.join(self.root, bucket, name)
        st = os.stat(path)
        with open(path, "rb") as f:
            md5 = hashlib.md5(f.read()).digest()
        updated = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(st.st_mtime)) + ".%03dZ" % (st.st_mtime_ns // 1000000 % 1000)
        return {"kind": "storage#object", "name": name, "bucket": bucket, "size": str(st.st_size),
                "updated": updated, "etag": base64.b64encode(md5).decode(), "mtime": st.st_mtime}

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body, headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                if not isinstance(body, bytes):
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path != "/token":
                    return self.send(404, standin.error(404, "Not Found", "notFound"))
                standin.count("token")
                self.send(*standin.grant(form))

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                parts = url.path.split("/")  # ['', 'storage', 'v1', 'b', B, 'o', NAME?]
                if len(parts) < 6 or parts[1:4] != ["storage", "v1", "b"] or parts[5] != "o":
                    return self.send(404, standin.error(404, "Not Found", "notFound"))
                bucket = urllib.parse.unquote(parts[4])
                if not os.path.isdir(os.path.join(standin.root, bucket)):
                    return self.send(404, standin.error(404, "The specified bucket does not exist.", "notFound"))
                auth = self.headers.get("Authorization")
                if len(parts) == 6:
                    return self.list(bucket, query, auth)
                name = urllib.parse.unquote("/".join(parts[6:]))
                return self.get(bucket, name, query, auth)

            def list(self, bucket, query, auth):
                standin.count("list")
                denied = standin.authorize(bucket, auth, "storage.objects.list")
                if denied:
                    standin.count("unauthorized")
                    return self.send(*denied)
                time.sleep(standin.list_delay)
                prefix = query.get("prefix", "")
                limit = max(1, min(int(query.get("maxResults", "1000")), 1000))
                after = b64url_decode(query["pageToken"]).decode() if "pageToken" in query else None
                names = [n for n in standin.objects(bucket) if n.startswith(prefix) and (after is None or n > after)]
                page = names[:limit]
                body = {"kind": "storage#objects"}
                if page:
                    body["items"] = []
                    for n in page:
                        r = standin.resource(bucket, n)
                        body["items"].append({k: r[k] for k in ("name", "size", "updated", "etag")})
                if len(names) > limit:
                    body["nextPageToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode().rstrip("=")
                self.send(200, body)

            def get(self, bucket, name, query, auth):
                denied = standin.authorize(bucket, auth, "storage.objects.get")
                if denied:
                    standin.count("unauthorized")
                    return self.send(*denied)
                path = os.path.join(standin.root, bucket, name)
                if ".." in name.split("/") or not os.path.isfile(path):
                    return self.send(404, standin.error(404, f"No such object: {bucket}/{name}", "notFound"))
                r = standin.resource(bucket, name)
                if query.get("alt") != "media":
                    standin.count("metadata")
                    return self.send(200, {k: v for k, v in r.items() if k != "mtime"})
                standin.count("media")
                with open(path, "rb") as f:
                    data = f.read()
                headers = [("ETag", '"' + r["etag"] + '"'), ("Last-Modified", email.utils.formatdate(r["mtime"], usegmt=True)),
                           ("x-goog-generation", "1"), ("Accept-Ranges", "bytes")]
                rng = self.headers.get("Range")
                if not rng:
                    return self.send(200, data, headers)
                first, last = rng.removeprefix("bytes=").split("-")
                first, last = int(first), min(int(last), len(data) - 1)
                if first >= len(data):
                    return self.send(416, standin.error(416, "The requested range cannot be satisfied.", "requestedRangeNotSatisfiable"),
                                     headers + [("Content-Range", f"bytes */{len(data)}")])
                self.send(206, data[first:last + 1], headers + [("Content-Range", f"bytes {first}-{last}/{len(data)}")])

        return Handler
