// Panel type → renderer. Types not listed render "not supported: <type>".

import type { Panel } from '../types';
import { h } from '../ui/dom';
import { LogsRenderer } from './logs';
import { PieChartRenderer } from './piechart';
import { StatRenderer } from './stat';
import { TableRenderer } from './table';
import { TimeSeriesRenderer } from './timeseries';
import type { PanelRenderer, RendererFactory } from './types';

const RENDERERS: Record<string, RendererFactory> = {
  stat: (p, el) => new StatRenderer(p, el),
  singlestat: (p, el) => new StatRenderer(p, el),
  timeseries: (p, el) => new TimeSeriesRenderer(p, el),
  graph: (p, el) => new TimeSeriesRenderer(p, el),
  piechart: (p, el) => new PieChartRenderer(p, el),
  table: (p, el) => new TableRenderer(p, el),
  'table-old': (p, el) => new TableRenderer(p, el),
  logs: (p, el) => new LogsRenderer(p, el),
};

/** Panels that show their own content and run no query. */
export const STATIC_TYPES = new Set(['text', 'row', 'news', 'dashlist']);

export function isSupported(type: string | undefined): boolean {
  return !!type && (type in RENDERERS || type === 'text');
}

class TextRenderer implements PanelRenderer {
  private readonly root: HTMLElement;
  constructor(panel: Panel, host: HTMLElement) {
    const content = typeof panel.options?.content === 'string' ? panel.options.content : '';
    // Shown as text: no HTML from dashboards is ever injected into the page.
    this.root = h('div', { class: 'text-panel' }, content);
    host.appendChild(this.root);
  }
  update(): void {}
  resize(): void {}
  destroy(): void {
    this.root.remove();
  }
}

export function createRenderer(panel: Panel, host: HTMLElement): PanelRenderer | null {
  if (panel.type === 'text') return new TextRenderer(panel, host);
  const f = panel.type ? RENDERERS[panel.type] : undefined;
  return f ? f(panel, host) : null;
}
