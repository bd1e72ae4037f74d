// The toolbar's time controls: time picker (quick ranges, absolute from/to), zoom out, refresh
// with auto-refresh, time zone and theme. All state lives in the URL (from, to, refresh, tz,
// theme); `onChange` runs after the range or zone changed, `onRefresh` on every (auto) refresh.

import {
  DEFAULT_REFRESH_INTERVALS,
  QUICK_RANGES,
  describeRange,
  normalizeInput,
  parseDuration,
  timeInputText,
  zoomOut,
  type RawRange,
} from '../time/range';
import { COMMON_TIME_ZONES, ianaName, normalizeTimeZone, type TimeZone } from '../time/tz';
import { currentTheme, params, setTheme, updateParams } from '../state';
import { h, icon, onOutside, replaceChildren } from './dom';

export interface TimeControlsOptions {
  defaultRange: RawRange;
  defaultTimeZone?: string | undefined;
  defaultRefresh?: string | undefined;
  refreshIntervals?: string[] | undefined;
  showRefresh?: boolean;
  onRefresh: () => void;
}

export function currentRange(defaults: RawRange): RawRange {
  const p = params();
  return { from: p.get('from') || defaults.from, to: p.get('to') || defaults.to };
}

export function currentTimeZone(defaultTz?: string): TimeZone {
  return normalizeTimeZone(params().get('tz') ?? defaultTz);
}

export class TimeControls {
  readonly el: HTMLElement;
  private timer: ReturnType<typeof setInterval> | undefined;
  private timerMs = 0;
  private closePopover: (() => void) | null = null;
  private readonly intervals: string[];

  constructor(private readonly opts: TimeControlsOptions) {
    this.el = h('div', { class: 'time-controls' });
    this.intervals = (opts.refreshIntervals?.length ? opts.refreshIntervals : DEFAULT_REFRESH_INTERVALS).filter(
      (i) => parseDuration(i) !== null,
    );
    this.render();
  }

  get range(): RawRange {
    return currentRange(this.opts.defaultRange);
  }

  get timeZone(): TimeZone {
    return currentTimeZone(this.opts.defaultTimeZone);
  }

  get refresh(): string {
    const p = params();
    if (p.has('refresh')) return p.get('refresh') ?? '';
    return this.opts.defaultRefresh ?? '';
  }

  /** Re-reads the URL (after navigation) and restarts the auto-refresh timer if needed. */
  render(): void {
    const range = this.range;
    const tz = this.timeZone;
    const label = describeRange(range, tz);
    const pickerButton = h(
      'button',
      {
        class: 'btn time-picker-button',
        'data-testid': 'time-picker',
        'aria-haspopup': 'dialog',
        title: `${label} (${ianaName(tz)})`,
        onclick: () => this.togglePicker(pickerButton),
      },
      icon('clock'),
      h('span', { class: 'time-picker-label' }, label),
      tz !== 'browser' ? h('span', { class: 'tz-badge' }, tz === 'utc' ? 'UTC' : tz) : null,
      icon('chevronDown', 12),
    );
    const zoom = h(
      'button',
      {
        class: 'btn icon-btn',
        title: 'Zoom out time range',
        'aria-label': 'Zoom out time range',
        'data-testid': 'zoom-out',
        onclick: () => this.setRange(zoomOut(this.range, this.timeZone)),
      },
      icon('zoomOut'),
    );

    const tzSelect = h(
      'select',
      {
        class: 'select tz-select',
        'aria-label': 'Time zone',
        'data-testid': 'tz-select',
        onchange: (e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          updateParams((p) => p.set('tz', v));
        },
      },
      h('option', { value: 'browser', selected: tz === 'browser' }, `Browser (${ianaName('browser')})`),
      h('option', { value: 'utc', selected: tz === 'utc' }, 'UTC'),
      COMMON_TIME_ZONES.map((z) => h('option', { value: z, selected: tz === z }, z)),
      tz !== 'browser' && tz !== 'utc' && !COMMON_TIME_ZONES.includes(tz) ? h('option', { value: tz, selected: true }, tz) : null,
    );

    const refreshParts: HTMLElement[] = [];
    if (this.opts.showRefresh !== false) {
      const current = this.refresh;
      refreshParts.push(
        h(
          'div',
          { class: 'btn-group' },
          h(
            'button',
            {
              class: 'btn',
              title: 'Refresh',
              'aria-label': 'Refresh',
              'data-testid': 'refresh',
              onclick: () => this.opts.onRefresh(),
            },
            icon('refresh'),
          ),
          h(
            'select',
            {
              class: 'select refresh-select',
              'aria-label': 'Auto refresh',
              'data-testid': 'refresh-interval',
              onchange: (e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                updateParams((p) => (v ? p.set('refresh', v) : p.set('refresh', '')));
              },
            },
            h('option', { value: '', selected: !current }, 'Off'),
            this.intervals.map((i) => h('option', { value: i, selected: current === i }, i)),
            current && !this.intervals.includes(current) && parseDuration(current) !== null
              ? h('option', { value: current, selected: true }, current)
              : null,
          ),
        ),
      );
    }

    const theme = currentTheme();
    const themeBtn = h(
      'button',
      {
        class: 'btn icon-btn',
        title: theme === 'dark' ? 'Light theme' : 'Dark theme',
        'aria-label': 'Toggle theme',
        'data-testid': 'theme-toggle',
        onclick: () => setTheme(currentTheme() === 'dark' ? 'light' : 'dark'),
      },
      icon(theme === 'dark' ? 'sun' : 'moon'),
    );

    replaceChildren(this.el, pickerButton, zoom, tzSelect, refreshParts, themeBtn);
    this.syncTimer();
  }

