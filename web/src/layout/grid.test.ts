import { describe, expect, it } from 'vitest';
import { allPanels, compact, groupRows, layoutDashboard, layoutHeight, toPixels, type LayoutItem } from './grid';
import type { Panel } from '../types';

const p = (id: number, x: number, y: number, w: number, h: number, extra: Partial<Panel> = {}): Panel => ({
  id,
  type: 'stat',
  gridPos: { x, y, w, h },
  ...extra,
});
const row = (id: number, y: number, extra: Partial<Panel> = {}): Panel => ({
  id,
  type: 'row',
  title: `row ${id}`,
  gridPos: { x: 0, y, w: 24, h: 1 },
  ...extra,
});
const ids = (items: LayoutItem[]) => items.map((i) => [i.panel.id, i.pos.x, i.pos.y, i.pos.w, i.pos.h]);

describe('groupRows', () => {
  it('sorts by (y, x) and gives rows the panels that follow them', () => {
    const groups = groupRows([row(100, 0), p(2, 12, 1, 12, 4), p(1, 0, 1, 12, 4), row(101, 5), p(3, 0, 6, 24, 4)]);
    expect(groups.map((g) => [g.row?.id, g.panels.map((x) => x.id)])).toEqual([
      [100, [1, 2]],
      [101, [3]],
    ]);
  });
  it('keeps panels before the first row in a group without a row', () => {
    const groups = groupRows([p(1, 0, 0, 24, 3), row(100, 3), p(2, 0, 4, 24, 3)]);
    expect(groups.map((g) => [g.row?.id ?? null, g.panels.map((x) => x.id)])).toEqual([
      [null, [1]],
      [100, [2]],
    ]);
  });
  it('uses row.panels of a row saved collapsed', () => {
    const groups = groupRows([
      row(100, 0, { collapsed: true, panels: [p(5, 12, 9, 12, 3), p(4, 0, 9, 12, 3)] }),
      row(101, 1),
    ]);
    expect(groups.map((g) => g.panels.map((x) => x.id))).toEqual([[4, 5], []]);
  });
  it('keeps flat panels after a collapsed row visible, outside the row', () => {
    const groups = groupRows([row(100, 0, { collapsed: true, panels: [p(4, 0, 1, 8, 2)] }), p(6, 0, 1, 8, 2)]);
    expect(groups.map((g) => [g.row?.id ?? null, g.panels.map((x) => x.id)])).toEqual([
      [100, [4]],
      [null, [6]],
    ]);
    const items = layoutDashboard(groups, (r) => r.collapsed === true);
    expect(ids(items)).toEqual([
      [100, 0, 0, 24, 1],
      [6, 0, 1, 8, 2],
    ]);
  });
  it('survives junk', () => {
    expect(groupRows(undefined)).toEqual([]);
    expect(groupRows([null as unknown as Panel, { id: 1 }]).length).toBe(1);
  });
});

describe('compact', () => {
  it('moves items up into free space', () => {
    const out = compact([
      { panel: { id: 1 }, isRow: false, pos: { x: 0, y: 5, w: 12, h: 2 } },
      { panel: { id: 2 }, isRow: false, pos: { x: 12, y: 9, w: 12, h: 2 } },
    ]);
    expect(ids(out)).toEqual([
      [1, 0, 0, 12, 2],
      [2, 12, 0, 12, 2],
    ]);
  });
  it('pushes overlapping items below', () => {
    const out = compact([
      { panel: { id: 1 }, isRow: false, pos: { x: 0, y: 0, w: 12, h: 3 } },
      { panel: { id: 2 }, isRow: false, pos: { x: 6, y: 0, w: 12, h: 2 } },
    ]);
    expect(ids(out)).toEqual([
      [1, 0, 0, 12, 3],
      [2, 6, 3, 12, 2],
    ]);
  });
});

describe('layoutDashboard', () => {
  const panels = [
    row(100, 0),
    p(1, 0, 1, 12, 4),
    p(2, 12, 1, 12, 4),
    row(101, 5),
    p(3, 0, 6, 24, 4),
    row(102, 10, { collapsed: true, panels: [p(4, 0, 50, 8, 2)] }),
  ];
  it('lays out open rows and hides panels of collapsed ones', () => {
    const groups = groupRows(panels);
    const items = layoutDashboard(groups, (r) => r.id === 101 || r.collapsed === true);
    expect(ids(items)).toEqual([
      [100, 0, 0, 24, 1],
      [1, 0, 1, 12, 4],
      [2, 12, 1, 12, 4],
      [101, 0, 5, 24, 1],
      [102, 0, 6, 24, 1],
    ]);
  });
  it('places a collapsed row\'s panels under it when opened, pushing later rows down', () => {
    const groups = groupRows([row(100, 0, { collapsed: true, panels: [p(4, 0, 50, 8, 2), p(5, 8, 50, 8, 3)] }), row(101, 1), p(6, 0, 2, 24, 2)]);
    const items = layoutDashboard(groups, () => false);
    expect(ids(items)).toEqual([
      [100, 0, 0, 24, 1],
      [4, 0, 1, 8, 2],
      [5, 8, 1, 8, 3],
      [101, 0, 4, 24, 1],
      [6, 0, 5, 24, 2],
    ]);
    expect(layoutHeight(items)).toBe(7 * 38 - 8);
  });
  it('lays out the seed-style overlapping positions without overlap', () => {
    // Two panels stored at the same place (as in a hand-edited dashboard).
    const groups = groupRows([row(300, 24), p(301, 0, 25, 8, 9), p(20, 0, 25, 8, 9), p(302, 8, 25, 8, 9)]);
    const items = layoutDashboard(groups, () => false);
    expect(ids(items)).toEqual([
      [300, 0, 0, 24, 1],
      [301, 0, 1, 8, 9],
      [20, 0, 10, 8, 9],
      [302, 8, 1, 8, 9],
    ]);
  });
});

describe('pixels', () => {
  it('maps grid units to pixels', () => {
    // 24 columns in 1000 px with 23 gaps of 8 px: column width (1000 − 184) / 24 = 34.
    expect(toPixels({ x: 0, y: 0, w: 24, h: 1 }, 1000)).toEqual({ left: 0, top: 0, width: 1000, height: 30 });
    expect(toPixels({ x: 12, y: 2, w: 12, h: 8 }, 1000)).toEqual({ left: 504, top: 76, width: 496, height: 296 });
  });
  it('finds nested panels', () => {
    expect(allPanels([row(1, 0, { panels: [p(2, 0, 0, 1, 1)] }), p(3, 0, 0, 1, 1)]).map((x) => x.id)).toEqual([1, 2, 3]);
  });
});
