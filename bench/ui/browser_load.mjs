#!/usr/bin/env node
// browser_load: how long a person waits for a dashboard in a real browser. Debian's headless
// Chromium (playwright-core from tests/ui/node_modules) opens otelite's dashboards on a data
// directory prepared by dashboard_load.mjs (--data DIR with its uibench.json) and times, per
// dashboard and range, navigation → every panel drawn (no panel with data-loading="true"),
// cold (first load after the server started) and warm (median of --runs reloads), plus the
// browser's JS heap and the number of points the time-series panels hold.
//
//   node bench/ui/browser_load.mjs --otelite build/release/otelite --data /tmp/uibench/full
//        [--runs 3] [--chromium /usr/bin/chromium] [--json-out F]
//
// Ranges are absolute (the data's end), as in dashboard_load.mjs. The page is 1600×1000 and the
// whole dashboard is attached (the app queries every panel of the open rows at once).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = { runs: 3, chromium: '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i].replace(/^--/, '');
  args[k.replace(/-(.)/g, (_, c) => c.toUpperCase())] = process.argv[++i];
}
if (!args.otelite || !args.data) {
  console.error('usage: node bench/ui/browser_load.mjs --otelite BIN --data DIR [--runs N] [--json-out F]');
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(args.data, 'uibench.json'), 'utf8'));
const { chromium } = await import(path.join(HERE, '..', '..', 'tests', 'ui', 'node_modules', 'playwright-core', 'index.mjs'));

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function startServer() {
  const port = await freePort();
  const child = spawn(args.otelite, ['serve', '--data', args.data, '--otlp.grpc.port', '0',
    '--otlp.http.port', '0', '--exporter.port', '0', '--prometheus.port', '0', '--loki.port', '0',
    '--ui.port', String(port), '--metrics.retention', '3650d', '--logs.retention', '3650d'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return { child, port };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('otelite did not start');
}

const DAY = 86400000;
const cases = [
  { uid: 'claude-code-personal', name: 'Overview', range: '24 h', to: manifest.metrics.end_ms, span: DAY },
  { uid: 'claude-code-personal', name: 'Overview', range: '7 d', to: manifest.metrics.end_ms, span: 7 * DAY },
  { uid: 'claude-code-deep', name: 'Deep Dive', range: '24 h', to: manifest.events.end_ms, span: DAY },
  { uid: 'claude-code-deep', name: 'Deep Dive', range: '31 d', to: manifest.events.end_ms, span: 31 * DAY },
];

async function loadOnce(page, url) {
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => {
    const panels = [...document.querySelectorAll('[data-testid^="panel-"][data-panel-type]')]
      .filter((p) => p.getAttribute('data-panel-type') !== 'row');
    return panels.length > 0 && panels.every((p) => p.getAttribute('data-loading') === 'false');
  }, null, { timeout: 300000, polling: 50 });
  return Date.now() - t0;
}

const results = [];
const browser = await chromium.launch({ executablePath: args.chromium, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  for (const c of cases) {
    const server = await startServer();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
      const url = `http://127.0.0.1:${server.port}/d/${c.uid}?from=${c.to - c.span}&to=${c.to}&refresh=`;
      const cold = await loadOnce(page, url);
      const warm = [];
      for (let i = 0; i < Number(args.runs); i++) warm.push(await loadOnce(page, url));
      warm.sort((a, b) => a - b);
      const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
      const r = { dashboard: c.name, range: c.range, cold_ms: cold, warm_ms: warm[Math.floor(warm.length / 2)], js_heap_mb: heap / 1048576 };
      results.push(r);
      console.log(`${c.name} ${c.range}: cold ${cold} ms, warm ${r.warm_ms} ms, JS heap ${r.js_heap_mb.toFixed(1)} MB`);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.on('exit', r));
    }
  }
} finally {
  await browser.close();
}
if (args.jsonOut) fs.writeFileSync(args.jsonOut, JSON.stringify(results, null, 2));
