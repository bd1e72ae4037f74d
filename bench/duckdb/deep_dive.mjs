// The DuckDB reference for bench/deep_dive_bench: the same events (the CSV the C++ bench wrote
// with --csv), the same aggregations as the Deep Dive dashboard's panels in SQL, timed the same
// way (a freshly opened database for pass 1 = cold, warm = median of the passes), results
// checked against otelite's and the ratio otelite / DuckDB printed per panel and for the
// dashboard.
//
//   node deep_dive.mjs --otelite results.json [--db events.duckdb] [--runs 3] [--threads 2,1]
//                      [--json-out duckdb.json] [--keep-db]
//
// What each side's time includes: otelite, logql::Engine::Query from the query text to the
// result (parse, plan, reading the segments on disk, one thread); DuckDB, running the SQL text
// and reading all rows into JavaScript (parse, plan, scan of its own table file, `threads`
// threads). Not included on either side: loading (otelite's ingest, DuckDB's CSV load, reported
// separately) and HTTP/JSON encoding. The OS page cache is warm on both sides.
//
// The table: every column typed as Claude Code sends it (ints BIGINT, cost_usd DOUBLE, the rest
// VARCHAR), loaded from the CSV into a DuckDB database file with CREATE TABLE AS (rows in
// arrival order, so its zone maps on ts work as otelite's segment time ranges do).
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const args = { runs: 3, threads: '2,1', keepDb: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--otelite') args.otelite = next();
    else if (a === '--db') args.db = next();
    else if (a === '--runs') args.runs = Number(next());
    else if (a === '--threads') args.threads = next();
    else if (a === '--json-out') args.jsonOut = next();
    else if (a === '--keep-db') args.keepDb = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.otelite) throw new Error('usage: node deep_dive.mjs --otelite results.json [...]');
  return args;
}

// SQL per panel key. v: { S, E, P } as BigInt nanoseconds (start, end, step).
//  instant: the $__range window (S, E]; range: step k's window (S + (k-1)P, S + kP], all of
//  (S - P, E]; logs: [S, E) as Loki reads them, newest first, 1000 lines (Grafana's default max lines).
const W = (v) => `ts > ${v.S} AND ts <= ${v.E}`;
const RW = (v) => `ts > ${v.S - v.P} AND ts <= ${v.E}`;
const K = (v) => `(ts - ${v.S} + ${v.P - 1n}) // ${v.P}`;
const LW = (v) => `ts >= ${v.S} AND ts < ${v.E}`;
const c = (col) => `coalesce(${col}::VARCHAR, '')`;

function total(where) {
  return { kind: 'instant', groups: [], sql: (v) => `SELECT count(*) FROM events WHERE ${W(v)} AND ${where} HAVING count(*) > 0` };
}
function instant(groups, agg, where) {
  const g = groups.join(', ');
  return { kind: 'instant', groups, sql: (v) => `SELECT ${g}, ${agg} FROM events WHERE ${W(v)} AND ${where} GROUP BY ${g}` };
}
function series(groups, agg, where) {
  const g = groups.length ? groups.join(', ') + ', ' : '';
  return {
    kind: 'range',
    groups,
    sql: (v) => `SELECT ${g}${K(v)} AS k, ${agg} FROM events WHERE ${RW(v)}${where ? ' AND ' + where : ''} GROUP BY ALL`,
  };
}
function logs(where, line) {
  return { kind: 'logs', sql: (v) => `SELECT ts, ${line} FROM events WHERE ${LW(v)}${where ? ' AND ' + where : ''} ORDER BY ts DESC LIMIT 1000` };
}
const ev = (name) => `event_name = '${name}'`;
const api = ev('api_request');
const tool = ev('tool_result');

