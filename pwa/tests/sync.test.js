import assert from 'node:assert/strict';
import { test } from 'node:test';

import { getMeta, getRecord, outboxCounts, outboxFor, noticesFor } from '../src/db.js';
import { reapplyNotice, saveRecord } from '../src/outbox.js';
import { SyncClient } from '../src/sync.js';
import { FakeServer, fakeApi, httpError, networkError } from './fake_server.js';
import { freshDB, uuid } from './helpers.js';

async function setup({ faults = [], ...options } = {}) {
  const db = await freshDB();
  const server = new FakeServer();
  const api = fakeApi(server, faults);
  const sleeps = [];
  const client = new SyncClient({
    db, api, sleep: async (ms) => { sleeps.push(ms); }, random: () => 1, now: () => 1_700_000_000_000, ...options,
  });
  return { db, server, api, client, sleeps };
}

const onPush = (phase, error) => ({ phase, match: (m, p) => p === '/api/sync/push', error });
const onPull = (phase, error) => ({ phase, match: (m, p) => p === '/api/sync/pull', error });

test('push sends the wire shape of DESIGN §5, then pull confirms', async () => {
  const { db, server, client } = await setup();
  const id = uuid();
  await saveRecord(db, 'minor', { id, household_id: 'h', name: '小明', risk_flags: ['neglect'] }, { now: 42 });
  const summary = await client.run();
  const [body] = server.pushes;
  assert.equal(body.client_id, 'dev-1');
  const [m] = body.mutations;
  assert.deepEqual(Object.keys(m).sort(), ['base_version', 'entity', 'fields', 'hlc', 'id', 'mid', 'op']);
  assert.equal(m.op, 'upsert');
  assert.equal(m.hlc, '42:0:dev-1');
  assert.deepEqual(m.fields.risk_flags, { add: ['neglect'], remove: [] });
  assert.equal(summary.pushed, 1);
  assert.equal((await outboxCounts(db)).total, 0);
  const rec = await getRecord(db, 'minor', id);
  assert.equal(rec._v, 1);
  assert.deepEqual(rec._server.risk_flags, ['neglect']);
  assert.equal(await getMeta(db, 'last_sync'), new Date(1_700_000_000_000).toISOString());
  assert.deepEqual(await noticesFor(db, 'minor', id), [], 'her own edit confirmed: no notice');
});

