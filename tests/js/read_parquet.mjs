// Reads a Parquet file with an independent reader and prints plain JSON.
//
//   node read_parquet.mjs duckdb FILE_OR_GLOB   rows via DuckDB (read_parquet)
//   node read_parquet.mjs wasm FILE             rows via parquet-wasm (arrow-rs) -> Arrow IPC -> apache-arrow
//   node read_parquet.mjs schema FILE           DuckDB parquet_schema() rows (JSON array)
//   node read_parquet.mjs metadata FILE         DuckDB parquet_metadata() rows (JSON array)
//
// duckdb/wasm print {"schema": [{"name", "type"}...], "rows": [{column: value}...]}.
// "schema" is the reader's own view (DuckDB DESCRIBE types, Arrow type names), so
// it differs between readers; "rows" are normalized so both readers print the
// same JSON for the same file:
//   null                 -> null
//   boolean              -> true / false
//   integers (any width, signed or not) -> a JSON number if |v| <= 2^53-1,
//                           else its decimal string ("18446744073709551615")
//   floating point       -> a number; NaN, Infinity, -Infinity -> "NaN", "Infinity", "-Infinity"
//   strings (UTF8, JSON) -> strings (JSON columns are not parsed)
//   binary               -> lowercase hex string ("00ff10")
//   timestamps           -> ISO 8601 UTC with milliseconds ("2024-01-02T03:04:05.678Z")
//   lists                -> arrays; structs -> objects in schema field order
//   maps                 -> arrays of {"key": k, "value": v} in file order
// Rows come in file order (and files in glob order for DuckDB).
import { readFileSync } from 'node:fs';

const [mode, target] = process.argv.slice(2);
if (!['duckdb', 'wasm', 'schema', 'metadata'].includes(mode) || !target) {
  console.error('usage: node read_parquet.mjs duckdb|wasm|schema|metadata FILE_OR_GLOB');
  process.exit(2);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function int(v) {
  if (typeof v === 'bigint') return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
  return v;
}

function float(v) {
  if (typeof v !== 'number') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function isoFromMs(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `epoch_ms:${ms}` : d.toISOString();
}

// Untyped normalization of the JS values DuckDB's getRowObjectsJS() returns.
function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return int(v);
  if (typeof v === 'number') return float(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return isoFromMs(v.getTime());
  if (v instanceof Uint8Array) return hex(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return String(v);
}

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

async function duckdb(sql) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(sql);
  return reader;
}

async function readDuckdb(file) {
  const from = `read_parquet(${sqlString(file)})`;
  const described = await duckdb(`DESCRIBE SELECT * FROM ${from}`);
  const schema = described.getRowObjectsJS().map((r) => ({ name: r.column_name, type: r.column_type }));
  const data = await duckdb(`SELECT * FROM ${from}`);
  // getRowObjectsJS: BIGINT/UBIGINT -> bigint, TIMESTAMP* -> Date, BLOB -> Uint8Array,
  // LIST -> array, STRUCT -> object, MAP -> [{key, value}].
  const rows = data.getRowObjectsJS().map((r) => {
    const out = {};
    for (const { name } of schema) out[name] = plain(r[name]);
    return out;
  });
  return { schema, rows };
}

async function tableRows(sql) {
  const reader = await duckdb(sql);
  return reader.getRowObjectsJS().map(plain);
}

// Typed normalization of apache-arrow values, driven by the Arrow DataType.
function arrowValue(arrow, type, v) {
  if (v === null || v === undefined) return null;
  const T = arrow.Type;
  switch (type.typeId) {
    case T.Int:
      return int(v);
    case T.Float:
      return float(v);
    case T.Bool:
    case T.Utf8:
    case T.LargeUtf8:
      return v;
    case T.Binary:
    case T.LargeBinary:
    case T.FixedSizeBinary:
      return hex(v);
    case T.Timestamp: {
      // unit: 0 s, 1 ms, 2 us, 3 ns; values may be number or bigint
      const div = [1e-3, 1, 1e3, 1e6][type.unit];
      const ms = typeof v === 'bigint' ? Number(v) / div : v / div;
      return isoFromMs(Math.floor(ms));
    }
    case T.List:
    case T.LargeList:
    case T.FixedSizeList: {
      const child = type.children[0].type;
      const out = [];
      for (let i = 0; i < v.length; ++i) out.push(arrowValue(arrow, child, v.get(i)));
      return out;
    }
    case T.Struct: {
      const out = {};
      for (const f of type.children) out[f.name] = arrowValue(arrow, f.type, v[f.name]);
      return out;
    }
    case T.Map: {
      const entry = type.children[0].type;  // struct<key, value>
      const [kf, vf] = entry.children;
      const out = [];
      for (const [k, x] of v) out.push({ key: arrowValue(arrow, kf.type, k), value: arrowValue(arrow, vf.type, x) });
      return out;
    }
    case T.Dictionary:
      return arrowValue(arrow, type.dictionary, v);
    default:
      return plain(v);
  }
}

async function readWasm(file) {
  const arrow = await import('apache-arrow');
  const parquet = await import('parquet-wasm');
  const wasmTable = parquet.readParquet(new Uint8Array(readFileSync(file)));
  const table = arrow.tableFromIPC(wasmTable.intoIPCStream());
  const fields = table.schema.fields;
  const schema = fields.map((f) => ({ name: f.name, type: String(f.type) }));
  const columns = fields.map((f) => table.getChild(f.name));
  const rows = [];
  for (let i = 0; i < table.numRows; ++i) {
    const row = {};
    fields.forEach((f, c) => {
      row[f.name] = arrowValue(arrow, f.type, columns[c].get(i));
    });
    rows.push(row);
  }
  return { schema, rows };
}

try {
  let out;
  if (mode === 'duckdb') out = await readDuckdb(target);
  else if (mode === 'wasm') out = await readWasm(target);
  else if (mode === 'schema') out = await tableRows(`SELECT * FROM parquet_schema(${sqlString(target)})`);
  else out = await tableRows(`SELECT * FROM parquet_metadata(${sqlString(target)})`);
  process.stdout.write(JSON.stringify(out) + '\n');
} catch (e) {
  console.error(`read_parquet ${mode}: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
