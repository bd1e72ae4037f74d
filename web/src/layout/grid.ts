// Grafana's dashboard grid: 24 columns, rows of 30 px with 8 px gaps. Panels are sorted by
// gridPos (y, then x) as Grafana does on load, rows own the panels that follow them (or hold
// them in `row.panels` while collapsed), and the layout is compacted upwards (react-grid-layout's
// vertical compaction) so that overlapping or gapped positions in hand-written JSON still give a
// clean grid.

import type { GridPos, Panel } from '../types';

export const GRID_COLUMNS = 24;
export const GRID_CELL_HEIGHT = 30;
export const GRID_CELL_MARGIN = 8;

export interface LayoutItem {
  panel: Panel;
  /** the row this panel belongs to (undefined before the first row) */
  rowId?: number | undefined;
  isRow: boolean;
  pos: GridPos;
}

export interface RowGroup {
  row?: Panel | undefined;
  /** the panels of the row (from the flat list, or from row.panels when it was saved collapsed) */
  panels: Panel[];
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function gridPosOf(p: Panel): GridPos {
  const g = p.gridPos ?? {};
  const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(num(g.w, p.type === 'row' ? 24 : 12))));
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(num(g.x, 0))));
  return {
    x,
    y: Math.max(0, Math.round(num(g.y, 0))),
    w,
    h: Math.max(1, Math.round(num(g.h, p.type === 'row' ? 1 : 8))),
  };
}

/** Stable sort by (y, x), as Grafana's sortPanelsByGridPos. */
export function sortByGridPos(panels: readonly Panel[]): Panel[] {
  return panels
    .map((p, i) => ({ p, i, g: gridPosOf(p) }))
    .sort((a, b) => a.g.y - b.g.y || a.g.x - b.g.x || a.i - b.i)
    .map((e) => e.p);
}

/** Splits the dashboard's panels into row groups (the first group may have no row). */
export function groupRows(panels: readonly Panel[] | undefined): RowGroup[] {
  const groups: RowGroup[] = [];
  let current: RowGroup = { panels: [] };
  for (const p of sortByGridPos(Array.isArray(panels) ? panels.filter((x) => x && typeof x === 'object') : [])) {
    if (p.type === 'row') {
      if (current.row || current.panels.length) groups.push(current);
      const nested = Array.isArray(p.panels) ? sortByGridPos(p.panels) : [];
      current = { row: p, panels: nested };
      if (p.collapsed === true) {
        // A collapsed row owns only row.panels; panels after it in the flat list (a hand-made
        // dashboard) stay visible below it, as in Grafana.
        groups.push(current);
        current = { panels: [] };
      }
    } else {
      current.panels.push(p);
    }
  }
  if (current.row || current.panels.length) groups.push(current);
  return groups;
}

function collides(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Places items in order: each moves up as far as it can, then below anything it overlaps. */
export function compact(items: LayoutItem[]): LayoutItem[] {
  const placed: LayoutItem[] = [];
  let bottom = 0;
  for (const item of items) {
    const pos = { ...item.pos };
    pos.y = Math.min(pos.y, bottom);
    while (pos.y > 0 && !placed.some((p) => collides(p.pos, { ...pos, y: pos.y - 1 }))) pos.y--;
    for (;;) {
      const hit = placed.find((p) => collides(p.pos, pos));
      if (!hit) break;
      pos.y = hit.pos.y + hit.pos.h;
    }
    const out = { ...item, pos };
    placed.push(out);
    bottom = Math.max(bottom, pos.y + pos.h);
  }
  return placed;
}

/**
 * The visible layout: every row header, and the panels of rows that are open. A row's panels
 * are placed below its header, keeping their relative positions.
 */
export function layoutDashboard(groups: RowGroup[], isCollapsed: (row: Panel) => boolean): LayoutItem[] {
  const items: LayoutItem[] = [];
  let offset = 0; // keeps groups in order even when a group's stored y is above the previous one
  for (const g of groups) {
    let base = offset;
    if (g.row) {
      const rp = gridPosOf(g.row);
      const y = Math.max(rp.y, offset);
      items.push({ panel: g.row, isRow: true, pos: { x: 0, y, w: GRID_COLUMNS, h: 1 } });
      base = y + 1;
    }
    const collapsed = g.row ? isCollapsed(g.row) : false;
    if (collapsed) {
      offset = base;
      continue;
    }
    const minY = g.panels.reduce((m, p) => Math.min(m, gridPosOf(p).y), Infinity);
    let maxBottom = base;
    for (const p of g.panels) {
      const gp = gridPosOf(p);
      const y = base + (gp.y - (Number.isFinite(minY) ? minY : 0));
      items.push({ panel: p, rowId: g.row?.id, isRow: false, pos: { ...gp, y } });
      maxBottom = Math.max(maxBottom, y + gp.h);
    }
    offset = maxBottom;
  }
  return compact(items);
}

export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Grid units → pixels for a container `width` px wide. */
export function toPixels(pos: GridPos, width: number): PixelBox {
  const col = (width - GRID_CELL_MARGIN * (GRID_COLUMNS - 1)) / GRID_COLUMNS;
  return {
    left: Math.round(pos.x * (col + GRID_CELL_MARGIN)),
    top: pos.y * (GRID_CELL_HEIGHT + GRID_CELL_MARGIN),
    width: Math.round(pos.w * col + (pos.w - 1) * GRID_CELL_MARGIN),
    height: pos.h * GRID_CELL_HEIGHT + (pos.h - 1) * GRID_CELL_MARGIN,
  };
}

export function layoutHeight(items: LayoutItem[]): number {
  const rows = items.reduce((m, i) => Math.max(m, i.pos.y + i.pos.h), 0);
  return rows > 0 ? rows * (GRID_CELL_HEIGHT + GRID_CELL_MARGIN) - GRID_CELL_MARGIN : 0;
}

/** Every panel (rows' nested panels included), e.g. to find one by id. */
export function allPanels(panels: readonly Panel[] | undefined): Panel[] {
  const out: Panel[] = [];
  for (const p of Array.isArray(panels) ? panels : []) {
    if (!p || typeof p !== 'object') continue;
    out.push(p);
    if (Array.isArray(p.panels)) out.push(...allPanels(p.panels));
  }
  return out;
}
