// Template variable bar (templating.list): a dropdown picker per variable (varpicker.ts), options
// from POST /api/variables/options (custom/interval/constant/textbox are read locally),
// multi-select and All, ad hoc filters (adhoc.ts), `var-<name>` URL parameters. Changing a
// variable refreshes the options of the variables that use it, then tells the page to re-query
// its panels.

import { api, isAbort } from '../api';
import type { RawRange } from '../time/range';
import type { Dashboard, Variable, VariableOption } from '../types';
import { params, updateParams, urlVariables } from '../state';
import { ADHOC_OPERATORS, adhocEditor, formatAdhocParam, parseAdhocParam, type AdhocFilter } from './adhoc';
import { h, replaceChildren } from './dom';
import { ALL_VALUE, varPicker } from './varpicker';

export { ALL_VALUE };

interface VarState {
  def: Variable;
  name: string;
  options: VariableOption[];
  value: string[];
  /** type adhoc: the filters */
  filters: AdhocFilter[];
  error?: string | undefined;
}

function asStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (v === undefined || v === null) return [];
  return [String(v)];
}

/** "a, b, key : value" as Grafana's custom variable (commas escaped with \,). */
export function parseCustomOptions(query: string): VariableOption[] {
  const parts = query.match(/(?:\\,|[^,])+/g) ?? [];
  return parts
    .map((p) => p.trim().replace(/\\,/g, ','))
    .filter((p) => p.length > 0)
    .map((p) => {
      const m = /^(.+?)\s:\s(.+)$/.exec(p);
      return m ? { text: m[1]!.trim(), value: m[2]!.trim() } : { text: p, value: p };
    });
}

/** Names of the variables a variable's query refers to ($x, ${x}, ${x:fmt}, [[x]]). */
export function referencedVariables(def: Variable, names: string[]): string[] {
  const text = JSON.stringify([def.query ?? '', def.definition ?? '', def.regex ?? '', def.datasource ?? '']);
  return names.filter((n) => {
    const esc = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`\\$${esc}\\b|\\$\\{${esc}[}:]|\\[\\[${esc}\\]\\]`).test(text);
  });
}

function queryText(def: Variable): string {
  const q = def.query;
  if (typeof q === 'string') return q;
  if (q && typeof q === 'object' && typeof (q as { query?: unknown }).query === 'string') return (q as { query: string }).query;
  return '';
}

export class VariablesBar {
  readonly el: HTMLElement;
  private readonly vars: VarState[];
  private controller: AbortController | null = null;

  constructor(
    private readonly dashboard: Dashboard,
    private readonly opts: { dashboardUid: string; range: () => RawRange; onChange: () => void },
  ) {
    const list = Array.isArray(dashboard.templating?.list) ? dashboard.templating!.list! : [];
    this.vars = list
      .filter((v) => v && typeof v.name === 'string' && v.name)
      .map((def) => ({ def, name: def.name!, options: Array.isArray(def.options) ? def.options : [], value: [], filters: [] }));
    this.el = h('div', { class: 'variables-bar', hidden: this.vars.every((v) => v.def.hide === 2) });
  }

  get isEmpty(): boolean {
    return this.vars.length === 0;
  }

