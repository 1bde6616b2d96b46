// Always visible: online or not, how much waits to sync, when the last sync succeeded, and
// a progress bar while the first sync of a new phone downloads the grid.
import { html } from 'htm/preact';

import { formatDate, formatTime, t } from '../i18n/index.js';
import { useAppState } from '../state.js';
import { Progress } from './ui.js';

function lastSyncText(iso) {
  if (!iso) return t('status.never');
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return t('status.last', { time: today ? formatTime(iso) : `${formatDate(iso)} ${formatTime(iso)}` });
}

export function StatusBar({ onSync }) {
  const { status } = useAppState();
  const fraction = status.remaining === null || status.remaining === undefined
    ? null : status.pulled / Math.max(1, status.pulled + status.remaining);
  return html`<div class=${`hm-status${status.online ? '' : ' hm-status--offline'}`} role="status" aria-live="polite">
    <div class="hm-status__row">
      <span class="hm-status__net"><i class="hm-dot"></i>${t(status.online ? 'status.online' : 'status.offline')}</span>
      <span class=${`hm-status__pending${status.pending ? ' hm-status__pending--some' : ''}`}>
        ${t('status.pending', { n: status.pending })}
      </span>
      ${status.rejected > 0 && html`<a class="hm-status__rejected" href="#/me">${t('status.rejected', { n: status.rejected })}</a>`}
      <button type="button" class="hm-status__sync" onClick=${onSync} disabled=${status.syncing}
        aria-label=${t('me.sync_now')}>
        ${status.syncing ? t('status.syncing') : status.failed ? t('status.failed') : lastSyncText(status.lastSync)}
      </button>
    </div>
    ${status.syncing && status.first && html`<div class="hm-status__first">
      <span>${t('status.first', { n: status.pulled })}</span>
      <${Progress} fraction=${fraction} />
    </div>`}
  </div>`;
}

const TABS = [
  ['today', '#/today', 'tab.today', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm1 9.6V7h-2v6.4l4.3 2.6 1-1.7z'],
  ['households', '#/households', 'tab.households', 'M12 3 3 10v11h6v-6h6v6h6V10z'],
  ['reports', '#/reports', 'tab.reports', 'M12 2 1 21h22zm1 15h-2v-2h2zm0-4h-2V9h2z'],
  ['me', '#/me', 'tab.me', 'M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4 0-9 2-9 5.5V21h18v-1.5C21 16 16 14 12 14z'],
];

const TAB_OF = {
  today: 'today', households: 'households', household: 'households', survey: 'households',
  minorNew: 'households', minorEdit: 'households', minor: 'households', visitNew: 'households',
  visit: 'households', reports: 'reports', reportNew: 'reports', me: 'me',
};

// A sentinel (哨点) files reports and follows them; she sees nothing else (DESIGN §1).
export const SENTINEL_TABS = new Set(['reports', 'me']);

export function TabBar({ route }) {
  const { status, user } = useAppState();
  const tabs = user?.role === 'sentinel' ? TABS.filter(([name]) => SENTINEL_TABS.has(name)) : TABS;
  const current = TAB_OF[route.name] ?? tabs[0][0];
  return html`<nav class="weui-tabbar hm-tabbar">
    ${tabs.map(([name, href, label, path]) => html`<a key=${name} href=${href}
      class=${`weui-tabbar__item${current === name ? ' weui-bar__item_on' : ''}`}
      aria-current=${current === name ? 'page' : undefined}>
      <span class="hm-tab-icon">
        <svg class="weui-tabbar__icon" viewBox="0 0 24 24" aria-hidden="true"><path d=${path} fill="currentColor" fill-rule="evenodd" /></svg>
        ${name === 'me' && status.rejected + status.notices > 0 && html`<span class="weui-badge weui-badge_dot hm-tab-dot"></span>`}
      </span>
      <p class="weui-tabbar__label">${t(label)}</p>
    </a>`)}
  </nav>`;
}
