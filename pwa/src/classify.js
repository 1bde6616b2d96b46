// The live categories, suggested grade and visit schedule on the phone, from the rules and
// street settings cached by GET /api/rules. The server's values stay authoritative; these
// are what the worker sees while she is still typing, offline.
import { evaluate, GRADES, nextVisitDue } from './rules.js';
import { fieldLabel, getLang, listJoin, t, valueLabel } from './i18n/index.js';
import { undecided } from './missing.js';
import { naturalCompare } from './search.js';
import { todayISO } from './validate.js';

export { GRADES };

// {categories, sub_tags, grade_suggested, reasons, age}, or null without rules.
export function assess(minor, bundle, today = todayISO()) {
  if (!bundle?.rules) return null;
  try {
    return evaluate(bundle.rules, minor, today, bundle.settings);
  } catch {
    return null; // a half-typed form must never break the screen
  }
}

// "缺少户籍类型，无法判断是否为农村留守儿童": one sentence per category the blanks leave open.
export function undecidedText(minor, bundle, today = todayISO()) {
  if (!bundle?.rules) return [];
  return undecided(bundle.rules, minor, today, bundle.settings).map(({ category, fields }) =>
    t('minor.undecided', { fields: listJoin(fields.map(fieldLabel)), category: categoryLabel(category, bundle) }));
}

export function reasonText(reason) {
  return getLang() === 'en' ? reason.en ?? reason.zh : reason.zh ?? reason.en;
}

export function categoryLabel(code, bundle) {
  const rule = bundle?.rules?.categories?.find((c) => c.code === code);
  if (rule) return getLang() === 'en' ? rule.en : rule.zh;
  return valueLabel('categories', code);
}

// A local calendar day from a timestamp: a visit at 23:30 Beijing time is that day's visit.
export function localDay(iso) {
  if (!iso) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : todayISO(d);
}

export const gradeOf = (minor) => minor.grade ?? minor.grade_suggested ?? null;

// For lists: the confirmed grade, else the server's suggestion, else (a child registered on
// this phone and not yet synced) the live one. `suggested` draws the badge as provisional.
export function displayGrade(minor, bundle) {
  if (minor.grade) return { grade: minor.grade, suggested: false };
  const grade = minor.grade_suggested ?? (minor._v ? null : assess(minor, bundle)?.grade_suggested ?? null);
  return { grade, suggested: Boolean(grade) };
}

export function dueFromVisit(bundle, grade, visitedAt) {
  if (!bundle?.rules || !grade || !visitedAt) return null;
  try {
    return nextVisitDue(bundle.rules, grade, localDay(visitedAt), null, bundle.settings);
  } catch {
    return null;
  }
}

// The next due day: the server's `next_visit_due`, unless a visit logged on this phone
// since (not yet synced) moves it on.
// `latestByMinor` (from latestVisitDays) spares a scan of every visit per minor.
export function effectiveDue(minor, visits, bundle, latestByMinor = null) {
  const grade = gradeOf(minor);
  const latest = (latestByMinor ?? latestVisitDays(visits.filter((v) => v.minor_id === minor.id))).get(minor.id);
  const local = latest && (!minor.last_visit_at || latest > minor.last_visit_at)
    ? dueFromVisit(bundle, grade, latest) : null;
  return local ?? minor.next_visit_due ?? null;
}

// Each minor's latest visit day, in one pass over the visits.
export function latestVisitDays(visits) {
  const latest = new Map();
  for (const v of visits) {
    if (v._deleted) continue;
    const day = localDay(v.visited_at);
    if (day && !(latest.get(v.minor_id) >= day)) latest.set(v.minor_id, day);
  }
  return latest;
}

const daysBetween = (a, b) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

const RANK = Object.fromEntries(GRADES.map((g, i) => [g, i]));

// The home screen's list: overdue and due-soon minors, red first, then the most overdue.
export function dueList(minors, visits, bundle, today = todayISO(), horizonDays = 7) {
  const rows = [];
  const latest = latestVisitDays(visits);
  for (const minor of minors) {
    if (minor._deleted || minor.archived) continue;
    const due = effectiveDue(minor, visits, bundle, latest);
    if (!due) continue;
    const days = daysBetween(today, due);
    if (days > horizonDays) continue;
    rows.push({ minor, due, days, grade: gradeOf(minor) });
  }
  // Overdue first (a blue child 14 days late waits longer than a yellow one due next week),
  // then due today, then the rest of the week; within each, red first, then the most urgent.
  const band = (r) => (r.days < 0 ? 0 : r.days === 0 ? 1 : 2);
  return rows.sort((a, b) => band(a) - band(b) || (RANK[a.grade] ?? 9) - (RANK[b.grade] ?? 9) || a.days - b.days
    || naturalCompare(a.minor.name, b.minor.name));
}

export function countByGrade(minors) {
  const counts = { red: 0, orange: 0, yellow: 0, blue: 0, none: 0 };
  for (const m of minors) if (!m._deleted) counts[gradeOf(m) ?? 'none'] += 1;
  return counts;
}
