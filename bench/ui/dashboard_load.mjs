// Dashboards through the UI API: loads otelite's builtin dashboards the way the web app does and
// times each load (docs/benchmarks.md, "Dashboards through the UI API"). Node built-ins only.
//
//   node bench/ui/dashboard_load.mjs --build build/release [--data DIR] [--events small|full|N]
//        [--event-days D] [--developers 100] [--days 8] [--runs 5] [--concurrency 6]
//        [--only overview,deep] [--json-out F] [--keep] [--server-arg=--flag=value ...]
//
// 1. Data. Without --data, a new directory under /tmp (removed at the end unless --keep); with
//    --data DIR, DIR is reused when it holds a previous run's manifest (DIR/uibench.json), else
//    prepared there and kept. Metrics: `claude_dataset --developers 100 --days 8 --start-zeros`
//    starting so that the data ends at the last full hour before now, loaded with `otelite import
//    openmetrics`; the exact totals of cost and sessions are summed from the OpenMetrics file (the
//    last value of every series, which starts at 0) and compared with the generator's printed
//    "true total" column. Events: `deep_dive_bench --dir DIR/events --keep` (--small by default:
//    10 developers, 300 k events over 31 days; `--events full` is the Deep Dive target, 20 M events
//    over 31 days), which also records its own panel results (checked there against the
//    generator's counts) for Total Prompts and Total API Requests over 24 h and the whole span.
//    The events' time range is fixed by the generator (from 2026-11-16T00:00Z), so every range
//    below is sent as absolute Unix ms ending at the data's end, not "now-24h": the same bytes
//    are read whatever day the data directory is reused on.
// 2. For each scenario (dashboard x range) a fresh `otelite serve` on that directory, every port
//    but the UI's disabled (0), retention lifted so that old or future data is never expired.
// 3. A load, as the browser does it: GET /api/dashboards/uid/<uid>; the query variables' options
//    one after another (POST /api/variables/options, the values All); then every non-row panel's
//    POST /api/panels/query in layout order (top to bottom, left to right) over `--concurrency`
//    keep-alive connections (a browser's 6 per origin over HTTP/1.1), maxDataPoints 800 for a
//    full-width panel, proportional to gridPos.w otherwise. Cold = the first load after the
//    server started; warm = the median of `--runs` further loads. A panel whose query reports an
//    error fails the run; warnings (a LogQL result partial at the series limit) are listed.
// 4. Correctness, on a fresh server after the timings: the Overview's Total Cost and Total
//    Sessions over the metrics' whole span equal the exact totals (1e-9 relative), and the Deep
//    Dive's Total Prompts and Total API Requests over 24 h and the whole span equal
//    deep_dive_bench's results.
// 5. A table on stdout, everything as JSON with --json-out. The server's peak RSS is its VmHWM
//    (/proc/<pid>/status) at the end of each scenario. Exit status 1 when a check failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
const MANIFEST = 'uibench.json';
const DASHBOARDS = {
  overview: { uid: 'claude-code-personal', title: 'Overview' },
  deep: { uid: 'claude-code-deep', title: 'Deep Dive' },
};

function usage() {
  return `usage: node bench/ui/dashboard_load.mjs --build BUILD_DIR | --otelite P --claude-dataset P --deep-dive-bench P
  [--data DIR] [--events small|full|N] [--event-days D] [--event-developers N] [--developers N]
  [--days N] [--seed N] [--runs N] [--concurrency N] [--only overview,deep] [--json-out FILE]
  [--keep] [--server-arg=ARG ...]`;
}

