// Filters of the supervisors' lists, kept in the route's query (#/review?grade=red) so that
// going back to the list keeps them. Area and worker choices are read once per login.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { GRADES } from '../../classify.js';
import { t } from '../../i18n/index.js';
import { apiGet } from '../../online.js';
import { navigate } from '../../router.js';
import { getState } from '../../state.js';
import { choices } from '../../sup/choices.js';
import { GradeBadge } from '../ui.js';

// "a=1&b=2" of the wanted keys that have a value.
export function queryString(query, keys) {
  const out = new URLSearchParams();
  for (const k of keys) {
    const v = query?.get(k);
    if (v !== null && v !== undefined && v !== '') out.set(k, v);
  }
  return out.toString();
}

// A choice list for this screen: the one shared per login (sup/choices.js), asked for on every
// mount, even when another screen already has it, and asked again while a read fails.
function useChoices(name, load, enabled = true) {
  const who = getState().user?.id ?? null;
  const [data, setData] = useState(() => choices.peek(who, name) ?? null);
  useEffect(() => {
    if (!enabled) return undefined;
    let alive = true;
    let timer = null;
    let attempts = 0;
    const ask = () => choices.load(who, name, load).then(
      (list) => { if (alive) setData(list); },
      () => {  // a moment without signal, or a busy server
        attempts += 1;
        if (alive) timer = setTimeout(ask, Math.min(1500 * attempts, 15_000));
      },
    );
    ask();
    return () => { alive = false; clearTimeout(timer); };
  }, [name, enabled, who]);
  return data ?? [];
}

const LEVEL_INDENT = { street: '', village: '', group: '　', grid: '　　' };

export const useAreas = () => useChoices('areas', () => apiGet('/api/areas'));
const useWorkers = (enabled) => useChoices('workers', async () => (await apiGet('/api/stats/workers')).workers.map((w) => w.user), enabled);

export function Filters({ route, query, fields }) {
  const areas = useAreas();
  const workers = useWorkers(fields.includes('visitor_id'));
  const set = (key, value) => {
    const next = new URLSearchParams(query);
    if (value === null || value === '' || value === undefined) next.delete(key);
    else next.set(key, String(value));
    const qs = next.toString();
    navigate(`${route}${qs ? `?${qs}` : ''}`, { replace: true });
  };
  const grade = query.get('grade');
  return html`<div class="hm-filters" role="search">
    ${fields.includes('area_id') && html`<label class="hm-filter">
      <span>${t('stats.area')}</span>
      <select class="hm-filter__input" value=${query.get('area_id') ?? ''} onChange=${(e) => set('area_id', e.currentTarget.value)}>
        <option value="">${t('filter.all')}</option>
        ${areas.filter((a) => a.level !== 'street').map((a) => html`<option key=${a.id} value=${String(a.id)}>${LEVEL_INDENT[a.level] ?? ''}${a.name}</option>`)}
      </select>
    </label>`}
    ${fields.includes('visitor_id') && html`<label class="hm-filter">
      <span>${t('review.visitor')}</span>
      <select class="hm-filter__input" value=${query.get('visitor_id') ?? ''} onChange=${(e) => set('visitor_id', e.currentTarget.value)}>
        <option value="">${t('filter.all')}</option>
        ${workers.map((w) => html`<option key=${w.id} value=${String(w.id)}>${w.display_name}</option>`)}
      </select>
    </label>`}
    ${fields.includes('age') && html`<div class="hm-filter hm-filter--age">
      <span>${t('filter.age')}</span>
      <input class="hm-filter__input" type="number" min="0" max="25" inputmode="numeric" aria-label=${t('filter.min_age')}
        value=${query.get('min_age') ?? ''} onChange=${(e) => set('min_age', e.currentTarget.value)} />
      <span>–</span>
      <input class="hm-filter__input" type="number" min="0" max="25" inputmode="numeric" aria-label=${t('filter.max_age')}
        value=${query.get('max_age') ?? ''} onChange=${(e) => set('max_age', e.currentTarget.value)} />
    </div>`}
    ${fields.includes('grade') && html`<div class="hm-filter hm-filter--grades" role="group" aria-label=${t('minor.grade')}>
      ${GRADES.map((g) => html`<button type="button" key=${g} aria-pressed=${grade === g}
        class=${`hm-gradepick${grade === g ? ' hm-gradepick--on' : ''}`} onClick=${() => set('grade', grade === g ? null : g)}>
        <${GradeBadge} grade=${g} />
      </button>`)}
    </div>`}
  </div>`;
}
