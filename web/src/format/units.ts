// Value formatting by unit, with Grafana's rules (its "Standard options → Unit" list).
//
// The same rules exist in C++ for the PNG renderer; both run the vectors in units.cases.json.
// Rules a second implementation must follow to print the same strings:
//  - Automatic decimals (decimals null/undefined): d = 1 − floor(log(|v|) / ln 10); one more when
//    v / 10^−d > 2.25 (note: v, not |v|, so negatives never get the extra digit, as Grafana);
//    0 for integers; never below 0. log is the natural logarithm divided by ln 10, floored.
//  - Rounding: round(v · 10^d) / 10^d with round = floor(x + 0.5) (JavaScript Math.round), then
//    the shortest text that reads back as the same double (JavaScript String(number)); when that
//    text has an exponent it is printed as is, else it is padded with zeros to d decimals.
//  - Scaled units (short, bytes, currencies, SI): index = floor(log10(|v|) / log10(factor)),
//    clamped to the unit table; the value is divided by factor^index before rounding.
//  - null prints as "", ±Infinity as "∞"/"-∞", NaN as "NaN". `locale` uses en-US grouping.

export type Decimals = number | null | undefined;

export interface FormattedValue {
  prefix?: string;
  text: string;
  suffix?: string;
}

export type ValueFormatter = (value: number, decimals?: Decimals) => FormattedValue;

export function formattedToString(v: FormattedValue): string {
  return (v.prefix ?? '') + v.text + (v.suffix ?? '');
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '∞' : '-∞';
}

/** Grafana's automatic number of decimals for a value (see the header). */
export function autoDecimals(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return 0;
  const exponent = Math.floor(Math.log(Math.abs(value)) / Math.LN10);
  let decimals = 1 - exponent;
  // Deliberately signed (Grafana's behaviour): only positive values get the extra digit.
  if (value / Math.pow(10, -decimals) > 2.25) decimals += 1;
  if (value % 1 === 0) decimals = 0;
  return Math.max(0, decimals);
}

/** Rounds to `decimals` (automatic when null/undefined) and pads with zeros. */
export function toFixed(value: number, decimals?: Decimals): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  let d = decimals ?? autoDecimals(value);
  if (d < 0) d = 0;
  if (value === 0) return d > 0 ? '0.' + '0'.repeat(Math.min(d, 100)) : '0';
  const factor = d > 0 ? Math.pow(10, d) : 1;
  const text = String(Math.round(value * factor) / factor);
  if (text.includes('e')) return text;
  const dot = text.indexOf('.');
  const have = dot < 0 ? 0 : text.length - dot - 1;
  if (have >= d) return text;
  return (dot < 0 ? text + '.' : text) + '0'.repeat(d - have);
}

