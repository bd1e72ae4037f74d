// Login form: POST /login {user, password}; on success go to ?redirect= (same-site paths only).

import { api, ApiError } from '../api';
import { h } from '../ui/dom';
import type { Page } from './page';

export function safeRedirect(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.startsWith('/login')) return '/';
  return raw;
}

export class LoginPage implements Page {
  readonly el: HTMLElement;

  constructor() {
    document.title = 'Log in – otelite';
    const user = h('input', { class: 'input', name: 'user', autocomplete: 'username', required: true, value: 'admin', 'data-testid': 'login-user', id: 'login-user' });
    const password = h('input', {
      class: 'input',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      'data-testid': 'login-password',
      id: 'login-password',
    });
    const error = h('div', { class: 'form-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
    const submit = h('button', { class: 'btn btn-primary', type: 'submit', 'data-testid': 'login-submit' }, 'Log in');
    const form = h(
      'form',
      {
        class: 'login-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          error.hidden = true;
          submit.disabled = true;
          try {
            await api.login(user.value.trim(), password.value);
            // A full load: the app starts again with the session cookie.
            location.assign(safeRedirect(new URLSearchParams(location.search).get('redirect')));
          } catch (err) {
            error.textContent =
              err instanceof ApiError ? err.message || 'Invalid username or password' : `Cannot reach the server: ${err instanceof Error ? err.message : String(err)}`;
            error.hidden = false;
            password.select();
          } finally {
            submit.disabled = false;
          }
        },
      },
      h('div', { class: 'login-logo' }, h('span', { class: 'logo-mark' }), 'otelite'),
      h('label', { class: 'field', for: 'login-user' }, h('span', null, 'User')),
      user,
      h('label', { class: 'field', for: 'login-password' }, h('span', null, 'Password')),
      password,
      error,
      submit,
    );
    this.el = h('div', { class: 'page login-page' }, form);
    setTimeout(() => password.focus(), 0);
  }

  destroy(): void {
    this.el.remove();
  }
}
