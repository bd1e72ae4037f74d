import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../data/frames';
import { groupSession, logEntries, sessionQuery, sessionTotals, type LogEntry } from './group';

let seq = 0;
function ev(ms: number, event: string, labels: Record<string, string> = {}): LogEntry {
  seq++;
  return {
    time: ms,
    tsNs: String(ms) + '000000',
    line: `claude_code.${event}`,
    labels: { event_name: event, session_id: 's1', ...labels },
    id: String(seq),
  };
}

describe('groupSession', () => {
  const entries = [
    ev(1000, 'user_prompt', { prompt_id: 'p1', prompt: 'fix the bug' }),
    ev(2000, 'api_request', { prompt_id: 'p1', cost_usd: '0.25', input_tokens: '100', output_tokens: '50', cache_read_tokens: '1000' }),
    ev(3000, 'tool_decision', { prompt_id: 'p1', decision: 'accept' }),
    ev(4000, 'tool_result', { prompt_id: 'p1', success: 'false' }),
    ev(5000, 'api_request', { prompt_id: 'p1', cost_usd: '0.5', input_tokens: '10', output_tokens: '5' }),
    ev(9000, 'user_prompt', { prompt_id: 'p2' }),
    ev(9500, 'api_error', { prompt_id: 'p2' }),
    ev(500, 'session_start'),
  ];

  it('groups by prompt, ordered by first event, events in the prompt → decisions → results → API order', () => {
    const groups = groupSession(entries.slice().reverse());
    expect(groups.map((g) => g.promptId)).toEqual([null, 'p1', 'p2']);
    expect(groups[1]!.events.map((e) => e.event)).toEqual([
      'user_prompt',
      'tool_decision',
      'tool_result',
      'api_request',
      'api_request',
    ]);
    expect(groups[1]!.events.filter((e) => e.event === 'api_request').map((e) => e.time)).toEqual([2000, 5000]);
    expect(groups[0]!.events.map((e) => e.event)).toEqual(['session_start']);
  });

  it('sums cost, tokens and duration per prompt', () => {
    const p1 = groupSession(entries).find((g) => g.promptId === 'p1')!;
    expect(p1.costUsd).toBeCloseTo(0.75, 10);
    expect(p1.inputTokens).toBe(110);
    expect(p1.outputTokens).toBe(55);
    expect(p1.totalTokens).toBe(1165);
    expect(p1.durationMs).toBe(4000);
    expect(p1.toolCalls).toBe(1);
    expect(p1.toolFailures).toBe(1);
    expect(p1.prompt).toBe('fix the bug');
    const p2 = groupSession(entries).find((g) => g.promptId === 'p2')!;
    expect(p2.apiErrors).toBe(1);
    expect(p2.costUsd).toBe(0);
  });

  it('totals the session', () => {
    const t = sessionTotals(groupSession(entries));
    expect(t.prompts).toBe(2);
    expect(t.costUsd).toBeCloseTo(0.75, 10);
    expect(t.apiRequests).toBe(2);
    expect(t.start).toBe(500);
    expect(t.end).toBe(9500);
  });

  it('reads event names from dotted labels and from the body', () => {
    const e1: LogEntry = { time: 1, tsNs: '1', line: 'x', labels: { 'event.name': 'claude_code.tool_result', 'prompt.id': 'p' }, id: 'a' };
    const e2: LogEntry = { time: 2, tsNs: '2', line: 'claude_code.user_prompt', labels: { prompt_id: 'p' }, id: 'b' };
    const g = groupSession([e1, e2]);
    expect(g).toHaveLength(1);
    expect(g[0]!.events.map((e) => e.event)).toEqual(['user_prompt', 'tool_result']);
  });
});

describe('logEntries', () => {
  it('reads a log-lines frame', () => {
    const f = decodeFrame({
      schema: {
        meta: { type: 'log-lines' },
        fields: [
          { name: 'labels', type: 'other' },
          { name: 'Time', type: 'time' },
          { name: 'Line', type: 'string' },
          { name: 'tsNs', type: 'string' },
          { name: 'id', type: 'string' },
        ],
      },
      data: { values: [[{ a: 'b', n: 5 }], [1700000000123], ['hello'], ['1700000000123456789'], ['x1']] },
    });
    expect(logEntries(f)).toEqual([
      { time: 1700000000123, tsNs: '1700000000123456789', line: 'hello', labels: { a: 'b', n: '5' }, id: 'x1' },
    ]);
  });
});

describe('sessionQuery', () => {
  it('quotes the id', () => {
    expect(sessionQuery('abc-1')).toBe('{service_name=~".+"} | session_id="abc-1"');
    expect(sessionQuery('a"b\\c')).toBe('{service_name=~".+"} | session_id="a\\"b\\\\c"');
  });
});
