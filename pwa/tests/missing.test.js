import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { undecided } from '../src/missing.js';

const rules = JSON.parse(readFileSync(new URL('../../server/registry/rules.json', import.meta.url)));
const TODAY = '2026-06-10';

test('a blank hukou leaves left-behind undecided, and says so', () => {
  const child = {
    birth_date: '2016-03-07', lives_with_parents: 'neither', father_status: 'migrant_away',
    mother_status: 'migrant_away', misbehavior: [], risk_flags: [],
  };
  assert.deepEqual(undecided(rules, child, TODAY), [{ category: 'left_behind', fields: ['hukou'] }]);
  assert.deepEqual(undecided(rules, { ...child, hukou: 'urban' }, TODAY), []);
  assert.deepEqual(undecided(rules, { ...child, hukou: 'rural' }, TODAY), []);
});

test('an empty form names nothing', () => {
  assert.deepEqual(undecided(rules, { misbehavior: [], risk_flags: [] }, TODAY), []);
});
