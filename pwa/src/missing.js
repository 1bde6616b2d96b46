// Which unanswered questions keep a rule from deciding: "缺少户籍类型，无法判断是否为农村留守儿童".
// A category the minor does not get, but would get for some answer to the blank fields its
// rule reads, is undecided, not absent. Only a few blanks are named (a new, empty form
// would otherwise list every rule).
import { evaluate } from './rules.js';

const MAX_BLANKS = 2;
// The questions a worker is expected to answer; sets, flags and follow-up dates are not
// "missing" when empty.
const QUESTIONS = new Set([
  'birth_date', 'hukou', 'lives_with_parents', 'father_status', 'mother_status', 'school_status', 'caregiver',
  'caregiver_capable', 'poverty', 'health',
]);
const MAX_TRIES = 400;

const blank = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const isoDay = (d) => d.toISOString().slice(0, 10);

function yearsBefore(today, years) {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - 30);
  return isoDay(d);
}

function monthsBefore(today, months) {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return isoDay(d);
}

// field -> candidate values, from what the condition tests.
function collect(node, rules, today, out) {
  const add = (field, values) => {
    if (!out.has(field)) out.set(field, new Set());
    for (const v of values) out.get(field).add(v);
  };
  const setOf = (ref) => (typeof ref === 'string' && ref.startsWith('set:') ? rules.sets[ref.slice(4)] ?? [] : Array.isArray(ref) ? ref : [ref]);
  if (!node || typeof node !== 'object') return out;
  for (const key of ['all', 'any']) if (Array.isArray(node[key])) node[key].forEach((c) => collect(c, rules, today, out));
  if (node.not) collect(node.not, rules, today, out);
  if (node.field) {
    if ('eq' in node) add(node.field, typeof node.eq === 'string' && node.eq.startsWith('setting:') ? [] : [node.eq]);
    if ('in' in node) add(node.field, setOf(node.in));
    if ('has_any' in node) add(node.field, setOf(node.has_any).map((v) => [v]));
    if (typeof node.eq === 'boolean') add(node.field, [true, false]);
  }
  if ('age_lt' in node || 'age_gte' in node) add('birth_date', [3, 7, 10, 14, 15, 17].map((y) => yearsBefore(today, y)));
  if (node.months_since) add(node.months_since, [monthsBefore(today, 1), monthsBefore(today, 7), monthsBefore(today, 13)]);
  if (Array.isArray(node.parents)) {
    const values = node.parents.flatMap(setOf);
    add('father_status', values);
    add('mother_status', values);
  }
  return out;
}

function* combinations(fields, candidates) {
  if (!fields.length) { yield {}; return; }
  const [first, ...rest] = fields;
  for (const v of candidates.get(first)) for (const tail of combinations(rest, candidates)) yield { [first]: v, ...tail };
}

// [{category, fields}] for the categories the blank answers leave undecided.
export function undecided(rules, minor, today, settings) {
  if (!rules?.categories) return [];
  let decided;
  try {
    decided = new Set(evaluate(rules, minor, today, settings).categories);
  } catch {
    return [];
  }
  const out = [];
  for (const rule of rules.categories) {
    if (decided.has(rule.code) || !rule.when) continue;
    const candidates = collect(rule.when, rules, today, new Map());
    const asked = [...candidates.keys()].filter((f) => QUESTIONS.has(f) && candidates.get(f).size);
    const blanks = asked.filter((f) => blank(minor?.[f]));
    // Only where the worker has begun: some of the rule's questions answered, one or two not.
    if (!blanks.length || blanks.length > MAX_BLANKS || blanks.length === asked.length) continue;
    let tries = 0;
    for (const answer of combinations(blanks, candidates)) {
      if (++tries > MAX_TRIES) break;
      let result;
      try {
        result = evaluate(rules, { ...minor, ...answer }, today, settings);
      } catch {
        continue;
      }
      if (result.categories.includes(rule.code)) {
        out.push({ category: rule.code, fields: blanks });
        break;
      }
    }
  }
  return out;
}
