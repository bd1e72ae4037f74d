// Field configuration as Grafana applies it: panel defaults under the datasource's own field
// config, then overrides (byName, byRegexp, byFrameRefID, byType, byNames); then the display
// processor: value mappings, thresholds, colours and unit formatting.

import { fieldDisplayName, toNumber, type DataFrame, type Field } from '../data/frames';
import type { FieldConfig, FieldConfigSource, Threshold, ValueMapping, ValueMappingResult } from '../types';
import { classicColor, resolveColor, type Theme } from './colors';
import { formattedToString, getValueFormatter } from './units';

export interface ConfiguredField extends Field {
  displayName: string;
  /** Index among the value fields of all frames (the classic palette's colour index). */
  seriesIndex: number;
}

export interface ConfiguredFrame extends Omit<DataFrame, 'fields'> {
  fields: ConfiguredField[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeConfig(defaults: FieldConfig, own: FieldConfig): FieldConfig {
  const out: FieldConfig = { ...defaults, ...own };
  if (isObject(defaults.custom) || isObject(own.custom)) {
    out.custom = { ...(defaults.custom ?? {}), ...(own.custom ?? {}) };
  }
  return out;
}

function setPath(config: FieldConfig, id: string, value: unknown): void {
  const parts = id.split('.');
  let target: Record<string, unknown> = config;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i]!;
    const next = target[key];
    if (!isObject(next)) target[key] = {};
    else target[key] = { ...next }; // copy: the defaults object is shared between fields
    target = target[key] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
}

function regexFrom(text: string): RegExp | null {
  try {
    const m = /^\/(.*)\/([gimsuy]*)$/.exec(text);
    return m ? new RegExp(m[1]!, m[2]!.replace('g', '')) : new RegExp(`^(?:${text})$`);
  } catch {
    return null;
  }
}

export function matchesOverride(
  matcher: { id?: string; options?: unknown } | undefined,
  field: Field,
  displayName: string,
  frame: DataFrame,
): boolean {
  if (!matcher) return false;
  const opt = matcher.options;
  switch (matcher.id) {
    case 'byName':
      return typeof opt === 'string' && (opt === displayName || opt === field.name);
    case 'byNames': {
      const names = isObject(opt) && Array.isArray(opt.names) ? (opt.names as unknown[]) : [];
      return names.some((n) => n === displayName || n === field.name);
    }
    case 'byRegexp': {
      if (typeof opt !== 'string') return false;
      const re = regexFrom(opt);
      return re !== null && re.test(displayName);
    }
    case 'byFrameRefID':
      return typeof opt === 'string' && opt === frame.refId;
    case 'byType':
      return typeof opt === 'string' && opt === field.type;
    default:
      return false;
  }
}

/** ${__field.name}, ${__field.labels.x}, ${__series.name} in a display name. */
function interpolateDisplayName(text: string, field: Field, frame: DataFrame, fallback: string): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{__(field|series)\.([a-zA-Z]+)(?:\.([^}]+))?\}/g, (all, scope, prop, key) => {
    if (scope === 'series' && prop === 'name') return frame.name || fallback;
    if (prop === 'name') return field.name;
    if (prop === 'displayName') return fallback;
    if (prop === 'labels') return key ? (field.labels[key] ?? '') : Object.values(field.labels).join(', ');
    return all;
  });
}

/** Applies defaults and overrides to every field; names are resolved before matching. */
export function applyFieldConfig(source: FieldConfigSource | undefined, frames: DataFrame[]): ConfiguredFrame[] {
  const defaults = source?.defaults ?? {};
  const overrides = Array.isArray(source?.overrides) ? source!.overrides! : [];
  let seriesIndex = 0;
  return frames.map((frame) => ({
    ...frame,
    fields: frame.fields.map((field) => {
      const baseName = fieldDisplayName(field, frame, frames.length);
      // Panel defaults fill what the datasource's own field config leaves unset.
      let config = mergeConfig(defaults, field.config);
      for (const o of overrides) {
        if (!matchesOverride(o?.matcher, field, baseName, frame)) continue;
        config = { ...config };
        for (const p of o.properties ?? []) {
          if (p && typeof p.id === 'string') setPath(config, p.id, p.value);
        }
      }
      const named: Field = { ...field, config };
      let displayName = config.displayName
        ? interpolateDisplayName(config.displayName, field, frame, baseName)
        : fieldDisplayName(named, frame, frames.length);
      if (!displayName) displayName = baseName;
      const index = field.type === 'number' ? seriesIndex++ : -1;
      return { ...named, displayName, seriesIndex: index };
    }),
  }));
}

export interface DisplayValue {
  text: string;
  prefix?: string;
  suffix?: string;
  numeric: number | null;
  color: string;
  /** set when a value mapping produced the text */
  mapped?: boolean;
}

export function displayToString(d: DisplayValue): string {
  return (d.prefix ?? '') + d.text + (d.suffix ?? '');
}

const DEFAULT_THRESHOLDS: Threshold[] = [
  { value: null, color: 'green' },
  { value: 80, color: 'red' },
];

