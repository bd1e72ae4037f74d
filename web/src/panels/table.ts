// Table panel: columns from the frame's fields (units and colours from field config and
// overrides), click a header to sort (options.sortBy is the initial order), footer with a reducer
// per numeric column (options.footer), row height from options.cellHeight. Large tables render
// only the rows in view.

import { toNumber, type DataFrame } from '../data/frames';
import { displayToString, makeDisplay, type ConfiguredField, type ConfiguredFrame, type DisplayValue } from '../format/fieldconfig';
import { REDUCER_NAMES, reduceValues } from '../format/reduce';
import { formatTime } from '../time/tz';
import type { Panel } from '../types';
import { DomRenderer } from './dom_renderer';
import { h, replaceChildren } from '../ui/dom';
import { navigate } from '../state';
import { optObj, optStrings, type PanelData, type RenderContext } from './types';

const ROW_HEIGHTS: Record<string, number> = { sm: 36, md: 42, lg: 48 };
const VIRTUAL_THRESHOLD = 300;

export interface SortState {
  column: number;
  desc: boolean;
}

/** Row order for a sort: numbers numerically, others as text; nulls last. */
export function sortRows(field: { values: unknown[]; type: string } | undefined, rows: number, sort: SortState | null): number[] {
  const idx = Array.from({ length: rows }, (_, i) => i);
  if (!sort || !field) return idx;
  const numeric = field.type === 'number' || field.type === 'time';
  const key = (i: number): number | string | null => {
    const v = field.values[i];
    if (v === null || v === undefined) return null;
    if (numeric) {
      const n = toNumber(v);
      return n === null || Number.isNaN(n) ? null : n;
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const keys = idx.map(key);
  idx.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    if (ka === null && kb === null) return a - b;
    if (ka === null) return 1;
    if (kb === null) return -1;
    let c: number;
    if (typeof ka === 'number' && typeof kb === 'number') c = ka - kb;
    else c = String(ka).localeCompare(String(kb), undefined, { numeric: true });
    return (sort.desc ? -c : c) || a - b;
  });
  return idx;
}

function isSessionColumn(f: ConfiguredField): boolean {
  return f.name === 'session_id' || f.name === 'session.id' || /^session[ _]?id$/i.test(f.displayName) || f.displayName === 'Session';
}

export class TableRenderer extends DomRenderer {
  private sort: SortState | null = null;
  private sortInitialized = false;
  private frameIndex = 0;

  constructor(
    private readonly panel: Panel,
    host: HTMLElement,
  ) {
    super(host, 'table-panel');
  }

  override update(data: PanelData, ctx: RenderContext): void {
    if (this.frameIndex >= data.frames.length) this.frameIndex = 0;
    super.update(data, ctx);
  }

  /** A new size only sets the height: the rows are laid out by the browser. */
  protected override resized(): void {
    this.root.style.height = `${this.height}px`;
  }

  private columns(frame: ConfiguredFrame): ConfiguredField[] {
    return frame.fields.filter((f) => f.config.custom?.hidden !== true);
  }

  protected draw(): void {
    if (!this.data || !this.ctx) return;
    const frames = this.data.frames.filter((f) => f.fields.length > 0);
    const frame = frames[this.frameIndex] ?? frames[0];
    if (!frame) {
      replaceChildren(this.root, h('div', { class: 'panel-empty' }, 'No data'));
      return;
    }
    const options = this.panel.options ?? {};
    const cols = this.columns(frame);
    if (!this.sortInitialized) {
      this.sortInitialized = true;
      const first = Array.isArray(options.sortBy) ? (options.sortBy[0] as Record<string, unknown> | undefined) : undefined;
      if (first && typeof first.displayName === 'string') {
        const c = cols.findIndex((f) => f.displayName === first.displayName || f.name === first.displayName);
        if (c >= 0) this.sort = { column: c, desc: first.desc === true };
      }
    }
    const theme = this.ctx.theme;
    const tz = this.ctx.tz;
    const displays = cols.map((f) => (f.type === 'time' ? null : makeDisplay(f.config, theme)));
    const rowHeight = ROW_HEIGHTS[String(options.cellHeight ?? 'sm')] ?? 36;
    const showHeader = options.showHeader !== false;
    const order = sortRows(this.sort ? cols[this.sort.column] : undefined, frame.length, this.sort);

    const cell = (f: ConfiguredField, ci: number, row: number): HTMLElement => {
      const raw = f.values[row];
      const custom = f.config.custom ?? {};
      const cellType = String((custom.cellOptions as Record<string, unknown> | undefined)?.type ?? custom.displayMode ?? 'auto');
      let text: string;
      let dv: DisplayValue | null = null;
      if (f.type === 'time') {
        const t = toNumber(raw);
        text = t === null ? '' : formatTime(t, tz);
      } else {
        dv = displays[ci]!(raw);
        text = displayToString(dv);
      }
      const align = String(custom.align ?? 'auto');
      const right = align === 'right' || (align === 'auto' && f.type === 'number' && !dv?.mapped);
      const style: Record<string, string> = {};
      if (dv && (cellType === 'color-background' || cellType === 'color-background-solid')) {
        style.background = dv.color;
        style.color = '#fff';
      } else if (dv && cellType === 'color-text') style.color = dv.color;
      else if (dv?.mapped && dv.color) style.color = dv.color;
      const content: Node | string =
        isSessionColumn(f) && typeof raw === 'string' && raw
          ? h(
              'a',
              {
                href: `/session/${encodeURIComponent(raw)}`,
                class: 'link',
                title: 'Open this session',
                onclick: (e: MouseEvent) => {
                  if (e.ctrlKey || e.metaKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate(`/session/${encodeURIComponent(raw)}`);
                },
              },
              text,
            )
          : text;
      return h('td', { class: right ? 'num' : '', style, title: text }, content);
    };

    const renderRows = (from: number, to: number) =>
      order.slice(from, to).map((row) =>
        h('tr', { 'data-testid': 'table-row', style: { height: `${rowHeight}px` } }, cols.map((f, ci) => cell(f, ci, row))),
      );

    const header = showHeader
      ? h(
          'thead',
          null,
          h(
            'tr',
            null,
            cols.map((f, ci) => {
              const active = this.sort?.column === ci;
              const arrow = active ? (this.sort!.desc ? ' ↓' : ' ↑') : '';
              return h(
                'th',
                {
                  class: f.type === 'number' ? 'num sortable' : 'sortable',
                  'aria-sort': active ? (this.sort!.desc ? 'descending' : 'ascending') : 'none',
                  tabindex: '0',
                  style: typeof f.config.custom?.width === 'number' ? { width: `${f.config.custom.width}px` } : {},
                  onclick: () => this.toggleSort(ci),
                  onkeydown: (e: KeyboardEvent) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      this.toggleSort(ci);
                    }
                  },
                },
                f.displayName,
                arrow,
              );
            }),
          ),
        )
      : null;

