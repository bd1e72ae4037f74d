#!/usr/bin/env node
// End-to-end test with Debian's Prometheus as a scraper of otelite's Prometheus exporter:
//
//   node prometheus_scrape_test.mjs --otelite BIN --prometheus /usr/bin/prometheus --fixtures DIR [--keep]
//
// 1. starts `otelite serve` on free ports with a temporary data directory;
// 2. POSTs every `*metrics*.json` capture in DIR (real Claude Code OTLP/JSON payloads) to
//    otelite's /v1/metrics, with timestamps moved to the last minute (the captures are older
//    than Prometheus's head would accept, and otelite may expire old series), then a second
//    export of the same delta points continuing the first one (start = the first one's time,
//    as the OpenTelemetry SDK does), so that otelite has to accumulate deltas;
// 3. starts Prometheus with a temporary config scraping otelite's exporter every second
//    (honor_labels: true, so the exported job="claude-code" stays);
// 4. queries Prometheus's HTTP API and checks that every series otelite received is there
//    with the sum of its deltas and the expected names and labels, and nothing else.
//
// Exit status: 0 pass, 1 fail, 77 skip (DIR does not exist: ../shared not present).

import fs from 'node:fs';
import path from 'node:path';
import {
  Checks, EXIT_SKIP, describeExit, fetchText, formatLabels, freePorts, log, makeTempDir,
  parseArgs, startProcess, stopProcess, tailText, waitFor,
} from './lib.mjs';

// What otelcol-contrib's prometheus exporter calls Claude Code's metrics (DESIGN.md §3).
// Written out rather than derived, so the test does not share a naming bug with otelite.
const KNOWN_NAMES = {
  'claude_code.cost.usage': 'claude_code_cost_usage_USD_total',
  'claude_code.token.usage': 'claude_code_token_usage_tokens_total',
  'claude_code.session.count': 'claude_code_session_count_total',
  'claude_code.lines_of_code.count': 'claude_code_lines_of_code_count_total',
  'claude_code.active_time.total': 'claude_code_active_time_total_s_total',
  'claude_code.code_edit_tool.decision': 'claude_code_code_edit_tool_decision_total',
  'claude_code.commit.count': 'claude_code_commit_count_total',
  'claude_code.pull_request.count': 'claude_code_pull_request_count_total',
};

const sanitize = (s) => s.replace(/[^a-zA-Z0-9_:]/g, '_');
const sanitizeLabel = (s) => {
  const r = s.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(r) ? `key_${r}` : r;
};

function promName(metric) {
  if (KNOWN_NAMES[metric.name]) return KNOWN_NAMES[metric.name];
  const unit = (metric.unit || '').replace(/\{[^}]*\}/g, '');
  return sanitize(metric.name) + (unit ? `_${sanitize(unit)}` : '') + '_total';
}

function anyValueString(v) {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  return JSON.stringify(v);
}

function attrsToLabels(attrs) {
  const out = {};
  for (const a of attrs || []) out[sanitizeLabel(a.key)] = anyValueString(a.value);
  return out;
}

// Visits every monotonic sum data point of an OTLP/JSON metrics request.
function forEachSumPoint(payload, fn) {
  for (const rm of payload.resourceMetrics || []) {
    for (const sm of rm.scopeMetrics || []) {
      for (const m of sm.metrics || []) {
        if (!m.sum) throw new Error(`fixture metric ${m.name} is not a sum; the test only knows sums`);
        for (const dp of m.sum.dataPoints || []) fn(rm, m, dp);
      }
    }
  }
}

// A copy of `payload` with every timestamp moved by `shift` ns, or, for a continuation
// export, with start = the original point's (shifted) time and time = that + `step` ns.
// `keep(metric)` selects the metrics the copy carries.
function retime(payload, { shift, step = null, keep = () => true }) {
  const p = structuredClone(payload);
  for (const rm of p.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      sm.metrics = sm.metrics.filter(keep);
      for (const m of sm.metrics) {
        for (const dp of m.sum.dataPoints) {
          const t = BigInt(dp.timeUnixNano) + shift;
          if (step === null) {
            dp.startTimeUnixNano = String(BigInt(dp.startTimeUnixNano) + shift);
            dp.timeUnixNano = String(t);
          } else {
            dp.startTimeUnixNano = String(t);
            dp.timeUnixNano = String(t + step);
          }
        }
      }
    }
    rm.scopeMetrics = rm.scopeMetrics.filter((sm) => sm.metrics.length > 0);
  }
  p.resourceMetrics = p.resourceMetrics.filter((rm) => rm.scopeMetrics.length > 0);
  return p;
}

