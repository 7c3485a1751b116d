// Runs one SQL statement in DuckDB and prints the result.
//   node query.mjs "SELECT ..."          -> an aligned text table (for people)
//   node query.mjs --json "SELECT ..."   -> a JSON array of row objects (for tests)
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const asJson = args[0] === '--json';
const sql = asJson ? args[1] : args[0];
if (!sql) {
  console.error('usage: node query.mjs [--json] "SQL"');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let reader;
try {
  reader = await connection.runAndReadAll(sql);
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}
const rows = reader.getRowObjectsJson();
if (asJson) {
  process.stdout.write(JSON.stringify(rows) + '\n');
} else {
  const names = reader.columnNames();
  const cells = rows.map((r) => names.map((n) => (r[n] === null ? 'NULL' : typeof r[n] === 'object' ? JSON.stringify(r[n]) : String(r[n]))));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(line(names));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log(`(${rows.length} rows)`);
}
