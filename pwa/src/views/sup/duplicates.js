// 重复档案: pairs of records that look like one child, side by side; keep one and merge the
// other into it, with a reason (asks once: the dropped record becomes a tombstone).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { fieldLabel, formatDate, listJoin, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { confirmDialog } from '../../state.js';
import { GradeBadge, Page, Title } from '../ui.js';
import { Remote, ReasonField } from './common.js';
import { shownGrade } from '../../sup/format.js';

const FIELDS = [
  ['name', (r) => r.name],
  ['gender', (r) => valueLabel('gender', r.gender)],
  ['birth_date', (r) => r.birth_date],
  ['id_number', (r) => r.id_number_masked ?? '—'],
  ['address', (r) => r.household_address ?? '—'],
  ['categories', (r) => listJoin((r.categories ?? []).map((c) => valueLabel('categories', c))) || '—'],
  ['visits', (r) => String(r.visit_count ?? 0)],
  ['created', (r) => `${r.created_by_name ?? ''} ${formatDate(r.created_at)}`],
];

// Keep the record with more history by default; the older one on a tie.
const defaultKeep = ([a, b]) => ((b.visit_count ?? 0) > (a.visit_count ?? 0) ? b.id : a.id);

function Pair({ pair, onDone }) {
  const [keep, setKeep] = useState(defaultKeep(pair.records));
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [a, b] = pair.records;
  const drop = keep === a.id ? b : a;
  async function merge() {
    if (!reason.trim()) return setError(t('dups.reason_required'));
    const kept = keep === a.id ? a : b;
    if (!(await confirmDialog({ title: t('dups.merge'), danger: true, ok: t('dups.merge'),
      body: t('dups.confirm', { drop: drop.name, keep: kept.name }) }))) return null;
    const ok = await act('POST', '/api/minors/merge', { keep, drop: drop.id, reason: reason.trim() }, {
      done: t('dups.done'), onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    if (ok) onDone();
    return null;
  }
  // Twins, or two children of one name: the pair leaves the list, the reason is kept.
  async function notOne() {
    if (!reason.trim()) return setError(t('dups.not_one_reason'));
    const ok = await act('POST', '/api/minors/duplicates/dismissals', { first: a.id, second: b.id, reason: reason.trim() }, {
      done: t('dups.dismissed'), onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    if (ok) onDone();
    return null;
  }
  return html`<div class="hm-card hm-dup">
    <p class="hm-row-sub">${t('dups.matched', { on: listJoin((pair.matched_on ?? []).map((m) => fieldLabel(m))) })}</p>
    <div class="hm-dup__grid" role="table">
      <div role="row" class="hm-dup__row hm-dup__row--head">
        <span role="columnheader"></span>
        ${pair.records.map((r) => html`<label role="columnheader" key=${r.id} class=${`hm-dup__pick${keep === r.id ? ' hm-dup__pick--on' : ''}`}>
          <input type="radio" name=${`keep-${a.id}-${b.id}`} checked=${keep === r.id} onChange=${() => setKeep(r.id)} />
          ${t(keep === r.id ? 'dups.keep' : 'dups.drop')} <${GradeBadge} ...${shownGrade(r)} />
        </label>`)}
      </div>
      ${FIELDS.map(([name, get]) => {
        const values = pair.records.map(get);
        return html`<div role="row" key=${name} class=${`hm-dup__row${values[0] !== values[1] ? ' hm-dup__row--diff' : ''}`}>
          <span role="rowheader">${t(`dups.f_${name}`)}</span>
          ${values.map((v, i) => html`<span role="cell" key=${i}>${v}</span>`)}
        </div>`;
      })}
    </div>
    <${ReasonField} id=${`merge-${a.id}`} label=${t('dups.reason')} value=${reason} error=${error}
      onInput=${(v) => { setReason(v); setError(null); }} />
    <div class="hm-buttons">
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${notOne}>${t('dups.not_one')}</button>
      <button type="button" class="weui-btn weui-btn_warn hm-btn-inline" onClick=${merge}>${t('dups.merge')}</button>
    </div>
  </div>`;
}

export function Duplicates() {
  const remote = useRemote('/api/minors/duplicates');
  return html`<${Page} title=${t('nav.duplicates')} backable>
    <p class="hm-hint hm-para">${t('dups.intro')}</p>
    <${Remote} remote=${remote}>${(pairs) => html`
      <${Title}>${t('dups.count', { n: pairs.length })}</${Title}>
      ${pairs.length === 0 && html`<div class="hm-empty"><p>${t('dups.empty')}</p></div>`}
      <div class="hm-card-list">${pairs.map((p) => html`<${Pair} key=${p.records.map((r) => r.id).join()} pair=${p} onDone=${remote.reload} />`)}</div>`}
    </${Remote}>
  </${Page}>`;
}
