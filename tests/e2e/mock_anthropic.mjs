// A local mock of the Anthropic Messages API for driving the real Claude Code CLI
// deterministically (node:http only).
//
// The main conversation follows a fixed script, keyed on what the request carries:
//   1. the user prompt ("Create hello.txt containing hi, then run echo hello.")
//        -> text + tool_use Write {file_path: <cwd>/hello.txt, content: "hi\n"}
//   2. a tool_result for the Write call
//        -> text + tool_use Bash {command: "echo hello"}
//   3. a tool_result for the Bash call
//        -> final text answer
// Every other /v1/messages request (side requests such as titles or topic detection,
// which carry no tools) gets a short text answer with small usage numbers; all usage
// handed out is recorded so a test can compare it with what the telemetry reports.
//
// Used in-process by claude_code_test.mjs (startMockAnthropic), or on its own:
//   node mock_anthropic.mjs [--port N] [--cwd DIR]
// which prints the base URL and logs every request to stderr.

import http from 'node:http';
import { pathToFileURL } from 'node:url';

export const PROMPT = 'Create hello.txt containing hi, then run echo hello.';
export const WRITE_ID = 'toolu_e2e_write_1';
export const BASH_ID = 'toolu_e2e_bash_1';
export const FINAL_TEXT = 'Done: hello.txt contains hi and echo printed hello.';

// Usage per scripted step. Realistic shapes: the first request creates the prompt
// cache, later ones read it and add the new turn to it.
export const SCRIPT_USAGE = {
  write: { input_tokens: 1274, output_tokens: 58, cache_read_input_tokens: 0, cache_creation_input_tokens: 4300 },
  bash: { input_tokens: 96, output_tokens: 47, cache_read_input_tokens: 4300, cache_creation_input_tokens: 1348 },
  final: { input_tokens: 88, output_tokens: 21, cache_read_input_tokens: 5648, cache_creation_input_tokens: 143 },
};
const SIDE_USAGE = { input_tokens: 120, output_tokens: 9, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (b && b.type === 'text' ? b.text : '')).join('\n');
}

function toolResultIds(messages) {
  const ids = new Set();
  for (const m of messages || []) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const b of m.content) if (b && b.type === 'tool_result') ids.add(b.tool_use_id);
  }
  return ids;
}

function workingDirectory(body, fallback) {
  const sys = typeof body.system === 'string' ? body.system : textOf(body.system);
  const all = sys + '\n' + (body.messages || []).map((m) => textOf(m.content)).join('\n');
  const m = /working directory:\s*(\/\S+)/i.exec(all);
  return m ? m[1] : fallback;
}

// Decides the answer to one /v1/messages request: {step, blocks, stop_reason, usage}.
export function planReply(body, fallbackCwd) {
  const messages = body.messages || [];
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  const results = toolResultIds(messages);
  const firstUser = messages.find((m) => m.role === 'user');
  const isMain = hasTools && firstUser && textOf(firstUser.content).includes(PROMPT);
  if (isMain && results.has(BASH_ID)) {
    return { step: 'final', stop_reason: 'end_turn', usage: SCRIPT_USAGE.final, blocks: [{ type: 'text', text: FINAL_TEXT }] };
  }
  if (isMain && results.has(WRITE_ID)) {
    return {
      step: 'bash', stop_reason: 'tool_use', usage: SCRIPT_USAGE.bash,
      blocks: [
        { type: 'text', text: 'Now I will run the command.' },
        { type: 'tool_use', id: BASH_ID, name: 'Bash', input: { command: 'echo hello', description: 'Print hello' } },
      ],
    };
  }
  if (isMain) {
    const cwd = workingDirectory(body, fallbackCwd) || process.cwd();
    return {
      step: 'write', stop_reason: 'tool_use', usage: SCRIPT_USAGE.write,
      blocks: [
        { type: 'text', text: 'I will write the file.' },
        { type: 'tool_use', id: WRITE_ID, name: 'Write', input: { file_path: `${cwd}/hello.txt`, content: 'hi\n' } },
      ],
    };
  }
  // Side request (title, topic, summary...): JSON-looking answers keep parsers happy.
  const wantsJson = /json/i.test(textOf(body.system) + textOf(messages.at(-1)?.content));
  const text = wantsJson ? '{"title": "Create hello.txt", "isNewTopic": false}' : 'Create hello.txt';
  return { step: 'side', stop_reason: 'end_turn', usage: SIDE_USAGE, blocks: [{ type: 'text', text }] };
}

