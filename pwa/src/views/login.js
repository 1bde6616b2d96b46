// Login: online, once per phone and user. A different user logging in on a phone that
// still holds someone's data wipes it first (after a warning when work is unsynced).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { getMeta, outboxCounts, wipe } from '../db.js';
import { LANGUAGES, getLang, setLang, t } from '../i18n/index.js';
import { unlocked } from '../lock/lock.js';
import { confirmDialog, getState, useAppState } from '../state.js';
import { PinSetup } from './lock.js';

export function Login({ onLoggedIn }) {
  const { authMessage } = useAppState();
  const [form, setForm] = useState({ username: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  // Logged in, not yet stored: the session's tokens wait in memory until the PIN that seals
  // them is set (issue 17). A re-login while the app is open needs no new PIN.
  const [session, setSession] = useState(null);

  async function enter(data) {
    await getState().api.storeSession(data);
    onLoggedIn(data.user);
  }

  async function submit(e) {
    e.preventDefault();
    const { db, api } = getState();
    setBusy(true);
    setError(null);
    try {
      const data = await api.login(form.username.trim(), form.password);
      const previous = await getMeta(db, 'user');
      if (previous && previous.id !== data.user.id) {
        const { total } = await outboxCounts(db);
        if (total && !(await confirmDialog({
          title: t('me.logout'), danger: true,
          body: t('login.other_user', { name: previous.display_name ?? previous.username, n: total }),
        }))) return;
        await wipe(db);
      }
      if (unlocked()) await enter(data);
      else setSession(data);
    } catch (err) {
      setError(err.name === 'NetworkError' ? t('login.offline')
        : err.body?.reason === 'device_lost' ? t('login.device_lost')
        : err.status === 401 || err.status === 400 || err.status === 422 ? t('login.failed')
          : err.message);
    } finally {
      setBusy(false);
    }
  }

  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  if (session) return html`<${PinSetup} onDone=${() => enter(session)} />`;
  return html`<div class="hm-login">
    <div class="hm-login__brand">
      <img src="icons/icon-192.png" width="72" height="72" alt="" />
      <h1>${t('app.name')}</h1>
      <p>${t('app.tagline')}</p>
    </div>
    ${authMessage && html`<div class="hm-banner hm-banner--warn" role="alert">${authMessage}</div>`}
    <form onSubmit=${submit} class="hm-login__form">
      <div class="weui-cells weui-cells_form">
        <div class="weui-cell weui-cell_active">
          <div class="weui-cell__hd"><label class="weui-label" for="username">${t('login.username')}</label></div>
          <div class="weui-cell__bd"><input id="username" class="weui-input" autocomplete="username"
            autocapitalize="off" value=${form.username} onInput=${set('username')} required /></div>
        </div>
        <div class="weui-cell weui-cell_active">
          <div class="weui-cell__hd"><label class="weui-label" for="password">${t('login.password')}</label></div>
          <div class="weui-cell__bd"><input id="password" class="weui-input" type="password"
            autocomplete="current-password" value=${form.password} onInput=${set('password')} required /></div>
        </div>
      </div>
      ${error && html`<p class="hm-error hm-login__error" role="alert">${error}</p>`}
      <p class="hm-hint hm-login__hint">${t('login.hint')}</p>
      <div class="hm-action hm-action--inline">
        <button class="weui-btn weui-btn_primary" type="submit" disabled=${busy}>
          ${busy ? t('login.busy') : t('login.submit')}
        </button>
      </div>
    </form>
    <div class="hm-lang">
      ${LANGUAGES.map(([code, name]) => html`<button type="button" key=${code}
        class=${`hm-lang__btn${getLang() === code ? ' hm-lang__btn--on' : ''}`}
        onClick=${() => setLang(code)}>${name}</button>`)}
    </div>
  </div>`;
}
