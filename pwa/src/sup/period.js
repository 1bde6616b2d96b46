// Periods of the statistics screen as the API takes them (?from=YYYY-MM-DD&to=YYYY-MM-DD), and
// the drill-down path of an area. Pure: unit-tested.

const p2 = (n) => String(n).padStart(2, '0');
const iso = (y, m, d) => `${y}-${p2(m)}-${p2(d)}`;
const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export const PRESETS = ['month', 'last_month', 'quarter', 'year'];

// {from, to} of a preset, relative to `today` (YYYY-MM-DD, the street's calendar day).
export function presetPeriod(name, today) {
  const [y, m] = today.split('-').map(Number);
  if (name === 'last_month') {
    const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
    return { from: iso(py, pm, 1), to: iso(py, pm, lastDay(py, pm)) };
  }
  if (name === 'quarter') {
    const first = Math.floor((m - 1) / 3) * 3 + 1;
    return { from: iso(y, first, 1), to: iso(y, first + 2, lastDay(y, first + 2)) };
  }
  if (name === 'year') return { from: iso(y, 1, 1), to: iso(y, 12, 31) };
  return { from: iso(y, m, 1), to: iso(y, m, lastDay(y, m)) };
}

// A month (YYYY-MM) as a period.
export function monthPeriod(month) {
  const [y, m] = month.split('-').map(Number);
  return { from: iso(y, m, 1), to: iso(y, m, lastDay(y, m)) };
}

export function periodQuery({ from, to }, areaId) {
  const q = new URLSearchParams();
  if (areaId) q.set('area_id', String(areaId));
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  return q.toString();
}

// The chain from the top of the user's scope down to `areaId`, from a flat list of areas
// with parent ids (GET /api/areas answers the scope with its ancestors).
export function areaTrail(areas, areaId) {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const trail = [];
  let at = byId.get(Number(areaId));
  while (at) {
    trail.unshift(at);
    at = at.parent_id == null ? null : byId.get(at.parent_id);
  }
  return trail;
}

// Today as the street's calendar day; the server's answers carry it in `period.today`.
export function localToday(date = new Date()) {
  return iso(date.getFullYear(), date.getMonth() + 1, date.getDate());
}
