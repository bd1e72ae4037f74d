// URL state (Grafana's parameters) and the app-wide context: user, theme, navigation.

import type { Theme } from './format/colors';
import type { User } from './types';

export function params(): URLSearchParams {
  return new URLSearchParams(location.search);
}

type Listener = () => void;
const urlListeners = new Set<Listener>();

/** Called after every client-side navigation or history move. */
export function onUrlChange(fn: Listener): () => void {
  urlListeners.add(fn);
  return () => urlListeners.delete(fn);
}

export function notifyUrlChange(): void {
  for (const fn of Array.from(urlListeners)) fn();
}

/** Client-side navigation (same origin); `replace` keeps the history entry. */
export function navigate(url: string, replace = false): void {
  const target = new URL(url, location.href);
  if (target.origin !== location.origin) {
    location.assign(url);
    return;
  }
  const next = target.pathname + target.search + target.hash;
  if (next === location.pathname + location.search + location.hash) return;
  if (replace) history.replaceState(null, '', next);
  else history.pushState(null, '', next);
  notifyUrlChange();
}

/** Edits the query string of the current URL. */
export function updateParams(edit: (p: URLSearchParams) => void, replace = false): void {
  const p = params();
  edit(p);
  const qs = p.toString();
  navigate(location.pathname + (qs ? `?${qs}` : '') + location.hash, replace);
}

// Theme: URL ?theme= wins, then the remembered choice, then dark (Grafana's default).
const THEME_KEY = 'otelite.theme';
const themeListeners = new Set<Listener>();

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

export function applyThemeFromUrl(): void {
  const fromUrl = params().get('theme');
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(THEME_KEY);
  } catch {
    stored = null;
  }
  setThemeAttr(fromUrl === 'light' || fromUrl === 'dark' ? fromUrl : stored === 'light' ? 'light' : 'dark');
}

function setThemeAttr(t: Theme): void {
  if (document.documentElement.dataset.theme === t) return;
  document.documentElement.dataset.theme = t;
  for (const fn of Array.from(themeListeners)) fn();
}

export function setTheme(t: Theme): void {
  try {
    localStorage.setItem(THEME_KEY, t);
  } catch {
    // private mode: the URL still carries it
  }
  setThemeAttr(t);
  updateParams((p) => p.set('theme', t), true);
}

export function onThemeChange(fn: Listener): () => void {
  themeListeners.add(fn);
  return () => themeListeners.delete(fn);
}

export const session: { user: User | null } = { user: null };

export function canWrite(): boolean {
  return session.user?.role === 'Admin';
}

/** Reads `var-<name>` parameters (repeated for multi-value). */
export function urlVariables(p = params()): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of p) {
    if (!k.startsWith('var-')) continue;
    const name = k.slice(4);
    out.set(name, [...(out.get(name) ?? []), v]);
  }
  return out;
}

export function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'dashboard'
  );
}