const PANELS = {
  p1: total(ev('user_prompt')),
  p2: total(tool),
  p3: total(api),
  p4: total(ev('api_error')),
  p5: total(`${tool} AND success = 'false'`),
  p6: total(`${ev('tool_decision')} AND decision = 'reject'`),
  p10: series(['event_name'], 'count(*)', ''),
  p11: series([], 'count(*)', ev('user_prompt')),
  p12: logs(ev('user_prompt'), `'[' || ${c('session_id')} || '] prompt_length=' || ${c('prompt_length')} || ' | ' || ${c('prompt')}`),
  p301: instant(['model'], 'count(*)', api),
  p302: instant(['model'], 'sum(cost_usd)', api),
  p303: instant(['speed'], 'count(*)', api),
  p304: series(['model'], 'count(*)', api),
  p305: series(['model'], 'avg(output_tokens)', api),
  p306a: instant(['session_id', 'model'], 'count(*)', api),
  p306b: instant(['session_id', 'model'], 'sum(cost_usd)', api),
  p306c: instant(['session_id', 'model'], 'avg(duration_ms)', api),
  p20: instant(['tool_name'], 'count(*)', tool),
  p21: instant(['tool_name'], 'count(*)', `${tool} AND success = 'true'`),
  p22: instant(['decision'], 'count(*)', ev('tool_decision')),
  p23: series(['tool_name'], 'count(*)', tool),
  p24: series(['tool_name'], 'avg(duration_ms)', tool),
  p25: logs(tool, `${c('tool_name')} || ' | success=' || ${c('success')} || ' | ' || ${c('duration_ms')} || 'ms | size=' || ${c('tool_result_size_bytes')} || 'B | decision=' || ${c('decision_type')} || ' | ' || ${c('error')}`),
  p30: instant(['mcp_server_scope'], 'count(*)', `${tool} AND mcp_server_scope <> ''`),
  p31: series(['mcp_server_scope'], 'count(*)', `${tool} AND mcp_server_scope <> ''`),
  p32: logs(`${tool} AND mcp_server_scope <> ''`, `'MCP=' || ${c('mcp_server_scope')} || ' | tool=' || ${c('tool_name')} || ' | success=' || ${c('success')} || ' | ' || ${c('duration_ms')} || 'ms | params=' || ${c('tool_parameters')}`),
  p33: logs(`${tool} AND tool_name = 'Skill'`, `'skill=' || ${c('tool_parameters')} || ' | success=' || ${c('success')} || ' | ' || ${c('duration_ms')} || 'ms'`),
  p40: series(['model'], 'sum(cost_usd)', api),
  p41: series(['model'], 'avg(duration_ms)', api),
  p42a: series(['model'], 'sum(input_tokens)', api),
  p42b: series(['model'], 'sum(output_tokens)', api),
  p43: instant(['speed'], 'count(*)', api),
  p44: logs(api, `'model=' || ${c('model')} || ' | $' || ${c('cost_usd')} || ' | ' || ${c('duration_ms')} || 'ms | in=' || ${c('input_tokens')} || ' out=' || ${c('output_tokens')} || ' cache_read=' || ${c('cache_read_tokens')} || ' | speed=' || ${c('speed')}`),
  p45: logs(ev('api_error'), `'ERROR model=' || ${c('model')} || ' | status=' || ${c('status_code')} || ' | attempt=' || ${c('attempt')} || ' | ' || ${c('duration_ms')} || 'ms | ' || ${c('error')}`),
  p50: logs('', `'[' || ${c('event_name')} || '] session=' || ${c('session_id')} || ' prompt_id=' || ${c('prompt_id')} || ' | tool=' || ${c('tool_name')} || ' model=' || ${c('model')} || ' success=' || ${c('success')} || ' cost=$' || ${c('cost_usd')} || ' duration=' || ${c('duration_ms')} || 'ms'`),
};

const num = (x) => (typeof x === 'bigint' ? Number(x) : x);

// Rows to otelite's result shape: {labels-key: value} (instant), {labels-key: Map(t_s, v)}
// (range), [[ts, line]] (logs). Empty group values are no label, as in LogQL.
function labelsKey(labels) {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}
function shape(spec, rows, v) {
  if (spec.kind === 'logs') return rows.map((r) => [r[0].toString(), r[1]]);
  const out = new Map();
  for (const r of rows) {
    const labels = {};
    spec.groups.forEach((g, i) => {
      if (r[i] !== null && r[i] !== '') labels[g] = String(r[i]);
    });
    const key = labelsKey(labels);
    if (spec.kind === 'instant') {
      out.set(key, num(r[spec.groups.length]));
    } else {
      const k = BigInt(r[spec.groups.length]);
      const t = Number((v.S + k * v.P) / 1000000000n);
      if (!out.has(key)) out.set(key, new Map());
      out.get(key).set(t, num(r[spec.groups.length + 1]));
    }
  }
  return out;
}
function shapeOtelite(result) {
  if (result.type === 'streams') return result.lines;
  const out = new Map();
  if (result.type === 'vector') {
    for (const s of result.samples) out.set(labelsKey(s.labels), s.value);
  } else {
    for (const s of result.series) out.set(labelsKey(s.labels), new Map(s.points.map(([t, x]) => [t, x])));
  }
  return out;
}

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
// Lines compared with their numbers parsed (DuckDB prints doubles with fewer digits than Go's
// shortest form: 0.0539454 for 0.053945400000000004).
const normalise = (line) =>
  line.replace(/(?<![\w.-])\d+(\.\d+)?(e[+-]?\d+)?(?![\w.-])/g, (m) => String(Number(Number(m).toPrecision(6))));

