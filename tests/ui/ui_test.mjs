#!/usr/bin/env node
// Browser tests of otelite's web UI on :3001, in Debian's headless Chromium driven by
// playwright-core:
//
//   node ui_test.mjs --otelite BIN --suite dashboards|login|seed --artifacts DIR
//                    [--chromium /usr/bin/chromium] [--shared ../shared] [--keep]
//
// Each suite starts `otelite serve` on free ports with a fresh data directory, sends known Claude
// Code telemetry over OTLP/HTTP (data.mjs), opens pages and checks what they draw:
//  - dashboards: the dashboard list; the Overview's six totals, a donut's slices and a table equal
//    what was sent; the Deep Dive's counts and its prompt log show the prompt text; a time-range
//    change and a variable change query again and change the numbers; the session view; screenshots
//    of both dashboards go to --artifacts.
//  - login: with login on, pages send you to /login; wrong passwords are refused; the admin logs
//    in and out; a viewer cannot import dashboards.
//  - seed: the seed stack's own Grafana dashboards (../shared/compat/seed-dashboards), loaded with
//    --dashboards, draw every panel and show the numbers their queries give through the
//    Prometheus and Loki APIs (skipped, exit 77, without ../shared).
//
// Exit status: 0 pass, 1 fail, 77 skip.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Checks, EXIT_SKIP, describeExit, fetchText, freePorts, log, makeTempDir, parseArgs, startProcess,
  stopProcess, tailText, waitFor,
} from '../e2e/lib.mjs';
import { SESSIONS, TRUTH, loadData } from './data.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2), {
  otelite: '', suite: 'dashboards', artifacts: '', chromium: '/usr/bin/chromium',
  shared: path.join(HERE, '..', '..', '..', 'shared'), keep: false,
});

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  log('FAIL  playwright-core is not installed: run `make deps` (npm ci in tests/ui)');
  process.exit(1);
}
if (!fs.existsSync(args.chromium)) {
  log(`FAIL  no Chromium at ${args.chromium}: run \`make deps\` (installs Debian's chromium)`);
  process.exit(1);
}
const artifacts = args.artifacts || makeTempDir('otelite-ui-artifacts-');
fs.mkdirSync(artifacts, { recursive: true });

const checks = new Checks();

// Starts otelite with the UI on a free port; returns {proc, ui, otlp, prom, loki, dir}.
async function startOtelite(extra = []) {
  const dir = makeTempDir('otelite-ui-');
  const [otlp, prom, loki, ui] = await freePorts(4);
  const proc = startProcess('otelite', args.otelite, [
    'serve', '--listen', '127.0.0.1', '--data', path.join(dir, 'data'),
    '--otlp.grpc.port', '0', '--otlp.http.port', String(otlp), '--exporter.port', '0',
    '--prometheus.port', String(prom), '--loki.port', String(loki), '--ui.port', String(ui),
    ...extra,
  ], { logFile: path.join(artifacts, `otelite-${args.suite}.log`) });
  await waitFor('otelite UI /api/health', async () => {
    if (proc.exited) throw new Error(`otelite ${describeExit(proc.exited)}: ${tailText(proc.stderr)}`);
    return (await fetchText(`http://127.0.0.1:${ui}/api/health`)).status === 200;
  }, { timeoutMs: 15000 });
  return { proc, dir, otlp, prom, loki, ui, base: `http://127.0.0.1:${ui}` };
}

async function promQuery(server, query, timeSec) {
  const url = `http://127.0.0.1:${server.prom}/api/v1/query?query=${encodeURIComponent(query)}` +
    (timeSec ? `&time=${timeSec}` : '');
  const r = await fetchText(url);
  if (r.status !== 200) throw new Error(`${query}: ${r.status} ${r.body}`);
  return JSON.parse(r.body).data.result;
}

async function lokiQuery(server, query, timeSec) {
  const url = `http://127.0.0.1:${server.loki}/loki/api/v1/query?query=${encodeURIComponent(query)}` +
    (timeSec ? `&time=${timeSec}` : '');
  const r = await fetchText(url);
  if (r.status !== 200) throw new Error(`${query}: ${r.status} ${r.body}`);
  return JSON.parse(r.body).data.result;
}