/** The colour of the highest step whose value is ≤ v (the first step is the base, −∞). */
export function thresholdColor(
  value: number,
  config: FieldConfig,
  theme: Theme,
  range?: { min: number; max: number },
): string {
  const steps = config.thresholds?.steps?.length ? config.thresholds.steps : DEFAULT_THRESHOLDS;
  let v = value;
  if (config.thresholds?.mode === 'percentage') {
    const min = config.min ?? range?.min ?? 0;
    const max = config.max ?? range?.max ?? 100;
    v = max === min ? 100 : ((value - min) / (max - min)) * 100;
  }
  let color = steps[0]?.color ?? 'green';
  for (let i = 1; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.value === null || s.value === undefined || v >= s.value) color = s.color;
  }
  return resolveColor(color, theme);
}

/** The colour that represents the field (legend, line): fixed, palette or the base threshold. */
export function fieldColor(field: ConfiguredField, theme: Theme): string {
  const c = field.config.color;
  const mode = c?.mode ?? (field.type === 'number' && field.config.thresholds ? 'thresholds' : 'palette-classic');
  if (mode === 'fixed' || mode === 'shades') return resolveColor(c?.fixedColor ?? 'green', theme);
  if (mode === 'thresholds') {
    const steps = field.config.thresholds?.steps;
    return resolveColor(steps?.[0]?.color ?? 'green', theme);
  }
  return classicColor(Math.max(0, field.seriesIndex), theme);
}

function mapValue(value: unknown, mappings: ValueMapping[] | undefined): ValueMappingResult | null {
  if (!Array.isArray(mappings)) return null;
  const num = toNumber(value);
  const isNull = value === null || value === undefined;
  const isNaNValue = typeof value === 'number' && Number.isNaN(value);
  for (const m of mappings) {
    if (!m || typeof m !== 'object') continue;
    switch (m.type) {
      case 'value': {
        const key = value === null || value === undefined ? 'null' : String(value);
        const hit = m.options?.[key];
        if (hit) return hit;
        break;
      }
      case 'range': {
        if (num === null || Number.isNaN(num)) break;
        const from = m.options?.from ?? -Infinity;
        const to = m.options?.to ?? Infinity;
        if (num >= from && num <= to) return m.options.result ?? null;
        break;
      }
      case 'regex': {
        if (isNull) break;
        const re = regexFrom(m.options?.pattern ?? '');
        if (re && re.test(String(value))) {
          const r = m.options.result ?? {};
          // A regex mapping's text may use capture groups ($1).
          return r.text ? { ...r, text: String(value).replace(re, r.text) } : r;
        }
        break;
      }
      case 'special': {
        const match = m.options?.match;
        const ok =
          (match === 'null' && isNull) ||
          (match === 'nan' && isNaNValue) ||
          (match === 'null+nan' && (isNull || isNaNValue)) ||
          (match === 'true' && (value === true || value === 'true')) ||
          (match === 'false' && (value === false || value === 'false')) ||
          (match === 'empty' && value === '');
        if (ok) return m.options.result ?? null;
        break;
      }
    }
  }
  return null;
}

/** Grafana's display processor for one field configuration. */
export function makeDisplay(
  config: FieldConfig,
  theme: Theme,
  baseColor?: string,
  range?: { min: number; max: number },
): (value: unknown) => DisplayValue {
  const formatter = getValueFormatter(config.unit);
  const mode = config.color?.mode;
  return (value: unknown): DisplayValue => {
    const mapped = mapValue(value, config.mappings);
    const num = typeof value === 'string' && value.trim() === '' ? null : toNumber(value);
    let color = baseColor ?? resolveColor('text', theme);
    if (num !== null && !Number.isNaN(num)) {
      if (mode === 'thresholds' || (!mode && !baseColor)) color = thresholdColor(num, config, theme, range);
      else if (mode === 'fixed') color = resolveColor(config.color?.fixedColor, theme);
    }
    if (mapped?.color) color = resolveColor(mapped.color, theme);
    if (mapped?.text !== undefined && mapped.text !== '') {
      return { text: mapped.text, numeric: num, color, mapped: true };
    }
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
      return { text: config.noValue ?? (value === null || value === undefined ? '' : 'NaN'), numeric: null, color };
    }
    if (typeof value === 'string' && (num === null || !/^[-+]?[\d.]/.test(value.trim()))) {
      return { text: value, numeric: null, color };
    }
    if (num === null) {
      return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), numeric: null, color };
    }
    const f = formatter(num, config.decimals);
    const out: DisplayValue = { text: f.text, numeric: num, color };
    if (f.prefix) out.prefix = f.prefix;
    if (f.suffix) out.suffix = f.suffix;
    return out;
  };
}

/** Formats one number with a field's unit and decimals (axes, legends, tooltips). */
export function formatWithConfig(config: FieldConfig, value: number | null | undefined, decimals?: number | null): string {
  if (value === null || value === undefined) return '';
  return formattedToString(getValueFormatter(config.unit)(value, decimals ?? config.decimals));
}
