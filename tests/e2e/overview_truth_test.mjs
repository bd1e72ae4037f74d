#!/usr/bin/env node
// "Numbers must be true": the Overview dashboard's six totals against what Claude Code itself
// reported, with the real CLI.
//
//   node overview_truth_test.mjs --otelite BIN [--keep] [--dashboards DIR]
//
// (--dashboards is passed to `otelite serve`: a dashboard there with the Overview's or the Deep
// Dive's uid replaces the builtin one, e.g. to see how another version of the queries fares.)
//
// 1. starts `otelite serve` with every listener on a free port (OTLP gRPC and HTTP, exporter,
//    Prometheus API, Loki API, UI) and a temporary data directory, and the mock Anthropic API
//    (mock_anthropic.mjs);
// 2. runs the real CLI (`-p`, `--output-format json`) in several separate sessions, each in its
//    own working directory, with a different wording of the scripted prompt and a different model
//    (so that the costs differ), exporting metrics and events over OTLP/gRPC every second;
// 3. takes the expected numbers from the CLI's JSON results (total_cost_usd, session_id,
//    num_turns, usage) and from the mock (every API request and the usage it handed out);
// 4. once otelite has the data, asks POST /api/panels/query (the UI's own data path) for the
//    Overview's six stat panels and the Deep Dive's Total Prompts / Total API Requests (panels
//    found by title in GET /api/dashboards/uid/…) over a range covering the runs, and checks
//    them; prints a table of expected vs shown. Git Commits and Pull Requests: the scripted
//    conversation makes none, Claude Code then never sends those counters, and the panels must
//    show "No data" (what they return: no frames) or 0. The same panels over a range starting in
//    a pause left after the first run must show the later runs only;
// 5. runs the seed dashboards' queries (`sum(increase(x[<range>s]))`, `count_over_time(…)`)
//    through the Prometheus and Loki APIs over the same range and prints them next to the
//    others, to document the seed's error (not asserted).
//
// Exit status: 0 pass, 1 fail, 77 skip (only when node_modules/@anthropic-ai is missing).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Checks, claudeVersion, requireClaudeAndOtelite, finish, stopServer, describeExit, fetchText, freePorts, log, makeTempDir, parseArgs,
  parsePromText, relClose, sleep, startProcess, stopProcess, tailText, waitFor,
} from './lib.mjs';
import { FINAL_TEXT, PROMPT, startMockAnthropic, usageTotals } from './mock_anthropic.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OVERVIEW_UID = 'claude-code-personal';
const DEEP_UID = 'claude-code-deep';
const COST_REL_TOLERANCE = 1e-3; // 0.1 %, as the UI issue asks

// The sessions: the mock keys its script on PROMPT being contained in the first user message,
// so the wording around it can vary; the model decides the price the CLI computes the cost with
// (null: the CLI's default model).
const RUNS = [
  { prompt: PROMPT, model: 'claude-sonnet-4-5-20250929' },
  { prompt: `Please do this for me: ${PROMPT}`, model: 'claude-haiku-4-5-20251001' },
  { prompt: `${PROMPT} Keep it short.`, model: null },
];
// Every run writes hello.txt with "hi\n", which Claude Code (2.1.331, the version in
// package-lock.json) counts as 2 lines added: captured from its OTLP export, the Write sends
// claude_code.lines_of_code.count {type="added"} 2 and {type="removed"} 0.
const LINES_ADDED_PER_RUN = 2;

// The Overview's six stat panels and the Deep Dive's two, by title, with the metric (or event)
// the seed dashboards count for the same number.
const OVERVIEW_PANELS = [
  { title: 'Total Cost', metric: 'claude_code_cost_usage_USD_total' },
  { title: 'Total Sessions', metric: 'claude_code_session_count_total' },
  { title: 'Total Tokens', metric: 'claude_code_token_usage_tokens_total' },
  { title: 'Lines of Code', metric: 'claude_code_lines_of_code_count_total' },
  { title: 'Git Commits', metric: 'claude_code_commit_count_total' },
  { title: 'Pull Requests', metric: 'claude_code_pull_request_count_total' },
];
const DEEP_PANELS = [
  { title: 'Total Prompts', event: 'user_prompt' },
  { title: 'Total API Requests', event: 'api_request' },
];


