// 帮扶措施 and 转介 of a child, from the phone's replica: a worker plans a measure or moves one
// on (开始实施 / 已完成 / 取消) offline, like any record; the referrals are read-only here
// (supervisors send them and member units answer them, online).
import { html } from 'htm/preact';

import { codesOf } from '../codes.js';
import { formatDate, t, valueLabel } from '../i18n/index.js';
import { saveRecord } from '../outbox.js';
import { back, navigate } from '../router.js';
import { changed, confirmDialog, getState, toast, useAppState, useLive } from '../state.js';
import { validateMeasure } from '../validate.js';
import { useRecordForm } from './forms.js';
import { RecordNotices } from './notices.js';
import { SyncTag } from './syncstate.js';
import { Cells, enumOptions, InfoCell, Page, SelectField, TextArea, TextField, Title } from './ui.js';

const KINDS = codesOf('measures');
const UNITS = codesOf('unit');
// The steps the server allows from each status (server/measures/models.py NEXT_STATUSES).
export const NEXT_STEPS = { planned: ['in_progress', 'done', 'cancelled'], in_progress: ['done', 'cancelled'] };
const FINISHED = new Set(['done', 'cancelled']);

function responsibleText(m, user) {
  const parts = [];
  if (m.responsible_user_id && m.responsible_user_id === user?.id) parts.push(t('measure.mine'));
  if (m.responsible_unit) parts.push(valueLabel('unit', m.responsible_unit));
  return parts.join(' · ');
}

// Saved on the phone first, like every record; with a connection it goes at once, because a
// red child's 24-hour flag (and the supervisor at her desk) waits on the server's copy.
// A sync already under way may be past its push: this edit then goes in the next one.
function sendSoon() {
  const { sync, status } = getState();
  if (!sync || status?.online === false) return;
  const current = sync.running ?? Promise.resolve();
  current.catch(() => {}).then(() => sync.run()).catch(() => {});
}

async function step(measure, status) {
  if (status === 'cancelled' && !(await confirmDialog({
    title: t('measures.do_cancelled'), body: t('measures.cancel_confirm'), danger: true,
  }))) return;
  await saveRecord(getState().db, 'measure', { ...measure, status });
  await changed();
  toast(t('common.saved'));
  sendSoon();
}

function MeasureRow({ m, state, user }) {
  const who = responsibleText(m, user);
  return html`<div class="weui-cell hm-measure" data-measure=${m.id}>
    <div class="weui-cell__bd">
      <a class="hm-row-title hm-link" href=${`#/measure/${m.id}`}>${valueLabel('measures', m.kind)}
        <span class=${`hm-status-tag hm-status-tag--${m.status}`}>${valueLabel('measure_status', m.status)}</span>
        <${SyncTag} state=${state} quiet /></a>
      <p class="hm-row-sub hm-pre">${m.description}</p>
      <p class="hm-row-sub">${[who, m.due_date && t('measures.due_on', { date: formatDate(m.due_date) })].filter(Boolean).join(' · ')}</p>
      ${(NEXT_STEPS[m.status] ?? []).length > 0 && state !== 'rejected' && html`<div class="hm-notice__actions">
        ${NEXT_STEPS[m.status].map((s) => html`<button type="button" key=${s}
          class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${() => step(m, s)}>${t(`measures.do_${s}`)}</button>`)}
      </div>`}
    </div>
  </div>`;
}

export function ChildMeasures({ minorId, measures, stateOf }) {
  const { user } = useAppState();
  const sorted = [...measures].sort((a, b) => Number(FINISHED.has(a.status)) - Number(FINISHED.has(b.status))
    || String(b.created_at ?? '~').localeCompare(String(a.created_at ?? '~')));
  return html`<${Title}>${t('minor.measures')}</${Title}>
    <div class="weui-cells hm-measures" id="measures">
      ${sorted.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('measures.empty')}</span></div>`}
      ${sorted.map((m) => html`<${MeasureRow} key=${m.id} m=${m} state=${stateOf('measure', m)} user=${user} />`)}
    </div>
    <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_default hm-btn-inline"
      onClick=${() => navigate(`/minor/${minorId}/measure/new`)}>${t('measures.new')}</button></div>`;
}

