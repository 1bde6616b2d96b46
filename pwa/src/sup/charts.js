// The statistics screen's figures as data: for each answer of /api/stats/*, an ECharts option
// and the table printed beneath the chart (the same numbers, readable without the chart and
// by a screen reader). Pure functions of the JSON; unit-tested without a browser.
import { codesOf } from '../codes.js';
import { GRADES } from '../rules.js';
import { t, valueLabel } from '../i18n/index.js';
import { pct } from './format.js';

export { GRADES };
export const GRADE_COLORS = { red: '#D93026', orange: '#F07C00', yellow: '#F2C200', blue: '#1A73E8', ungraded: '#9E9E9E' };
export const UNITS = codesOf('unit');
export const REFERRAL_STATUSES = codesOf('referral_status');
export const REPORT_STATUSES = codesOf('report_status');
const STATUS_COLORS = ['#9E9E9E', '#1A73E8', '#F07C00', '#07C160', '#D93026'];
const SERIES_COLORS = ['#1A73E8', '#07C160', '#F07C00', '#D93026'];

const gradeWord = (g) => valueLabel('grade', g);
const n = (v) => (v == null ? 0 : v);
// Durations under an hour read better in minutes ("0小时" says nothing).
export const hoursText = (h) => {
  if (h == null) return '—';
  return h < 1 ? t('stats.minutes', { n: Math.round(h * 60) }) : t('stats.hours', { n: Math.round(h * 10) / 10 });
};

// Shared look: no animation (screens of low-end PCs, and screenshots), the app's font, room
// for labels, a legend on top when there is more than one series.
function base(extra) {
  return {
    animation: false,
    textStyle: { fontFamily: '-apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    grid: { left: 8, right: 16, top: extra.legend ? 36 : 16, bottom: 8, containLabel: true },
    ...extra,
  };
}

const legend = (names) => ({ top: 0, type: 'scroll', data: names });
const short = (s, max = 8) => (s && s.length > max ? `${s.slice(0, max)}…` : s);

// 各等级人数: one bar per grade in its colour, the word on the axis (never colour alone).
export function gradeFigure(overview) {
  const grades = [...GRADES, 'ungraded'];
  const counts = overview?.minors_by_grade ?? {};
  const overdue = overview?.visits?.overdue_by_grade ?? {};
  const total = grades.reduce((s, g) => s + n(counts[g]), 0);
  return {
    option: base({
      xAxis: { type: 'category', data: grades.map(gradeWord) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        type: 'bar', name: t('stats.minors'), barMaxWidth: 48,
        label: { show: true, position: 'top' },
        data: grades.map((g) => ({ value: n(counts[g]), itemStyle: { color: GRADE_COLORS[g] } })),
      }],
    }),
    columns: [t('minor.grade'), t('stats.minors'), t('stats.share'), t('stats.overdue_visits')],
    rows: grades.map((g) => [gradeWord(g), n(counts[g]), total ? pct(n(counts[g]) / total) : '—', n(overdue[g])]),
    grades: grades.map((g) => (g === 'ungraded' ? 'none' : g)),
  };
}

// 各类别人数: horizontal bars, longest first; a child may count in several categories.
export function categoryFigure(overview) {
  const entries = Object.entries(overview?.minors_by_category ?? {}).sort((a, b) => b[1] - a[1]);
  const labels = entries.map(([c]) => valueLabel('categories', c));
  return {
    option: base({
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: labels.map((l) => short(l, 9)) },
      series: [{ type: 'bar', name: t('stats.minors'), data: entries.map(([, v]) => v), itemStyle: { color: '#1A73E8' },
        label: { show: true, position: 'right' }, barMaxWidth: 20 }],
    }),
    columns: [t('minor.categories'), t('stats.minors')],
    rows: entries.map(([, v], i) => [labels[i], v]),
  };
}

