// 个人档案: who the child is, why they are registered, their grade and its history, the
// measures (planned and moved on offline), the referrals to member units, and the visits.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { assess, categoryLabel, displayGrade, effectiveDue, localDay, reasonText, undecidedText } from '../classify.js';
import { listRecords, outboxFor } from '../db.js';
import { ageText, fieldLabel, formatDate, t, valueLabel } from '../i18n/index.js';
import { useLazy } from '../lazy.js';
import { isSupervisor } from '../roles.js';
import { navigate } from '../router.js';
import { useAppState, useLive } from '../state.js';
import { ChildMeasures, ChildReferrals } from './measure.js';
import { LiveAssessment } from './minor-form.js';
import { RecordNotices } from './notices.js';
import { SyncTag, useSyncStates } from './syncstate.js';
import { Empty, GradeBadge, InfoCell, LinkCell, Page, Title } from './ui.js';

async function load(db, id) {
  const minor = await db.get('minors', id);
  if (!minor) return null;
  const [visits, household, pending, measures, reports, referrals] = await Promise.all([
    listRecords(db, 'visit', 'minor_id', id),
    minor.household_id ? db.get('households', minor.household_id) : null,
    outboxFor(db, 'minor', id),
    listRecords(db, 'measure', 'minor_id', id),
    listRecords(db, 'report'),
    listRecords(db, 'referral'),
  ]);
  visits.sort((a, b) => String(b.visited_at).localeCompare(String(a.visited_at)));
  // A referral of a report that names the child is the child's too (the report may have been
  // linked to the file after it was referred).
  const reportIds = new Set(reports.filter((r) => r.minor_id === id).map((r) => r.id));
  const mine = referrals.filter((r) => r.minor_id === id || reportIds.has(r.report_id));
  return { minor, visits, household, pending, measures, referrals: mine };
}

const ageOf = (birth) => {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number);
  const now = new Date();
  return now.getFullYear() - y - (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? 1 : 0);
};

// The server's grade history when it sends one, else what this phone has seen.
function history(minor) {
  if (Array.isArray(minor.grade_history) && minor.grade_history.length) {
    return minor.grade_history.map((h) => ({
      grade: h.to_grade, reason: h.reason, at: h.changed_at, by: h.changed_by_name ?? null,
    }));
  }
  return minor._grades ?? [];
}

function measureCounts(visits) {
  const counts = new Map();
  for (const v of visits) for (const m of v.measures ?? []) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts.entries()];
}

const INFO = ['school_status', 'lives_with_parents', 'father_status', 'mother_status', 'caregiver', 'health', 'poverty', 'hukou'];

const VISITS_SHOWN = 10;

// A visit still on the phone is 未同步, not 待审核: the officer does not have it yet.
function VisitState({ visit, state }) {
  if (state === 'pending' || state === 'rejected' || state === 'conflict') return html`<${SyncTag} state=${state} />`;
  const review = visit.review_status ?? 'submitted';
  return html`<span class=${`hm-review hm-review--${review}`}>${valueLabel('review_status', review)}</span>`;
}

