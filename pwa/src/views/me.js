// 我的: language, sync now, what is waiting or was rejected, and logout (which wipes the
// phone, after saying what would be lost).
import { html } from 'htm/preact';

import { outboxCounts, storeOf } from '../db.js';
import { describe, fieldLabel, formatDate, getLang, LANGUAGES, listJoin, paren, setLang, t, valueLabel } from '../i18n/index.js';
import { discardRejected } from '../outbox.js';
import { changed, confirmDialog, getState, useAppState, useLive } from '../state.js';
import { serverErrors } from '../validate.js';
import { fixHref, Notice, recordHref } from './notices.js';
import { isAdmin, isSupervisor, syncs } from '../roles.js';
import { LockSettings } from './lock.js';
import { InfoCell, LinkCell, Page, Title } from './ui.js';

// What an entry is, in the worker's words: "家庭 · 王建国（李庄村3号）", "儿童 · 王小雨",
// "走访 · 王小雨 12月3日", "上报 · 离家出走".
async function nameOf(db, entity, id) {
  const record = await db.get(storeOf(entity), id);
  if (!record) return '';
  if (entity === 'household') return `${record.head_name ?? ''}${record.address ? `（${record.address}）` : ''}`;
  if (entity === 'minor') return record.name ?? '';
  if (entity === 'visit') {
    const minor = record.minor_id ? await db.get('minors', record.minor_id) : null;
    return `${minor?.name ?? ''} ${formatDate(record.visited_at)}`.trim();
  }
  if (entity === 'report') return valueLabel('report_kind', record.kind);
  if (entity === 'measure') {
    const minor = record.minor_id ? await db.get('minors', record.minor_id) : null;
    return `${minor?.name ?? ''} ${valueLabel('measures', record.kind)}`.trim();
  }
  return '';
}

async function load(db) {
  const [outbox, all] = await Promise.all([db.getAll('outbox'), db.getAll('notices')]);
  // A child who moved away is told on 今日 by name; here, the edits that were replaced.
  const notices = all.filter((n) => n.kind !== 'moved_away');
  const names = new Map();
  for (const e of [...outbox, ...notices.map((n) => ({ entity: n.entity, id: n.record_id }))]) {
    const k = `${e.entity}:${e.id}`;
    if (!names.has(k)) names.set(k, await nameOf(db, e.entity, e.id));
  }
  return { outbox, notices, names };
}

function OutboxRow({ entry, name }) {
  const rejected = entry.status === 'rejected';
  const errors = rejected ? serverErrors(entry.errors) : {};
  const fields = Object.keys(entry.fields ?? {});
  async function discard() {
    if (!(await confirmDialog({ title: t('me.discard'), body: t('me.discard_confirm'), danger: true }))) return;
    await discardRejected(getState().db, entry.seq);
    await changed();
  }
  return html`<div class=${`weui-cell hm-outbox${rejected ? ' hm-outbox--rejected' : ''}`}>
    <div class="weui-cell__bd">
      <a class="hm-row-title" href=${recordHref(entry.entity, entry.id)}>
        ${valueLabel('entity', entry.entity)} · ${name || t('common.unknown')}
      </a>
      <p class="hm-row-sub">${entry.op === 'delete' ? t('common.delete')
        : `${t(entry.base_version ? 'me.changed' : 'me.created')}${fields.length && entry.base_version ? `：${listJoin(fields.slice(0, 4).map(fieldLabel))}${fields.length > 4 ? '…' : ''}` : ''}`}</p>
      <p class="hm-row-sub">${formatDate(new Date(entry.created_at).toISOString(), true)}
        ${entry.attempts ? ` · ×${entry.attempts}` : ''}</p>
      ${Object.entries(errors).map(([f, msg]) => html`<p class="hm-error" key=${f}>
        ${fieldLabel(f)}${t('common.colon')}${msg}${entry.fields && f in entry.fields ? paren(describe(f, entry.fields[f])) : ''}</p>`)}
      ${rejected && html`<div class="hm-notice__actions">
        <a class="weui-btn weui-btn_primary weui-btn_mini hm-btn-touch" href=${fixHref(entry.entity, entry.id, Object.keys(errors)[0])}>${t('me.fix')}</a>
        <button type="button" class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${discard}>${t('me.discard')}</button>
      </div>`}
    </div>
  </div>`;
}