function compare(kind, mine, theirs) {
  if (kind === 'logs') {
    if (mine.length !== theirs.length) return `${theirs.length} lines, DuckDB ${mine.length}`;
    if (mine.length === 0) return '';
    // Entries at the oldest returned timestamp may be cut differently by the limit.
    const oldest = BigInt(mine[mine.length - 1][0]);
    const keep = (rows) =>
      rows
        .filter((r) => BigInt(r[0]) > oldest)
        .map((r) => ({ key: `${r[0]} ${normalise(r[1])}`, raw: `${r[0]} ${r[1]}` }))
        .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    const a = keep(mine);
    const b = keep(theirs);
    if (a.length !== b.length) return `lines newer than the last timestamp: otelite ${b.length}, DuckDB ${a.length}`;
    for (let i = 0; i < a.length; i++) {
      if (a[i].key !== b[i].key) return `line differs: otelite "${b[i].raw}" DuckDB "${a[i].raw}"`;
    }
    return '';
  }
  const keys = new Set([...mine.keys(), ...theirs.keys()]);
  for (const key of keys) {
    const a = mine.get(key);
    const b = theirs.get(key);
    if (a === undefined || b === undefined) return `series {${key}} only in ${a === undefined ? 'otelite' : 'DuckDB'}`;
    if (kind === 'instant') {
      if (!close(a, b)) return `{${key}}: otelite ${b}, DuckDB ${a}`;
      continue;
    }
    for (const t of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(t);
      const y = b.get(t);
      if (x === undefined || y === undefined || !close(x, y)) return `{${key}} at ${t}: otelite ${y}, DuckDB ${x}`;
    }
  }
  return '';
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '');

async function load(otelite, dbPath) {
  const columns = [['ts', 'BIGINT'], ['line', 'VARCHAR'], ...otelite.dataset.csv_columns];
  const spec = columns.map(([n, t]) => `'${n}': '${t}'`).join(', ');
  const instance = await DuckDBInstance.create(dbPath);
  const conn = await instance.connect();
  const t0 = performance.now();
  await conn.run(
    `CREATE TABLE events AS SELECT * FROM read_csv('${otelite.dataset.csv}', header = true, delim = ',', ` +
      `quote = '"', escape = '"', compression = 'zstd', columns = {${spec}})`,
  );
  await conn.run('CHECKPOINT');
  const seconds = (performance.now() - t0) / 1000;
  const rows = num((await conn.runAndReadAll('SELECT count(*) FROM events')).getRows()[0][0]);
  conn.closeSync();
  instance.closeSync();
  let bytes = fs.statSync(dbPath).size;
  if (fs.existsSync(dbPath + '.wal')) bytes += fs.statSync(dbPath + '.wal').size;
  return { seconds, rows, bytes };
}

