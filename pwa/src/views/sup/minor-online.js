// A child's profile for supervisors beyond the phone's replica: the measures (online), and,
// when this device does not hold the child (a street admin following a 预警), the record as the
// server has it (the read is audited there).
import { html } from 'htm/preact';

import { categoryLabel } from '../../classify.js';
import { ageText, fieldLabel, formatDate, t, valueLabel } from '../../i18n/index.js';
import { useRemote } from '../../online.js';
import { useAppState } from '../../state.js';
import { reasonOf, shownGrade } from '../../sup/format.js';
import { GradeBadge, InfoCell, Page, Title } from '../ui.js';
import { Remote } from './common.js';
import { MinorMeasures } from './measures.js';

export { MinorMeasures };

const INFO = ['school_status', 'lives_with_parents', 'father_status', 'mother_status', 'caregiver', 'health', 'poverty', 'hukou'];

export function OnlineMinor({ id }) {
  const { rules } = useAppState();
  const remote = useRemote(`/api/minors/${id}`);
  return html`<${Page} title=${remote.data?.name ?? t('minor.title')} backable>
    <${Remote} remote=${remote}>${(m) => html`
      <div class=${`hm-profile hm-stripe--${shownGrade(m).grade ?? 'none'}`}>
        <div class="hm-profile__main">
          <h2>${m.name}</h2>
          <p class="hm-row-sub">${valueLabel('gender', m.gender)} · ${ageText(m.birth_date)}${m.id_number_masked ? ` · ${m.id_number_masked}` : ''}</p>
          ${m.household_address && html`<p class="hm-row-sub">${m.household_address}</p>`}
        </div>
        <div class="hm-profile__grade"><${GradeBadge} ...${shownGrade(m)} /></div>
      </div>
      <${Title}>${t('minor.categories')}</${Title}>
      <div class="hm-chips">${(m.categories ?? []).map((c) => html`<span class="hm-chip" key=${c}>${categoryLabel(c, rules)}</span>`)}</div>
      <ul class="hm-reasons">${(m.category_reasons ?? []).map((r, i) => html`<li key=${i}>${reasonOf(r)}</li>`)}</ul>
      <div class="weui-cells">
        <${InfoCell} label=${t('minor.next_due')}>${m.next_visit_due ? formatDate(m.next_visit_due) : '—'}</${InfoCell}>
        ${INFO.filter((f) => m[f]).map((f) => html`<${InfoCell} key=${f} label=${fieldLabel(f)}>${valueLabel(f, m[f])}</${InfoCell}>`)}
      </div>
      <${MinorMeasures} minorId=${id} />`}
    </${Remote}>
  </${Page}>`;
}
