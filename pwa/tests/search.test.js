import assert from 'node:assert/strict';
import { test } from 'node:test';

import { initials, matches, naturalCompare, searchText } from '../src/search.js';

test('pinyin initials of common names', () => {
  assert.equal(initials('王小雨'), 'wxy');
  assert.equal(initials('刘强'), 'lq');
  assert.equal(initials('荣日'), 'rr');
  assert.equal(initials('欧阳娜'), 'oyn');
  assert.equal(initials('A3'), 'a3');
});

test('a query matches names, initials, addresses and the ID tail', () => {
  const text = searchText({ names: ['王小雨', '王建国'], texts: ['李庄村11号'], idTails: ['************1234'] });
  assert.ok(matches(text, 'wxy'));
  assert.ok(matches(text, 'WJG'));
  assert.ok(matches(text, '小雨'));
  assert.ok(matches(text, '李庄 11号'));
  assert.ok(matches(text, '1234'));
  assert.ok(!matches(text, 'zs'));
});

test('addresses sort naturally', () => {
  const sorted = ['100号', '11号', '2号'].sort(naturalCompare);
  assert.deepEqual(sorted, ['2号', '11号', '100号']);
});
