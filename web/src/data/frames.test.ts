import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrames, fieldDisplayName, joinOnTime, stackSeries } from './frames';
import type { FrameJSON } from '../types';

const series = (name: string, times: number[], values: (number | null)[], labels: Record<string, string> = {}): FrameJSON => ({
  schema: {
    refId: 'A',
    name,
    meta: { type: 'timeseries-multi' },
    fields: [
      { name: 'Time', type: 'time' },
      { name: 'Value', type: 'number', labels, config: { displayNameFromDS: name } },
    ],
  },
  data: { values: [times, values] },
});

describe('decodeFrame', () => {
  it('restores NaN and infinities from entities', () => {
    const f = decodeFrame({
      schema: { fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number' }] },
      data: { values: [[1, 2, 3, 4], [1, null, null, null]], entities: [null, { NaN: [1], Inf: [2], NegInf: [3] }] },
    });
    expect(f.fields[1]!.values).toEqual([1, NaN, Infinity, -Infinity]);
    expect(f.length).toBe(4);
  });
  it('tolerates missing parts', () => {
    expect(decodeFrame({}).fields).toEqual([]);
    expect(decodeFrames(undefined)).toEqual([]);
    const f = decodeFrame({ schema: { fields: [{ name: 'x' }] } });
    expect(f.fields[0]!.type).toBe('other');
    expect(f.fields[0]!.values).toEqual([]);
  });
});

describe('display names', () => {
  it('prefers config, then the legend name, then labels, then the field name', () => {
    const f = decodeFrame(series('opus', [1], [1], { model: 'opus' }));
    expect(fieldDisplayName(f.fields[1]!, f)).toBe('opus');
    const g = decodeFrame({
      schema: { fields: [{ name: 'Value', type: 'number', labels: { __name__: 'up', job: 'x' } }] },
      data: { values: [[1]] },
    });
    expect(fieldDisplayName(g.fields[0]!, g)).toBe('up{job="x"}');
    const h = decodeFrame({ schema: { fields: [{ name: 'Count', type: 'number', config: { displayName: 'N' } }] } });
    expect(fieldDisplayName(h.fields[0]!, h)).toBe('N');
  });
});

describe('joinOnTime', () => {
  it('shares the time column when all frames have the same one', () => {
    const j = joinOnTime(decodeFrames([series('a', [1, 2, 3], [1, 2, 3]), series('b', [1, 2, 3], [4, null, 6])]));
    expect(j.x).toEqual([1, 2, 3]);
    expect(j.ys).toEqual([
      [1, 2, 3],
      [4, null, 6],
    ]);
    expect(j.series.map((s) => s.frame.name)).toEqual(['a', 'b']);
  });
  it('outer-joins different time columns', () => {
    const j = joinOnTime(decodeFrames([series('a', [1, 3], [10, 30]), series('b', [2, 3, 4], [20, 31, 40])]));
    expect(j.x).toEqual([1, 2, 3, 4]);
    expect(j.ys).toEqual([
      [10, null, 30, null],
      [null, 20, 31, 40],
    ]);
  });
  it('skips frames without time or numbers', () => {
    const j = joinOnTime(
      decodeFrames([{ schema: { fields: [{ name: 'Line', type: 'string' }] }, data: { values: [['x']] } }]),
    );
    expect(j).toEqual({ x: [], ys: [], series: [] });
  });
  it('handles 10 series x 10k points quickly', () => {
    const n = 10000;
    const times = Array.from({ length: n }, (_, i) => i * 1000);
    const frames = decodeFrames(
      Array.from({ length: 10 }, (_, k) => series(`s${k}`, k % 2 ? times : times.map((t) => t + 500), times.map((t) => t + k))),
    );
    const t0 = performance.now();
    const j = joinOnTime(frames);
    expect(j.x.length).toBe(2 * n);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('stackSeries', () => {
  it('accumulates within a group and leaves other series alone', () => {
    const out = stackSeries(
      [
        [1, 2, null],
        [10, 20, 30],
        [5, 5, 5],
      ],
      ['A', 'A', null],
      [false, false, false],
    );
    expect(out).toEqual([
      [1, 2, 0],
      [11, 22, 30],
      [5, 5, 5],
    ]);
  });
  it('normalizes to fractions of the total in percent mode', () => {
    const out = stackSeries(
      [
        [1, 0],
        [3, 0],
      ],
      ['A', 'A'],
      [true, true],
    );
    expect(out).toEqual([
      [0.25, 0],
      [1, 0],
    ]);
  });
});
