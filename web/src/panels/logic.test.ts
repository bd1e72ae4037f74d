import { describe, expect, it } from 'vitest';
import { decodeFrames } from '../data/frames';
import { applyFieldConfig } from '../format/fieldconfig';
import type { FrameJSON, Panel } from '../types';
import { pieSlices } from './piechart';
import { statValues } from './stat';
import { sortRows } from './table';
import { formatTicks } from './axis';
import { legendOptions } from './legend';
import type { PanelData } from './types';

const single = (name: string, value: number): FrameJSON => ({
  schema: { refId: 'A', name, fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number', config: { displayNameFromDS: name } }] },
  data: { values: [[1000], [value]] },
});

function data(panel: Panel, frames: FrameJSON[]): PanelData {
  const raw = decodeFrames(frames);
  return { frames: applyFieldConfig(panel.fieldConfig, raw), rawFrames: raw, range: { from: 0, to: 1 }, queries: [] };
}

describe('table sorting', () => {
  const field = { type: 'number', values: [3, null, 10, 1] };
  it('sorts numbers numerically with nulls last, both ways', () => {
    expect(sortRows(field, 4, { column: 0, desc: false })).toEqual([3, 0, 2, 1]);
    expect(sortRows(field, 4, { column: 0, desc: true })).toEqual([2, 0, 3, 1]);
    expect(sortRows(field, 4, null)).toEqual([0, 1, 2, 3]);
  });
  it('sorts strings naturally', () => {
    expect(sortRows({ type: 'string', values: ['b10', 'b2', 'a'] }, 3, { column: 0, desc: false })).toEqual([2, 1, 0]);
  });
});

describe('pie slices', () => {
  it('reduces each series, sorts large to small, formats with the unit', () => {
    const panel: Panel = {
      type: 'piechart',
      options: { reduceOptions: { calcs: ['lastNotNull'] } },
      fieldConfig: { defaults: { unit: 'currencyUSD', color: { mode: 'palette-classic' } } },
    };
    const s = pieSlices(panel, data(panel, [single('opus', 1.5), single('sonnet', 4), single('haiku', 0)]), 'dark');
    expect(s.map((x) => [x.label, x.text])).toEqual([
      ['sonnet', '$4'],
      ['opus', '$1.50'],
      ['haiku', '$0'],
    ]);
    // Colours follow the series order (palette index), not the sorted order.
    expect(s[1]!.color).toBe('#73BF69');
    expect(s[0]!.color).toBe('#FADE2A');
  });
});

describe('stat values', () => {
  it('uses the first calc and thresholds', () => {
    const panel: Panel = {
      type: 'stat',
      options: { reduceOptions: { calcs: ['sum'] } },
      fieldConfig: {
        defaults: { unit: 'short', color: { mode: 'thresholds' }, thresholds: { steps: [{ value: null, color: 'green' }, { value: 100, color: 'red' }] } },
      },
    };
    const frames: FrameJSON[] = [
      {
        schema: { fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number', config: { displayNameFromDS: 'x' } }] },
        data: { values: [[1, 2, 3], [50, null, 70]] },
      },
    ];
    const v = statValues(panel, data(panel, frames), 'dark');
    expect(v).toHaveLength(1);
    expect(v[0]!.display.text).toBe('120');
    expect(v[0]!.display.color).toBe('#F2495C');
    expect(v[0]!.spark).toEqual([
      [1, 50],
      [3, 70],
    ]);
  });
});

describe('axis ticks and legend options', () => {
  it('picks decimals from the tick step', () => {
    expect(formatTicks({ unit: 'short' }, [0, 500, 1000, 1500])).toEqual(['0', '500', '1 K', '1.50 K']);
    expect(formatTicks({ unit: 'currencyUSD' }, [0, 0.5, 1])).toEqual(['$0.0', '$0.5', '$1.0']);
    expect(formatTicks({ unit: 'ms' }, [0, 0.25, 0.5])).toEqual(['0.00 ms', '0.25 ms', '0.50 ms']);
    expect(formatTicks({ unit: 'percent', decimals: 0 }, [0, 50])).toEqual(['0%', '50%']);
  });
  it('reads Grafana legend options', () => {
    expect(legendOptions({ displayMode: 'table', placement: 'right', showLegend: true })).toEqual({ mode: 'table', placement: 'right' });
    expect(legendOptions({ showLegend: false })).toEqual({ mode: 'hidden', placement: 'bottom' });
    expect(legendOptions({})).toEqual({ mode: 'list', placement: 'bottom' });
  });
});

describe('dashboard-wide empty state', () => {
  it('is empty only when some panel answered and none had data; failures do not count', async () => {
    const { dashboardHasNoData } = await import('./panel');
    expect(dashboardHasNoData([false, false])).toBe(true);
    expect(dashboardHasNoData([false, true, false])).toBe(false);
    expect(dashboardHasNoData([null, false])).toBe(true);
    expect(dashboardHasNoData([null])).toBe(false);
    expect(dashboardHasNoData([])).toBe(false);
  });
});

describe('pie slice paths', () => {
  it('draws a single 100% slice as two half arcs (an arc with equal ends draws nothing)', async () => {
    const { arcPath } = await import('./piechart');
    const ring = arcPath(50, 50, 40, 24, 0, Math.PI * 2);
    // Outer circle clockwise through the bottom, inner circle the other way (a hole).
    expect(ring).toBe('M50.00,10.00A40,40 0 1 1 50.00,90.00A40,40 0 1 1 50.00,10.00Z' + 'M50.00,26.00A24,24 0 1 0 50.00,74.00A24,24 0 1 0 50.00,26.00Z');
    expect(arcPath(50, 50, 40, 0, 0, Math.PI * 2)).toBe('M50.00,10.00A40,40 0 1 1 50.00,90.00A40,40 0 1 1 50.00,10.00Z');
    // A quarter slice of a pie: centre, top, arc to the right.
    expect(arcPath(50, 50, 40, 0, 0, Math.PI / 2)).toBe('M50,50L50.00,10.00A40,40 0 0 1 90.00,50.00Z');
  });
});