function fixedUnit(unit: string, asPrefix = false): ValueFormatter {
  return (value, decimals) => {
    const text = toFixed(value, decimals);
    if (!unit) return { text };
    return asPrefix ? { prefix: unit, text } : { text, suffix: ' ' + unit };
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Divides by factor^k and picks suffixes[offset + k]. */
function scaled(factor: number, suffixes: readonly string[], offset = 0): ValueFormatter {
  return (value, decimals) => {
    if (!Number.isFinite(value)) return { text: nonFinite(value) };
    const raw = Math.floor(Math.log10(Math.abs(value)) / Math.log10(factor));
    const index = Number.isFinite(raw) ? raw : -Infinity;
    const suffixIndex = clamp(offset + index, 0, suffixes.length - 1);
    const power = clamp(index, -offset, suffixes.length - offset - 1);
    return { text: toFixed(value / Math.pow(factor, power), decimals), suffix: suffixes[suffixIndex] ?? '' };
  };
}

const SI_PREFIXES = ['f', 'p', 'n', 'µ', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_BASE = SI_PREFIXES.indexOf('');
const BIN_PREFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];

function siPrefix(unit: string, offset = 0): ValueFormatter {
  return scaled(1000, SI_PREFIXES.map((p) => ' ' + p + unit), SI_BASE + offset);
}

function binaryPrefix(unit: string, offset = 0): ValueFormatter {
  return scaled(1024, BIN_PREFIXES.map((p) => ' ' + p + unit), offset);
}

const COUNT_SUFFIXES = ['', 'K', 'M', 'B', 'T'];

function currency(symbol: string, asSuffix = false): ValueFormatter {
  const scaler = scaled(1000, COUNT_SUFFIXES);
  return (value, decimals) => {
    const negative = value < 0;
    const v = scaler(negative ? -value : value, decimals);
    if (asSuffix) v.suffix = (v.suffix ?? '') + symbol;
    else v.prefix = symbol;
    if (negative) v.prefix = '-' + (v.prefix ?? '');
    return v;
  };
}

function countUnit(symbol: string): ValueFormatter {
  const scaler = scaled(1000, COUNT_SUFFIXES);
  return (value, decimals) => {
    const v = scaler(value, decimals);
    v.suffix = (v.suffix ?? '') + ' ' + symbol;
    return v;
  };
}

/** A value in `unit` shown with the largest unit of `steps` it reaches (|v| ≥ limit). */
interface TimeStep {
  below: number; // use this step while |v| < below
  divide: number;
  suffix: string;
}

function timeScaled(steps: readonly TimeStep[], last: { divide: number; suffix: string }): ValueFormatter {
  return (value, decimals) => {
    if (!Number.isFinite(value)) return { text: nonFinite(value) };
    const abs = Math.abs(value);
    for (const s of steps) {
      if (abs < s.below) return { text: toFixed(value / s.divide, decimals), suffix: s.suffix };
    }
    return { text: toFixed(value / last.divide, decimals), suffix: last.suffix };
  };
}

const milliseconds = timeScaled(
  [
    { below: 1000, divide: 1, suffix: ' ms' },
    { below: 60000, divide: 1000, suffix: ' s' },
    { below: 3600000, divide: 60000, suffix: ' min' },
    { below: 86400000, divide: 3600000, suffix: ' hour' },
    { below: 31536000000, divide: 86400000, suffix: ' day' },
  ],
  { divide: 31536000000, suffix: ' year' },
);

const secondsAbove1 = timeScaled(
  [
    { below: 60, divide: 1, suffix: ' s' },
    { below: 3600, divide: 60, suffix: ' min' },
    { below: 86400, divide: 3600, suffix: ' hour' },
    { below: 604800, divide: 86400, suffix: ' day' },
    { below: 31536000, divide: 604800, suffix: ' week' },
  ],
  { divide: 3.15569e7, suffix: ' year' },
);

function seconds(value: number, decimals?: Decimals): FormattedValue {
  if (value === 0) return { text: '0', suffix: ' s' };
  const abs = Math.abs(value);
  if (abs < 0.000001) return { text: toFixed(value * 1e9, decimals), suffix: ' ns' };
  if (abs < 0.001) return { text: toFixed(value * 1e6, decimals), suffix: ' µs' };
  if (abs < 1) return { text: toFixed(value * 1e3, decimals), suffix: ' ms' };
  return secondsAbove1(value, decimals);
}

const nanoseconds = timeScaled(
  [
    { below: 1000, divide: 1, suffix: ' ns' },
    { below: 1e6, divide: 1000, suffix: ' µs' },
    { below: 1e9, divide: 1e6, suffix: ' ms' },
    { below: 6e10, divide: 1e9, suffix: ' s' },
    { below: 3.6e12, divide: 6e10, suffix: ' min' },
    { below: 8.64e13, divide: 3.6e12, suffix: ' hour' },
  ],
  { divide: 8.64e13, suffix: ' day' },
);

const microseconds = timeScaled(
  [
    { below: 1000, divide: 1, suffix: ' µs' },
    { below: 1e6, divide: 1000, suffix: ' ms' },
  ],
  { divide: 1e6, suffix: ' s' },
);

const minutes = timeScaled(
  [
    { below: 60, divide: 1, suffix: ' min' },
    { below: 1440, divide: 60, suffix: ' hour' },
    { below: 10080, divide: 1440, suffix: ' day' },
    { below: 604800, divide: 10080, suffix: ' week' },
  ],
  { divide: 5.25948e5, suffix: ' year' },
);

const hours = timeScaled(
  [
    { below: 24, divide: 1, suffix: ' hour' },
    { below: 168, divide: 24, suffix: ' day' },
    { below: 8760, divide: 168, suffix: ' week' },
  ],
  { divide: 8760, suffix: ' year' },
);

const days = timeScaled(
  [
    { below: 7, divide: 1, suffix: ' day' },
    { below: 365, divide: 7, suffix: ' week' },
  ],
  { divide: 365, suffix: ' year' },
);

const DURATION_UNITS: ReadonlyArray<[string, number]> = [
  ['year', 31536000000],
  ['month', 2592000000],
  ['week', 604800000],
  ['day', 86400000],
  ['hour', 3600000],
  ['minute', 60000],
  ['second', 1000],
  ['millisecond', 1],
];

/** "2 hours, 3 minutes": the first unit reached, then `decimals` more units. */
function duration(msPerUnit: number, unitName: string): ValueFormatter {
  const fmt = (value: number, decimals?: Decimals): FormattedValue => {
    if (!Number.isFinite(value)) return { text: nonFinite(value) };
    if (value === 0) return { text: '0', suffix: ' ' + unitName + 's' };
    if (value < 0) {
      const v = fmt(-value, decimals);
      v.suffix = (v.suffix ?? '') + ' ago';
      return v;
    }
    let rest = value * msPerUnit;
    let more = decimals ?? 0;
    let started = false;
    const parts: string[] = [];
    for (const [name, ms] of DURATION_UNITS) {
      if (more < 0) break;
      const n = rest / ms;
      if (n >= 1 || started) {
        started = true;
        const whole = Math.floor(n);
        parts.push(`${whole} ${name}${whole !== 1 ? 's' : ''}`);
        rest = rest % ms;
        more--;
      }
    }
    return { text: parts.join(', ') };
  };
  return fmt;
}

function pad2(n: number): string {
  return n > 9 ? String(n) : '0' + n;
}

function hms(value: number): FormattedValue {
  if (value < 0) {
    const v = hms(-value);
    return { text: v.text, suffix: ' ago' };
  }
  const h = Math.floor(value / 3600);
  const m = Math.floor((value % 3600) / 60);
  const s = Math.floor((value % 3600) % 60);
  return { text: `${pad2(h)}:${pad2(m)}:${pad2(s)}` };
}

function dhms(value: number): FormattedValue {
  if (value < 0) {
    const v = dhms(-value);
    return { text: v.text, suffix: ' ago' };
  }
  const d = Math.floor(value / 86400);
  return { text: (d > 0 ? `${d} d ` : '') + hms(value - d * 86400).text };
}

const LOCALE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

function locale(value: number, decimals?: Decimals): FormattedValue {
  if (!Number.isFinite(value)) return { text: nonFinite(value) };
  if (decimals == null) return { text: LOCALE.format(value) };
  const d = clamp(Math.floor(decimals), 0, 20);
  return { text: new Intl.NumberFormat('en-US', { maximumFractionDigits: d }).format(value) };
}

function bool(t: string, f: string): ValueFormatter {
  return (value) => ({ text: value ? t : f });
}

const FORMATS: Record<string, ValueFormatter> = {
  none: fixedUnit(''),
  string: (v) => ({ text: String(v) }),
  short: scaled(1000, ['', ' K', ' Mil', ' Bil', ' Tri', ' Quadr', ' Quint', ' Sext', ' Sept']),
  percent: (v, d) => ({ text: toFixed(v, d), suffix: '%' }),
  percentunit: (v, d) => ({ text: toFixed(100 * v, d), suffix: '%' }),
  humidity: fixedUnit('%H'),
  dB: fixedUnit('dB'),
  hex: (v, d) => ({ text: parseFloat(toFixed(v, d)).toString(16).toUpperCase() }),
  hex0x: (v, d) => {
    const t = parseFloat(toFixed(v, d)).toString(16).toUpperCase();
    return { text: t.startsWith('-') ? '-0x' + t.slice(1) : '0x' + t };
  },
  sci: (v, d) => ({ text: Number.isFinite(v) ? v.toExponential(d ?? undefined) : nonFinite(v) }),
  locale,
  pixel: fixedUnit('px'),
  // Currency
  currencyUSD: currency('$'),
  currencyGBP: currency('£'),
  currencyEUR: currency('€'),
  currencyJPY: currency('¥'),
  currencyRUB: currency('₽'),
  currencyUAH: currency('₴'),
  currencyBRL: currency('R$'),
  currencyDKK: currency('kr', true),
  currencyISK: currency('kr', true),
  currencyNOK: currency('kr', true),
  currencySEK: currency('kr', true),
  currencyCZK: currency('czk'),
  currencyCHF: currency('CHF'),
  currencyPLN: currency('PLN'),
  currencyBTC: currency('฿'),
  currencyZAR: currency('R'),
  currencyINR: currency('₹'),
  currencyKRW: currency('₩'),
  // Data
  bytes: binaryPrefix('B'),
  decbytes: siPrefix('B'),
  bits: binaryPrefix('b'),
  decbits: siPrefix('b'),
  kbytes: binaryPrefix('B', 1),
  deckbytes: siPrefix('B', 1),
  mbytes: binaryPrefix('B', 2),
  decmbytes: siPrefix('B', 2),
  gbytes: binaryPrefix('B', 3),
  decgbytes: siPrefix('B', 3),
  tbytes: binaryPrefix('B', 4),
  dectbytes: siPrefix('B', 4),
  // Data rate
  pps: siPrefix('p/s'),
  binBps: binaryPrefix('B/s'),
  Bps: siPrefix('B/s'),
  binbps: binaryPrefix('b/s'),
  bps: siPrefix('b/s'),
  KiBs: binaryPrefix('B/s', 1),
  KBs: siPrefix('B/s', 1),
  MiBs: binaryPrefix('B/s', 2),
  MBs: siPrefix('B/s', 2),
  // Time
  hertz: siPrefix('Hz'),
  ns: nanoseconds,
  µs: microseconds,
  us: microseconds,
  ms: milliseconds,
  s: seconds,
  m: minutes,
  h: hours,
  d: days,
  dtdurationms: duration(1, 'millisecond'),
  dtdurations: duration(1000, 'second'),
  dthms: hms,
  dtdhms: dhms,
  // Throughput
  cps: countUnit('c/s'),
  ops: countUnit('ops/s'),
  reqps: countUnit('req/s'),
  rps: countUnit('rd/s'),
  wps: countUnit('wr/s'),
  iops: countUnit('io/s'),
  eps: countUnit('evt/s'),
  mps: countUnit('msg/s'),
  recps: countUnit('rec/s'),
  rowsps: countUnit('rows/s'),
  cpm: countUnit('c/m'),
  opm: countUnit('ops/m'),
  reqpm: countUnit('req/m'),
  // Energy and a few physical units
  watt: siPrefix('W'),
  kwatt: siPrefix('W', 1),
  volt: siPrefix('V'),
  amp: siPrefix('A'),
  celsius: fixedUnit('°C'),
  fahrenheit: fixedUnit('°F'),
  kelvin: fixedUnit('K'),
  lengthm: siPrefix('m'),
  lengthkm: siPrefix('m', 1),
  massg: siPrefix('g'),
  masskg: siPrefix('g', 1),
  // Boolean
  bool: bool('True', 'False'),
  bool_yes_no: bool('Yes', 'No'),
  bool_on_off: bool('On', 'Off'),
};

const cache = new Map<string, ValueFormatter>();

/** The formatter for a Grafana unit id; unknown ids become a suffix (as Grafana does). */
export function getValueFormatter(unit?: string | null): ValueFormatter {
  const id = unit ?? '';
  if (!id) return FORMATS.none!;
  const known = FORMATS[id];
  if (known) return known;
  const hit = cache.get(id);
  if (hit) return hit;
  let fmt: ValueFormatter = fixedUnit(id);
  const colon = id.indexOf(':');
  if (colon > 0) {
    const kind = id.slice(0, colon);
    const sub = id.slice(colon + 1);
    if (kind === 'prefix') fmt = fixedUnit(sub, true);
    else if (kind === 'suffix') fmt = fixedUnit(sub);
    else if (kind === 'count') fmt = countUnit(sub);
    else if (kind === 'currency') fmt = currency(sub);
    else if (kind === 'si') {
      const first = sub.charAt(0) === 'μ' ? 'µ' : sub.charAt(0);
      const p = SI_PREFIXES.indexOf(first);
      const offset = p < 0 || first === '' ? 0 : p - SI_BASE;
      fmt = siPrefix(offset === 0 ? sub : sub.slice(1), offset);
    } else if (kind === 'bool') {
      const slash = sub.indexOf('/');
      fmt = slash >= 0 ? bool(sub.slice(0, slash), sub.slice(slash + 1)) : bool(sub, '-');
    }
  }
  cache.set(id, fmt);
  return fmt;
}

/** Formats a value as one string; null/undefined give "". */
export function formatValue(unit: string | null | undefined, value: number | null | undefined, decimals?: Decimals): string {
  if (value === null || value === undefined) return '';
  return formattedToString(getValueFormatter(unit)(value, decimals));
}

/** Whether the unit is a time-of-day unit (not supported as a value unit here). */
export function isKnownUnit(unit: string): boolean {
  return unit in FORMATS;
}
