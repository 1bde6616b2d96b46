// The supervisors' screens' pure logic: server messages, timers, ordering, periods, roles,
// routes, and the statistics' chart options and tables.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { setLang } from '../src/i18n/index.js';
import { allowedRoute, currentTab, homeOf, sideOf, syncs, tabsOf } from '../src/roles.js';
import { parseRoute } from '../src/routes.js';
import {
  areasFigure, categoryFigure, GRADE_COLORS, gradeFigure, hoursText, referralsFigure, reportsFigure, scoreboardFigure,
  trendsFigure, visitsFigure, workersFigure,
} from '../src/sup/charts.js';
import {
  ageOf, clock, duration, errorSentence, fieldErrors, newPassword, pct, serverText, shownGrade, slaState, slaText,
  sortReports, splitReasons, waitingText,
} from '../src/sup/format.js';
import { areaTrail, monthPeriod, periodQuery, presetPeriod } from '../src/sup/period.js';

const HOUR = 3600_000;
const NOW = Date.parse('2026-11-30T10:00:00Z');
const at = (ms) => new Date(ms).toISOString();

test('server messages: the half in the reader language, even after a full-width bracket', () => {
  assert.equal(serverText('退回时请说明原因 / Say why the visit is returned.', 'zh-CN'), '退回时请说明原因');
  assert.equal(serverText('退回时请说明原因 / Say why the visit is returned.', 'en'), 'Say why the visit is returned.');
  assert.equal(serverText('紧急报告：被组织乞讨（新华社区）/ Urgent report: organised begging', 'zh-CN'), '紧急报告：被组织乞讨（新华社区）');
  assert.equal(serverText('低保/低收入', 'en'), '低保/低收入', 'a slash inside Chinese is not a separator');
  assert.equal(serverText(null), '');
});

test('422 bodies become one sentence per field; a network failure says so', () => {
  const body = { errors: { json: { review_comment: ['退回时请说明原因 / Say why.'] } } };
  assert.deepEqual(fieldErrors(body), { review_comment: '退回时请说明原因' });
  assert.equal(errorSentence({ body }), '退回时请说明原因');
  const nested = { errors: { json: { visit_interval_days: { red: ['Must be between 1 and 30.'] } } } };
  assert.deepEqual(fieldErrors(nested), { visit_interval_days: 'red: Must be between 1 and 30.' });
  assert.equal(errorSentence({ body: { message: '未找到 / Not found.' } }), '未找到');
  assert.match(errorSentence({ name: 'NetworkError' }), /没有网络/);
});

test('durations and the countdown clock', () => {
  assert.equal(duration(2 * 86400_000 + 3 * HOUR + 5000, 'zh-CN'), '2天3小时');
  assert.equal(duration(3 * HOUR + 12 * 60_000, 'zh-CN'), '3小时12分');
  assert.equal(duration(45_000, 'zh-CN'), '45秒');
  assert.equal(duration(3 * HOUR, 'en'), '3h');
  assert.equal(clock(26 * HOUR + 61_000), '26:01:01');
  assert.equal(clock(-5000), '0:00:05');
});

test('first-response timer: running, overdue (red), answered in time or late', () => {
  const base = { reported_at: at(NOW - 2 * HOUR), first_response_due: at(NOW + 22 * HOUR) };
  assert.deepEqual(slaState(base, NOW), { state: 'running', left: 22 * HOUR });
  assert.equal(slaText(base, NOW), '距首次响应时限 22:00:00');
  const late = { reported_at: at(NOW - 30 * HOUR), first_response_due: at(NOW - 6 * HOUR) };
  assert.deepEqual(slaState(late, NOW), { state: 'overdue', over: 6 * HOUR });
  assert.equal(slaText(late, NOW), '已超首次响应时限 6:00:00');
  const answered = { ...base, acknowledged_at: at(NOW - HOUR), response_seconds: 3600, overdue: false };
  assert.equal(slaState(answered, NOW).state, 'answered');
  assert.equal(slaText(answered, NOW), '已响应，用时 1小时');
  assert.equal(slaText({ ...answered, overdue: true }, NOW), '已响应（超时），用时 1小时');
});

