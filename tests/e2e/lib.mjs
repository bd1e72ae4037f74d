// Helpers shared by the end-to-end tests (Node built-ins only): argument parsing, free
// ports, child processes that are always cleaned up, polling, Prometheus text parsing and
// a small check reporter.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const EXIT_SKIP = 77;

export function parseArgs(argv, spec) {
  // spec: {name: default}; flags are --name VALUE, or --name for booleans (default false).
  const out = { ...spec };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (!(name in spec)) throw new Error(`unknown option ${a}`);
    if (typeof spec[name] === 'boolean') out[name] = true;
    else {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      out[name] = argv[++i];
    }
  }
  return out;
}

export function log(msg) {
  const t = new Date().toISOString().slice(11, 23);
  process.stdout.write(`[${t}] ${msg}\n`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Distinct free ports (asked for one at a time, so the OS could hand out the same one twice).
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------------------------------
// Child processes: every one started through startProcess is killed when the test exits,
// whatever the reason (normal end, failure, exception, SIGINT/SIGTERM from CTest).

const children = new Set();

function killAll(signal) {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { c.kill(signal); } catch { /* already gone */ }
    }
  }
}

process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`received ${sig}, stopping child processes`);
    killAll('SIGKILL');
    process.exit(1);
  });
}

// Starts a process, keeping the last `keep` bytes of its stdout/stderr for diagnostics and
// optionally appending everything to a log file. onStdoutLine gets complete stdout lines.
export function startProcess(name, cmd, args, { env, cwd, logFile, onStdoutLine, keep = 64 * 1024 } = {}) {
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const proc = {
    name, child, stdout: '', stderr: '', exited: null,
    exitPromise: null,
  };
  const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  let partial = '';
  child.stdout.on('data', (d) => {
    const s = d.toString('utf8');
    proc.stdout = (proc.stdout + s).slice(-keep);
    logStream?.write(s);
    if (onStdoutLine) {
      partial += s;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (line.trim()) onStdoutLine(line);
      }
    }
  });
  child.stderr.on('data', (d) => {
    const s = d.toString('utf8');
    proc.stderr = (proc.stderr + s).slice(-keep);
    logStream?.write(s);
  });
  proc.exitPromise = new Promise((resolve) => {
    child.on('error', (e) => {
      proc.exited = { code: null, signal: null, error: e };
      children.delete(child);
      resolve(proc.exited);
    });
    child.on('exit', (code, signal) => {
      proc.exited = { code, signal };
      children.delete(child);
      resolve(proc.exited);
    });
  });
  // Close the log once both pipes are drained.
  child.on('close', () => logStream?.end());
  return proc;
}

// SIGTERM, then SIGKILL after graceMs. Returns the exit status.
export async function stopProcess(proc, graceMs = 5000) {
  if (!proc || proc.exited) return proc?.exited;
  try { proc.child.kill('SIGTERM'); } catch { /* gone */ }
  const timer = setTimeout(() => { try { proc.child.kill('SIGKILL'); } catch { /* gone */ } }, graceMs);
  const st = await proc.exitPromise;
  clearTimeout(timer);
  return st;
}

export function describeExit(st) {
  if (!st) return 'still running';
  if (st.error) return `failed to start: ${st.error.message}`;
  return st.signal ? `killed by ${st.signal}` : `exit code ${st.code}`;
}

export function tailText(s, lines = 40) {
  const all = s.split('\n');
  return all.slice(-lines).join('\n');
}

// Polls fn until it returns a truthy value; throws with `what` after timeoutMs. `alive`
// (optional) is checked each round and may throw to stop early (e.g. the server died).
export async function waitFor(what, fn, { timeoutMs = 30000, intervalMs = 200, alive } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    if (alive) alive();
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export async function fetchText(url, init = {}, timeoutMs = 10000) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

// ---------------------------------------------------------------------------------------
// Prometheus text exposition format (0.0.4), minimal: samples with labels; comments skipped.

function parseLabels(s, i, line) {
  // s[i] === '{'; returns [labels, index after '}']
  const labels = {};
  i++;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return [labels, i + 1];
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`bad label set in: ${line}`);
    const name = s.slice(i, eq).trim();
    i = eq + 1;
    if (s[i] !== '"') throw new Error(`label value not quoted in: ${line}`);
    i++;
    let v = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === '\\') {
        const n = s[i + 1];
        v += n === 'n' ? '\n' : n;
        i += 2;
      } else if (c === '"') {
        i++;
        break;
      } else {
        v += c;
        i++;
      }
    }
    labels[name] = v;
  }
}

function parseFloatProm(s) {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`bad sample value ${s}`);
  return v;
}

