// 报告: reports of my area, urgent and mandatory first, each with a live timer until its
// first response (red once past the limit); the referrals sent to member units; the 预警 of red
// children without a measure. The street admin logs hotline calls here (source: hotline).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { navigate } from '../../router.js';
import { MANDATORY_KINDS, OTHER_KINDS } from '../../schema.js';
import { useAppState } from '../../state.js';
import { isAdmin } from '../../roles.js';
import { fieldErrors, slaState, slaText, sortReports } from '../../sup/format.js';
import { Cells, Page, SearchBar, SelectField, TextArea, TextField, Title, enumOptions } from '../ui.js';
import { Remote, useNow, useTyped } from './common.js';
import { FlagList } from './measures.js';
import { ReferralRow } from './referrals.js';

export function Timer({ report, now }) {
  const s = slaState(report, now);
  return html`<span class=${`hm-timer hm-timer--${s.state}${s.late ? ' hm-timer--late' : ''}`} role="timer">${slaText(report, now)}</span>`;
}

export function KindTitle({ report }) {
  return html`${report.mandatory && html`<span class="hm-tag-mandatory">${t('report.mandatory')}</span>`}
    ${!report.mandatory && report.urgent && html`<span class="hm-tag-urgent">${t('cases.urgent')}</span>`}
    ${valueLabel('report_kind', report.kind)}`;
}

