// A dashboard: toolbar (title, links, time controls), variables, and the 24-column grid of
// panels and rows. Panels load visible-first; a new range cancels requests in flight.

import { api, ApiError } from '../api';
import { GRID_CELL_MARGIN, allPanels, groupRows, layoutDashboard, layoutHeight, toPixels, type RowGroup } from '../layout/grid';
import { PanelView, PANEL_HEADER, dashboardHasNoData, telemetryHintElement, type PanelHost } from '../panels/panel';
import type { RenderContext } from '../panels/types';
import { resolveRange, type RawRange } from '../time/range';
import { ianaName } from '../time/tz';
import type { Dashboard, DashboardMeta, Panel, QueryInfo } from '../types';
import { canWrite, currentTheme, navigate, onThemeChange, params, slugify, updateParams, urlVariables } from '../state';
import { h, icon, replaceChildren } from '../ui/dom';
import { TimeControls } from '../ui/timecontrols';
import { VariablesBar, interpolateTitle } from '../ui/variables';
import type { Page } from './page';

const OWN_DASHBOARDS = new Set(['claude-code-personal', 'claude-code-deep']);

export function datasourceTypeOf(ds: unknown, fallback = 'prometheus'): string {
  if (ds && typeof ds === 'object') {
    const t = (ds as { type?: unknown }).type;
    if (typeof t === 'string' && t) return t;
  }
  if (typeof ds === 'string' && /loki/i.test(ds)) return 'loki';
  if (typeof ds === 'string' && /prom/i.test(ds)) return 'prometheus';
  return fallback;
}

export class DashboardPage implements Page {
  readonly el: HTMLElement;
  private dashboard: Dashboard | null = null;
  private meta: DashboardMeta = {};
  private groups: RowGroup[] = [];
  private readonly collapsed = new Map<number, boolean>();
  private readonly views = new Map<number, PanelView>();
  private readonly rowEls = new Map<number, HTMLElement>();
  private grid: HTMLElement = h('div', { class: 'grid' });
  private time: TimeControls | null = null;
  private vars: VariablesBar | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private lastState = '';
  /** Set once the variables are initialised: URL changes before that are ours. */
  private ready = false;
  private width = 0;
  private lastRange = { from: Date.now() - 3600000, to: Date.now() };
  private readonly unsubscribe: Array<() => void> = [];
  /** per panel id: got data (true), none (false), failed (null) in its last answer */
  private readonly panelResults = new Map<number, boolean | null>();
  private readonly hintEl: HTMLElement = h('div', { class: 'dashboard-hint', hidden: true });
  private destroyed = false;

  constructor(private readonly uid: string) {
    this.el = h('div', { class: 'page dashboard-page' }, h('div', { class: 'page-loading' }, 'Loading dashboard…'));
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      const resp = await api.dashboard(this.uid);
      if (this.destroyed) return;
      this.dashboard = resp.dashboard ?? {};
      this.meta = resp.meta ?? {};
    } catch (e) {
      if (this.destroyed) return;
      const notFound = e instanceof ApiError && e.status === 404;
      replaceChildren(
        this.el,
        h(
          'div',
          { class: 'page-message' },
          h('h1', null, notFound ? 'Dashboard not found' : 'Could not load the dashboard'),
          h('p', null, notFound ? `No dashboard has the uid "${this.uid}".` : e instanceof Error ? e.message : String(e)),
          h('a', { href: '/', class: 'btn', 'data-link': '' }, 'All dashboards'),
        ),
      );
      return;
    }
    const dash = this.dashboard;
    document.title = `${dash.title || 'Dashboard'} – otelite`;
    this.groups = groupRows(dash.panels);
    for (const g of this.groups) if (g.row && typeof g.row.id === 'number') this.collapsed.set(g.row.id, g.row.collapsed === true);

    const defaults: RawRange = { from: dash.time?.from || 'now-6h', to: dash.time?.to || 'now' };
    const refreshDefault = typeof dash.refresh === 'string' ? dash.refresh : '';
    this.time = new TimeControls({
      defaultRange: defaults,
      defaultTimeZone: dash.timezone || undefined,
      defaultRefresh: refreshDefault,
      refreshIntervals: dash.timepicker?.refresh_intervals,
      onRefresh: () => this.refresh(),
    });
    // Grafana keeps the range in the URL; write the defaults so links and reloads carry them.
    const p = params();
    if (!p.get('from') || !p.get('to')) {
      updateParams((q) => {
        if (!q.get('from')) q.set('from', defaults.from);
        if (!q.get('to')) q.set('to', defaults.to);
      }, true);
    }
    this.vars = new VariablesBar(dash, {
      dashboardUid: this.uid,
      range: () => this.time!.range,
      onChange: () => this.refresh(),
    });