    const footerOpts = optObj(options, 'footer');
    let footer: HTMLElement | null = null;
    if (footerOpts.show === true) {
      const reducer = optStrings(footerOpts, 'reducer')[0] ?? 'sum';
      const onlyFields = optStrings(footerOpts, 'fields');
      footer = h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          cols.map((f, ci) => {
            if (footerOpts.countRows === true) return h('td', { class: 'num' }, ci === 0 ? `Count: ${frame.length}` : '');
            const include = f.type === 'number' && (onlyFields.length === 0 || onlyFields.includes(f.displayName) || onlyFields.includes(f.name));
            if (!include) return h('td', null, ci === 0 ? (REDUCER_NAMES[reducer] ?? reducer) : '');
            const v = reduceValues(f.values, reducer);
            return h('td', { class: 'num', 'data-testid': 'table-footer-value' }, v === null ? '' : displayToString(displays[ci]!(v)));
          }),
        ),
      );
    }

    const tbody = h('tbody', null);
    const table = h('table', { class: 'data-table' }, header, tbody, footer);
    const scroller = h('div', { class: 'table-scroll' }, table);
    const selector =
      frames.length > 1
        ? h(
            'select',
            {
              class: 'select table-frame-select',
              'aria-label': 'Result',
              onchange: (e: Event) => {
                this.frameIndex = Number((e.target as HTMLSelectElement).value);
                this.sortInitialized = false;
                this.sort = null;
                this.draw();
              },
            },
            frames.map((f, i) => h('option', { value: i, selected: i === this.frameIndex }, frameLabel(f, i))),
          )
        : null;
    replaceChildren(this.root, scroller, selector);

    if (order.length <= VIRTUAL_THRESHOLD) {
      tbody.append(...renderRows(0, order.length));
      return;
    }
    // Virtual rows: spacer rows above and below the window in view.
    const paint = () => {
      const headerH = showHeader ? rowHeight : 0;
      const first = Math.max(0, Math.floor((scroller.scrollTop - headerH) / rowHeight) - 10);
      const count = Math.ceil((scroller.clientHeight || this.height || 400) / rowHeight) + 20;
      const last = Math.min(order.length, first + count);
      replaceChildren(
        tbody,
        h('tr', { class: 'spacer', style: { height: `${first * rowHeight}px` } }),
        renderRows(first, last),
        h('tr', { class: 'spacer', style: { height: `${(order.length - last) * rowHeight}px` } }),
      );
    };
    scroller.addEventListener('scroll', () => requestAnimationFrame(paint), { passive: true });
    paint();
  }

  private toggleSort(ci: number): void {
    if (!this.sort || this.sort.column !== ci) this.sort = { column: ci, desc: false };
    else if (!this.sort.desc) this.sort = { column: ci, desc: true };
    else this.sort = null;
    this.draw();
  }

}

function frameLabel(f: DataFrame, i: number): string {
  const value = f.fields.find((x) => x.type === 'number');
  const labels = value ? Object.entries(value.labels).map(([k, v]) => `${k}=${v}`).join(', ') : '';
  return f.name || labels || `Result ${i + 1}${f.refId ? ` (${f.refId})` : ''}`;
}

