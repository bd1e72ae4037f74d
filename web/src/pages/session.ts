// One Claude Code session: its events from Loki (oldest first, up to 5000), grouped by prompt
// with per-prompt cost, tokens and duration.

import { api, isAbort } from '../api';
import { decodeFrames } from '../data/frames';
import { formatValue } from '../format/units';
import { logDetails, logFrames } from '../panels/logs';
import { groupSession, logEntries, sessionQuery, sessionTotals, type PromptGroup, type SessionEvent } from '../session/group';
import { formatTime, type TimeZone } from '../time/tz';

import { h, replaceChildren } from '../ui/dom';
import { TimeControls } from '../ui/timecontrols';
import type { Page } from './page';

const MAX_LINES = 5000;

export function eventSummary(e: SessionEvent): string {
  const l = e.labels;
  const parts = (xs: Array<string | undefined | false>) => xs.filter((x) => x).join(' · ');
  switch (e.event) {
    case 'user_prompt':
      return l.prompt ? l.prompt : l.prompt_length ? `prompt of ${l.prompt_length} characters` : e.line;
    case 'tool_decision':
      return parts([l.tool_name, l.decision, l.source && `source ${l.source}`]);
    case 'tool_result':
      return parts([
        l.tool_name,
        l.success === 'false' ? 'failed' : l.success === 'true' ? 'ok' : undefined,
        l.duration_ms && formatValue('ms', Number(l.duration_ms)),
        l.error,
      ]);
    case 'api_request':
      return parts([
        l.model,
        l.cost_usd && formatValue('currencyUSD', Number(l.cost_usd)),
        l.input_tokens && `in ${l.input_tokens}`,
        l.output_tokens && `out ${l.output_tokens}`,
        l.cache_read_tokens && `cache read ${l.cache_read_tokens}`,
        l.duration_ms && formatValue('ms', Number(l.duration_ms)),
      ]);
    case 'api_error':
      return parts([l.model, l.status_code && `status ${l.status_code}`, l.error, l.attempt && `attempt ${l.attempt}`]);
    default:
      return e.line;
  }
}

export class SessionPage implements Page {
  readonly el: HTMLElement;
  private readonly time: TimeControls;
  private readonly content = h('div', { class: 'session-content' }, h('div', { class: 'page-loading' }, 'Loading session…'));
  private controller: AbortController | null = null;
  private lastKey = '';

  constructor(private readonly sessionId: string) {
    document.title = `Session ${sessionId} – otelite`;
    this.time = new TimeControls({ defaultRange: { from: 'now-30d', to: 'now' }, onRefresh: () => void this.load(true) });
    this.el = h(
      'div',
      { class: 'page session-page' },
      h(
        'div',
        { class: 'toolbar' },
        h('nav', { class: 'breadcrumb' }, h('a', { href: '/', 'data-link': '' }, 'Dashboards'), h('span', { class: 'sep' }, '/'), h('h1', { class: 'dash-title' }, 'Session ', h('code', { 'data-testid': 'session-id' }, sessionId))),
        h('div', { class: 'toolbar-spacer' }),
        this.time.el,
      ),
      this.content,
    );
    void this.load();
  }

  onUrl(): void {
    this.time.render();
    void this.load();
  }

  private async load(force = false): Promise<void> {
    const range = this.time.range;
    const key = JSON.stringify([range, this.time.timeZone]);
    if (!force && key === this.lastKey) return;
    this.lastKey = key;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      const resp = await api.dsQuery(
        {
          from: range.from,
          to: range.to,
          queries: [
            {
              refId: 'A',
              datasource: { type: 'loki', uid: 'loki' },
              expr: sessionQuery(this.sessionId),
              queryType: 'range',
              maxLines: MAX_LINES,
              direction: 'forward',
            },
          ],
        },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      const result = resp.results?.A ?? Object.values(resp.results ?? {})[0];
      if (result?.error) {
        replaceChildren(this.content, h('div', { class: 'panel-error-text' }, result.error));
        return;
      }
      const entries = logFrames(decodeFrames(result?.frames)).flatMap(logEntries);
      this.render(groupSession(entries), entries.length);
    } catch (e) {
      if (isAbort(e)) return;
      replaceChildren(this.content, h('div', { class: 'panel-error-text' }, e instanceof Error ? e.message : String(e)));
    }
  }

