// Runs SQL in DuckDB and prints each statement's result, in order.
//   node query.mjs "SELECT ...; SELECT ..."     -> an aligned text table per statement (for people)
//   node query.mjs --json "SELECT ..."          -> a JSON array of row objects per statement, one
//                                                  per line (for tests; --json may come anywhere)
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const rest = args.filter((a) => a !== '--json');
const sql = rest[0];
if (!sql || rest.length > 1) {
  console.error('usage: node query.mjs [--json] "SQL[; SQL ...]"');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();

function printTable(reader, rows) {
  const names = reader.columnNames();
  const cells = rows.map((r) => names.map((n) => (r[n] === null ? 'NULL' : typeof r[n] === 'object' ? JSON.stringify(r[n]) : String(r[n]))));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(line(names));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log(`(${rows.length} rows)`);
}

try {
  // Every statement, not only the first: the README's recipes hold several.
  const statements = await connection.extractStatements(sql);
  for (let i = 0; i < statements.count; ++i) {
    const reader = await (await statements.prepare(i)).runAndReadAll();
    const rows = reader.getRowObjectsJson();
    if (asJson) {
      process.stdout.write(JSON.stringify(rows) + '\n');
    } else {
      if (i > 0) console.log();
      printTable(reader, rows);
    }
  }
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}
