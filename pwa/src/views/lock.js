// The app lock's screens (issue 17): set a PIN after login, unlock (offline), forget it,
// and on 我的 lock now, change the PIN and choose when the app locks itself.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { wipe } from '../db.js';
import { t } from '../i18n/index.js';
import { pinProblem, PIN_LENGTH } from '../lock/crypto.js';
import { changePin, IDLE_CHOICES, MAX_TRIES, setIdleMinutes, setPin, unlock } from '../lock/lock.js';
import { addPasskey, hasPasskey, PasskeyError, passkeyOffered, removePasskey, unlockWithPasskey } from '../lock/passkey.js';
import { confirmDialog, getState, setState, toast, useAppState } from '../state.js';
import { InfoCell, Title } from './ui.js';

function PinField({ id, label, value, onInput, autofocus }) {
  const ref = useRef(null);
  useEffect(() => {
    if (autofocus) ref.current?.focus();
  }, [autofocus]);
  return html`<div class="weui-cell weui-cell_active">
    <div class="weui-cell__hd"><label class="weui-label" for=${id}>${label}</label></div>
    <div class="weui-cell__bd"><input ref=${ref} id=${id} class="weui-input hm-pin" type="password"
      inputmode="numeric" pattern="[0-9]*" maxlength=${PIN_LENGTH} autocomplete="off" value=${value}
      onInput=${(e) => onInput(e.currentTarget.value.replace(/\D/g, '').slice(0, PIN_LENGTH))} /></div>
  </div>`;
}

function Brand({ children }) {
  return html`<div class="hm-login__brand">
    <img src="icons/icon-192.png" width="72" height="72" alt="" />
    <h1>${t('app.name')}</h1>
    ${children}
  </div>`;
}

