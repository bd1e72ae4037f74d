// Grafana's field reducers (stat/pie "Calculation", legend values, table footer).

import { toNumber } from '../data/frames';

export type Reducer =
  | 'lastNotNull'
  | 'last'
  | 'firstNotNull'
  | 'first'
  | 'sum'
  | 'mean'
  | 'max'
  | 'min'
  | 'count'
  | 'range'
  | 'delta'
  | 'diff'
  | 'median'
  | 'allValues'
  | 'distinctCount'
  | 'changeCount'
  | 'logmin'
  | 'step';

export const REDUCER_NAMES: Record<string, string> = {
  lastNotNull: 'Last *',
  last: 'Last',
  firstNotNull: 'First *',
  first: 'First',
  sum: 'Total',
  mean: 'Mean',
  max: 'Max',
  min: 'Min',
  count: 'Count',
  range: 'Range',
  delta: 'Delta',
  diff: 'Difference',
  median: 'Median',
  distinctCount: 'Distinct count',
  changeCount: 'Change count',
  logmin: 'Min (above zero)',
};

// Legacy (Grafana 6 singlestat/graph) names.
const ALIASES: Record<string, string> = {
  current: 'lastNotNull',
  avg: 'mean',
  total: 'sum',
  lastnotnull: 'lastNotNull',
};

export function normalizeReducer(id: string | undefined | null): string {
  if (!id) return 'lastNotNull';
  return ALIASES[id] ?? id;
}

/** Reduces raw values with one calc. Non-numbers are skipped (null/NaN are "null"). */
export function reduceValues(values: readonly unknown[], calc: string): number | null {
  const id = normalizeReducer(calc);
  const nums: number[] = [];
  let last: number | null = null;
  let first: number | null = null;
  let firstSeen = false;
  for (const raw of values) {
    const v = toNumber(raw);
    if (!firstSeen) {
      first = v;
      firstSeen = true;
    }
    last = v;
    if (v !== null && !Number.isNaN(v)) nums.push(v);
  }
  switch (id) {
    case 'last':
      return last;
    case 'first':
      return first;
    case 'lastNotNull':
      return nums.length ? nums[nums.length - 1]! : null;
    case 'firstNotNull':
      return nums.length ? nums[0]! : null;
    case 'count':
      return values.length;
    case 'distinctCount':
      return new Set(nums).size;
    case 'changeCount': {
      let c = 0;
      for (let i = 1; i < nums.length; i++) if (nums[i] !== nums[i - 1]) c++;
      return c;
    }
    case 'diff':
      return nums.length ? nums[nums.length - 1]! - nums[0]! : null;
    case 'delta': {
      // Counter-aware increase (resets start again from the new value), as Grafana.
      let d = 0;
      for (let i = 1; i < nums.length; i++) {
        const step = nums[i]! - nums[i - 1]!;
        d += step >= 0 ? step : nums[i]!;
      }
      return nums.length ? d : null;
    }
  }
  if (nums.length === 0) return null;
  switch (id) {
    case 'sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'mean':
      return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'max':
      return Math.max(...nums);
    case 'min':
      return Math.min(...nums);
    case 'logmin': {
      const pos = nums.filter((n) => n > 0);
      return pos.length ? Math.min(...pos) : null;
    }
    case 'range':
      return Math.max(...nums) - Math.min(...nums);
    case 'median': {
      const s = nums.slice().sort((a, b) => a - b);
      const mid = Math.floor(s.length / 2);
      return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    }
    default:
      return nums[nums.length - 1]!;
  }
}