test('a lost push answer is retried with the same mutations and applied once', async () => {
  const { db, server, client, sleeps } = await setup({ faults: [onPush('after', networkError)] });
  const id = uuid();
  await saveRecord(db, 'household', { id, address: 'a', head_name: 'b', grid_id: 1 });
  await client.run();
  assert.equal(server.pushes.length, 2, 'sent twice');
  assert.deepEqual(server.pushes[0], server.pushes[1], 'byte for byte the same batch');
  assert.equal(server.record('household', id).version, 1, 'applied once');
  assert.equal(sleeps.length, 1);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('a failed sync keeps the sent mutation and resends it unchanged next time', async () => {
  const faults = Array.from({ length: 3 }, () => onPush('after', networkError));
  const { db, server, client } = await setup({ faults, maxAttempts: 3 });
  const id = uuid();
  await saveRecord(db, 'household', { id, address: 'a', head_name: 'b', grid_id: 1 });
  await assert.rejects(client.run(), { name: 'NetworkError' });
  // The worker edits again while the first answer is still unknown.
  await saveRecord(db, 'household', { ...(await getRecord(db, 'household', id)), address: 'c' });
  await client.run();
  const mids = server.pushes.map((b) => b.mutations.map((m) => m.mid));
  assert.deepEqual(mids[0], mids[3].slice(0, 1), 'the first mutation is resent with its mid');
  assert.equal(server.record('household', id).data.address, 'c');
  assert.equal(server.record('household', id).version, 2);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('retries back off exponentially on 5xx, and a 4xx is not retried', async () => {
  const faults = [503, 502, 500].map((s) => onPull('before', () => httpError(s)));
  const { client, sleeps } = await setup({ faults, baseDelayMs: 100 });
  await client.run();
  assert.deepEqual(sleeps, [100, 200, 400]);

  const bad = await setup({ faults: [onPull('before', () => httpError(400))] });
  await assert.rejects(bad.client.run(), { status: 400 });
  assert.deepEqual(bad.sleeps, []);
});

test('the outbox goes in batches', async () => {
  const { db, server, client } = await setup({ batchSize: 100 });
  for (let i = 0; i < 250; i++) {
    await saveRecord(db, 'household', { id: uuid(), address: `${i}号`, head_name: 'x', grid_id: 1 });
  }
  await client.run();
  assert.deepEqual(server.pushes.map((b) => b.mutations.length), [100, 100, 50]);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('pull pages until has_more is false and keeps the cursor', async () => {
  const { db, server, client, api } = await setup({ pullLimit: 2 });
  for (let i = 0; i < 5; i++) server.put('area', i + 1, { code: `W${i}`, name: `网格${i}`, level: 'grid' });
  const summary = await client.run();
  assert.equal(summary.pulled, 5);
  assert.deepEqual(server.pulls.map((p) => p.cursor), ['', '2', '4']);
  assert.equal(await getMeta(db, 'cursor'), '5');
  assert.equal((await getRecord(db, 'area', 3)).name, '网格2');
  await client.run();
  assert.equal(server.pulls.at(-1).cursor, '5', 'the next sync resumes from the cursor');
  assert.ok(api.calls.filter((c) => c.path.startsWith('/api/sync/pull')).every((c) => c.path.includes('limit=2')));
});

test('the next page is asked for while the page before is applied; a failed apply keeps its cursor', async () => {
  const { db, server, client, api } = await setup({ pullLimit: 2 });
  for (let i = 0; i < 5; i++) server.put('area', i + 1, { code: `W${i}`, name: `网格${i}`, level: 'grid' });
  const cursorWhenAsked = [];
  const request = api.request.bind(api);
  api.request = async (method, path, options) => {
    if (path.startsWith('/api/sync/pull')) cursorWhenAsked.push((await getMeta(db, 'cursor')) ?? '');
    return request(method, path, options);
  };
  await client.run();
  // Page 2 was asked for before page 1 was stored, page 3 before page 2.
  assert.deepEqual(server.pulls.map((p) => p.cursor), ['', '2', '4']);
  assert.deepEqual(cursorWhenAsked, ['', '', '2']);
  assert.equal(await getMeta(db, 'cursor'), '5');

  // A page that cannot be applied (here a value no record may hold): the cursor stays before it.
  for (let i = 5; i < 9; i++) server.put('area', i + 1, { code: `W${i}`, name: `网格${i}`, level: 'grid' });
  server.put('area', 8, { population: 10n });
  await assert.rejects(client.run(), /cannot store bigint/);
  assert.equal(await getMeta(db, 'cursor'), '7', 'the first page of this sync is kept, the second is not');
  server.put('area', 8, { population: 10 });
  await client.run();
  assert.equal((await getRecord(db, 'area', 8)).population, 10);
  assert.equal((await getRecord(db, 'area', 9)).name, '网格8');
});

test('pending edits stay on top of pulled changes (rebase)', async () => {
  const { db, server, client } = await setup({ faults: [onPush('before', () => httpError(400))] });
  const id = uuid();
  server.put('minor', id, { household_id: 'h', name: '小红', school_status: 'in_school', risk_flags: [] });
  await client.pullAll();
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school_status: 'dropped_out', risk_flags: ['neglect'] });
  // Meanwhile a supervisor changes another field and a set on the server.
  server.put('minor', id, { name: '小红红', risk_flags: ['bullying'] });
  await client.pullAll();
  const rec = await getRecord(db, 'minor', id);
  assert.equal(rec.name, '小红红', 'the server change arrives');
  assert.equal(rec.school_status, 'dropped_out', 'her pending edit stays on top');
  assert.deepEqual(rec.risk_flags, ['bullying', 'neglect'], 'sets merge');
  assert.equal(rec._v, 2);
  assert.equal(rec._server.school_status, 'in_school');
  const [entry] = await outboxFor(db, 'minor', id);
  assert.equal(entry.base_version, 1, 'still based on what she saw');
});

test('a rejected mutation is kept, flagged and not resent until fixed', async () => {
  const { db, server, client } = await setup();
  server.reject = (m) => (m.fields?.phone === '12' ? { phone: ['电话号码格式不正确 / Not a valid phone number.'] } : null);
  const id = uuid();
  await saveRecord(db, 'household', { id, address: 'a', head_name: '张三', phone: '12', grid_id: 1 });
  const summary = await client.run();
  assert.equal(summary.rejected, 1);
  const [entry] = await outboxFor(db, 'household', id);
  assert.equal(entry.status, 'rejected');
  assert.deepEqual(entry.errors, { phone: ['电话号码格式不正确 / Not a valid phone number.'] });
  assert.equal((await getRecord(db, 'household', id)).address, 'a', 'her typing is still on the phone');
  await client.run();
  assert.equal(server.pushes.length, 1, 'not resent as it is');
  await saveRecord(db, 'household', { ...(await getRecord(db, 'household', id)), phone: '13800138000' });
  await client.run();
  assert.equal(server.record('household', id).data.phone, '13800138000');
  assert.equal(server.record('household', id).data.address, 'a', 'the rejected fields went along with the fix');
  assert.equal((await outboxCounts(db)).total, 0);
});

test('removals delete local records unless they have pending edits', async () => {
  const { db, server, client } = await setup({ faults: [onPush('before', () => httpError(400))] });
  const [a, b] = [uuid(), uuid()];
  server.put('household', a, { address: 'A' });
  server.put('household', b, { address: 'B' });
  await client.pullAll();
  await saveRecord(db, 'household', { ...(await getRecord(db, 'household', b)), notes: '她的修改' });
  server.put('household', a, {}, { deleted: true });
  server.put('household', b, {}, { deleted: true });
  await client.pullAll();
  assert.equal(await getRecord(db, 'household', a), undefined);
  const kept = await getRecord(db, 'household', b);
  assert.equal(kept.notes, '她的修改');
  assert.equal(kept._removed, true);
});

test('a child who moved to another grid leaves the phone with a notice that names them', async () => {
  const { db, server, client } = await setup();
  const [moved, deleted, household, visit] = [uuid(), uuid(), uuid(), uuid()];
  server.put('household', household, { address: '红旗村一组7号' });
  server.put('minor', moved, { household_id: household, name: '小芳' });
  server.put('minor', deleted, { household_id: household, name: '小刚' });
  server.put('visit', visit, { minor_id: moved, summary: '手臂有划痕' });
  await client.run();
  server.leave('household', household);
  server.leave('minor', moved);
  server.leave('visit', visit);
  server.put('minor', deleted, {}, { deleted: true });
  const summary = await client.run();
  for (const [entity, id] of [['household', household], ['minor', moved], ['visit', visit], ['minor', deleted]]) {
    assert.equal(await getRecord(db, entity, id), undefined, `${entity} left the phone`);
  }
  const notices = await db.getAll('notices');
  assert.deepEqual(notices.map((n) => [n.kind, n.record_id, n.name]), [['moved_away', moved, '小芳']]);
  assert.equal(summary.notices, 1);
});

test('a conflict of hers about a record that left her scope is not told', async () => {
  const { db, server, client } = await setup();
  server.myConflicts = [conflict({ id: 'gone', record_id: uuid(), in_scope: false, kept_value: null })];
  await client.run();
  assert.deepEqual(await db.getAll('notices'), []);
});

test('reset rebuilds from empty but keeps the outbox and its records', async () => {
  const { db, server, client } = await setup({ faults: [onPush('before', () => httpError(400))] });
  const [old, mine, stays] = [uuid(), uuid(), uuid()];
  server.put('household', old, { address: 'old' });
  server.put('household', stays, { address: 'stays' });
  await client.pullAll();
  await saveRecord(db, 'household', { id: mine, address: 'new on phone', head_name: 'x', grid_id: 1 });
  // The worker moved to another grid: `old` is no longer in scope and is not resent.
  server.records.delete(`household:${old}`);
  server.log = server.log.filter((e) => e.key !== `household:${old}`);
  server.resetNext = true;
  await client.pullAll();
  assert.equal(await getRecord(db, 'household', old), undefined);
  assert.equal((await getRecord(db, 'household', stays)).address, 'stays');
  assert.equal((await getRecord(db, 'household', mine)).address, 'new on phone');
  assert.equal((await outboxCounts(db)).pending, 1);
});

test('the worker is told when another edit replaced hers, and can re-apply it', async () => {
  const { db, server, client } = await setup();
  const id = uuid();
  server.put('minor', id, { household_id: 'h', name: '小刚', school_status: 'in_school' });
  await client.run();
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school_status: 'dropped_out' });
  await client.pushAll();
  // Before her next pull a teacher's later edit wins the field.
  server.put('minor', id, {
    school_status: 'in_school', updated_by_name: '李老师', updated_at: '2025-05-03T08:00:00Z',
  });
  const summary = await client.run();
  assert.equal(summary.notices, 1);
  const [notice] = await noticesFor(db, 'minor', id);
  assert.equal(notice.field, 'school_status');
  assert.equal(notice.mine, 'dropped_out');
  assert.equal(notice.theirs, 'in_school');
  assert.equal(notice.by, '李老师');
  assert.equal(notice.at, '2025-05-03T08:00:00Z');

  await reapplyNotice(db, notice.id);
  assert.deepEqual(await noticesFor(db, 'minor', id), []);
  const [entry] = await outboxFor(db, 'minor', id);
  assert.deepEqual(entry.fields, { school_status: 'dropped_out' });
  assert.equal(entry.base_version, 3, 'a new edit on the current version');
  await client.run();
  assert.equal(server.record('minor', id).data.school_status, 'dropped_out');
  assert.deepEqual(await noticesFor(db, 'minor', id), [], 'her re-applied edit now stands');
});

test('a conflict answer whose value lost shows a notice; one whose value won does not', async () => {
  const { db, server, client } = await setup();
  const [won, lost] = [uuid(), uuid()];
  for (const id of [won, lost]) server.put('minor', id, { name: 'x', school: '一小' });
  await client.run();
  server.statusFor = () => 'conflict';
  for (const id of [won, lost]) await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school: '二小' });
  await client.pushAll();
  server.put('minor', lost, { school: '三小' }); // the server's merge kept the other value
  await client.pullAll();
  assert.deepEqual(await noticesFor(db, 'minor', won), []);
  const [notice] = await noticesFor(db, 'minor', lost);
  assert.equal(notice.mine, '二小');
  assert.equal(notice.theirs, '三小');
  assert.deepEqual(notice.conflict_ids, ['c1']);
});