// 走访: due, done and overdue, and the completion rate.
export function visitsFigure(overview) {
  const v = overview?.visits ?? {};
  const keys = ['due', 'done', 'overdue'];
  return {
    option: base({
      xAxis: { type: 'category', data: keys.map((k) => t(`stats.visits_${k}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', barMaxWidth: 48, label: { show: true, position: 'top' },
        data: keys.map((k, i) => ({ value: n(v[k]), itemStyle: { color: ['#F07C00', '#07C160', '#D93026'][i] } })) }],
    }),
    columns: [t('stats.visits_due'), t('stats.visits_done'), t('stats.visits_overdue'), t('stats.completion'),
      t('review.pending'), t('review.approved'), t('review.returned')],
    rows: [[n(v.due), n(v.done), n(v.overdue), pct(v.completion_rate),
      n(v.by_review_status?.submitted), n(v.by_review_status?.approved), n(v.by_review_status?.returned)]],
  };
}

// Drill-down: each child area stacked by grade; the table adds visits and open reports.
export function areasFigure(answer) {
  const children = answer?.children ?? [];
  const names = children.map((c) => c.area?.name ?? '');
  return {
    option: base({
      legend: legend(GRADES.map(gradeWord)),
      xAxis: { type: 'category', data: names.map((s) => short(s)), axisLabel: { interval: 0, rotate: names.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: GRADES.map((g) => ({
        type: 'bar', stack: 'grade', name: gradeWord(g), barMaxWidth: 40, itemStyle: { color: GRADE_COLORS[g] },
        data: children.map((c) => n(c.minors_by_grade?.[g])),
      })),
    }),
    columns: [t('stats.area'), t('stats.minors'), ...GRADES.map(gradeWord), t('stats.visits_due'), t('stats.visits_done'),
      t('stats.visits_overdue'), t('stats.completion'), t('stats.open_reports')],
    rows: children.map((c) => [c.area?.name ?? '', n(c.minors_total), ...GRADES.map((g) => n(c.minors_by_grade?.[g])),
      n(c.visits?.due), n(c.visits?.done), n(c.visits?.overdue), pct(c.visits?.completion_rate), n(c.reports?.open)]),
    ids: children.map((c) => c.area?.id ?? null),
    levels: children.map((c) => c.area?.level ?? null),
  };
}

// Per grid worker: the completion rate, lowest first so that who needs help stands out.
export function workersFigure(answer) {
  const workers = [...(answer?.workers ?? [])]
    .sort((a, b) => n(a.visits?.completion_rate) - n(b.visits?.completion_rate));
  const names = workers.map((w) => w.user?.display_name ?? w.user?.username ?? '');
  return {
    option: base({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, valueFormatter: (v) => `${v}%` },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: names },
      series: [{ type: 'bar', name: t('stats.completion'), barMaxWidth: 18, label: { show: true, position: 'right', formatter: '{c}%' },
        data: workers.map((w) => {
          const rate = Math.round(n(w.visits?.completion_rate) * 1000) / 10;
          return { value: rate, itemStyle: { color: rate < 60 ? '#D93026' : rate < 85 ? '#F07C00' : '#07C160' } };
        }) }],
    }),
    columns: [t('stats.worker'), t('stats.grids'), t('stats.assigned'), t('stats.visits_due'), t('stats.visits_done'),
      t('stats.visits_overdue'), t('stats.completion')],
    rows: workers.map((w, i) => [names[i], (w.grids ?? []).map((g) => g.name).join('、'), n(w.minors_assigned),
      n(w.visits?.due), n(w.visits?.done), n(w.visits?.overdue), pct(w.visits?.completion_rate)]),
    height: Math.max(180, 40 + workers.length * 28),
  };
}

// Reports by status, all and urgent side by side; the table adds first-response times.
export function reportsFigure(answer) {
  const all = answer?.by_status ?? {};
  const urgent = answer?.urgent_by_status ?? {};
  const labels = REPORT_STATUSES.map((s) => valueLabel('report_status', s));
  const fr = answer?.first_response ?? {};
  const ufr = answer?.urgent_first_response ?? {};
  return {
    option: base({
      legend: legend([t('stats.all_reports'), t('stats.urgent_reports')]),
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('stats.all_reports'), barMaxWidth: 32, itemStyle: { color: '#1A73E8' }, data: REPORT_STATUSES.map((s) => n(all[s])) },
        { type: 'bar', name: t('stats.urgent_reports'), barMaxWidth: 32, itemStyle: { color: '#D93026' }, data: REPORT_STATUSES.map((s) => n(urgent[s])) },
      ],
    }),
    columns: ['', t('stats.total'), t('stats.answered'), t('stats.median_response'), t('stats.within_sla', { h: n(answer?.sla_hours) }),
      t('stats.over_sla'), t('stats.unanswered_over')],
    rows: [
      [t('stats.all_reports'), n(answer?.total), n(fr.answered), hoursText(fr.median_hours), n(fr.within_sla), n(fr.over_sla), n(fr.unanswered_over_sla)],
      [t('stats.urgent_reports'), n(answer?.urgent), n(ufr.answered), hoursText(ufr.median_hours), n(ufr.within_sla), n(ufr.over_sla), n(ufr.unanswered_over_sla)],
    ],
  };
}

// Referrals by member unit, stacked by status.
export function referralsFigure(answer) {
  const byUnit = answer?.by_unit ?? {};
  const units = UNITS.filter((u) => u in byUnit);
  const unitNames = units.map((u) => valueLabel('unit', u));
  return {
    option: base({
      legend: legend(REFERRAL_STATUSES.map((s) => valueLabel('referral_status', s))),
      xAxis: { type: 'category', data: unitNames, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: REFERRAL_STATUSES.map((s, i) => ({
        type: 'bar', stack: 'status', name: valueLabel('referral_status', s), barMaxWidth: 32,
        itemStyle: { color: STATUS_COLORS[i] }, data: units.map((u) => n(byUnit[u]?.[s])),
      })),
    }),
    columns: [t('stats.unit'), t('stats.total'), ...REFERRAL_STATUSES.map((s) => valueLabel('referral_status', s))],
    rows: units.map((u, i) => [unitNames[i], n(byUnit[u]?.total), ...REFERRAL_STATUSES.map((s) => n(byUnit[u]?.[s]))]),
    summary: { answer: hoursText(answer?.median_hours_to_answer), done: hoursText(answer?.median_hours_to_done), sla: n(answer?.answer_sla_hours) },
  };
}

const TREND_KEYS = ['minors_registered', 'visits_done', 'reports', 'urgent_reports'];

// Monthly trends, oldest first.
export function trendsFigure(answer) {
  const months = answer?.months ?? [];
  const names = TREND_KEYS.map((k) => t(`stats.trend_${k}`));
  return {
    option: base({
      legend: legend(names),
      tooltip: { trigger: 'axis', confine: true },
      xAxis: { type: 'category', data: months.map((m) => m.month), boundaryGap: false },
      yAxis: { type: 'value', minInterval: 1 },
      series: TREND_KEYS.map((k, i) => ({ type: 'line', name: names[i], symbolSize: 6, itemStyle: { color: SERIES_COLORS[i] },
        data: months.map((m) => n(m[k])) })),
    }),
    columns: [t('stats.month'), ...names],
    rows: months.map((m) => [m.month, ...TREND_KEYS.map((k) => n(m[k]))]),
  };
}

const COMPONENTS = ['visits', 'high_risk', 'reports', 'referrals', 'sync'];

// 督导考核: villages ranked by score; member units in a second table.
export function scoreboardFigure(answer) {
  const villages = [...(answer?.villages ?? [])].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  const comp = (v) => (v == null ? '—' : pct(v));
  return {
    option: base({
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100 },
      yAxis: { type: 'category', inverse: true, data: villages.map((v) => v.area?.name ?? '') },
      series: [{ type: 'bar', name: t('stats.score'), barMaxWidth: 20, itemStyle: { color: '#07C160' },
        label: { show: true, position: 'right' }, data: villages.map((v) => v.score ?? 0) }],
    }),
    columns: [t('stats.rank'), t('stats.area'), t('stats.score'),
      ...COMPONENTS.map((c) => `${t(`stats.comp_${c}`)} (${answer?.weights?.[c] ?? ''})`)],
    rows: villages.map((v) => [v.rank ?? '—', v.area?.name ?? '', v.score ?? '—', ...COMPONENTS.map((c) => comp(v.components?.[c]))]),
    unitColumns: [t('stats.rank'), t('stats.unit'), t('stats.score'), t('stats.received'), t('stats.answered_in_time'), t('stats.done'),
      t('stats.median_handling')],
    unitRows: [...(answer?.units ?? [])].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9))
      .map((u) => [u.rank ?? '—', valueLabel('unit', u.unit), u.score ?? '—', n(u.received), n(u.answered_in_time), n(u.done),
        hoursText(u.median_handling_hours)]),
    height: Math.max(160, 40 + villages.length * 30),
  };
}