  private syncTimer(): void {
    const ms = parseDuration(this.refresh) ?? 0;
    const effective = ms > 0 ? Math.max(ms, 1000) : 0;
    if (effective === this.timerMs) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.timerMs = effective;
    if (effective > 0) {
      this.timer = setInterval(() => {
        if (document.visibilityState === 'visible') this.opts.onRefresh();
      }, effective);
    }
  }

  setRange(r: RawRange): void {
    updateParams((p) => {
      p.set('from', r.from);
      p.set('to', r.to);
    });
  }

  private togglePicker(anchor: HTMLElement): void {
    if (this.closePopover) {
      this.closePopover();
      return;
    }
    const tz = this.timeZone;
    const range = this.range;
    const fromInput = h('input', {
      class: 'input',
      value: timeInputText(range.from, tz),
      'aria-label': 'From',
      'data-testid': 'time-from',
      spellcheck: 'false',
    });
    const toInput = h('input', {
      class: 'input',
      value: timeInputText(range.to, tz),
      'aria-label': 'To',
      'data-testid': 'time-to',
      spellcheck: 'false',
    });
    const error = h('div', { class: 'form-error', role: 'alert' });
    const apply = (e?: Event) => {
      e?.preventDefault();
      const from = normalizeInput(fromInput.value, tz, false);
      const to = normalizeInput(toInput.value, tz, true);
      if (from === null || to === null) {
        error.textContent = `Not a time: ${from === null ? fromInput.value : toInput.value}. Use now-6h, now/d or 2024-05-01 13:00.`;
        return;
      }
      close();
      this.setRange({ from, to });
    };
    const pop = h(
      'div',
      { class: 'popover time-popover', role: 'dialog', 'aria-label': 'Time range' },
      h(
        'form',
        { class: 'time-abs', onsubmit: apply },
        h('div', { class: 'popover-title' }, 'Absolute time range'),
        h('label', { class: 'field' }, h('span', null, 'From'), fromInput),
        h('label', { class: 'field' }, h('span', null, 'To'), toInput),
        error,
        h('button', { class: 'btn btn-primary', type: 'submit', 'data-testid': 'time-apply' }, 'Apply time range'),
        h('p', { class: 'hint' }, 'Relative: now-6h, now-1d/d, now/w. Dates: 2024-05-01 or 2024-05-01 13:45:00 (', ianaName(tz), ').'),
      ),
      h(
        'ul',
        { class: 'quick-ranges', role: 'listbox', 'aria-label': 'Quick ranges' },
        QUICK_RANGES.map((q) =>
          h(
            'li',
            null,
            h(
              'button',
              {
                class: q.from === range.from && q.to === range.to ? 'quick active' : 'quick',
                onclick: () => {
                  close();
                  this.setRange({ from: q.from, to: q.to });
                },
              },
              q.display,
            ),
          ),
        ),
      ),
    );
    this.el.appendChild(pop);
    const remove = onOutside(pop, () => close(), anchor);
    const close = () => {
      remove();
      pop.remove();
      this.closePopover = null;
    };
    this.closePopover = close;
    fromInput.focus();
  }

  destroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closePopover?.();
  }
}
