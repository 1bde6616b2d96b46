// The supervisors' shared choice lists (areas, workers): one request per login, always handed
// to a screen that asks, retried after a failure, never carried over to the next login.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createChoices } from '../src/sup/choices.js';

function server() {
  const calls = [];
  const fetchList = () => new Promise((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, fetchList };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

test('screens asking at once share one request and all get the answer', async () => {
  const choices = createChoices();
  const { calls, fetchList } = server();
  const a = choices.load(1, 'areas', fetchList);
  const b = choices.load(1, 'areas', fetchList);
  await settle();
  assert.equal(calls.length, 1);
  calls[0].resolve([{ id: 7 }]);
  assert.deepEqual(await a, [{ id: 7 }]);
  assert.deepEqual(await b, [{ id: 7 }]);
  assert.deepEqual(choices.peek(1, 'areas'), [{ id: 7 }]);
});

test('a screen that rendered before the list arrived is still handed it when it asks after', async () => {
  // The users screen's area picker: it renders (nothing known yet), the list screen's request
  // answers, and only then does the picker's effect run. It must not be left with nothing.
  const choices = createChoices();
  const { calls, fetchList } = server();
  const listScreen = choices.load(1, 'areas', fetchList);
  const firstRender = choices.peek(1, 'areas');
  assert.equal(firstRender, undefined);
  await settle();
  calls[0].resolve([{ id: 7 }]);
  await listScreen;
  assert.deepEqual(await choices.load(1, 'areas', fetchList), [{ id: 7 }]);
  assert.equal(calls.length, 1, 'answered from memory, no second request');
});

test('a failed read is not remembered: the next ask tries again', async () => {
  const choices = createChoices();
  const { calls, fetchList } = server();
  const first = choices.load(1, 'areas', fetchList);
  await settle();
  calls[0].reject(Object.assign(new Error('offline'), { name: 'NetworkError' }));
  await assert.rejects(first, /offline/);
  assert.equal(choices.peek(1, 'areas'), undefined);
  const again = choices.load(1, 'areas', fetchList);
  await settle();
  assert.equal(calls.length, 2);
  calls[1].resolve([]);
  assert.deepEqual(await again, []);
});

test('a new login starts empty, and a late answer for the previous one is not kept', async () => {
  const choices = createChoices();
  const { calls, fetchList } = server();
  const admins = choices.load('admin', 'areas', fetchList);
  await settle();
  const officers = choices.load('village1', 'areas', fetchList);
  await settle();
  assert.equal(calls.length, 2);
  calls[0].resolve([{ id: 1 }, { id: 2 }, { id: 3 }]);
  await admins;
  assert.equal(choices.peek('village1', 'areas'), undefined, "the admin's list is not the officer's");
  calls[1].resolve([{ id: 2 }]);
  assert.deepEqual(await officers, [{ id: 2 }]);
  assert.deepEqual(choices.peek('village1', 'areas'), [{ id: 2 }]);
  assert.equal(choices.peek('admin', 'areas'), undefined);
});
