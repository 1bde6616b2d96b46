// A report's page: what was reported, the first-response timer, its steps (受理 → 转介 →
// 处置 → 结案, forward only), the referrals made of it with each unit's answers.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { setPrefill } from '../../prefill.js';
import { navigate } from '../../router.js';
import { confirmDialog } from '../../state.js';
import { Cells, InfoCell, Page, SearchBar, SelectField, Title } from '../ui.js';
import { Remote, ReasonField, useNow } from './common.js';
import { KindTitle, Timer } from './reports.js';
import { ReferralCard } from './referrals.js';
import { REPORT_STATUSES as STEPS, UNITS } from '../../sup/charts.js';

// The next step a supervisor takes from each status (referring has its own form).
const NEXT = { new: 'acknowledged', acknowledged: 'resolved', referred: 'resolved', resolved: 'closed' };

function Steps({ report }) {
  const at = STEPS.indexOf(report.status);
  const stamps = { new: report.reported_at, acknowledged: report.acknowledged_at, referred: report.referred_at,
    resolved: report.resolved_at, closed: report.closed_at };
  return html`<ol class="hm-steps hm-steps--report" aria-label=${t('cases.steps')}>
    ${STEPS.map((s, i) => html`<li key=${s} class=${i < at ? 'hm-steps__done' : i === at ? 'hm-steps__on' : ''}
      aria-current=${i === at ? 'step' : undefined}>
      <span>${i + 1}</span><div>${valueLabel('report_status', s)}${stamps[s] && html`<small>${formatDate(stamps[s], true)}</small>`}</div>
    </li>`)}
  </ol>`;
}

