// 冲突: edits that lost to a later one (or a delete that did not apply). Both values side by
// side with who wrote them and when; restore the one set aside, or dismiss (asks once).
import { html } from 'htm/preact';

import { parse } from '../../hlc.js';
import { describe, fieldLabel, formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { confirmDialog, useLive } from '../../state.js';
import { storeOf } from '../../db.js';
import { Page, Title } from '../ui.js';
import { Remote } from './common.js';

function hlcTime(hlc) {
  try {
    return new Date(parse(hlc).wall).toISOString();
  } catch {
    return null;
  }
}

// What the record is, in words, from the replica when this device holds it.
async function labels(db, conflicts) {
  const out = {};
  for (const c of conflicts) {
    let rec = null;
    try {
      rec = await db.get(storeOf(c.entity), c.record_id);
    } catch {
      rec = null;
    }
    if (!rec) continue;
    if (c.entity === 'minor') out[c.id] = rec.name;
    else if (c.entity === 'household') out[c.id] = `${rec.head_name ?? ''} · ${rec.address ?? ''}`;
    else if (c.entity === 'visit') out[c.id] = `${(await db.get('minors', rec.minor_id))?.name ?? ''} ${formatDate(rec.visited_at)}`;
    else if (c.entity === 'report') out[c.id] = valueLabel('report_kind', rec.kind);
  }
  return out;
}

const recordHref = (c) => (c.entity === 'minor' ? `#/minor/${c.record_id}` : c.entity === 'household'
  ? `#/household/${c.record_id}` : c.entity === 'visit' ? `#/visit/${c.record_id}` : null);

function Side({ kind, value, field, who, at, winner }) {
  return html`<div class=${`hm-side-value${winner ? ' hm-side-value--kept' : ' hm-side-value--lost'}`}>
    <p class="hm-side-value__tag">${t(winner ? 'conflicts.kept' : 'conflicts.discarded')}</p>
    <p class="hm-side-value__value">${kind === 'stale_delete' && !winner ? t('conflicts.delete') : field ? describe(field, value) : '—'}</p>
    <p class="hm-row-sub">${who ?? t('notice.someone')}${at ? ` · ${formatDate(at, true)}` : ''}</p>
  </div>`;
}

function ConflictItem({ c, label, onDone }) {
  const field = c.field ? fieldLabel(c.field) : t('conflicts.whole_record');
  async function resolve(how) {
    const ok = await confirmDialog({
      title: t(how === 'restore' ? 'conflicts.restore' : 'conflicts.dismiss'),
      body: t(how === 'restore' ? 'conflicts.restore_confirm' : 'conflicts.dismiss_confirm', { field }),
      ok: t(how === 'restore' ? 'conflicts.restore' : 'conflicts.dismiss'),
    });
    if (!ok) return;
    if (await act('POST', `/api/conflicts/${c.id}/${how}`, undefined, { done: t(`conflicts.done_${how}`) })) onDone();
  }
  const href = recordHref(c);
  return html`<div class="hm-card hm-conflict" data-conflict=${c.id}>
    <p class="hm-row-title">
      ${href ? html`<a class="hm-link" href=${href}>${label ?? valueLabel('entity', c.entity)}</a>` : label ?? valueLabel('entity', c.entity)}
      · <span class="hm-conflict__field">${field}</span>
    </p>
    <p class="hm-row-sub">${valueLabel('conflict_kind', c.kind)} · ${formatDate(c.created_at, true)}</p>
    <div class="hm-versus-values">
      <${Side} winner kind=${c.kind} field=${c.field} value=${c.kept_value} who=${c.kept_author_name} at=${hlcTime(c.kept_hlc)} />
      <${Side} kind=${c.kind} field=${c.field} value=${c.discarded_value} who=${c.discarded_author_name} at=${hlcTime(c.discarded_hlc)} />
    </div>
    <div class="hm-buttons">
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => resolve('dismiss')}>${t('conflicts.dismiss')}</button>
      <button type="button" class="weui-btn weui-btn_primary hm-btn-inline" onClick=${() => resolve('restore')}>${t('conflicts.restore')}</button>
    </div>
  </div>`;
}

export function Conflicts() {
  const remote = useRemote('/api/conflicts?status=open&page_size=100');
  const items = remote.data ?? [];
  const { data: names } = useLive((db) => labels(db, items), [items.map((c) => c.id).join()]);
  return html`<${Page} title=${t('nav.conflicts')} backable>
    <p class="hm-hint hm-para">${t('conflicts.intro')}</p>
    <${Remote} remote=${remote}>${(rows) => html`
      <${Title}>${t('conflicts.count', { n: rows.length })}</${Title}>
      ${rows.length === 0 && html`<div class="hm-empty"><p>${t('conflicts.empty')}</p></div>`}
      <div class="hm-card-list">${rows.map((c) => html`<${ConflictItem} key=${c.id} c=${c} label=${names?.[c.id]} onDone=${remote.reload} />`)}</div>`}
    </${Remote}>
  </${Page}>`;
}