test('reports: unanswered first, mandatory then urgent, closest deadline first; closed last', () => {
  const r = (id, extra) => ({ id, status: 'new', reported_at: at(NOW - HOUR), first_response_due: at(NOW + HOUR), ...extra });
  const order = sortReports([
    r('closed', { status: 'closed', acknowledged_at: at(NOW) }),
    r('plain'),
    r('urgent-later', { urgent: true, first_response_due: at(NOW + 5 * HOUR) }),
    r('acknowledged', { status: 'acknowledged', acknowledged_at: at(NOW), urgent: true }),
    r('mandatory', { mandatory: true, urgent: true, first_response_due: at(NOW + 9 * HOUR) }),
    r('urgent-sooner', { urgent: true, first_response_due: at(NOW + 2 * HOUR) }),
  ]).map((x) => x.id);
  assert.deepEqual(order, ['mandatory', 'urgent-sooner', 'urgent-later', 'plain', 'acknowledged', 'closed']);
});

test('small helpers: waiting time, percentages, grades shown, grade reasons, ages, passwords', () => {
  assert.equal(waitingText(at(NOW - 26 * HOUR), NOW), '已等待 1天2小时');
  assert.equal(pct(0.8619), '86.2%');
  assert.equal(pct(null), '—');
  assert.deepEqual(shownGrade({ grade: null, grade_suggested: 'red' }), { grade: 'red', suggested: true });
  assert.deepEqual(shownGrade({ grade: 'blue', grade_suggested: 'red' }), { grade: 'blue', suggested: false });
  const { grade, other } = splitReasons([{ code: 'grade.orange.bullying' }, { code: 'left_behind' }]);
  assert.deepEqual([grade.length, other.length], [1, 1]);
  assert.equal(ageOf('2012-12-01', '2026-11-30'), 13);
  assert.equal(ageOf('2012-11-30', '2026-11-30'), 14);
  const pw = newPassword();
  assert.match(pw, /^[a-zA-Z2-9]{12}$/);
  assert.doesNotMatch(pw, /[01oOlI]/);
});

