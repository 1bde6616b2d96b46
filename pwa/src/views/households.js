// 户籍: the households of my grid, searchable, and one household with its members.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { displayGrade, GRADES, undecidedText } from '../classify.js';
import { listRecords } from '../db.js';
import { fieldLabel, formatDate, t, valueLabel } from '../i18n/index.js';
import { navigate } from '../router.js';
import { matches, naturalCompare, searchText } from '../search.js';
import { useAppState, useLive } from '../state.js';
import { RecordNotices } from './notices.js';
import { SyncTag, useSyncStates } from './syncstate.js';
import { Empty, GradeBadge, InfoCell, LinkCell, Page, SearchBar, Title } from './ui.js';

const worst = (minors, rules) => minors.map((m) => displayGrade(m, rules).grade).filter(Boolean)
  .sort((a, b) => GRADES.indexOf(a) - GRADES.indexOf(b))[0] ?? null;

async function loadList(db) {
  const [households, minors, areas] = await Promise.all([
    listRecords(db, 'household'), listRecords(db, 'minor'), db.getAll('areas'),
  ]);
  const byHousehold = new Map();
  for (const m of minors) byHousehold.set(m.household_id, [...(byHousehold.get(m.household_id) ?? []), m]);
  const areaName = new Map(areas.map((a) => [a.id, a.name]));
  return households
    .map((h) => {
      const members = byHousehold.get(h.id) ?? [];
      const text = searchText({
        names: [h.head_name, ...members.map((m) => m.name)],
        texts: [h.address, h.phone],
        idTails: members.map((m) => m.id_number_masked?.slice(-4)),
      });
      return { h, minors: members, grid: areaName.get(h.grid_id), text };
    })
    .sort((a, b) => naturalCompare(a.h.address, b.h.address));
}

export function HouseholdList() {
  const { rules } = useAppState();
  const [q, setQ] = useState('');
  const { data } = useLive(loadList);
  const stateOf = useSyncStates();
  const rows = (data ?? []).filter((r) => matches(r.text, q));
  return html`<${Page} title=${t('hh.title')} action=${() => navigate('/survey')} actionLabel=${t('hh.new')}>
    <${SearchBar} value=${q} onInput=${setQ} placeholder=${t('hh.search')} />
    ${data && data.length === 0 && html`<${Empty} text=${t('hh.empty')} />`}
    ${data && data.length > 0 && rows.length === 0 && html`<${Empty} text=${t('hh.no_match', { q })} />`}
    <div class="weui-cells">
      ${rows.map(({ h, minors, grid }) => html`<${LinkCell} key=${h.id} href=${`#/household/${h.id}`}
        stripe=${worst(minors, rules) ?? 'none'} ft=${worst(minors, rules) && html`<${GradeBadge} grade=${worst(minors, rules)} />`}>
        <p class="hm-row-title">${h.head_name || t('common.unknown')}${h._removed ? ' ⚠' : ''}<${SyncTag} quiet state=${stateOf('household', h)} /></p>
        <p class="hm-row-sub">${h.address}${grid ? ` · ${grid}` : ''} · ${t('hh.minors_n', { n: minors.length })}</p>
      </${LinkCell}>`)}
    </div>
  </${Page}>`;
}

async function loadOne(db, id) {
  const h = await db.get('households', id);
  if (!h) return null;
  const [minors, pending, area] = await Promise.all([
    listRecords(db, 'minor', 'household_id', id),
    db.getAllFromIndex('outbox', 'record', ['household', id]),
    h.grid_id !== undefined && h.grid_id !== null ? db.get('areas', h.grid_id) : null,
  ]);
  return { h, minors, pending, area };
}

export function HouseholdPage({ id }) {
  const { rules } = useAppState();
  const { data, loading } = useLive((db) => loadOne(db, id), [id]);
  const stateOf = useSyncStates();
  if (loading) return html`<${Page} title=${t('hh.title')} backable />`;
  if (!data) return html`<${Page} title=${t('hh.title')} backable><${Empty} text=${t('hh.not_found')} /></${Page}>`;
  const { h, minors, area } = data;
  return html`<${Page} title=${h.head_name || t('hh.title')} backable
    action=${() => navigate(`/household/${id}/minor/new`)} actionLabel=${t('hh.add_member')}>
    <${RecordNotices} entity="household" id=${id} />
    <p class="hm-para hm-row-sub">${t('sync.label')}<${SyncTag} state=${stateOf('household', h)} /></p>
    ${h._removed && html`<div class="hm-banner hm-banner--warn">${t('minor.removed')}</div>`}
    <div class="weui-cells">
      <${InfoCell} label=${fieldLabel('address')}>${h.address}</${InfoCell}>
      <${InfoCell} label=${fieldLabel('grid_id')}>${area?.name ?? h.grid_id}</${InfoCell}>
      <${InfoCell} label=${fieldLabel('phone')}>${h.phone ? html`<a href=${`tel:${h.phone}`}>${h.phone}</a>` : t('common.unknown')}</${InfoCell}>
      ${h.surveyed_at && html`<${InfoCell} label=${fieldLabel('surveyed_at')}>${formatDate(h.surveyed_at)}</${InfoCell}>`}
      ${h.notes && html`<${InfoCell} label=${fieldLabel('notes')}>${h.notes}</${InfoCell}>`}
      <${LinkCell} href=${`#/survey/${id}`}>${t('hh.edit')}</${LinkCell}>
    </div>
    <${Title}>${t('hh.members')} (${minors.length})</${Title}>
    ${minors.length === 0 && html`<${Empty} text=${t('hh.no_members')} />`}
    <div class="weui-cells">
      ${minors.map((m) => html`<${LinkCell} key=${m.id} href=${`#/minor/${m.id}`}
        stripe=${displayGrade(m, rules).grade ?? 'none'} ft=${html`<${GradeBadge} ...${displayGrade(m, rules)} />`}>
        <p class="hm-row-title">${m.name}<${SyncTag} quiet state=${stateOf('minor', m)} /></p>
        <p class="hm-row-sub">${valueLabel('gender', m.gender)} · ${m.birth_date ?? ''}</p>
        ${undecidedText(m, rules).map((text) => html`<p class="hm-missing" key=${text}>${text}</p>`)}
      </${LinkCell}>`)}
    </div>
  </${Page}>`;
}
