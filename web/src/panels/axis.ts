// Axis ticks as Grafana's time series draws them: value ticks with as many decimals as the tick
// increment needs (never two equal labels), integer steps for integer data or `decimals: 0`,
// and time ticks in the dashboard's time zone with Grafana's interval formats (24-hour clock).

import { formatWithConfig } from '../format/fieldconfig';
import { formatTime, type TimeZone } from '../time/tz';
import type { FieldConfig } from '../types';

/** Decimals a number has once rounded to 6 places (Grafana's guessDecimals(roundDecimals(x, 6))). */
export function stepDecimals(step: number): number {
  if (!Number.isFinite(step) || step === 0) return 0;
  const rounded = Math.round(Math.abs(step) * 1e6) / 1e6;
  const text = String(rounded);
  if (text.includes('e-')) {
    const [mant, exp] = text.split('e-');
    return (mant!.split('.')[1] ?? '').length + Number(exp);
  }
  return (text.split('.')[1] ?? '').length;
}

function hasAdjacentDuplicates(labels: string[]): boolean {
  for (let i = 1; i < labels.length; i++) if (labels[i] !== '' && labels[i] === labels[i - 1]) return true;
  return false;
}

/**
 * Tick labels for value splits. `incr` is the tick increment (uPlot's foundIncr; the first gap
 * when not given). Decimals: the field's `decimals` when it is enough for the increment, else the
 * increment's own (Grafana's axis); more when two neighbouring labels would still read the same
 * (scaled units such as "1.5 K"). Splits that are null print as "".
 */
export function formatTicks(config: FieldConfig, splits: Array<number | null>, incr?: number): string[] {
  let step = incr;
  if (step === undefined || !Number.isFinite(step) || step <= 0) {
    const nums = splits.filter((v): v is number => typeof v === 'number');
    step = nums.length > 1 ? Math.abs(nums[1]! - nums[0]!) : 0;
  }
  const fromStep = stepDecimals(step);
  const configured = typeof config.decimals === 'number' ? config.decimals : undefined;
  let decimals: number | undefined;
  if (configured !== undefined) decimals = Math.max(configured, fromStep);
  else decimals = fromStep > 0 ? fromStep : undefined;
  const render = (d: number | undefined) => splits.map((v) => (v === null || v === undefined ? '' : formatWithConfig(config, v, d)));
  let labels = render(decimals);
  // Auto decimals (undefined) or scaled units can still collide: add digits until they differ.
  for (let d = decimals ?? fromStep; hasAdjacentDuplicates(labels) && d < 10; ) {
    d++;
    labels = render(d);
  }
  return labels;
}

/** Tick increments of whole numbers only (1, 2, 5, 10, 20, 50, …): for integer data. */
export const INTEGER_INCRS: number[] = (() => {
  const out: number[] = [];
  for (let e = 0; e <= 15; e++) for (const m of [1, 2, 5]) out.push(m * Math.pow(10, e));
  return out;
})();

/**
 * Whether the y axis should step by whole numbers: the field asks for `decimals: 0`, or every
 * value drawn is an integer (counts). Percent stacking (0..1) never does.
 */
export function wantsIntegerTicks(config: FieldConfig, series: Array<Array<number | null>>, percent: boolean): boolean {
  if (percent) return false;
  if (config.decimals === 0) return true;
  let any = false;
  for (const s of series) {
    for (const v of s) {
      if (v === null || !Number.isFinite(v)) continue;
      if (!Number.isInteger(v)) return false;
      any = true;
    }
  }
  return any;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const YEAR = 365 * DAY;

/** Grafana's time axis format for a tick increment and a visible range (both in ms). */
export function timeTickFormat(incr: number, range: number): string {
  if (incr < SECOND) return 'HH:mm:ss.SSS';
  if (incr <= MINUTE) return 'HH:mm:ss';
  if (range <= DAY) return 'HH:mm';
  if (incr <= DAY) return 'MM/DD HH:mm';
  if (range < YEAR) return 'MM/DD';
  if (Math.round(incr / DAY) === Math.round(YEAR / DAY)) return 'YYYY';
  if (incr <= YEAR) return 'YYYY-MM';
  return 'YYYY';
}

/** Time tick labels (splits in Unix ms) in the time zone. */
export function formatTimeTicks(splits: Array<number | null>, incr: number, range: number, tz: TimeZone): string[] {
  const pattern = timeTickFormat(incr, range);
  return splits.map((v) => (v === null || v === undefined ? '' : formatTime(v, tz, pattern)));
}
