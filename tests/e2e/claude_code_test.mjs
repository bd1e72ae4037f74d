#!/usr/bin/env node
// End-to-end test with the real Claude Code CLI:
//
//   node claude_code_test.mjs --otelite BIN --protocol grpc|http/protobuf|http/json [--keep]
//
// 1. starts `otelite serve` on free ports (OTLP gRPC, OTLP HTTP, Prometheus exporter) with a
//    temporary data directory and waits for GET /metrics to answer 200;
// 2. starts `otelite tail --json` against it and checks that it prints a probe log record;
// 3. starts the mock Anthropic API (mock_anthropic.mjs) and runs the CLI non-interactively
//    in a throwaway HOME and working directory, exporting metrics and events over OTLP with
//    the requested protocol; the scripted conversation writes hello.txt and runs echo hello;
// 4. compares what otelite shows (its /metrics exposition and the tail's NDJSON) with the
//    CLI's own JSON result and the usage the mock handed out.
//
// Exit status: 0 pass, 1 fail, 77 skip (only when `npm install` in tests/e2e did not
// happen, i.e. node_modules/@anthropic-ai is missing).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Checks, claudeVersion, requireClaudeAndOtelite, finish, stopServer, describeExit, fetchText, formatLabels, freePorts, log, makeTempDir,
  parseArgs, parsePromText, relClose, startProcess, stopProcess, tailText, waitFor,
} from './lib.mjs';
import {
  BASH_ID, FINAL_TEXT, PROMPT, WRITE_ID, startMockAnthropic, usageTotals,
} from './mock_anthropic.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'];


// Value of a key on a tail log object: structured metadata first, then stream labels.
function attr(obj, key) {
  if (obj.metadata && obj.metadata[key] !== undefined) return obj.metadata[key];
  if (obj.labels && obj.labels[key] !== undefined) return obj.labels[key];
  return undefined;
}

function eventName(obj) {
  const n = attr(obj, 'event_name');
  if (n !== undefined) return String(n);
  return typeof obj.line === 'string' ? obj.line.replace(/^claude_code\./, '') : undefined;
}