// Returns {samples: [{name, labels, value, timestampMs}], types: {family: type}}.
export function parsePromText(text) {
  const samples = [];
  const types = {};
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^# TYPE (\S+) (\S+)/.exec(line);
      if (m) types[m[1]] = m[2];
      continue;
    }
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const name = line.slice(0, i);
    let labels = {};
    if (line[i] === '{') [labels, i] = parseLabels(line, i, line);
    const rest = line.slice(i).trim().split(/\s+/);
    samples.push({
      name, labels, value: parseFloatProm(rest[0]),
      timestampMs: rest[1] !== undefined ? Number(rest[1]) : undefined,
    });
  }
  return { samples, types };
}

export function formatLabels(labels) {
  return '{' + Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ') + '}';
}

// ---------------------------------------------------------------------------------------
// Check reporter: every check prints one line; failures are collected and summarised.

export class Checks {
  constructor() { this.failures = []; this.count = 0; }

  ok(cond, what, detail = '') {
    this.count++;
    if (cond) log(`ok    ${what}${detail ? `  (${detail})` : ''}`);
    else {
      log(`FAIL  ${what}${detail ? `: ${detail}` : ''}`);
      this.failures.push(`${what}${detail ? `: ${detail}` : ''}`);
    }
    return !!cond;
  }

  equal(actual, expected, what) {
    return this.ok(actual === expected, what, actual === expected ? `${fmt(actual)}` : `expected ${fmt(expected)}, got ${fmt(actual)}`);
  }

  close(actual, expected, what, rel = 1e-9) {
    const good = typeof actual === 'number' && Number.isFinite(actual) &&
      Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), Math.abs(actual), 1e-300);
    return this.ok(good, what, good ? `${actual}` : `expected ${expected} (±${rel} relative), got ${fmt(actual)}`);
  }
}

function fmt(v) {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function relClose(a, b, rel = 1e-9) {
  return Number.isFinite(a) && Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

// ---------------------------------------------------------------------------------------
// The Claude Code CLI installed by `npm install` in tests/e2e (`dir`): its native binary, or
// {skip: true} when the package is missing, or {bin: null, candidates} when no binary is there.

export function findClaudeBinary(dir) {
  const scope = path.join(dir, 'node_modules', '@anthropic-ai');
  if (!fs.existsSync(scope)) return { skip: true, scope };
  const arch = process.arch === 'x64' ? 'x64' : process.arch;
  const candidates = [
    path.join(scope, `claude-code-${process.platform}-${arch}`, 'claude'),
    path.join(scope, `claude-code-${process.platform}-${arch}-musl`, 'claude'),
    path.join(scope, 'claude-code', 'bin', 'claude.exe'),
  ];
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).size > 1024 * 1024) return { bin: c, scope }; // not the install stub
    } catch { /* next */ }
  }
  return { bin: null, scope, candidates };
}

// What both Claude Code tests need before they start: the CLI's binary and the otelite binary.
// {bin} when both are there; else {exit}: EXIT_SKIP (with the reason printed) when the CLI was
// not installed, 1 (with the reason) when something installed is missing.
export function requireClaudeAndOtelite(dir, otelite) {
  const found = findClaudeBinary(dir);
  if (found.skip) {
    console.log(`SKIP: ${found.scope} is missing: the Claude Code CLI was not installed ` +
      `(run \`npm install\` in tests/e2e, which scripts/deps.sh does when the npm registry is reachable).`);
    return { exit: EXIT_SKIP };
  }
  if (!found.bin) {
    console.error(`FAIL: @anthropic-ai is installed but no native Claude Code binary was found; looked at:\n  ${found.candidates.join('\n  ')}`);
    return { exit: 1 };
  }
  if (!fs.existsSync(otelite)) {
    console.error(`FAIL: otelite binary ${otelite} does not exist`);
    return { exit: 1 };
  }
  return { bin: found.bin };
}

export function claudeVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------
// The end of an end-to-end test.

// Stops `otelite serve` (SIGTERM, SIGKILL after 10 s) and warns when it did not exit cleanly.
export async function stopServer(server) {
  const running = server && !server.exited;
  const exit = await stopProcess(server, 10000);
  if (running && exit.code !== 0 && exit.signal !== 'SIGTERM') {
    log(`warning: otelite serve did not exit cleanly on SIGTERM (${describeExit(exit)})`);
  }
}

// Lists what failed (after `diagnostics()`), or removes the temporary directory (kept with
// `keep`). Returns whether the test passed.
export function finish({ failed, checks, diagnostics, keep, tmp }) {
  const ok = !failed && checks.failures.length === 0;
  if (!ok) {
    diagnostics();
    if (failed) log(`the run stopped early: ${failed}`);
    if (checks.failures.length) log(`${checks.failures.length} of ${checks.count} checks failed:`);
    for (const f of checks.failures) log(`  - ${f}`);
  } else if (keep) {
    log(`temporary files kept in ${tmp}`);
  } else {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return ok;
}
