// 统计: the supervisor's dashboard. Overview by grade and category, drill-down street > village
// > group > grid, visits per grid and per worker, reports and their response times, referrals
// by unit, monthly trends, the assessment scoreboard; each chart with its table beneath.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';

import { formatDate, t, valueLabel } from '../../i18n/index.js';
import { useRemote } from '../../online.js';
import { navigate } from '../../router.js';
import { useAppState } from '../../state.js';
import {
  areasFigure, categoryFigure, gradeFigure, hoursText, referralsFigure, reportsFigure, scoreboardFigure, trendsFigure,
  visitsFigure, workersFigure,
} from '../../sup/charts.js';
import { pct } from '../../sup/format.js';
import { areaTrail, localToday, monthPeriod, periodQuery, PRESETS, presetPeriod } from '../../sup/period.js';
import { Page } from '../ui.js';
import { Chart } from './chart.js';
import { Card, Offline, Remote, Table } from './common.js';
import { useAreas } from './filters.js';
import { LedgerTools } from './ledger.js';

// One chart and its table, built from one answer of the API.
function Figure({ data, build, title, height, onRow, note }) {
  const { lang } = useAppState();
  const fig = useMemo(() => build(data), [data, lang]);
  const cell = onRow ? (r, c, v) => (c === 0 ? html`<button type="button" class="hm-linkbtn" onClick=${() => onRow(fig, r)}>${v}</button>` : v) : undefined;
  return html`<${Chart} option=${fig.option} height=${fig.height ?? height ?? 240} label=${title} />
    ${note?.(fig)}
    <${Table} columns=${fig.columns} rows=${fig.rows} caption=${title} captionHidden cell=${cell} />
    ${fig.unitRows && html`<${Table} columns=${fig.unitColumns} rows=${fig.unitRows} caption=${t('stats.units')} />`}`;
}

function FigureCard({ id, title, remote, build, height, onRow, note, extra }) {
  return html`<${Card} id=${id} title=${title} extra=${extra}>
    <${Remote} remote=${remote}>${(data) => html`<${Figure} data=${data} build=${build} title=${title} height=${height} onRow=${onRow} note=${note} />`}</${Remote}>
  </${Card}>`;
}

function Kpis({ overview }) {
  const o = overview ?? {};
  const items = [
    ['stats.kpi_minors', o.minors_total],
    ['stats.kpi_red', o.minors_by_grade?.red, 'red'],
    ['stats.kpi_completion', pct(o.visits?.completion_rate)],
    ['stats.kpi_overdue', o.visits?.overdue, o.visits?.overdue ? 'warn' : null],
    ['stats.kpi_urgent', o.reports?.open_urgent, o.reports?.open_urgent ? 'red' : null],
    ['stats.kpi_unconfirmed', o.grades_unconfirmed],
  ];
  return html`<div class="hm-kpis">${items.map(([key, v, tone]) => html`<div key=${key} class=${`hm-kpi${tone ? ` hm-kpi--${tone}` : ''}`}>
    <span class="hm-kpi__value">${v ?? '—'}</span><span class="hm-kpi__label">${t(key)}</span></div>`)}</div>`;
}

function Toolbar({ query, areaId, preset, period }) {
  const areas = useAreas();
  const trail = areaTrail(areas, areaId);
  const go = (patch) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) if (v == null || v === '') next.delete(k); else next.set(k, String(v));
    const qs = next.toString();
    navigate(`/stats${qs ? `?${qs}` : ''}`, { replace: true });
  };
  return html`<div class="hm-stats-bar">
    <nav class="hm-crumbs" aria-label=${t('stats.drill')}>
      <button type="button" class="hm-linkbtn" onClick=${() => go({ area_id: null })}>${t('stats.scope_all')}</button>
      ${trail.filter((a) => a.level !== 'street' || trail.length > 1).map((a) => html`<span key=${a.id}> › </span>
        <button type="button" class="hm-linkbtn" aria-current=${String(a.id) === String(areaId) ? 'page' : undefined}
          onClick=${() => go({ area_id: a.id })}>${a.name}</button>`)}
    </nav>
    <div class="hm-periods" role="group" aria-label=${t('stats.period')}>
      ${PRESETS.map((p) => html`<button type="button" key=${p} aria-pressed=${preset === p}
        class=${`hm-chip hm-chip--btn${preset === p ? ' hm-chip--on' : ''}`} onClick=${() => go({ period: p, from: null, to: null })}>${t(`stats.p_${p}`)}</button>`)}
      <input type="month" class="hm-month" aria-label=${t('stats.p_pick')} value=${(period.from ?? '').slice(0, 7)}
        onChange=${(e) => e.currentTarget.value && go({ period: 'custom', ...monthPeriod(e.currentTarget.value) })} />
      <span class="hm-hint">${formatDate(period.from)} – ${formatDate(period.to)}</span>
    </div>
  </div>`;
}

