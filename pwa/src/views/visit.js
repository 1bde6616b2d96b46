// 走访: log a visit (findings, measures, summary) and see when the next one falls due. A
// submitted visit is read-only for its author until a supervisor returns it.
import { html } from 'htm/preact';

import { dueFromVisit, gradeOf, localDay } from '../classify.js';
import { fieldLabel, formatDate, t, valueLabel } from '../i18n/index.js';
import { navigate } from '../router.js';
import { FINDING_AREAS, FINDING_STATUSES, MEASURES, VISIT_KINDS } from '../schema.js';
import { useAppState, useLive } from '../state.js';
import { SUMMARY_MIN, validateVisit } from '../validate.js';
import { useRecordForm } from './forms.js';
import { RecordNotices } from './notices.js';
import { SyncTag, useSyncStates } from './syncstate.js';
import {
  Cells, CheckList, enumOptions, GradeBadge, InfoCell, Page, Segmented, SelectField, TextArea, TextField, Title,
} from './ui.js';

const pad = (n) => String(n).padStart(2, '0');
function toLocalInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

// Nothing is marked until the worker marks it: "normal" is a finding, not a default.
const emptyFindings = () => ({});
const markedOnly = (findings) => Object.fromEntries(Object.entries(findings ?? {}).filter(([, f]) => f?.status));

// The measures a concern calls for, offered first.
const MEASURE_FOR = {
  living: 'living_aid', health: 'medical', study: 'school_transfer', safety: 'referral', mental: 'psych_intervention',
};
function measureOptions(findings) {
  const suggested = new Set(Object.entries(findings ?? {})
    .filter(([, f]) => f?.status === 'concern').map(([area]) => MEASURE_FOR[area]).filter(Boolean));
  if (suggested.size) suggested.add('guardian_education');
  const order = [...MEASURES].sort((a, b) => Number(suggested.has(b)) - Number(suggested.has(a)));
  return order.map((m) => [m, suggested.has(m) ? `${valueLabel('measures', m)}${t('visit.suggested')}` : valueLabel('measures', m)]);
}

function Findings({ findings, onChange, errors, readOnly }) {
  const setArea = (area, patch) => onChange('findings', { ...findings, [area]: { ...findings[area], ...patch } });
  return html`<${Title}>${t('visit.findings')}</${Title}>
    <div class="weui-cells">
      ${FINDING_AREAS.map((area) => {
        const f = findings[area] ?? { status: null };
        const error = errors[`findings.${area}`];
        return html`<div key=${area} id=${`field-findings.${area}`} class=${`weui-cell hm-finding${error ? ' weui-cell_warn' : ''}`}>
          <div class="hm-finding__row">
            <span class="hm-finding__label">${valueLabel('finding_area', area)}</span>
            ${readOnly
              ? html`<span class=${`hm-finding__status hm-seg__btn--${f.status ?? 'none'}`}>${f.status ? valueLabel('finding_status', f.status) : t('visit.unmarked')}</span>`
              : html`<${Segmented} name=${area} value=${f.status}
                  options=${enumOptions('finding_status', FINDING_STATUSES)}
                  onChange=${(_, status) => setArea(area, { status })} />`}
          </div>
          ${(f.status === 'concern' || f.note) && (readOnly
            ? html`<p class="hm-row-sub">${f.note}</p>`
            : html`<input class="weui-input hm-finding__note" placeholder=${t('visit.note')} value=${f.note ?? ''}
                aria-label=${`${valueLabel('finding_area', area)} ${t('visit.note')}`}
                onInput=${(e) => setArea(area, { note: e.currentTarget.value })} />`)}
          ${error && html`<div class="hm-error" role="alert">${t(`err.${error}`)}</div>`}
        </div>`;
      })}
    </div>`;
}

export function VisitForm({ id, minorId }) {
  const { rules, user } = useAppState();
  const form = useRecordForm('visit', id, {
    defaults: { minor_id: minorId, visited_at: new Date().toISOString(), kind: 'home', findings: emptyFindings(), measures: [] },
    validate: (v) => validateVisit(v),
  });
  const mid = form.draft?.minor_id ?? minorId;
  const { data: minor } = useLive((db) => (mid ? db.get('minors', mid) : Promise.resolve(null)), [mid]);
  const { draft, set, errors } = form;
  const stateOf = useSyncStates();
  if (!draft) return null;

  const status = draft.review_status;
  const mine = !draft.visitor_id || draft.visitor_id === user?.id;
  const editable = !id || !status || (status === 'returned' && mine) || !draft._v;
  const grade = minor ? gradeOf(minor) : null;
  const due = dueFromVisit(rules, grade, draft.visited_at);

  async function submit() {
    const saved = await form.save((r) => ({ ...r, findings: markedOnly(r.findings) }));
    if (saved) navigate(`/minor/${saved.minor_id}`, { replace: true });
  }

  return html`<${Page} title=${id ? t('visit.view') : t('visit.title')} backable
    action=${editable ? submit : undefined} actionLabel=${t('visit.save')} actionDisabled=${form.busy}>
    ${id && html`<${RecordNotices} entity="visit" id=${id} />`}
    ${minor && html`<div class="hm-profile hm-profile--small">
      <div class="hm-profile__main"><h2>${minor.name}</h2>${id && html`<${SyncTag} state=${stateOf('visit', draft)} />`}</div>
      <div class="hm-profile__grade"><${GradeBadge} grade=${grade} suggested=${!minor.grade} /></div>
    </div>`}
    ${status === 'returned' && html`<div class="hm-banner hm-banner--warn">${t('visit.returned', { comment: draft.review_comment ?? '' })}</div>`}
    ${!editable && html`<p class="hm-hint hm-para">${t('visit.locked')}</p>`}
    <${Cells} form>
      ${editable ? html`
        <${TextField} name="visited_at" type="datetime-local" value=${toLocalInput(draft.visited_at)} required
          onChange=${(n, v) => set(n, fromLocalInput(v))} error=${errors.visited_at} />
        <${SelectField} name="kind" required value=${draft.kind} blank=${false}
          options=${enumOptions('visit_kind', VISIT_KINDS)} onChange=${set} error=${errors.kind} />`
      : html`
        <${InfoCell} label=${fieldLabel('visited_at')}>${formatDate(draft.visited_at, true)}</${InfoCell}>
        <${InfoCell} label=${fieldLabel('kind')}>${valueLabel('kind', draft.kind)}</${InfoCell}>`}
    </${Cells}>
    <${Findings} findings=${draft.findings ?? emptyFindings()} onChange=${set} errors=${errors} readOnly=${!editable} />
    ${editable
      ? html`<${CheckList} name="measures" title=${t('visit.measures')} values=${draft.measures}
          options=${measureOptions(draft.findings)} onChange=${set} />`
      : html`<${Title}>${t('visit.measures')}</${Title}><div class="hm-chips">
          ${(draft.measures ?? []).map((m) => html`<span class="hm-chip" key=${m}>${valueLabel('measures', m)}</span>`)}</div>`}
    <${Title}>${t('visit.summary')}</${Title}>
    <${Cells} form>
      ${editable
        ? html`<${TextArea} name="summary" bare value=${draft.summary} onChange=${set} rows=${4} error=${errors.summary}
            placeholder=${t('visit.summary_hint', { n: SUMMARY_MIN })} />`
        : html`<div class="weui-cell"><p>${draft.summary ?? ''}</p></div>`}
    </${Cells}>
    ${due && editable && html`<p class="hm-next-due">${t('visit.next_due', { grade: valueLabel('grade', grade), date: formatDate(localDay(due)) })}</p>`}
  </${Page}>`;
}
