// Explore: run any PromQL or LogQL query over a time range (POST /api/ds/query) and show the
// result as a graph, a table or log lines. URL: ?ds=prometheus|loki&expr=…&from=…&to=…

import { api, isAbort } from '../api';
import { decodeFrames } from '../data/frames';
import { applyFieldConfig } from '../format/fieldconfig';
import { LogsRenderer, logFrames } from '../panels/logs';
import { TableRenderer } from '../panels/table';
import { TimeSeriesRenderer } from '../panels/timeseries';
import type { PanelData, PanelRenderer, RenderContext } from '../panels/types';
import { resolveRange } from '../time/range';
import type { Datasource, Panel } from '../types';
import { currentTheme, onThemeChange, params, updateParams } from '../state';
import { h, replaceChildren } from '../ui/dom';
import { TimeControls } from '../ui/timecontrols';
import type { Page } from './page';

const GRAPH_PANEL: Panel = {
  type: 'timeseries',
  options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
  fieldConfig: { defaults: { custom: { lineWidth: 1, fillOpacity: 8, showPoints: 'auto' } } },
};
const TABLE_PANEL: Panel = { type: 'table', options: { showHeader: true, cellHeight: 'sm' } };
const LOGS_PANEL: Panel = { type: 'logs', options: { showTime: true, wrapLogMessage: true, sortOrder: 'Descending' } };

/** A LogQL expression that returns log lines (not a metric query). */
export function isLogQuery(expr: string): boolean {
  return expr.trim().startsWith('{');
}

export class ExplorePage implements Page {
  readonly el: HTMLElement;
  private readonly time: TimeControls;
  private readonly ds: HTMLSelectElement;
  private readonly expr: HTMLTextAreaElement;
  private readonly instant: HTMLInputElement;
  private readonly limit: HTMLInputElement;
  private readonly results = h('div', { class: 'explore-results' });
  private readonly status = h('div', { class: 'explore-status', role: 'status' });
  private renderers: PanelRenderer[] = [];
  private controller: AbortController | null = null;
  private datasources: Datasource[] = [];
  private lastKey = '';
  private readonly unsubscribe: Array<() => void> = [];