function sse(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function messageEnvelope(id, model, usage, content, stopReason) {
  return {
    id, type: 'message', role: 'assistant', model, content,
    stop_reason: stopReason, stop_sequence: null,
    usage: { ...usage, service_tier: 'standard' },
  };
}

function streamReply(res, id, model, plan) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_${id}`,
    'anthropic-organization-id': '00000000-0000-0000-0000-000000000000',
  });
  const u = plan.usage;
  sse(res, 'message_start', {
    type: 'message_start',
    message: messageEnvelope(id, model, { ...u, output_tokens: 1 }, [], null),
  });
  plan.blocks.forEach((b, index) => {
    if (b.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      // Two deltas, to exercise the client's accumulation.
      const cut = Math.ceil(b.text.length / 2);
      for (const part of [b.text.slice(0, cut), b.text.slice(cut)]) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } });
      }
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
      });
      const json = JSON.stringify(b.input);
      const cut = Math.ceil(json.length / 3);
      for (const part of [json.slice(0, cut), json.slice(cut, 2 * cut), json.slice(2 * cut)]) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: plan.stop_reason, stop_sequence: null },
    usage: { ...u },
  });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// Starts the mock. Options: port (0 = any), cwd (fallback working directory for the
// Write call), log (function taking a line). Returns
// {url, port, requests: [{method, path, step?, model?}], served: [{step, model, usage}], close()}.
export async function startMockAnthropic({ port = 0, cwd = undefined, log = () => {} } = {}) {
  const requests = [];
  const served = [];
  let counter = 0;
  const server = http.createServer(async (req, res) => {
    const entry = { method: req.method, path: req.url };
    requests.push(entry);
    try {
      const raw = await readBody(req);
      const path = req.url.split('?')[0];
      if (req.method === 'HEAD' || (req.method === 'GET' && path === '/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(req.method === 'HEAD' ? undefined : 'ok');
      } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        const body = raw ? JSON.parse(raw) : {};
        const chars = JSON.stringify(body.messages || []).length + JSON.stringify(body.system || '').length;
        entry.step = 'count_tokens';
        sendJson(res, 200, { input_tokens: Math.max(1, Math.round(chars / 4)) });
      } else if (req.method === 'POST' && path === '/v1/messages') {
        const body = JSON.parse(raw);
        const plan = planReply(body, cwd);
        const id = `msg_e2e_${++counter}`;
        const model = body.model || 'claude-sonnet-4-5';
        entry.step = plan.step;
        entry.model = model;
        entry.stream = !!body.stream;
        served.push({ step: plan.step, model, usage: { ...plan.usage } });
        if (body.stream) {
          streamReply(res, id, model, plan);
        } else {
          sendJson(res, 200, messageEnvelope(id, model, plan.usage, plan.blocks, plan.stop_reason));
        }
      } else if (req.method === 'GET' && path.startsWith('/v1/models')) {
        sendJson(res, 200, { data: [], has_more: false, first_id: null, last_id: null });
      } else {
        entry.step = 'unhandled';
        sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `mock: no route for ${req.method} ${path}` } });
      }
    } catch (e) {
      entry.step = 'error';
      entry.error = String(e && e.stack || e);
      if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(e) } });
      else res.end();
    }
    log(`mock: ${entry.method} ${entry.path}${entry.step ? ` -> ${entry.step}` : ''}${entry.model ? ` (${entry.model})` : ''}${entry.error ? ` ERROR ${entry.error}` : ''}`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    served,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

// Sum of the usage handed out, per Claude Code token type.
export function usageTotals(served) {
  const t = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  for (const s of served) {
    t.input += s.usage.input_tokens;
    t.output += s.usage.output_tokens;
    t.cacheRead += s.usage.cache_read_input_tokens;
    t.cacheCreation += s.usage.cache_creation_input_tokens;
  }
  return t;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const args = process.argv.slice(2);
  const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  const mock = await startMockAnthropic({
    port: Number(opt('--port') || 0),
    cwd: opt('--cwd'),
    log: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(`${mock.url}\n`);
}