// Sends the known data and waits until both stores answer with it.
async function fill(server, nowMs) {
  await loadData(server.otlp, nowMs);
  await waitFor('the cost in the Prometheus API', async () => {
    const r = await promQuery(server, 'sum(last_over_time(claude_code_cost_usage_USD_total[1h]))');
    return r.length === 1 && Math.abs(Number(r[0].value[1]) - TRUTH.cost) < 1e-9;
  }, { timeoutMs: 10000 });
  await waitFor('the prompts in the Loki API', async () => {
    const r = await lokiQuery(server, 'sum(count_over_time({service_name="claude-code"} | event_name="user_prompt" [1h]))');
    return r.length === 1 && Number(r[0].value[1]) === TRUTH.prompts;
  }, { timeoutMs: 10000 });
}

// The panel whose title is `title` (exact), once it has finished loading.
async function panelByTitle(page, title) {
  const panel = page.locator('[data-testid^="panel-"]').filter({
    has: page.getByText(title, { exact: true }),
  }).first();
  await panel.waitFor({ state: 'visible', timeout: 15000 });
  await page.waitForFunction((el) => !el.querySelector('[data-loading="true"]') &&
    el.getAttribute('data-loading') !== 'true', await panel.elementHandle(), { timeout: 15000 });
  return panel;
}

// Waits until no panel is loading.
async function allPanelsDrawn(page) {
  await page.waitForFunction(() => {
    const panels = [...document.querySelectorAll('[data-testid^="panel-"][data-panel-type]')]
      .filter((p) => p.getAttribute('data-panel-type') !== 'row');
    return panels.length > 0 && panels.every((p) => p.getAttribute('data-loading') === 'false');
  }, null, { timeout: 30000 });
}

async function statText(page, title) {
  const panel = await panelByTitle(page, title);
  return (await panel.locator('[data-testid="stat-value"]').first().innerText()).trim();
}

async function legendItems(page, title) {
  const panel = await panelByTitle(page, title);
  return (await panel.locator('[data-testid="legend-item"]').allInnerTexts()).map((s) => s.trim());
}

// Counts POST /api/panels/query requests from now on.
function countPanelQueries(page) {
  const counter = { n: 0 };
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/api/panels/query') counter.n++;
  });
  return counter;
}

