// One Claude Code session's events grouped by prompt: each group starts with the user's prompt,
// then tool decisions, tool results and API requests/errors (chronological within each kind).
// Events without a prompt id form their own group.

import { toNumber, type DataFrame } from '../data/frames';

export interface LogEntry {
  time: number; // ms
  tsNs: string;
  line: string;
  labels: Record<string, string>;
  id: string;
}

export interface SessionEvent extends LogEntry {
  event: string;
}

export interface PromptGroup {
  promptId: string | null;
  prompt?: string | undefined;
  events: SessionEvent[];
  start: number;
  end: number;
  durationMs: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  totalTokens: number;
  apiRequests: number;
  apiErrors: number;
  toolCalls: number;
  toolFailures: number;
}

const ORDER: Record<string, number> = {
  user_prompt: 0,
  tool_decision: 1,
  tool_result: 2,
  api_request: 3,
  api_error: 3,
};

function labelsOf(v: unknown): Record<string, string> {
  if (typeof v === 'string') {
    try {
      return labelsOf(JSON.parse(v));
    } catch {
      return {};
    }
  }
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  }
  return out;
}

/** Reads a Loki log-lines frame (labels, Time, Line, tsNs, id) into entries. */
export function logEntries(frame: DataFrame): LogEntry[] {
  const by = (name: string) => frame.fields.find((f) => f.name === name);
  const labels = by('labels') ?? frame.fields.find((f) => f.type === 'other');
  const time = by('Time') ?? by('time') ?? frame.fields.find((f) => f.type === 'time');
  const line = by('Line') ?? by('line') ?? by('body') ?? frame.fields.find((f) => f.type === 'string');
  const tsNs = by('tsNs');
  const id = by('id');
  const out: LogEntry[] = [];
  for (let i = 0; i < frame.length; i++) {
    const t = toNumber(time?.values[i]) ?? 0;
    const ns = tsNs?.values[i];
    out.push({
      time: t,
      tsNs: typeof ns === 'string' ? ns : String(Math.round(t * 1e6)),
      line: line ? String(line.values[i] ?? '') : '',
      labels: labelsOf(labels?.values[i]),
      id: id ? String(id.values[i] ?? i) : String(i),
    });
  }
  return out;
}

/** The event's name: event_name (event.name) label, else the body "claude_code.<name>". */
export function eventName(e: LogEntry): string {
  const l = e.labels;
  const name = l.event_name ?? l['event.name'] ?? l.event ?? '';
  if (name) return name.replace(/^claude_code\./, '');
  const m = /^claude_code\.([a-z_]+)/.exec(e.line.trim());
  return m ? m[1]! : '';
}

export function promptIdOf(e: LogEntry): string | null {
  const v = e.labels.prompt_id ?? e.labels['prompt.id'];
  return v ? v : null;
}

function numLabel(e: LogEntry, ...names: string[]): number {
  for (const n of names) {
    const v = e.labels[n];
    if (v !== undefined && v !== '') {
      const x = Number(v);
      if (Number.isFinite(x)) return x;
    }
  }
  return 0;
}

/** Compares nanosecond timestamps (strings of digits) without losing precision. */
function compareNs(a: LogEntry, b: LogEntry): number {
  if (a.tsNs.length !== b.tsNs.length) return a.tsNs.length - b.tsNs.length;
  return a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0;
}

export function groupSession(entries: LogEntry[]): PromptGroup[] {
  const sorted = entries.slice().sort(compareNs);
  const groups = new Map<string, SessionEvent[]>();
  const NO_PROMPT = '\u0000none';
  for (const e of sorted) {
    const key = promptIdOf(e) ?? NO_PROMPT;
    const list = groups.get(key) ?? [];
    list.push({ ...e, event: eventName(e) });
    groups.set(key, list);
  }
  const out: PromptGroup[] = [];
  for (const [key, list] of groups) {
    // Stable: within one kind the order stays chronological.
    const events = list
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (ORDER[a.e.event] ?? 4) - (ORDER[b.e.event] ?? 4) || a.i - b.i)
      .map((x) => x.e);
    const g: PromptGroup = {
      promptId: key === NO_PROMPT ? null : key,
      events,
      start: Math.min(...list.map((e) => e.time)),
      end: Math.max(...list.map((e) => e.time)),
      durationMs: 0,
      costUsd: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
      totalTokens: 0,
      apiRequests: 0,
      apiErrors: 0,
      toolCalls: 0,
      toolFailures: 0,
    };
    for (const e of events) {
      if (e.event === 'user_prompt' && g.prompt === undefined) g.prompt = e.labels.prompt;
      if (e.event === 'api_request') {
        g.apiRequests++;
        g.costUsd += numLabel(e, 'cost_usd', 'cost');
        g.inputTokens += numLabel(e, 'input_tokens');
        g.outputTokens += numLabel(e, 'output_tokens');
        g.cacheReadTokens += numLabel(e, 'cache_read_tokens');
        g.cacheCreationTokens += numLabel(e, 'cache_creation_tokens');
      } else if (e.event === 'api_error') {
        g.apiErrors++;
      } else if (e.event === 'tool_result') {
        g.toolCalls++;
        if (e.labels.success === 'false') g.toolFailures++;
      }
    }
    g.totalTokens = g.inputTokens + g.outputTokens + g.cacheReadTokens + g.cacheCreationTokens;
    // The prompt's wall time: from its first event to its last (events are logged when done).
    g.durationMs = g.end - g.start;
    out.push(g);
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

export interface SessionTotals {
  prompts: number;
  costUsd: number;
  totalTokens: number;
  apiRequests: number;
  apiErrors: number;
  toolCalls: number;
  start: number;
  end: number;
}

export function sessionTotals(groups: PromptGroup[]): SessionTotals {
  const t: SessionTotals = {
    prompts: groups.filter((g) => g.promptId !== null).length,
    costUsd: 0,
    totalTokens: 0,
    apiRequests: 0,
    apiErrors: 0,
    toolCalls: 0,
    start: Infinity,
    end: -Infinity,
  };
  for (const g of groups) {
    t.costUsd += g.costUsd;
    t.totalTokens += g.totalTokens;
    t.apiRequests += g.apiRequests;
    t.apiErrors += g.apiErrors;
    t.toolCalls += g.toolCalls;
    t.start = Math.min(t.start, g.start);
    t.end = Math.max(t.end, g.end);
  }
  return t;
}

/** The LogQL query for one session (the id is quoted as a LogQL string). */
export function sessionQuery(sessionId: string): string {
  const quoted = sessionId.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `{service_name=~".+"} | session_id="${quoted}"`;
}
