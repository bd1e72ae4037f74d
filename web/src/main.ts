// Entry point: the app shell (top bar with navigation and the user menu) and the client-side
// router. The server answers index.html for every page path (docs/ui.md "Pages").

import './styles.css';
import { api, ApiError } from './api';
import { applyThemeFromUrl, navigate, notifyUrlChange, onUrlChange, session } from './state';
import { h, icon, onOutside, replaceChildren } from './ui/dom';
import { DashboardPage } from './pages/dashboard';
import { ExplorePage } from './pages/explore';
import { ListPage } from './pages/list';
import { LoginPage, safeRedirect } from './pages/login';
import type { Page } from './pages/page';
import { SessionPage } from './pages/session';

interface Route {
  key: string;
  create: () => Page;
}

export function matchRoute(path: string): Route {
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  let m = /^\/d\/([^/]+)(?:\/[^/]*)?\/?$/.exec(path);
  if (m) {
    const uid = dec(m[1]!);
    return { key: `d:${uid}`, create: () => new DashboardPage(uid) };
  }
  m = /^\/session\/([^/]+)\/?$/.exec(path);
  if (m) {
    const id = dec(m[1]!);
    return { key: `s:${id}`, create: () => new SessionPage(id) };
  }
  if (/^\/explore\/?$/.test(path)) return { key: 'explore', create: () => new ExplorePage() };
  if (/^\/login\/?$/.test(path)) return { key: 'login', create: () => new LoginPage() };
  if (path === '/' || /^\/dashboards\/?$/.test(path)) return { key: 'list', create: () => new ListPage() };
  return {
    key: `404:${path}`,
    create: () => ({
      el: h(
        'div',
        { class: 'page page-message' },
        h('h1', null, 'Page not found'),
        h('p', null, path),
        h('a', { href: '/', class: 'btn', 'data-link': '' }, 'All dashboards'),
      ),
      destroy() {
        this.el.remove();
      },
    }),
  };
}

const root = document.getElementById('app')!;
const main = h('main', { class: 'main', id: 'main' });
let current: { key: string; page: Page } | null = null;

function userMenu(): HTMLElement | null {
  const u = session.user;
  if (!u) return null;
  const button = h(
    'button',
    { class: 'btn user-btn', 'aria-haspopup': 'menu', 'data-testid': 'user-menu', onclick: () => toggle() },
    icon('user'),
    h('span', null, u.login),
    h('span', { class: 'role-badge', 'data-testid': 'user-role' }, u.role),
  );
  const wrap = h('div', { class: 'user-menu' }, button);
  let close: (() => void) | null = null;
  const toggle = () => {
    if (close) {
      close();
      return;
    }
    const menu = h(
      'div',
      { class: 'popover menu', role: 'menu' },
      h('div', { class: 'menu-header' }, `Signed in as ${u.login}`, h('br'), `Role: ${u.role}`),
      u.authEnabled
        ? h(
            'button',
            {
              class: 'menu-item',
              role: 'menuitem',
              'data-testid': 'logout',
              onclick: async () => {
                try {
                  await api.logout();
                } finally {
                  location.assign('/login');
                }
              },
            },
            icon('logout'),
            'Log out',
          )
        : h('div', { class: 'menu-note' }, 'Login is off (loopback only).'),
    );
    wrap.appendChild(menu);
    const remove = onOutside(menu, () => close?.(), button);
    close = () => {
      remove();
      menu.remove();
      close = null;
    };
  };
  return wrap;
}

function shell(): HTMLElement {
  const path = location.pathname;
  const nav = (href: string, label: string, ic: string, active: boolean) =>
    h('a', { href, 'data-link': '', class: active ? 'nav-link active' : 'nav-link', 'aria-current': active ? 'page' : undefined }, icon(ic), label);
  return h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/', 'data-link': '', class: 'logo', 'aria-label': 'otelite home' }, h('span', { class: 'logo-mark' }), 'otelite'),
    h(
      'nav',
      { class: 'topnav', 'aria-label': 'Main' },
      nav('/', 'Dashboards', 'grid', path === '/' || path.startsWith('/d/')),
      nav('/explore', 'Explore', 'compass', path.startsWith('/explore')),
    ),
    h('div', { class: 'toolbar-spacer' }),
    userMenu(),
  );
}

function route(): void {
  applyThemeFromUrl();
  const r = matchRoute(location.pathname);
  if (current && current.key === r.key) {
    current.page.onUrl?.();
    return;
  }
  current?.page.destroy();
  window.scrollTo(0, 0);
  const page = r.create();
  current = { key: r.key, page };
  const isLogin = r.key === 'login';
  replaceChildren(root, isLogin ? null : shell(), main);
  replaceChildren(main, page.el);
}

// Same-origin links marked data-link (and plain in-app links) navigate without a reload.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target === '_blank' || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || href.startsWith('#')) return;
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) return;
  if (!/^\/(d\/|explore|session\/|login|$|dashboards)/.test(url.pathname) && url.pathname !== '/') return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => notifyUrlChange());
onUrlChange(route);

async function boot(): Promise<void> {
  if (location.pathname !== '/login') {
    try {
      session.user = await api.user();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return; // the API layer redirects to /login
      // No /api/user (older server): act as the local admin, as the loopback default does.
      session.user = { login: 'admin', role: 'Admin', authEnabled: false };
    }
  } else {
    // Already logged in? Go where the user wanted to go.
    try {
      session.user = await api.user();
      if (session.user) {
        location.replace(safeRedirect(new URLSearchParams(location.search).get('redirect')));
        return;
      }
    } catch {
      // not logged in: show the form
    }
  }
  route();
}

void boot();
