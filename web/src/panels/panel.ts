// One panel on the page: frame, title, menu, loading bar, error corner, "No data", and the
// renderer for its type. It asks its host for data (POST /api/panels/query) and cancels the
// request in flight when a new one starts.

import { isAbort } from '../api';
import { decodeFrames } from '../data/frames';
import { applyFieldConfig } from '../format/fieldconfig';
import type { Panel, PanelQueryResponse, QueryInfo } from '../types';
import { h, icon, onOutside, replaceChildren } from '../ui/dom';
import { createRenderer, isSupported, STATIC_TYPES } from './registry';
import type { PanelData, PanelRenderer, RenderContext } from './types';

export const PANEL_HEADER = 30;
export const PANEL_PADDING = 8;

export interface PanelMenuActions {
  view?: (() => void) | undefined;
  exploreUrl?: ((queries: QueryInfo[]) => string | null) | undefined;
  renderUrl?: (() => string) | undefined;
}

export interface PanelHost {
  query(panel: Panel, maxDataPoints: number, signal: AbortSignal): Promise<PanelQueryResponse>;
  context(): RenderContext;
  /**
   * Told after every answer: whether the panel got data (null: the query failed). The page
   * shows how to turn on Claude Code telemetry only when no panel of the dashboard has data.
   */
  reportData?: ((hasData: boolean | null) => void) | undefined;
  menu: PanelMenuActions;
  /** the last resolved range, used before the first answer arrives */
  fallbackRange(): { from: number; to: number };
}

export const TELEMETRY_HINT = [
  'CLAUDE_CODE_ENABLE_TELEMETRY=1',
  'OTEL_METRICS_EXPORTER=otlp',
  'OTEL_LOGS_EXPORTER=otlp',
  'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317',
];

export function telemetryHintElement(): HTMLElement {
  return h(
    'div',
    { class: 'telemetry-hint', 'data-testid': 'telemetry-hint' },
    h('p', null, 'No telemetry yet. Start Claude Code with telemetry sent to otelite:'),
    h('pre', null, TELEMETRY_HINT.map((l) => `export ${l}`).join('\n')),
  );
}

/**
 * Whether a dashboard is empty as a whole: at least one panel answered and none had data
 * (panels whose query failed do not count either way).
 */
export function dashboardHasNoData(results: Iterable<boolean | null>): boolean {
  let answered = false;
  for (const r of results) {
    if (r === true) return false;
    if (r === false) answered = true;
  }
  return answered;
}

function hasData(data: PanelData): boolean {
  return data.frames.some((f) => f.length > 0 && f.fields.length > 0);
}

