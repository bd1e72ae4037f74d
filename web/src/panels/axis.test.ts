import { describe, expect, it } from 'vitest';
import { INTEGER_INCRS, formatTicks, formatTimeTicks, stepDecimals, timeTickFormat, wantsIntegerTicks } from './axis';
import { seriesValues } from './timeseries';

describe('value axis ticks', () => {
  it('takes decimals from the tick increment', () => {
    expect(stepDecimals(0.2)).toBe(1);
    expect(stepDecimals(0.25)).toBe(2);
    expect(stepDecimals(5)).toBe(0);
    expect(stepDecimals(0.1 + 0.2)).toBe(1); // rounded to 6 places first
    expect(stepDecimals(0.000005)).toBe(6);
  });
  it('never repeats a label when the field asks for 0 decimals on a fractional step', () => {
    // Before: decimals 0 printed 0, 0.25, 0.5, 0.75, 1 as "0, 0, 1, 1, 1".
    expect(formatTicks({ unit: 'short', decimals: 0 }, [0, 0.25, 0.5, 0.75, 1], 0.25)).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00']);
    expect(formatTicks({ unit: 'short', decimals: 0 }, [0, 0.5, 1], 0.5)).toEqual(['0.0', '0.5', '1.0']);
  });
  it('adds digits when a scaled unit would print two equal labels', () => {
    expect(formatTicks({ unit: 'short', decimals: 0 }, [1000, 1500, 2000], 500)).toEqual(['1.0 K', '1.5 K', '2.0 K']);
  });
  it('keeps the field decimals when they are enough and integer steps print as integers', () => {
    expect(formatTicks({ unit: 'currencyUSD', decimals: 2 }, [0, 0.5, 1], 0.5)).toEqual(['$0.00', '$0.50', '$1.00']);
    expect(formatTicks({ unit: 'short', decimals: 0 }, [0, 1, 2], 1)).toEqual(['0', '1', '2']);
    expect(formatTicks({ unit: 'short' }, [0, 2, 4, null], 2)).toEqual(['0', '2', '4', '']);
  });
  it('steps by whole numbers for integer data or decimals 0', () => {
    expect(INTEGER_INCRS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(INTEGER_INCRS.every((x) => Number.isInteger(x))).toBe(true);
    expect(wantsIntegerTicks({}, [[0, 1, null, 3], [2]], false)).toBe(true);
    expect(wantsIntegerTicks({}, [[0, 1.5]], false)).toBe(false);
    expect(wantsIntegerTicks({ decimals: 0 }, [[0.5]], false)).toBe(true);
    expect(wantsIntegerTicks({ decimals: 0 }, [[1]], true)).toBe(false);
    expect(wantsIntegerTicks({}, [[null]], false)).toBe(false);
  });
});

describe('time axis ticks', () => {
  const MIN = 60000;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;
  it('uses Grafana\'s interval formats', () => {
    expect(timeTickFormat(500, 10000)).toBe('HH:mm:ss.SSS');
    expect(timeTickFormat(30000, 10 * MIN)).toBe('HH:mm:ss');
    expect(timeTickFormat(5 * MIN, HOUR)).toBe('HH:mm');
    expect(timeTickFormat(2 * HOUR, DAY)).toBe('HH:mm');
    expect(timeTickFormat(6 * HOUR, 7 * DAY)).toBe('MM/DD HH:mm');
    expect(timeTickFormat(2 * DAY, 30 * DAY)).toBe('MM/DD');
    expect(timeTickFormat(30 * DAY, 2 * 365 * DAY)).toBe('YYYY-MM');
    expect(timeTickFormat(365 * DAY, 10 * 365 * DAY)).toBe('YYYY');
  });
  it('prints 24-hour times in the selected zone', () => {
    const t = Date.UTC(2025, 10, 25, 18, 5, 30);
    expect(formatTimeTicks([t, null], 5 * MIN, HOUR, 'utc')).toEqual(['18:05', '']);
    expect(formatTimeTicks([t], 5 * MIN, HOUR, 'Asia/Tokyo')).toEqual(['03:05']);
    expect(formatTimeTicks([t], 6 * HOUR, 2 * DAY, 'Asia/Tokyo')).toEqual(['11/26 03:05']);
    expect(formatTimeTicks([t], 10000, MIN, 'America/New_York')).toEqual(['13:05:30']);
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
