// 审核: the queue of submitted visits (red children first, then the longest waiting), with
// filters; a visit's page with its findings, measures and summary, approve or return with a
// comment (required), and the decision history.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { FINDING_AREAS } from '../../schema.js';
import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { act, apiGet, countOf, useRemote } from '../../online.js';
import { navigate } from '../../router.js';
import { getState, useLive } from '../../state.js';
import { ageOf, shownGrade, waitingText } from '../../sup/format.js';
import { GradeBadge, InfoCell, Page, SearchBar, Title } from '../ui.js';
import { Remote, ReasonField, useNow, useTyped } from './common.js';
import { Filters, queryString } from './filters.js';

// Queue items are kept for the visit's page: the child's name and age come with them.
const seen = new Map();

export function ReviewQueue({ query }) {
  const typed = useTyped();
  const filters = queryString(query, ['area_id', 'visitor_id', 'grade', 'min_age', 'max_age']);
  // The server searches the whole queue (name, pinyin initials, address, ID tail), not the page.
  const params = [filters, typed.q && `q=${encodeURIComponent(typed.q)}`].filter(Boolean).join('&');
  const remote = useRemote(`/api/visits/review-queue?page_size=100${params ? `&${params}` : ''}`, []);
  // The queue shows 100 at a time; the count is the server's total (X-Pagination), not the page's.
  const [total, setTotal] = useState(null);
  useEffect(() => {
    let alive = true;
    countOf(`/api/visits/review-queue${params ? `?${params}` : ''}`).then((n) => alive && setTotal(n));
    return () => { alive = false; };
  }, [params, remote.data]);
  const now = useNow(30_000);
  return html`<${Page} title=${t('nav.review')} backable>
    <${Filters} route="/review" query=${query} fields=${['area_id', 'visitor_id', 'grade', 'age']} />
    <${SearchBar} id="search-review" value=${typed.text} onInput=${typed.setText} placeholder=${t('review.search')} />
    <${Remote} remote=${remote}>${(items) => {
      for (const item of items) seen.set(item.id, item);
      const n = Math.max(total ?? 0, items.length);
      return html`<${Title}>${t('review.count', { n })}${n > items.length ? ` · ${t('review.shown', { n: items.length })}` : ''}</${Title}>
        ${items.length === 0 && html`<div class="hm-empty"><p>${typed.q ? t('hh.no_match', { q: typed.q }) : t(filters ? 'review.empty_filtered' : 'review.empty')}</p></div>`}
        <div class="weui-cells">${items.map((v) => {
          const g = shownGrade(v.minor);
          return html`<a key=${v.id} class=${`weui-cell weui-cell_access hm-link hm-stripe--${g.grade ?? 'none'}`} href=${`#/review/${v.id}`}>
            <div class="weui-cell__bd">
              <p class="hm-row-title">${v.minor?.name ?? '—'} <small class="hm-row-sub">${v.minor?.age != null ? t('minor.age', { n: v.minor.age }) : ''}</small></p>
              <p class="hm-row-sub">${v.visitor?.display_name ?? ''} · ${v.area?.name ?? ''} · ${formatDate(v.visited_at)} ${valueLabel('kind', v.kind)}</p>
              <p class="hm-row-sub hm-wait">${waitingText(v.waiting_since ?? v.updated_at, now)}</p>
            </div>
            <div class="weui-cell__ft"><${GradeBadge} ...${g} /></div>
          </a>`;
        })}</div>`;
    }}</${Remote}>
  </${Page}>`;
}

function Findings({ findings }) {
  return html`<div class="weui-cells">${FINDING_AREAS.map((area) => {
    const f = findings?.[area] ?? { status: 'ok' };
    return html`<div class="weui-cell hm-finding" key=${area}>
      <div class="hm-finding__row">
        <span class="hm-finding__label">${valueLabel('finding_area', area)}</span>
        <span class=${`hm-finding__status hm-seg__btn--on hm-seg__btn--${f.status}`}>${valueLabel('finding_status', f.status)}</span>
      </div>
      ${f.note && html`<p class="hm-row-sub">${f.note}</p>`}
    </div>`;
  })}</div>`;
}

export function History({ decisions }) {
  if (!decisions?.length) return html`<p class="hm-hint hm-para">${t('review.no_history')}</p>`;
  return html`<ol class="hm-timeline">${decisions.map((d) => html`<li key=${d.id} class=${`hm-timeline__item hm-timeline--${d.decision}`}>
    <p><strong>${valueLabel('decision', d.decision)}</strong> · ${d.decided_by_name ?? ''} · ${formatDate(d.decided_at, true)}</p>
    ${d.comment && html`<p class="hm-row-sub">${d.comment}</p>`}
  </li>`)}</ol>`;
}

// The child of a visit: from the queue, else the replica, else the server.
async function minorOf(visit) {
  const queued = seen.get(visit.id)?.minor;
  if (queued) return queued;
  const local = await getState().db.get('minors', visit.minor_id);
  if (local) return local;
  return apiGet(`/api/minors/${visit.minor_id}`).catch(() => null);
}

export function ReviewVisit({ id }) {
  const visit = useRemote(`/api/visits/${id}`);
  const history = useRemote(`/api/visits/${id}/reviews`);
  const { data: minor } = useLive(() => (visit.data ? minorOf(visit.data) : Promise.resolve(null)), [visit.data?.id]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const queued = seen.get(id);

  async function decide(status) {
    if (status === 'returned' && !comment.trim()) {
      setError(t('review.comment_required'));
      document.getElementById('in-comment')?.focus();
      return;
    }
    setBusy(true);
    const body = { review_status: status, review_comment: comment.trim() || null };
    const done = await act('PATCH', `/api/visits/${id}`, body, {
      done: t(status === 'approved' ? 'review.done_approved' : 'review.done_returned'),
      onError: (err) => setError(Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message),
    });
    setBusy(false);
    if (done) {
      seen.delete(id);
      navigate('/review', { replace: true });
    }
  }

  const v = visit.data;
  const open = v?.review_status === 'submitted';
  return html`<${Page} title=${t('review.title')} backable action=${open ? () => decide('approved') : undefined}
    actionLabel=${t('review.approve')} actionDisabled=${busy}>
    <${Remote} remote=${visit}>${() => html`
      <div class=${`hm-profile hm-stripe--${shownGrade(minor).grade ?? 'none'}`}>
        <div class="hm-profile__main">
          <h2>${minor?.name ?? '…'}</h2>
          <p class="hm-row-sub">${minor ? `${valueLabel('gender', minor.gender)} · ${t('minor.age', { n: minor.age ?? ageOf(minor.birth_date) })}` : ''}</p>
          <a class="hm-row-sub hm-accent" href=${`#/minor/${v.minor_id}`}>${t('review.profile')}</a>
        </div>
        <div class="hm-profile__grade"><${GradeBadge} ...${shownGrade(minor)} /></div>
      </div>
      <div class="weui-cells">
        <${InfoCell} label=${t('review.visitor')}>${queued?.visitor?.display_name ?? '—'}</${InfoCell}>
        <${InfoCell} label=${t('stats.area')}>${queued?.area?.name ?? '—'}</${InfoCell}>
        <${InfoCell} label=${t('visit.when')}>${formatDate(v.visited_at, true)} · ${valueLabel('kind', v.kind)}</${InfoCell}>
        <${InfoCell} label=${t('review.status')}><span class=${`hm-review hm-review--${v.review_status}`}>${valueLabel('review_status', v.review_status)}</span></${InfoCell}>
      </div>
      <${Title}>${t('visit.findings')}</${Title}>
      <${Findings} findings=${v.findings} />
      <${Title}>${t('visit.measures')}</${Title}>
      <div class="hm-chips">
        ${(v.measures ?? []).length === 0 && html`<span class="hm-hint">${t('minor.no_measures')}</span>`}
        ${(v.measures ?? []).map((m) => html`<span class="hm-chip" key=${m}>${valueLabel('measures', m)}</span>`)}
      </div>
      <${Title}>${t('visit.summary')}</${Title}>
      <div class="weui-cells"><div class="weui-cell"><p class="hm-pre">${v.summary || '—'}</p></div></div>
      ${open && html`<${Title}>${t('review.decision')}</${Title}>
        <${ReasonField} id="comment" label=${t('review.comment')} value=${comment} error=${error} placeholder=${t('review.comment_hint')}
          onInput=${(text) => { setComment(text); setError(null); }} />
        <div class="hm-buttons">
          <button type="button" class="weui-btn weui-btn_warn hm-btn-inline" disabled=${busy} onClick=${() => decide('returned')}>${t('review.return')}</button>
        </div>`}
      <${Title}>${t('review.history')}</${Title}>
      <${Remote} remote=${history}>${(rows) => html`<${History} decisions=${rows} />`}</${Remote}>`}
    </${Remote}>
  </${Page}>`;
}
