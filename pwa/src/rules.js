// Categories (分类), suggested risk grades (分级) and the visit schedule, from the same
// rules.json the server evaluates (server/registry/rules.py), so a worker sees them while
// offline. This file mirrors rules.py function for function: change both or neither
// (tests/server/registry/test_rules_agreement.py compares them on random minors).
// The condition language and reason templates are described at the top of rules.py.
//
// Dates are 'YYYY-MM-DD' strings handled as calendar days ([y, m, d] integers), never
// through `new Date('YYYY-MM-DD')`, which is UTC midnight and shifts days in local time.

export const GRADES = ['red', 'orange', 'yellow', 'blue'];
const LANGS = ['zh', 'en'];
const COMPARE = ['lt', 'lte', 'gt', 'gte'];
const FIELD_OPS = new Set(['eq', 'in', 'has_any', ...COMPARE]);
const AGE_OPS = new Set(['age_lt', 'age_gte']);
const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const PLACEHOLDER_RE = /\{([^{}]+)\}/g;

const own = (obj, key) => obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key);
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// `base` with `override` on top; visit_interval_days is merged per grade.
export function mergeSettings(base, override) {
  const merged = structuredClone(base);
  for (const [key, value] of Object.entries(override ?? {})) {
    if (key === 'visit_interval_days' && isPlainObject(value)) {
      merged[key] = { ...(isPlainObject(merged[key]) ? merged[key] : {}), ...value };
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function daysInMonth(y, m) {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

// [y, m, d] from a strict 'YYYY-MM-DD' string; null if it is not a real calendar day.
export function parseDay(value) {
  if (typeof value !== 'string' || !DATE_RE.test(value)) return null;
  const y = Number(value.slice(0, 4));
  const m = Number(value.slice(5, 7));
  const d = Number(value.slice(8));
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return [y, m, d];
}

const pad = (n, width) => String(n).padStart(width, '0');
export const formatDay = ([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

function cmpDay(a, b) {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

const before = (a1, a2, b1, b2) => a1 < b1 || (a1 === b1 && a2 < b2);

function wholeYears(start, end) {
  return end[0] - start[0] - (before(end[1], end[2], start[1], start[2]) ? 1 : 0);
}

function wholeMonths(start, end) {
  return (end[0] - start[0]) * 12 + end[1] - start[1] - (end[2] < start[2] ? 1 : 0);
}

// Age in whole years on `today`; a 29 February birthday is reached on 1 March in a
// common year (see age_on in rules.py).
export function ageOn(birthDate, today) {
  const b = parseDay(birthDate);
  const t = parseDay(today);
  return b && t ? wholeYears(b, t) : null;
}

// Days since 1970-01-01 and back (H. Hinnant's civil calendar algorithms), so adding
// days never passes through a timezone.
function toDayNumber([y0, m, d]) {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(n) {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export const addDays = (day, n) => formatDay(fromDayNumber(toDayNumber(parseDay(day)) + n));

// Conditions.

const number = (v) => (typeof v === 'number' ? v : null);

// Strict equality of JSON scalars (rules.py's _same).
function same(a, b) {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null) return a === b;
  return typeof a === 'string' && typeof b === 'string' && a === b;
}

function get(ctx, name) {
  return own(ctx.minor, name) && ctx.minor[name] !== undefined ? ctx.minor[name] : null;
}

function setting(ctx, name) {
  return own(ctx.settings, name) && ctx.settings[name] !== undefined ? ctx.settings[name] : null;
}

function value(ctx, ref) {
  return typeof ref === 'string' && ref.startsWith('setting:')
    ? setting(ctx, ref.slice('setting:'.length))
    : ref;
}

function members(ctx, ref) {
  if (typeof ref === 'string' && ref.startsWith('set:')) {
    const name = ref.slice('set:'.length);
    if (!own(ctx.rules.sets, name)) throw new Error(`unknown set '${name}'`);
    return ctx.rules.sets[name];
  }
  if (Array.isArray(ref)) return ref;
  throw new Error(`expected a list or 'set:NAME', got ${JSON.stringify(ref)}`);
}

const asList = (v) => (Array.isArray(v) ? v : []);
const isIn = (v, list) => list.some((m) => same(v, m));

function compare(left, op, right) {
  const a = number(left);
  const b = number(right);
  if (a === null || b === null) return false;
  return { lt: a < b, lte: a <= b, gt: a > b, gte: a >= b }[op];
}

function fieldHolds(ctx, node) {
  const v = get(ctx, node.field);
  for (const [op, arg] of Object.entries(node)) {
    if (op === 'field') continue;
    let ok;
    if (op === 'eq') ok = same(v, value(ctx, arg));
    else if (op === 'in') ok = isIn(v, members(ctx, arg));
    else if (op === 'has_any') {
      const set = members(ctx, arg);
      ok = asList(v).some((x) => isIn(x, set));
    } else ok = compare(v, op, value(ctx, arg));
    if (!ok) return false;
  }
  return true;
}

function monthsSince(ctx, name) {
  const start = parseDay(get(ctx, name));
  if (start === null || cmpDay(start, ctx.today) > 0) return null;
  return wholeMonths(start, ctx.today);
}

function checkKeys(node, allowed) {
  const extra = Object.keys(node).filter((k) => !allowed.has(k)).sort();
  if (extra.length || !Object.keys(node).length) {
    throw new Error(`bad condition ${JSON.stringify(node)}: unexpected ${extra}`);
  }
}

// Does condition `node` hold for the minor in `ctx`? Throws if the rule is malformed.
function holds(ctx, node) {
  if (!isPlainObject(node)) throw new Error(`a condition must be an object: ${JSON.stringify(node)}`);
  if (own(node, 'all')) {
    checkKeys(node, new Set(['all']));
    return node.all.every((c) => holds(ctx, c));
  }
  if (own(node, 'any')) {
    checkKeys(node, new Set(['any']));
    return node.any.some((c) => holds(ctx, c));
  }
  if (own(node, 'not')) {
    checkKeys(node, new Set(['not']));
    return !holds(ctx, node.not);
  }
  if (own(node, 'field')) {
    checkKeys(node, new Set([...FIELD_OPS, 'field']));
    if (Object.keys(node).length < 2) throw new Error(`bad condition ${JSON.stringify(node)}: no operator`);
    return fieldHolds(ctx, node);
  }
  if (Object.keys(node).some((k) => AGE_OPS.has(k))) {
    checkKeys(node, AGE_OPS);
    return Object.entries(node).every(([op, n]) => compare(ctx.age, op.slice('age_'.length), value(ctx, n)));
  }
  if (own(node, 'months_since')) {
    checkKeys(node, new Set(['months_since', 'gte', 'lt']));
    const months = monthsSince(ctx, node.months_since);
    return Object.entries(node)
      .filter(([op]) => op !== 'months_since')
      .every(([op, n]) => compare(months, op, value(ctx, n)));
  }
  if (own(node, 'parents')) {
    checkKeys(node, new Set(['parents']));
    const [a, b] = node.parents.map((ref) => members(ctx, ref));
    const father = get(ctx, 'father_status');
    const mother = get(ctx, 'mother_status');
    return (isIn(father, a) && isIn(mother, b)) || (isIn(father, b) && isIn(mother, a));
  }
  if (own(node, 'setting')) {
    checkKeys(node, new Set(['setting']));
    return setting(ctx, node.setting) === true;
  }
  if (own(node, 'category')) {
    checkKeys(node, new Set(['category']));
    return ctx.categories.has(node.category);
  }
  throw new Error(`unknown condition ${JSON.stringify(node)}`);
}

// Reasons.

const fmt = (v) => (typeof v === 'boolean' || typeof v === 'number' ? String(v) : null);

function label(ctx, name, v, lang) {
  const key = typeof v === 'string' ? v : fmt(number(v));
  const labels = own(ctx.rules.labels, name) ? ctx.rules.labels[name] : {};
  if (key !== null && own(labels, key)) return labels[key][lang];
  return typeof v === 'string' ? v : ctx.rules.text.unknown[lang];
}

function placeholder(ctx, expr, lang) {
  let text;
  if (expr === 'age') text = fmt(ctx.age);
  else if (expr.startsWith('setting:')) text = fmt(setting(ctx, expr.slice('setting:'.length)));
  else if (expr.startsWith('months:')) text = fmt(monthsSince(ctx, expr.slice('months:'.length)));
  else if (expr.includes('|')) {
    const i = expr.indexOf('|');
    const name = expr.slice(0, i);
    // In the set's order (the order of the law), not the order the acts were ticked.
    const values = asList(get(ctx, name));
    const picked = members(ctx, `set:${expr.slice(i + 1)}`).filter((m) => isIn(m, values));
    const sep = ctx.rules.text.list_separator[lang];
    text = picked.map((v) => label(ctx, name, v, lang)).join(sep) || null;
  } else text = label(ctx, expr, get(ctx, expr), lang);
  return text === null ? ctx.rules.text.unknown[lang] : text;
}

function reason(ctx, code, texts) {
  const out = { code };
  for (const lang of LANGS) {
    out[lang] = texts[lang].replace(PLACEHOLDER_RE, (_, expr) => placeholder(ctx, expr, lang));
  }
  return out;
}

// Evaluation: {categories, sub_tags, grade_suggested, reasons, age}, as rules.py's
// Evaluation.to_dict(). `today` is 'YYYY-MM-DD'; `settings` overrides rules.settings.
export function evaluate(rules, minor, today, settings) {
  const day = parseDay(today);
  if (day === null) throw new Error(`today must be 'YYYY-MM-DD', got ${JSON.stringify(today)}`);
  const birth = parseDay(own(minor, 'birth_date') ? minor.birth_date : null);
  const age = birth !== null && cmpDay(birth, day) <= 0 ? wholeYears(birth, day) : null;
  const ctx = {
    minor: isPlainObject(minor) ? minor : {},
    today: day,
    age,
    settings: mergeSettings(rules.settings, settings),
    rules,
    categories: new Set(),
  };

  const reasons = [];
  if (age === null) {
    reasons.push(reason(ctx, 'age_unknown', rules.notices.age_unknown));
  } else if (compare(age, 'gte', setting(ctx, 'adult_age'))) {
    reasons.push(reason(ctx, 'aged_out', rules.notices.aged_out));
    return { categories: [], sub_tags: [], grade_suggested: null, reasons, age };
  }

  const categories = [];
  const subTags = [];
  for (const rule of rules.categories) {
    if (own(rule, 'when') && !holds(ctx, rule.when)) continue;
    if (own(rule, 'sub_tags')) {
      const matched = rule.sub_tags.filter((tag) => holds(ctx, tag.when));
      if (!matched.length) continue;
      for (const tag of matched) {
        subTags.push(tag.code);
        reasons.push(reason(ctx, `${rule.code}.${tag.code}`, tag.reason));
      }
    } else {
      reasons.push(reason(ctx, rule.code, rule.reason));
    }
    categories.push(rule.code);
  }
  ctx.categories = new Set(categories);

  let grade = null;
  for (const level of rules.grades) {
    const matched = level.triggers.filter((t) => holds(ctx, t.when));
    if (matched.length) {
      grade = level.code;
      for (const t of matched) reasons.push(reason(ctx, `grade.${grade}.${t.code}`, t.reason));
      break;
    }
  }
  return { categories, sub_tags: subTags, grade_suggested: grade, reasons, age };
}

// Derived categories corrected by hand ({add: {cat: reason}, remove: {cat: reason}}):
// removals first, then additions, so a category both added and removed stays. Given
// `rules`, the result follows rules.json's order (unknown codes last).
export function applyManual(categories, manual, rules) {
  const removed = isPlainObject(manual?.remove) ? manual.remove : {};
  const added = isPlainObject(manual?.add) ? manual.add : {};
  const out = categories.filter((c) => !Object.hasOwn(removed, c));
  for (const c of Object.keys(added)) if (!out.includes(c)) out.push(c);
  if (rules) {
    const order = new Map(rules.categories.map((rule, i) => [rule.code, i]));
    const rank = (c) => (order.has(c) ? order.get(c) : order.size);
    out.sort((a, b) => rank(a) - rank(b));
  }
  return out;
}

// The day ('YYYY-MM-DD') the next visit falls due: the last visit (else the registration
// day) plus the grade's interval; null without a grade, an interval or a day to count from.
export function nextVisitDue(rules, grade, lastVisit, registered, settings) {
  const intervals = mergeSettings(rules.settings, settings).visit_interval_days;
  const days = typeof grade === 'string' && own(intervals, grade) ? number(intervals[grade]) : null;
  const start = lastVisit || registered;
  if (days === null || days < 0 || !Number.isInteger(days) || !start) return null;
  if (parseDay(start) === null) throw new Error(`not a 'YYYY-MM-DD' day: ${JSON.stringify(start)}`);
  return addDays(start, days);
}