function parseArgs(argv) {
  const a = {
    runs: 5, concurrency: 6, developers: 100, days: 8, seed: 1, events: 'small', eventDays: 31,
    eventDevelopers: 0, only: 'overview,deep', keep: false, serverArgs: [],
  };
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value\n${usage()}`);
      return argv[++i];
    };
    const num = () => {
      const v = Number(next());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${arg} wants a positive integer`);
      return v;
    };
    if (arg === '--build') a.build = next();
    else if (arg === '--otelite') a.otelite = next();
    else if (arg === '--claude-dataset') a.claudeDataset = next();
    else if (arg === '--deep-dive-bench') a.deepDiveBench = next();
    else if (arg === '--data') a.data = next();
    else if (arg === '--events') a.events = next();
    else if (arg === '--event-days') a.eventDays = num();
    else if (arg === '--event-developers') a.eventDevelopers = num();
    else if (arg === '--developers') a.developers = num();
    else if (arg === '--days') a.days = num();
    else if (arg === '--seed') a.seed = num();
    else if (arg === '--runs') a.runs = num();
    else if (arg === '--concurrency') a.concurrency = num();
    else if (arg === '--only') a.only = next();
    else if (arg === '--json-out') a.jsonOut = next();
    else if (arg === '--keep') a.keep = true;
    else if (arg.startsWith('--server-arg=')) a.serverArgs.push(arg.slice('--server-arg='.length));
    else if (arg === '-h' || arg === '--help') {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${usage()}`);
  }
  if (a.build) {
    a.otelite ??= path.join(a.build, 'otelite');
    a.claudeDataset ??= path.join(a.build, 'bench', 'claude_dataset');
    a.deepDiveBench ??= path.join(a.build, 'bench', 'deep_dive_bench');
  }
  if (!a.otelite) throw new Error(`--build or --otelite is required\n${usage()}`);
  if (!/^(small|full|[1-9][0-9]*)$/.test(a.events)) throw new Error('--events: small, full or a count');
  a.only = a.only.split(',').filter(Boolean);
  for (const k of a.only) if (!DASHBOARDS[k]) throw new Error(`--only: unknown dashboard ${k}`);
  return a;
}

const log = (...m) => console.error('[dashboard_load]', ...m);

// ---------------------------------------------------------------------------------------------
// Child processes

function run(cmd, args, { stdoutFile, stderrFile } = {}) {
  return new Promise((resolve, reject) => {
    const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'inherit';
    const err = stderrFile ? fs.openSync(stderrFile, 'w') : 'inherit';
    const child = spawn(cmd, args, { stdio: ['ignore', out, err] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (typeof out === 'number') fs.closeSync(out);
      if (typeof err === 'number') fs.closeSync(err);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: exit ${code ?? signal}`));
    });
  });
}

