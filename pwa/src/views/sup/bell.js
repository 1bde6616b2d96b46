// 消息: the bell with the unread count (in the status bar on every screen; asked every minute
// while online) and the list of notifications. A failed poll is silent: the bell keeps its
// last count and the worker's offline work never waits on it.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';

import { formatDate, t } from '../../i18n/index.js';
import { navigate } from '../../router.js';
import { apiCall, apiGet, isOffline, useRemote } from '../../online.js';
import { getState, setState, useAppState } from '../../state.js';
import { serverText } from '../../sup/format.js';
import { Page } from '../ui.js';
import { Remote } from './common.js';

export const POLL_MS = 60_000;

export async function refreshUnread() {
  if (isOffline() || !getState().user) return;
  try {
    const { unread } = await apiGet('/api/notifications/unread-count');
    setState({ unread });
  } catch {
    // offline, a server outage, or the session ending: the next poll asks again
  }
}

const BELL = 'M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3.5a1.5 1.5 0 0 0-3 0v.7A7 7 0 0 0 5 11v5l-2 2v1h18v-1z';

export function Bell() {
  const { unread, status, user } = useAppState();
  useEffect(() => {
    refreshUnread();
    const id = setInterval(refreshUnread, POLL_MS);
    return () => clearInterval(id);
  }, [user?.id]);
  useEffect(() => {
    if (status.online) refreshUnread();
  }, [status.online]);
  const n = unread ?? 0;
  return html`<a class="hm-bell" href="#/notifications" aria-label=${t('bell.label', { n })}>
    <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${BELL} fill="currentColor" /></svg>
    ${n > 0 && html`<span class="weui-badge hm-bell__count">${n > 99 ? '99+' : n}</span>`}
  </a>`;
}

// The server's links are hash routes of this app; anything else is ignored.
const target = (link) => (typeof link === 'string' && link.startsWith('#/') ? link.slice(1) : null);

export function Notifications() {
  const remote = useRemote('/api/notifications?page_size=50');
  async function open(n) {
    if (!n.read) {
      await apiCall('POST', `/api/notifications/${n.id}/read`).catch(() => null);
      refreshUnread();
    }
    const to = target(n.link);
    if (to) navigate(to);
    else remote.reload();
  }
  async function readAll() {
    await apiCall('POST', '/api/notifications/read-all').catch(() => null);
    setState({ unread: 0 });
    remote.reload();
  }
  const unread = (remote.data ?? []).some((n) => !n.read);
  return html`<${Page} title=${t('bell.title')} backable action=${unread ? readAll : undefined} actionLabel=${t('bell.read_all')}>
    <${Remote} remote=${remote}>${(items) => html`
      ${items.length === 0 && html`<div class="hm-empty"><p>${t('bell.empty')}</p></div>`}
      <div class="weui-cells">
        ${items.map((n) => html`<button type="button" key=${n.id} class=${`weui-cell weui-cell_access hm-notify${n.read ? '' : ' hm-notify--unread'}`}
          onClick=${() => open(n)}>
          <div class="weui-cell__bd">
            <p class="hm-row-title">${!n.read && html`<i class="hm-unread-dot" aria-label=${t('bell.unread')}></i>`}${serverText(n.title)}</p>
            ${n.body && html`<p class="hm-row-sub">${serverText(n.body)}</p>`}
            <p class="hm-row-sub">${formatDate(n.created_at, true)}</p>
          </div>
          <div class="weui-cell__ft"></div>
        </button>`)}
      </div>`}
    </${Remote}>
  </${Page}>`;
}