export function Me({ onSync, onLogout, onLock }) {
  const { user, status, unread } = useAppState();
  const { data } = useLive(load);
  const rejected = (data?.outbox ?? []).filter((e) => e.status === 'rejected');
  const pending = (data?.outbox ?? []).filter((e) => e.status !== 'rejected');

  async function logout() {
    const { total } = await outboxCounts(getState().db);
    const ok = await confirmDialog({
      title: t('me.logout'), danger: true, ok: t('me.logout'),
      body: total ? t('me.logout_pending', { n: total }) : t('me.logout_confirm'),
    });
    if (ok) await onLogout();
  }

  return html`<${Page} title=${t('me.title')} action=${logout} actionLabel=${t('me.logout')} danger>
    <div class="weui-cells">
      <${InfoCell} label=${t('users.name')}>${user?.display_name ?? user?.username}</${InfoCell}>
      ${user?.display_name && html`<${InfoCell} label=${t('login.username')}>${user.username}</${InfoCell}>`}
      ${user?.unit && html`<${InfoCell} label="">${user.unit}</${InfoCell}>`}
    </div>
    <div class="weui-cells">
      <${LinkCell} href="#/notifications" ft=${unread ? html`<span class="weui-badge">${unread}</span>` : ''}>${t('bell.title')}</${LinkCell}>
      ${isAdmin(user) && html`<${LinkCell} href="#/users">${t('nav.users')}</${LinkCell}>`}
      ${isSupervisor(user) && html`<${LinkCell} href="#/areas">${t('nav.areas')}</${LinkCell}>
        <${LinkCell} href="#/settings">${t('nav.settings')}</${LinkCell}>
        <${LinkCell} href="#/devices">${t('nav.devices')}</${LinkCell}>`}
    </div>
    <${LockSettings} onLock=${onLock} />
    <${Title}>${t('me.language')}</${Title}>
    <div class="hm-lang hm-lang--cells">
      ${LANGUAGES.map(([code, name]) => html`<button type="button" key=${code}
        class=${`hm-lang__btn${getLang() === code ? ' hm-lang__btn--on' : ''}`} onClick=${() => setLang(code)}>${name}</button>`)}
    </div>
    ${syncs(user) && html`<div class="hm-action hm-action--inline">
      <button type="button" class="weui-btn weui-btn_default" onClick=${onSync} disabled=${status.syncing || !status.online}>
        ${status.syncing ? t('status.syncing') : t('me.sync_now')}
      </button>
    </div>`}
    ${data?.notices.length > 0 && html`<${Title}>${t('today.notices', { n: data.notices.length })}</${Title}>
      ${data.notices.map((n) => html`<${Notice} key=${n.id} notice=${n} showLink name=${data.names.get(`${n.entity}:${n.record_id}`)} />`)}`}
    ${rejected.length > 0 && html`<${Title}>${t('me.rejected')} (${rejected.length})</${Title}>
      <div class="weui-cells">${rejected.map((e) => html`<${OutboxRow} key=${e.seq} entry=${e} name=${data.names.get(`${e.entity}:${e.id}`)} />`)}</div>`}
    ${syncs(user) && html`<${Title}>${t('me.outbox')} (${pending.length})</${Title}>
    <div class="weui-cells">
      ${pending.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('me.outbox_empty')}</span></div>`}
      ${pending.map((e) => html`<${OutboxRow} key=${e.seq} entry=${e} name=${data.names.get(`${e.entity}:${e.id}`)} />`)}
    </div>`}
  </${Page}>`;
}