// A new PIN, typed twice. `onDone` runs once the lock is stored and the replica sealed.
export function PinSetup({ onDone }) {
  const [pin, setPinValue] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    const problem = pinProblem(pin);
    if (problem) return setError(t(`lock.${problem}`, { n: PIN_LENGTH }));
    if (pin !== again) return setError(t('lock.pin_mismatch'));
    setBusy(true);
    setError(null);
    try {
      await setPin(getState().db, pin);
      await onDone();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="hm-login hm-lock">
    <${Brand}><p>${t('lock.setup_title')}</p></${Brand}>
    <p class="hm-hint hm-login__hint">${t('lock.setup_hint', { n: MAX_TRIES })}</p>
    <form onSubmit=${submit} class="hm-login__form" data-lock="setup">
      <div class="weui-cells weui-cells_form">
        <${PinField} id="pin" label=${t('lock.pin')} value=${pin} onInput=${setPinValue} autofocus />
        <${PinField} id="pin-again" label=${t('lock.pin_again')} value=${again} onInput=${setAgain} />
      </div>
      ${error && html`<p class="hm-error hm-login__error" role="alert">${error}</p>`}
      <div class="hm-action hm-action--inline">
        <button class="weui-btn weui-btn_primary" type="submit" disabled=${busy}>
          ${busy ? t('lock.busy') : t('lock.setup_submit')}
        </button>
      </div>
    </form>
  </div>`;
}

// Locked: the PIN opens the replica, offline. `onWiped(message)` after the last wrong PIN or a
// forgotten one: the phone holds nothing any more and needs an online login.
export function LockScreen({ onUnlocked, onWiped }) {
  const [pin, setPinValue] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    if (pin.length !== PIN_LENGTH) return setError(t('lock.pin_format', { n: PIN_LENGTH }));
    setBusy(true);
    setError(null);
    try {
      const result = await unlock(getState().db, pin);
      if (result === 'ok') return await onUnlocked();
      if (result === 'wiped') return onWiped(t('lock.wiped', { n: MAX_TRIES }));
      setPinValue('');
      setError(t('lock.wrong', { n: result.left }));
    } finally {
      setBusy(false);
    }
  }

  const [passkey, setPasskey] = useState(false);
  useEffect(() => {
    const { db } = getState();
    Promise.all([hasPasskey(db), passkeyOffered()]).then(([has, offered]) => setPasskey(has && offered));
  }, []);

  async function withPasskey() {
    setBusy(true);
    setError(null);
    try {
      await unlockWithPasskey(getState().db);
      return await onUnlocked();
    } catch (err) {
      if (!(err instanceof PasskeyError)) throw err;
      setError(t(`lock.passkey_${err.reason}`));
    } finally {
      setBusy(false);
    }
  }

  async function forgot() {
    const { db } = getState();
    const unsent = await db.count('outbox');
    const ok = await confirmDialog({
      title: t('lock.forgot'), danger: true, ok: t('lock.forgot_ok'),
      body: unsent ? t('lock.forgot_pending', { n: unsent }) : t('lock.forgot_confirm'),
    });
    if (!ok) return;
    await wipe(db);
    onWiped(t('lock.forgot_done'));
  }

  return html`<div class="hm-login hm-lock">
    <${Brand}><p>${t('lock.locked')}</p></${Brand}>
    <form onSubmit=${submit} class="hm-login__form" data-lock="unlock">
      <div class="weui-cells weui-cells_form">
        <${PinField} id="pin" label=${t('lock.pin')} value=${pin} onInput=${setPinValue} autofocus />
      </div>
      ${error && html`<p class="hm-error hm-login__error" role="alert">${error}</p>`}
      <div class="hm-action hm-action--inline">
        <button class="weui-btn weui-btn_primary" type="submit" disabled=${busy}>
          ${busy ? t('lock.busy') : t('lock.unlock')}
        </button>
      </div>
    </form>
    <div class="hm-action hm-action--inline">
      ${passkey && html`<button type="button" class="weui-btn weui-btn_default hm-lock__passkey" disabled=${busy}
        onClick=${withPasskey}>${t('lock.passkey_unlock')}</button>`}
      <button type="button" class="weui-btn weui-btn_default hm-lock__forgot" onClick=${forgot}>${t('lock.forgot')}</button>
    </div>
  </div>`;
}

// On 我的: lock now, when to lock by itself, a new PIN.
export function LockSettings({ onLock }) {
  const { lockMinutes } = useAppState();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ old: '', pin: '', again: '' });
  const [error, setError] = useState(null);

  async function minutes(e) {
    const m = Number(e.currentTarget.value);
    await setIdleMinutes(getState().db, m);
    setState({ lockMinutes: m });
  }

  async function change(e) {
    e.preventDefault();
    const problem = pinProblem(form.pin);
    if (problem) return setError(t(`lock.${problem}`, { n: PIN_LENGTH }));
    if (form.pin !== form.again) return setError(t('lock.pin_mismatch'));
    const result = await changePin(getState().db, form.old, form.pin);
    if (result === 'wiped') return onLock('wiped');
    if (result !== 'ok') return setError(t('lock.wrong', { n: result.left }));
    setOpen(false);
    setForm({ old: '', pin: '', again: '' });
    setError(null);
    toast(t('lock.changed'));
  }

  const set = (k) => (v) => setForm({ ...form, [k]: v });
  return html`<${Title}>${t('lock.title')}</${Title}>
    <${PasskeySetting} onLock=${onLock} />
    <div class="weui-cells">
      <${InfoCell} label=${t('lock.after')}>
        <select class="weui-select hm-lock__minutes" aria-label=${t('lock.after')} value=${lockMinutes} onChange=${minutes}>
          ${IDLE_CHOICES.map((m) => html`<option key=${m} value=${m}>${t('lock.minutes', { n: m })}</option>`)}
        </select>
      </${InfoCell}>
    </div>
    ${open && html`<form onSubmit=${change} class="hm-lock__change" data-lock="change">
      <div class="weui-cells weui-cells_form">
        <${PinField} id="pin-old" label=${t('lock.pin_old')} value=${form.old} onInput=${set('old')} autofocus />
        <${PinField} id="pin-new" label=${t('lock.pin_new')} value=${form.pin} onInput=${set('pin')} />
        <${PinField} id="pin-new-again" label=${t('lock.pin_again')} value=${form.again} onInput=${set('again')} />
      </div>
      ${error && html`<p class="hm-error hm-login__error" role="alert">${error}</p>`}
      <div class="hm-action hm-action--inline"><button class="weui-btn weui-btn_primary" type="submit">${t('lock.change_submit')}</button></div>
    </form>`}
    <div class="hm-action hm-action--inline hm-lock__buttons">
      ${!open && html`<button type="button" class="weui-btn weui-btn_default" onClick=${() => setOpen(true)}>${t('lock.change')}</button>`}
      <button type="button" class="weui-btn weui-btn_default hm-lock__now" onClick=${() => onLock('now')}>${t('lock.now')}</button>
    </div>`;
}

// 指纹/面容解锁 on 我的, where the phone has a platform authenticator: turned on with the PIN.
function PasskeySetting({ onLock }) {
  const { user } = useAppState();
  const [state, setLocal] = useState({ offered: false, on: false });
  const [asking, setAsking] = useState(false);
  const [pin, setPinValue] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const refresh = async () => {
    const { db } = getState();
    const [offered, on] = await Promise.all([passkeyOffered(), hasPasskey(db)]);
    setLocal({ offered, on });
  };
  useEffect(() => {
    refresh();
  }, []);
  if (!state.offered) return null;

  async function enable(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await addPasskey(getState().db, pin, user);
      if (result === 'wiped') return onLock('wiped');
      if (result !== 'ok') return setError(t('lock.wrong', { n: result.left }));
      setAsking(false);
      setPinValue('');
      toast(t('lock.passkey_enabled'));
      await refresh();
    } catch (err) {
      if (!(err instanceof PasskeyError)) throw err;
      setError(t(`lock.passkey_${err.reason}`));
    } finally {
      setBusy(false);
    }
  }

  async function disable() {
    await removePasskey(getState().db);
    toast(t('lock.passkey_disabled'));
    await refresh();
  }

  return html`<div class="weui-cells">
      <${InfoCell} label=${t('lock.passkey')}>
        <span class="hm-lock__passkey-state">${t(state.on ? 'lock.passkey_on' : 'lock.passkey_off')}</span>
      </${InfoCell}>
    </div>
    ${asking && html`<form onSubmit=${enable} data-lock="passkey">
      <p class="hm-hint hm-lock__hint">${t('lock.passkey_hint')}</p>
      <div class="weui-cells weui-cells_form">
        <${PinField} id="pin-passkey" label=${t('lock.pin')} value=${pin} onInput=${setPinValue} autofocus />
      </div>
      ${error && html`<p class="hm-error hm-login__error" role="alert">${error}</p>`}
      <div class="hm-action hm-action--inline">
        <button class="weui-btn weui-btn_primary" type="submit" disabled=${busy}>${busy ? t('lock.busy') : t('lock.passkey_enable')}</button>
      </div>
    </form>`}
    <div class="hm-action hm-action--inline">
      ${!state.on && !asking && html`<button type="button" class="weui-btn weui-btn_default" onClick=${() => setAsking(true)}>${t('lock.passkey_enable')}</button>`}
      ${state.on && html`<button type="button" class="weui-btn weui-btn_default" onClick=${disable}>${t('lock.passkey_disable')}</button>`}
    </div>`;
}