test('a value the server only re-spells (timestamps, empty notes) is no superseded edit', async () => {
  const { db, server, client } = await setup();
  const id = uuid();
  const realPut = server.put.bind(server);
  // The server stores '' as null and answers timestamps in its own format.
  server.put = (entity, rid, data, opts) => realPut(entity, rid, {
    ...data,
    ...(data.visited_at ? { visited_at: data.visited_at.replace('Z', '000+00:00') } : {}),
    ...(data.findings ? { findings: { living: { note: null, status: data.findings.living.status } } } : {}),
  }, opts);
  await saveRecord(db, 'visit', {
    id, minor_id: 'm', visited_at: '2026-11-29T18:15:40.299Z', findings: { living: { status: 'ok', note: '' } },
  });
  await client.run();
  assert.equal(server.record('visit', id).data.visited_at, '2026-11-29T18:15:40.299000+00:00');
  assert.deepEqual(await noticesFor(db, 'visit', id), []);
});

test('the full ID number is write-only: never compared, never kept after sync', async () => {
  const { db, client } = await setup();
  const id = uuid();
  await saveRecord(db, 'minor', { id, name: 'x', id_number: '11010519491231002X' });
  assert.equal((await getRecord(db, 'minor', id)).id_number, '11010519491231002X');
  await client.run();
  const rec = await getRecord(db, 'minor', id);
  assert.equal(rec.id_number, undefined);
  assert.equal(rec.id_number_masked, '1101************2X');
  assert.deepEqual(await noticesFor(db, 'minor', id), []);
});

