// Known Claude Code telemetry for the browser tests, sent to otelite over OTLP/HTTP JSON the way
// the CLI sends it (delta sums with the CLI's units and attributes, events as log records whose
// body is `claude_code.<event>`), with the totals the dashboards must show.
//
// Two users, two sessions, two models, a few minutes before `nowMs`.

const SERVICE = [
  { key: 'service.name', value: { stringValue: 'claude-code' } },
  { key: 'service.version', value: { stringValue: '2.1.331' } },
];

function attrs(obj) {
  return Object.entries(obj).map(([key, v]) => ({
    key,
    value: typeof v === 'number' && Number.isInteger(v) ? { intValue: String(v) } : { stringValue: String(v) },
  }));
}

const ns = (ms) => String(BigInt(Math.round(ms)) * 1000000n);

export const SESSIONS = [
  { id: 'sess-aaaa-1111', user: 'alice@example.com', model: 'claude-opus-4-1' },
  { id: 'sess-bbbb-2222', user: 'bob@example.com', model: 'claude-sonnet-4-5' },
];

// What the dashboards must show for the data below (the sums of the deltas sent).
export const TRUTH = {
  cost: 1.25 + 0.75 + 0.5,  // opus 2.00, sonnet 0.50
  costByModel: { 'claude-opus-4-1': 2.0, 'claude-sonnet-4-5': 0.5 },
  sessions: 2,
  tokens: 1000 + 3000 + 500 + 200 + 800 + 100,
  linesAdded: 40 + 12,
  linesRemoved: 7,
  commits: 1,
  pullRequests: 1,
  prompts: 3,
  apiRequests: 3,
  promptText: 'Refactor the LogQL parser and add tests',
};

function sum(name, unit, points) {
  return {
    name, unit,
    sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: points },
  };
}

function point(startMs, endMs, value, attributes) {
  return {
    startTimeUnixNano: ns(startMs), timeUnixNano: ns(endMs),
    asDouble: value, attributes: attrs(attributes),
  };
}

// OTLP/JSON ExportMetricsServiceRequest bodies, one per session, each covering two export
// intervals (delta temporality: each point is what happened in its interval).
export function metricsRequests(nowMs) {
  const out = [];
  SESSIONS.forEach((s, i) => {
    const t0 = nowMs - (20 - i * 5) * 60000;
    const t1 = t0 + 60000;
    const t2 = t1 + 60000;
    const base = { 'user.id': s.user, 'user.email': s.user, 'session.id': s.id, 'terminal.type': 'vscode' };
    const m = { ...base, model: s.model };
    const metrics = [
      sum('claude_code.session.count', '', [point(t0, t1, 1, { ...base, start_type: 'fresh' })]),
      i === 0
        ? sum('claude_code.cost.usage', 'USD', [point(t0, t1, 1.25, m), point(t1, t2, 0.75, m)])
        : sum('claude_code.cost.usage', 'USD', [point(t0, t1, 0.5, m)]),
      i === 0
        ? sum('claude_code.token.usage', 'tokens', [
          point(t0, t1, 1000, { ...m, type: 'input' }), point(t0, t1, 3000, { ...m, type: 'cacheRead' }),
          point(t1, t2, 500, { ...m, type: 'output' })])
        : sum('claude_code.token.usage', 'tokens', [
          point(t0, t1, 200, { ...m, type: 'input' }), point(t0, t1, 800, { ...m, type: 'cacheRead' }),
          point(t0, t1, 100, { ...m, type: 'output' })]),
      i === 0
        ? sum('claude_code.lines_of_code.count', '', [
          point(t0, t1, 40, { ...m, type: 'added' }), point(t1, t2, 7, { ...m, type: 'removed' })])
        : sum('claude_code.lines_of_code.count', '', [point(t0, t1, 12, { ...m, type: 'added' })]),
      sum('claude_code.active_time.total', 's', [
        point(t0, t1, 30 + i, { ...base, type: 'user' }), point(t0, t1, 90 + i, { ...base, type: 'cli' })]),
      sum('claude_code.code_edit_tool.decision', '', [
        point(t0, t1, 1, { ...base, tool_name: 'Edit', decision: 'accept', source: 'config', language: 'C++' })]),
    ];
    if (i === 0) {
      metrics.push(sum('claude_code.commit.count', '', [point(t1, t2, 1, base)]));
      metrics.push(sum('claude_code.pull_request.count', '', [point(t1, t2, 1, base)]));
    }
    out.push({
      resourceMetrics: [{
        resource: { attributes: SERVICE },
        scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code', version: '2.1.331' }, metrics }],
      }],
    });
  });
  return out;
}

function event(tMs, name, session, promptId, seq, extra) {
  return {
    timeUnixNano: ns(tMs), observedTimeUnixNano: ns(tMs),
    body: { stringValue: `claude_code.${name}` },
    attributes: attrs({
      'user.id': session.user, 'user.email': session.user, 'session.id': session.id,
      'terminal.type': 'vscode', 'event.name': name, 'event.timestamp': new Date(tMs).toISOString(),
      'event.sequence': seq, 'prompt.id': promptId, ...extra,
    }),
  };
}

// One OTLP/JSON ExportLogsServiceRequest with every session's events.
export function logsRequest(nowMs) {
  const records = [];
  SESSIONS.forEach((s, i) => {
    const t0 = nowMs - (20 - i * 5) * 60000;
    let seq = 0;
    const prompts = i === 0 ? [TRUTH.promptText, 'Now run the tests'] : ['Explain this stack trace'];
    prompts.forEach((text, p) => {
      const pid = `${s.id}-prompt-${p}`;
      const t = t0 + p * 60000;
      records.push(event(t, 'user_prompt', s, pid, seq++, { prompt: text, prompt_length: text.length }));
      records.push(event(t + 1000, 'api_request', s, pid, seq++, {
        model: s.model, cost_usd: i === 0 ? (p === 0 ? '1.25' : '0.75') : '0.5', duration_ms: '2100',
        input_tokens: '1000', output_tokens: '250', cache_read_tokens: '3000', speed: 'normal',
      }));
      records.push(event(t + 2000, 'tool_decision', s, pid, seq++, {
        tool_name: 'Bash', decision: 'accept', source: 'config',
      }));
      records.push(event(t + 3000, 'tool_result', s, pid, seq++, {
        tool_name: 'Bash', success: 'true', duration_ms: '340', tool_result_size_bytes: '120', decision_type: 'accept',
      }));
    });
  });
  return {
    resourceLogs: [{
      resource: { attributes: SERVICE },
      scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.1.331' }, logRecords: records }],
    }],
  };
}

// Posts everything to otelite's OTLP/HTTP port and checks each answer.
export async function loadData(otlpHttpPort, nowMs) {
  const post = async (path, body) => {
    const res = await fetch(`http://127.0.0.1:${otlpHttpPort}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200 || text.includes('rejected')) {
      throw new Error(`POST ${path}: ${res.status} ${text}`);
    }
  };
  for (const r of metricsRequests(nowMs)) await post('/v1/metrics', r);
  await post('/v1/logs', logsRequest(nowMs));
}
