// 今日: the visits due within a week and overdue, red first, then the most urgent. Everything here is read from the phone.
import { html } from 'htm/preact';

import { countByGrade, dueList, GRADES } from '../classify.js';
import { formatDate, t, valueLabel } from '../i18n/index.js';
import { returnedVisits, unsettledVisits } from '../db.js';
import { dismissNotice } from '../outbox.js';
import { changed, getState, useAppState, useLive } from '../state.js';
import { Empty, GradeBadge, LinkCell, Page, Title } from './ui.js';

// Not every visit: the server's minors carry their last visit day, so only visits it has not
// confirmed yet can move a due day, and returned ones are found by id (issue 17: opening
// 5,000 sealed visits cost more than the whole screen's budget).
async function load(db) {
  const [minors, unsettled, returned, households, notices] = await Promise.all([
    db.getAll('minors'), unsettledVisits(db), returnedVisits(db), db.getAll('households'), db.getAll('notices'),
  ]);
  const moved = notices.filter((n) => n.kind === 'moved_away');
  return { minors: minors.filter((m) => !m._deleted), unsettled, returned, households, moved };
}

// Children who moved to another grid since the last look: their records left this phone.
function MovedAway({ notices }) {
  async function dismiss(id) {
    await dismissNotice(getState().db, id);
    await changed();
  }
  return notices.map((n) => html`<div key=${n.id} class="hm-banner hm-banner--warn hm-moved" role="status">
    <span>${t('notice.moved_away', { name: n.name })}</span>
    <button type="button" class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${() => dismiss(n.id)}>${t('notice.dismiss')}</button>
  </div>`);
}

// Visits a supervisor returned to me: to amend and resubmit (DESIGN §6).
function Returned({ visits, minors, user }) {
  const mine = visits.filter((v) => !v._deleted && (!user || v.visitor_id === user.id));
  if (mine.length === 0) return null;
  return html`<${Title}><span class="hm-overdue">${t('today.returned', { n: mine.length })}</span></${Title}>
    <div class="weui-cells hm-returned">
      ${mine.map((v) => html`<${LinkCell} key=${v.id} href=${`#/visit/${v.id}`} stripe="red"
        ft=${html`<span class="hm-review hm-review--returned">${valueLabel('review_status', 'returned')}</span>`}>
        <p class="hm-row-title">${minors.get(v.minor_id)?.name ?? ''} · ${formatDate(v.visited_at)}</p>
        <p class="hm-row-sub">${t('today.returned_why', { comment: v.review_comment ?? '' })}</p>
      </${LinkCell}>`)}
    </div>`;
}

function DueRow({ row, households }) {
  const { minor, days, due, grade } = row;
  const household = households.get(minor.household_id);
  const when = days < 0 ? t('today.days_overdue', { n: -days })
    : days === 0 ? t('today.due') : t('today.due_on', { date: formatDate(due) });
  return html`<${LinkCell} href=${`#/minor/${minor.id}`} stripe=${grade ?? 'none'}
    ft=${html`<${GradeBadge} grade=${grade} suggested=${!minor.grade && Boolean(grade)} />`}>
    <p class="hm-row-title">${minor.name}</p>
    <p class=${`hm-row-sub${days < 0 ? ' hm-overdue' : ''}`}>${when}${household ? ` · ${household.address}` : ''}</p>
  </${LinkCell}>`;
}

export function Today() {
  const { rules, status, user } = useAppState();
  const { data } = useLive(load);
  if (!data) return html`<${Page} title=${t('today.title')}><p class="hm-loading">${t('common.loading')}</p></${Page}>`;
  const rows = dueList(data.minors, data.unsettled, rules);
  const households = new Map(data.households.map((h) => [h.id, h]));
  const overdue = rows.filter((r) => r.days < 0).length;
  const dueToday = rows.filter((r) => r.days === 0).length;
  const counts = countByGrade(data.minors);
  return html`<${Page} title=${t('today.title')}>
    ${status.rejected > 0 && html`<a class="hm-banner hm-banner--error" href="#/me">${t('today.fix', { n: status.rejected })}</a>`}
    ${status.notices > 0 && html`<a class="hm-banner hm-banner--warn" href="#/me">${t('today.notices', { n: status.notices })}</a>`}
    <${MovedAway} notices=${data.moved} />
    <${Returned} visits=${data.returned} minors=${new Map(data.minors.map((m) => [m.id, m]))} user=${user} />
    <${Title}>${t('today.by_grade')}</${Title}>
    <div class="hm-grade-counts">
      ${GRADES.map((g) => html`<div class="hm-grade-count" key=${g}>
        <${GradeBadge} grade=${g} /><strong>${counts[g]}</strong>
      </div>`)}
    </div>
    ${rows.length === 0 && html`<${Empty} text=${t('today.empty')}>
      <a class="weui-btn weui-btn_default hm-btn-inline" href="#/households">${t('tab.households')}</a>
    </${Empty}>`}
    ${rows.length > 0 && html`<${Title}>
      ${t('today.to_visit')} · <span class="hm-overdue">${t('today.overdue')} ${overdue}</span> · ${t('today.due')} ${dueToday}
    </${Title}>
    <div class="weui-cells">${rows.map((row) => html`<${DueRow} key=${row.minor.id} row=${row} households=${households} />`)}</div>`}
  </${Page}>`;
}
