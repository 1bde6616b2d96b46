import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  birthDateFromId, checkIdNumber, checkPhone, idCheckChar, isDate, serverErrors,
  validateHousehold, validateMinor, validateVisit,
} from '../src/validate.js';

// The GB 11643 example number and one made for a child born 2015-03-07.
const VALID_ID = '11010519491231002X';
const CHILD_ID = `110105201503070${'01'}`;
const childId = CHILD_ID + idCheckChar(CHILD_ID);
const TODAY = '2025-06-01';
const minor = (over = {}) => ({
  household_id: 'h1', name: '小明', gender: 'male', birth_date: '2015-03-07', ...over,
});

test('resident ID checksum follows GB 11643', () => {
  assert.equal(idCheckChar('11010519491231002'), 'X');
  assert.equal(checkIdNumber(VALID_ID), null);
  assert.equal(checkIdNumber(VALID_ID.toLowerCase()), null, 'a lower-case x is accepted');
  assert.equal(checkIdNumber('110105194912310021'), 'id_checksum');
  assert.equal(checkIdNumber('1101051949123100'), 'id_length');
  assert.equal(checkIdNumber('11010519491231A02X'), 'id_format');
  assert.equal(checkIdNumber('110105194902300024'), 'id_birth', '30 February is no date');
  assert.equal(birthDateFromId(VALID_ID), '1949-12-31');
});

test('phone numbers: mobile, landline, short service numbers', () => {
  for (const ok of ['13800138000', '0851-12345678', '085112345678', '110', '12345']) {
    assert.equal(checkPhone(ok), null, ok);
  }
  for (const bad of ['1380013800', '23800138000', '12-34', 'abc']) assert.equal(checkPhone(bad), 'phone', bad);
});

test('dates are real calendar dates', () => {
  assert.ok(isDate('2024-02-29'));
  assert.ok(!isDate('2023-02-29'));
  assert.ok(!isDate('2023-2-1'));
});

test('household: required fields and phone', () => {
  assert.deepEqual(validateHousehold({}, { today: TODAY }), {
    grid_id: 'required', address: 'required', head_name: 'required',
  });
  assert.deepEqual(validateHousehold({ grid_id: 5, address: 'x', head_name: ' ', phone: '12' }, { today: TODAY }), {
    head_name: 'required', phone: 'phone',
  });
  assert.deepEqual(validateHousehold({ grid_id: 5, address: 'x', head_name: 'y', lat: 91 }), { lat: 'coordinate' });
  assert.deepEqual(validateHousehold({ grid_id: 5, address: 'x'.repeat(201), head_name: '张'.repeat(51) }), {
    address: 'too_long_200', head_name: 'too_long_50',
  });
});

test('minor: required fields, birth date not in the future, ID consistent with it', () => {
  assert.deepEqual(validateMinor({}, { today: TODAY }), {
    household_id: 'required', name: 'required', gender: 'required', birth_date: 'required',
  });
  assert.deepEqual(validateMinor(minor(), { today: TODAY }), {});
  assert.deepEqual(validateMinor(minor({ birth_date: '2026-01-01' }), { today: TODAY }), { birth_date: 'future' });
  assert.deepEqual(validateMinor(minor({ id_number: childId }), { today: TODAY }), {});
  assert.deepEqual(validateMinor(minor({ id_number: VALID_ID }), { today: TODAY }), {
    birth_date: 'id_birth_mismatch',
  });
  const wrongCheck = childId.slice(0, 17) + (childId[17] === '0' ? '1' : '0');
  assert.deepEqual(validateMinor(minor({ id_number: wrongCheck }), { today: TODAY }), {
    id_number: 'id_checksum',
  });
  assert.deepEqual(validateMinor(minor({ gender: 'boy' }), { today: TODAY }), { gender: 'choice' });
});

test('minor: cross-field rules mirror the server schema', () => {
  assert.deepEqual(validateMinor(minor({ out_of_school_since: '2014-01-01' }), { today: TODAY }), {
    out_of_school_since: 'before_birth',
  });
  assert.deepEqual(validateMinor(minor({ disability_grade: 2, health: 'healthy' }), { today: TODAY }), {
    health: 'disability_grade_needs',
  });
  assert.deepEqual(validateMinor(minor({ disability_grade: 5, health: 'disability' }), { today: TODAY }), {
    disability_grade: 'range_1_4',
  });
});

test('visit: a concern needs a note; not in the future', () => {
  const v = { minor_id: 'm', visited_at: '2025-05-30T10:00:00Z', kind: 'home',
    findings: { living: { status: 'concern', note: '' }, health: { status: 'ok' } } };
  assert.deepEqual(validateVisit(v, { today: TODAY }), { 'findings.living': 'concern_note' });
  assert.deepEqual(validateVisit({ ...v, findings: {}, summary: '家中一切正常，学习良好', visited_at: '2025-07-01T00:00:00Z' },
    { today: TODAY }), { visited_at: 'future_time' });
});

test('visit: a visit says something (a finding marked, or a summary of 10 characters)', () => {
  const v = { minor_id: 'm', visited_at: '2025-05-30T10:00:00Z', kind: 'home', findings: {} };
  assert.deepEqual(validateVisit(v, { today: TODAY }), { summary: 'visit_empty' });
  assert.deepEqual(validateVisit({ ...v, summary: '正常' }, { today: TODAY }), { summary: 'visit_empty' });
  assert.deepEqual(validateVisit({ ...v, summary: '孩子在家写作业，奶奶在做饭' }, { today: TODAY }), {});
  assert.deepEqual(validateVisit({ ...v, findings: { health: { status: 'ok' } } }, { today: TODAY }), {});
});

test('server errors in marshmallow shape flatten to one message per field', () => {
  assert.deepEqual(serverErrors({ name: ['太长', 'too long'], findings: { living: ['bad'] } }), {
    name: '太长 too long', 'findings.living': 'bad',
  });
});

test('a server message "中文 / English" shows only the half of the reader\'s language', async () => {
  const { setLang } = await import('../src/i18n/index.js');
  const answer = { id_number: ['身份证号码校验位错误，请核对 / The check digit is wrong: please re-check the number.'] };
  assert.deepEqual(serverErrors(answer), { id_number: '身份证号码校验位错误，请核对' });
  setLang('en');
  try {
    assert.deepEqual(serverErrors(answer), { id_number: 'The check digit is wrong: please re-check the number.' });
  } finally {
    setLang('zh-CN');
  }
});

test('the phone words the ID checks exactly as the server does (full-width ，)', async () => {
  const { readFile } = await import('node:fs/promises');
  const { t } = await import('../src/i18n/index.js');
  const source = await readFile(new URL('../../server/registry/idnumber.py', import.meta.url), 'utf8');
  const server = [...source.matchAll(/return "([^"/]+?) \//g)].map((m) => m[1]);
  assert.ok(server.length >= 4, 'the server\'s ID messages were found');
  const phone = ['id_length', 'id_format', 'id_birth', 'id_checksum'].map((code) => t(`err.${code}`));
  assert.deepEqual(phone.sort(), server.sort());
});