function requireExecutable(p, what) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    throw new Error(`${what} not found or not executable: ${p}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Data preparation

// Sums the last value of every series of the given families (counters that start at 0, as
// claude_dataset --start-zeros writes them): what the anchored increase over the whole span must
// give. Series are contiguous in claude_dataset's output, but a map does not depend on it.
async function exactTotals(omFile, families) {
  const last = new Map(families.map((f) => [f, new Map()]));
  const rl = readline.createInterface({ input: fs.createReadStream(omFile), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.charCodeAt(0) === 35 /* # */) continue;
    const brace = line.indexOf('{');
    const name = line.slice(0, brace < 0 ? line.indexOf(' ') : brace);
    const series = last.get(name);
    if (!series) continue;
    const close = line.lastIndexOf('}');
    const rest = line.slice(close + 2).split(' ');
    series.set(line.slice(brace, close + 1), Number(rest[0]));
  }
  const out = {};
  for (const [f, series] of last) {
    let sum = 0;
    for (const v of series.values()) sum += v;
    out[f] = { series: series.size, total: sum };
  }
  return out;
}

// claude_dataset's stderr table: family, series, samples, 1-sample %, true total (2 decimals).
function printedTotals(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 5 && f[0].endsWith('_total') && /%$/.test(f[3])) out[f[0]] = Number(f[4]);
  }
  return out;
}

async function prepareMetrics(args, dataDir, work) {
  requireExecutable(args.claudeDataset, 'claude_dataset');
  const nowS = Math.floor(Date.now() / 1000);
  const startS = Math.floor(nowS / 3600) * 3600 - args.days * 86400;
  const om = path.join(work, 'claude.om');
  const genLog = path.join(work, 'claude_dataset.txt');
  log(`claude_dataset: ${args.developers} developers x ${args.days} days from ${new Date(startS * 1000).toISOString()}`);
  let t0 = performance.now();
  await run(args.claudeDataset, ['--developers', String(args.developers), '--days', String(args.days),
    '--seed', String(args.seed), '--start-zeros', '--start', String(startS), '--out', om], { stderrFile: genLog });
  const generateS = (performance.now() - t0) / 1000;
  const printed = printedTotals(fs.readFileSync(genLog, 'utf8'));
  const families = ['claude_code_cost_usage_USD_total', 'claude_code_session_count_total'];
  for (const f of families) if (!(f in printed)) throw new Error(`claude_dataset printed no total for ${f} (${genLog})`);
  log('summing the exact totals from the OpenMetrics file');
  const exact = await exactTotals(om, families);
  for (const f of families) {
    // The printed column has 2 decimals.
    if (Math.abs(exact[f].total - printed[f]) > 0.0051) {
      throw new Error(`${f}: the file sums to ${exact[f].total}, claude_dataset printed ${printed[f]}`);
    }
  }
  log('otelite import openmetrics');
  t0 = performance.now();
  await run(args.otelite, ['import', 'openmetrics', '--data', dataDir, om], { stdoutFile: path.join(work, 'import.txt') });
  const importS = (performance.now() - t0) / 1000;
  const omBytes = fs.statSync(om).size;
  fs.rmSync(om);
  return {
    developers: args.developers, days: args.days, seed: args.seed,
    start_ms: startS * 1000, end_ms: (startS + args.days * 86400) * 1000,
    openmetrics_bytes: omBytes, generate_s: generateS, import_s: importS,
    cost: { printed: printed[families[0]], exact: exact[families[0]].total, series: exact[families[0]].series },
    sessions: { printed: printed[families[1]], exact: exact[families[1]].total, series: exact[families[1]].series },
  };
}

async function prepareEvents(args, dataDir, work) {
  requireExecutable(args.deepDiveBench, 'deep_dive_bench');
  const out = path.join(dataDir, 'deep_dive_bench.json');
  const bench = ['--dir', path.join(dataDir, 'events'), '--keep', '--json-out', out, '--runs', '1',
    '--ranges', '31d,24h', '--only', 'p1,p3', '--no-seed-forms', '--seed', String(args.seed)];
  if (args.events === 'small') bench.push('--small');
  else bench.push('--events', args.events === 'full' ? '20000000' : args.events);
  if (args.events !== 'small' || args.eventDays !== 31) bench.push('--days', String(args.eventDays));
  if (args.eventDevelopers) bench.push('--developers', String(args.eventDevelopers));
  log(`deep_dive_bench ${bench.join(' ')}`);
  const t0 = performance.now();
  await run(args.deepDiveBench, bench, { stdoutFile: path.join(work, 'deep_dive_bench.md') });
  const seconds = (performance.now() - t0) / 1000;
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  if (r.failures?.length) throw new Error(`deep_dive_bench reported failures: ${JSON.stringify(r.failures)}`);
  const ms = (ns) => Number(BigInt(ns) / 1000000n);
  const checks = [];
  for (const view of r.views) {
    for (const q of view.queries) {
      const sample = q.result?.samples?.[0];
      if (!sample || q.partial) continue;
      checks.push({ panel: q.panel, title: q.title, from_ms: ms(view.start_ns), to_ms: ms(view.end_ns), value: sample.value });
    }
  }
  return {
    events: r.dataset.events, developers: r.dataset.developers, days: r.dataset.days, seed: r.dataset.seed,
    sessions: r.dataset.sessions, start_ms: ms(r.dataset.start_ns), end_ms: ms(r.dataset.end_ns),
    segment_bytes: r.ingest.segment_bytes, generate_s: seconds, checks,
  };
}

async function prepareData(args, dataDir) {
  const manifestPath = path.join(dataDir, MANIFEST);
  if (fs.existsSync(manifestPath)) {
    log(`reusing ${dataDir}`);
    return { manifest: JSON.parse(fs.readFileSync(manifestPath, 'utf8')), reused: true };
  }
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty and has no ${MANIFEST}: give an empty or new directory`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otelite-uibench-work-'));
  try {
    const manifest = { metrics: null, events: null };
    if (args.only.includes('overview')) manifest.metrics = await prepareMetrics(args, dataDir, work);
    if (args.only.includes('deep')) manifest.events = await prepareEvents(args, dataDir, work);
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    return { manifest, reused: false };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The server

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function procStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text) ?? [])[1] ?? NaN);
    return { hwm_bytes: kb('VmHWM') * 1024, rss_bytes: kb('VmRSS') * 1024 };
  } catch {
    return { hwm_bytes: NaN, rss_bytes: NaN };
  }
}