function pointValue(dp) {
  if (dp.asDouble !== undefined) return Number(dp.asDouble);
  if (dp.asInt !== undefined) return Number(dp.asInt);
  return 0;
}

async function promQuery(base, query) {
  const r = await fetchText(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
  let j;
  try { j = JSON.parse(r.body); } catch { throw new Error(`Prometheus answered ${r.status} with non-JSON to ${query}: ${r.body.slice(0, 200)}`); }
  if (j.status !== 'success') throw new Error(`Prometheus query ${query} failed: ${j.errorType}: ${j.error}`);
  return j.data;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), { otelite: '', prometheus: '/usr/bin/prometheus', fixtures: '', keep: false });
  } catch (e) {
    console.error(`usage: prometheus_scrape_test.mjs --otelite BIN --prometheus PATH --fixtures DIR [--keep]\n${e.message}`);
    return 2;
  }
  if (!opts.otelite || !opts.fixtures) { console.error('--otelite and --fixtures are required'); return 2; }
  if (!fs.existsSync(opts.fixtures)) {
    console.log(`SKIP: ${opts.fixtures} does not exist (../shared not present): no Claude Code captures to replay.`);
    return EXIT_SKIP;
  }
  if (!fs.existsSync(opts.otelite)) { console.error(`FAIL: otelite binary ${opts.otelite} does not exist`); return 1; }
  if (!fs.existsSync(opts.prometheus)) {
    console.error(`FAIL: Prometheus ${opts.prometheus} not found (Debian package "prometheus"; scripts/deps.sh installs it)`);
    return 1;
  }

  const started = Date.now();
  const files = fs.readdirSync(opts.fixtures).filter((f) => /metrics.*\.json$/.test(f)).sort();
  if (files.length === 0) { console.error(`FAIL: no *metrics*.json files in ${opts.fixtures}`); return 1; }
  const payloads = files.map((f) => ({ file: f, body: JSON.parse(fs.readFileSync(path.join(opts.fixtures, f), 'utf8')) }));

  // Move the captures to the last minute; the continuation export comes 20 s after each point.
  let maxT = 0n;
  for (const { body } of payloads) forEachSumPoint(body, (_rm, _m, dp) => { if (BigInt(dp.timeUnixNano) > maxT) maxT = BigInt(dp.timeUnixNano); });
  const nowNs = BigInt(Date.now()) * 1000000n;
  const shift = nowNs - 60n * 1000000000n - maxT;
  const step = 20n * 1000000000n;
  // session.count is sent once per session by Claude Code; the continuation leaves it out.
  const continues = (m) => m.name !== 'claude_code.session.count';
  const rounds = [
    payloads.map(({ file, body }) => ({ file, body: retime(body, { shift }) })),
    payloads.map(({ file, body }) => ({ file: `${file} (continuation)`, body: retime(body, { shift, step, keep: continues }) }))
      .filter(({ body }) => body.resourceMetrics.length > 0),
  ];

  // Expected series: resource and point attributes as labels, job from service.name, value =
  // sum of the deltas.
  const expected = new Map();
  for (const round of rounds) {
    for (const { body } of round) {
      forEachSumPoint(body, (rm, m, dp) => {
        const res = attrsToLabels(rm.resource?.attributes);
        const labels = { ...res, ...attrsToLabels(dp.attributes), __name__: promName(m) };
        if (res.service_name) labels.job = res.service_name;
        const key = formatLabels(labels);
        const e = expected.get(key) || { labels, value: 0, otlpName: m.name };
        e.value += pointValue(dp);
        expected.set(key, e);
      });
    }
  }

  const tmp = makeTempDir('otelite-e2e-prom-');
  const [grpcPort, httpPort, exporterPort, promPort] = await freePorts(4);
  const checks = new Checks();
  let server, prom;
  let failed = null;
  const promBase = `http://127.0.0.1:${promPort}`;

  try {
    // ---- otelite -----------------------------------------------------------------------
    const serveArgs = ['serve', '--listen', '127.0.0.1', '--otlp.grpc.port', String(grpcPort),
      '--otlp.http.port', String(httpPort), '--exporter.port', String(exporterPort), '--prometheus.port', '0', '--loki.port', '0', '--ui.port', '0', '--data', path.join(tmp, 'data')];
    log(`starting: ${opts.otelite} ${serveArgs.join(' ')}`);
    server = startProcess('otelite serve', opts.otelite, serveArgs, { logFile: path.join(tmp, 'otelite.log') });
    const serverAlive = () => { if (server.exited) throw new Error(`otelite serve exited early (${describeExit(server.exited)})`); };
    const metricsUrl = `http://127.0.0.1:${exporterPort}/metrics`;
    await waitFor(`GET ${metricsUrl} to answer 200`, async () => (await fetchText(metricsUrl)).status === 200,
      { timeoutMs: 30000, alive: serverAlive });

    log(`-- POST ${files.length} captures (${files.join(', ')}) and their continuations to /v1/metrics`);
    for (const round of rounds) {
      for (const { file, body } of round) {
        const r = await fetchText(`http://127.0.0.1:${httpPort}/v1/metrics`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
        });
        let rejected = 0;
        try { rejected = Number(JSON.parse(r.body || '{}').partialSuccess?.rejectedDataPoints || 0); } catch { /* empty or not JSON */ }
        checks.ok(r.status === 200 && rejected === 0, `POST ${file}`, r.status === 200 && rejected === 0 ? '200' : `status ${r.status}, ${r.body.slice(0, 300)}`);
      }
    }

    // ---- Prometheus --------------------------------------------------------------------
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: otelite',
      '    honor_labels: true',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exporterPort}']`,
      '',
    ].join('\n');
    const configPath = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(configPath, config);
    const promArgs = [`--config.file=${configPath}`, `--storage.tsdb.path=${path.join(tmp, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'];
    log(`starting: ${opts.prometheus} ${promArgs.join(' ')}`);
    prom = startProcess('prometheus', opts.prometheus, promArgs, { logFile: path.join(tmp, 'prometheus.log'), cwd: tmp });
    const alive = () => {
      serverAlive();
      if (prom.exited) throw new Error(`prometheus exited early (${describeExit(prom.exited)})`);
    };
    await waitFor('Prometheus /-/ready', async () => (await fetchText(`${promBase}/-/ready`)).status === 200, { timeoutMs: 30000, alive });
    const wanted = expected.size;
    log(`waiting for Prometheus to scrape ${wanted} claude_code_* series`);
    try {
      await waitFor(`${wanted} claude_code_* series in Prometheus`, async () => {
        const d = await promQuery(promBase, 'count({__name__=~"claude_code_.+",__name__!~".*_created"})');
        return d.result.length > 0 && Number(d.result[0].value[1]) >= wanted;
      }, { timeoutMs: 30000, intervalMs: 500, alive });
    } catch (e) {
      log(`WARNING: ${e.message}; checking what arrived`);
    }

    // ---- checks ------------------------------------------------------------------------
    log('-- scrape health');
    const targets = JSON.parse((await fetchText(`${promBase}/api/v1/targets`)).body).data.activeTargets;
    const t = targets.find((x) => x.scrapePool === 'otelite');
    checks.ok(t && t.health === 'up' && !t.lastError, 'Prometheus target otelite is up with no scrape error',
      t ? `health=${t.health}${t.lastError ? `, lastError=${t.lastError}` : ''}` : 'target missing');
    const up = await promQuery(promBase, 'up{job="otelite"}');
    checks.equal(up.result.length ? Number(up.result[0].value[1]) : null, 1, 'up{job="otelite"}');

    log('-- every series otelite received, with the sum of its deltas');
    const data = await promQuery(promBase, '{__name__=~"claude_code_.+"}');
    const got = data.result.filter((s) => !s.metric.__name__.endsWith('_created'));
    const used = new Set();
    let matched = 0;
    for (const e of expected.values()) {
      const idx = got.findIndex((s, i) => !used.has(i) && Object.entries(e.labels).every(([k, v]) => s.metric[k] === v));
      const what = `${e.labels.__name__} session ${String(e.labels.session_id).slice(0, 8)}` +
        (e.labels.type ? ` type=${e.labels.type}` : '') + (e.labels.model ? ` model=${e.labels.model}` : '') +
        (e.labels.decision ? ` decision=${e.labels.decision}` : '');
      if (idx < 0) {
        const sameName = got.filter((s) => s.metric.__name__ === e.labels.__name__);
        checks.ok(false, what, `not in Prometheus; expected labels ${formatLabels(e.labels)}` +
          (sameName.length ? `; e.g. present: ${formatLabels(sameName[0].metric)}` : `; no ${e.labels.__name__} series at all`));
        continue;
      }
      used.add(idx);
      matched++;
      checks.close(Number(got[idx].value[1]), e.value, what);
    }
    const extra = got.filter((_s, i) => !used.has(i));
    checks.ok(extra.length === 0, 'no claude_code_* series that otelite was not sent',
      extra.length ? `${extra.length}, e.g. ${formatLabels(extra[0].metric)}` : `${matched} matched`);

    log('-- names, labels and metadata');
    const names = new Set(got.map((s) => s.metric.__name__));
    for (const n of ['claude_code_cost_usage_USD_total', 'claude_code_token_usage_tokens_total', 'claude_code_session_count_total',
      'claude_code_lines_of_code_count_total', 'claude_code_active_time_total_s_total', 'claude_code_code_edit_tool_decision_total']) {
      checks.ok(names.has(n), `metric ${n} exists`);
    }
    const lacking = (pred, keys) => got.filter(pred).filter((s) => keys.some((k) => !s.metric[k]));
    let m = lacking(() => true, ['session_id', 'user_id', 'job', 'service_name']);
    checks.ok(got.length > 0 && m.length === 0, 'session_id, user_id, job, service_name on every series', m.length ? formatLabels(m[0].metric) : '');
    m = got.filter((s) => s.metric.job !== 'claude-code' || s.metric.service_name !== 'claude-code');
    checks.ok(got.length > 0 && m.length === 0, 'job="claude-code" and service_name="claude-code"', m.length ? formatLabels(m[0].metric) : '');
    m = lacking((s) => /^claude_code_(cost_usage|token_usage)/.test(s.metric.__name__), ['model']);
    checks.ok(m.length === 0, 'model on cost and token series', m.length ? formatLabels(m[0].metric) : '');
    m = lacking((s) => /^claude_code_(token_usage|lines_of_code)/.test(s.metric.__name__), ['type']);
    checks.ok(m.length === 0, 'type on token and lines-of-code series', m.length ? formatLabels(m[0].metric) : '');
    const meta = JSON.parse((await fetchText(`${promBase}/api/v1/metadata`)).body).data || {};
    for (const n of ['claude_code_cost_usage_USD_total', 'claude_code_session_count_total']) {
      const family = n.replace(/_total$/, '');
      const md = meta[n] || meta[family];
      checks.equal(md ? md[0].type : undefined, 'counter', `Prometheus metadata type of ${n}`);
    }

    log('-- PromQL aggregates');
    const sumExpected = (pred) => [...expected.values()].filter(pred).reduce((a, e) => a + e.value, 0);
    const scalar = async (q) => { const d = await promQuery(promBase, q); return d.result.length ? Number(d.result[0].value[1]) : undefined; };
    checks.close(await scalar('sum(claude_code_cost_usage_USD_total)'),
      sumExpected((e) => e.labels.__name__ === 'claude_code_cost_usage_USD_total'), 'sum(claude_code_cost_usage_USD_total)');
    const byType = await promQuery(promBase, 'sum by (type) (claude_code_token_usage_tokens_total)');
    for (const type of ['input', 'output', 'cacheRead', 'cacheCreation']) {
      const r = byType.result.find((s) => s.metric.type === type);
      checks.close(r ? Number(r.value[1]) : undefined,
        sumExpected((e) => e.labels.__name__ === 'claude_code_token_usage_tokens_total' && e.labels.type === type),
        `sum by (type) (claude_code_token_usage_tokens_total){type="${type}"}`);
    }
    const sessions = new Set([...expected.values()].filter((e) => e.otlpName === 'claude_code.session.count').map((e) => e.labels.session_id));
    checks.equal(await scalar('count(count by (session_id) (claude_code_session_count_total))'), sessions.size, 'sessions in claude_code_session_count_total');
    checks.close(await scalar('sum(claude_code_session_count_total)'), sessions.size, 'sum(claude_code_session_count_total)');
  } catch (e) {
    failed = e.message;
    log(`FAIL  ${e.message}`);
  } finally {
    await stopProcess(prom);
    await stopProcess(server, 10000);
  }

  const ok = !failed && checks.failures.length === 0;
  if (!ok) {
    if (server) log(`otelite serve (${describeExit(server.exited)}), last output:\n${tailText(server.stderr + server.stdout)}`);
    if (prom) log(`prometheus (${describeExit(prom.exited)}), last output:\n${tailText(prom.stderr + prom.stdout)}`);
    log(`temporary files kept in ${tmp}`);
    if (failed) log(`the run stopped early: ${failed}`);
    if (checks.failures.length) log(`${checks.failures.length} of ${checks.count} checks failed:`);
    for (const f of checks.failures) log(`  - ${f}`);
  } else if (opts.keep) {
    log(`temporary files kept in ${tmp}`);
  } else {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`${ok ? 'PASS' : 'FAIL'}: Prometheus scrape of otelite, ${checks.count} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
