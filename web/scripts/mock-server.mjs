#!/usr/bin/env node
// A stand-in for `otelite serve` on :3001 for working on the web app without the C++ server:
// it serves dist/ (with index.html for page paths) and answers the JSON API of docs/ui.md with
// made-up data shaped like the real answers. Dashboards come from the *.json files of
// MOCK_DASHBOARDS (a directory; default: none, then one small demo dashboard).
//
//   npm run build && MOCK_DASHBOARDS=../../shared/compat/seed-dashboards node scripts/mock-server.mjs
//   MOCK_AUTH=1 turns login on (admin/admin, viewer/viewer).

import { createServer } from 'node:http';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const port = Number(process.env.PORT ?? 3001);
const auth = process.env.MOCK_AUTH === '1';
const sessions = new Map();

const dashboards = new Map();
const dir = process.env.MOCK_DASHBOARDS;
if (dir && existsSync(dir)) {
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      if (d.uid && Array.isArray(d.panels)) dashboards.set(d.uid, { dashboard: d, source: 'provisioned' });
    } catch (e) {
      console.error(`skip ${f}: ${e.message}`);
    }
  }
}
if (dashboards.size === 0) {
  dashboards.set('demo', {
    source: 'builtin',
    dashboard: {
      uid: 'demo',
      title: 'Demo',
      time: { from: 'now-6h', to: 'now' },
      templating: { list: [{ name: 'model', type: 'custom', query: 'opus,sonnet,haiku', multi: true, includeAll: true }] },
      panels: [
        { id: 1, type: 'stat', title: 'Cost', gridPos: { x: 0, y: 0, w: 6, h: 5 }, fieldConfig: { defaults: { unit: 'currencyUSD' } }, targets: [{ refId: 'A', expr: 'sum(cost)' }] },
        { id: 2, type: 'timeseries', title: 'Tokens', gridPos: { x: 6, y: 0, w: 18, h: 8 }, targets: [{ refId: 'A', expr: 'sum by (model)(tokens)', legendFormat: '{{model}}' }] },
      ],
    },
  });
}

const slug = (t) => t.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

function parseTime(s, now) {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^now(?:-(\d+)([smhdwMy]))?(?:\/([dwMy]))?$/.exec(s ?? '');
  if (!m) return now;
  const mult = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, M: 2592e6, y: 31536e6 };
  let t = now - (m[1] ? Number(m[1]) * mult[m[2]] : 0);
  if (m[3]) t = Math.floor(t / 864e5) * 864e5;
  return t;
}

// Deterministic pseudo-random numbers so that refreshes look stable.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const hash = (s) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);

function series(name, labels, from, to, points, seed) {
  const step = Math.max(1000, Math.floor((to - from) / points));
  const times = [];
  const values = [];
  const r = rng(seed);
  let v = r() * 10;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    times.push(t);
    v = Math.max(0, v + (r() - 0.5) * 3);
    values.push(Math.round(v * 1000) / 1000);
  }
  return {
    schema: {
      refId: 'A',
      name,
      meta: { type: 'timeseries-multi' },
      fields: [
        { name: 'Time', type: 'time', config: { interval: step } },
        { name: 'Value', type: 'number', labels, config: { displayNameFromDS: name } },
      ],
    },
    data: { values: [times, values] },
  };
}

const EVENTS = ['user_prompt', 'api_request', 'tool_decision', 'tool_result', 'api_request'];
function logFrame(from, to, n, sessionId, forward) {
  const r = rng(hash(sessionId ?? 'all'));
  const rows = [];
  for (let i = 0; i < n; i++) {
    const t = Math.round(from + ((to - from) * (i + 1)) / (n + 1));
    const prompt = `p${Math.floor(i / 5)}`;
    const ev = EVENTS[i % 5];
    const sid = sessionId ?? `session-${Math.floor(i / 10)}`;
    const labels = { service_name: 'claude-code', event_name: ev, session_id: sid, prompt_id: prompt };
    if (ev === 'user_prompt') labels.prompt = `Please fix bug number ${i}`;
    if (ev === 'api_request') Object.assign(labels, { model: 'claude-opus-4-1', cost_usd: (r() / 10).toFixed(4), input_tokens: String(Math.round(r() * 5000)), output_tokens: String(Math.round(r() * 800)), duration_ms: String(Math.round(r() * 9000)) });
    if (ev === 'tool_result') Object.assign(labels, { tool_name: 'Bash', success: r() > 0.2 ? 'true' : 'false', duration_ms: String(Math.round(r() * 900)) });
    if (ev === 'tool_decision') Object.assign(labels, { tool_name: 'Edit', decision: 'accept', source: 'config' });
    rows.push({ t, labels, line: `claude_code.${ev}` });
  }
  if (!forward) rows.reverse();
  return {
    schema: {
      refId: 'A',
      meta: { type: 'log-lines' },
      fields: [
        { name: 'labels', type: 'other' },
        { name: 'Time', type: 'time' },
        { name: 'Line', type: 'string' },
        { name: 'tsNs', type: 'string' },
        { name: 'id', type: 'string' },
      ],
    },
    data: { values: [rows.map((x) => x.labels), rows.map((x) => x.t), rows.map((x) => x.line), rows.map((x) => `${x.t}000000`), rows.map((x, i) => `id${i}`)] },
  };
}