async function withBrowser(fn) {
  const browser = await chromium.launch({
    executablePath: args.chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await fn(page, context, consoleErrors);
  } finally {
    await browser.close();
  }
}

async function fullScreenshot(page, name) {
  const file = path.join(artifacts, name);
  await page.screenshot({ path: file, fullPage: true });
  log(`      screenshot ${file}`);
}

// ---------------------------------------------------------------------------------------

async function suiteDashboards() {
  const server = await startOtelite();
  try {
    const now = Date.now();
    await fill(server, now);
    await withBrowser(async (page, _context, consoleErrors) => {
      // The list.
      await page.goto(`${server.base}/`);
      await page.locator('a[href^="/d/claude-code-personal"]').first().waitFor({ timeout: 15000 });
      checks.ok(await page.locator('a[href^="/d/claude-code-deep"]').count() > 0,
        'the dashboard list links both dashboards');

      // The Overview over the last hour.
      const queries = countPanelQueries(page);
      await page.goto(`${server.base}/d/claude-code-personal/overview?from=now-1h&to=now`);
      checks.equal(await statText(page, 'Total Cost'), '$2.50', 'Overview: Total Cost');
      checks.equal(await statText(page, 'Total Sessions'), String(TRUTH.sessions), 'Overview: Total Sessions');
      checks.equal(await statText(page, 'Total Tokens'), '5.60 K', 'Overview: Total Tokens');
      checks.equal(await statText(page, 'Git Commits'), String(TRUTH.commits), 'Overview: Git Commits');
      checks.equal(await statText(page, 'Pull Requests'), String(TRUTH.pullRequests), 'Overview: Pull Requests');
      const lines = await statText(page, 'Lines of Code');
      checks.ok(lines === String(TRUTH.linesAdded + TRUTH.linesRemoved) || lines === String(TRUTH.linesAdded),
        'Overview: Lines of Code', lines);
      const slices = await legendItems(page, 'Cost Distribution by Model');
      checks.ok(slices.length === 2 && slices.some((s) => s.includes('claude-opus-4-1')) &&
        slices.some((s) => s.includes('claude-sonnet-4-5')), 'Overview: the cost donut has one slice per model',
      JSON.stringify(slices));
      const rows = await (await panelByTitle(page, 'Cost by Session')).locator('[data-testid="table-row"]').allInnerTexts();
      checks.ok(rows.length === 2 && rows.some((r) => r.includes(SESSIONS[0].id) && r.includes('$2.00')),
        'Overview: the Cost by Session table', JSON.stringify(rows));
      await fullScreenshot(page, 'overview.png');
      // Every panel was asked for once (variables settling must not query everything again).
      await allPanelsDrawn(page);
      const panelCount = await page.locator('[data-testid^="panel-"][data-panel-type]:not([data-panel-type="row"])').count();
      checks.equal(queries.n, panelCount, 'opening the Overview queries each panel once');

      // A narrower time range queries again and drops what is older.
      const before = queries.n;
      await page.goto(`${server.base}/d/claude-code-personal/overview?from=now-2m&to=now`);
      const narrow = await statText(page, 'Total Cost');
      checks.ok(queries.n > before, 'a time-range change queries the panels again', `${queries.n - before} queries`);
      checks.ok(narrow !== '$2.50', 'the last 2 minutes hold none of the cost', narrow);

      // A template variable narrows every panel.
      await page.goto(`${server.base}/d/claude-code-personal/overview?from=now-1h&to=now&var-model=claude-sonnet-4-5`);
      checks.equal(await statText(page, 'Total Cost'), '$0.50', 'var-model=claude-sonnet-4-5: Total Cost');

      // The Deep Dive.
      await page.goto(`${server.base}/d/claude-code-deep/deep-dive?from=now-1h&to=now`);
      checks.equal(await statText(page, 'Total Prompts'), String(TRUTH.prompts), 'Deep Dive: Total Prompts');
      checks.equal(await statText(page, 'Total API Requests'), String(TRUTH.apiRequests), 'Deep Dive: API Requests');
      checks.equal(await statText(page, 'API Errors'), '0', 'Deep Dive: no API errors is 0, not "No data"');
      const logRows = await (await panelByTitle(page, 'Prompt Log (Recent Prompts)')).locator('[data-testid="log-row"]').allInnerTexts();
      checks.ok(logRows.length === TRUTH.prompts && logRows.some((r) => r.includes(TRUTH.promptText)),
        'Deep Dive: the prompt log shows the prompts', JSON.stringify(logRows));
      await fullScreenshot(page, 'deep-dive.png');

      // The session view groups one session's events by prompt.
      await page.goto(`${server.base}/session/${SESSIONS[0].id}?from=now-1h&to=now`);
      await page.getByText(TRUTH.promptText).first().waitFor({ timeout: 15000 });
      const body = await page.locator('body').innerText();
      checks.ok(body.includes('Now run the tests') && !body.includes('Explain this stack trace'),
        'the session view shows this session\'s prompts and no other session\'s');
      await fullScreenshot(page, 'session.png');

      checks.ok(consoleErrors.length === 0, 'no errors in the browser console', consoleErrors.join(' | '));
    });
  } finally {
    await stopProcess(server.proc);
    if (!args.keep) fs.rmSync(server.dir, { recursive: true, force: true });
  }
}

async function suiteLogin() {
  const server = await startOtelite(['--ui.auth', 'on', '--ui.admin_password', 'correct horse',
    '--ui.viewer_password', 'just looking']);
  try {
    await fill(server, Date.now());
    await withBrowser(async (page, context) => {
      await page.goto(`${server.base}/d/claude-code-personal/overview?from=now-1h`);
      await page.waitForURL(/\/login/, { timeout: 15000 });
      checks.ok(page.url().includes('/login'), 'a dashboard sends an anonymous user to /login', page.url());

      await page.getByTestId('login-user').fill('admin');
      await page.getByTestId('login-password').fill('wrong');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-error').waitFor({ timeout: 10000 });
      checks.ok(/invalid/i.test(await page.getByTestId('login-error').innerText()),
        'a wrong password is refused with a message');

      await page.getByTestId('login-password').fill('correct horse');
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/d\/claude-code-personal/, { timeout: 15000 });
      checks.equal(await statText(page, 'Total Cost'), '$2.50', 'after login the Overview shows the data');
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'otelite_session');
      checks.ok(session && session.httpOnly && session.sameSite === 'Strict',
        'the session cookie is HttpOnly and SameSite=Strict');

      await page.goto(`${server.base}/logout`);
      await page.waitForURL(/\/login/, { timeout: 15000 });
      const after = await page.evaluate(async () => (await fetch('/api/user')).status);
      checks.equal(after, 401, 'after logout the API refuses the browser');

      // A viewer sees dashboards but cannot import one.
      await page.getByTestId('login-user').fill('viewer');
      await page.getByTestId('login-password').fill('just looking');
      await page.getByTestId('login-submit').click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 });
      const status = await page.evaluate(async () => (await fetch('/api/dashboards/db', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dashboard: { title: 'mine', panels: [] } }),
      })).status);
      checks.equal(status, 403, 'a viewer cannot import a dashboard');
    });
  } finally {
    await stopProcess(server.proc);
    if (!args.keep) fs.rmSync(server.dir, { recursive: true, force: true });
  }
}

