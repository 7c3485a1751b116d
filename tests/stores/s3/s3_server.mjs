// Test S3 server: s3rver, behind a small proxy that VERIFIES SigV4 signatures
// (s3rver only checks that the access key exists) using the independent
// @smithy/signature-v4 signer, and plays a bucket that lives in one region.
// Both listen on 127.0.0.1, on free ports.
//
// usage: node s3_server.mjs --dir DIR --bucket NAME [--bucket NAME2] --log FILE
//                           [--region us-east-1] [--require-auth] [--fail-every N]
//                           [--secret KEY_ID=SECRET]
// Prints one JSON line {"s3rver": PORT, "proxy": PORT} once ready, then
// serves until stdin closes or it gets SIGTERM. The proxy appends one JSON
// line per request to --log: {method, path, query, auth, status}.
// Access keys: S3RVER / S3RVER (s3rver's default account).
// --require-auth: unsigned requests get 403 AccessDenied (a private bucket).
// Ranged GETs of empty objects get S3's 416 (s3rver hangs on them).
// --fail-every N: every Nth request gets 503 SlowDown (Retry-After: 0) before
// any check, so retries must come back freshly signed.
// --secret S3RVER=VALUE: the secret key the proxy verifies signatures with
// (default S3RVER; s3rver itself only checks that the key id exists).
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'js', 'package.json'));
const S3rver = require('s3rver');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const args = { bucket: [], region: 'us-east-1', requireAuth: false, failEvery: 0 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--dir') args.dir = process.argv[++i];
  else if (a === '--bucket') args.bucket.push(process.argv[++i]);
  else if (a === '--log') args.log = process.argv[++i];
  else if (a === '--region') args.region = process.argv[++i];
  else if (a === '--require-auth') args.requireAuth = true;
  else if (a === '--fail-every') args.failEvery = Number(process.argv[++i]);
  else if (a === '--secret') args.secret = process.argv[++i];
  else throw new Error(`unknown argument ${a}`);
}
const secrets = { S3RVER: 'S3RVER' };
if (args.secret) {
  const eq = args.secret.indexOf('=');
  secrets[args.secret.slice(0, eq)] = args.secret.slice(eq + 1);
}

const s3rver = new S3rver({
  port: 0, address: '127.0.0.1', silent: true, directory: args.dir, serviceEndpoint: 'localhost',
  configureBuckets: args.bucket.map((name) => ({ name })),
});
const { port: s3rverPort } = await s3rver.run();

const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function fail(req, res, status, code, message, extra = {}, headers = {}) {
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>0</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
  return status;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

// Returns an HTTP status when the request is refused, or 0 to forward it.
async function verify(req, res, rawPath, rawQuery) {
  const auth = req.headers.authorization;
  if (!auth) {
    return args.requireAuth ? fail(req, res, 403, 'AccessDenied', 'Access Denied') : 0;
  }
  const m = AUTH.exec(auth);
  if (!m) return fail(req, res, 400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const [, keyId, , region, service, signedHeaders, signature] = m;
  if (!(keyId in secrets)) {
    return fail(req, res, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  if (region !== args.region) {
    return fail(req, res, 400, 'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${region}' is wrong; expecting '${args.region}'`,
      { Region: args.region }, { 'x-amz-bucket-region': args.region });
  }
  const query = {};
  for (const part of rawQuery.split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    query[k] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
  }
  const headers = {};
  for (const name of signedHeaders.split(';')) {
    if (req.headers[name] === undefined) return fail(req, res, 403, 'SignatureDoesNotMatch', `signed header ${name} missing`);
    headers[name] = req.headers[name];
  }
  const amzDate = req.headers['x-amz-date'] ?? '';
  const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!d) return fail(req, res, 403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const when = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]));
  const signer = new SignatureV4({
    credentials: { accessKeyId: keyId, secretAccessKey: secrets[keyId], sessionToken: headers['x-amz-security-token'] },
    region, service, sha256: Sha256, uriEscapePath: false,
  });
  // smithy re-adds x-amz-date / x-amz-security-token itself; sign only what the client signed.
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: req.headers.host, path: rawPath, query, headers },
    { signingDate: when, signableHeaders: new Set(Object.keys(headers)) });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  const expectedList = /SignedHeaders=([^,]+)/.exec(signed.headers.authorization)[1];
  if (expected !== signature || expectedList !== signedHeaders) {
    return fail(req, res, 403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return 0;
}

const log = fs.openSync(args.log, 'a');
let served = 0;
const proxy = http.createServer(async (req, res) => {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  let status;
  try {
    served++;
    status = args.failEvery && served % args.failEvery === 0
      ? fail(req, res, 503, 'SlowDown', 'Please reduce your request rate.', {}, { 'retry-after': '0' })
      : await verify(req, res, rawPath, rawQuery);
  } catch (e) {
    status = fail(req, res, 500, 'InternalError', `proxy: ${e.message}`);
  }
  const record = (s) => fs.writeSync(log, JSON.stringify({
    method: req.method, path: rawPath, query: rawQuery, auth: req.headers.authorization ? 'signed' : 'anonymous', status: s,
  }) + '\n');
  if (status) return record(status);
  const upstream = http.request(
    { host: '127.0.0.1', port: s3rverPort, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      // s3rver answers a range on an empty object with "206, Content-Range:
      // bytes 0-0/0, Content-Length: 1" and never sends the byte; S3 answers
      // 416 InvalidRange. Play S3.
      if (up.statusCode === 206 && /\/0$/.test(up.headers['content-range'] ?? '')) {
        up.destroy();
        return record(fail(req, res, 416, 'InvalidRange', 'The requested range is not satisfiable',
          { RangeRequested: req.headers.range ?? '', ActualObjectSize: '0' }, { 'content-range': 'bytes */0' }));
      }
      record(up.statusCode);
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
  upstream.on('error', (e) => { record(502); fail(req, res, 502, 'BadGateway', e.message); });
  req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

process.stdout.write(JSON.stringify({ s3rver: s3rverPort, proxy: proxy.address().port }) + '\n');
const stop = async () => {
  proxy.close();
  await s3rver.close().catch(() => {});
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
