// Logs panel: log lines newest first (options.sortOrder), time column (showTime), wrapping
// (wrapLogMessage); click a line to see all its labels and structured metadata; a "session"
// link on lines that carry a session_id opens the session view.

import type { DataFrame } from '../data/frames';
import { logEntries, type LogEntry } from '../session/group';
import { formatTime, type TimeZone } from '../time/tz';
import type { Panel } from '../types';
import { h, replaceChildren } from '../ui/dom';
import { navigate } from '../state';
import type { PanelData, PanelRenderer, RenderContext } from './types';

const PAGE = 500;

export function levelOf(e: LogEntry): string {
  const l = e.labels;
  const raw = (l.level ?? l.detected_level ?? l.severity_text ?? l.severity ?? l.lvl ?? '').toLowerCase();
  if (raw) {
    if (raw.startsWith('err') || raw === 'fatal' || raw === 'critical' || raw === 'crit') return 'error';
    if (raw.startsWith('warn')) return 'warn';
    if (raw.startsWith('debug') || raw === 'trace') return 'debug';
    if (raw.startsWith('info')) return 'info';
  }
  const ev = l.event_name ?? '';
  if (ev === 'api_error' || l.success === 'false') return 'error';
  return 'unknown';
}

export function sessionLink(id: string): HTMLElement {
  const href = `/session/${encodeURIComponent(id)}`;
  return h(
    'a',
    {
      class: 'session-link',
      href,
      'data-testid': 'session-link',
      title: `Open session ${id}`,
      onclick: (e: MouseEvent) => {
        if (e.ctrlKey || e.metaKey || e.button !== 0) return;
        e.preventDefault();
        e.stopPropagation();
        navigate(href);
      },
    },
    'session',
  );
}

function prettyJson(text: string): string | null {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

/** A key/value table of an entry's labels (sorted), the line, and its timestamps. */
export function logDetails(e: LogEntry, tz: TimeZone): HTMLElement {
  const keys = Object.keys(e.labels).sort();
  const pretty = prettyJson(e.line);
  return h(
    'div',
    { class: 'log-details', 'data-testid': 'log-details' },
    pretty ? h('pre', { class: 'log-pretty' }, pretty) : null,
    h(
      'table',
      { class: 'kv-table' },
      h(
        'tbody',
        null,
        keys.map((k) =>
          h(
            'tr',
            null,
            h('th', null, k),
            h('td', null, e.labels[k] ?? '', k === 'session_id' && e.labels[k] ? [' ', sessionLink(e.labels[k]!)] : null),
          ),
        ),
        h('tr', null, h('th', null, 'Time'), h('td', null, formatTime(e.time, tz, 'YYYY-MM-DD HH:mm:ss.SSS'), ` (${e.tsNs} ns)`)),
      ),
    ),
  );
}

export function renderLogRow(e: LogEntry, tz: TimeZone, showTime: boolean, showLabels: boolean): HTMLElement {
  const sid = e.labels.session_id;
  let details: HTMLElement | null = null;
  const row: HTMLElement = h(
    'div',
    { class: `log-row level-${levelOf(e)}`, 'data-testid': 'log-row' },
    h(
      'div',
      {
        class: 'log-line',
        role: 'button',
        tabindex: '0',
        'aria-expanded': 'false',
        onclick: () => toggle(),
        onkeydown: (ev: KeyboardEvent) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            toggle();
          }
        },
      },
      showTime ? h('span', { class: 'log-time' }, formatTime(e.time, tz, 'YYYY-MM-DD HH:mm:ss.SSS')) : null,
      showLabels
        ? h(
            'span',
            { class: 'log-labels' },
            Object.entries(e.labels)
              .slice(0, 6)
              .map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`)),
          )
        : null,
      h('span', { class: 'log-text' }, e.line),
      sid ? sessionLink(sid) : null,
    ),
  );
  const toggle = () => {
    const line = row.firstElementChild as HTMLElement;
    if (details) {
      details.remove();
      details = null;
      line.setAttribute('aria-expanded', 'false');
    } else {
      details = logDetails(e, tz);
      row.appendChild(details);
      line.setAttribute('aria-expanded', 'true');
    }
  };
  return row;
}

export function logFrames(frames: DataFrame[]): DataFrame[] {
  return frames.filter(
    (f) => f.metaType === 'log-lines' || (f.fields.some((x) => x.name === 'Line' || x.name === 'line') && f.fields.some((x) => x.type === 'time')),
  );
}

export class LogsRenderer implements PanelRenderer {
  private readonly root: HTMLElement;
  private shown = PAGE;

  constructor(
    private readonly panel: Panel,
    host: HTMLElement,
  ) {
    this.root = h('div', { class: 'logs-panel' });
    host.appendChild(this.root);
  }

  update(data: PanelData, ctx: RenderContext): void {
    const o = this.panel.options ?? {};
    const frames = logFrames(data.frames);
    const entries = frames.flatMap(logEntries);
    const ascending = o.sortOrder === 'Ascending';
    entries.sort((a, b) => {
      const c = a.tsNs.length !== b.tsNs.length ? a.tsNs.length - b.tsNs.length : a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0;
      return ascending ? c : -c;
    });
    if (entries.length === 0) {
      replaceChildren(this.root, h('div', { class: 'panel-empty' }, 'No data'));
      return;
    }
    this.root.classList.toggle('wrap', o.wrapLogMessage === true);
    const showTime = o.showTime !== false;
    const showLabels = o.showLabels === true;
    const list = h('div', { class: 'log-list' });
    const paint = () => {
      replaceChildren(
        list,
        entries.slice(0, this.shown).map((e) => renderLogRow(e, ctx.tz, showTime, showLabels)),
        entries.length > this.shown
          ? h(
              'button',
              {
                class: 'btn more-btn',
                onclick: () => {
                  this.shown += PAGE;
                  paint();
                },
              },
              `Show more (${entries.length - this.shown} left)`,
            )
          : null,
      );
    };
    paint();
    replaceChildren(this.root, list);
  }

  resize(_width: number, height: number): void {
    this.root.style.height = `${height}px`;
  }

  destroy(): void {
    this.root.remove();
  }
}