  private render(groups: PromptGroup[], count: number): void {
    const tz = this.time.timeZone;
    if (groups.length === 0) {
      replaceChildren(
        this.content,
        h('div', { class: 'page-message' }, h('p', null, `No events for session ${this.sessionId} in this time range.`), h('p', { class: 'hint' }, 'Try a longer range in the time picker.')),
      );
      return;
    }
    const t = sessionTotals(groups);
    const stat = (label: string, value: string, testid?: string) =>
      h('div', { class: 'session-stat' }, h('div', { class: 'session-stat-value', 'data-testid': testid }, value), h('div', { class: 'session-stat-label' }, label));
    const summary = h(
      'div',
      { class: 'session-summary', 'data-testid': 'session-summary' },
      stat('Prompts', String(t.prompts), 'session-prompts'),
      stat('Cost', formatValue('currencyUSD', t.costUsd, 2), 'session-cost'),
      stat('Tokens', formatValue('short', t.totalTokens), 'session-tokens'),
      stat('API requests', String(t.apiRequests)),
      stat('API errors', String(t.apiErrors)),
      stat('Tool calls', String(t.toolCalls)),
      stat('Duration', formatValue('ms', t.end - t.start)),
      stat('Started', formatTime(t.start, tz)),
    );
    const truncated = count >= MAX_LINES ? h('div', { class: 'notice' }, `Showing the first ${MAX_LINES} events of this session.`) : null;
    let promptNo = 0;
    replaceChildren(
      this.content,
      summary,
      truncated,
      groups.map((g) => this.group(g, g.promptId ? ++promptNo : 0, tz)),
    );
  }

  private group(g: PromptGroup, n: number, tz: TimeZone): HTMLElement {
    const title = g.promptId ? `Prompt ${n}` : 'Events without a prompt id';
    const chip = (label: string, value: string, testid?: string) => h('span', { class: 'chip', 'data-testid': testid }, h('b', null, label), ' ', value);
    return h(
      'section',
      { class: 'session-group', 'data-testid': 'session-group', 'data-prompt-id': g.promptId ?? '' },
      h(
        'header',
        { class: 'session-group-header' },
        h('h2', null, title, h('span', { class: 'session-group-time' }, formatTime(g.start, tz))),
        g.prompt ? h('blockquote', { class: 'session-prompt' }, g.prompt.length > 600 ? `${g.prompt.slice(0, 600)}…` : g.prompt) : null,
        h(
          'div',
          { class: 'chips' },
          chip('cost', formatValue('currencyUSD', g.costUsd, 4), 'group-cost'),
          chip('tokens', `${formatValue('short', g.totalTokens)} (in ${g.inputTokens}, out ${g.outputTokens}, cache ${g.cacheReadTokens + g.cacheCreationTokens})`, 'group-tokens'),
          chip('duration', formatValue('ms', g.durationMs), 'group-duration'),
          chip('API', String(g.apiRequests)),
          g.apiErrors ? chip('errors', String(g.apiErrors)) : null,
          chip('tools', g.toolFailures ? `${g.toolCalls} (${g.toolFailures} failed)` : String(g.toolCalls)),
          g.promptId ? h('code', { class: 'prompt-id', title: 'prompt_id' }, g.promptId) : null,
        ),
      ),
      h('ol', { class: 'session-events' }, g.events.map((e) => this.event(e, tz))),
    );
  }

  private event(e: SessionEvent, tz: TimeZone): HTMLElement {
    let details: HTMLElement | null = null;
    const li: HTMLElement = h(
      'li',
      { class: `session-event ev-${e.event || 'other'}`, 'data-testid': 'session-event', 'data-event': e.event },
      h(
        'button',
        {
          class: 'session-event-line',
          'aria-expanded': 'false',
          onclick: (ev: MouseEvent) => {
            const btn = ev.currentTarget as HTMLElement;
            if (details) {
              details.remove();
              details = null;
              btn.setAttribute('aria-expanded', 'false');
            } else {
              details = logDetails(e, tz);
              li.appendChild(details);
              btn.setAttribute('aria-expanded', 'true');
            }
          },
        },
        h('span', { class: 'log-time' }, formatTime(e.time, tz, 'HH:mm:ss.SSS')),
        h('span', { class: 'event-badge' }, e.event || 'event'),
        h('span', { class: 'event-summary' }, eventSummary(e)),
      ),
    );
    return li;
  }

  destroy(): void {
    this.controller?.abort();
    this.time.destroy();
    this.el.remove();
  }
}

