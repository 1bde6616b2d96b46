// 定级: children whose grade waits for a supervisor. The rules' suggestion beside the grade in
// force, with the rules' reasons; confirm the suggestion or set another grade, with a reason.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { categoryLabel, GRADES, undecidedText } from '../../classify.js';
import { t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { useAppState } from '../../state.js';
import { reasonOf, splitReasons } from '../../sup/format.js';
import { GradeBadge, Page, Title } from '../ui.js';
import { Remote, ReasonField } from './common.js';
import { Filters } from './filters.js';

function GradeItem({ minor, onDone }) {
  const { rules } = useAppState();
  const [open, setOpen] = useState(false);
  const [grade, setGrade] = useState(minor.grade_suggested ?? minor.grade ?? null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const { grade: gradeReasons, other } = splitReasons(minor.category_reasons);
  const override = grade !== minor.grade_suggested;

  async function submit() {
    if (!grade) return setError(t('grades.pick'));
    if (!reason.trim()) return setError(t('grades.reason_required'));
    setBusy(true);
    const ok = await act('POST', `/api/minors/${minor.id}/grade`, { grade, reason: reason.trim() }, {
      done: t('grades.done', { name: minor.name, grade: valueLabel('grade', grade) }),
      onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    setBusy(false);
    if (ok) onDone();
    return null;
  }

  return html`<div class=${`hm-card hm-grade-item hm-stripe--${minor.grade_suggested ?? 'none'}`} data-minor=${minor.id}>
    <div class="hm-grade-item__head">
      <div class="hm-grade-item__who">
        <a class="hm-row-title hm-link" href=${`#/minor/${minor.id}`}>${minor.name}</a>
        <p class="hm-row-sub">${minor.age != null ? t('minor.age', { n: minor.age }) : ''} · ${minor.household_address ?? ''}</p>
      </div>
      <dl class="hm-versus">
        <div><dt>${t('grades.suggested')}</dt><dd><${GradeBadge} grade=${minor.grade_suggested} suggested /></dd></div>
        <div><dt>${t('grades.current')}</dt><dd><${GradeBadge} grade=${minor.grade} /></dd></div>
      </dl>
    </div>
    ${(minor.categories ?? []).length > 0 && html`<div class="hm-chips hm-chips--tight">
      ${minor.categories.map((c) => html`<span class="hm-chip" key=${c}>${categoryLabel(c, rules)}</span>`)}</div>`}
    ${undecidedText(minor, rules).map((text) => html`<p class="hm-missing" key=${text}>${text}</p>`)}
    ${minor.grade && minor.grade_reason && html`<p class="hm-row-sub hm-grade-item__set">${t('grades.set_reason', { reason: minor.grade_reason })}</p>`}
    <ul class="hm-reasons">
      ${gradeReasons.map((r) => html`<li key=${r.code}><strong>${reasonOf(r)}</strong></li>`)}
      ${other.map((r) => html`<li key=${r.code}>${reasonOf(r)}</li>`)}
      ${gradeReasons.length + other.length === 0 && html`<li>${t('grades.no_reasons')}</li>`}
    </ul>
    ${!open && html`<div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" onClick=${() => setOpen(true)}>${t('grades.decide')}</button></div>`}
    ${open && html`<div class="hm-grade-form">
      <div class="hm-filter--grades" role="radiogroup" aria-label=${t('minor.grade')}>
        ${GRADES.map((g) => html`<button type="button" role="radio" key=${g} aria-checked=${grade === g}
          class=${`hm-gradepick${grade === g ? ' hm-gradepick--on' : ''}`} onClick=${() => { setGrade(g); setError(null); }}>
          <${GradeBadge} grade=${g} />${g === minor.grade_suggested ? html`<small>${t('grades.rule')}</small>` : ''}
        </button>`)}
      </div>
      <${ReasonField} id=${`reason-${minor.id}`} label=${override ? t('grades.reason_override') : t('grades.reason')} value=${reason}
        error=${error} placeholder=${t('grades.reason_hint')} onInput=${(text) => { setReason(text); setError(null); }} />
      <div class="hm-buttons">
        <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => setOpen(false)}>${t('common.cancel')}</button>
        <button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${busy} onClick=${submit}>
          ${override ? t('grades.override_to', { grade: valueLabel('grade', grade) }) : t('grades.confirm')}</button>
      </div>
    </div>`}
  </div>`;
}

export function GradeQueue({ query }) {
  const grade = query.get('grade');
  const remote = useRemote(`/api/minors/grade-queue?page_size=100${grade ? `&grade_suggested=${grade}` : ''}`);
  return html`<${Page} title=${t('nav.grades')} backable>
    <${Filters} route="/grades" query=${query} fields=${['grade']} />
    <${Remote} remote=${remote}>${(items) => html`
      <${Title}>${t('grades.count', { n: items.length })}</${Title}>
      ${items.length === 0 && html`<div class="hm-empty"><p>${t('grades.empty')}</p></div>`}
      <div class="hm-card-list">${items.map((m) => html`<${GradeItem} key=${`${m.id}-${m.version}`} minor=${m} onDone=${remote.reload} />`)}</div>`}
    </${Remote}>
  </${Page}>`;
}
