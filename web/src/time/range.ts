// Grafana's time-range expressions for the picker: "now", "now-6h", "now-1d/d", "now/w", Unix
// milliseconds, and typed dates ("2024-05-01", "2024-05-01 13:45[:10]", ISO 8601 with a zone).
// The server resolves from/to itself; the browser parses only to validate input, to show the
// range, to zoom and to turn typed dates into Unix ms for the URL.

import { fromWall, toWall, formatTime, type TimeZone } from './tz';

export interface RawRange {
  from: string;
  to: string;
}

export type WeekStart = 'sunday' | 'monday' | 'saturday';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60000, h: 3600000 };
const UNITS = new Set(['y', 'M', 'w', 'd', 'h', 'm', 's']);

export function isRelative(text: string): boolean {
  return text.trim().startsWith('now');
}

function startOf(ms: number, unit: string, tz: TimeZone, weekStart: WeekStart): number {
  const w = toWall(ms, tz);
  switch (unit) {
    case 'y':
      return fromWall(tz, w.year, 0, 1);
    case 'M':
      return fromWall(tz, w.year, w.month, 1);
    case 'w': {
      const first = weekStart === 'monday' ? 1 : weekStart === 'saturday' ? 6 : 0;
      const back = (w.weekday - first + 7) % 7;
      return fromWall(tz, w.year, w.month, w.day - back);
    }
    case 'd':
      return fromWall(tz, w.year, w.month, w.day);
    case 'h':
      return fromWall(tz, w.year, w.month, w.day, w.hour);
    case 'm':
      return fromWall(tz, w.year, w.month, w.day, w.hour, w.minute);
    default:
      return fromWall(tz, w.year, w.month, w.day, w.hour, w.minute, w.second);
  }
}

function add(ms: number, n: number, unit: string, tz: TimeZone): number {
  const fixed = UNIT_MS[unit];
  if (fixed !== undefined) return ms + n * fixed;
  const w = toWall(ms, tz);
  switch (unit) {
    case 'y':
      return fromWall(tz, w.year + n, w.month, w.day, w.hour, w.minute, w.second, w.ms);
    case 'M':
      return fromWall(tz, w.year, w.month + n, w.day, w.hour, w.minute, w.second, w.ms);
    case 'w':
      return fromWall(tz, w.year, w.month, w.day + 7 * n, w.hour, w.minute, w.second, w.ms);
    default:
      return fromWall(tz, w.year, w.month, w.day + n, w.hour, w.minute, w.second, w.ms);
  }
}

/** Evaluates "now[±N unit]…[/unit]". roundUp: "/d" goes to the last ms of the day (for `to`). */
function parseRelative(text: string, now: number, roundUp: boolean, tz: TimeZone, weekStart: WeekStart): number | null {
  let rest = text.slice(3).replace(/\s+/g, '');
  let t = now;
  while (rest.length > 0) {
    const op = rest[0];
    if (op === '/') {
      const unit = rest.slice(1);
      if (!UNITS.has(unit)) return null;
      const start = startOf(t, unit, tz, weekStart);
      return roundUp ? add(start, 1, unit, tz) - 1 : start;
    }
    if (op !== '+' && op !== '-') return null;
    const m = /^([+-])(\d*)([yMwdhms])/.exec(rest);
    if (!m) return null;
    const n = m[2] ? Number(m[2]) : 1;
    t = add(t, op === '-' ? -n : n, m[3]!, tz);
    rest = rest.slice(m[0].length);
  }
  return t;
}

/** Parses a typed absolute date; without an explicit zone it is read in `tz`. */
export function parseAbsolute(text: string, tz: TimeZone): number | null {
  const s = text.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    // Unix seconds (10 digits) are accepted too; Grafana's URLs use milliseconds.
    return s.length <= 10 ? n * 1000 : n;
  }
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const month = Number(mo) - 1;
  const day = Number(d);
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  const hour = h ? Number(h) : 0;
  const minute = mi ? Number(mi) : 0;
  const second = sec ? Number(sec) : 0;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const ms = frac ? Number(frac.padEnd(3, '0')) : 0;
  if (zone) {
    const base = Date.UTC(Number(y), month, day, hour, minute, second, ms);
    if (zone === 'Z') return base;
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!zm) return null;
    const offset = (Number(zm[2]) * 60 + Number(zm[3])) * 60000 * (zm[1] === '-' ? -1 : 1);
    return base - offset;
  }
  return fromWall(tz, Number(y), month, day, hour, minute, second, ms);
}

/** Resolves one end of a range to Unix ms, or null when the text is not a time. */
export function parseTime(
  text: string,
  opts: { now?: number; roundUp?: boolean; tz?: TimeZone; weekStart?: WeekStart } = {},
): number | null {
  const s = (text ?? '').trim();
  if (!s) return null;
  const now = opts.now ?? Date.now();
  const tz = opts.tz ?? 'browser';
  if (s.startsWith('now')) return parseRelative(s, now, opts.roundUp ?? false, tz, opts.weekStart ?? 'sunday');
  return parseAbsolute(s, tz);
}