function Scoreboard({ areaId }) {
  const [month, setMonth] = useState(localToday().slice(0, 7));
  const remote = useRemote(`/api/stats/scoreboard?${periodQuery(monthPeriod(month), areaId)}`);
  const picker = html`<input type="month" class="hm-month" aria-label=${t('stats.score_period')} value=${month}
    onChange=${(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />`;
  return html`<${FigureCard} id="stats-scoreboard" title=${t('stats.scoreboard')} remote=${remote} build=${scoreboardFigure} extra=${picker}
    note=${() => html`<p class="hm-hint">${t('stats.score_note')}</p>`} />`;
}

function UrgentReports({ data }) {
  const rows = (data?.urgent_reports ?? []).map((r) => [
    html`<a class="hm-link-blue" href=${`#/reports/${r.id}`}>${valueLabel('report_kind', r.kind)}</a>`,
    r.area?.name ?? '', formatDate(r.reported_at, true), r.response_hours == null ? t('stats.unanswered') : hoursText(r.response_hours),
    // Unanswered is never "in time": it is over the limit, or still within it.
    r.over_sla ? html`<span class="hm-overdue">${t('stats.over_sla')}</span>`
      : r.response_hours == null ? t('stats.within_limit', { date: formatDate(r.first_response_due, true) }) : t('stats.in_time'),
  ]);
  return html`<${Table} caption=${t('stats.urgent_list')} columns=${[t('cases.kind'), t('stats.area'), t('cases.reported_at'), t('stats.response'), t('stats.sla')]} rows=${rows} />`;
}

export function Statistics({ query }) {
  const areaId = query.get('area_id');
  const preset = query.get('period') === 'custom' || PRESETS.includes(query.get('period')) ? query.get('period') : 'month';
  const period = preset === 'custom' ? { from: query.get('from'), to: query.get('to') } : presetPeriod(preset, localToday());
  const q = periodQuery(period, areaId);
  const overview = useRemote(`/api/stats/overview?${q}`);
  const areas = useRemote(`/api/stats/areas?${q}`);
  const workers = useRemote(`/api/stats/workers?${q}`);
  const reports = useRemote(`/api/stats/reports?${q}`);
  const referrals = useRemote(`/api/stats/referrals?${q}`);
  const trends = useRemote(`/api/stats/trends?months=12${areaId ? `&area_id=${areaId}` : ''}`);
  const drill = (fig, r) => {
    const next = new URLSearchParams(query);
    next.set('area_id', String(fig.ids[r]));
    navigate(`/stats?${next}`);
  };
  // Without a network there is nothing to draw: one message for the page, not one per chart.
  if (overview.offline && overview.data === undefined) {
    return html`<${Page} title=${t('nav.stats')}><${Offline} onRetry=${overview.reload} /></${Page}>`;
  }
  return html`<${Page} title=${t('nav.stats')}>
    <${Toolbar} query=${query} areaId=${areaId} preset=${preset} period=${period} />
    <${Remote} remote=${overview}>${(o) => html`<${Kpis} overview=${o} />`}</${Remote}>
    <div class="hm-stat-grid">
      <${FigureCard} id="stats-grades" title=${t('stats.by_grade')} remote=${overview} build=${gradeFigure} />
      <${FigureCard} id="stats-categories" title=${t('stats.by_category')} remote=${overview} build=${categoryFigure} height=${300} />
      <${FigureCard} id="stats-visits" title=${t('stats.visits')} remote=${overview} build=${visitsFigure} />
      <${FigureCard} id="stats-areas" title=${t('stats.areas')} remote=${areas} build=${areasFigure} height=${280} onRow=${drill}
        note=${(fig) => (fig.rows.length === 0 ? html`<p class="hm-hint">${t('stats.no_children')}</p>` : html`<p class="hm-hint">${t('stats.drill_hint')}</p>`)} />
      <${FigureCard} id="stats-workers" title=${t('stats.workers')} remote=${workers} build=${workersFigure} />
      <${Card} id="stats-reports" title=${t('stats.reports')}>
        <${Remote} remote=${reports}>${(data) => html`<${Figure} data=${data} build=${reportsFigure} title=${t('stats.reports')} />
          <${UrgentReports} data=${data} />`}</${Remote}>
      </${Card}>
      <${FigureCard} id="stats-referrals" title=${t('stats.referrals')} remote=${referrals} build=${referralsFigure} height=${280}
        note=${(fig) => html`<p class="hm-hint">${t('stats.referral_times', fig.summary)}</p>`} />
      <${FigureCard} id="stats-trends" title=${t('stats.trends')} remote=${trends} build=${trendsFigure} height=${280} />
      <${Scoreboard} areaId=${areaId} key=${`score-${areaId}`} />
      <${LedgerTools} areaId=${areaId} />
    </div>
  </${Page}>`;
}