// A unit that has the case (and has not declined it) is not offered again: one case, one
// referral per unit, the automatic one to the police included.
function ReferForm({ report, referred, onDone }) {
  const [unit, setUnit] = useState(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function send() {
    if (!unit) return setError(t('cases.pick_unit'));
    if (!reason.trim()) return setError(t('cases.reason_required'));
    setBusy(true);
    const ok = await act('POST', '/api/referrals', { report_id: report.id, to_unit: unit, reason: reason.trim() }, {
      done: t('cases.referred', { unit: valueLabel('unit', unit) }),
      onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    setBusy(false);
    if (ok) onDone();
    return null;
  }
  return html`<div class="hm-refer">
    <${Cells} form>
      <${SelectField} name="to_unit" label=${t('cases.unit')} required value=${unit}
        options=${UNITS.filter((u) => !referred.has(u)).map((u) => [u, valueLabel('unit', u)])}
        onChange=${(_, v) => { setUnit(v); setError(null); }} />
    </${Cells}>
    <${ReasonField} id="refer-reason" label=${t('cases.refer_reason')} value=${reason} error=${error}
      placeholder=${t('cases.refer_hint')} onInput=${(v) => { setReason(v); setError(null); }} />
    <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${busy} onClick=${send}>${t('cases.refer')}</button></div>
  </div>`;
}

// The child as reported (a sentinel cannot see the registry): find the child's file and link
// it, or register the child (the survey opens with what the report says).
function LinkChild({ report, onLinked }) {
  const [q, setQ] = useState(report.child_name ?? '');
  const query = q.trim();
  const found = useRemote(query ? `/api/minors?q=${encodeURIComponent(query)}&page_size=10` : null);
  async function link(minor) {
    if (await act('PATCH', `/api/reports/${report.id}`, { minor_id: minor.id }, { done: t('cases.linked', { name: minor.name }) })) onLinked();
  }
  function register() {
    setPrefill({ report, name: report.child_name, school: report.child_class, address: report.place });
    navigate('/survey');
  }
  return html`<div class="hm-link-child">
    <p class="hm-hint hm-para">${t('cases.link_hint')}</p>
    <${SearchBar} id="link-search" value=${q} onInput=${setQ} placeholder=${t('cases.link_search')} />
    ${query && html`<${Remote} remote=${found}>${(rows) => html`<div class="weui-cells">
      ${rows.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('cases.link_none', { q: query })}</span></div>`}
      ${rows.map((m) => html`<div class="weui-cell" key=${m.id}>
        <div class="weui-cell__bd"><p class="hm-row-title">${m.name}</p>
          <p class="hm-row-sub">${[m.birth_date, m.school, m.household_address].filter(Boolean).join(' · ')}</p></div>
        <div class="weui-cell__ft"><button type="button" class="weui-btn weui-btn_primary weui-btn_mini hm-btn-touch"
          onClick=${() => link(m)}>${t('cases.link')}</button></div>
      </div>`)}
    </div>`}</${Remote}>`}
    <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${register}>${t('cases.register_child')}</button></div>
  </div>`;
}

const reportedChild = (r) => [r.child_name, r.child_age !== null && r.child_age !== undefined ? t('minor.age', { n: r.child_age }) : null, r.child_class]
  .filter(Boolean).join(' · ');

export function ReportPage({ id }) {
  const report = useRemote(`/api/reports/${id}`);
  const referrals = useRemote(`/api/referrals?report_id=${id}&page_size=50`);
  const now = useNow(1000);
  const [refer, setRefer] = useState(false);
  const reload = () => { report.reload(); referrals.reload(); setRefer(false); };

  async function step(status) {
    const irreversible = status === 'resolved' || status === 'closed';
    if (irreversible && !(await confirmDialog({ title: t(`cases.do_${status}`), body: t('cases.forward_only'), ok: t(`cases.do_${status}`) }))) return;
    if (await act('PATCH', `/api/reports/${id}`, { status }, { done: t(`cases.done_${status}`) })) reload();
  }

  const r = report.data;
  const next = r ? NEXT[r.status] : null;
  return html`<${Page} title=${t('cases.report')} backable action=${next ? () => step(next) : undefined}
    actionLabel=${next ? t(`cases.do_${next}`) : ''}>
    <${Remote} remote=${report}>${() => html`
      <div class=${`hm-profile hm-stripe--${r.mandatory || r.urgent ? 'red' : 'none'}`}>
        <div class="hm-profile__main">
          <h2 class="hm-report-title"><${KindTitle} report=${r} /></h2>
          <p class="hm-row-sub"><${Timer} report=${r} now=${now} /></p>
        </div>
        <span class=${`hm-status-tag hm-status-tag--${r.status}`}>${valueLabel('report_status', r.status)}</span>
      </div>
      <${Steps} report=${r} />
      <div class="weui-cells">
        <${InfoCell} label=${t('cases.source')}>${valueLabel('report_source', r.source)}${r.reporter_display_name ? ` · ${r.reporter_display_name}` : ''}</${InfoCell}>
        ${(r.reporter_name || r.reporter_phone) && html`<${InfoCell} label=${t('cases.caller')}>${r.reporter_name ?? ''}
          ${r.reporter_phone && html` <a href=${`tel:${r.reporter_phone}`}>${r.reporter_phone}</a>`}</${InfoCell}>`}
        <${InfoCell} label=${t('stats.area')}>${r.area_name ?? ''}</${InfoCell}>
        ${r.minor_id && html`<${InfoCell} label=${t('cases.minor')}><a class="hm-accent" href=${`#/minor/${r.minor_id}`}>${r.minor_name ?? t('review.profile')}</a></${InfoCell}>`}
        ${!r.minor_id && reportedChild(r) && html`<${InfoCell} label=${t('cases.minor')}>${reportedChild(r)}</${InfoCell}>`}
        ${r.place && html`<${InfoCell} label=${t('referrals.address')}>${r.place}</${InfoCell}>`}
        <${InfoCell} label=${t('cases.reported_at')}>${formatDate(r.reported_at, true)}</${InfoCell}>
        <${InfoCell} label=${t('cases.due')}>${formatDate(r.first_response_due, true)}</${InfoCell}>
      </div>
      <${Title}>${t('cases.description')}</${Title}>
      <div class="weui-cells"><div class="weui-cell"><p class="hm-pre">${r.description}</p></div></div>
      ${!r.minor_id && html`<${Title}>${t('cases.link_title')}</${Title}><${LinkChild} report=${r} onLinked=${reload} />`}
      <${Title}>${t('cases.referrals')}</${Title}>
      <${Remote} remote=${referrals}>${(rows) => html`
        ${rows.length === 0 && html`<p class="hm-hint hm-para">${t('cases.no_referrals')}</p>`}
        <div class="hm-card-list">${rows.map((x) => html`<${ReferralCard} key=${x.id} referral=${x} />`)}</div>`}
      </${Remote}>
      ${r.status !== 'closed' && r.status !== 'resolved' && html`
        ${!refer && html`<div class="hm-buttons"><button type="button" class="weui-btn weui-btn_default hm-btn-inline"
          onClick=${() => setRefer(true)}>${t('cases.refer_to_unit')}</button></div>`}
        ${refer && html`<${Title}>${t('cases.refer_to_unit')}</${Title}><${ReferForm} report=${r} onDone=${reload}
          referred=${new Set((referrals.data ?? []).filter((x) => x.status !== 'declined').map((x) => x.to_unit))} />`}`}`}
    </${Remote}>
  </${Page}>`;
}