  /** Current values for requests: { name: [values] } (All is "$__all"). */
  payload(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const v of this.vars) if (v.def.type !== 'adhoc') out[v.name] = v.value;
    return out;
  }

  /** The ad hoc filters of every adhoc variable (from `var-<adhoc>=key|op|value`). */
  adhocFilters(): AdhocFilter[] {
    return this.vars.filter((v) => v.def.type === 'adhoc').flatMap((v) => v.filters);
  }

  /** Text for $name in titles. */
  textFor(name: string): string | undefined {
    const v = this.vars.find((x) => x.name === name);
    if (!v) return undefined;
    if (v.value.includes(ALL_VALUE)) return 'All';
    return v.value
      .map((val) => v.options.find((o) => o.value === val)?.text ?? val)
      .join(' + ');
  }

  /** Loads every variable's options in order and settles values from the URL or defaults. */
  async init(): Promise<void> {
    const url = urlVariables();
    for (const v of this.vars) {
      await this.loadOptions(v);
      this.settle(v, url.get(v.name));
    }
    this.writeUrl(true);
    this.render();
  }

  /** After back/forward: adopt the URL's values; returns true when something changed. */
  async readFromUrl(): Promise<boolean> {
    const url = urlVariables();
    let changed = false;
    for (const v of this.vars) {
      if (v.def.type === 'adhoc') {
        const filters = adhocFromUrl(url.get(v.name));
        if (JSON.stringify(filters) !== JSON.stringify(v.filters)) {
          v.filters = filters;
          changed = true;
        }
        continue;
      }
      const want = url.get(v.name);
      if (want && JSON.stringify(want) !== JSON.stringify(v.value)) {
        v.value = want;
        changed = true;
      }
    }
    if (changed) this.render();
    return changed;
  }

  /** Variables with refresh "on time range change" (2) reload their options. */
  async onTimeRangeChange(): Promise<void> {
    const affected = this.vars.filter((v) => v.def.refresh === 2);
    if (affected.length === 0) return;
    for (const v of affected) {
      await this.loadOptions(v);
      this.settle(v, v.value);
    }
    this.writeUrl(true);
    this.render();
  }

  private settle(v: VarState, wanted: string[] | undefined): void {
    const def = v.def;
    if (def.type === 'adhoc') {
      // Without var-<name> in the URL: the filters saved in the dashboard.
      v.filters = wanted ? adhocFromUrl(wanted) : adhocFromDefinition(def.filters);
      return;
    }
    if (def.type === 'textbox' || def.type === 'constant') {
      v.value = wanted?.length ? wanted : asStrings(def.current?.value ?? queryText(def)).slice(0, 1);
      return;
    }
    const valid = (x: string) => x === ALL_VALUE || v.options.some((o) => o.value === x);
    let value = (wanted ?? []).filter(valid);
    if (value.length === 0 && wanted === undefined) value = asStrings(def.current?.value).filter(valid);
    if (value.length === 0) {
      const first = v.options.find((o) => o.value !== ALL_VALUE);
      value = def.includeAll && (!first || asStrings(def.current?.value).includes(ALL_VALUE)) ? [ALL_VALUE] : first ? [first.value] : [];
      if (value.length === 0 && def.includeAll) value = [ALL_VALUE];
    }
    if (!def.multi && value.length > 1) value = value.slice(0, 1);
    v.value = value;
  }

  private async loadOptions(v: VarState): Promise<void> {
    const def = v.def;
    let options: VariableOption[] = [];
    v.error = undefined;
    switch (def.type) {
      case 'custom':
        options = parseCustomOptions(queryText(def));
        break;
      case 'interval':
        options = parseCustomOptions(queryText(def)).filter((o) => o.value !== 'auto');
        break;
      case 'constant':
      case 'textbox':
      case 'adhoc':
        v.options = [];
        return;
      default: {
        this.controller ??= new AbortController();
        const range = this.opts.range();
        try {
          const resp = await api.variableOptions(
            { dashboardUid: this.opts.dashboardUid, name: v.name, from: range.from, to: range.to, variables: this.payload() },
            this.controller.signal,
          );
          options = Array.isArray(resp.options)
            ? resp.options.filter((o) => o && typeof o.value === 'string').map((o) => ({ text: String(o.text ?? o.value), value: o.value }))
            : [];
        } catch (e) {
          if (isAbort(e)) return;
          v.error = e instanceof Error ? e.message : String(e);
          options = Array.isArray(def.options) ? def.options.filter((o) => o.value !== ALL_VALUE) : [];
        }
      }
    }
    options = options.filter((o) => o.value !== ALL_VALUE && o.text !== 'All');
    if (def.includeAll) options.unshift({ text: 'All', value: ALL_VALUE });
    v.options = options;
  }

  private writeUrl(replace: boolean): void {
    const current = params();
    let same = true;
    const urlValues = (v: VarState) => (v.def.type === 'adhoc' ? v.filters.map(formatAdhocParam) : v.value);
    for (const v of this.vars) {
      if (JSON.stringify(current.getAll(`var-${v.name}`)) !== JSON.stringify(urlValues(v))) same = false;
    }
    if (same) return;
    updateParams((p) => {
      for (const v of this.vars) {
        p.delete(`var-${v.name}`);
        for (const val of urlValues(v)) p.append(`var-${v.name}`, val);
      }
    }, replace);
  }

  private changeFilters(v: VarState, filters: AdhocFilter[]): void {
    v.filters = filters;
    this.writeUrl(false);
    this.render();
    this.opts.onChange();
  }

  /** Label names or one label's values from the adhoc variable's datasource. */
  private async adhocOptions(v: VarState, query: string): Promise<string[]> {
    this.controller ??= new AbortController();
    const range = this.opts.range();
    const resp = await api.variableOptions(
      { variable: { type: 'query', query }, datasource: v.def.datasource ?? null, from: range.from, to: range.to },
      this.controller.signal,
    );
    return (Array.isArray(resp.options) ? resp.options : []).map((o) => String(o.value)).filter((x) => x !== '__name__');
  }

  private async change(v: VarState, value: string[]): Promise<void> {
    v.value = value;
    // Dependent variables (transitively, in dashboard order) reload their options.
    const changed = new Set([v.name]);
    const names = this.vars.map((x) => x.name);
    for (const other of this.vars) {
      if (other === v) continue;
      if (referencedVariables(other.def, names).some((n) => changed.has(n))) {
        await this.loadOptions(other);
        this.settle(other, other.value);
        changed.add(other.name);
      }
    }
    this.writeUrl(false);
    this.render();
    this.opts.onChange();
  }

  render(): void {
    const items = this.vars
      .filter((v) => v.def.hide !== 2 && v.def.type !== 'constant')
      .map((v) => {
        const label = v.def.hide === 1 ? null : h('label', { class: 'var-label', for: `var-${v.name}` }, v.def.label || v.name);
        let control: HTMLElement;
        if (v.def.type === 'textbox') {
          control = h('input', {
            id: `var-${v.name}`,
            class: 'input var-input',
            'data-testid': `var-${v.name}`,
            value: v.value[0] ?? '',
            onchange: (e: Event) => void this.change(v, [(e.target as HTMLInputElement).value]),
          });
        } else if (v.def.type === 'adhoc') {
          control = adhocEditor({
            name: v.name,
            label: v.def.label || v.name,
            filters: v.filters,
            loadKeys: () => this.adhocOptions(v, 'label_names()'),
            loadValues: (key) => this.adhocOptions(v, `label_values(${key})`),
            onChange: (filters) => this.changeFilters(v, filters),
          });
        } else {
          control = varPicker({
            name: v.name,
            label: v.def.label || v.name,
            multi: v.def.multi === true,
            includeAll: v.def.includeAll === true,
            options: v.options,
            value: v.value,
            onChange: (value) => void this.change(v, value),
          });
        }
        return h(
          'div',
          { class: 'var-item' },
          label,
          control,
          v.error ? h('span', { class: 'var-error', title: v.error, role: 'img', 'aria-label': v.error }, '!') : null,
        );
      });
    replaceChildren(this.el, items);
  }

  destroy(): void {
    this.controller?.abort();
  }
}

/** Filters from an adhoc variable's `var-<name>` values (malformed ones are dropped). */
export function adhocFromUrl(values: string[] | undefined): AdhocFilter[] {
  return (values ?? []).map(parseAdhocParam).filter((f): f is AdhocFilter => f !== null);
}

/** The `filters` saved with an adhoc variable ([{key, operator, value}]). */
export function adhocFromDefinition(filters: unknown): AdhocFilter[] {
  if (!Array.isArray(filters)) return [];
  return filters
    .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object')
    .map((f) => ({ key: String(f.key ?? ''), operator: String(f.operator ?? '='), value: String(f.value ?? '') }))
    .filter((f) => f.key !== '' && (ADHOC_OPERATORS as readonly string[]).includes(f.operator));
}

/** Replaces $name / ${name} in a title with the variables' current text. */
export function interpolateTitle(title: string, lookup: (name: string) => string | undefined): string {
  if (!title.includes('$') && !title.includes('[[')) return title;
  return title.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (all, a, b, c) => lookup(a ?? b ?? c) ?? all);
}