export function resolveRange(
  range: RawRange,
  tz: TimeZone,
  now = Date.now(),
  weekStart: WeekStart = 'sunday',
): { from: number; to: number } | null {
  const from = parseTime(range.from, { now, tz, weekStart });
  const to = parseTime(range.to, { now, tz, weekStart, roundUp: true });
  if (from === null || to === null) return null;
  return { from, to };
}

export interface QuickRange extends RawRange {
  display: string;
}

export const QUICK_RANGES: QuickRange[] = [
  { from: 'now-5m', to: 'now', display: 'Last 5 minutes' },
  { from: 'now-15m', to: 'now', display: 'Last 15 minutes' },
  { from: 'now-30m', to: 'now', display: 'Last 30 minutes' },
  { from: 'now-1h', to: 'now', display: 'Last 1 hour' },
  { from: 'now-3h', to: 'now', display: 'Last 3 hours' },
  { from: 'now-6h', to: 'now', display: 'Last 6 hours' },
  { from: 'now-12h', to: 'now', display: 'Last 12 hours' },
  { from: 'now-24h', to: 'now', display: 'Last 24 hours' },
  { from: 'now-2d', to: 'now', display: 'Last 2 days' },
  { from: 'now-7d', to: 'now', display: 'Last 7 days' },
  { from: 'now-30d', to: 'now', display: 'Last 30 days' },
  { from: 'now/d', to: 'now/d', display: 'Today' },
  { from: 'now/d', to: 'now', display: 'Today so far' },
  { from: 'now-1d/d', to: 'now-1d/d', display: 'Yesterday' },
  { from: 'now/w', to: 'now/w', display: 'This week' },
  { from: 'now/w', to: 'now', display: 'This week so far' },
];

const UNIT_NAMES: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  y: 'year',
};

/** The picker's label: a quick range's name, "Last 90 days", or "from to" in the zone. */
export function describeRange(range: RawRange, tz: TimeZone): string {
  const quick = QUICK_RANGES.find((q) => q.from === range.from && q.to === range.to);
  if (quick) return quick.display;
  const m = /^now-(\d+)([smhdwMy])$/.exec(range.from);
  if (m && range.to === 'now') {
    const n = Number(m[1]);
    return `Last ${n} ${UNIT_NAMES[m[2]!]}${n === 1 ? '' : 's'}`;
  }
  const show = (t: string, roundUp: boolean): string => {
    if (isRelative(t)) return t;
    const ms = parseTime(t, { tz, roundUp });
    return ms === null ? t : formatTime(ms, tz);
  };
  return `${show(range.from, false)} to ${show(range.to, true)}`;
}

/** Text for an input box: relative ranges as typed, Unix ms as a date in the zone. */
export function timeInputText(t: string, tz: TimeZone): string {
  if (isRelative(t) || !/^\d+$/.test(t.trim())) return t;
  const ms = parseAbsolute(t, tz);
  return ms === null ? t : formatTime(ms, tz);
}

/** Turns a typed value into the URL's form: relative kept, dates as Unix ms; null if invalid. */
export function normalizeInput(text: string, tz: TimeZone, roundUp: boolean): string | null {
  const s = text.trim();
  if (isRelative(s)) return parseTime(s, { tz, roundUp }) === null ? null : s;
  const ms = parseAbsolute(s, tz);
  return ms === null ? null : String(ms);
}

/** Grafana's zoom out (×2 around the centre); "now-N<u>"…"now" stays relative as "now-2N<u>". */
export function zoomOut(range: RawRange, tz: TimeZone, now = Date.now()): RawRange {
  const m = /^now-(\d+)([smhdwMy])$/.exec(range.from);
  if (m && range.to === 'now') return { from: `now-${Number(m[1]) * 2}${m[2]}`, to: 'now' };
  const r = resolveRange(range, tz, now);
  if (!r) return range;
  const span = r.to - r.from;
  const center = r.to - span / 2;
  let to = Math.round(center + span);
  const from = Math.round(center - span);
  if (to > now) to = now;
  return { from: String(from), to: String(to) };
}

/** Parses "30s", "1m", "2h", "1d" (refresh intervals) to ms; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec((text ?? '').trim());
  if (!m) return null;
  const n = Number(m[1]);
  const mult: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60000,
    h: 3600000,
    d: 86400000,
    w: 604800000,
    y: 31536000000,
  };
  return n * (mult[m[2]!] ?? 0);
}

export const DEFAULT_REFRESH_INTERVALS = ['5s', '10s', '30s', '1m', '5m', '15m', '30m', '1h', '2h', '1d'];
