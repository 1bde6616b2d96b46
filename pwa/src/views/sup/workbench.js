// 工作台: what waits for the supervisor, each with its count; the urgent reports with their
// first-response timers; the red children still without an assistance measure after 24 h.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { formatDate, t } from '../../i18n/index.js';
import { act, apiGet, countOf, isOffline, useRemote } from '../../online.js';
import { isAdmin } from '../../roles.js';
import { confirmDialog, useAppState } from '../../state.js';
import { duration, serverText, sortReports } from '../../sup/format.js';
import { Page, Title } from '../ui.js';
import { Count, Offline, Remote, useNow } from './common.js';
import { ReportRow } from './reports.js';
import { FlagRow } from './measures.js';

const TILES = [
  ['review', '#/review', '/api/visits/review-queue'],
  ['grades', '#/grades', '/api/minors/grade-queue'],
  ['conflicts', '#/conflicts', '/api/conflicts?status=open'],
  ['registry', '#/registry', '/api/minors'],
  ['cases', '#/cases', '/api/reports?open=true'],
  ['flags', '#/flags', null],
  ['duplicates', '#/duplicates', null],
  ['stats', '#/stats', null],
  ['devices', '#/devices', null],
];

function useCounts(online, unread) {
  const [counts, setCounts] = useState({});
  useEffect(() => {
    if (!online || isOffline()) return undefined;
    let alive = true;
    const jobs = TILES.filter(([, , path]) => path).map(async ([name, , path]) => [name, await countOf(path).catch(() => null)]);
    jobs.push(apiGet('/api/minors/duplicates').then((d) => ['duplicates', d.length], () => ['duplicates', null]));
    jobs.push(apiGet('/api/reports?open=true&overdue=true&page_size=100').then((d) => ['overdue', d.length], () => ['overdue', null]));
    Promise.all(jobs).then((pairs) => alive && setCounts(Object.fromEntries(pairs)));
    return () => { alive = false; };
  }, [online, unread]);
  return counts;
}

export function Workbench() {
  const { user, status, unread } = useAppState();
  // A new notification usually means new work: the bell's poll refreshes the workbench too.
  const counts = useCounts(status.online, unread);
  const urgent = useRemote('/api/reports?open=true&urgent=true&page_size=50', [unread]);
  const flags = useRemote('/api/measures/flags', [unread]);
  const now = useNow(1000);
  const flagCount = flags.data?.length;
  return html`<${Page} title=${t('work.title')}>
    ${!status.online && html`<${Offline} />`}
    <p class="hm-hint hm-para">${t(isAdmin(user) ? 'work.scope_street' : 'work.scope_village')}</p>
    <nav class="hm-tiles" aria-label=${t('work.title')}>
      ${TILES.map(([name, href]) => {
        const n = name === 'flags' ? flagCount : counts[name];
        return html`<a key=${name} class=${`hm-tile hm-tile--${name}`} href=${href}>
          <span class="hm-tile__name">${t(`nav.${name}`)}</span>
          <${Count} n=${n} />
          ${name === 'cases' && counts.overdue > 0 && html`<span class="hm-tile__warn">${t('work.overdue', { n: counts.overdue })}</span>`}
        </a>`;
      })}
    </nav>
    <${Title}>${t('work.urgent')}</${Title}>
    <${Remote} remote=${urgent}>${(rows) => html`
      ${rows.length === 0 && html`<p class="hm-hint hm-para">${t('work.no_urgent')}</p>`}
      <div class="weui-cells hm-urgent">${sortReports(rows).slice(0, 8).map((r) => html`<${ReportRow} key=${r.id} report=${r} now=${now} />`)}</div>`}
    </${Remote}>
    <${Title}>${t('work.flags')}</${Title}>
    <${Remote} remote=${flags}>${(rows) => html`
      ${rows.length === 0 && html`<p class="hm-hint hm-para">${t('flags.empty')}</p>`}
      <div class="weui-cells">${rows.slice(0, 5).map((f) => html`<${FlagRow} key=${f.minor_id} flag=${f} />`)}</div>
      ${rows.length > 5 && html`<div class="weui-cells"><a class="weui-cell weui-cell_access hm-link" href="#/flags">
        <div class="weui-cell__bd hm-accent">${t('work.all', { n: rows.length })}</div><div class="weui-cell__ft"></div></a></div>`}`}
    </${Remote}>
  </${Page}>`;
}

// 设备: who has not synced for days (the longest silent first). A street admin marks a lost
// phone (its logins end at once; it wipes itself at its next contact) and clears the mark.
const lastContact = (d) => Math.max(Date.parse(d.last_push_at ?? '') || 0, Date.parse(d.last_pull_at ?? '') || 0);
const silentDays = (d, now) => (lastContact(d) ? Math.floor((now - lastContact(d)) / 86_400_000) : Infinity);
function lastSeen(d, now) {
  const at = lastContact(d);
  if (!at) return t('devices.never');
  return t('devices.last', { when: formatDate(new Date(at).toISOString(), true), ago: duration(now - at) });
}

export function Devices() {
  const { user } = useAppState();
  const remote = useRemote('/api/sync/devices');
  const now = useNow(60_000);
  const path = (d) => `/api/sync/devices/${encodeURIComponent(d.client_id)}/lost`;
  async function markLost(d) {
    const ok = await confirmDialog({ title: t('devices.mark_lost'), body: t('devices.lost_confirm', { name: d.display_name ?? d.username }),
      ok: t('devices.mark_lost'), danger: true });
    if (ok && await act('POST', path(d), undefined, { done: t('devices.lost_done') })) remote.reload();
  }
  async function unmarkLost(d) {
    if (await act('DELETE', path(d), undefined, { done: t('devices.unmarked') })) remote.reload();
  }
  return html`<${Page} title=${t('nav.devices')} backable>
    <${Remote} remote=${remote}>${(rows) => html`
      ${rows.length === 0 && html`<div class="hm-empty"><p>${t('devices.empty')}</p></div>`}
      <div class="weui-cells">${rows.map((d) => html`<div class="weui-cell" key=${d.client_id} data-device=${d.client_id}>
        <div class="weui-cell__bd">
          <p class="hm-row-title">${d.display_name ?? d.username}</p>
          <p class=${`hm-row-sub${silentDays(d, now) >= 7 ? ' hm-overdue' : ''}`}>${lastSeen(d, now)}</p>
          <p class="hm-row-sub">${t('devices.counts', { push: d.pushes ?? 0, rejected: d.mutations_rejected ?? 0, conflicts: d.conflicts ?? 0 })}</p>
          ${d.lost_at && html`<p class="hm-row-sub hm-overdue">${t('devices.lost_at', { when: formatDate(d.lost_at, true), who: d.lost_by_name ?? '—' })}</p>`}
          ${d.last_error && html`<p class="hm-error">${serverText(d.last_error)}</p>`}
        </div>
        ${isAdmin(user) && html`<div class="weui-cell__ft">${d.lost_at
          ? html`<button type="button" class="weui-btn weui-btn_mini weui-btn_default hm-btn-touch" onClick=${() => unmarkLost(d)}>${t('devices.unmark_lost')}</button>`
          : html`<button type="button" class="weui-btn weui-btn_mini weui-btn_warn hm-btn-touch" onClick=${() => markLost(d)}>${t('devices.mark_lost')}</button>`}</div>`}
      </div>`)}</div>`}
    </${Remote}>
  </${Page}>`;
}
