// t('key', {n: 3}) in the chosen language, falling back to Chinese, then to the key.
import zh, { fields as zhFields, values as zhValues } from './zh-CN.js';
import en, { fields as enFields, values as enValues } from './en.js';

const LANGS = {
  'zh-CN': { text: zh, fields: zhFields, values: zhValues },
  en: { text: en, fields: enFields, values: enValues },
};
export const LANGUAGES = [['zh-CN', '中文'], ['en', 'English']];

const storage = globalThis.localStorage;
let lang = storage?.getItem('humiao.lang') ?? 'zh-CN';
if (!LANGS[lang]) lang = 'zh-CN';
const listeners = new Set();

export const getLang = () => lang;

export function setLang(next) {
  if (!LANGS[next] || next === lang) return;
  lang = next;
  storage?.setItem('humiao.lang', next);
  if (globalThis.document) document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const fill = (text, params) =>
  text.replace(/\{(\w+)\}/g, (m, k) => (params?.[k] !== undefined ? String(params[k]) : m));

// English counts: a key `k_one` holds the singular ("1 day overdue"); Chinese needs none.
export function t(key, params) {
  const one = Number(params?.n) === 1 ? LANGS[lang].text[`${key}_one`] : undefined;
  const text = one ?? LANGS[lang].text[key] ?? zh[key] ?? key;
  return params ? fill(text, params) : text;
}

// Lists: 、 between Chinese words, a comma between English ones.
export const listJoin = (items) => items.join(lang === 'en' ? ', ' : '、');

export function fieldLabel(field) {
  const base = field.split('.').at(-1);
  return LANGS[lang].fields[base] ?? zhFields[base] ?? field;
}

// Which dictionary of values a field uses (both parents share one list).
const VALUE_SET = { father_status: 'parent_status', mother_status: 'parent_status', kind: 'visit_kind' };

export function valueLabel(field, value, group) {
  if (value === null || value === undefined || value === '') return t('common.unknown');
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  const set = group ?? VALUE_SET[field] ?? field;
  return LANGS[lang].values[set]?.[value] ?? zhValues[set]?.[value] ?? String(value);
}

export function valueOptions(group) {
  return Object.keys(zhValues[group] ?? {});
}

// Punctuation that follows the language: full-width between Chinese words.
export const paren = (text) => (lang === 'en' ? ` (${text})` : `（${text}）`);

// A value in words, for notices: lists and set operations included.
export function describe(field, value) {
  if (Array.isArray(value)) return listJoin(value.map((v) => valueLabel(field, v))) || t('common.unknown');
  if (value && typeof value === 'object' && ('add' in value || 'remove' in value)) {
    const add = (value.add ?? []).map((v) => `+${valueLabel(field, v)}`);
    const remove = (value.remove ?? []).map((v) => `−${valueLabel(field, v)}`);
    return [...add, ...remove].join(' ');
  }
  if (field === 'findings' && value && typeof value === 'object') {
    return Object.entries(value)
      .map(([area, f]) => `${t(`finding.${area}`)}${t('common.colon')}${t(`visit.${f?.status ?? 'ok'}`)}${f?.note ? paren(f.note) : ''}`)
      .join(t('common.semicolon'));
  }
  if (value && typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDate(value, true);
  return valueLabel(field, value);
}

// "12月14日" this year; "2025年12月14日" any other year, so that last December does not read
// as the coming one.
export function formatDate(iso, withTime = false, now = new Date()) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, '0');
  const time = withTime ? ` ${p(d.getHours())}:${p(d.getMinutes())}` : '';
  if (lang === 'en') return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}${time}`;
  const year = d.getFullYear() === now.getFullYear() ? '' : `${d.getFullYear()}年`;
  return `${year}${d.getMonth() + 1}月${d.getDate()}日${time}`;
}

// Under one year a child's age is said in months (月龄), never "0岁".
export function ageText(birth, now = new Date()) {
  if (!birth) return null;
  const [y, m, d] = birth.split('-').map(Number);
  let months = (now.getFullYear() - y) * 12 + (now.getMonth() + 1 - m) - (now.getDate() < d ? 1 : 0);
  if (months < 0) months = 0;
  return months < 12 ? t('minor.age_months', { n: months }) : t('minor.age', { n: Math.floor(months / 12) });
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
}

// The server writes "中文 / English" (or "中文（…）/ English"); show the half in the reader's
// language. A slash inside Chinese ("低保/低收入") is not a separator: one needs a space and
// English after it.
const SEPARATOR = /\s*\/\s+(?=[A-Za-z])/;
export function serverText(text, lang = getLang()) {
  if (typeof text !== 'string') return text == null ? '' : String(text);
  const m = SEPARATOR.exec(text);
  if (!m) return text;
  return lang === 'en' ? text.slice(m.index + m[0].length) : text.slice(0, m.index);
}
