// The JSON API of docs/ui.md. A 401 from any /api/ route sends the browser to the login page.

import type {
  Dashboard,
  DashboardResponse,
  Datasource,
  DsQueryResponse,
  PanelQueryResponse,
  SearchHit,
  User,
  VariableOption,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {
  const here = location.pathname + location.search;
  if (location.pathname !== '/login') location.assign(`/login?redirect=${encodeURIComponent(here)}`);
};

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function request<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: body !== undefined ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (signal) init.signal = signal;
  const res = await fetch(url, init);
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && url.startsWith('/api/')) onUnauthorized();
    const msg =
      data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string'
        ? (data as { message: string }).message
        : text.trim().slice(0, 300) || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg, data);
  }
  if (data === null && text) throw new ApiError(res.status, `${url}: the answer is not JSON`);
  return data as T;
}

export const api = {
  user: () => request<User>('GET', '/api/user'),
  login: (user: string, password: string) => request<{ message?: string }>('POST', '/login', { user, password }),
  logout: () => request<unknown>('POST', '/logout', {}),
  search: (query: string, tag: string[]) => {
    const p = new URLSearchParams({ type: 'dash-db' });
    if (query) p.set('query', query);
    for (const t of tag) p.append('tag', t);
    return request<SearchHit[]>('GET', `/api/search?${p}`);
  },
  dashboard: (uid: string) => request<DashboardResponse>('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`),
  saveDashboard: (dashboard: Dashboard, overwrite: boolean) =>
    request<{ uid: string; url: string; status: string; version?: number }>('POST', '/api/dashboards/db', {
      dashboard,
      overwrite,
      message: 'Imported from the web UI',
    }),
  deleteDashboard: (uid: string) => request<{ message?: string }>('DELETE', `/api/dashboards/uid/${encodeURIComponent(uid)}`),
  datasources: () => request<Datasource[]>('GET', '/api/datasources'),
  panelQuery: (body: Record<string, unknown>, signal?: AbortSignal) =>
    request<PanelQueryResponse>('POST', '/api/panels/query', body, signal),
  variableOptions: (body: Record<string, unknown>, signal?: AbortSignal) =>
    request<{ options?: VariableOption[] }>('POST', '/api/variables/options', body, signal),
  dsQuery: (body: Record<string, unknown>, signal?: AbortSignal) =>
    request<DsQueryResponse>('POST', '/api/ds/query', body, signal),
};

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
