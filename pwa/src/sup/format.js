// Pure helpers of the supervisors' screens: the server's bilingual messages, durations,
// the first-response timer of a report, waiting times. No DOM, no network: unit-tested.
import { getLang, serverText, t } from '../i18n/index.js';

export { serverText };

// A nested schema answers {field: {sub: [msg]}}: its first message, prefixed with the sub-field.
function firstMessage(messages) {
  if (Array.isArray(messages)) return firstMessage(messages[0]);
  if (messages && typeof messages === 'object') {
    const [key, inner] = Object.entries(messages)[0] ?? [];
    return key === undefined ? '' : `${/^\d+$/.test(key) ? '' : `${key}: `}${firstMessage(inner)}`;
  }
  return messages == null ? '' : String(messages);
}

// The first message of a 422's {errors: {json: {field: [msg]}}} (or {query: ...}), per field.
export function fieldErrors(body) {
  const groups = body?.errors ?? {};
  const out = {};
  for (const group of Object.values(groups)) {
    if (!group || typeof group !== 'object') continue;
    for (const [field, messages] of Object.entries(group)) out[field] = serverText(firstMessage(messages));
  }
  return out;
}

// One sentence for a failed request: the field errors if any, else the server's message.
export function errorSentence(err) {
  if (err?.name === 'NetworkError') return t('sup.offline_action');
  const fields = fieldErrors(err?.body);
  const parts = Object.values(fields);
  if (parts.length) return parts.join('; ');
  return serverText(err?.body?.message ?? err?.message ?? '');
}

// 2天3小时 / 3小时12分 / 12分 / 45秒: the two largest units.
export function duration(ms, lang = getLang()) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const u = lang === 'en' ? { d: 'd', h: 'h', m: 'min', s: 's' } : { d: '天', h: '小时', m: '分', s: '秒' };
  const sp = lang === 'en' ? ' ' : '';
  if (d) return `${d}${u.d}${h ? `${sp}${h}${u.h}` : ''}`;
  if (h) return `${h}${u.h}${m ? `${sp}${m}${u.m}` : ''}`;
  if (m) return `${m}${u.m}`;
  return `${sec}${u.s}`;
}

// h:mm:ss for a live countdown (hours may exceed 24).
export function clock(ms) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const p = (n) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

const ms = (iso) => (iso ? Date.parse(iso) : NaN);

// Where a report stands against its first-response limit (首次响应时限):
//   {state: 'answered', took}        acknowledged; took = ms from filing to acknowledgement
//   {state: 'running', left}         not yet acknowledged, time left
//   {state: 'overdue', over}         not acknowledged and past the limit
// `overdue` on an answered report says the answer came late.
export function slaState(report, now = Date.now()) {
  const due = ms(report.first_response_due);
  if (report.acknowledged_at || report.response_seconds != null) {
    const took = report.response_seconds != null
      ? report.response_seconds * 1000 : ms(report.acknowledged_at) - ms(report.reported_at);
    return { state: 'answered', took, late: Boolean(report.overdue) };
  }
  if (Number.isNaN(due)) return { state: 'unknown' };
  const left = due - now;
  return left >= 0 ? { state: 'running', left } : { state: 'overdue', over: -left };
}

export function slaText(report, now = Date.now()) {
  const s = slaState(report, now);
  if (s.state === 'answered') return t(s.late ? 'sup.sla_answered_late' : 'sup.sla_answered', { d: duration(s.took) });
  if (s.state === 'running') return t('sup.sla_left', { d: clock(s.left) });
  if (s.state === 'overdue') return t('sup.sla_over', { d: clock(s.over) });
  return '';
}

const OPEN = new Set(['new', 'acknowledged', 'referred']);

// The supervisor's list: what still waits for a first response first, mandatory and urgent
// ones before the rest, the closest deadline first; then open ones; closed ones last.
export function sortReports(reports) {
  const rank = (r) => {
    const waiting = !r.acknowledged_at && r.status === 'new' ? 0 : OPEN.has(r.status) ? 1 : 2;
    const weight = r.mandatory ? 0 : r.urgent ? 1 : 2;
    return [waiting, weight, waiting === 0 ? ms(r.first_response_due) : -ms(r.reported_at)];
  };
  return [...reports].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

export function waitingText(since, now = Date.now()) {
  const t0 = ms(since);
  return Number.isNaN(t0) ? '' : t('sup.waiting', { d: duration(now - t0) });
}

export const pct = (rate) => (rate == null || Number.isNaN(rate) ? '—' : `${Math.round(rate * 1000) / 10}%`);

// The grade shown for a minor in a supervisor's list: confirmed, else suggested (dashed).
export function shownGrade(minor) {
  if (!minor) return { grade: null, suggested: false };
  return minor.grade ? { grade: minor.grade, suggested: false } : { grade: minor.grade_suggested ?? null, suggested: Boolean(minor.grade_suggested) };
}

// Reasons the rules gave for the suggested grade (codes grade.<g>.<rule>), and the others.
export function splitReasons(reasons = []) {
  const grade = [];
  const other = [];
  for (const r of reasons ?? []) (String(r?.code ?? '').startsWith('grade.') ? grade : other).push(r);
  return { grade, other };
}

export const reasonOf = (r, lang = getLang()) => (lang === 'en' ? r?.en ?? r?.zh : r?.zh ?? r?.en) ?? '';

// Full years on `today` (YYYY-MM-DD) of a birth date, when the server did not send an age.
export function ageOf(birth, today = new Date().toISOString().slice(0, 10)) {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

// A password a person can read out over the phone: 12 characters without look-alikes.
export function newPassword(random = (n) => crypto.getRandomValues(new Uint32Array(n))) {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...random(12)].map((x) => alphabet[x % alphabet.length]).join('');
}