export function ReportRow({ report, now }) {
  const stripe = report.mandatory || report.urgent ? 'red' : 'none';
  return html`<a class=${`weui-cell weui-cell_access hm-link hm-report-row hm-stripe--${stripe}`} href=${`#/reports/${report.id}`} data-report=${report.id}>
    <div class="weui-cell__bd">
      <p class="hm-row-title"><${KindTitle} report=${report} /></p>
      <p class="hm-row-sub">${report.child_name ? `${report.child_name} · ` : ''}${report.area_name ?? ''} · ${valueLabel('report_source', report.source)} · ${formatDate(report.reported_at, true)}</p>
      <p class="hm-row-sub"><${Timer} report=${report} now=${now} /></p>
    </div>
    <div class="weui-cell__ft"><span class=${`hm-status-tag hm-status-tag--${report.status}`}>${valueLabel('report_status', report.status)}</span></div>
  </a>`;
}

const TABS = ['reports', 'referrals', 'flags'];

function ReportList({ scope }) {
  const typed = useTyped();
  const remote = useRemote(`/api/reports?page_size=100${scope === 'open' ? '&open=true' : ''}${typed.param}`);
  const now = useNow(1000);
  return html`<${SearchBar} id="search-reports" value=${typed.text} onInput=${typed.setText} placeholder=${t('cases.search')} />
  <${Remote} remote=${remote}>${(rows) => html`
    ${rows.length === 0 && html`<div class="hm-empty"><p>${typed.param ? t('hh.no_match', { q: typed.text }) : t('cases.empty')}</p></div>`}
    <div class="weui-cells">${sortReports(rows).map((r) => html`<${ReportRow} key=${r.id} report=${r} now=${now} />`)}</div>`}
  </${Remote}>`;
}

function ReferralList() {
  const typed = useTyped();
  const remote = useRemote(`/api/referrals?page_size=100${typed.param}`);
  return html`<${SearchBar} id="search-referrals" value=${typed.text} onInput=${typed.setText} placeholder=${t('cases.search')} />
  <${Remote} remote=${remote}>${(rows) => html`
    ${rows.length === 0 && html`<div class="hm-empty"><p>${typed.param ? t('hh.no_match', { q: typed.text }) : t('referrals.empty_sent')}</p></div>`}
    <div class="weui-cells">${rows.map((r) => html`<${ReferralRow} key=${r.id} referral=${r} />`)}</div>`}
  </${Remote}>`;
}

export function Cases({ query }) {
  const { user } = useAppState();
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'reports';
  const scope = query.get('scope') === 'all' ? 'all' : 'open';
  const go = (patch) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) next.set(k, v);
    navigate(`/cases?${next}`, { replace: true });
  };
  const admin = isAdmin(user);
  return html`<${Page} title=${t('nav.cases')} backable
    action=${() => navigate(admin ? '/cases/new' : '/report/new')} actionLabel=${admin ? t('cases.hotline') : t('report.new')}>
    <div class="hm-seg hm-seg--tabs" role="tablist">
      ${TABS.map((name) => html`<button type="button" role="tab" key=${name} aria-selected=${tab === name}
        class=${`hm-seg__btn${tab === name ? ' hm-seg__btn--on hm-seg__btn--ok' : ''}`} onClick=${() => go({ tab: name })}>${t(`cases.tab_${name}`)}</button>`)}
    </div>
    ${tab === 'reports' && html`
      <div class="hm-filters">
        <label class="hm-filter hm-filter--check"><input type="checkbox" checked=${scope === 'all'}
          onChange=${(e) => go({ scope: e.currentTarget.checked ? 'all' : 'open' })} /> ${t('cases.show_closed')}</label>
        ${!admin && html`<a class="hm-linkbtn" href="#/reports">${t('report.list')}</a>`}
      </div>
      <${ReportList} scope=${scope} key=${scope} />`}
    ${tab === 'referrals' && html`<${ReferralList} />`}
    ${tab === 'flags' && html`<${FlagList} />`}
  </${Page}>`;
}

const SOURCES_BY_ROLE = { street_admin: ['hotline', 'community', 'family', 'school', 'social_org', 'legal_unit', 'grid_worker'] };

// 热线登记: a call to the 12355 hotline (or a walk-in) entered by the street; online.
export function HotlineForm() {
  const { user } = useAppState();
  const areas = useRemote('/api/reports/areas');
  const [draft, setDraft] = useState({ source: 'hotline', kind: null, area_id: null, description: '', reporter_name: '', reporter_phone: '', urgent: false });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setErrors({ ...errors, [name]: null }); };
  const mandatory = MANDATORY_KINDS.includes(draft.kind);

  async function submit() {
    const missing = {};
    for (const f of ['kind', 'area_id', 'description']) if (!draft[f] || (typeof draft[f] === 'string' && !draft[f].trim())) missing[f] = 'required';
    if (Object.keys(missing).length) return setErrors(missing);
    setBusy(true);
    const body = { ...draft, urgent: draft.urgent || mandatory, reporter_name: draft.reporter_name || null, reporter_phone: draft.reporter_phone || null };
    const saved = await act('POST', '/api/reports', body, {
      done: t('cases.filed'),
      onError: (err) => setErrors(Object.fromEntries(Object.entries(fieldErrors(err.body)).map(([k, v]) => [k, `!${v}`]))),
    });
    setBusy(false);
    if (saved?.id) navigate(`/reports/${saved.id}`, { replace: true });
    return null;
  }

  const kinds = [...MANDATORY_KINDS, ...OTHER_KINDS];
  return html`<${Page} title=${t('cases.hotline')} backable action=${submit} actionLabel=${t('report.submit')} actionDisabled=${busy} danger>
    ${mandatory && html`<div class="hm-banner hm-banner--error">${t('report.mandatory_hint')}</div>`}
    <${Remote} remote=${areas}>${(list) => html`<${Cells} form>
      <${SelectField} name="source" label=${t('cases.source')} value=${draft.source} blank=${false}
        options=${enumOptions('report_source', SOURCES_BY_ROLE[user?.role] ?? ['grid_worker'])} onChange=${set} />
      <${SelectField} name="kind" label=${t('cases.kind')} required value=${draft.kind} error=${errors.kind}
        options=${kinds.map((k) => [k, `${MANDATORY_KINDS.includes(k) ? `【${t('report.mandatory')}】` : ''}${valueLabel('report_kind', k)}`])} onChange=${set} />
      <${SelectField} name="area_id" required value=${draft.area_id} error=${errors.area_id}
        options=${list.map((a) => [a.id, a.name])} onChange=${set} />
      <${SelectField} name="urgent" value=${draft.urgent || mandatory} blank=${false}
        options=${[[false, t('common.no')], [true, t('common.yes')]]} onChange=${set} />
      <${TextField} name="reporter_name" label=${t('cases.caller')} value=${draft.reporter_name} onChange=${set} error=${errors.reporter_name} />
      <${TextField} name="reporter_phone" type="tel" label=${t('cases.caller_phone')} value=${draft.reporter_phone} onChange=${set} error=${errors.reporter_phone} />
      <${TextArea} name="description" value=${draft.description} onChange=${set} error=${errors.description} rows=${5} />
    </${Cells}>`}</${Remote}>
    <${Title}>${t('cases.hotline_hint')}</${Title}>
  </${Page}>`;
}
