import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { assess, countByGrade, displayGrade, dueList, effectiveDue, latestVisitDays } from '../src/classify.js';

const rules = JSON.parse(readFileSync(new URL('../../server/registry/rules.json', import.meta.url), 'utf8'));
const bundle = { rules, settings: {} };
const TODAY = '2025-06-10';

const minor = (id, grade, due, extra = {}) => ({ id, name: id, grade, next_visit_due: due, ...extra });

test('due list: overdue first, then due today, then the week; red first within each', () => {
  const rows = dueList([
    minor('blue-late', 'blue', '2025-06-01'),
    minor('yellow-soon', 'yellow', '2025-06-15'),
    minor('red-today', 'red', '2025-06-10'),
    minor('yellow-late', 'yellow', '2025-06-05'),
    minor('far', 'orange', '2025-07-30'),
    minor('no-date', 'red', null),
    minor('gone', 'red', '2025-06-01', { _deleted: true }),
  ], [], bundle, TODAY);
  assert.deepEqual(rows.map((r) => r.minor.id), ['yellow-late', 'blue-late', 'red-today', 'yellow-soon']);
  assert.deepEqual(rows.map((r) => r.days), [-5, -9, 0, 5]);
});

test('a visit logged on the phone moves the due date before the server knows of it', () => {
  const m = minor('m', 'orange', '2025-06-03', { last_visit_at: '2025-05-27' });
  assert.equal(effectiveDue(m, [], bundle), '2025-06-03');
  const visit = { minor_id: 'm', visited_at: '2025-06-08T02:00:00Z' };
  assert.equal(effectiveDue(m, [visit], bundle), '2025-06-15', 'weekly for orange');
  assert.equal(effectiveDue(m, [{ ...visit, visited_at: '2025-05-20T02:00:00Z' }], bundle), '2025-06-03',
    'an older visit changes nothing');
});

test('live assessment on the phone, and the grade shown in lists', () => {
  const child = {
    birth_date: '2015-03-07', hukou: 'rural', lives_with_parents: 'neither',
    father_status: 'migrant_away', mother_status: 'migrant_away', misbehavior: [], risk_flags: [],
  };
  const result = assess(child, bundle, TODAY);
  assert.deepEqual(result.categories, ['left_behind']);
  assert.equal(result.grade_suggested, 'yellow');
  assert.ok(result.reasons.some((r) => r.zh.includes('留守')));
  assert.equal(assess(child, null), null, 'no rules cached yet: no guess');
  assert.deepEqual(displayGrade({ ...child, _v: 0 }, bundle), { grade: 'yellow', suggested: true });
  assert.deepEqual(displayGrade({ grade: 'red', _v: 3 }, bundle), { grade: 'red', suggested: false });
  assert.deepEqual(displayGrade({ grade: null, grade_suggested: null, _v: 3 }, bundle), { grade: null, suggested: false });
  assert.deepEqual(countByGrade([{ grade: 'red' }, { grade_suggested: 'blue' }, {}]), {
    red: 1, orange: 0, yellow: 0, blue: 1, none: 1,
  });
});

test('latestVisitDays keeps each minor\'s latest live visit', () => {
  const latest = latestVisitDays([
    { minor_id: 'a', visited_at: '2026-11-01T12:00:00Z' },
    { minor_id: 'a', visited_at: '2026-11-20T12:00:00Z' },
    { minor_id: 'a', visited_at: '2026-11-25T12:00:00Z', _deleted: true },
    { minor_id: 'a', visited_at: '2026-11-10T12:00:00Z' },
    { minor_id: 'b', visited_at: '2026-10-05T12:00:00Z' },
  ]);
  assert.equal(latest.get('a'), '2026-11-20');
  assert.equal(latest.get('b'), '2026-10-05');
  assert.equal(latest.has('c'), false);
});
