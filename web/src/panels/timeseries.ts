// Time series panel on uPlot: lines, bars or points; fill opacity; stacking (normal/percent);
// Grafana's legend (list/table, bottom/right, values) and tooltip (single/multi, sorted);
// unit-formatted axes; drag-select to zoom. The uPlot instance is reused when only the data
// changed (same series, same styles), so refreshes do not rebuild the chart.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { joinOnTime, stackSeries } from '../data/frames';
import { withAlpha } from '../format/colors';
import { fieldColor, formatWithConfig, type ConfiguredField } from '../format/fieldconfig';
import { REDUCER_NAMES, reduceValues } from '../format/reduce';
import { formatTime, ianaName } from '../time/tz';
import { INTEGER_INCRS, formatTicks, formatTimeTicks, wantsIntegerTicks } from './axis';
import type { FieldConfig, Panel } from '../types';
import { h, replaceChildren } from '../ui/dom';
import { renderLegend, legendOptions, type LegendItem } from './legend';
import { cssVar, optObj, optStrings, type PanelData, type PanelRenderer, type RenderContext } from './types';

interface SeriesInfo {
  field: ConfiguredField;
  label: string;
  color: string;
  custom: Record<string, unknown>;
  /** the values as queried (legend, tooltip) */
  raw: (number | null)[];
  /** the values as drawn (negative-Y transform applied) */
  drawn: (number | null)[];
}

function customOf(config: FieldConfig): Record<string, unknown> {
  return config.custom && typeof config.custom === 'object' ? config.custom : {};
}

function stackingOf(custom: Record<string, unknown>): { mode: string; group: string } {
  const s = custom.stacking;
  if (s && typeof s === 'object') {
    const mode = (s as Record<string, unknown>).mode;
    const group = (s as Record<string, unknown>).group;
    return { mode: typeof mode === 'string' ? mode : 'none', group: typeof group === 'string' ? group : 'A' };
  }
  return { mode: 'none', group: 'A' };
}

/**
 * The values a series draws and the values it reports: with Grafana's `custom.transform:
 * negative-Y` the line is drawn below zero but legend and tooltip show the original values.
 */
export function seriesValues(values: (number | null)[], custom: Record<string, unknown>): { raw: (number | null)[]; drawn: (number | null)[] } {
  if (custom.transform === 'negative-Y') return { raw: values, drawn: values.map((v) => (v === null ? null : -v)) };
  return { raw: values, drawn: values };
}

export class TimeSeriesRenderer implements PanelRenderer {
  private readonly root: HTMLElement;
  private readonly plotEl: HTMLElement;
  private legendEl: HTMLElement | null = null;
  private readonly tooltip: HTMLElement;
  private u: uPlot | null = null;
  private signature = '';
  private series: SeriesInfo[] = [];
  private x: number[] = [];
  private range = { from: 0, to: 1 };
  private ctx: RenderContext | null = null;
  private width = 0;
  private height = 0;
  private isolated: number | null = null;
  private hiddenSeries = new Set<number>();
  private integerTicks = false;

  constructor(
    private readonly panel: Panel,
    host: HTMLElement,
  ) {
    this.plotEl = h('div', { class: 'ts-plot' });
    this.tooltip = h('div', { class: 'ts-tooltip', role: 'tooltip', hidden: true });
    this.root = h('div', { class: 'ts-panel' }, this.plotEl);
    host.appendChild(this.root);
  }

  private get legend() {
    return legendOptions(optObj(this.panel.options, 'legend'));
  }

  update(data: PanelData, ctx: RenderContext): void {
    this.ctx = ctx;
    this.range = data.range;
    const joined = joinOnTime(data.frames);
    const infos: SeriesInfo[] = [];
    joined.series.forEach((ref, i) => {
      const field = ref.field as ConfiguredField;
      const custom = customOf(field.config);
      const hideFrom = custom.hideFrom as Record<string, unknown> | undefined;
      if (hideFrom?.viz === true) return;
      const { raw, drawn } = seriesValues(joined.ys[i]!, custom);
      infos.push({ field, label: field.displayName, color: fieldColor(field, ctx.theme), custom, raw, drawn });
    });
    this.series = infos;
    this.x = joined.x;
    const percent = infos.some((s) => stackingOf(s.custom).mode === 'percent');
    const axisConfig = infos[0]?.field.config ?? this.panel.fieldConfig?.defaults ?? {};
    this.integerTicks = wantsIntegerTicks(axisConfig, infos.map((s) => s.drawn), percent);
    const sig = JSON.stringify([
      this.integerTicks,
      infos.map((s) => [s.label, s.color, s.custom, s.field.config.unit, s.field.config.min, s.field.config.max]),
      ctx.theme,
      ctx.tz,
      this.legend,
    ]);
    if (sig !== this.signature || !this.u) {
      this.signature = sig;
      this.hiddenSeries.clear();
      this.isolated = null;
      this.build();
    } else {
      this.u.setData(this.plotData(), true);
    }
    this.renderLegend();
  }

