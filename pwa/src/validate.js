// Validation on the phone, mirroring the server's schemas so that a worker in a village
// with no signal learns about a mistake while the family is still in front of her.
// Validators return {field: code}; i18n turns codes into words (`err.<code>`).

import { codesOf } from './codes.js';
import { serverText } from './i18n/index.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export const GENDERS = codesOf('gender');

export function todayISO(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

// A real calendar date in YYYY-MM-DD (rejects 2023-02-30).
export function isDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text ?? ''));
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// GB 11643-1999 check character of a resident ID number.
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function birthDateFromId(id) {
  const s = String(id ?? '');
  if (s.length !== 18) return null;
  const date = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  return isDate(date) ? date : null;
}

// null when valid, else the error code; the same checks, in the same order, as
// server/registry/idnumber.py so that the phone and the server give the same message.
export function checkIdNumber(id) {
  const s = String(id ?? '').trim().toUpperCase();
  if (s.length !== 18) return 'id_length';
  if (!/^\d{17}[\dX]$/.test(s)) return 'id_format';
  if (!birthDateFromId(s)) return 'id_birth';
  if (idCheckChar(s) !== s[17]) return 'id_checksum';
  return null;
}

// The server's pattern: mobile, landline with area code, or a short service number.
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{3,5})$/;

export function checkPhone(phone) {
  return PHONE.test(String(phone ?? '').trim()) ? null : 'phone';
}

const blank = (v) => v === undefined || v === null || String(v).trim() === '';

function required(record, fields, errors) {
  for (const f of fields) if (blank(record[f])) errors[f] = 'required';
}

// The server's length limits (server/registry/schemas.py), so a rejection is rare.
const MAX_LENGTH = {
  address: 200, head_name: 50, phone: 20, notes: 2000, name: 50, school: 100, disability_kind: 30,
  father_evidence: 1000, mother_evidence: 1000,
};

function lengths(record, errors) {
  for (const [field, max] of Object.entries(MAX_LENGTH)) {
    if (!errors[field] && typeof record[field] === 'string' && record[field].length > max) {
      errors[field] = `too_long_${max}`;
    }
  }
}

function checkPastDate(record, field, today, errors) {
  if (blank(record[field]) || errors[field]) return;
  if (!isDate(record[field])) errors[field] = 'date';
  else if (record[field] > today) errors[field] = 'future';
}

export function validateHousehold(h, { today = todayISO() } = {}) {
  const errors = {};
  required(h, ['grid_id', 'address', 'head_name'], errors);
  if (!blank(h.phone)) {
    const e = checkPhone(h.phone);
    if (e) errors.phone = e;
  }
  for (const [f, lo, hi] of [['lat', -90, 90], ['lng', -180, 180]]) {
    if (!blank(h[f]) && !(Number(h[f]) >= lo && Number(h[f]) <= hi)) errors[f] = 'coordinate';
  }
  if (!blank(h.surveyed_at) && String(h.surveyed_at).slice(0, 10) > today) {
    errors.surveyed_at = 'future_time';
  }
  lengths(h, errors);
  return errors;
}

export function validateMinor(m, { today = todayISO() } = {}) {
  const errors = {};
  required(m, ['household_id', 'name', 'gender', 'birth_date'], errors);
  if (!blank(m.gender) && !GENDERS.includes(m.gender)) errors.gender = 'choice';
  checkPastDate(m, 'birth_date', today, errors);
  if (!blank(m.id_number)) {
    const e = checkIdNumber(m.id_number);
    if (e) errors.id_number = e;
    else if (!errors.birth_date && !blank(m.birth_date)
      && birthDateFromId(String(m.id_number).trim().toUpperCase()) !== m.birth_date) {
      errors.birth_date = 'id_birth_mismatch';
    }
  }
  for (const f of ['out_of_school_since', 'father_status_since', 'mother_status_since']) {
    checkPastDate(m, f, today, errors);
  }
  if (!errors.out_of_school_since && !blank(m.out_of_school_since) && !errors.birth_date
    && !blank(m.birth_date) && m.out_of_school_since < m.birth_date) {
    errors.out_of_school_since = 'before_birth';
  }
  if (!blank(m.disability_grade)) {
    if (![1, 2, 3, 4].includes(Number(m.disability_grade))) errors.disability_grade = 'range_1_4';
    else if (!blank(m.health) && m.health !== 'disability') errors.health = 'disability_grade_needs';
  }
  lengths(m, errors);
  return errors;
}

export function validateVisit(v, { today = todayISO() } = {}) {
  const errors = {};
  required(v, ['minor_id', 'visited_at', 'kind'], errors);
  if (!blank(v.visited_at) && String(v.visited_at).slice(0, 10) > today) {
    errors.visited_at = 'future_time';
  }
  for (const [area, finding] of Object.entries(v.findings ?? {})) {
    if (finding?.status === 'concern' && blank(finding.note)) errors[`findings.${area}`] = 'concern_note';
  }
  // A visit says something: a finding marked, or a summary worth reading (nothing is
  // "normal" by default, so an empty visit cannot be three taps).
  const marked = Object.values(v.findings ?? {}).some((f) => f?.status === 'ok' || f?.status === 'concern');
  if (!marked && String(v.summary ?? '').trim().length < SUMMARY_MIN) errors.summary = 'visit_empty';
  return errors;
}

export const SUMMARY_MIN = 10;

// A measure names what is done and who answers for it (a user of the area or a member unit).
export function validateMeasure(m) {
  const errors = {};
  required(m, ['minor_id', 'kind', 'description'], errors);
  if (blank(m.responsible_user_id) && blank(m.responsible_unit)) errors.responsible_unit = 'responsible';
  if (!blank(m.due_date) && !isDate(m.due_date)) errors.due_date = 'date';
  return errors;
}

export function validateReport(r) {
  const errors = {};
  required(r, ['area_id', 'kind', 'description'], errors);
  const age = r.child_age;
  if (age !== null && age !== undefined && age !== '' && !(Number.isInteger(age) && age >= 0 && age <= 17)) {
    errors.child_age = 'child_age';
  }
  if (!blank(r.reporter_phone) && checkPhone(r.reporter_phone)) errors.reporter_phone = 'phone';
  return errors;
}

// The server answers rejections in marshmallow's shape {field: [message, ...]} (or nested
// dicts); flatten to {field: "message"} for the form, each "中文 / English" message in the
// reader's language only.
export function serverErrors(errors) {
  const out = {};
  const walk = (value, path) => {
    if (Array.isArray(value)) {
      if (value.every((x) => typeof x === 'string')) out[path] = value.map((x) => serverText(x)).join(' ');
      else value.forEach((x, i) => walk(x, `${path}.${i}`));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (value !== undefined && value !== null) {
      out[path] = serverText(String(value));
    }
  };
  walk(errors ?? {}, '');
  return out;
}