  constructor() {
    document.title = 'Explore – otelite';
    const p = params();
    this.time = new TimeControls({ defaultRange: { from: 'now-1h', to: 'now' }, onRefresh: () => void this.run() });
    this.ds = h(
      'select',
      { class: 'select', 'aria-label': 'Data source', 'data-testid': 'explore-ds', onchange: () => this.syncOptions() },
      h('option', { value: 'prometheus', selected: p.get('ds') !== 'loki' }, 'Prometheus (PromQL)'),
      h('option', { value: 'loki', selected: p.get('ds') === 'loki' }, 'Loki (LogQL)'),
    );
    this.expr = h('textarea', {
      class: 'input code explore-expr',
      rows: 3,
      spellcheck: 'false',
      'aria-label': 'Query',
      'data-testid': 'explore-expr',
      placeholder: 'sum by (model) (increase(claude_code_cost_usage_USD_total[1h]))   or   {service_name="claude-code"} | event_name="api_request"',
      value: p.get('expr') ?? '',
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.shiftKey)) {
          e.preventDefault();
          this.submit();
        }
      },
    });
    this.instant = h('input', { type: 'checkbox', id: 'explore-instant', checked: p.get('instant') === 'true' });
    this.limit = h('input', { class: 'input small', type: 'number', min: 1, max: 5000, value: p.get('maxLines') ?? '1000', 'aria-label': 'Line limit' });
    this.el = h(
      'div',
      { class: 'page explore-page' },
      h('div', { class: 'toolbar' }, h('h1', { class: 'dash-title' }, 'Explore'), h('div', { class: 'toolbar-spacer' }), this.time.el),
      h(
        'div',
        { class: 'explore-editor' },
        h('div', { class: 'explore-row' }, this.ds, h('label', { class: 'check prom-only' }, this.instant, 'Instant'), h('label', { class: 'check loki-only' }, 'Line limit ', this.limit)),
        this.expr,
        h(
          'div',
          { class: 'explore-row' },
          h('button', { class: 'btn btn-primary', 'data-testid': 'explore-run', onclick: () => this.submit() }, 'Run query'),
          h('span', { class: 'hint' }, 'Ctrl+Enter runs the query'),
          this.status,
        ),
      ),
      this.results,
    );
    this.syncOptions();
    this.unsubscribe.push(onThemeChange(() => void this.run(true)));
    void api
      .datasources()
      .then((d) => (this.datasources = Array.isArray(d) ? d : []))
      .catch(() => undefined)
      .finally(() => {
        if (this.expr.value.trim()) void this.run();
      });
  }

  private syncOptions(): void {
    this.el.classList.toggle('ds-loki', this.ds.value === 'loki');
  }

  private submit(): void {
    const expr = this.expr.value.trim();
    updateParams((p) => {
      p.set('ds', this.ds.value);
      p.set('expr', expr);
      if (this.ds.value === 'prometheus' && this.instant.checked) p.set('instant', 'true');
      else p.delete('instant');
      if (this.ds.value === 'loki' && this.limit.value !== '1000') p.set('maxLines', this.limit.value);
      else p.delete('maxLines');
    });
    void this.run(true);
  }

  onUrl(): void {
    this.time.render();
    const p = params();
    if (p.get('expr') !== null && p.get('expr') !== this.expr.value.trim()) this.expr.value = p.get('expr') ?? '';
    if (p.get('ds') === 'loki' || p.get('ds') === 'prometheus') this.ds.value = p.get('ds')!;
    this.syncOptions();
    void this.run();
  }

  private context(): RenderContext {
    return {
      theme: currentTheme(),
      tz: this.time.timeZone,
      onZoom: (from, to) => this.time.setRange({ from: String(from), to: String(to) }),
    };
  }

  private async run(force = false): Promise<void> {
    const expr = this.expr.value.trim();
    const type = this.ds.value === 'loki' ? 'loki' : 'prometheus';
    const range = this.time.range;
    const key = JSON.stringify([type, expr, range, this.instant.checked, this.limit.value, this.time.timeZone]);
    if (!expr || (!force && key === this.lastKey)) return;
    this.lastKey = key;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const ds = this.datasources.find((d) => d.type === type);
    const width = Math.max(200, this.results.clientWidth || 1000);
    const instant = type === 'prometheus' && this.instant.checked;
    const query: Record<string, unknown> = {
      refId: 'A',
      datasource: { type, uid: ds?.uid ?? type },
      expr,
      instant,
      range: !instant,
      queryType: instant ? 'instant' : 'range',
      maxDataPoints: width,
    };
    if (type === 'loki') {
      query.maxLines = Math.max(1, Math.min(5000, Number(this.limit.value) || 1000));
      query.direction = 'backward';
    }
    this.status.textContent = 'Running…';
    const started = performance.now();
    try {
      const resp = await api.dsQuery({ from: range.from, to: range.to, queries: [query] }, controller.signal);
      if (controller.signal.aborted) return;
      const result = resp.results?.A ?? Object.values(resp.results ?? {})[0];
      const frames = decodeFrames(result?.frames);
      const elapsed = Math.round(performance.now() - started);
      if (result?.error) {
        this.status.textContent = '';
        this.show([h('div', { class: 'panel-error-text', 'data-testid': 'explore-error' }, result.error)]);
        return;
      }
      this.status.textContent = `${frames.length} frame${frames.length === 1 ? '' : 's'} in ${elapsed} ms`;
      this.render(frames);
    } catch (e) {
      if (isAbort(e)) return;
      this.status.textContent = '';
      this.show([h('div', { class: 'panel-error-text', 'data-testid': 'explore-error' }, e instanceof Error ? e.message : String(e))]);
    }
  }

  private show(nodes: HTMLElement[]): void {
    this.renderers.forEach((r) => r.destroy());
    this.renderers = [];
    replaceChildren(this.results, nodes);
  }

  private render(raw: ReturnType<typeof decodeFrames>): void {
    const ctx = this.context();
    const resolved = resolveRange(this.time.range, this.time.timeZone) ?? { from: Date.now() - 3600000, to: Date.now() };
    const logs = logFrames(raw);
    const metrics = raw.filter((f) => !logs.includes(f));
    const width = Math.max(200, this.results.clientWidth || 1000);
    const sections: HTMLElement[] = [];
    const mount: Array<{ host: HTMLElement; make: (host: HTMLElement) => PanelRenderer; frames: typeof raw; height: number }> = [];
    if (raw.every((f) => f.length === 0)) {
      this.show([h('div', { class: 'panel-empty' }, 'No data')]);
      return;
    }
    const hasSeries = metrics.some((f) => f.fields.some((x) => x.type === 'time') && f.length > 1);
    if (hasSeries) {
      const host = h('div', { class: 'explore-graph' });
      sections.push(h('section', { class: 'explore-section', 'data-testid': 'explore-graph' }, h('h2', null, 'Graph'), host));
      mount.push({ host, make: (el) => new TimeSeriesRenderer(GRAPH_PANEL, el), frames: metrics, height: 320 });
    }
    if (metrics.length) {
      const host = h('div', { class: 'explore-table' });
      sections.push(h('section', { class: 'explore-section', 'data-testid': 'explore-table' }, h('h2', null, 'Table'), host));
      mount.push({ host, make: (el) => new TableRenderer(TABLE_PANEL, el), frames: metrics, height: 320 });
    }
    if (logs.length) {
      const host = h('div', { class: 'explore-logs' });
      sections.push(h('section', { class: 'explore-section', 'data-testid': 'explore-logs' }, h('h2', null, 'Logs'), host));
      mount.push({ host, make: (el) => new LogsRenderer(LOGS_PANEL, el), frames: logs, height: 600 });
    }
    this.show(sections);
    for (const m of mount) {
      const r = m.make(m.host);
      this.renderers.push(r);
      const data: PanelData = { frames: applyFieldConfig(undefined, m.frames), rawFrames: m.frames, range: resolved, queries: [] };
      r.resize(width, m.height);
      r.update(data, ctx);
    }
  }

  destroy(): void {
    this.controller?.abort();
    this.unsubscribe.forEach((f) => f());
    this.time.destroy();
    this.renderers.forEach((r) => r.destroy());
    this.el.remove();
  }
}