    this.buildChrome();
    // Variables write their values into the URL while they initialise; those URL changes are not
    // the user's (onUrl waits for `ready`), or every panel would be queried twice.
    await this.vars.init();
    if (this.destroyed) return;
    this.lastState = this.urlState();
    this.ready = true;
    this.resizeObserver = new ResizeObserver(() => {
      if (this.grid.clientWidth !== this.width) this.layout();
    });
    this.resizeObserver.observe(this.grid);
    this.unsubscribe.push(onThemeChange(() => this.views.forEach((v) => v.redraw())));
    const onScroll = () => this.loadVisible();
    window.addEventListener('scroll', onScroll, { passive: true });
    this.unsubscribe.push(() => window.removeEventListener('scroll', onScroll));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && params().get('viewPanel') && !(e.target instanceof HTMLInputElement)) {
        updateParams((q) => q.delete('viewPanel'));
      }
    };
    document.addEventListener('keydown', onKey);
    this.unsubscribe.push(() => document.removeEventListener('keydown', onKey));
    this.layout();
    this.refresh();
  }

  private buildChrome(): void {
    const dash = this.dashboard!;
    const links = (Array.isArray(dash.links) ? dash.links : [])
      .filter((l) => l && l.type === 'link' && l.url)
      .map((l) =>
        h(
          'a',
          {
            class: 'btn btn-link',
            href: this.linkUrl(l.url!, l.keepTime === true, l.includeVars === true),
            title: l.tooltip || l.title || '',
            target: l.targetBlank ? '_blank' : undefined,
          },
          icon('link', 14),
          l.title || l.url,
        ),
      );
    const actions: HTMLElement[] = [
      h(
        'button',
        { class: 'btn', title: 'Download the dashboard JSON', 'data-testid': 'export-json', onclick: () => this.exportJson() },
        icon('download'),
        h('span', { class: 'btn-text' }, 'Export'),
      ),
    ];
    if (canWrite() && this.meta.source === 'imported') {
      actions.push(
        h(
          'button',
          { class: 'btn btn-danger', title: 'Delete this imported dashboard', 'data-testid': 'delete-dashboard', onclick: () => void this.deleteDashboard() },
          icon('trash'),
          h('span', { class: 'btn-text' }, 'Delete'),
        ),
      );
    }
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h(
        'nav',
        { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
        h('a', { href: '/', 'data-link': '' }, 'Dashboards'),
        this.meta.folderTitle ? [h('span', { class: 'sep' }, '/'), h('span', null, this.meta.folderTitle)] : null,
        h('span', { class: 'sep' }, '/'),
        h('h1', { class: 'dash-title', 'data-testid': 'dashboard-title' }, dash.title || this.uid),
      ),
      h('div', { class: 'toolbar-links' }, links),
      h('div', { class: 'toolbar-spacer' }),
      actions,
      this.time!.el,
    );
    replaceChildren(
      this.el,
      toolbar,
      this.vars!.isEmpty ? null : this.vars!.el,
      this.hintEl,
      h('div', { class: 'view-panel-bar', hidden: true }),
      this.grid,
    );
  }

  private linkUrl(url: string, keepTime: boolean, includeVars: boolean): string {
    if (!keepTime && !includeVars) return url;
    const u = new URL(url, location.href);
    const p = params();
    if (keepTime) {
      for (const k of ['from', 'to', 'tz']) {
        const v = p.get(k);
        if (v) u.searchParams.set(k, v);
      }
    }
    if (includeVars) for (const [k, vals] of urlVariables(p)) for (const v of vals) u.searchParams.append(`var-${k}`, v);
    return u.origin === location.origin ? u.pathname + u.search : u.toString();
  }

  private urlState(): string {
    const p = params();
    return JSON.stringify({
      from: p.get('from'),
      to: p.get('to'),
      tz: p.get('tz'),
      vars: Array.from(urlVariables(p)),
      view: p.get('viewPanel'),
    });
  }

  onUrl(): void {
    if (!this.time || !this.vars || !this.ready) return;
    this.time.render();
    const before = JSON.parse(this.lastState || '{}') as Record<string, unknown>;
    const nowState = this.urlState();
    if (nowState === this.lastState) return;
    this.lastState = nowState;
    const after = JSON.parse(nowState) as Record<string, unknown>;
    const rangeChanged = before.from !== after.from || before.to !== after.to || before.tz !== after.tz;
    const varsChanged = JSON.stringify(before.vars) !== JSON.stringify(after.vars);
    const viewChanged = before.view !== after.view;
    if (viewChanged) this.layout();
    void (async () => {
      if (varsChanged) await this.vars!.readFromUrl();
      if (rangeChanged) {
        this.views.forEach((v) => v.cancel());
        await this.vars!.onTimeRangeChange();
      }
      if (rangeChanged || varsChanged) {
        this.lastState = this.urlState();
        this.refresh();
      } else if (viewChanged) this.loadVisible();
    })();
  }

  private context(): RenderContext {
    return {
      theme: currentTheme(),
      tz: this.time!.timeZone,
      onZoom: (from, to) => this.time!.setRange({ from: String(from), to: String(to) }),
    };
  }

  /** The project's own dashboards say how to turn on telemetry when no panel has any data. */
  private updateHint(): void {
    const own = OWN_DASHBOARDS.has(this.uid) || this.meta.source === 'builtin';
    const show = own && dashboardHasNoData(this.panelResults.values());
    if (show === !this.hintEl.hidden) return;
    this.hintEl.hidden = !show;
    replaceChildren(this.hintEl, show ? telemetryHintElement() : null);
  }

  private panelHost(panelId: number): PanelHost {
    const uid = this.uid;
    return {
      reportData: (got) => {
        this.panelResults.set(panelId, got);
        this.updateHint();
      },
      context: () => this.context(),
      fallbackRange: () => this.lastRange,
      query: async (panel, maxDataPoints, signal) => {
        const range = this.time!.range;
        const tz = this.time!.timeZone;
        const body: Record<string, unknown> = {
          dashboardUid: uid,
          panelId: panel.id,
          from: range.from,
          to: range.to,
          timezone: tz === 'browser' ? ianaName('browser') : tz,
          variables: this.vars!.payload(),
          maxDataPoints,
        };
        const adhoc = this.vars!.adhocFilters();
        if (adhoc.length) body.adhocFilters = adhoc;
        const resp = await api.panelQuery(body, signal);
        if (typeof resp.from === 'number' && typeof resp.to === 'number') this.lastRange = { from: resp.from, to: resp.to };
        return resp;
      },
      menu: {},
    };
  }

  private viewFor(panel: Panel): PanelView {
    const id = typeof panel.id === 'number' ? panel.id : -1;
    let v = this.views.get(id);
    if (!v) {
      const host = this.panelHost(id);
      host.menu = {
        view: () => updateParams((q) => q.set('viewPanel', String(id))),
        exploreUrl: (queries) => this.exploreUrl(panel, queries),
        renderUrl: () => this.renderUrl(id),
      };
      v = new PanelView({ ...panel, title: interpolateTitle(panel.title ?? '', (n) => this.vars?.textFor(n)) }, host);
      this.views.set(id, v);
    }
    return v;
  }

  private exploreUrl(panel: Panel, queries: QueryInfo[]): string | null {
    const q = queries.find((x) => x && x.expr) ?? null;
    if (!q) return null;
    const target = (panel.targets ?? []).find((t) => t.refId === q.refId);
    const type = datasourceTypeOf(q.datasource ?? target?.datasource ?? panel.datasource);
    const p = new URLSearchParams({ ds: type === 'loki' ? 'loki' : 'prometheus', expr: q.expr ?? '' });
    const cur = params();
    for (const k of ['from', 'to', 'tz']) {
      const v = cur.get(k);
      if (v) p.set(k, v);
    }
    return `/explore?${p}`;
  }

  private renderUrl(panelId: number): string {
    const cur = params();
    const range = this.time!.range;
    const p = new URLSearchParams({
      panelId: String(panelId),
      width: '1000',
      height: '500',
      from: range.from,
      to: range.to,
      tz: this.time!.timeZone,
      theme: currentTheme(),
    });
    for (const [k, vals] of urlVariables(cur)) for (const v of vals) p.append(`var-${k}`, v);
    return `/render/d-solo/${encodeURIComponent(this.uid)}/${slugify(this.dashboard?.title ?? this.uid)}?${p}`;
  }

  private rowHeader(row: Panel, count: number): HTMLElement {
    const id = typeof row.id === 'number' ? row.id : -1;
    let el = this.rowEls.get(id);
    const collapsed = this.collapsed.get(id) === true;
    const title = interpolateTitle(row.title ?? '', (n) => this.vars?.textFor(n)) || 'Row';
    const content = h(
      'button',
      {
        class: 'row-toggle',
        'aria-expanded': String(!collapsed),
        'data-testid': `row-toggle-${id}`,
        onclick: () => {
          this.collapsed.set(id, !this.collapsed.get(id));
          this.layout();
          this.loadVisible();
        },
      },
      icon(collapsed ? 'chevronRight' : 'chevronDown'),
      h('span', { class: 'row-title' }, title),
      collapsed ? h('span', { class: 'row-count' }, `(${count} panel${count === 1 ? '' : 's'})`) : null,
    );
    if (!el) {
      el = h('div', { class: 'dash-row', 'data-testid': `panel-${id}`, 'data-panel-type': 'row' });
      this.rowEls.set(id, el);
    }
    el.classList.toggle('collapsed', collapsed);
    replaceChildren(el, content);
    return el;
  }

  /** Positions every visible panel and row; panels of collapsed rows are detached. */
  private layout(): void {
    if (!this.dashboard || this.destroyed) return;
    const width = this.grid.clientWidth;
    if (width <= 0) return;
    this.width = width;
    const viewPanel = params().get('viewPanel');
    const bar = this.el.querySelector('.view-panel-bar') as HTMLElement | null;
    if (viewPanel) {
      const panel = allPanels(this.dashboard.panels).find((p) => String(p.id) === viewPanel && p.type !== 'row');
      if (panel) {
        for (const [id, v] of this.views) if (String(id) !== viewPanel) v.el.remove();
        for (const r of this.rowEls.values()) r.remove();
        const v = this.viewFor(panel);
        const top = this.grid.getBoundingClientRect().top + window.scrollY;
        const height = Math.max(300, window.innerHeight - top - 16);
        v.el.style.transform = 'translate(0px, 0px)';
        v.setSize(width, height);
        if (!v.el.isConnected) this.grid.appendChild(v.el);
        this.grid.style.height = `${height}px`;
        if (bar) {
          bar.hidden = false;
          replaceChildren(
            bar,
            h('button', { class: 'btn', 'data-testid': 'exit-view-panel', onclick: () => updateParams((q) => q.delete('viewPanel')) }, '← Back to dashboard'),
          );
        }
        return;
      }
    }
    if (bar) bar.hidden = true;
    const items = layoutDashboard(this.groups, (row) => this.collapsed.get(row.id ?? -1) === true);
    const visibleIds = new Set<number>();
    const rowIds = new Set<number>();
    for (const item of items) {
      const box = toPixels(item.pos, width);
      if (item.isRow) {
        const id = item.panel.id ?? -1;
        rowIds.add(id);
        const group = this.groups.find((g) => g.row === item.panel);
        const el = this.rowHeader(item.panel, group?.panels.length ?? 0);
        el.style.transform = `translate(${box.left}px, ${box.top}px)`;
        el.style.width = `${box.width}px`;
        el.style.height = `${box.height}px`;
        if (!el.isConnected) this.grid.appendChild(el);
        continue;
      }
      const v = this.viewFor(item.panel);
      visibleIds.add(item.panel.id ?? -1);
      v.el.style.transform = `translate(${box.left}px, ${box.top}px)`;
      v.setSize(box.width, box.height);
      if (!v.el.isConnected) this.grid.appendChild(v.el);
    }
    for (const [id, v] of this.views) if (!visibleIds.has(id)) v.el.remove();
    for (const [id, el] of this.rowEls) if (!rowIds.has(id)) el.remove();
    this.grid.style.height = `${layoutHeight(items) + GRID_CELL_MARGIN}px`;
  }

  private attachedViews(): PanelView[] {
    return Array.from(this.views.values()).filter((v) => v.el.isConnected);
  }

  /** Marks every panel stale and loads the attached ones, those in view first. */
  refresh(): void {
    if (!this.time) return;
    const r = resolveRange(this.time.range, this.time.timeZone);
    if (r) this.lastRange = r;
    for (const v of this.views.values()) v.stale = v.needsQuery;
    this.loadVisible();
  }

  private loadVisible(): void {
    const views = this.attachedViews().filter((v) => v.stale);
    if (views.length === 0) return;
    const viewportBottom = window.innerHeight;
    const inView = (v: PanelView) => {
      const r = v.el.getBoundingClientRect();
      return r.bottom >= -PANEL_HEADER && r.top <= viewportBottom + 200;
    };
    views.sort((a, b) => Number(inView(b)) - Number(inView(a)));
    for (const v of views) void v.load();
  }

  private exportJson(): void {
    const blob = new Blob([JSON.stringify(this.dashboard, null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${slugify(this.dashboard?.title ?? this.uid)}.json` });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  private async deleteDashboard(): Promise<void> {
    if (!window.confirm(`Delete the dashboard "${this.dashboard?.title ?? this.uid}"?`)) return;
    try {
      await api.deleteDashboard(this.uid);
      navigate('/');
    } catch (e) {
      window.alert(e instanceof Error ? e.message : String(e));
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.resizeObserver?.disconnect();
    this.unsubscribe.forEach((f) => f());
    this.time?.destroy();
    this.vars?.destroy();
    this.views.forEach((v) => v.destroy());
    this.views.clear();
    this.el.remove();
  }
}
