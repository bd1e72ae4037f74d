import { describe, expect, it } from 'vitest';
import { INTEGER_INCRS, formatTicks, formatTimeTicks, stepDecimals, timeTickFormat, wantsIntegerTicks } from './axis';
import { seriesValues } from './timeseries';
import cases from './axis.cases.json';
import type { FieldConfig } from '../types';
import type { TimeZone } from '../time/tz';

interface AxisCases {
  stepDecimals: Array<{ step: number; expected: number }>;
  formatTicks: Array<{ config: FieldConfig; splits: Array<number | null>; incr?: number; expected: string[] }>;
  wantsIntegerTicks: Array<{ config: FieldConfig; series: Array<Array<number | null>>; percent: boolean; expected: boolean }>;
  timeTickFormat: Array<{ incr: number; range: number; expected: string }>;
  formatTimeTicks: Array<{ splits: Array<number | null>; incr: number; range: number; tz: TimeZone; expected: string[] }>;
}
const all = cases as unknown as AxisCases;

describe('axis.cases.json (shared with the C++ renderer)', () => {
  it('takes decimals from the tick increment', () => {
    for (const c of all.stepDecimals) expect(stepDecimals(c.step), `step ${c.step}`).toBe(c.expected);
  });
  it('labels value ticks (never two equal neighbours; field decimals when enough)', () => {
    for (const c of all.formatTicks) expect(formatTicks(c.config, c.splits, c.incr), JSON.stringify(c)).toEqual(c.expected);
  });
  it('steps by whole numbers for integer data or decimals 0', () => {
    for (const c of all.wantsIntegerTicks) expect(wantsIntegerTicks(c.config, c.series, c.percent), JSON.stringify(c)).toBe(c.expected);
  });
  it("uses Grafana's interval formats", () => {
    for (const c of all.timeTickFormat) expect(timeTickFormat(c.incr, c.range), JSON.stringify(c)).toBe(c.expected);
  });
  it('prints 24-hour times in the selected zone', () => {
    for (const c of all.formatTimeTicks) expect(formatTimeTicks(c.splits, c.incr, c.range, c.tz), JSON.stringify(c)).toEqual(c.expected);
  });
  it('has cases for every rule', () => {
    expect(all.formatTicks.length).toBeGreaterThan(8);
    expect(all.timeTickFormat.length).toBeGreaterThan(8);
  });
});

describe('integer increments', () => {
  it('are whole numbers 1, 2, 5 × 10^k', () => {
    expect(INTEGER_INCRS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(INTEGER_INCRS.every((x) => Number.isInteger(x))).toBe(true);
  });
});

describe('negative-Y transform', () => {
  it('draws below zero but reports the original values', () => {
    const v = seriesValues([7, null, 2], { transform: 'negative-Y' });
    expect(v.drawn).toEqual([-7, null, -2]);
    expect(v.raw).toEqual([7, null, 2]);
    expect(seriesValues([1], {}).drawn).toEqual([1]);
  });
});