export function MinorProfile({ id }) {
  const { rules, user } = useAppState();
  const [allVisits, setAllVisits] = useState(false);
  const { data, loading } = useLive((db) => load(db, id), [id]);
  const stateOf = useSyncStates();
  // Supervisors also see a child this device does not hold (online).
  const online = useLazy('minor-online', () => import('./sup/minor-online.js'), isSupervisor(user));
  if (loading) return html`<${Page} title=${t('minor.title')} backable />`;
  if (!data && online) return html`<${online.OnlineMinor} id=${id} />`;
  if (!data) return html`<${Page} title=${t('minor.title')} backable><${Empty} text=${t('minor.not_found')} /></${Page}>`;
  const { minor, visits, household, pending, measures: planned, referrals } = data;
  const shown = displayGrade(minor, rules);
  const grade = shown.grade;
  const due = effectiveDue(minor, visits, rules);
  const age = ageOf(minor.birth_date);
  const measures = measureCounts(visits);
  const grades = history(minor);
  // Edits still on the phone: the categories are the live assessment's, as the bar above says
  // (the server's come with the next sync), so the page does not contradict itself.
  const live = pending.length > 0 ? assess(minor, rules) : null;
  const categories = live ? live.categories : minor.categories ?? [];
  return html`<${Page} title=${minor.name} backable
    action=${() => navigate(`/minor/${id}/visit/new`)} actionLabel=${t('minor.log_visit')}>
    <${RecordNotices} entity="minor" id=${id} />
    ${minor._removed && html`<div class="hm-banner hm-banner--warn">${t('minor.removed')}</div>`}
    <div class=${`hm-profile hm-stripe--${grade ?? 'none'}`}>
      <div class="hm-profile__main">
        <h2>${minor.name}</h2>
        <${SyncTag} state=${stateOf('minor', minor)} />
        <p class="hm-row-sub">${valueLabel('gender', minor.gender)}${age !== null ? ` · ${ageText(minor.birth_date)}` : ''}
          ${minor.id_number_masked ? ` · ${minor.id_number_masked}` : ''}</p>
        ${household && html`<a class="hm-row-sub hm-accent" href=${`#/household/${household.id}`}>${household.address}</a>`}
      </div>
      <div class="hm-profile__grade">
        <${GradeBadge} ...${shown} />
        ${shown.suggested && html`<small>${t('minor.suggested_pending', { grade: valueLabel('grade', grade) })}</small>`}
      </div>
    </div>
    ${pending.length > 0 && html`<${LiveAssessment} minor=${minor} />`}
    <${Title}>${t('minor.categories')}</${Title}>
    <div class="hm-chips">
      ${categories.length === 0 && html`<span class="hm-hint">${t('minor.no_category')}</span>`}
      ${categories.map((c) => html`<span class="hm-chip" key=${c}>${categoryLabel(c, rules)}</span>`)}
    </div>
    ${!live && undecidedText(minor, rules).map((text) => html`<p class="hm-missing" key=${text}>${text}</p>`)}
    ${!live && (minor.grade_reason || minor.category_reasons?.length) && html`<ul class="hm-reasons">
      ${minor.grade_reason && !grades.some((g) => g.reason === minor.grade_reason) && html`<li>${minor.grade_reason}</li>`}
      ${(minor.category_reasons ?? []).map((r, i) => html`<li key=${i}>${r.zh ? reasonText(r) : JSON.stringify(r)}</li>`)}
    </ul>`}
    <div class="weui-cells">
      <${InfoCell} label=${t('minor.next_due')}>${due ? formatDate(due) : live ? t('minor.due_after_sync') : '—'}</${InfoCell}>
      ${INFO.filter((f) => minor[f]).map((f) => html`<${InfoCell} key=${f} label=${fieldLabel(f)}>${valueLabel(f, minor[f])}</${InfoCell}>`)}
      <${LinkCell} href=${`#/minor/${id}/edit`}>${t('minor.edit')}</${LinkCell}>
    </div>
    <${Title}>${t('minor.grade_history')}</${Title}>
    <div class="weui-cells">
      ${grades.length === 0 && html`<div class="weui-cell"><span class="hm-hint">${t('minor.no_grade_history')}</span></div>`}
      ${[...grades].reverse().map((g, i) => html`<div class="weui-cell" key=${i}>
        <div class="weui-cell__hd"><${GradeBadge} grade=${g.grade} /></div>
        <div class="weui-cell__bd hm-pad-l">
          <p class="hm-row-sub">${g.reason ?? ''}</p>
          ${g.by && html`<p class="hm-row-sub hm-grade-by">${t('minor.grade_by', { name: g.by })}</p>`}
        </div>
        <div class="weui-cell__ft">${formatDate(g.at)}</div>
      </div>`)}
    </div>
    <${ChildMeasures} minorId=${id} measures=${planned} stateOf=${stateOf} />
    <${ChildReferrals} referrals=${referrals} />
    <${Title}>${t('minor.measures_in_visits')}</${Title}>
    <div class="hm-chips">
      ${measures.length === 0 && html`<span class="hm-hint">${t('minor.no_measures')}</span>`}
      ${measures.map(([m, n]) => html`<span class="hm-chip" key=${m}>${valueLabel('measures', m)} ×${n}</span>`)}
    </div>
    <${Title}>${t('minor.visits')} (${visits.length})</${Title}>
    ${visits.length === 0 && html`<${Empty} text=${t('minor.no_visits')} />`}
    <div class="weui-cells">
      ${(allVisits ? visits : visits.slice(0, VISITS_SHOWN)).map((v) => html`<${LinkCell} key=${v.id} href=${`#/visit/${v.id}`}
        ft=${html`<${VisitState} visit=${v} state=${stateOf('visit', v)} />`}>
        <p class="hm-row-title">${formatDate(localDay(v.visited_at))} · ${valueLabel('kind', v.kind)}</p>
        <p class="hm-row-sub">${v.summary ?? ''}</p>
      </${LinkCell}>`)}
      ${!allVisits && visits.length > VISITS_SHOWN && html`<button type="button" class="weui-cell hm-more"
        onClick=${() => setAllVisits(true)}>${t('minor.all_visits', { n: visits.length })}</button>`}
    </div>
  </${Page}>`;
}
