// 帮扶措施 on a child's profile (supervisors, online): what is planned, who answers for it, by
// when, and its steps; and the 预警 of red children still without a measure 24 h after turning red.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { codesOf } from '../../codes.js';
import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { confirmDialog } from '../../state.js';
import { duration, fieldErrors } from '../../sup/format.js';
import { UNITS } from '../../sup/charts.js';
import { Cells, GradeBadge, Page, SelectField, TextArea, TextField, Title } from '../ui.js';
import { Remote, useNow } from './common.js';

const KINDS = codesOf('measures');
const NEXT = { planned: ['in_progress', 'done', 'cancelled'], in_progress: ['done', 'cancelled'] };

export function FlagRow({ flag, now = Date.now() }) {
  const due = Date.parse(flag.measure_due);
  const text = flag.overdue
    ? t('flags.overdue', { d: duration(now - Date.parse(flag.red_since)) })
    : t('flags.left', { d: duration(due - now) });
  return html`<a class="weui-cell weui-cell_access hm-link hm-stripe--red" href=${`#/minor/${flag.minor_id}`} data-flag=${flag.minor_id}>
    <div class="weui-cell__bd">
      <p class="hm-row-title">${flag.name} <small class="hm-row-sub">${valueLabel('gender', flag.gender)} · ${t('minor.age', { n: flag.age })}</small></p>
      <p class=${`hm-row-sub ${flag.overdue ? 'hm-timer hm-timer--overdue' : 'hm-timer hm-timer--running'}`}>${text}</p>
    </div>
    <div class="weui-cell__ft"><${GradeBadge} grade=${flag.grade ?? flag.grade_suggested} suggested=${!flag.grade} /></div>
  </a>`;
}

export function FlagList() {
  const remote = useRemote('/api/measures/flags?include_upcoming=true');
  const now = useNow(30_000);
  return html`<p class="hm-hint hm-para">${t('flags.intro')}</p>
    <${Remote} remote=${remote}>${(rows) => html`
      ${rows.length === 0 && html`<div class="hm-empty"><p>${t('flags.empty')}</p></div>`}
      <div class="weui-cells">${rows.map((f) => html`<${FlagRow} key=${f.minor_id} flag=${f} now=${now} />`)}</div>`}
    </${Remote}>`;
}

export function Flags() {
  return html`<${Page} title=${t('nav.flags')} backable><${FlagList} /></${Page}>`;
}

function MeasureForm({ minorId, onDone }) {
  const [draft, setDraft] = useState({ kind: null, description: '', responsible_unit: null, due_date: '', notes: '' });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setErrors({ ...errors, [name]: null }); };
  async function save() {
    const missing = {};
    if (!draft.kind) missing.kind = 'required';
    if (!draft.description.trim()) missing.description = 'required';
    if (Object.keys(missing).length) return setErrors(missing);
    setBusy(true);
    const body = { ...draft, description: draft.description.trim(), due_date: draft.due_date || null, notes: draft.notes || null };
    const ok = await act('POST', `/api/minors/${minorId}/measures`, body, {
      done: t('measures.saved'),
      onError: (err) => setErrors(Object.fromEntries(Object.entries(fieldErrors(err.body)).map(([k, v]) => [k, `!${v}`]))),
    });
    setBusy(false);
    if (ok) onDone();
    return null;
  }
  return html`<${Cells} form>
    <${SelectField} name="kind" label=${t('measures.kind')} required value=${draft.kind} error=${errors.kind}
      options=${KINDS.map((k) => [k, valueLabel('measures', k)])} onChange=${set} />
    <${TextArea} name="description" label=${t('measures.description')} value=${draft.description} error=${errors.description} onChange=${set} />
    <${SelectField} name="responsible_unit" label=${t('measures.unit')} value=${draft.responsible_unit} error=${errors.responsible_unit}
      options=${UNITS.map((u) => [u, valueLabel('unit', u)])} onChange=${set} />
    <${TextField} name="due_date" type="date" label=${t('measures.due')} value=${draft.due_date} error=${errors.due_date} onChange=${set} />
  </${Cells}>
  <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${busy} onClick=${save}>${t('measures.add')}</button></div>`;
}

function MeasureRow({ m, minorId, onDone }) {
  async function step(status) {
    if (status === 'cancelled' && !(await confirmDialog({ title: t('measures.do_cancelled'), body: t('measures.cancel_confirm'), danger: true }))) return;
    if (await act('PATCH', `/api/minors/${minorId}/measures/${m.id}`, { status }, { done: t('common.saved') })) onDone();
  }
  return html`<div class="weui-cell hm-measure">
    <div class="weui-cell__bd">
      <p class="hm-row-title">${valueLabel('measures', m.kind)} <span class=${`hm-status-tag hm-status-tag--${m.status}`}>${valueLabel('measure_status', m.status)}</span></p>
      <p class="hm-row-sub hm-pre">${m.description}</p>
      <p class="hm-row-sub">${m.responsible_unit ? valueLabel('unit', m.responsible_unit) : ''}${m.due_date ? ` · ${t('measures.due_on', { date: formatDate(m.due_date) })}` : ''} · ${formatDate(m.created_at)}</p>
      ${(NEXT[m.status] ?? []).length > 0 && html`<div class="hm-notice__actions">${NEXT[m.status].map((s) => html`<button type="button" key=${s}
        class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${() => step(s)}>${t(`measures.do_${s}`)}</button>`)}</div>`}
    </div>
  </div>`;
}

// The measures section of a child's profile, for supervisors.
export function MinorMeasures({ minorId }) {
  const remote = useRemote(`/api/minors/${minorId}/measures`);
  const [adding, setAdding] = useState(false);
  return html`<${Title}>${t('measures.title')}</${Title}>
    <${Remote} remote=${remote}>${(rows) => html`
      <div class="weui-cells hm-measures">
        ${rows.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('measures.empty')}</span></div>`}
        ${rows.map((m) => html`<${MeasureRow} key=${m.id} m=${m} minorId=${minorId} onDone=${remote.reload} />`)}
      </div>
      ${adding ? html`<${MeasureForm} minorId=${minorId} onDone=${() => { setAdding(false); remote.reload(); }} />`
        : html`<div class="hm-buttons"><button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => setAdding(true)}>${t('measures.new')}</button></div>`}`}
    </${Remote}>`;
}
