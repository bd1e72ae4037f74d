// Dashboard list: search by title, filter by tag, upload a dashboard JSON (Admin only).

import { api, ApiError } from '../api';
import type { Dashboard, SearchHit } from '../types';
import { canWrite, navigate, params, updateParams } from '../state';
import { debounce, h, icon, replaceChildren } from '../ui/dom';
import type { Page } from './page';

/** Accepts a dashboard, or Grafana's export/API wrappers ({dashboard: …}). */
export function unwrapDashboard(json: unknown): Dashboard | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.panels) || typeof o.title === 'string') return o as Dashboard;
  if (o.dashboard && typeof o.dashboard === 'object') return unwrapDashboard(o.dashboard);
  return null;
}

export class ListPage implements Page {
  readonly el: HTMLElement;
  private readonly results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  private readonly search: HTMLInputElement;
  private readonly status = h('div', { class: 'upload-status', role: 'status' });
  private hits: SearchHit[] = [];
  private seq = 0;

  constructor() {
    document.title = 'Dashboards – otelite';
    const p = params();
    this.search = h('input', {
      class: 'input search-input',
      type: 'search',
      placeholder: 'Search dashboards by title',
      'aria-label': 'Search dashboards',
      'data-testid': 'dashboard-search',
      value: p.get('query') ?? '',
      oninput: debounce(() => updateParams((q) => (this.search.value ? q.set('query', this.search.value) : q.delete('query')), true), 200),
    });
    const upload = canWrite() ? this.uploadControl() : null;
    this.el = h(
      'div',
      { class: 'page list-page' },
      h('div', { class: 'toolbar' }, h('h1', { class: 'dash-title' }, 'Dashboards'), h('div', { class: 'toolbar-spacer' }), upload),
      h('div', { class: 'list-controls' }, h('span', { class: 'search-box' }, icon('search'), this.search), this.tagBar()),
      this.status,
      this.results,
    );
    void this.load();
  }

  private tagBar(): HTMLElement {
    const tags = params().getAll('tag');
    return h(
      'div',
      { class: 'tag-filter' },
      tags.map((t) =>
        h('button', { class: 'tag active', title: 'Remove tag filter', onclick: () => updateParams((q) => {
          const rest = q.getAll('tag').filter((x) => x !== t);
          q.delete('tag');
          rest.forEach((x) => q.append('tag', x));
        }) }, t, ' ×'),
      ),
    );
  }

  onUrl(): void {
    const q = params().get('query') ?? '';
    if (document.activeElement !== this.search) this.search.value = q;
    const bar = this.el.querySelector('.tag-filter');
    if (bar) bar.replaceWith(this.tagBar());
    void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    const p = params();
    try {
      const hits = await api.search(p.get('query') ?? '', p.getAll('tag'));
      if (seq !== this.seq) return;
      this.hits = Array.isArray(hits) ? hits : [];
      this.render();
    } catch (e) {
      if (seq !== this.seq) return;
      replaceChildren(this.results, h('div', { class: 'form-error' }, e instanceof Error ? e.message : String(e)));
    }
  }

  private render(): void {
    if (this.hits.length === 0) {
      replaceChildren(this.results, h('div', { class: 'page-message' }, 'No dashboards found.'));
      return;
    }
    const addTag = (t: string) =>
      updateParams((q) => {
        if (!q.getAll('tag').includes(t)) q.append('tag', t);
      });
    replaceChildren(
      this.results,
      h(
        'ul',
        { class: 'dash-list' },
        this.hits.map((hit) =>
          h(
            'li',
            { class: 'dash-item', 'data-testid': 'dashboard-item' },
            icon('grid'),
            h('a', { href: hit.url || `/d/${encodeURIComponent(hit.uid)}`, 'data-link': '', class: 'dash-link' }, hit.title || hit.uid),
            hit.folderTitle ? h('span', { class: 'folder' }, hit.folderTitle) : null,
            h(
              'span',
              { class: 'tags' },
              (hit.tags ?? []).map((t) => h('button', { class: 'tag', title: `Filter by tag ${t}`, onclick: () => addTag(t) }, t)),
            ),
          ),
        ),
      ),
    );
  }

  private uploadControl(): HTMLElement {
    const input = h('input', {
      type: 'file',
      accept: '.json,application/json',
      class: 'visually-hidden',
      id: 'dashboard-upload',
      'data-testid': 'dashboard-upload',
      onchange: () => {
        const file = input.files?.[0];
        input.value = '';
        if (file) void this.importFile(file);
      },
    });
    return h(
      'div',
      null,
      input,
      h('label', { for: 'dashboard-upload', class: 'btn btn-primary', role: 'button', tabindex: '0', 'data-testid': 'import-button' }, icon('upload'), 'Import dashboard'),
    );
  }

  private async importFile(file: File): Promise<void> {
    let dashboard: Dashboard | null;
    try {
      dashboard = unwrapDashboard(JSON.parse(await file.text()));
    } catch (e) {
      this.showStatus(`${file.name} is not JSON: ${e instanceof Error ? e.message : String(e)}`, true);
      return;
    }
    if (!dashboard) {
      this.showStatus(`${file.name} is not a Grafana dashboard (no "panels" or "title").`, true);
      return;
    }
    // Grafana's import drops the numeric id; the uid identifies the dashboard.
    const body: Dashboard = { ...dashboard, id: null };
    try {
      let res;
      try {
        res = await api.saveDashboard(body, false);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 412) throw e;
        const what = (e.body as { status?: string } | null)?.status === 'name-exists' ? 'A dashboard with the same name' : 'A dashboard with the same uid';
        if (!window.confirm(`${what} already exists (${e.message}). Overwrite it?`)) {
          this.showStatus('Import cancelled.', false);
          return;
        }
        res = await api.saveDashboard(body, true);
      }
      this.showStatus(`Imported "${dashboard.title ?? res.uid}".`, false);
      navigate(res.url || `/d/${encodeURIComponent(res.uid)}`);
    } catch (e) {
      this.showStatus(`Import failed: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  private showStatus(text: string, error: boolean): void {
    this.status.className = error ? 'upload-status form-error' : 'upload-status';
    this.status.textContent = text;
  }

  destroy(): void {
    this.el.remove();
  }
}
