// The code lists on the phone: codes.js (generated from server/core/codes.py; the Python test
// tests/server/core/test_codes.py fails when it is stale) is what the form and the labels read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { CODES, codesOf } from '../src/codes.js';
import { setLang, valueLabel } from '../src/i18n/index.js';
import { MINOR_SECTIONS, MISBEHAVIOR_SERIOUS, OTHER_KINDS } from '../src/schema.js';

test('every label the app shows for a code is the one in codes.js, in both languages', () => {
  for (const [lang, key] of [['zh-CN', 'zh'], ['en', 'en']]) {
    setLang(lang);
    for (const [list, entries] of Object.entries(CODES)) {
      for (const [code, entry] of Object.entries(entries)) assert.equal(valueLabel(list, code), entry[key], `${list}.${code}`);
    }
  }
  setLang('zh-CN');
  assert.equal(valueLabel('father_status', 'divorced_away'), '离异不在身边');
  assert.equal(valueLabel('grade', 'ungraded'), '未定级');
});

test('the minor form offers the lists in their order', () => {
  const fields = Object.fromEntries(MINOR_SECTIONS.flatMap(([, f]) => f).map((f) => [f.name, f]));
  assert.deepEqual(fields.mother_status.values, codesOf('parent_status'));
  assert.deepEqual(fields.caregiver.values, codesOf('caregiver'));
  assert.deepEqual(fields.misbehavior.values, codesOf('misbehavior'));
  assert.deepEqual(MISBEHAVIOR_SERIOUS, codesOf('misbehavior_serious'));
  assert.deepEqual(OTHER_KINDS, ['bullying', 'runaway', 'neglect', 'early_marriage', 'other']);
});

test('the service worker precaches codes.js', () => {
  const self = {};
  new Function('self', readFileSync(new URL('../precache-manifest.js', import.meta.url), 'utf8'))(self);
  assert.ok(self.PRECACHE.files['src/codes.js']);
});

test('dates carry their year unless it is the current one', async () => {
  const { formatDate } = await import('../src/i18n/index.js');
  const now = new Date('2026-03-01T12:00:00');
  assert.equal(formatDate('2025-12-14', false, now), '2025年12月14日');
  assert.equal(formatDate('2026-02-03', false, now), '2月3日');
});