async function runView(view, dbPath, threads, runs) {
  const v = { S: BigInt(view.start_ns), E: BigInt(view.end_ns), P: BigInt(view.step_s) * 1000000000n };
  const instance = await DuckDBInstance.create(dbPath, { threads: String(threads), access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const jobs = view.queries.filter((q) => q.form === 'otelite').map((q) => ({ q, spec: PANELS[q.key], ms: [], rows: null }));
  for (const j of jobs) if (!j.spec) throw new Error(`no SQL for panel ${j.q.key}`);
  for (let pass = 0; pass < runs; pass++) {
    for (const j of jobs) {
      const sql = j.spec.sql(v);
      const t0 = performance.now();
      const reader = await conn.runAndReadAll(sql);
      const rows = reader.getRows();
      j.ms.push(performance.now() - t0);
      if (pass === 0) j.rows = rows;
    }
  }
  conn.closeSync();
  instance.closeSync();
  return jobs.map((j) => ({ key: j.q.key, ms: j.ms, result: shape(j.spec, j.rows, v), sql: j.spec.sql(v) }));
}

async function main() {
  const args = parseArgs(process.argv);
  const otelite = JSON.parse(fs.readFileSync(args.otelite, 'utf8'));
  if (!otelite.dataset.csv) throw new Error(`${args.otelite}: the bench ran without --csv`);
  const dbPath = args.db ?? path.join(os.tmpdir(), `otelite-deep-dive-${process.pid}.duckdb`);
  for (const f of [dbPath, dbPath + '.wal']) if (fs.existsSync(f)) fs.rmSync(f);
  const threadList = args.threads.split(',').map(Number);

  const loaded = await load(otelite, dbPath);
  console.log(`\n## DuckDB reference (@duckdb/node-api, DuckDB ${await version()})\n`);
  console.log(`Loaded ${loaded.rows} rows from ${otelite.dataset.csv} in ${loaded.seconds.toFixed(1)} s ` +
    `(CSV, zstd; not part of any query time); database file ${(loaded.bytes / 1e6).toFixed(1)} MB ` +
    `(${(loaded.bytes / loaded.rows).toFixed(1)} B/event; otelite's segments: ` +
    `${otelite.ingest ? (otelite.ingest.segment_bytes / otelite.dataset.events).toFixed(1) : '?'} B/event).`);
  if (loaded.rows !== otelite.dataset.events) throw new Error(`DuckDB has ${loaded.rows} rows, otelite ingested ${otelite.dataset.events}`);

  const report = { duckdb_version: await version(), load_s: loaded.seconds, db_bytes: loaded.bytes, rows: loaded.rows, views: [] };
  const failures = [];
  for (const view of otelite.views) {
    const byThreads = {};
    for (const t of threadList) byThreads[t] = await runView(view, dbPath, t, args.runs);
    const main = threadList[0];
    console.log(`\n### ${view.name}: otelite vs DuckDB (threads ${threadList.join(', ')}; cold = pass 1 ` +
      `after opening, warm = median of ${args.runs}; ratio = otelite warm / DuckDB warm)\n`);
    const header = ['panel', 'otelite cold', 'otelite warm', ...threadList.flatMap((t) => [`DuckDB cold (${t} thr)`, `DuckDB warm (${t} thr)`]),
      ...threadList.map((t) => `ratio vs ${t} thr`), 'results'];
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`);
    const totals = { oteliteCold: 0, oteliteWarm: 0, cold: {}, warm: {} };
    for (const t of threadList) totals.cold[t] = totals.warm[t] = 0;
    const out = { name: view.name, queries: [] };
    byThreads[main].forEach((d, i) => {
      const q = view.queries.find((x) => x.key === d.key && x.form === 'otelite');
      let check;
      if (q.partial) {
        check = `not compared: otelite's result is partial (max_series ${otelite.max_series})`;
      } else {
        const diff = compare(PANELS[d.key].kind, d.result, shapeOtelite(q.result));
        check = diff ? `DIFFERENT: ${diff}` : 'equal';
        if (diff) failures.push(`${view.name} ${d.key}: ${diff}`);
      }
      totals.oteliteCold += q.cold_ms;
      totals.oteliteWarm += q.warm_ms;
      const cells = [d.key, fmt(q.cold_ms), fmt(q.warm_ms)];
      const entry = { key: d.key, otelite_cold_ms: q.cold_ms, otelite_warm_ms: q.warm_ms, check, sql: d.sql, duckdb: {} };
      for (const t of threadList) {
        const ms = byThreads[t][i].ms;
        totals.cold[t] += ms[0];
        totals.warm[t] += median(ms);
        cells.push(fmt(ms[0]), fmt(median(ms)));
        entry.duckdb[t] = { cold_ms: ms[0], warm_ms: median(ms), runs_ms: ms };
      }
      for (const t of threadList) cells.push(ratio(q.warm_ms, median(byThreads[t][i].ms)));
      cells.push(check);
      console.log(`| ${cells.join(' | ')} |`);
      out.queries.push(entry);
    });
    const cells = ['**dashboard**', fmt(totals.oteliteCold), fmt(totals.oteliteWarm)];
    for (const t of threadList) cells.push(fmt(totals.cold[t]), fmt(totals.warm[t]));
    for (const t of threadList) cells.push(`**${ratio(totals.oteliteWarm, totals.warm[t])}**`);
    cells.push('');
    console.log(`| ${cells.join(' | ')} |`);
    out.totals = totals;
    report.views.push(out);
  }
  console.log('\notelite: logql::Engine::Query, text to result, one thread, segments on disk. DuckDB: the SQL ' +
    'above each panel through runAndReadAll (rows read into JavaScript), its own table file. Both ' +
    'after the data was loaded, page cache warm; panels run one after another.');
  if (args.jsonOut) fs.writeFileSync(args.jsonOut, JSON.stringify(report, null, 1));
  if (!args.keepDb) for (const f of [dbPath, dbPath + '.wal']) if (fs.existsSync(f)) fs.rmSync(f);
  if (failures.length) {
    for (const f of failures) console.error(`MISMATCH ${f}`);
    console.error(`deep_dive.mjs: FAILED: ${failures.length} panels differ between otelite and DuckDB`);
    process.exit(1);
  }
  console.log('\nEvery complete otelite result equals DuckDB\'s (counts exactly, sums and averages within 1e-9 relative).');
}

let versionCache;
async function version() {
  if (versionCache) return versionCache;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  versionCache = String((await conn.runAndReadAll('SELECT version()')).getRows()[0][0]);
  conn.closeSync();
  instance.closeSync();
  return versionCache;
}

main().catch((e) => {
  console.error(`deep_dive.mjs: ${e.stack ?? e}`);
  process.exit(1);
});
