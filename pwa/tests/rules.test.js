// The JavaScript evaluator (pwa/src/rules.js) against the shared case table and the
// calendar edges of the visit schedule. Run with `node --test pwa/tests/`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { addDays, ageOn, applyManual, evaluate, GRADES, nextVisitDue, parseDay } from '../src/rules.js';

const readJson = (rel) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
const rules = readJson('../../server/registry/rules.json');
const { cases } = readJson('../../tests/cases/classification.json');

// The parts of an evaluation that a case states.
function outcome(result, expect) {
  const got = { categories: result.categories, grade_suggested: result.grade_suggested };
  if ('sub_tags' in expect) got.sub_tags = result.sub_tags;
  if ('age' in expect) got.age = result.age;
  if ('reason_codes' in expect) got.reason_codes = result.reasons.map((r) => r.code);
  return got;
}

describe('case table', () => {
  it('holds at least 60 cases', () => assert.ok(cases.length >= 60));
  for (const c of cases) {
    it(c.name, () => {
      const result = evaluate(rules, c.minor, c.today, c.settings);
      assert.deepEqual(outcome(result, c.expect), c.expect);
    });
  }
});

describe('evaluate', () => {
  it('explains in plain language', () => {
    const minor = {
      birth_date: '2015-03-01', father_status: 'incarcerated', mother_status: 'lost_contact',
    };
    const { reasons } = evaluate(rules, minor, '2025-06-15');
    const reason = reasons.find((r) => r.code === 'de_facto_unsupported');
    assert.equal(reason.zh, '父亲服刑在押 + 母亲失联 → 事实无人抚养儿童');
    assert.equal(reason.en, 'father incarcerated + mother lost contact -> de facto unsupported child');
  });

  it('never crashes on missing or ill-typed fields', () => {
    const odd = [
      {}, null, [], { birth_date: 20150301 }, { risk_flags: 'runaway', misbehavior: { drugs: 1 } },
      { birth_date: '2015-03-01', father_status: ['deceased'], mother_status: 'constructor' },
    ];
    for (const minor of odd) {
      const result = evaluate(rules, minor, '2025-06-15');
      assert.deepEqual(result.categories, []);
      assert.equal(result.grade_suggested, 'blue');
    }
  });

  it('rejects a day that is not YYYY-MM-DD', () => {
    assert.throws(() => evaluate(rules, {}, '2025-6-15'), /today/);
  });

  it('rejects a malformed rule instead of quietly not matching', () => {
    const broken = structuredClone(rules);
    broken.categories[0].when = { feild: 'hukou', eq: 'rural' };
    assert.throws(() => evaluate(broken, { birth_date: '2015-03-01' }, '2025-06-15'), /unknown condition/);
  });

  it('does not change the rules or the minor', () => {
    const before = JSON.stringify(rules);
    const minor = { birth_date: '2015-03-01', risk_flags: ['runaway'] };
    evaluate(rules, minor, '2025-06-15', { visit_interval_days: { red: 1 } });
    assert.equal(JSON.stringify(rules), before);
    assert.deepEqual(minor, { birth_date: '2015-03-01', risk_flags: ['runaway'] });
  });
});

describe('calendar days', () => {
  it('parses only real YYYY-MM-DD days', () => {
    assert.deepEqual(parseDay('2028-02-29'), [2028, 2, 29]);
    const bad = ['2027-02-29', '2025-13-01', '2025-04-31', '2025-6-1', '2025-06-01T00:00', '', null, 1];
    for (const value of bad) {
      assert.equal(parseDay(value), null, String(value));
    }
  });

  it('counts age birthday-exact, Feb 29 on Mar 1 in a common year', () => {
    assert.equal(ageOn('2009-06-15', '2025-06-14'), 15);
    assert.equal(ageOn('2009-06-15', '2025-06-15'), 16);
    assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
    assert.equal(ageOn('2008-02-29', '2026-03-01'), 18);
    assert.equal(ageOn('2008-02-29', '2028-02-29'), 20);
  });

  it('adds days across month ends, year ends and leap days in any timezone', () => {
    assert.equal(addDays('2025-01-31', 30), '2025-03-02');
    assert.equal(addDays('2024-01-31', 30), '2024-03-01');
    assert.equal(addDays('2025-12-30', 3), '2026-01-02');
    assert.equal(addDays('2028-02-27', 3), '2028-03-01');
    assert.equal(addDays('2028-02-26', 3), '2028-02-29');
    assert.equal(addDays('2100-02-28', 1), '2100-03-01');
    assert.equal(addDays('2000-02-28', 1), '2000-02-29');
    assert.equal(addDays('1970-01-01', -1), '1969-12-31');
  });
});

describe('nextVisitDue', () => {
  it('adds the grade interval to the last visit, else to the registration day', () => {
    assert.deepEqual(GRADES, rules.grades.map((g) => g.code));
    assert.equal(nextVisitDue(rules, 'red', '2025-12-30', null), '2026-01-02');
    assert.equal(nextVisitDue(rules, 'orange', null, '2025-06-01'), '2025-06-08');
    assert.equal(nextVisitDue(rules, 'yellow', '2028-02-29', '2020-01-01'), '2028-03-30');
    assert.equal(nextVisitDue(rules, 'blue', '2028-02-29', null), '2028-05-29');
  });

  it('follows a grade change and street settings', () => {
    assert.equal(nextVisitDue(rules, 'yellow', '2025-01-10', null), '2025-02-09');
    assert.equal(nextVisitDue(rules, 'red', '2025-01-10', null), '2025-01-13');
    const settings = { visit_interval_days: { red: 2 } };
    assert.equal(nextVisitDue(rules, 'red', '2025-02-27', null, settings), '2025-03-01');
    assert.equal(nextVisitDue(rules, 'yellow', '2025-02-27', null, settings), '2025-03-29');
  });

  it('is null without a grade, an interval or a day', () => {
    assert.equal(nextVisitDue(rules, null, '2025-01-10', null), null);
    assert.equal(nextVisitDue(rules, 'purple', '2025-01-10', null), null);
    assert.equal(nextVisitDue(rules, 'toString', '2025-01-10', null), null);
    assert.equal(nextVisitDue(rules, 'red', null, null), null);
  });
});

describe('applyManual', () => {
  it('removes, then adds, keeping the derived order unless given the rules', () => {
    const derived = ['left_behind', 'idle'];
    assert.deepEqual(applyManual(derived, undefined), derived);
    const manual = { add: { crime_victim: '派出所通报' }, remove: { idle: '已复学' } };
    assert.deepEqual(applyManual(derived, manual), ['left_behind', 'crime_victim']);
    assert.deepEqual(applyManual(['idle'], { add: { orphan: '民政认定' } }, rules), ['orphan', 'idle']);
    assert.deepEqual(applyManual(derived, { add: { idle: 'a' }, remove: { idle: 'b' } }), derived);
    assert.deepEqual(derived, ['left_behind', 'idle']);
  });
});
