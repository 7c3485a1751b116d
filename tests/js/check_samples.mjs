// Checks the files written by parquet_write_sample against an independent reader.
//
//   node check_samples.mjs duckdb|wasm DIR
//
// For every DIR/NAME.expected.json it runs `node read_parquet.mjs READER DIR/NAME.parquet`
// and compares the rows exactly with the expected ones. With duckdb it also checks
// parquet_schema() fields, parquet_metadata() statistics and codecs, and reads all
// kitchen_sink_* files at once through a glob.
// Exits 77 (skip) if tests/js/node_modules is missing, 1 on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [reader, dir] = process.argv.slice(2);
if (!['duckdb', 'wasm'].includes(reader) || !dir) {
  console.error('usage: node check_samples.mjs duckdb|wasm DIR');
  process.exit(2);
}
const needed = reader === 'duckdb' ? ['@duckdb/node-api'] : ['parquet-wasm', 'apache-arrow'];
for (const pkg of needed) {
  if (!existsSync(join(here, 'node_modules', pkg))) {
    console.log(`SKIP: tests/js/node_modules/${pkg} is missing; run 'npm ci' in tests/js (or scripts/install-deps)`);
    process.exit(77);
  }
}

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}${detail ? `\n     ${detail}` : ''}`);
  }
}

function read(mode, target) {
  const out = execFileSync(process.execPath, [join(here, 'read_parquet.mjs'), mode, target], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out);
}

const show = (v) => JSON.stringify(v);

function compareRows(what, got, want) {
  check(got.length === want.length, `${what}: row count`, `got ${got.length}, want ${want.length}`);
  let mismatches = 0;
  for (let i = 0; i < Math.min(got.length, want.length); ++i) {
    if (isDeepStrictEqual(got[i], want[i])) continue;
    const cols = [...new Set([...Object.keys(want[i]), ...Object.keys(got[i])])];
    for (const c of cols) {
      if (isDeepStrictEqual(got[i][c], want[i][c])) continue;
      if (mismatches++ < 10) check(false, `${what}: row ${i} column ${c}`, `got  ${show(got[i][c])}\n     want ${show(want[i][c])}`);
      else failed++;
    }
  }
  if (mismatches === 0) check(true, `${what}: rows`);
}

const normPath = (p) => String(p).split(/\s*,\s*|\./).join('.');

function checkSchema(name, file, checks) {
  const fields = read('schema', file);
  for (const c of checks) {
    const matches = fields.filter((f) => f.name === c.name);
    check(matches.length > 0, `${name}: parquet_schema has ${c.name}`);
    for (const f of matches) {
      for (const key of ['type', 'converted_type', 'repetition_type']) {
        check(f[key] === c[key], `${name}: parquet_schema ${c.name}.${key}`, `got ${show(f[key])}, want ${show(c[key])}`);
      }
      if (c.logical_type_contains) {
        check(String(f.logical_type).includes(c.logical_type_contains), `${name}: parquet_schema ${c.name}.logical_type`,
          `got ${show(f.logical_type)}, want it to contain ${show(c.logical_type_contains)}`);
      }
    }
  }
}

function checkMetadata(name, file, expected) {
  const chunks = read('metadata', file);
  for (const m of chunks) {
    check(m.compression === expected.codec, `${name}: codec of ${m.path_in_schema}`, `got ${m.compression}, want ${expected.codec}`);
  }
  const groups = new Map(chunks.map((m) => [m.row_group_id, m.row_group_num_rows]));
  const total = [...groups.values()].reduce((a, b) => a + b, 0);
  check(total === expected.num_rows, `${name}: rows in row groups`, `got ${total}, want ${expected.num_rows}`);
  for (const s of expected.stats) {
    const m = chunks.find((x) => x.row_group_id === s.row_group && normPath(x.path_in_schema) === s.path);
    check(m !== undefined, `${name}: parquet_metadata has row group ${s.row_group} column ${s.path}`);
    if (!m) continue;
    const got = {
      min_value: m.stats_min_value, max_value: m.stats_max_value, null_count: m.stats_null_count,
      min: m.stats_min, max: m.stats_max,
    };
    const want = { min_value: s.min_value, max_value: s.max_value, null_count: s.null_count, min: s.min, max: s.max };
    check(isDeepStrictEqual(got, want), `${name}: stats of row group ${s.row_group} ${s.path}`, `got  ${show(got)}\n     want ${show(want)}`);
  }
}

const expectedFiles = readdirSync(dir).filter((f) => f.endsWith('.expected.json')).sort();
check(expectedFiles.length > 0, `samples in ${dir}`);
const byName = {};
for (const ef of expectedFiles) {
  const expected = JSON.parse(readFileSync(join(dir, ef), 'utf8'));
  const name = expected.file;
  byName[name] = expected;
  const file = join(dir, name);
  let got;
  try {
    got = read(reader, file);
  } catch (e) {
    check(false, `${name}: ${reader} read`, String(e.stderr || e.message).trim());
    continue;
  }
  compareRows(`${name} (${reader})`, got.rows, expected.rows);
  if (reader === 'duckdb') {
    checkSchema(name, file, expected.schema);
    checkMetadata(name, file, expected);
  }
  console.log(`checked ${name} with ${reader}`);
}

if (reader === 'duckdb') {
  // One query over several files, as users will run it.
  const names = Object.keys(byName).filter((n) => n.startsWith('kitchen_sink_')).sort();
  const got = read('duckdb', join(dir, 'kitchen_sink_*.parquet'));
  compareRows('kitchen_sink_*.parquet (glob)', got.rows, names.flatMap((n) => byName[n].rows));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
