// Wall-clock arithmetic and formatting in the dashboard's time zone: "browser" (the local zone),
// "utc", or an IANA name. Only Intl is used (no date library).

export type TimeZone = string;

export interface WallTime {
  year: number;
  month: number; // 0–11
  day: number; // 1–31
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function ianaFormatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Normalizes a URL/dashboard timezone: "", "browser" → "browser"; "utc"/"UTC" → "utc". */
export function normalizeTimeZone(tz: string | null | undefined): TimeZone {
  if (!tz || tz === 'browser') return 'browser';
  if (tz.toLowerCase() === 'utc' || tz === 'Etc/UTC') return 'utc';
  return isValidTimeZone(tz) ? tz : 'browser';
}

export function isValidTimeZone(tz: string): boolean {
  if (tz === 'browser' || tz === 'utc') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The IANA name for a zone ("browser" resolves to the browser's zone). */
export function ianaName(tz: TimeZone): string {
  if (tz === 'utc') return 'UTC';
  if (tz === 'browser') return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return tz;
}

export function toWall(ms: number, tz: TimeZone): WallTime {
  if (tz === 'utc') {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth(),
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
      weekday: d.getUTCDay(),
    };
  }
  if (tz === 'browser') {
    const d = new Date(ms);
    return {
      year: d.getFullYear(),
      month: d.getMonth(),
      day: d.getDate(),
      hour: d.getHours(),
      minute: d.getMinutes(),
      second: d.getSeconds(),
      ms: d.getMilliseconds(),
      weekday: d.getDay(),
    };
  }
  const w: WallTime = { year: 1970, month: 0, day: 1, hour: 0, minute: 0, second: 0, ms: 0, weekday: 4 };
  for (const p of ianaFormatter(tz).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year':
        w.year = Number(p.value);
        break;
      case 'month':
        w.month = Number(p.value) - 1;
        break;
      case 'day':
        w.day = Number(p.value);
        break;
      case 'hour':
        w.hour = Number(p.value) % 24;
        break;
      case 'minute':
        w.minute = Number(p.value);
        break;
      case 'second':
        w.second = Number(p.value);
        break;
      case 'weekday':
        w.weekday = WEEKDAYS[p.value] ?? 0;
        break;
    }
  }
  w.ms = ((ms % 1000) + 1000) % 1000;
  return w;
}

/** The instant whose wall clock in `tz` reads the given fields (fields may overflow, as Date). */
export function fromWall(
  tz: TimeZone,
  year: number,
  month: number,
  day = 1,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  if (tz === 'browser') return new Date(year, month, day, hour, minute, second, ms).getTime();
  const asUtc = Date.UTC(year, month, day, hour, minute, second, ms);
  if (tz === 'utc') return asUtc;
  // Iterate: offset at the guess, then at the corrected instant (handles DST edges).
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const w = toWall(guess, tz);
    const wallAsUtc = Date.UTC(w.year, w.month, w.day, w.hour, w.minute, w.second, w.ms);
    const diff = wallAsUtc - asUtc;
    if (diff === 0) break;
    guess -= diff;
  }
  return guess;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Formats with tokens YYYY MM DD HH mm ss SSS (anything else is kept). */
export function formatTime(ms: number, tz: TimeZone, pattern = 'YYYY-MM-DD HH:mm:ss'): string {
  if (!Number.isFinite(ms)) return '';
  const w = toWall(ms, tz);
  return pattern.replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, (t) => {
    switch (t) {
      case 'YYYY':
        return pad(w.year, 4);
      case 'MM':
        return pad(w.month + 1);
      case 'DD':
        return pad(w.day);
      case 'HH':
        return pad(w.hour);
      case 'mm':
        return pad(w.minute);
      case 'ss':
        return pad(w.second);
      default:
        return pad(w.ms, 3);
    }
  });
}

/** A few zones offered in the picker besides the browser's and UTC. */
export const COMMON_TIME_ZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
];
