import { describe, expect, it } from 'vitest';
import { decodeFrames } from '../data/frames';
import { applyFieldConfig, displayToString, fieldColor, makeDisplay, thresholdColor } from './fieldconfig';
import { classicColor, resolveColor } from './colors';
import { reduceValues } from './reduce';
import type { FrameJSON } from '../types';

const table: FrameJSON = {
  schema: {
    refId: 'A',
    fields: [
      { name: 'model', type: 'string' },
      { name: 'Value', type: 'number', config: { displayName: 'Total Cost' } },
      { name: 'Value #B', type: 'number' },
    ],
  },
  data: { values: [['opus', 'sonnet'], [1.5, 0.25], [3, 4]] },
};

describe('applyFieldConfig', () => {
  it('matches byName on the original name and the display name, byRegexp and byFrameRefID', () => {
    const [frame] = applyFieldConfig(
      {
        defaults: { unit: 'short', custom: { align: 'auto' } },
        overrides: [
          { matcher: { id: 'byName', options: 'Value' }, properties: [{ id: 'unit', value: 'currencyUSD' }] },
          { matcher: { id: 'byName', options: 'Value #B' }, properties: [{ id: 'displayName', value: 'Requests' }] },
          { matcher: { id: 'byRegexp', options: '/^Value #/' }, properties: [{ id: 'custom.width', value: 80 }] },
          { matcher: { id: 'byFrameRefID', options: 'A' }, properties: [{ id: 'decimals', value: 1 }] },
        ],
      },
      decodeFrames([table]),
    );
    const [model, cost, requests] = frame!.fields;
    expect(model!.config.unit).toBe('short');
    expect(cost!.config.unit).toBe('currencyUSD');
    expect(cost!.displayName).toBe('Total Cost');
    expect(requests!.displayName).toBe('Requests');
    expect(requests!.config.custom).toEqual({ align: 'auto', width: 80 });
    expect(cost!.config.custom).toEqual({ align: 'auto' });
    expect(cost!.config.decimals).toBe(1);
    expect([model!.seriesIndex, cost!.seriesIndex, requests!.seriesIndex]).toEqual([-1, 0, 1]);
  });
  it('fixed colours from overrides and palette colours by series index', () => {
    const [frame] = applyFieldConfig(
      {
        defaults: { color: { mode: 'palette-classic' } },
        overrides: [{ matcher: { id: 'byName', options: 'Value #B' }, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }] }],
      },
      decodeFrames([table]),
    );
    expect(fieldColor(frame!.fields[1]!, 'dark')).toBe('#73BF69');
    expect(fieldColor(frame!.fields[2]!, 'dark')).toBe('#F2495C');
    expect(classicColor(1, 'dark')).toBe('#FADE2A');
    expect(classicColor(2, 'light')).toBe('#3274D9');
  });
});

describe('display processor', () => {
  it('formats with unit and decimals and colours by thresholds', () => {
    const d = makeDisplay(
      {
        unit: 'currencyUSD',
        decimals: 2,
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 5, color: 'yellow' }, { value: 20, color: 'red' }] },
      },
      'dark',
    );
    expect(displayToString(d(3.14159))).toBe('$3.14');
    expect(d(3).color).toBe(resolveColor('green', 'dark'));
    expect(d(5).color).toBe(resolveColor('yellow', 'dark'));
    expect(d(25).color).toBe(resolveColor('red', 'dark'));
  });
  it('applies value, range and special mappings', () => {
    const d = makeDisplay(
      {
        unit: 'short',
        noValue: 'n/a',
        mappings: [
          { type: 'value', options: { '1': { text: 'one', color: 'blue' } } },
          { type: 'range', options: { from: 10, to: 20, result: { text: 'teens' } } },
          { type: 'special', options: { match: 'nan', result: { text: 'not a number' } } },
          { type: 'regex', options: { pattern: 'claude-(.*)', result: { text: '$1' } } },
        ],
      },
      'dark',
    );
    expect(d(1).text).toBe('one');
    expect(d(1).color).toBe('#5794F2');
    expect(d(15).text).toBe('teens');
    expect(d(NaN).text).toBe('not a number');
    expect(d(null).text).toBe('n/a');
    expect(d('claude-opus').text).toBe('opus');
    expect(displayToString(d(1500))).toBe('1.50 K');
    expect(d('text').text).toBe('text');
  });
  it('percentage thresholds use min/max', () => {
    const cfg = { min: 0, max: 200, thresholds: { mode: 'percentage' as const, steps: [{ value: null, color: 'green' }, { value: 50, color: 'red' }] } };
    expect(thresholdColor(90, cfg, 'dark')).toBe('#73BF69');
    expect(thresholdColor(110, cfg, 'dark')).toBe('#F2495C');
  });
});

describe('reducers', () => {
  const v = [null, 3, 1, null, 4, NaN, 2, null];
  it('computes Grafana calcs', () => {
    expect(reduceValues(v, 'lastNotNull')).toBe(2);
    expect(reduceValues(v, 'last')).toBeNull();
    expect(reduceValues(v, 'firstNotNull')).toBe(3);
    expect(reduceValues(v, 'sum')).toBe(10);
    expect(reduceValues(v, 'mean')).toBe(2.5);
    expect(reduceValues(v, 'max')).toBe(4);
    expect(reduceValues(v, 'min')).toBe(1);
    expect(reduceValues(v, 'count')).toBe(8);
    expect(reduceValues(v, 'range')).toBe(3);
    expect(reduceValues(v, 'diff')).toBe(-1);
    expect(reduceValues(v, 'current')).toBe(2);
    expect(reduceValues([1, 3, 5, 2, 4], 'delta')).toBe(2 + 2 + 2 + 2);
    expect(reduceValues([], 'sum')).toBeNull();
    expect(reduceValues([5, 1, 3], 'median')).toBe(3);
  });
});
