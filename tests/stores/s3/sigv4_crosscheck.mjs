// Cross-checks our SigV4 signer (the sigv4_sign test tool) against an
// independent one, @smithy/signature-v4 (the AWS SDK for JavaScript's), on
// awkward keys and queries. The URL (addressing and key/query encoding) is
// rebuilt here independently too, with the AWS SDK's encoding rules.
//
// usage: node sigv4_crosscheck.mjs PATH/TO/sigv4_sign
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'js', 'package.json'));
let SignatureV4, Sha256;
try {
  ({ SignatureV4 } = require('@smithy/signature-v4'));
  ({ Sha256 } = require('@aws-crypto/sha256-js'));
} catch (e) {
  console.log(`SKIP: tests/js/node_modules is missing (${e.message}); run scripts/install-deps`);
  process.exit(77);
}

const signer = process.argv[2];
if (!signer) {
  console.error('usage: node sigv4_crosscheck.mjs PATH/TO/sigv4_sign');
  process.exit(2);
}

// The AWS SDK's S3 key encoding: encodeURIComponent plus !'()* (RFC 3986).
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const encodeKey = (k) => k.split('/').map(encode).join('/');

const T = 1369353600; // 2013-05-24T00:00:00Z
const creds = { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const base = { bucket: 'examplebucket', region: 'us-east-1', time: T, ...creds };
const local = { endpoint: 'http://127.0.0.1:9000', bucket: 'tiffs' };
const cases = [
  { name: 'aws-doc-get-range', key: 'test.txt', headers: [['range', 'bytes=0-9']] },
  { name: 'aws-doc-exact-host', endpoint: 'https://examplebucket.s3.amazonaws.com', virtual_hosted: true, key: 'test.txt',
    headers: [['range', 'bytes=0-9']] },
  { name: 'spaces', key: 'dir/my file  two.tif', headers: [['range', 'bytes=0-65535']] },
  { name: 'unicode', key: 'données/été ü 日本 😀.tif' },
  { name: 'plus', key: 'a+b/c+d.tif' },
  { name: 'tilde', key: '~user/x~y.tif' },
  { name: 'percent', key: '100%/50%25.tif' },
  { name: 'equals', key: 'k=v/a=b&c.tif' },
  { name: 'sub-delims', key: "p!q'r(s)t*u$v@w:x,y;z.tif" },
  { name: 'slashes', key: 'a//b/c/' },
  { name: 'list-empty-prefix', query: [['list-type', '2'], ['prefix', ''], ['max-keys', '10'], ['encoding-type', 'url']] },
  { name: 'list-prefix-odd', query: [['list-type', '2'], ['prefix', 'odd keys/é+~%='], ['max-keys', '1000'], ['encoding-type', 'url']] },
  { name: 'list-token', query: [['list-type', '2'], ['max-keys', '7'], ['encoding-type', 'url'],
    ['continuation-token', '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=']] },
  { name: 'session-token', key: 'k.tif', session_token: 'FwoGZXIvYXdzEJr//////////wEaDOb+token=' },
  { name: 'path-style-port', ...local, key: 'a b/c.tif', headers: [['range', 'bytes=10-20']] },
  { name: 'path-style-list', ...local, query: [['list-type', '2'], ['prefix', 'x y/'], ['max-keys', '1']] },
  { name: 'virtual-hosted-custom', endpoint: 'http://s3.localhost:9000', virtual_hosted: true, bucket: 'tiffs', key: 'é/+.tif' },
  { name: 'virtual-hosted-list', virtual_hosted: true, query: [['list-type', '2'], ['prefix', '']] },
  { name: 'dotted-bucket-path-style', bucket: 'my.dotted.bucket', key: 'x.tif' },
  { name: 'other-region', region: 'eu-west-1', key: 'x.tif', time: 1700000000 },
  { name: 'head', method: 'HEAD', key: 'x y.tif' },
  { name: 'request-payer', request_payer: true, key: 'x.tif' },
].map((c) => ({ method: 'GET', ...base, ...c }));

// Where the request should go, derived independently of the C++ code.
function expectedTarget(c) {
  let origin, pathPrefix;
  if (!c.endpoint) {
    const vhost = c.virtual_hosted ?? !c.bucket.includes('.');
    origin = vhost ? `https://${c.bucket}.s3.${c.region}.amazonaws.com` : `https://s3.${c.region}.amazonaws.com`;
    pathPrefix = vhost ? '' : `/${c.bucket}`;
  } else {
    const u = new URL(c.endpoint);
    const vhost = c.virtual_hosted ?? false;
    // obstore-style endpoints may already name the bucket.
    const host = vhost && !u.host.startsWith(`${c.bucket}.`) ? `${c.bucket}.${u.host}` : u.host;
    origin = `${u.protocol}//${host}`;
    pathPrefix = vhost ? '' : `/${c.bucket}`;
  }
  const p = c.key !== undefined ? `${pathPrefix}/${encodeKey(c.key)}` : pathPrefix || '/';
  const pairs = (c.query ?? []).map(([k, v]) => [encode(k), encode(v)]).sort((a, b) => (a[0] + '=' + a[1] < b[0] + '=' + b[1] ? -1 : 1));
  const qs = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return { origin, path: p, url: origin + p + (qs ? `?${qs}` : '') };
}

const ours = JSON.parse(execFileSync(signer, { input: JSON.stringify(cases) }).toString());
let failures = 0;
for (const [i, c] of cases.entries()) {
  const got = ours[i];
  const target = expectedTarget(c);
  const problems = [];
  if (got.url !== target.url) problems.push(`url\n    ours:     ${got.url}\n    expected: ${target.url}`);
  const gotHeaders = Object.fromEntries(got.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const url = new URL(target.url);
  const query = {};
  for (const [k, v] of c.query ?? []) query[k] = v;
  const headers = { host: url.host };
  for (const [k, v] of c.headers ?? []) headers[k] = v;
  if (c.request_payer) headers['x-amz-request-payer'] = 'requester';
  const sig = new SignatureV4({
    credentials: { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key, sessionToken: c.session_token },
    region: c.region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: true,
  });
  const signed = await sig.sign(
    { method: c.method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined,
      path: target.path, query, headers },
    { signingDate: new Date(c.time * 1000) });
  for (const name of ['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'authorization']) {
    const want = signed.headers[name];
    if (gotHeaders[name] !== want) problems.push(`${name}\n    ours:   ${gotHeaders[name]}\n    smithy: ${want}`);
  }
  if (problems.length) {
    failures++;
    console.log(`FAIL ${c.name}: ${problems.join('\n  ')}`);
  } else {
    console.log(`ok   ${c.name}: ${got.url}`);
  }
}
// The AWS documented example, byte for byte (host examplebucket.s3.amazonaws.com).
const doc = ours[cases.findIndex((c) => c.name === 'aws-doc-exact-host')];
const docAuth = doc.headers.find(([k]) => k === 'authorization')[1];
if (!docAuth.endsWith('Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')) {
  failures++;
  console.log(`FAIL aws-doc-exact-host: not AWS's documented signature: ${docAuth}`);
}
console.log(`${cases.length - failures}/${cases.length} cases agree with @smithy/signature-v4`);
process.exit(failures ? 1 : 0);