export function ChildReferrals({ referrals }) {
  const sorted = [...referrals].sort((a, b) => String(b.sent_at).localeCompare(String(a.sent_at)));
  return html`<${Title}>${t('minor.referrals')}</${Title}>
    <div class="weui-cells hm-referrals" id="referrals">
      ${sorted.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('minor.no_referrals')}</span></div>`}
      ${sorted.map((r) => html`<div class="weui-cell" key=${r.id} data-referral=${r.id}>
        <div class="weui-cell__bd">
          <p class="hm-row-title">${valueLabel('unit', r.to_unit)}
            <span class=${`hm-status-tag hm-status-tag--${r.status}`}>${valueLabel('referral_status', r.status)}</span></p>
          <p class="hm-row-sub hm-pre">${r.reason}</p>
          ${r.response && html`<p class="hm-row-sub hm-pre">${t('referrals.response')}${t('common.colon')}${r.response}</p>`}
          <p class="hm-row-sub">${t('minor.referred_on', { date: formatDate(r.sent_at) })}${r.automatic ? ` · ${t('referrals.automatic')}` : ''}</p>
        </div>
      </div>`)}
    </div>`;
}

// Plan a measure, or look at one and fix what the server refused.
export function MeasureForm({ id, minorId }) {
  const { user } = useAppState();
  const form = useRecordForm('measure', id, {
    defaults: { minor_id: minorId, status: 'planned', responsible_user_id: user?.id ?? null },
    validate: validateMeasure,
    savedText: t('measures.saved'),
  });
  const { draft, set, errors } = form;
  const mid = draft?.minor_id ?? minorId;
  const { data: minor } = useLive((db) => (mid ? db.get('minors', mid) : Promise.resolve(null)), [mid]);
  if (!draft) return null;
  // What the server holds decides the steps still open; a finished measure takes notes only.
  const from = draft._server?.status ?? 'planned';
  const finished = FINISHED.has(from);
  const statuses = [from, ...(NEXT_STEPS[from] ?? [])];

  async function submit() {
    const saved = await form.save((r) => ({
      ...r, description: r.description?.trim() ?? r.description, due_date: r.due_date || null, notes: r.notes || null,
    }));
    if (saved) {
      sendSoon();
      back();
    }
  }

  return html`<${Page} title=${id ? t('measure.view') : t('measures.new')} backable
    action=${submit} actionLabel=${t('measures.add')} actionDisabled=${form.busy}>
    ${id && html`<${RecordNotices} entity="measure" id=${id} />`}
    ${minor && html`<p class="hm-para hm-row-title">${minor.name}</p>`}
    <${Cells} form>
      ${finished ? html`
        <${InfoCell} label=${t('measures.kind')}>${valueLabel('measures', draft.kind)}</${InfoCell}>
        <${InfoCell} label=${t('measure.status')}>${valueLabel('measure_status', draft.status)}</${InfoCell}>
        <${InfoCell} label=${t('measures.description')}>${draft.description}</${InfoCell}>`
      : html`
        <${SelectField} name="kind" label=${t('measures.kind')} required value=${draft.kind} error=${errors.kind}
          options=${enumOptions('measures', KINDS)} onChange=${set} />
        <${TextArea} name="description" label=${t('measures.description')} value=${draft.description} error=${errors.description} onChange=${set} />
        ${id && html`<${SelectField} name="status" label=${t('measure.status')} blank=${false} value=${draft.status} error=${errors.status}
          options=${enumOptions('measure_status', statuses)} onChange=${set} />`}
        ${draft.responsible_user_id === user?.id && html`<${InfoCell} label=${t('measure.responsible')}>${t('measure.mine')}</${InfoCell}>`}
        <${SelectField} name="responsible_unit" label=${t('measures.unit')} value=${draft.responsible_unit} error=${errors.responsible_unit}
          options=${enumOptions('unit', UNITS)} onChange=${set} />
        <${TextField} name="due_date" type="date" label=${t('measures.due')} value=${draft.due_date} error=${errors.due_date} onChange=${set} />`}
      <${TextArea} name="notes" label=${t('measure.notes')} value=${draft.notes} error=${errors.notes} onChange=${set} />
    </${Cells}>
    ${errors.responsible_user_id && html`<p class="hm-error hm-para" role="alert">${errors.responsible_user_id.replace(/^!/, '')}</p>`}
  </${Page}>`;
}