function byLabels(expr) {
  const m = /by\s*\(([^)]*)\)/.exec(expr ?? '');
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
}

const VALUES = { model: ['claude-opus-4-1', 'claude-sonnet-4', 'claude-haiku-3-5'], type: ['input', 'output', 'cacheRead'], decision: ['accept', 'reject'], tool_name: ['Bash', 'Edit', 'Read'], session_id: ['a1b2', 'c3d4', 'e5f6'], event_name: ['user_prompt', 'api_request', 'tool_result'], speed: ['normal', 'fast'], mcp_server_scope: ['user', 'project'] };

function framesFor(panel, target, from, to, points) {
  const expr = target.expr ?? '';
  if (/error_test/.test(expr)) throw new Error(`parse error at line 1, col 5: unexpected "error_test"`);
  const labels = byLabels(expr);
  const isLog = expr.trim().startsWith('{');
  if (panel.type === 'logs' || (isLog && !/count_over_time|rate|sum_over_time/.test(expr))) {
    return [logFrame(from, to, 60, null, false)];
  }
  const combos = labels.length ? (VALUES[labels[0]] ?? ['x', 'y']).map((v) => Object.fromEntries(labels.map((l, i) => [l, i === 0 ? v : (VALUES[l] ?? ['v'])[0]]))) : [{}];
  const legend = (l) => (target.legendFormat && target.legendFormat !== '__auto' ? target.legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => l[k] ?? '') : Object.keys(l).length ? `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(', ')}}` : expr);
  if (panel.type === 'table' || target.format === 'table') {
    const r = rng(hash(expr));
    return [{
      schema: { refId: target.refId ?? 'A', meta: { type: 'table' }, fields: [{ name: 'Time', type: 'time' }, ...labels.map((l) => ({ name: l, type: 'string' })), { name: (panel.targets ?? []).length > 1 ? `Value #${target.refId}` : 'Value', type: 'number' }] },
      data: { values: [combos.map(() => to), ...labels.map((l) => combos.map((c) => c[l])), combos.map(() => Math.round(r() * 100000) / 100)] },
    }];
  }
  if (panel.type === 'stat' || panel.type === 'piechart') {
    if (panel.type === 'stat' && (target.instant || target.queryType === 'instant')) {
      return combos.map((c) => ({ schema: { refId: target.refId, name: legend(c), meta: { type: 'numeric-multi' }, fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number', labels: c, config: { displayNameFromDS: legend(c) } }] }, data: { values: [[to], [Math.round(rng(hash(expr))() * 10000) / 100]] } }));
    }
  }
  return combos.map((c, i) => {
    const f = series(legend(c), c, from, to, Math.min(points, 2000), hash(expr) + i);
    f.schema.refId = target.refId ?? 'A';
    return f;
  });
}

function findPanel(panels, id) {
  for (const p of panels ?? []) {
    if (p.id === id) return p;
    const n = findPanel(p.panels, id);
    if (n) return n;
  }
  return null;
}

function send(res, status, body, headers = {}) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(data);
}

function user(req) {
  if (!auth) return { login: 'admin', role: 'Admin', authEnabled: false };
  const m = /otelite_session=([^;]+)/.exec(req.headers.cookie ?? '');
  return m ? sessions.get(m[1]) ?? null : null;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  let body = null;
  if (req.method === 'POST' || req.method === 'DELETE') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    } catch {
      return send(res, 400, { message: 'bad JSON' });
    }
  }
  const now = Date.now();
  if (path === '/login' && req.method === 'POST') {
    const ok = (body.user === 'admin' && body.password === 'admin') || (body.user === 'viewer' && body.password === 'viewer');
    if (!ok) return send(res, 401, { message: 'Invalid username or password' });
    const id = Math.random().toString(36).slice(2);
    sessions.set(id, { login: body.user, role: body.user === 'admin' ? 'Admin' : 'Viewer', authEnabled: true });
    return send(res, 200, { message: 'Logged in' }, { 'Set-Cookie': `otelite_session=${id}; Path=/; HttpOnly; SameSite=Strict` });
  }
  if (path === '/logout') {
    res.writeHead(req.method === 'GET' ? 302 : 200, { 'Set-Cookie': 'otelite_session=; Path=/; Max-Age=0', Location: '/login' });
    return res.end('{}');
  }
  if (path.startsWith('/api/')) {
    if (path === '/api/health') return send(res, 200, { commit: 'mock', database: 'ok', version: 'mock' });
    const u = user(req);
    if (!u) return send(res, 401, { message: 'Unauthorized' });
    if (path === '/api/user') return send(res, 200, u);
    if (path === '/api/datasources') return send(res, 200, [{ id: 1, uid: 'prometheus', name: 'Prometheus', type: 'prometheus', isDefault: true }, { id: 2, uid: 'loki', name: 'Loki', type: 'loki' }]);
    if (path === '/api/search') {
      const q = (url.searchParams.get('query') ?? '').toLowerCase();
      const tags = url.searchParams.getAll('tag');
      const hits = [...dashboards.values()]
        .map(({ dashboard: d }) => ({ id: 1, uid: d.uid, title: d.title, uri: `db/${slug(d.title)}`, url: `/d/${d.uid}/${slug(d.title)}`, slug: slug(d.title), type: 'dash-db', tags: d.tags ?? [], isStarred: false, folderTitle: 'Claude Code' }))
        .filter((h) => h.title.toLowerCase().includes(q) && tags.every((t) => h.tags.includes(t)))
        .sort((a, b) => a.title.localeCompare(b.title));
      return send(res, 200, hits);
    }
    let m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
    if (m) {
      const e = dashboards.get(decodeURIComponent(m[1]));
      if (!e) return send(res, 404, { message: 'Dashboard not found' });
      if (req.method === 'DELETE') {
        if (e.source !== 'imported' || u.role !== 'Admin') return send(res, 403, { message: 'Cannot delete provisioned dashboard' });
        dashboards.delete(e.dashboard.uid);
        return send(res, 200, { title: e.dashboard.title, message: `Dashboard ${e.dashboard.title} deleted`, id: 1 });
      }
      return send(res, 200, { dashboard: e.dashboard, meta: { type: 'db', canSave: u.role === 'Admin', canEdit: u.role === 'Admin', slug: slug(e.dashboard.title), url: `/d/${e.dashboard.uid}/${slug(e.dashboard.title)}`, provisioned: e.source === 'provisioned', folderTitle: 'Claude Code', source: e.source } });
    }
    if (path === '/api/dashboards/db') {
      if (u.role !== 'Admin') return send(res, 403, { message: 'Permission denied' });
      const d = body.dashboard;
      if (!d || !Array.isArray(d.panels) || !d.title) return send(res, 400, { message: 'Dashboard must have a title and a panels array' });
      d.uid ||= Math.random().toString(36).slice(2, 11);
      const existing = dashboards.get(d.uid);
      if (existing && !body.overwrite) return send(res, 412, { status: 'version-mismatch', message: 'A dashboard with the same uid already exists' });
      if (existing && existing.source !== 'imported') return send(res, 403, { message: 'Cannot save provisioned dashboard' });
      dashboards.set(d.uid, { dashboard: d, source: 'imported' });
      return send(res, 200, { id: 1, uid: d.uid, url: `/d/${d.uid}/${slug(d.title)}`, status: 'success', version: 1, slug: slug(d.title) });
    }
    if (path === '/api/variables/options') {
      const vals = VALUES[body.name] ?? ['a', 'b', 'c'];
      return send(res, 200, { options: vals.map((v) => ({ text: v, value: v })) });
    }
    if (path === '/api/panels/query') {
      const e = dashboards.get(body.dashboardUid);
      const panel = body.panel ?? (e && findPanel(e.dashboard.panels, body.panelId));
      if (!panel) return send(res, 404, { message: 'Panel not found' });
      const from = parseTime(body.from, now);
      const to = parseTime(body.to, now);
      const queries = [];
      const frames = [];
      for (const t of panel.targets ?? []) {
        const expr = (t.expr ?? '').replace(/\$__range/g, `${Math.round((to - from) / 1000)}s`).replace(/\$__auto|\$__interval/g, '1m');
        const q = { refId: t.refId ?? 'A', datasource: { type: t.datasource?.type ?? 'prometheus', uid: t.datasource?.type ?? 'prometheus' }, expr, kind: panel.type === 'logs' ? 'logs' : 'range' };
        try {
          frames.push(...framesFor(panel, t, from, to, body.maxDataPoints ?? 800));
        } catch (err) {
          q.error = err.message;
        }
        queries.push(q);
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
      return send(res, 200, { from, to, intervalMs: Math.max(15000, Math.floor((to - from) / (body.maxDataPoints ?? 800))), queries, frames });
    }
    if (path === '/api/ds/query') {
      const from = parseTime(body.from, now);
      const to = parseTime(body.to, now);
      const results = {};
      for (const q of body.queries ?? []) {
        const sid = /session_id="([^"]*)"/.exec(q.expr ?? '')?.[1];
        try {
          const frames = sid ? [logFrame(from, to, 23, sid, q.direction === 'forward')] : framesFor({ type: q.expr?.trim().startsWith('{') ? 'logs' : 'timeseries', targets: [q] }, q, from, to, q.maxDataPoints ?? 800);
          results[q.refId ?? 'A'] = { status: 200, frames };
        } catch (err) {
          results[q.refId ?? 'A'] = { status: 400, frames: [], error: err.message };
        }
      }
      return send(res, 200, { results });
    }
    return send(res, 404, { message: 'Not found' });
  }
  // Static files; any other GET answers index.html (client-side routing).
  let file = join(dist, path);
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
    if (path.startsWith('/assets/')) return send(res, 404, 'not found');
    file = join(dist, 'index.html');
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log(`mock otelite UI on http://127.0.0.1:${port} (${dashboards.size} dashboards)`));
