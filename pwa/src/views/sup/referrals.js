// 转介: a case sent to a member unit. The unit's liaison sees the minimum of the case and answers
// step by step (accept; progress notes; done with the outcome; or decline with the reason);
// the supervisor who sent it follows every step.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { confirmDialog, useAppState } from '../../state.js';
import { serverText } from '../../sup/format.js';
import { InfoCell, Page, SearchBar, Title } from '../ui.js';
import { Remote, ReasonField } from './common.js';

export const statusTag = (status) => html`<span class=${`hm-status-tag hm-status-tag--${status}`}>${valueLabel('referral_status', status)}</span>`;

// The child as the unit may know it: name, gender, age, school and class (whichever are known).
export function childLine(minor) {
  if (!minor) return null;
  return [
    minor.name ?? t('referrals.child_unnamed'),
    minor.gender ? valueLabel('gender', minor.gender) : null,
    minor.age !== null && minor.age !== undefined ? t('minor.age', { n: minor.age }) : null,
    minor.school_class,
  ].filter(Boolean).join(' · ');
}

function caseLine(r) {
  const c = r.case ?? {};
  return [childLine(c.minor), c.village, c.report ? valueLabel('report_kind', c.report.kind) : null].filter(Boolean).join(' · ');
}

export function ReferralRow({ referral: r }) {
  return html`<a class="weui-cell weui-cell_access hm-link" href=${`#/referrals/${r.id}`} data-referral=${r.id}>
    <div class="weui-cell__bd">
      <p class="hm-row-title">${valueLabel('unit', r.to_unit)} · ${caseLine(r)}</p>
      <p class="hm-row-sub">${serverText(r.sent_by_name)} · ${formatDate(r.sent_at, true)}</p>
    </div>
    <div class="weui-cell__ft">${statusTag(r.status)}</div>
  </a>`;
}

// Every step, oldest first; the case's own times (reported, first response) before them. The
// sending step's note is the referral's reason, which the card already prints.
export function Events({ id, report }) {
  const events = useRemote(`/api/referrals/${id}/events`);
  return html`<${Remote} remote=${events}>${(rows) => html`<ol class="hm-timeline">
    ${report?.reported_at && html`<li class="hm-timeline__item hm-timeline--reported">
      <p><strong>${t('cases.reported_at')}</strong> · ${formatDate(report.reported_at, true)}</p></li>`}
    ${report?.acknowledged_at && html`<li class="hm-timeline__item hm-timeline--acknowledged">
      <p><strong>${valueLabel('report_status', 'acknowledged')}</strong> · ${formatDate(report.acknowledged_at, true)}</p></li>`}
    ${rows.map((e) => html`<li key=${e.id} class=${`hm-timeline__item hm-timeline--${e.to_status}`}>
      <p><strong>${valueLabel('referral_status', e.to_status)}</strong> · ${e.by_name ?? t('referrals.system')} · ${formatDate(e.at, true)}</p>
      ${e.note && e.to_status !== 'sent' && html`<p class="hm-row-sub hm-pre">${serverText(e.note)}</p>`}
    </li>`)}
  </ol>`}</${Remote}>`;
}

// Who reported the case and how to reach them: the unit calls back before it goes out.
function Reporter({ reporter }) {
  if (!reporter) return null;
  const who = [valueLabel('report_source', reporter.source), serverText(reporter.name), reporter.contact_name]
    .filter(Boolean).join(' · ');
  return html`<${InfoCell} label=${t('cases.caller')}>${who}
    ${reporter.phone && html` · <a class="hm-accent" href=${`tel:${reporter.phone}`}>${reporter.phone}</a>`}</${InfoCell}>`;
}

// On a report's page: one referral and its history.
export function ReferralCard({ referral: r }) {
  return html`<div class="hm-card hm-referral" data-referral=${r.id}>
    <p class="hm-row-title">${valueLabel('unit', r.to_unit)} ${statusTag(r.status)}${r.automatic ? html` <small class="hm-hint">${t('referrals.automatic')}</small>` : ''}</p>
    <p class="hm-row-sub">${serverText(r.reason)}</p>
    ${r.response && html`<p class="hm-row-sub"><strong>${t('referrals.response')}:</strong> ${r.response}</p>`}
    <${Events} id=${r.id} />
  </div>`;
}

// What a liaison may do next, and whether the step needs a note (the server's rules).
const NEXT = { sent: ['accepted', 'declined'], accepted: ['in_progress', 'done', 'declined'], in_progress: ['in_progress', 'done'] };
const NOTE = { in_progress: 'referrals.note_progress', done: 'referrals.note_done', declined: 'referrals.note_declined' };

function Respond({ referral, onDone }) {
  const [step, setStep] = useState(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const choices = NEXT[referral.status] ?? [];
  if (!choices.length) return null;

  async function send(status) {
    if (NOTE[status] && !note.trim()) {
      setError(t('referrals.note_required'));
      return;
    }
    if (status === 'declined' && !(await confirmDialog({ title: t('referrals.do_declined'), body: t('referrals.decline_confirm'), danger: true, ok: t('referrals.do_declined') }))) return;
    setBusy(true);
    const ok = await act('PATCH', `/api/referrals/${referral.id}`, { status, response: note.trim() || null }, {
      done: t(`referrals.done_${status}`),
      onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    setBusy(false);
    if (ok) { setStep(null); setNote(''); onDone(); }
  }

  return html`<div class="hm-respond">
    <div class="hm-buttons">${choices.map((s) => html`<button type="button" key=${s}
      class=${`weui-btn hm-btn-inline ${s === 'declined' ? 'weui-btn_warn' : s === choices[0] ? 'weui-btn_primary' : 'weui-btn_default'}`}
      aria-pressed=${step === s} disabled=${busy}
      onClick=${() => (NOTE[s] ? (setStep(s), setError(null)) : send(s))}>${t(`referrals.do_${s}`)}</button>`)}</div>
    ${step && html`<${ReasonField} id="referral-note" label=${t(NOTE[step])} value=${note} error=${error}
      onInput=${(v) => { setNote(v); setError(null); }} />
      <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${busy}
        onClick=${() => send(step)}>${t('referrals.send', { step: t(`referrals.do_${step}`) })}</button></div>`}
  </div>`;
}

export function ReferralPage({ id }) {
  const { user } = useAppState();
  const remote = useRemote(`/api/referrals/${id}`);
  const [tick, setTick] = useState(0);
  const liaison = user?.role === 'unit_liaison';
  return html`<${Page} title=${t('referrals.title')} backable>
    <${Remote} remote=${remote}>${(r) => html`
      <div class="hm-profile">
        <div class="hm-profile__main"><h2>${valueLabel('unit', r.to_unit)}</h2>
          <p class="hm-row-sub">${serverText(r.sent_by_name)} · ${formatDate(r.sent_at, true)}</p></div>
        ${statusTag(r.status)}
      </div>
      <${Title}>${t('referrals.case')}</${Title}>
      <div class="weui-cells hm-case">
        ${r.case?.minor && html`<${InfoCell} label=${t('cases.minor')}>${childLine(r.case.minor)}</${InfoCell}>`}
        ${(r.case?.area || r.case?.village) && html`<${InfoCell} label=${t('referrals.area')}>${r.case.area ?? r.case.village}</${InfoCell}>`}
        ${r.case?.address && html`<${InfoCell} label=${t('referrals.address')}>${r.case.address}</${InfoCell}>`}
        ${r.case?.report && html`<${InfoCell} label=${t('cases.kind')}>${r.case.report.mandatory ? `【${t('report.mandatory')}】` : ''}${valueLabel('report_kind', r.case.report.kind)}</${InfoCell}>
          <${InfoCell} label=${t('cases.reported_at')}>${formatDate(r.case.report.reported_at, true)}</${InfoCell}>
          <${Reporter} reporter=${r.case.report.reporter} />
          <${InfoCell} label=${t('cases.description')}><span class="hm-pre">${r.case.report.description}</span></${InfoCell}>`}
        <${InfoCell} label=${t('referrals.reason')}><span class="hm-pre">${serverText(r.reason)}</span></${InfoCell}>
        ${!liaison && r.report_id && html`<${InfoCell} label=${t('cases.report')}><a class="hm-accent" href=${`#/reports/${r.report_id}`}>${t('referrals.open_report')}</a></${InfoCell}>`}
      </div>
      ${liaison && html`<${Title}>${t('referrals.answer')}</${Title}><${Respond} referral=${r} onDone=${() => { remote.reload(); setTick(tick + 1); }} />`}
      <${Title}>${t('referrals.history')}</${Title}>
      <${Events} id=${r.id} report=${r.case?.report} key=${`${r.status}-${tick}`} />`}
    </${Remote}>
  </${Page}>`;
}

// A liaison's first screen: the referrals sent to her unit, open ones first.
export function LiaisonReferrals({ query }) {
  const status = query.get('status');
  const [q, setQ] = useState('');
  const param = q.trim() ? `&q=${encodeURIComponent(q.trim())}` : '';
  const remote = useRemote(`/api/referrals?page_size=100${status ? `&status=${status}` : ''}${param}`);
  return html`<${Page} title=${t('referrals.mine')}>
    <${SearchBar} id="search-referrals" value=${q} onInput=${setQ} placeholder=${t('cases.search')} />
    <${Remote} remote=${remote}>${(rows) => html`
      ${rows.length === 0 && html`<div class="hm-empty"><p>${t('referrals.empty')}</p></div>`}
      <div class="weui-cells">${rows.map((r) => html`<${ReferralRow} key=${r.id} referral=${r} />`)}</div>`}
    </${Remote}>
  </${Page}>`;
}