async function suiteSeed() {
  const seedDir = path.join(args.shared, 'compat', 'seed-dashboards');
  if (!fs.existsSync(seedDir)) {
    log(`SKIP  ${seedDir} does not exist (a clone without ../shared): the seed dashboards are not checked`);
    process.exit(EXIT_SKIP);
  }
  const server = await startOtelite(['--dashboards', seedDir]);
  try {
    const now = Date.now();
    await fill(server, now);
    const to = now + 60000;
    const from = to - 3600000;
    await withBrowser(async (page, _context, consoleErrors) => {
      // The seed's Overview replaces the builtin one (same uid); its Total Cost shows what its
      // query gives through the Prometheus API for the same range.
      await page.goto(`${server.base}/d/claude-code-personal/claude-code-personal-observability?from=${from}&to=${to}`);
      const expected = await promQuery(server, 'sum(increase(claude_code_cost_usage_USD_total[3600s]))', to / 1000);
      const shown = await statText(page, 'Total Cost (USD)');
      const value = Number(expected[0]?.value[1]);
      checks.equal(shown, `$${value.toFixed(2)}`, 'seed Overview: Total Cost (USD) shows its query\'s value');
      const panels = await page.locator('[data-testid^="panel-"][data-panel-type]').count();
      const seedPanels = JSON.parse(fs.readFileSync(path.join(seedDir, 'claude-code-dashboard.json'), 'utf8')).panels.length;
      checks.equal(panels, seedPanels, 'seed Overview: every panel and row of its JSON is drawn');
      checks.equal(await page.getByText('not supported:').count(), 0, 'seed Overview: no unsupported panel');
      await fullScreenshot(page, 'seed-overview.png');

      await page.goto(`${server.base}/d/claude-code-deep/claude-code-deep-dive?from=${from}&to=${to}`);
      // The seed's counts are not summed: one series per event (every event has its own
      // structured metadata), so its stat shows one value per prompt, as Grafana does.
      const perEvent = await lokiQuery(server,
        'count_over_time({service_name="claude-code"} | event_name="user_prompt" [3600s])', to / 1000);
      const stats = await (await panelByTitle(page, 'Total Prompts')).locator('[data-testid="stat-value"]').allInnerTexts();
      checks.equal(JSON.stringify(stats.map((t) => t.trim()).sort()),
        JSON.stringify(perEvent.map((r) => String(Number(r.value[1]))).sort()),
        'seed Deep Dive: Total Prompts shows one value per series of its query');
      const logRows = await (await panelByTitle(page, 'Prompt Log (Recent Prompts)')).locator('[data-testid="log-row"]').allInnerTexts();
      checks.ok(logRows.some((r) => r.includes(TRUTH.promptText)), 'seed Deep Dive: the prompt log shows the prompt');
      await fullScreenshot(page, 'seed-deep-dive.png');
      checks.ok(consoleErrors.length === 0, 'no errors in the browser console', consoleErrors.join(' | '));
    });
  } finally {
    await stopProcess(server.proc);
    if (!args.keep) fs.rmSync(server.dir, { recursive: true, force: true });
  }
}

const suites = { dashboards: suiteDashboards, login: suiteLogin, seed: suiteSeed };
if (!suites[args.suite]) {
  log(`FAIL  unknown --suite ${args.suite}`);
  process.exit(1);
}
try {
  await suites[args.suite]();
} catch (e) {
  checks.ok(false, `suite ${args.suite} ran to the end`, e.stack || String(e));
}
log(`${checks.count - checks.failures.length}/${checks.count} checks passed; artifacts in ${artifacts}`);
process.exit(checks.failures.length === 0 ? 0 : 1);
