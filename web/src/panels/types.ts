// What every panel renderer gets: the panel's frames with field config applied, the resolved
// time range and the display settings. Renderers keep their DOM (and uPlot instances) across
// updates and only redraw what changed.

import type { DataFrame } from '../data/frames';
import type { Theme } from '../format/colors';
import type { ConfiguredFrame } from '../format/fieldconfig';
import type { TimeZone } from '../time/tz';
import type { Panel, QueryInfo } from '../types';

export interface PanelData {
  frames: ConfiguredFrame[];
  rawFrames: DataFrame[];
  range: { from: number; to: number };
  intervalMs?: number | undefined;
  queries: QueryInfo[];
}

export interface RenderContext {
  theme: Theme;
  tz: TimeZone;
  /** drag-select on a time axis: the new absolute range in ms */
  onZoom?: ((from: number, to: number) => void) | undefined;
}

export interface PanelRenderer {
  update(data: PanelData, ctx: RenderContext): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

export type RendererFactory = (panel: Panel, host: HTMLElement) => PanelRenderer;

export function opt<T>(obj: unknown, key: string, fallback: T): T {
  if (obj && typeof obj === 'object' && key in obj) {
    const v = (obj as Record<string, unknown>)[key];
    if (v !== undefined && v !== null && typeof v === typeof fallback) return v as T;
  }
  return fallback;
}

export function optObj(obj: unknown, key: string): Record<string, unknown> {
  if (obj && typeof obj === 'object') {
    const v = (obj as Record<string, unknown>)[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  }
  return {};
}

export function optStrings(obj: unknown, key: string): string[] {
  if (obj && typeof obj === 'object') {
    const v = (obj as Record<string, unknown>)[key];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  }
  return [];
}

/** Reads a CSS custom property of the current theme. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