export class PanelView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly host: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly errorCorner: HTMLElement;
  private readonly loadingBar: HTMLElement;
  private renderer: PanelRenderer | null = null;
  private controller: AbortController | null = null;
  private lastData: PanelData | null = null;
  private lastQueries: QueryInfo[] = [];
  private width = 0;
  private height = 0;
  private closeMenu: (() => void) | null = null;
  /** true when the data is older than the current range/variables */
  stale = true;

  constructor(
    readonly panel: Panel,
    private readonly panelHost: PanelHost,
  ) {
    const type = panel.type ?? 'unknown';
    this.loadingBar = h('div', { class: 'panel-loading', hidden: true });
    this.errorCorner = h('div', { class: 'panel-error-corner', hidden: true, tabindex: '0', role: 'alert' });
    const menuButton = h(
      'button',
      {
        class: 'panel-menu-btn',
        'aria-label': `Menu for panel ${panel.title ?? ''}`,
        'aria-haspopup': 'menu',
        'data-testid': 'panel-menu',
        onclick: (e: MouseEvent) => {
          e.stopPropagation();
          this.toggleMenu(menuButton);
        },
      },
      icon('dots'),
    );
    const title = h(
      'div',
      { class: 'panel-header' },
      this.errorCorner,
      h('h2', { class: 'panel-title', title: panel.description || panel.title || '' }, panel.title || ''),
      menuButton,
      this.loadingBar,
    );
    this.host = h('div', { class: 'panel-host' });
    this.overlay = h('div', { class: 'panel-overlay', hidden: true });
    this.body = h('div', { class: 'panel-body' }, this.host, this.overlay);
    this.el = h(
      'section',
      {
        class: `panel panel-${type}`,
        'data-testid': `panel-${panel.id ?? 'x'}`,
        'data-panel-type': type,
        'aria-label': panel.title || type,
      },
      title,
      this.body,
    );
    if (!isSupported(panel.type)) {
      this.showMessage(h('div', { class: 'panel-unsupported' }, `not supported: ${type}`));
      this.stale = false;
    } else if (STATIC_TYPES.has(type)) {
      this.renderer = createRenderer(panel, this.host);
      this.stale = false;
    }
  }

  get bodyWidth(): number {
    return Math.max(10, this.width - 2 * PANEL_PADDING);
  }

  setSize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    this.el.style.width = `${width}px`;
    this.el.style.height = `${height}px`;
    this.renderer?.resize(this.bodyWidth, Math.max(10, height - PANEL_HEADER - PANEL_PADDING));
  }

  get needsQuery(): boolean {
    return isSupported(this.panel.type) && !STATIC_TYPES.has(this.panel.type ?? '');
  }

  /** Fetches and draws; a newer call cancels this one. */
  async load(): Promise<void> {
    if (!this.needsQuery) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.stale = false;
    this.loadingBar.hidden = false;
    // Tests and the browser benchmark wait for data-loading="false" on every panel.
    this.el.setAttribute('data-loading', 'true');
    try {
      const resp = await this.panelHost.query(this.panel, Math.round(this.bodyWidth) || 800, controller.signal);
      if (controller.signal.aborted) return;
      this.show(resp);
    } catch (e) {
      if (isAbort(e) || controller.signal.aborted) return;
      this.lastQueries = [];
      this.panelHost.reportData?.(null);
      this.setErrors([e instanceof Error ? e.message : String(e)]);
      this.showMessage(h('div', { class: 'panel-error-text' }, e instanceof Error ? e.message : String(e)));
    } finally {
      if (this.controller === controller) {
        this.loadingBar.hidden = true;
        this.controller = null;
        this.el.setAttribute('data-loading', 'false');
      }
    }
  }

  cancel(): void {
    this.controller?.abort();
    this.controller = null;
    this.loadingBar.hidden = true;
    this.el.setAttribute('data-loading', 'false');
  }

  /** Redraws the last data (theme or time zone changed). */
  redraw(): void {
    if (this.lastData && this.renderer) this.renderer.update(this.lastData, this.panelHost.context());
  }

  private show(resp: PanelQueryResponse): void {
    const raw = decodeFrames(resp.frames);
    const frames = applyFieldConfig(this.panel.fieldConfig, raw);
    const fallback = this.panelHost.fallbackRange();
    const data: PanelData = {
      frames,
      rawFrames: raw,
      range: {
        from: typeof resp.from === 'number' ? resp.from : fallback.from,
        to: typeof resp.to === 'number' ? resp.to : fallback.to,
      },
      intervalMs: resp.intervalMs,
      queries: Array.isArray(resp.queries) ? resp.queries : [],
    };
    this.lastQueries = data.queries;
    const errors = data.queries.filter((q) => q && q.error).map((q) => `${q.refId ? `${q.refId}: ` : ''}${q.error}`);
    const warnings = data.queries.flatMap((q) => (Array.isArray(q?.warnings) ? q.warnings : []));
    this.setErrors(errors, warnings);
    const got = hasData(data);
    this.panelHost.reportData?.(got ? true : errors.length ? null : false);
    if (!got) {
      this.lastData = null;
      if (errors.length) {
        this.showMessage(h('div', { class: 'panel-error-text' }, errors.join('\n')));
      } else {
        this.showMessage(h('div', { class: 'panel-nodata' }, h('div', { class: 'panel-empty' }, 'No data')));
      }
      return;
    }
    this.overlay.hidden = true;
    this.host.hidden = false;
    if (!this.renderer) {
      this.renderer = createRenderer(this.panel, this.host);
      this.renderer?.resize(this.bodyWidth, Math.max(10, this.height - PANEL_HEADER - PANEL_PADDING));
    }
    this.lastData = data;
    this.renderer?.update(data, this.panelHost.context());
  }

  private showMessage(content: HTMLElement): void {
    replaceChildren(this.overlay, content);
    this.overlay.hidden = false;
    this.host.hidden = true;
  }

  private setErrors(errors: string[], warnings: string[] = []): void {
    const all = [...errors, ...warnings.map((w) => `Warning: ${w}`)];
    if (all.length === 0) {
      this.errorCorner.hidden = true;
      this.el.classList.remove('has-error');
      return;
    }
    this.errorCorner.hidden = false;
    this.errorCorner.className = errors.length ? 'panel-error-corner' : 'panel-error-corner warning';
    this.errorCorner.title = all.join('\n');
    this.errorCorner.setAttribute('aria-label', all.join('; '));
    this.errorCorner.setAttribute('data-testid', 'panel-error');
    replaceChildren(this.errorCorner, h('span', { class: 'panel-error-tip' }, all.join('\n')));
    this.el.classList.toggle('has-error', errors.length > 0);
  }

  private toggleMenu(anchor: HTMLElement): void {
    if (this.closeMenu) {
      this.closeMenu();
      return;
    }
    const m = this.panelHost.menu;
    const items: HTMLElement[] = [];
    const item = (label: string, ic: string, action: () => void, testid: string) =>
      h(
        'button',
        {
          class: 'menu-item',
          role: 'menuitem',
          'data-testid': testid,
          onclick: () => {
            close();
            action();
          },
        },
        icon(ic),
        label,
      );
    if (m.view) items.push(item('View', 'eye', m.view, 'panel-menu-view'));
    if (m.exploreUrl && this.needsQuery) {
      const queries = this.lastQueries.length ? this.lastQueries : (this.panel.targets ?? []).map((t) => ({ refId: t.refId, expr: t.expr }) as QueryInfo);
      const url = m.exploreUrl(queries);
      if (url) {
        items.push(
          h('a', { class: 'menu-item', role: 'menuitem', href: url, 'data-testid': 'panel-menu-explore', onclick: () => close() }, icon('compass'), 'Explore'),
        );
      }
    }
    if (m.renderUrl && this.needsQuery) {
      const url = m.renderUrl();
      items.push(
        h(
          'a',
          { class: 'menu-item', role: 'menuitem', href: url, target: '_blank', rel: 'noopener', 'data-testid': 'panel-menu-png', onclick: () => close() },
          icon('share'),
          'Share → PNG',
        ),
      );
      items.push(
        item(
          'Copy image link',
          'link',
          () => {
            const abs = new URL(url, location.href).toString();
            navigator.clipboard?.writeText(abs).catch(() => window.prompt('Image link', abs));
          },
          'panel-menu-copy-link',
        ),
      );
    }
    if (items.length === 0) return;
    const menu = h('div', { class: 'popover panel-menu', role: 'menu' }, items);
    this.el.appendChild(menu);
    const remove = onOutside(menu, () => close(), anchor);
    const close = () => {
      remove();
      menu.remove();
      this.closeMenu = null;
    };
    this.closeMenu = close;
    (items[0] as HTMLElement).focus();
  }

  destroy(): void {
    this.cancel();
    this.closeMenu?.();
    this.renderer?.destroy();
    this.renderer = null;
    this.el.remove();
  }
}