  private plotData(): uPlot.AlignedData {
    const stacks = this.series.map((s) => stackingOf(s.custom));
    const anyStack = stacks.some((s) => s.mode === 'normal' || s.mode === 'percent');
    let ys = this.series.map((s) => s.drawn);
    if (anyStack) {
      ys = stackSeries(
        ys,
        stacks.map((s, i) => (s.mode === 'normal' || s.mode === 'percent') && !this.hiddenSeries.has(i) ? s.group : null),
        stacks.map((s) => s.mode === 'percent'),
      );
    }
    return [this.x, ...ys] as unknown as uPlot.AlignedData;
  }

  private size(): { width: number; height: number } {
    const legend = this.legend;
    let width = this.width;
    let height = this.height;
    if (this.legendEl && legend.mode !== 'hidden') {
      if (legend.placement === 'right') width -= this.legendEl.offsetWidth + 8;
      else height -= this.legendEl.offsetHeight + 4;
    }
    return { width: Math.max(50, width), height: Math.max(40, height) };
  }

  private build(): void {
    this.u?.destroy();
    this.u = null;
    if (!this.ctx || this.width <= 0 || this.height <= 0) return;
    const ctx = this.ctx;
    const text = cssVar('--text-muted', '#9fa7b3');
    const grid = cssVar('--grid-line', 'rgba(204, 204, 220, 0.08)');
    const firstConfig = this.series[0]?.field.config ?? this.panel.fieldConfig?.defaults ?? {};
    const stacks = this.series.map((s) => stackingOf(s.custom));
    const percent = stacks.some((s) => s.mode === 'percent');
    const axisConfig: FieldConfig = percent ? { ...firstConfig, unit: 'percentunit' } : firstConfig;
    const custom0 = this.series[0]?.custom ?? customOf(this.panel.fieldConfig?.defaults ?? {});
    const axisLabel = typeof custom0.axisLabel === 'string' ? custom0.axisLabel : '';
    const placement = typeof custom0.axisPlacement === 'string' ? custom0.axisPlacement : 'auto';
    const scaleDist = custom0.scaleDistribution as { type?: string; log?: number } | undefined;
    const isLog = scaleDist?.type === 'log';
    const anyBarsOrFill = this.series.some((s) => s.custom.drawStyle === 'bars' || Number(s.custom.fillOpacity ?? 0) > 0);
    const min = firstConfig.min;
    const max = firstConfig.max;
    const softMin = typeof custom0.axisSoftMin === 'number' ? custom0.axisSoftMin : undefined;
    const softMax = typeof custom0.axisSoftMax === 'number' ? custom0.axisSoftMax : undefined;

    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    const lastInGroup = new Map<string, number>();
    this.series.forEach((s, i) => {
      const c = s.custom;
      const draw = typeof c.drawStyle === 'string' ? c.drawStyle : 'line';
      const lineWidth = typeof c.lineWidth === 'number' ? c.lineWidth : 1;
      const fillOpacity = typeof c.fillOpacity === 'number' ? c.fillOpacity : draw === 'bars' ? 80 : 0;
      const showPoints = typeof c.showPoints === 'string' ? c.showPoints : 'auto';
      const pointSize = typeof c.pointSize === 'number' ? c.pointSize : 5;
      const interp = typeof c.lineInterpolation === 'string' ? c.lineInterpolation : 'linear';
      let paths: uPlot.Series.PathBuilder | undefined;
      if (draw === 'bars') {
        const align = c.barAlignment === -1 ? 1 : c.barAlignment === 1 ? -1 : 0;
        paths = uPlot.paths.bars!({ size: [0.7, 100], align: align as 0 | 1 | -1 });
      } else if (draw === 'points') paths = () => null;
      else if (interp === 'smooth') paths = uPlot.paths.spline!();
      else if (interp === 'stepBefore') paths = uPlot.paths.stepped!({ align: -1 });
      else if (interp === 'stepAfter') paths = uPlot.paths.stepped!({ align: 1 });
      const cfg = s.field.config;
      const sr: uPlot.Series = {
        label: s.label,
        stroke: s.color,
        width: draw === 'bars' ? Math.min(lineWidth, 1) : lineWidth,
        fill: fillOpacity > 0 ? withAlpha(s.color, fillOpacity / 100) : undefined,
        spanGaps: c.spanNulls === true,
        show: !this.hiddenSeries.has(i),
        value: (_u, v) => (v === null ? '' : formatWithConfig(cfg, v)),
        points: {
          show: draw === 'points' || showPoints === 'always' ? true : showPoints === 'never' ? false : undefined,
          size: draw === 'points' ? Math.max(pointSize, 4) : pointSize,
          fill: s.color,
        },
      };
      if (paths) sr.paths = paths;
      series.push(sr);
      const st = stacks[i]!;
      if (st.mode === 'normal' || st.mode === 'percent') {
        const prev = lastInGroup.get(st.group);
        if (prev !== undefined) bands.push({ series: [i + 1, prev + 1] as [number, number] });
        lastInGroup.set(st.group, i);
      }
    });

    const tzDate = ctx.tz === 'browser' ? undefined : (ts: number) => uPlot.tzDate(new Date(ts), ianaName(ctx.tz));
    const self = this;
    const yAxis: uPlot.Axis = {
      scale: 'y',
      show: placement !== 'hidden',
      side: placement === 'right' ? 1 : 3,
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
      // Grafana: 30 px between value ticks, 15 px in short panels.
      space: (_u, _axisIdx, _min, _max, dim) => (dim <= 150 ? 15 : 30),
      values: (_u, splits, _axisIdx, _space, incr) => formatTicks(axisConfig, splits, incr),
      size: (_u, values) => {
        const longest = (values ?? []).reduce((m, v) => Math.max(m, String(v ?? '').length), 2);
        return Math.ceil(longest * 6.6) + 14;
      },
    };
    if (!isLog && this.integerTicks) yAxis.incrs = INTEGER_INCRS;
    if (axisLabel) {
      yAxis.label = axisLabel;
      yAxis.labelSize = 18;
    }
    const opts: uPlot.Options = {
      ...this.size(),
      ms: 1,
      pxAlign: 0,
      legend: { show: false },
      padding: [8, 16, 0, 0],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { size: 7 },
        focus: { prox: 24 },
      },
      focus: { alpha: 0.35 },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: true, range: () => [self.range.from, self.range.to] },
        y: {
          distr: isLog ? 3 : 1,
          log: isLog ? (scaleDist?.log === 2 ? 2 : 10) : undefined,
          range: (_u, dmin, dmax) => {
            if (percent) return [0, 1];
            let lo = dmin ?? 0;
            let hi = dmax ?? 1;
            if (lo === null || !Number.isFinite(lo)) lo = 0;
            if (hi === null || !Number.isFinite(hi)) hi = 1;
            if (anyBarsOrFill && lo > 0) lo = 0;
            if (softMin !== undefined) lo = Math.min(lo, softMin);
            if (softMax !== undefined) hi = Math.max(hi, softMax);
            if (lo === hi) hi = lo === 0 ? 1 : lo + Math.abs(lo) * 0.1;
            const [nlo, nhi] = uPlot.rangeNum(lo, hi, 0.1, true);
            return [
              typeof min === 'number' ? min : lo === 0 ? 0 : nlo,
              typeof max === 'number' ? max : nhi,
            ];
          },
        },
      },
      axes: [
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          font: '11px system-ui, sans-serif',
          // Room for one label (Grafana: its measured width + 18 px).
          space: (u, _axisIdx, min, max, dim) => {
            const incr = (max - min) / Math.max(1, dim / 40);
            const sample = formatTimeTicks([min], incr, max - min, ctx.tz)[0] ?? '';
            return sample.length * 6.5 + 18;
          },
          values: (u, splits, _axisIdx, _space, incr) =>
            formatTimeTicks(splits, incr, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0), ctx.tz),
        },
        yAxis,
      ],
      series,
      bands,
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width > 3 && self.ctx?.onZoom) {
              const from = u.posToVal(u.select.left, 'x');
              const to = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              if (to > from) self.ctx.onZoom(Math.round(from), Math.round(to));
            }
          },
        ],
        setCursor: [(u) => self.showTooltip(u)],
      },
    };
    if (tzDate) opts.tzDate = tzDate;
    this.u = new uPlot(opts, this.plotData(), this.plotEl);
    this.u.over.appendChild(this.tooltip);
    this.u.over.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
    });
  }

  private showTooltip(u: uPlot): void {
    const tip = optObj(this.panel.options, 'tooltip');
    const mode = typeof tip.mode === 'string' ? tip.mode : 'single';
    const idx = u.cursor.idx;
    if (mode === 'hidden' || idx === null || idx === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const t = this.x[idx];
    if (t === undefined || !this.ctx) return;
    let rows = this.series
      .map((s, i) => ({ s, i, v: s.raw[idx] ?? null }))
      .filter((r) => !this.hiddenSeries.has(r.i) && (r.s.custom.hideFrom as Record<string, unknown> | undefined)?.tooltip !== true);
    if (mode === 'single') {
      // The series closest to the cursor (on the stacked values that are drawn).
      const top = u.cursor.top ?? 0;
      let best: (typeof rows)[number] | undefined;
      let bestDist = Infinity;
      for (const r of rows) {
        const drawn = (u.data[r.i + 1] as (number | null)[] | undefined)?.[idx];
        if (drawn === null || drawn === undefined) continue;
        const d = Math.abs(u.valToPos(drawn, 'y') - top);
        if (d < bestDist) {
          bestDist = d;
          best = r;
        }
      }
      rows = best ? [best] : [];
    } else {
      const sort = tip.sort;
      if (sort === 'asc' || sort === 'desc') {
        rows.sort((a, b) => {
          const av = a.v ?? -Infinity;
          const bv = b.v ?? -Infinity;
          return sort === 'asc' ? av - bv : bv - av;
        });
      }
    }
    if (rows.length === 0) {
      this.tooltip.hidden = true;
      return;
    }
    replaceChildren(
      this.tooltip,
      h('div', { class: 'ts-tooltip-time' }, formatTime(t, this.ctx.tz)),
      rows.map((r) =>
        h(
          'div',
          { class: 'ts-tooltip-row' },
          h('span', { class: 'legend-swatch', style: { background: r.s.color } }),
          h('span', { class: 'ts-tooltip-name' }, r.s.label),
          h('span', { class: 'ts-tooltip-value' }, r.v === null ? '–' : formatWithConfig(r.s.field.config, r.v)),
        ),
      ),
    );
    this.tooltip.hidden = false;
    const left = u.cursor.left ?? 0;
    const topPos = u.cursor.top ?? 0;
    const w = this.tooltip.offsetWidth;
    const hgt = this.tooltip.offsetHeight;
    const overW = u.over.clientWidth;
    const overH = u.over.clientHeight;
    const x = left + 16 + w > overW ? Math.max(0, left - w - 16) : left + 16;
    const y = Math.max(0, Math.min(topPos + 16, overH - hgt));
    this.tooltip.style.transform = `translate(${x}px, ${y}px)`;
  }

  private renderLegend(): void {
    const legend = this.legend;
    this.legendEl?.remove();
    this.legendEl = null;
    this.root.classList.toggle('legend-at-right', legend.placement === 'right');
    if (legend.mode === 'hidden' || this.series.length === 0) {
      this.fit();
      return;
    }
    const calcs = optStrings(optObj(this.panel.options, 'legend'), 'calcs');
    const items: LegendItem[] = this.series
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => (s.custom.hideFrom as Record<string, unknown> | undefined)?.legend !== true)
      .map(({ s, i }) => ({
        label: s.label,
        color: s.color,
        hidden: this.hiddenSeries.has(i),
        values: calcs.map((c) => formatWithConfig(s.field.config, reduceValues(s.raw, c))),
      }));
    const visibleIdx = this.series
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => (s.custom.hideFrom as Record<string, unknown> | undefined)?.legend !== true)
      .map(({ i }) => i);
    this.legendEl = renderLegend(items, {
      mode: legend.mode,
      placement: legend.placement,
      columns: calcs.map((c) => REDUCER_NAMES[c] ?? c),
      onClick: (li, e) => this.toggleSeries(visibleIdx[li]!, e.ctrlKey || e.metaKey || e.shiftKey),
      onHover: (li) => this.u?.setSeries(li === null ? null : visibleIdx[li]! + 1, { focus: true }),
    });
    this.root.appendChild(this.legendEl);
    this.fit();
  }

  /** Grafana: click isolates a series (click again shows all); ctrl/shift-click toggles one. */
  private toggleSeries(i: number, toggle: boolean): void {
    if (toggle) {
      if (this.hiddenSeries.has(i)) this.hiddenSeries.delete(i);
      else this.hiddenSeries.add(i);
      this.isolated = null;
    } else if (this.isolated === i) {
      this.hiddenSeries.clear();
      this.isolated = null;
    } else {
      this.hiddenSeries = new Set(this.series.map((_, j) => j).filter((j) => j !== i));
      this.isolated = i;
    }
    if (this.u) {
      this.series.forEach((_, j) => this.u!.setSeries(j + 1, { show: !this.hiddenSeries.has(j) }, false));
      this.u.setData(this.plotData(), true);
    }
    this.renderLegend();
  }

  private fit(): void {
    if (!this.u) {
      this.build();
      return;
    }
    const s = this.size();
    if (s.width !== this.u.width || s.height !== this.u.height) this.u.setSize(s);
  }

  resize(width: number, height: number): void {
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    if (!this.u) {
      if (this.ctx) this.build();
      this.renderLegendIfNeeded();
      return;
    }
    this.fit();
  }

  private renderLegendIfNeeded(): void {
    if (this.u && !this.legendEl && this.series.length) this.renderLegend();
  }

  destroy(): void {
    this.u?.destroy();
    this.u = null;
    this.root.remove();
  }
}