function stripModelSuffix(m) {
  return String(m).replace(/\[[^\]]*\]$/, '');
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), { otelite: '', protocol: 'http/protobuf', keep: false });
  } catch (e) {
    console.error(`usage: claude_code_test.mjs --otelite BIN --protocol ${PROTOCOLS.join('|')} [--keep]\n${e.message}`);
    return 2;
  }
  if (!opts.otelite) { console.error('--otelite BIN is required'); return 2; }
  if (!PROTOCOLS.includes(opts.protocol)) { console.error(`--protocol must be one of ${PROTOCOLS.join(', ')}`); return 2; }

  const found = requireClaudeAndOtelite(HERE, opts.otelite);
  if (!found.bin) return found.exit;

  const started = Date.now();
  log(`Claude Code ${claudeVersion(HERE)} (${found.bin}), OTLP protocol ${opts.protocol}`);
  const tmp = makeTempDir('otelite-e2e-cc-');
  const dirs = { data: path.join(tmp, 'data'), home: path.join(tmp, 'home'), work: path.join(tmp, 'work') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const [grpcPort, httpPort, exporterPort] = await freePorts(3);
  const checks = new Checks();
  let server, tail, mock, cli;
  const tailObjects = [];
  const tailBadLines = [];
  let failed = null;

  const diagnostics = () => {
    if (server) log(`otelite serve (${describeExit(server.exited)}), last output:\n${tailText(server.stderr + server.stdout)}`);
    if (tail) log(`otelite tail (${describeExit(tail.exited)}): ${tailObjects.length} JSON lines, ${tailBadLines.length} unparsable; stderr:\n${tailText(tail.stderr)}`);
    if (tailBadLines.length) log(`first unparsable tail lines:\n${tailBadLines.slice(0, 5).join('\n')}`);
    if (mock) log(`requests the CLI made to the mock:\n${mock.requests.map((r) => `  ${r.method} ${r.path}${r.step ? ` -> ${r.step}` : ''}${r.error ? ` ERROR ${r.error}` : ''}`).join('\n')}`);
    if (cli) log(`claude (${describeExit(cli.exited)}) stderr:\n${tailText(cli.stderr)}`);
    log(`temporary files kept in ${tmp}`);
  };

  try {
    // ---- otelite serve -----------------------------------------------------------------
    const serveArgs = ['serve', '--listen', '127.0.0.1', '--otlp.grpc.port', String(grpcPort),
      '--otlp.http.port', String(httpPort), '--exporter.port', String(exporterPort), '--prometheus.port', '0', '--loki.port', '0', '--ui.port', '0', '--data', dirs.data];
    log(`starting: ${opts.otelite} ${serveArgs.join(' ')}`);
    server = startProcess('otelite serve', opts.otelite, serveArgs, { logFile: path.join(tmp, 'otelite.log') });
    const serverAlive = () => { if (server.exited) throw new Error(`otelite serve exited early (${describeExit(server.exited)})`); };
    const metricsUrl = `http://127.0.0.1:${exporterPort}/metrics`;
    await waitFor(`GET ${metricsUrl} to answer 200`, async () => (await fetchText(metricsUrl)).status === 200,
      { timeoutMs: 30000, alive: serverAlive });
    log(`otelite is up: OTLP gRPC :${grpcPort}, OTLP HTTP :${httpPort}, exporter :${exporterPort}`);

    // ---- otelite tail --json -----------------------------------------------------------
    const tailArgs = ['tail', '--server', `http://127.0.0.1:${httpPort}`, '--json'];
    log(`starting: ${opts.otelite} ${tailArgs.join(' ')}`);
    tail = startProcess('otelite tail', opts.otelite, tailArgs, {
      logFile: path.join(tmp, 'tail.ndjson'),
      onStdoutLine: (line) => {
        try { tailObjects.push(JSON.parse(line)); } catch { tailBadLines.push(line); }
      },
    });
    // Readiness: a probe record sent over OTLP/HTTP must come out of the tail.
    const probe = `otelite-e2e-tail-probe-${process.pid}-${Date.now()}`;
    const probeBody = JSON.stringify({
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otelite-e2e-probe' } }] },
        scopeLogs: [{
          scope: { name: 'otelite-e2e' },
          logRecords: [{
            timeUnixNano: String(BigInt(Date.now()) * 1000000n),
            body: { stringValue: probe },
            attributes: [{ key: 'event.name', value: { stringValue: 'probe' } }],
          }],
        }],
      }],
    });
    let lastProbe = 0;
    await waitFor('otelite tail to print the probe log record', async () => {
      if (tail.exited) throw new Error(`otelite tail exited (${describeExit(tail.exited)})`);
      if (tailObjects.some((o) => o.signal === 'log' && o.line === probe)) return true;
      // Re-send every 0.5 s: the tail may not have been connected when the first one arrived.
      if (Date.now() - lastProbe > 500) {
        lastProbe = Date.now();
        const r = await fetchText(`http://127.0.0.1:${httpPort}/v1/logs`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: probeBody,
        });
        if (r.status !== 200) throw new Error(`POST /v1/logs answered ${r.status}: ${r.body.slice(0, 200)}`);
      }
      return false;
    }, { timeoutMs: 20000, intervalMs: 100, alive: serverAlive });
    log('otelite tail is streaming');

    // ---- the mock API and the CLI ------------------------------------------------------
    mock = await startMockAnthropic({ cwd: dirs.work });
    const otlpEndpoint = `http://127.0.0.1:${opts.protocol === 'grpc' ? grpcPort : httpPort}`;
    const env = {
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
      OTEL_EXPORTER_OTLP_PROTOCOL: opts.protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_LOGS_EXPORT_INTERVAL: '500',
      OTEL_METRICS_INCLUDE_SESSION_ID: 'true',
      OTEL_LOG_TOOL_DETAILS: '1',
      OTEL_LOG_USER_PROMPTS: '1',
      // Without this the CLI also opens connections to api.anthropic.com:443 (bypassing
      // ANTHROPIC_BASE_URL; seen through a logging proxy). OTLP export is unaffected.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    const cliArgs = ['-p', PROMPT, '--allowedTools', 'Write', 'Bash(echo:*)', '--output-format', 'json'];
    log(`running claude -p ${JSON.stringify(PROMPT)} (API mock ${mock.url}, OTLP ${opts.protocol} -> ${otlpEndpoint})`);
    const cliStart = Date.now();
    cli = startProcess('claude', found.bin, cliArgs, { env, cwd: dirs.work, logFile: path.join(tmp, 'claude.log'), keep: 1 << 20 });
    const cliTimer = setTimeout(() => { log('claude did not finish within 120 s, killing it'); cli.child.kill('SIGKILL'); }, 120000);
    const cliExit = await cli.exitPromise;
    clearTimeout(cliTimer);
    log(`claude finished in ${Date.now() - cliStart} ms (${describeExit(cliExit)}); requests to the mock: ` +
      mock.requests.map((r) => `${r.method} ${r.path}${r.step ? ` [${r.step}]` : ''}`).join(', '));
    if (cliExit.code !== 0) throw new Error(`claude exited with ${describeExit(cliExit)}; stdout: ${cli.stdout.slice(0, 2000)}`);
    let result;
    try {
      result = JSON.parse(cli.stdout.trim().split('\n').filter(Boolean).at(-1));
    } catch (e) {
      throw new Error(`claude's output is not JSON (${e.message}): ${cli.stdout.slice(0, 2000)}`);
    }

    // ---- the conversation itself (sanity of the mock and the CLI) --------------------------
    log('-- the conversation');
    const sessionId = result.session_id;
    const totalCost = result.total_cost_usd;
    const scripted = usageTotals(mock.served);
    const mainSteps = mock.served.filter((s) => s.step !== 'side').map((s) => s.step);
    checks.equal(result.is_error, false, 'CLI result is_error');
    checks.equal(result.result, FINAL_TEXT, 'CLI result text is the scripted final answer');
    checks.equal(mainSteps.join(','), 'write,bash,final', 'mock answered the scripted steps');
    checks.ok(typeof sessionId === 'string' && /^[0-9a-f-]{36}$/.test(sessionId), 'CLI reported a session_id', String(sessionId));
    checks.ok(typeof totalCost === 'number' && totalCost > 0, 'CLI reported a non-zero total_cost_usd', String(totalCost));
    const helloPath = path.join(dirs.work, 'hello.txt');
    checks.equal(fs.existsSync(helloPath) ? fs.readFileSync(helloPath, 'utf8') : null, 'hi\n', 'Write tool created hello.txt');
    const cliUsage = result.usage || {};
    checks.equal(cliUsage.input_tokens, scripted.input, 'CLI usage.input_tokens = mock usage');
    checks.equal(cliUsage.output_tokens, scripted.output, 'CLI usage.output_tokens = mock usage');
    checks.equal(cliUsage.cache_read_input_tokens, scripted.cacheRead, 'CLI usage.cache_read_input_tokens = mock usage');
    checks.equal(cliUsage.cache_creation_input_tokens, scripted.cacheCreation, 'CLI usage.cache_creation_input_tokens = mock usage');
    if (checks.failures.length) throw new Error('the CLI run did not go as scripted; otelite was not checked');
    const mockModel = mock.served[0].model;
    let userId;
    try { userId = JSON.parse(fs.readFileSync(path.join(dirs.home, '.claude.json'), 'utf8')).userID; } catch { /* optional */ }

    // ---- wait for the telemetry --------------------------------------------------------
    const apiRequestsExpected = mock.served.length;
    const sessionEvents = () => tailObjects.filter((o) => o.signal === 'log' && attr(o, 'session_id') === sessionId);
    let exposition = { samples: [], types: {} };
    let expositionText = '';
    const series = (name) => exposition.samples.filter((s) => s.name === name && s.labels.session_id === sessionId);
    const sum = (arr) => arr.reduce((a, s) => a + s.value, 0);
    log(`waiting for session ${sessionId} in otelite's /metrics and in the tail`);
    try {
      await waitFor('the session\'s cost on /metrics and its events in the tail', async () => {
        const r = await fetchText(metricsUrl, { headers: { accept: 'text/plain; version=0.0.4' } });
        if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}`);
        expositionText = r.body;
        exposition = parsePromText(r.body);
        const costOk = relClose(sum(series('claude_code_cost_usage_USD_total')), totalCost);
        const ev = sessionEvents();
        const n = (name) => ev.filter((o) => eventName(o) === name).length;
        return costOk && n('api_request') >= apiRequestsExpected && n('tool_result') >= 2 && n('user_prompt') >= 1;
      }, { timeoutMs: 30000, intervalMs: 500, alive: serverAlive });
      log(`telemetry arrived ${Date.now() - cliStart} ms after the CLI started`);
    } catch (e) {
      log(`WARNING: ${e.message}; checking what arrived`);
    }

    // ---- metrics on /metrics -----------------------------------------------------------
    log('-- otelite /metrics (Prometheus exporter)');
    const cost = series('claude_code_cost_usage_USD_total');
    checks.ok(cost.length > 0, 'claude_code_cost_usage_USD_total has series for the session', `${cost.length} series`);
    checks.close(sum(cost), totalCost, 'sum(claude_code_cost_usage_USD_total{session_id}) = CLI total_cost_usd');
    const tokens = series('claude_code_token_usage_tokens_total');
    const byType = (type) => sum(tokens.filter((s) => s.labels.type === type));
    checks.equal(byType('input'), scripted.input, 'claude_code_token_usage_tokens_total{type="input"}');
    checks.equal(byType('output'), scripted.output, 'claude_code_token_usage_tokens_total{type="output"}');
    checks.equal(byType('cacheRead'), scripted.cacheRead, 'claude_code_token_usage_tokens_total{type="cacheRead"}');
    checks.equal(byType('cacheCreation'), scripted.cacheCreation, 'claude_code_token_usage_tokens_total{type="cacheCreation"}');
    checks.equal(sum(series('claude_code_session_count_total')), 1, 'claude_code_session_count_total for the session');
    const added = sum(series('claude_code_lines_of_code_count_total').filter((s) => s.labels.type === 'added'));
    checks.ok(added > 0, 'claude_code_lines_of_code_count_total{type="added"} > 0', String(added));
    checks.ok(series('claude_code_active_time_total_s_total').length > 0, 'claude_code_active_time_total_s_total has series for the session');
    checks.equal(exposition.types.claude_code_cost_usage_USD_total, 'counter', '# TYPE claude_code_cost_usage_USD_total');

    const sessionSeries = exposition.samples.filter((s) => s.name.startsWith('claude_code_') && s.labels.session_id === sessionId);
    const missing = (keys) => sessionSeries.filter((s) => keys.some((k) => !s.labels[k]));
    const bad = (pred) => sessionSeries.filter((s) => !pred(s));
    const show = (arr) => arr.slice(0, 3).map((s) => s.name + formatLabels(s.labels)).join('; ');
    let m = missing(['session_id', 'user_id', 'service_name', 'job']);
    checks.ok(sessionSeries.length > 0 && m.length === 0, 'every claude_code_* series of the session has session_id, user_id, service_name, job labels',
      m.length ? `missing on ${m.length}: ${show(m)}` : `${sessionSeries.length} series`);
    m = bad((s) => s.labels.service_name === 'claude-code' && s.labels.job === 'claude-code');
    checks.ok(m.length === 0, 'service_name="claude-code" and job="claude-code"', m.length ? show(m) : '');
    if (userId) {
      m = bad((s) => s.labels.user_id === userId);
      checks.ok(m.length === 0, 'user_id label = userID in the CLI\'s ~/.claude.json', m.length ? show(m) : userId.slice(0, 16) + '…');
    }
    m = [...cost, ...tokens].filter((s) => stripModelSuffix(s.labels.model || '') !== mockModel);
    checks.ok(cost.length + tokens.length > 0 && m.length === 0, `model label on cost and token series is ${mockModel}`, m.length ? show(m) : '');
    m = tokens.filter((s) => !['input', 'output', 'cacheRead', 'cacheCreation'].includes(s.labels.type));
    checks.ok(tokens.length > 0 && m.length === 0, 'type label on token series is input|output|cacheRead|cacheCreation', m.length ? show(m) : '');

    // ---- events from the tail ----------------------------------------------------------
    log('-- otelite tail --json (events)');
    const ev = sessionEvents();
    const named = (name) => ev.filter((o) => eventName(o) === name);
    checks.ok(ev.length > 0, 'tail printed log lines for the session', `${ev.length} lines (${tailObjects.length} in total)`);
    const prompts = named('user_prompt');
    checks.ok(prompts.some((o) => attr(o, 'prompt') === PROMPT), 'user_prompt event carries the prompt text',
      prompts.map((o) => JSON.stringify(attr(o, 'prompt'))).join(', ') || 'no user_prompt event');
    const apiReq = named('api_request');
    checks.equal(apiReq.length, apiRequestsExpected, 'number of api_request events');
    const costSum = apiReq.reduce((a, o) => a + Number(attr(o, 'cost_usd')), 0);
    checks.close(costSum, totalCost, 'sum of api_request cost_usd = CLI total_cost_usd', 1e-9);
    const tokSum = (k) => apiReq.reduce((a, o) => a + Number(attr(o, k)), 0);
    checks.equal(tokSum('input_tokens'), scripted.input, 'sum of api_request input_tokens');
    checks.equal(tokSum('output_tokens'), scripted.output, 'sum of api_request output_tokens');
    checks.equal(tokSum('cache_read_tokens'), scripted.cacheRead, 'sum of api_request cache_read_tokens');
    checks.equal(tokSum('cache_creation_tokens'), scripted.cacheCreation, 'sum of api_request cache_creation_tokens');
    for (const [tool, id] of [['Write', WRITE_ID], ['Bash', BASH_ID]]) {
      const dec = named('tool_decision').filter((o) => attr(o, 'tool_name') === tool);
      checks.ok(dec.length === 1 && String(attr(dec[0], 'decision')) === 'accept' && attr(dec[0], 'tool_use_id') === id,
        `tool_decision for ${tool}: accept, tool_use_id ${id}`,
        dec.map((o) => `decision=${attr(o, 'decision')} tool_use_id=${attr(o, 'tool_use_id')}`).join('; ') || 'none');
      const res = named('tool_result').filter((o) => attr(o, 'tool_name') === tool);
      checks.ok(res.length === 1 && String(attr(res[0], 'success')) === 'true',
        `tool_result for ${tool} with success "true"`,
        res.map((o) => `success=${JSON.stringify(attr(o, 'success'))}`).join('; ') || 'none');
    }
    const bashResult = named('tool_result').find((o) => attr(o, 'tool_name') === 'Bash');
    if (bashResult) {
      const input = String(attr(bashResult, 'tool_input') ?? '');
      checks.ok(input.includes('echo hello'), 'Bash tool_result tool_input has the command (OTEL_LOG_TOOL_DETAILS)', input);
    }
    m = ev.filter((o) => o.line !== `claude_code.${eventName(o)}`);
    checks.ok(ev.length > 0 && m.length === 0, 'log line is "claude_code.<event_name>"', m.length ? `e.g. ${JSON.stringify(m[0])}` : '');
    m = ev.filter((o) => !o.labels || o.labels.service_name !== 'claude-code');
    checks.ok(ev.length > 0 && m.length === 0, 'stream label service_name="claude-code" on every event', m.length ? `e.g. ${JSON.stringify(m[0].labels)}` : '');
    const lo = BigInt(started - 60000) * 1000000n;
    const hi = BigInt(Date.now() + 60000) * 1000000n;
    m = ev.filter((o) => { try { const t = BigInt(o.timestamp_ns); return t < lo || t > hi; } catch { return true; } });
    checks.ok(ev.length > 0 && m.length === 0, 'event timestamp_ns within the test run', m.length ? `e.g. ${JSON.stringify(m[0].timestamp_ns)}` : '');
    const metricLines = tailObjects.filter((o) => o.signal === 'metric' && String(o.name).startsWith('claude_code_'));
    log(`info  tail printed ${metricLines.length} claude_code_* metric lines`);
    const dropped = tailObjects.filter((o) => o.signal === 'dropped');
    checks.ok(dropped.length === 0, 'tail reported no dropped lines', dropped.length ? JSON.stringify(dropped[0]) : '');

    if (checks.failures.length) {
      const relevant = expositionText.split('\n').filter((l) => l.startsWith('claude_code_') || l.startsWith('# TYPE claude_code_'));
      log(`claude_code_* lines on /metrics (${relevant.length}):\n${relevant.slice(0, 60).join('\n')}`);
    }
  } catch (e) {
    failed = e.message;
    log(`FAIL  ${e.message}`);
  } finally {
    if (mock) await mock.close();
    await stopProcess(tail);
    await stopServer(server);
  }

  const ok = finish({ failed, checks, diagnostics, keep: opts.keep, tmp });
  log(`${ok ? 'PASS' : 'FAIL'}: Claude Code over OTLP ${opts.protocol}, ${checks.count} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