test('periods: presets by the calendar, a picked month, the query string', () => {
  assert.deepEqual(presetPeriod('month', '2026-02-14'), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(presetPeriod('last_month', '2026-01-10'), { from: '2025-12-01', to: '2025-12-31' });
  assert.deepEqual(presetPeriod('quarter', '2026-11-30'), { from: '2026-10-01', to: '2026-12-31' });
  assert.deepEqual(presetPeriod('year', '2024-05-01'), { from: '2024-01-01', to: '2024-12-31' });
  assert.deepEqual(monthPeriod('2024-02'), { from: '2024-02-01', to: '2024-02-29' });
  assert.equal(periodQuery({ from: '2026-11-01', to: '2026-11-30' }, 7), 'area_id=7&from=2026-11-01&to=2026-11-30');
  assert.equal(periodQuery({ from: '2026-11-01', to: '2026-11-30' }, null), 'from=2026-11-01&to=2026-11-30');
});

test('drill-down trail: from the top of the scope to the area', () => {
  const areas = [
    { id: 1, name: '街道', parent_id: null }, { id: 2, name: '村', parent_id: 1 },
    { id: 3, name: '组', parent_id: 2 }, { id: 4, name: '网格', parent_id: 3 },
  ];
  assert.deepEqual(areaTrail(areas, '4').map((a) => a.name), ['街道', '村', '组', '网格']);
  assert.deepEqual(areaTrail(areas, null), []);
});

test('roles: each its tabs; supervisors their side bar; liaisons keep no replica', () => {
  const worker = { role: 'grid_worker' };
  const officer = { role: 'village_officer' };
  const admin = { role: 'street_admin' };
  const liaison = { role: 'unit_liaison' };
  const sentinel = { role: 'sentinel' };
  assert.deepEqual(tabsOf(worker), ['today', 'households', 'reports', 'me']);
  assert.equal(homeOf(officer), 'work');
  assert.equal(homeOf(liaison), 'referrals');
  assert.equal(homeOf(sentinel), 'reports');
  assert.ok(sideOf(admin).includes('users') && !sideOf(officer).includes('users'));
  assert.deepEqual(sideOf(worker), []);
  assert.equal(syncs(liaison), false);
  assert.equal(syncs(officer), true);
  assert.equal(currentTab('reviewVisit', officer), 'work');
  assert.equal(currentTab('reportPage', officer), 'work', 'no 报告 tab: reports belong to the workbench');
  assert.equal(currentTab('reportPage', admin), 'cases');
  assert.equal(currentTab('today', worker), 'today');
});

test('routes: who may open what', () => {
  assert.equal(allowedRoute('work', { role: 'grid_worker' }), false);
  assert.equal(allowedRoute('notifications', { role: 'grid_worker' }), true);
  assert.equal(allowedRoute('users', { role: 'village_officer' }), false);
  assert.equal(allowedRoute('users', { role: 'street_admin' }), true);
  assert.equal(allowedRoute('caseNew', { role: 'village_officer' }), false);
  assert.equal(allowedRoute('referral', { role: 'unit_liaison' }), true);
  assert.equal(allowedRoute('minor', { role: 'unit_liaison' }), false);
  assert.equal(allowedRoute('today', { role: 'sentinel' }), false);
  assert.equal(allowedRoute('stats', { role: 'village_officer' }), true);
});

test('hash routes of the new screens, and the links the server puts in notifications', () => {
  assert.deepEqual([parseRoute('#/review/abc').name, parseRoute('#/review/abc').params], ['reviewVisit', ['abc']]);
  assert.equal(parseRoute('#/review?grade=red').query.get('grade'), 'red');
  assert.deepEqual([parseRoute('#/visits/v1').name, parseRoute('#/visits/v1').params], ['visit', ['v1']]);
  assert.deepEqual([parseRoute('#/reports/r1').name, parseRoute('#/reports/r1').params], ['reportPage', ['r1']]);
  assert.equal(parseRoute('#/reports').name, 'reports', "the worker's own list is unchanged");
  assert.equal(parseRoute('#/referrals/x').name, 'referral');
  assert.equal(parseRoute('#/minors/m1').name, 'minor');
  assert.equal(parseRoute('#/users/12').name, 'user');
  assert.equal(parseRoute('#/users/new').name, 'userNew');
  assert.equal(parseRoute('#/cases/new').name, 'caseNew');
});

const overview = {
  minors_by_grade: { red: 7, orange: 30, yellow: 88, blue: 175, ungraded: 0 },
  minors_by_category: { left_behind: 50, orphan: 5, in_difficulty: 66 },
  visits: { due: 50, done: 312, overdue: 50, completion_rate: 0.8619, overdue_by_grade: { red: 2 },
    by_review_status: { submitted: 75, approved: 236, returned: 1 } },
};

test('grades chart: one bar per grade in its colour, the word on the axis, a table beneath', () => {
  setLang('zh-CN');
  const fig = gradeFigure(overview);
  assert.deepEqual(fig.option.xAxis.data, ['红', '橙', '黄', '蓝', '未定级']);
  assert.deepEqual(fig.option.series[0].data.map((d) => d.itemStyle.color),
    [GRADE_COLORS.red, GRADE_COLORS.orange, GRADE_COLORS.yellow, GRADE_COLORS.blue, GRADE_COLORS.ungraded]);
  assert.deepEqual(fig.option.series[0].data.map((d) => d.value), [7, 30, 88, 175, 0]);
  assert.deepEqual(fig.rows[0], ['红', 7, '2.3%', 2]);
  assert.equal(fig.option.animation, false);
  assert.equal(fig.columns.length, fig.rows[0].length);
});

test('category and visit charts keep the numbers of their tables', () => {
  const cat = categoryFigure(overview);
  assert.deepEqual(cat.rows.map((r) => r[0]), ['困境儿童', '农村留守儿童', '孤儿'], 'largest first, Chinese names');
  assert.deepEqual(cat.option.series[0].data, [66, 50, 5]);
  const visits = visitsFigure(overview);
  assert.deepEqual(visits.rows[0].slice(0, 4), [50, 312, 50, '86.2%']);
});

test('drill-down chart: children stacked by grade, ids for the next level', () => {
  const fig = areasFigure({ children: [
    { area: { id: 2, name: '红旗村', level: 'village' }, minors_total: 98, minors_by_grade: { red: 3, orange: 8, yellow: 30, blue: 57 },
      visits: { due: 15, done: 101, overdue: 15, completion_rate: 0.8707 }, reports: { open: 1 } },
  ] });
  assert.equal(fig.option.series.length, 4);
  assert.ok(fig.option.series.every((s) => s.stack === 'grade'));
  assert.deepEqual(fig.rows[0], ['红旗村', 98, 3, 8, 30, 57, 15, 101, 15, '87.1%', 1]);
  assert.deepEqual(fig.ids, [2]);
});

test('workers chart: the lowest completion first, coloured by how far behind', () => {
  const w = (name, rate) => ({ user: { id: name, display_name: name }, grids: [{ name: 'G' }], minors_assigned: 1, visits: { due: 1, done: 1, overdue: 0, completion_rate: rate } });
  const fig = workersFigure({ workers: [w('甲', 0.9), w('乙', 0.5), w('丙', 0.7)] });
  assert.deepEqual(fig.option.yAxis.data, ['乙', '丙', '甲']);
  assert.deepEqual(fig.option.series[0].data.map((d) => d.itemStyle.color), ['#D93026', '#F07C00', '#07C160']);
  assert.equal(fig.rows[0][6], '50%');
});

test('reports, referrals, trends and scoreboard figures', () => {
  const rep = reportsFigure({ total: 5, urgent: 4, sla_hours: 24, by_status: { new: 1, acknowledged: 2, referred: 2 },
    urgent_by_status: { new: 1 }, first_response: { answered: 4, median_hours: 2.64, within_sla: 4 }, urgent_first_response: {} });
  assert.equal(rep.option.series.length, 2);
  assert.deepEqual(rep.option.series[0].data, [1, 2, 2, 0, 0]);
  assert.deepEqual(rep.rows[0].slice(0, 4), ['全部报告', 5, 4, '2.6小时']);
  const ref = referralsFigure({ by_unit: { police: { total: 4, sent: 4 }, school: { total: 0 } }, answer_sla_hours: 72 });
  assert.deepEqual(ref.rows[0], ['派出所', 4, 4, 0, 0, 0, 0]);
  assert.equal(ref.option.series.length, 5);
  const tr = trendsFigure({ months: [{ month: '2026-10', minors_registered: 2, visits_done: 307, reports: 1, urgent_reports: 1 }] });
  assert.deepEqual(tr.rows, [['2026-10', 2, 307, 1, 1]]);
  assert.ok(tr.option.series.every((s) => s.type === 'line'));
  const sb = scoreboardFigure({ weights: { visits: 35 }, villages: [
    { rank: 2, score: 50, area: { name: '乙村' }, components: { visits: 0.5 } },
    { rank: 1, score: 70.7, area: { name: '甲村' }, components: { visits: 0.87, referrals: null } },
  ], units: [{ unit: 'police', rank: 1, score: 0, received: 4 }] });
  assert.deepEqual(sb.rows.map((r) => r[1]), ['甲村', '乙村']);
  assert.equal(sb.rows[0][3], '87%');
  assert.equal(sb.rows[0][6], '—', 'a component without a denominator');
  assert.equal(sb.unitRows[0][1], '派出所');
});

test('response times: minutes under an hour, tenths of hours above', () => {
  assert.equal(hoursText(0.5), '30分钟');
  assert.equal(hoursText(0), '0分钟');
  assert.equal(hoursText(17.46), '17.5小时');
  assert.equal(hoursText(null), '—');
});

test('empty answers draw empty charts, not errors', () => {
  for (const build of [gradeFigure, categoryFigure, visitsFigure, areasFigure, workersFigure, reportsFigure, referralsFigure, trendsFigure, scoreboardFigure]) {
    const fig = build({});
    assert.ok(fig.option && Array.isArray(fig.rows), build.name);
  }
});

test('the statistics screen imports the pinned ECharts file, which is not precached', () => {
  const chart = readFileSync(new URL('../src/views/sup/chart.js', import.meta.url), 'utf8');
  const url = /ECHARTS_URL = '([^']+)'/.exec(chart)[1];
  const versions = JSON.parse(readFileSync(new URL('../vendor/VERSIONS.json', import.meta.url), 'utf8'));
  assert.ok(url.endsWith(`vendor/lazy/echarts-${versions.echarts.version}.esm.min.js`), url);
  assert.ok(existsSync(new URL(url, new URL('../src/views/sup/chart.js', import.meta.url))));
  const manifest = readFileSync(new URL('../precache-manifest.js', import.meta.url), 'utf8');
  assert.ok(!manifest.includes('echarts'), 'ECharts stays out of the precache');
  const sw = readFileSync(new URL('../sw.js', import.meta.url), 'utf8');
  assert.match(sw, /vendor\/lazy\//);
});

test('the registry search (台账查询) is a supervisor screen of the workbench, not a worker one', () => {
  const officer = { role: 'village_officer' };
  const worker = { role: 'grid_worker' };
  assert.equal(parseRoute('#/registry?tab=households').name, 'registry');
  assert.ok(sideOf(officer).includes('registry') && sideOf({ role: 'street_admin' }).includes('registry'));
  assert.equal(allowedRoute('registry', officer), true);
  assert.equal(allowedRoute('registry', worker), false);
  assert.equal(currentTab('registry', officer), 'work');
});