test('area ids come as strings on the wire but are kept as the integers records refer to', async () => {
  const { db, client, api } = await setup();
  const pages = [
    { changes: [{ entity: 'area', id: '4', version: 1, deleted: false, data: { id: 4, name: '第1网格', level: 'grid' } }],
      cursor: 'a', has_more: false, reset: false },
    { changes: [{ entity: 'area', id: '4', version: 2, deleted: true, data: null }], cursor: 'b', has_more: false, reset: false },
  ];
  api.request = async () => pages.shift();
  await client.pullAll();
  assert.equal((await getRecord(db, 'area', 4)).name, '第1网格');
  await client.pullAll();
  assert.equal(await getRecord(db, 'area', 4), undefined, 'the removal finds the record');
});

test('concurrent runs share one sync', async () => {
  const { server, client } = await setup();
  await Promise.all([client.run(), client.run(), client.run()]);
  assert.equal(server.pulls.length, 1);
});

// An edit made while a push is in flight: the API below saves it on the phone during the push.
async function editDuringPush(status) {
  const { db, server, client, api } = await setup();
  const id = uuid();
  server.put('minor', id, { household_id: 'h', name: '小兰', school: '一小', caregiver: 'grandparents' });
  await client.run();
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school: '二小' });
  // Another phone changes the caregiver before this push arrives.
  if (status !== 'applied') server.put('minor', id, { caregiver: 'other_relative' });
  const request = api.request;
  api.request = async (method, path, options) => {
    if (path === '/api/sync/push' && server.pushes.length === 0) {
      await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), caregiver: 'none' });
    }
    return request(method, path, options);
  };
  if (status === 'conflict') server.statusFor = () => 'conflict';
  await client.pushAll();
  return { db, server, id };
}

