"""A small Azure Blob client for the tests, written from the REST docs and
independent of the C++ code under test: Shared Key signed requests
(authorize-with-shared-key) to create containers and upload blobs, and a
container SAS (create-service-sas, version 2020-12-06 and later layout).
Uses only the Python standard library (hmac, hashlib, base64, http.client)."""
import base64
import datetime
import email.utils
import hashlib
import hmac
import http.client
import urllib.parse

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
VERSION = "2021-08-06"


def _sign(key, text):
    return base64.b64encode(hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256).digest()).decode()


class Azurite:
    def __init__(self, port, account=ACCOUNT, key=KEY):
        self.host, self.port, self.account, self.key = "127.0.0.1", port, account, key

    def request(self, method, path, query=None, body=b"", headers=None):
        """path: already percent-encoded, without the account; query: dict."""
        headers = dict(headers or {})
        headers["x-ms-date"] = email.utils.formatdate(usegmt=True)
        headers["x-ms-version"] = VERSION
        full_path = f"/{self.account}{path}"
        qs = urllib.parse.urlencode(query or {}, quote_via=urllib.parse.quote)
        length = str(len(body)) if body else ""
        std = ["", "", length, "", headers.get("Content-Type", ""), "", "", "", "", "", ""]
        canon_headers = "".join(f"{k.lower()}:{v.strip()}\n" for k, v in sorted(headers.items(), key=lambda kv: kv[0].lower())
                                if k.lower().startswith("x-ms-"))
        canon_resource = f"/{self.account}{full_path}"
        for k in sorted((query or {}).keys(), key=str.lower):
            canon_resource += f"\n{k.lower()}:{query[k]}"
        to_sign = method + "\n" + "\n".join(std) + "\n" + canon_headers + canon_resource
        headers["Authorization"] = f"SharedKey {self.account}:{_sign(self.key, to_sign)}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, full_path + ("?" + qs if qs else ""), body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def create_container(self, name, public=False):
        headers = {"x-ms-blob-public-access": "container"} if public else {}
        status, body = self.request("PUT", f"/{name}", {"restype": "container"}, headers=headers)
        if status != 201:
            raise RuntimeError(f"create container {name}: HTTP {status} {body[:300]!r}")

    def put_blob(self, container, name, data):
        path = f"/{container}/" + urllib.parse.quote(name, safe="/")
        status, body = self.request("PUT", path, body=data, headers={"x-ms-blob-type": "BlockBlob"})
        if status != 201:
            raise RuntimeError(f"put blob {name}: HTTP {status} {body[:300]!r}")

    def container_sas(self, container, permissions="rl", hours=2):
        """A service SAS for the container (sr=c), signed with the account key."""
        expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = [
            permissions,                               # sp
            "",                                        # st
            expiry,                                    # se
            f"/blob/{self.account}/{container}",       # canonicalized resource
            "",                                        # si
            "",                                        # sip
            "",                                        # spr
            VERSION,                                   # sv
            "c",                                       # sr
            "",                                        # snapshot time
            "",                                        # ses (encryption scope)
            "", "", "", "", "",                        # rscc rscd rsce rscl rsct
        ]
        sig = _sign(self.key, "\n".join(fields))
        params = {"sv": VERSION, "sr": "c", "sp": permissions, "se": expiry, "sig": sig}
        return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
