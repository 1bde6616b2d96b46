import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compare, format, parse, receive, tick } from '../src/hlc.js';

test('tick follows the wall clock when it moves forward', () => {
  const s = tick(undefined, 1000);
  assert.deepEqual(s, { wall: 1000, counter: 0 });
  assert.deepEqual(tick(s, 2000), { wall: 2000, counter: 0 });
});

test('tick counts up when the phone clock stalls or goes back', () => {
  let s = tick(undefined, 5000);
  s = tick(s, 5000);
  assert.deepEqual(s, { wall: 5000, counter: 1 });
  s = tick(s, 3000); // the user set the date back
  assert.deepEqual(s, { wall: 5000, counter: 2 });
  assert.equal(compare(format(s, 'd'), format({ wall: 5000, counter: 1 }, 'd')), 1);
});

test('format and parse round-trip, node may contain colons', () => {
  const text = format({ wall: 1764430000000, counter: 7 }, 'dev:ice');
  assert.equal(text, '1764430000000:7:dev:ice');
  assert.deepEqual(parse(text), { wall: 1764430000000, counter: 7, node: 'dev:ice' });
  assert.throws(() => parse('12:x:node'));
  assert.throws(() => parse('12:3'));
});

test('compare orders as (int, int, str), not as strings', () => {
  assert.equal(compare('9:0:a', '10:0:a'), -1); // a string compare would say 9 > 10
  assert.equal(compare('10:2:a', '10:10:a'), -1);
  assert.equal(compare('10:1:b', '10:1:a'), 1);
  assert.equal(compare('10:1:a', '10:1:a'), 0);
});

test('receive orders local events after a remote one from the future', () => {
  const local = { wall: 1000, counter: 3 };
  const after = receive(local, '5000:2:server', 1200);
  assert.deepEqual(after, { wall: 5000, counter: 3 });
  assert.equal(compare(format(tick(after, 1300), 'me'), '5000:2:server'), 1);
  assert.deepEqual(receive({ wall: 10, counter: 4 }, '10:9:x', 5), { wall: 10, counter: 10 });
  assert.deepEqual(receive({ wall: 10, counter: 4 }, '8:9:x', 50), { wall: 50, counter: 0 });
});
