// What sync did to the worker's edits: replaced by someone else's (with one tap to re-apply
// hers as a new edit), a delete that did not happen, a change the server did not accept.
import { html } from 'htm/preact';

import { noticesFor, outboxFor } from '../db.js';
import { describe, fieldLabel, formatDate, t, valueLabel } from '../i18n/index.js';
import { dismissNotice, reapplyNotice } from '../outbox.js';
import { changed, getState, toast, useAppState, useLive } from '../state.js';
import { serverErrors } from '../validate.js';

export const recordHref = (entity, id) =>
  ({
    minor: `#/minor/${id}`, household: `#/household/${id}`, visit: `#/visit/${id}`, report: `#/report/${id}`,
    measure: `#/measure/${id}`,
  })[entity]
  ?? '#/me';

export const fixHref = (entity, id, field) =>
  ({
    minor: `#/minor/${id}/edit?field=${field ?? ''}`, household: `#/survey/${id}?step=1`,
    visit: `#/visit/${id}`, report: `#/report/${id}`, measure: `#/measure/${id}`,
  })[entity] ?? '#/me';

// `name`: which record (on 我的, where notices of every record are listed together).
export function Notice({ notice, showLink = false, name }) {
  const { user } = useAppState();
  // Her own other phone is not "someone else": say so, and do not name her as the culprit.
  const self = Boolean(notice.by) && notice.by === (user?.display_name ?? user?.username);
  async function reapply() {
    await reapplyNotice(getState().db, notice.id);
    await changed();
    toast(t('common.saved'));
  }
  async function dismiss() {
    await dismissNotice(getState().db, notice.id);
    await changed();
  }
  if (notice.kind === 'delete_conflict') {
    return html`<div class="hm-notice">
      ${name && html`<p class="hm-notice__record">${valueLabel('entity', notice.entity)} · ${name}</p>`}
      <p>${t('notice.delete_conflict')}</p>
      <div class="hm-notice__actions">
        <button type="button" class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${dismiss}>${t('notice.dismiss')}</button>
      </div>
    </div>`;
  }
  return html`<div class="hm-notice" role="note">
    ${name && html`<p class="hm-notice__record">${valueLabel('entity', notice.entity)} · ${name}</p>`}
    <p class="hm-notice__text">${t(self ? 'notice.superseded_self' : 'notice.superseded', {
      field: fieldLabel(notice.field), who: notice.by ?? t('notice.someone'), date: formatDate(notice.at),
    })}</p>
    <p class="hm-notice__values">
      <span>${t('notice.mine', { value: describe(notice.field, notice.mine) })}</span>
      <span>${t('notice.theirs', { value: describe(notice.field, notice.theirs) })}</span>
    </p>
    <div class="hm-notice__actions">
      ${showLink && html`<a class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" href=${recordHref(notice.entity, notice.record_id)}>${t('common.edit')}</a>`}
      <button type="button" class="weui-btn weui-btn_primary weui-btn_mini hm-btn-touch" onClick=${reapply}>${t('notice.reapply')}</button>
      <button type="button" class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${dismiss}>${t('notice.dismiss')}</button>
    </div>
  </div>`;
}

// Notices and rejected edits of one record, at the top of its page.
export function RecordNotices({ entity, id }) {
  const { data } = useLive(async (db) => ({
    notices: await noticesFor(db, entity, id),
    rejected: (await outboxFor(db, entity, id)).filter((e) => e.status === 'rejected'),
  }), [entity, id]);
  if (!data) return null;
  return html`
    ${data.rejected.map((e) => {
      const errors = serverErrors(e.errors);
      const first = Object.keys(errors)[0];
      return html`<a key=${e.seq} class="hm-banner hm-banner--error" href=${fixHref(entity, id, first)}>
        ${t('notice.rejected')}
        ${Object.entries(errors).map(([f, msg]) => html`<div key=${f}>· ${fieldLabel(f)}${t('common.colon')}${msg}</div>`)}
        <strong>${t('me.fix')} ›</strong>
      </a>`;
    })}
    ${data.notices.map((n) => html`<${Notice} key=${n.id} notice=${n} />`)}`;
}
