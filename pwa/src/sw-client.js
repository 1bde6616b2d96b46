// The page's side of the service worker: register it, notice a new version waiting, and
// switch to it only when the worker says so (a form half filled must not vanish).
import { html } from 'htm/preact';

import { t } from './i18n/index.js';
import { setState, useAppState } from './state.js';

const UPDATE_CHECK_MS = 30 * 60_000;
let accepted = false;

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let reg;
  try {
    // 'none': the update check also bypasses the HTTP cache for precache-manifest.js, whose
    // bytes are what change when any shell file changes.
    reg = await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
  } catch (err) {
    console.warn('service worker not registered', err);
    return;
  }
  const offer = (worker) => {
    // No controller yet means this is the first install, not an update.
    if (worker && navigator.serviceWorker.controller) setState({ updateReady: worker });
  };
  offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Reload only for an update the user accepted; the first install just takes control.
    if (accepted) location.reload();
  });
  setInterval(() => reg.update().catch(() => {}), UPDATE_CHECK_MS);
}

export function UpdatePrompt() {
  const { updateReady } = useAppState();
  if (!updateReady) return null;
  const reload = () => {
    accepted = true;
    updateReady.postMessage({ type: 'SKIP_WAITING' });
  };
  return html`<div role="dialog" aria-modal="true" class="hm-update">
    <div class="weui-mask"></div>
    <div class="weui-dialog">
      <div class="weui-dialog__hd"><strong class="weui-dialog__title">${t('update.ready')}</strong></div>
      <div class="weui-dialog__bd">${t('update.body')}</div>
      <div class="weui-dialog__ft">
        <button type="button" class="weui-dialog__btn weui-dialog__btn_default hm-dialog-btn"
          onClick=${() => setState({ updateReady: null })}>${t('update.later')}</button>
        <button type="button" class="weui-dialog__btn hm-dialog-btn" onClick=${reload}>${t('update.reload')}</button>
      </div>
    </div>
  </div>`;
}