async function getJson(url, init = {}) {
  const r = await fetchText(url, init, 30000);
  if (r.status !== 200) throw new Error(`${init.method || 'GET'} ${url} answered ${r.status}: ${r.body.slice(0, 300)}`);
  try {
    return JSON.parse(r.body);
  } catch (e) {
    throw new Error(`${url} did not answer JSON (${e.message}): ${r.body.slice(0, 300)}`);
  }
}

function allPanels(dashboard) {
  const out = [];
  const walk = (ps) => { for (const p of ps || []) { out.push(p); walk(p.panels); } };
  walk(dashboard.panels);
  return out;
}

// What a stat panel shows, read from /api/panels/query frames: for every number field of every
// frame its last non-null value (the panels' reduceOptions are calcs ["lastNotNull"], values
// false), with the field's labels. An empty list is Grafana's "No data".
function statValues(resp) {
  const out = [];
  for (const f of resp.frames || []) {
    const fields = f.schema?.fields || [];
    fields.forEach((field, i) => {
      if (field.type !== 'number') return;
      const col = f.data?.values?.[i] || [];
      let v = null;
      for (let k = col.length - 1; k >= 0; k--) if (col[k] !== null && col[k] !== undefined) { v = col[k]; break; }
      if (v !== null) out.push({ labels: field.labels || {}, value: Number(v) });
    });
  }
  return out;
}

const total = (vals) => vals.reduce((a, v) => a + v.value, 0);
const shown = (vals) => (vals.length === 0 ? 'No data' :
  vals.map((v) => (Object.keys(v.labels).length ? `${Object.values(v.labels).join(',')}=` : '') + fmtNum(v.value)).join(' '));

function fmtNum(v) {
  if (v === null || v === undefined) return '-';
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) ? String(v) : v.toPrecision(8).replace(/0+$/, '').replace(/\.$/, '');
}