async function startServer(args, dataDir, logFile) {
  const port = await freePort();
  const serverArgs = ['serve', '--data', dataDir, '--otlp.grpc.port', '0', '--otlp.http.port', '0',
    '--exporter.port', '0', '--prometheus.port', '0', '--loki.port', '0', '--ui.port', String(port),
    '--metrics.retention', '100000h', '--logs.retention', '100000h', ...args.serverArgs];
  const err = fs.openSync(logFile, 'a');
  const child = spawn(args.otelite, serverArgs, { stdio: ['ignore', err, err] });
  fs.closeSync(err);
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
  const server = { child, port, agent, pid: child.pid };
  const t0 = performance.now();
  for (;;) {
    if (exited !== null) throw new Error(`otelite serve exited (${exited}) before it was ready; see ${logFile}`);
    try {
      const r = await request(server, 'GET', '/api/health');
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120000) throw new Error(`otelite serve not ready after 120 s; see ${logFile}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  server.ready_ms = performance.now() - t0;
  server.stop = () =>
    new Promise((resolve) => {
      agent.destroy();
      if (exited !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => exited === null && child.kill('SIGKILL'), 30000).unref();
    });
  return server;
}

function request(server, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: urlPath, agent: server.agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode, bytes: buf.length, text: buf.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function postJson(server, urlPath, body) {
  const t0 = performance.now();
  const r = await request(server, 'POST', urlPath, body);
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`POST ${urlPath} ${JSON.stringify(body)}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return { ms, bytes: r.bytes, json: JSON.parse(r.text) };
}

// ---------------------------------------------------------------------------------------------
// Loading a dashboard as the browser does

function panelsInLayout(panels) {
  const out = [];
  const walk = (list) => {
    for (const p of list ?? []) {
      if (p.type === 'row') walk(p.panels);
      else out.push(p);
    }
  };
  walk(panels);
  const pos = (p) => p.gridPos ?? { x: 0, y: 0, w: 24 };
  return out.sort((a, b) => pos(a).y - pos(b).y || pos(a).x - pos(b).x);
}

function variablePayload(dashboard) {
  const out = {};
  for (const v of dashboard.templating?.list ?? []) if (v.type !== 'adhoc') out[v.name] = ['$__all'];
  return out;
}

async function loadDashboard(server, uid, range, concurrency) {
  const t0 = performance.now();
  const d = await request(server, 'GET', `/api/dashboards/uid/${uid}`);
  if (d.status !== 200) throw new Error(`GET /api/dashboards/uid/${uid}: HTTP ${d.status}`);
  const dashboard = JSON.parse(d.text).dashboard;
  const tDashboard = performance.now() - t0;
  const variables = variablePayload(dashboard);
  const from = String(range.from_ms);
  const to = String(range.to_ms);
  let variableBytes = 0;
  const variableOptions = {};
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const r = await postJson(server, '/api/variables/options', { dashboardUid: uid, name: v.name, from, to, variables });
    variableBytes += r.bytes;
    variableOptions[v.name] = { options: r.json.options?.length ?? 0, ms: r.ms };
  }
  const tVariables = performance.now() - t0 - tDashboard;
  const panels = panelsInLayout(dashboard.panels);
  const results = new Array(panels.length);
  let nextIndex = 0;
  const tPanels0 = performance.now();
  const worker = async () => {
    while (nextIndex < panels.length) {
      const i = nextIndex++;
      const p = panels[i];
      const w = p.gridPos?.w ?? 24;
      const body = { dashboardUid: uid, panelId: p.id, from, to, timezone: 'UTC', variables,
        maxDataPoints: Math.round((800 * w) / 24) };
      const r = await postJson(server, '/api/panels/query', body);
      const errors = (r.json.queries ?? []).filter((q) => q.error).map((q) => `${q.refId}: ${q.error}`);
      const warnings = (r.json.queries ?? []).flatMap((q) => q.warnings ?? []);
      results[i] = { id: p.id, title: p.title, type: p.type, ms: r.ms, bytes: r.bytes,
        frames: r.json.frames?.length ?? 0, errors, warnings, response: r.json };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, panels.length) }, worker));
  const tPanels = performance.now() - tPanels0;
  return {
    total_ms: performance.now() - t0, dashboard_ms: tDashboard, variables_ms: tVariables, panels_ms: tPanels,
    dashboard_bytes: d.bytes, variable_bytes: variableBytes, variable_options: variableOptions,
    panel_bytes: results.reduce((s, r) => s + r.bytes, 0), panels: results,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function stripResponses(load) {
  return { ...load, panels: load.panels.map(({ response, ...p }) => p) };
}

async function runScenario(args, dataDir, logFile, sc) {
  const server = await startServer(args, dataDir, logFile);
  try {
    const readyStatus = procStatus(server.pid);
    log(`${sc.title} ${sc.range.name}: server ready in ${server.ready_ms.toFixed(0)} ms; cold load`);
    const cold = await loadDashboard(server, sc.uid, sc.range, args.concurrency);
    log(`  cold ${fmtMs(cold.total_ms)}`);
    const warm = [];
    for (let i = 0; i < args.runs; i++) {
      warm.push(await loadDashboard(server, sc.uid, sc.range, args.concurrency));
      log(`  warm ${i + 1}/${args.runs} ${fmtMs(warm[i].total_ms)}`);
    }
    const status = procStatus(server.pid);
    const problems = [];
    for (const load of [cold, ...warm]) {
      for (const p of load.panels) for (const e of p.errors) problems.push(`panel ${p.id} ${p.title}: ${e}`);
    }
    const warnings = [...new Set(cold.panels.flatMap((p) => p.warnings.map((w) => `panel ${p.id} ${p.title}: ${w}`)))];
    const warmPanels = cold.panels.map((p, i) => ({
      id: p.id, title: p.title, cold_ms: p.ms, warm_ms: median(warm.map((l) => l.panels[i].ms)), bytes: p.bytes,
      frames: p.frames,
    }));
    return {
      dashboard: sc.title, uid: sc.uid, range: sc.range.name, from_ms: sc.range.from_ms, to_ms: sc.range.to_ms,
      panels: cold.panels.length, server_ready_ms: server.ready_ms,
      cold_ms: cold.total_ms, warm_ms: median(warm.map((l) => l.total_ms)), warm_runs_ms: warm.map((l) => l.total_ms),
      cold_phases_ms: { dashboard: cold.dashboard_ms, variables: cold.variables_ms, panels: cold.panels_ms },
      warm_phases_ms: {
        dashboard: median(warm.map((l) => l.dashboard_ms)), variables: median(warm.map((l) => l.variables_ms)),
        panels: median(warm.map((l) => l.panels_ms)),
      },
      response_bytes: cold.dashboard_bytes + cold.variable_bytes + cold.panel_bytes, panel_bytes: cold.panel_bytes,
      variables: Object.fromEntries(Object.entries(cold.variable_options).map(([name, v]) => [name,
        { options: v.options, cold_ms: v.ms, warm_ms: median(warm.map((l) => l.variable_options[name].ms)) }])),
      rss_ready_bytes: readyStatus.rss_bytes, peak_rss_bytes: status.hwm_bytes, rss_end_bytes: status.rss_bytes,
      panel_times: warmPanels, errors: problems, warnings,
      cold_load: stripResponses(cold),
    };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Correctness

function singleValue(resp) {
  const frames = resp.frames ?? [];
  if (frames.length !== 1) return { error: `${frames.length} frames` };
  const values = frames[0].data?.values;
  const v = values?.[values.length - 1]?.[0];
  return typeof v === 'number' ? { value: v } : { error: `no number in ${JSON.stringify(values).slice(0, 100)}` };
}

async function verify(args, dataDir, logFile, manifest) {
  const checks = [];
  const server = await startServer(args, dataDir, logFile);
  try {
    const ask = async (uid, panelId, from_ms, to_ms) => {
      const r = await postJson(server, '/api/panels/query', { dashboardUid: uid, panelId, from: String(from_ms),
        to: String(to_ms), timezone: 'UTC', variables: { user: ['$__all'], model: ['$__all'], session: ['$__all'] },
        maxDataPoints: 133 });
      const errors = (r.json.queries ?? []).filter((q) => q.error).map((q) => q.error);
      return errors.length ? { error: errors.join('; ') } : singleValue(r.json);
    };
    const m = manifest.metrics;
    if (m && args.only.includes('overview')) {
      // The whole span, with an hour of margin each side.
      const from = m.start_ms - HOUR_MS;
      const to = m.end_ms + HOUR_MS;
      for (const [panel, title, want] of [[1, 'Total Cost', m.cost.exact], [2, 'Total Sessions', m.sessions.exact]]) {
        const got = await ask(DASHBOARDS.overview.uid, panel, from, to);
        const rel = got.error ? NaN : Math.abs(got.value - want) / Math.max(Math.abs(want), 1e-300);
        checks.push({ dashboard: 'Overview', panel, title, range: 'whole span', want, got: got.value ?? null,
          error: got.error ?? null, relative_error: rel, ok: !got.error && rel <= 1e-9 });
      }
    }
    const e = manifest.events;
    if (e && args.only.includes('deep')) {
      for (const c of e.checks) {
        const got = await ask(DASHBOARDS.deep.uid, c.panel, c.from_ms, c.to_ms);
        const span = (c.to_ms - c.from_ms) / DAY_MS;
        checks.push({ dashboard: 'Deep Dive', panel: c.panel, title: c.title,
          range: span === 1 ? '24 h' : `${span} d`, want: c.value, got: got.value ?? null, error: got.error ?? null,
          relative_error: got.error ? NaN : Math.abs(got.value - c.value) / Math.max(c.value, 1),
          ok: !got.error && got.value === c.value });
      }
    }
  } finally {
    await server.stop();
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const fmtBytes = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);

function report(result) {
  const lines = [];
  const { metrics, events } = result.data;
  lines.push('## Dashboards through the UI API (bench/ui/dashboard_load.mjs)', '');
  if (metrics) {
    lines.push(`Metrics: ${metrics.developers} developers x ${metrics.days} days (seed ${metrics.seed}), ` +
      `${new Date(metrics.start_ms).toISOString()} .. ${new Date(metrics.end_ms).toISOString()}.`);
  }
  if (events) {
    lines.push(`Events: ${events.events} (${events.developers} developers, ${events.days} days, seed ${events.seed}), ` +
      `${new Date(events.start_ms).toISOString()} .. ${new Date(events.end_ms).toISOString()}.`);
  }
  lines.push(`${result.concurrency} concurrent requests; warm = median of ${result.runs} loads after the cold one; ` +
    `load average before: ${result.loadavg_before.map((x) => x.toFixed(2)).join(' ')}, ` +
    `after: ${result.loadavg_after.map((x) => x.toFixed(2)).join(' ')}.`, '');
  lines.push('| dashboard | range | panels | cold | warm | of which variables (cold / warm) | response bytes | peak RSS | slowest panels, cold (warm) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const s of result.scenarios) {
    const slow = [...s.panel_times].sort((a, b) => b.cold_ms - a.cold_ms).slice(0, 3)
      .map((p) => `${p.title} ${fmtMs(p.cold_ms)} (${fmtMs(p.warm_ms)})`).join('; ');
    lines.push(`| ${s.dashboard} | ${s.range} | ${s.panels} | ${fmtMs(s.cold_ms)} | ${fmtMs(s.warm_ms)} | ` +
      `${fmtMs(s.cold_phases_ms.variables)} / ${fmtMs(s.warm_phases_ms.variables)} | ${fmtBytes(s.response_bytes)} | ` +
      `${(s.peak_rss_bytes / 1e6).toFixed(0)} MB | ${slow} |`);
  }
  lines.push('');
  for (const s of result.scenarios) {
    const vars = Object.entries(s.variables).map(([n, v]) => `${n} ${fmtMs(v.cold_ms)} / ${fmtMs(v.warm_ms)} (${v.options} options)`);
    lines.push(`- ${s.dashboard} ${s.range}: server ready in ${fmtMs(s.server_ready_ms)}; variables cold / warm: ${vars.join(', ')}`);
  }
  for (const s of result.scenarios) {
    if (s.warnings.length) lines.push('', `${s.dashboard} ${s.range} warnings:`, ...s.warnings.map((w) => `- ${w}`));
    if (s.errors.length) lines.push('', `${s.dashboard} ${s.range} ERRORS:`, ...s.errors.map((w) => `- ${w}`));
  }
  lines.push('', '| check | range | expected | got | |', '|---|---|---:|---:|---|');
  for (const c of result.checks) {
    lines.push(`| ${c.dashboard}: ${c.title} | ${c.range} | ${c.want} | ${c.got ?? c.error} | ${c.ok ? 'equal' : 'WRONG'} |`);
  }
  lines.push('', result.ok ? 'All checks passed.' : 'FAILED: see above.');
  return lines.join('\n');
}

async function main() {
  const args = parseArgs(process.argv);
  requireExecutable(args.otelite, 'otelite');
  const dataDir = args.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'otelite-uibench-'));
  const temporary = !args.data && !args.keep;
  const logFile = path.join(dataDir, 'uibench-server.log');
  try {
    const { manifest, reused } = await prepareData(args, dataDir);
    const scenarios = [];
    if (args.only.includes('overview')) {
      if (!manifest.metrics) throw new Error(`${dataDir} has no metrics (prepared with --only deep)`);
      const end = manifest.metrics.end_ms;
      for (const [name, ms] of [['24 h', DAY_MS], ['7 d', 7 * DAY_MS]]) {
        scenarios.push({ ...DASHBOARDS.overview, range: { name, from_ms: end - ms, to_ms: end } });
      }
    }
    if (args.only.includes('deep')) {
      if (!manifest.events) throw new Error(`${dataDir} has no events (prepared with --only overview)`);
      const { start_ms, end_ms } = manifest.events;
      const spanDays = Math.floor((end_ms - start_ms) / DAY_MS);
      const ranges = [['24 h', DAY_MS]];
      if (spanDays >= 2) ranges.push([`${Math.min(spanDays, 31)} d`, Math.min(spanDays, 31) * DAY_MS]);
      for (const [name, ms] of ranges) {
        scenarios.push({ ...DASHBOARDS.deep, range: { name, from_ms: end_ms - ms, to_ms: end_ms } });
      }
    }
    const loadavgBefore = os.loadavg();
    const results = [];
    for (const sc of scenarios) results.push(await runScenario(args, dataDir, logFile, sc));
    const loadavgAfter = os.loadavg();
    log('checking results');
    const checks = await verify(args, dataDir, logFile, manifest);
    const ok = checks.length > 0 && checks.every((c) => c.ok) && results.every((s) => s.errors.length === 0);
    const result = {
      date: new Date().toISOString(), host: os.hostname(), cpus: os.cpus().length, node: process.version,
      otelite: path.resolve(args.otelite), data_dir: temporary ? null : path.resolve(dataDir), data_reused: reused,
      data: manifest, runs: args.runs, concurrency: args.concurrency, loadavg_before: loadavgBefore,
      loadavg_after: loadavgAfter, scenarios: results, checks, ok,
    };
    console.log(report(result));
    if (args.jsonOut) fs.writeFileSync(args.jsonOut, JSON.stringify(result, null, 2) + '\n');
    if (!ok) process.exitCode = 1;
  } finally {
    if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
    else log(`data kept in ${dataDir}`);
  }
}

main().catch((e) => {
  console.error(`dashboard_load: ${e.message}`);
  process.exit(1);
});
