// Always visible: online or not, how much waits to sync, when the last sync succeeded, and
// a progress bar while the first sync of a new phone downloads the grid.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { formatDate, formatTime, t } from '../i18n/index.js';
import { currentTab, syncs, tabsOf } from '../roles.js';
import { useAppState } from '../state.js';
import { Bell } from './sup/bell.js';
import { Progress } from './ui.js';

function lastSyncText(iso) {
  if (!iso) return t('status.never');
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return t('status.last', { time: today ? formatTime(iso) : `${formatDate(iso)} ${formatTime(iso)}` });
}

// Seconds until the sync's next try, ticking while it waits.
function useCountdown(at) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!at) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at ? Math.max(0, Math.ceil((at - now) / 1000)) : null;
}

function netState(status) {
  if (!status.online) return ['offline', ' hm-status--offline'];
  if (status.unreachable) return ['unreachable', ' hm-status--unreachable'];
  return ['online', ''];
}

function syncText(status, seconds) {
  if (status.syncing && seconds !== null) return t('status.retry_in', { n: seconds });
  if (status.syncing) return t('status.syncing');
  if (status.failed) return t('status.failed');
  return lastSyncText(status.lastSync);
}

export function StatusBar({ onSync }) {
  const { status, user } = useAppState();
  const seconds = useCountdown(status.syncing ? status.retryAt : null);
  const [net, netClass] = netState(status);
  const replica = syncs(user);
  const fraction = status.remaining === null || status.remaining === undefined
    ? null : status.pulled / Math.max(1, status.pulled + status.remaining);
  return html`<div class=${`hm-status${netClass}`} role="status" aria-live="polite">
    <div class="hm-status__row">
      <span class="hm-status__net"><i class="hm-dot"></i>${t(`status.${net}`)}</span>
      ${replica && html`<span class=${`hm-status__pending${status.pending ? ' hm-status__pending--some' : ''}`}>
        ${t('status.pending', { n: status.pending })}
      </span>`}
      ${status.rejected > 0 && html`<a class="hm-status__rejected" href="#/me">${t('status.rejected', { n: status.rejected })}</a>`}
      ${replica ? html`<button type="button" class="hm-status__sync" onClick=${onSync} disabled=${status.syncing}
        aria-label=${t('me.sync_now')}>
        ${syncText(status, seconds)}
      </button>` : html`<span class="hm-status__spacer"></span>`}
      <${Bell} />
    </div>
    ${status.syncing && status.first && html`<div class="hm-status__first">
      <span>${t('status.first', { n: status.pulled })}</span>
      <${Progress} fraction=${fraction} />
    </div>`}
  </div>`;
}

const TABS = {
  today: ['#/today', 'tab.today', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm1 9.6V7h-2v6.4l4.3 2.6 1-1.7z'],
  households: ['#/households', 'tab.households', 'M12 3 3 10v11h6v-6h6v6h6V10z'],
  reports: ['#/reports', 'tab.reports', 'M12 2 1 21h22zm1 15h-2v-2h2zm0-4h-2V9h2z'],
  me: ['#/me', 'tab.me', 'M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4 0-9 2-9 5.5V21h18v-1.5C21 16 16 14 12 14z'],
  work: ['#/work', 'tab.work', 'M4 4h7v7H4zm9 0h7v7h-7zM4 13h7v7H4zm9 0h7v7h-7z'],
  stats: ['#/stats', 'tab.stats', 'M4 20V10h3v10zm6 0V4h3v16zm6 0v-7h3v7z'],
  cases: ['#/cases', 'tab.cases', 'M12 2 1 21h22zm1 15h-2v-2h2zm0-4h-2V9h2z'],
  referrals: ['#/referrals', 'tab.referrals', 'M4 5h10V2l6 5-6 5V9H4zm16 10H10v-3l-6 5 6 5v-3h10z'],
};

// Each role its own tabs (roles.js): the grid worker's four, a sentinel's report and me, a
// supervisor's workbench and statistics, a unit liaison's referrals.
export function TabBar({ route }) {
  const { status, user } = useAppState();
  const current = currentTab(route.name, user);
  return html`<nav class="weui-tabbar hm-tabbar">
    ${tabsOf(user).map((name) => {
      const [href, label, path] = TABS[name];
      return html`<a key=${name} href=${href}
      class=${`weui-tabbar__item${current === name ? ' weui-bar__item_on' : ''}`}
      aria-current=${current === name ? 'page' : undefined}>
      <span class="hm-tab-icon">
        <svg class="weui-tabbar__icon" viewBox="0 0 24 24" aria-hidden="true"><path d=${path} fill="currentColor" fill-rule="evenodd" /></svg>
        ${name === 'me' && status.rejected + status.notices > 0 && html`<span class="weui-badge weui-badge_dot hm-tab-dot"></span>`}
      </span>
      <p class="weui-tabbar__label">${t(label)}</p>
    </a>`;
    })}
  </nav>`;
}