function table(rows, header) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), { otelite: '', keep: false, dashboards: '' });
  } catch (e) {
    console.error(`usage: overview_truth_test.mjs --otelite BIN [--keep] [--dashboards DIR]\n${e.message}`);
    return 2;
  }
  if (!opts.otelite) { console.error('--otelite BIN is required'); return 2; }

  const found = requireClaudeAndOtelite(HERE, opts.otelite);
  if (!found.bin) return found.exit;

  const started = Date.now();
  log(`Claude Code ${claudeVersion(HERE)} (${found.bin}), ${RUNS.length} sessions over OTLP/gRPC`);
  const tmp = makeTempDir('otelite-e2e-truth-');
  const dirs = { data: path.join(tmp, 'data'), home: path.join(tmp, 'home') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const [grpcPort, httpPort, exporterPort, promPort, lokiPort, uiPort] = await freePorts(6);
  const checks = new Checks();
  let server, mock;
  const clis = [];
  let failed = null;

  const diagnostics = () => {
    if (server) log(`otelite serve (${describeExit(server.exited)}), last output:\n${tailText(server.stderr + server.stdout)}`);
    if (mock) log(`requests the CLI made to the mock:\n${mock.requests.map((r) => `  ${r.method} ${r.path}${r.step ? ` -> ${r.step}` : ''}${r.model ? ` (${r.model})` : ''}${r.error ? ` ERROR ${r.error}` : ''}`).join('\n')}`);
    for (const [i, cli] of clis.entries()) log(`claude run ${i + 1} (${describeExit(cli.exited)}) stderr:\n${tailText(cli.stderr)}`);
    log(`temporary files kept in ${tmp}`);
  };

  try {
    // ---- otelite serve -----------------------------------------------------------------
    const serveArgs = ['serve', '--listen', '127.0.0.1', '--otlp.grpc.port', String(grpcPort),
      '--otlp.http.port', String(httpPort), '--exporter.port', String(exporterPort),
      '--prometheus.port', String(promPort), '--loki.port', String(lokiPort),
      '--ui.port', String(uiPort), '--data', dirs.data, ...(opts.dashboards ? ['--dashboards', opts.dashboards] : [])];
    log(`starting: ${opts.otelite} ${serveArgs.join(' ')}`);
    server = startProcess('otelite serve', opts.otelite, serveArgs, { logFile: path.join(tmp, 'otelite.log') });
    const serverAlive = () => { if (server.exited) throw new Error(`otelite serve exited early (${describeExit(server.exited)})`); };
    const metricsUrl = `http://127.0.0.1:${exporterPort}/metrics`;
    const promUrl = `http://127.0.0.1:${promPort}`;
    const lokiUrl = `http://127.0.0.1:${lokiPort}`;
    const uiUrl = `http://127.0.0.1:${uiPort}`;
    await waitFor('GET /metrics and the UI\'s /api/health to answer 200', async () =>
      (await fetchText(metricsUrl)).status === 200 && (await fetchText(`${uiUrl}/api/health`)).status === 200,
    { timeoutMs: 30000, alive: serverAlive });
    log(`otelite is up: OTLP gRPC :${grpcPort}, exporter :${exporterPort}, Prometheus :${promPort}, Loki :${lokiPort}, UI :${uiPort}`);

    // ---- the dashboards' panels, by title ----------------------------------------------
    const overview = (await getJson(`${uiUrl}/api/dashboards/uid/${OVERVIEW_UID}`)).dashboard;
    const deep = (await getJson(`${uiUrl}/api/dashboards/uid/${DEEP_UID}`)).dashboard;
    const byTitle = (dash, title) => {
      const hits = allPanels(dash).filter((p) => p.title === title);
      if (hits.length !== 1) throw new Error(`dashboard ${dash.uid} has ${hits.length} panels titled "${title}"`);
      return hits[0];
    };
    for (const p of OVERVIEW_PANELS) p.id = byTitle(overview, p.title).id;
    for (const p of DEEP_PANELS) p.id = byTitle(deep, p.title).id;
    log(`panels: ${OVERVIEW_PANELS.map((p) => `${p.title}=${p.id}`).join(', ')}; ${DEEP_PANELS.map((p) => `${p.title}=${p.id}`).join(', ')}`);

    // ---- the CLI runs ------------------------------------------------------------------
    mock = await startMockAnthropic({});
    const baseEnv = {
      PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin',
      HOME: dirs.home,
      TMPDIR: tmp,
      SHELL: '/bin/bash',
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      ANTHROPIC_BASE_URL: mock.url,
      ANTHROPIC_API_KEY: 'sk-ant-otelite-e2e-mock',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${grpcPort}`,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOGS_EXPORT_INTERVAL: '500',
      OTEL_METRICS_INCLUDE_SESSION_ID: 'true',
      // Without this the CLI also talks to api.anthropic.com directly (see claude_code_test.mjs).
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const firstRunStart = Date.now();
    const results = [];
    // A pause after the first run leaves a gap in the data: a second, narrower range starting in
    // the gap must show the later runs only (the range arithmetic, not just "everything").
    const GAP_MS = 4000;
    let gapMiddle = 0;
    for (const [i, run] of RUNS.entries()) {
      if (i === 1) {
        gapMiddle = Date.now() + GAP_MS / 2;
        await sleep(GAP_MS);
      }
      const work = path.join(tmp, `work${i + 1}`);
      fs.mkdirSync(work);
      const servedBefore = mock.served.length;
      const cliArgs = ['-p', run.prompt, ...(run.model ? ['--model', run.model] : []),
        '--allowedTools', 'Write', 'Bash(echo:*)', '--output-format', 'json'];
      log(`run ${i + 1}: claude -p ${JSON.stringify(run.prompt)}${run.model ? ` --model ${run.model}` : ''}`);
      const t0 = Date.now();
      const cli = startProcess(`claude ${i + 1}`, found.bin, cliArgs, { env: baseEnv, cwd: work, logFile: path.join(tmp, `claude${i + 1}.log`), keep: 1 << 20 });
      clis.push(cli);
      const timer = setTimeout(() => { log('claude did not finish within 120 s, killing it'); cli.child.kill('SIGKILL'); }, 120000);
      const st = await cli.exitPromise;
      clearTimeout(timer);
      const served = mock.served.slice(servedBefore);
      log(`run ${i + 1} finished in ${Date.now() - t0} ms (${describeExit(st)}); mock served ${served.map((s) => `${s.step}(${s.model})`).join(', ')}`);
      if (st.code !== 0) throw new Error(`claude run ${i + 1} exited with ${describeExit(st)}; stdout: ${cli.stdout.slice(0, 2000)}`);
      let result;
      try {
        result = JSON.parse(cli.stdout.trim().split('\n').filter(Boolean).at(-1));
      } catch (e) {
        throw new Error(`claude's output is not JSON (${e.message}): ${cli.stdout.slice(0, 2000)}`);
      }
      const u = result.usage || {};
      const mainSteps = served.filter((s) => s.step !== 'side').map((s) => s.step).join(',');
      checks.ok(result.is_error === false && result.result === FINAL_TEXT && mainSteps === 'write,bash,final',
        `run ${i + 1} went as scripted`, `is_error=${result.is_error}, steps ${mainSteps}`);
      const hello = path.join(work, 'hello.txt');
      checks.equal(fs.existsSync(hello) ? fs.readFileSync(hello, 'utf8') : null, 'hi\n', `run ${i + 1} wrote hello.txt`);
      checks.ok(typeof result.total_cost_usd === 'number' && result.total_cost_usd > 0, `run ${i + 1} reported a non-zero total_cost_usd`, String(result.total_cost_usd));
      const mu = usageTotals(served);
      const cliTokens = (u.input_tokens ?? NaN) + (u.output_tokens ?? NaN) + (u.cache_read_input_tokens ?? NaN) + (u.cache_creation_input_tokens ?? NaN);
      const mockTokens = mu.input + mu.output + mu.cacheRead + mu.cacheCreation;
      checks.equal(cliTokens, mockTokens, `run ${i + 1}: CLI usage (input+output+cache read+cache creation) = usage the mock handed out`);
      // num_turns counts the model calls of the conversation (side requests are not turns).
      const mainRequests = served.filter((s) => s.step !== 'side').length;
      checks.equal(result.num_turns, mainRequests, `run ${i + 1}: CLI num_turns = scripted requests the mock served`);
      results.push({
        run: i + 1, model: [...new Set(served.map((s) => s.model))].join(','), sessionId: result.session_id, cost: result.total_cost_usd,
        numTurns: result.num_turns, usage: u, cliTokens, mockTokens,
        apiRequests: served.length, mainRequests,
      });
    }
    const lastRunEnd = Date.now();
    if (checks.failures.length) throw new Error('the CLI runs did not go as scripted; otelite was not checked');
    log(`\n${table(results.map((r) => [r.run, r.model, r.sessionId, fmtNum(r.cost), r.numTurns, r.usage.input_tokens, r.usage.output_tokens,
      r.usage.cache_read_input_tokens, r.usage.cache_creation_input_tokens, r.apiRequests]),
    ['run', 'model', 'session_id', 'total_cost_usd', 'num_turns', 'input', 'output', 'cache_read', 'cache_creation', 'API requests'])}`);

    // ---- what is expected ----------------------------------------------------------------
    const sessionIds = results.map((r) => r.sessionId);
    checks.equal(new Set(sessionIds).size, RUNS.length, 'every run is a separate session (distinct session_id)');
    const expected = {
      cost: results.reduce((a, r) => a + r.cost, 0),
      sessions: RUNS.length,
      tokens: results.reduce((a, r) => a + r.cliTokens, 0),
      prompts: RUNS.length, // one -p prompt per run
      apiRequests: mock.served.length, // = Σ num_turns + side requests (title etc.), if any
    };
    const turns = results.reduce((a, r) => a + r.numTurns, 0);
    log(`CLI totals: total_cost_usd ${fmtNum(expected.cost)}, ${expected.sessions} sessions, ${expected.tokens} tokens, ` +
      `num_turns ${turns}; the mock served ${expected.apiRequests} API requests (${results.reduce((a, r) => a + r.mainRequests, 0)} in the scripted conversations)`);

    // ---- wait for the telemetry --------------------------------------------------------
    let exposition = { samples: [], types: {} };
    const expSum = (name, pred = () => true) => exposition.samples.filter((s) => s.name === name && pred(s)).reduce((a, s) => a + s.value, 0);
    const lokiCount = async (event) => {
      const q = `sum(count_over_time({service_name="claude-code"} | event_name="${event}" [1h]))`;
      const r = await getJson(`${lokiUrl}/loki/api/v1/query?query=${encodeURIComponent(q)}&time=${Date.now() * 1e6}`);
      return (r.data?.result || []).reduce((a, s) => a + Number(s.value[1]), 0);
    };
    log('waiting for every session\'s cost on /metrics and every api_request and user_prompt event in the event store');
    try {
      await waitFor('the sessions\' cost on /metrics and their events', async () => {
        const r = await fetchText(metricsUrl, { headers: { accept: 'text/plain; version=0.0.4' } });
        if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}`);
        exposition = parsePromText(r.body);
        const costOk = results.every((res) => relClose(expSum('claude_code_cost_usage_USD_total', (s) => s.labels.session_id === res.sessionId), res.cost));
        return costOk && (await lokiCount('api_request')) >= expected.apiRequests && (await lokiCount('user_prompt')) >= expected.prompts;
      }, { timeoutMs: 30000, intervalMs: 500, alive: serverAlive });
      log(`telemetry arrived ${Date.now() - lastRunEnd} ms after the last run ended`);
    } catch (e) {
      log(`WARNING: ${e.message}; checking what arrived`);
    }

    // What /metrics says Claude Code sent for the productivity counters (cumulative totals).
    const sent = {
      linesAdded: expSum('claude_code_lines_of_code_count_total', (s) => s.labels.type === 'added'),
      linesRemoved: expSum('claude_code_lines_of_code_count_total', (s) => s.labels.type === 'removed'),
      commits: expSum('claude_code_commit_count_total'),
      pullRequests: expSum('claude_code_pull_request_count_total'),
    };
    log(`/metrics: lines_of_code added ${sent.linesAdded}, removed ${sent.linesRemoved}; commit_count ${sent.commits}; pull_request_count ${sent.pullRequests}` +
      ` (series present: commit ${exposition.samples.some((s) => s.name === 'claude_code_commit_count_total')}, ` +
      `pull_request ${exposition.samples.some((s) => s.name === 'claude_code_pull_request_count_total')})`);
    checks.equal(sent.linesAdded, RUNS.length * LINES_ADDED_PER_RUN, 'claude_code_lines_of_code_count_total{type="added"} on /metrics = 2 lines per hello.txt (as Claude Code counts "hi\\n")');

    // ---- the panels ----------------------------------------------------------------------
    // Range: a minute before the first run to now (Unix ms, as the UI's URL carries them).
    const from = firstRunStart - 60000;
    let to = Date.now();
    const panel = async (uid, id, f, t) => getJson(`${uiUrl}/api/panels/query`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dashboardUid: uid, panelId: id, from: String(f), to: String(t) }),
    });
    const readPanels = async (f = from) => {
      to = Date.now();
      const out = {};
      for (const p of [...OVERVIEW_PANELS.map((x) => ({ ...x, uid: OVERVIEW_UID })), ...DEEP_PANELS.map((x) => ({ ...x, uid: DEEP_UID }))]) {
        const resp = await panel(p.uid, p.id, f, to);
        const errors = (resp.queries || []).filter((q) => q.error).map((q) => `${q.refId}: ${q.error}`);
        out[p.title] = { resp, values: statValues(resp), errors, expr: (resp.queries || []).map((q) => q.expr) };
      }
      return out;
    };
    const isNoDataOrZero = (vals) => vals.length === 0 || vals.every((v) => v.value === 0);
    const matches = (got) =>
      relClose(total(got['Total Cost'].values), expected.cost, COST_REL_TOLERANCE) &&
      total(got['Total Sessions'].values) === expected.sessions &&
      total(got['Total Tokens'].values) === expected.tokens &&
      total(got['Total Prompts'].values) === expected.prompts &&
      total(got['Total API Requests'].values) === expected.apiRequests;
    let got = await readPanels();
    // The exporter and the query engines are fed by the same ingest; allow a few seconds of
    // lag before calling a difference wrong (a wrong number stays wrong).
    for (let attempt = 0; !matches(got) && attempt < 10; attempt++) {
      await sleep(1000);
      got = await readPanels();
    }
    // The seed's queries use the same $__range as the panels did (Grafana: whole seconds).
    const rangeMatch = /offset (\d+)s\)/.exec(got['Total Cost'].expr[0] || '');
    const rangeS = rangeMatch ? Number(rangeMatch[1]) : Math.round((to - from) / 1000);
    log(`panels asked over from=${from} to=${to} ($__range ${rangeS}s)`);
    for (const [title, g] of Object.entries(got)) {
      checks.ok(g.errors.length === 0, `panel "${title}" queries ran without error`, g.errors.join('; '));
    }

    // ---- the seed dashboards' queries over the same range ---------------------------------
    const seed = {};
    for (const p of OVERVIEW_PANELS) {
      const q = `sum(increase(${p.metric}[${rangeS}s]))`;
      const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}&time=${to / 1000}`);
      const res = r.data?.result || [];
      seed[p.title] = res.length ? Number(res[0].value[1]) : null;
    }
    for (const p of DEEP_PANELS) {
      const q = `count_over_time({service_name="claude-code"} | event_name="${p.event}" [${rangeS}s])`;
      const r = await getJson(`${lokiUrl}/loki/api/v1/query?query=${encodeURIComponent(q)}&time=${to * 1e6}`);
      const res = r.data?.result || [];
      // The seed's stat shows one value per stream; the sum is what a reader adds up.
      seed[p.title] = res.length ? res.reduce((a, s) => a + Number(s.value[1]), 0) : null;
    }

    // ---- checks and the table ------------------------------------------------------------
    log('-- Overview and Deep Dive totals');
    const rows = [];
    const row = (title, expectedText, source) => rows.push([title, expectedText, source, shown(got[title].values), fmtNum(seed[title])]);
    const cost = total(got['Total Cost'].values);
    checks.close(cost, expected.cost, 'Total Cost = sum of the CLI\'s total_cost_usd', COST_REL_TOLERANCE);
    row('Total Cost', fmtNum(expected.cost), 'Σ total_cost_usd (CLI)');
    checks.equal(total(got['Total Sessions'].values), expected.sessions, 'Total Sessions = number of CLI sessions');
    row('Total Sessions', expected.sessions, 'runs (distinct session_id)');
    checks.equal(total(got['Total Tokens'].values), expected.tokens, 'Total Tokens = Σ CLI usage (input+output+cache read+cache creation)');
    row('Total Tokens', expected.tokens, 'Σ CLI usage = Σ mock usage');
    const loc = got['Lines of Code'].values;
    const locBy = (type) => loc.filter((v) => v.labels.type === type);
    checks.equal(total(locBy('added')), sent.linesAdded, 'Lines of Code {type="added"} = what /metrics says was sent');
    if (sent.linesRemoved > 0) checks.equal(total(locBy('removed')), sent.linesRemoved, 'Lines of Code {type="removed"} = what /metrics says was sent');
    else checks.ok(isNoDataOrZero(locBy('removed')), 'Lines of Code has no non-zero "removed" value (none was sent)', shown(loc));
    checks.ok(loc.every((v) => v.labels.type === 'added' || v.labels.type === 'removed'), 'Lines of Code values are per type (added, removed)', shown(loc));
    row('Lines of Code', `added=${sent.linesAdded}${sent.linesRemoved ? ` removed=${sent.linesRemoved}` : ''}`, '/metrics (hello.txt: 2 lines × runs)');
    for (const [title, n] of [['Git Commits', sent.commits], ['Pull Requests', sent.pullRequests]]) {
      const vals = got[title].values;
      // Claude Code sends these counters only once a commit / PR happened; the scripted
      // conversation makes none, so the series do not exist and the panel shows "No data"
      // (Grafana's stat shows the same). A value, if any, must be the one sent.
      if (n === 0) checks.ok(isNoDataOrZero(vals), `${title}: nothing sent, the panel shows No data or 0`, shown(vals));
      else checks.equal(total(vals), n, `${title} = what /metrics says was sent`);
      row(title, n, n === 0 && !exposition.samples.some((s) => s.name === OVERVIEW_PANELS.find((p) => p.title === title).metric) ? 'never sent (no series)' : '/metrics');
    }
    checks.equal(total(got['Total Prompts'].values), expected.prompts, 'Deep Dive Total Prompts = number of -p prompts');
    row('Total Prompts', expected.prompts, 'runs (one -p prompt each)');
    checks.equal(total(got['Total API Requests'].values), expected.apiRequests, 'Deep Dive Total API Requests = API requests the mock served');
    row('Total API Requests', expected.apiRequests, `mock requests (Σ num_turns ${turns} + ${expected.apiRequests - results.reduce((a, r) => a + r.mainRequests, 0)} side)`);
    log(`expected vs shown (range ${rangeS} s; "seed" = the seed dashboard's query, not asserted):\n` +
      table(rows, ['panel', 'expected', 'from', 'otelite shows', 'seed query']));
    if (checks.failures.length) {
      for (const [title, g] of Object.entries(got)) log(`${title}: ${g.expr.join(' | ')}\n  frames: ${JSON.stringify(g.resp.frames).slice(0, 800)}`);
    }

    // ---- a range that starts in the gap after the first run: the later runs only ----------
    log(`-- range from the gap after run 1 (from=${gapMiddle}) to now: runs 2..${RUNS.length} only`);
    const later = results.slice(1);
    const part = await readPanels(gapMiddle);
    const partExpected = {
      'Total Cost': later.reduce((a, r) => a + r.cost, 0),
      'Total Sessions': later.length,
      'Total Tokens': later.reduce((a, r) => a + r.cliTokens, 0),
      'Total Prompts': later.length,
      'Total API Requests': later.reduce((a, r) => a + r.apiRequests, 0),
    };
    checks.close(total(part['Total Cost'].values), partExpected['Total Cost'], 'later runs: Total Cost = their total_cost_usd', COST_REL_TOLERANCE);
    for (const title of ['Total Sessions', 'Total Tokens', 'Total Prompts', 'Total API Requests']) {
      checks.equal(total(part[title].values), partExpected[title], `later runs: ${title}`);
    }
    checks.equal(total(part['Lines of Code'].values.filter((v) => v.labels.type === 'added')), later.length * LINES_ADDED_PER_RUN, 'later runs: Lines of Code {type="added"}');
    for (const title of ['Git Commits', 'Pull Requests']) checks.ok(isNoDataOrZero(part[title].values), `later runs: ${title} shows No data or 0`, shown(part[title].values));
  } catch (e) {
    failed = e.message;
    log(`FAIL  ${e.message}`);
  } finally {
    if (mock) await mock.close();
    await stopServer(server);
  }

  const ok = finish({ failed, checks, diagnostics, keep: opts.keep, tmp });
  log(`${ok ? 'PASS' : 'FAIL'}: Overview totals against ${RUNS.length} Claude Code sessions, ${checks.count} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