test('a later unsent edit is rebased on an applied push, never on a merged or conflicting one', async () => {
  const applied = await editDuringPush('applied');
  const [first] = applied.server.pushes;
  assert.equal(first.mutations.length, 1);
  const [again] = applied.server.pushes[1].mutations;
  assert.deepEqual(again.fields, { caregiver: 'none' });
  assert.equal(again.base_version, 2, 'the applied answer holds only her own edit');

  for (const status of ['merged', 'conflict']) {
    const { server } = await editDuringPush(status);
    const [later] = server.pushes[1].mutations;
    assert.deepEqual(later.fields, { caregiver: 'none' });
    // Version 3 also holds the other phone's caregiver: based on it, her edit would
    // overwrite that change with no conflict record.
    assert.equal(later.base_version, 1, `after ${status}: still based on what she saw`);
  }
});

test('a field replaced later is named by its own author (changed_by), not the record\'s last', async () => {
  const { db, server, client } = await setup();
  const id = uuid();
  server.put('minor', id, { household_id: 'h', name: '小刚', school_status: 'in_school' });
  await client.run();
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school_status: 'dropped_out' });
  await client.pushAll();
  server.put('minor', id, {
    school_status: 'in_school', updated_by_name: '王主任', updated_at: '2025-05-03T08:00:00Z',
    changed_by: { school_status: '李老师', notes: '王主任' },
  });
  await client.run();
  const [notice] = await noticesFor(db, 'minor', id);
  assert.equal(notice.by, '李老师');
});

const conflict = (over) => ({
  id: 'k1', entity: 'minor', record_id: 'm1', field: 'school_status', kind: 'field',
  kept_value: 'in_school', discarded_value: 'dropped_out', kept_author_name: '李老师',
  discarded_author_name: '张网格员', created_at: '2025-05-03T08:00:00Z', status: 'open', ...over,
});

test('she synced first and a later edit won: /api/conflicts/mine tells her once, re-apply works', async () => {
  const { db, server, client, api } = await setup();
  const id = uuid();
  server.put('minor', id, { household_id: 'h', name: '小刚', school_status: 'in_school' });
  await client.run();
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), school_status: 'dropped_out' });
  await client.run(); // hers is on the server, and her pull saw it kept: no notice
  assert.deepEqual(await noticesFor(db, 'minor', id), []);
  // A teacher's later edit replaces hers on the server; the merge records it against her.
  server.put('minor', id, { school_status: 'in_school', changed_by: { school_status: '李老师' } });
  server.myConflicts = [conflict({ record_id: id })];
  const summary = await client.run();
  assert.ok(api.calls.some((c) => c.path.startsWith('/api/conflicts/mine?status=open')));
  assert.equal(summary.notices, 1);
  const [notice] = await noticesFor(db, 'minor', id);
  assert.equal(notice.kind, 'superseded');
  assert.equal(notice.field, 'school_status');
  assert.equal(notice.mine, 'dropped_out');
  assert.equal(notice.theirs, 'in_school');
  assert.equal(notice.by, '李老师');
  assert.equal(notice.at, '2025-05-03T08:00:00Z');
  assert.deepEqual(await getMeta(db, 'conflicts_shown'), ['k1']);

  await client.run(); // still open on the server: not told twice
  assert.equal((await noticesFor(db, 'minor', id)).length, 1);
  await reapplyNotice(db, notice.id);
  const [entry] = await outboxFor(db, 'minor', id);
  assert.deepEqual(entry.fields, { school_status: 'dropped_out' });
  await client.run();
  assert.deepEqual(await noticesFor(db, 'minor', id), [], 'dismissed by re-applying, not raised again');
  assert.equal(server.record('minor', id).data.school_status, 'dropped_out');
});

test('a conflict a pull-side notice already tells is not told twice; a failing endpoint fails no sync', async () => {
  const { db, server, client } = await setup();
  const lost = uuid();
  server.put('minor', lost, { name: 'x', school: '一小' });
  await client.run();
  server.statusFor = () => 'conflict';
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', lost)), school: '二小' });
  server.myConflicts = [conflict({ id: 'c1', record_id: lost, field: 'school', kept_value: '三小', discarded_value: '二小' })];
  await client.pushAll();
  server.put('minor', lost, { school: '三小' });
  await client.run();
  assert.equal((await noticesFor(db, 'minor', lost)).length, 1);

  const other = setup({
    faults: [{ phase: 'before', match: (m, p) => p === '/api/conflicts/mine', error: () => httpError(404) }],
  });
  const { client: c2 } = await other;
  const summary = await c2.run();
  assert.equal(summary.ok, true);
});
