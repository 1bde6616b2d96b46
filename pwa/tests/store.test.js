import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openDB } from '../vendor/idb.js';
import {
  DB_VERSION, getMeta, getRecord, listRecords, openHumiaoDB, outboxCounts, outboxFor, returnedVisits, RETURNED,
  setMeta, unsettledVisits, UPGRADES, wipe,
} from '../src/db.js';
import { applyPullPage, applyPushResults } from '../src/replica.js';
import { diffFields, formRecord, mergeFields, overlay, sameValue } from '../src/fields.js';
import { parse } from '../src/hlc.js';
import { deleteRecord, discardRejected, rejectedErrors, saveRecord } from '../src/outbox.js';
import { freshDB, unlockWithTestKey, uuid } from './helpers.js';

test('the upgrade creates every store and index', async () => {
  const db = await freshDB();
  assert.equal(db.version, DB_VERSION);
  for (const s of ['areas', 'households', 'minors', 'visits', 'reports', 'measures', 'referrals', 'outbox', 'pushed', 'notices', 'meta']) {
    assert.ok(db.objectStoreNames.contains(s), s);
  }
  assert.deepEqual([...db.transaction('outbox').store.indexNames].sort(), ['mid', 'record']);
});

test('saving writes the record and its outbox mutation together', async () => {
  const db = await freshDB();
  const id = uuid();
  const res = await saveRecord(db, 'household', { id, grid_id: 5, address: '一组12号', head_name: '张三' }, { now: 1000 });
  assert.ok(res.changed);
  const rec = await getRecord(db, 'household', id);
  assert.equal(rec.address, '一组12号');
  assert.equal(rec._v, 0);
  const [entry] = await outboxFor(db, 'household', id);
  assert.equal(entry.mid, res.mid);
  assert.equal(entry.op, 'upsert');
  assert.equal(entry.base_version, 0);
  assert.deepEqual(entry.fields, { grid_id: 5, address: '一组12号', head_name: '张三' });
  assert.deepEqual(parse(entry.hlc), { wall: 1000, counter: 0, node: 'dev-1' });
  assert.deepEqual(await getMeta(db, 'hlc'), { wall: 1000, counter: 0 });
});

test('a transaction that fails writes neither the record nor the mutation', async () => {
  const db = await freshDB();
  const id = uuid();
  // A record IndexedDB cannot clone makes the put throw inside the transaction.
  await assert.rejects(saveRecord(db, 'household', { id, address: 'x', bad: () => 1 }));
  assert.equal(await getRecord(db, 'household', id), undefined);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('only changed fields travel; unsent edits of one record fold into one mutation', async () => {
  const db = await freshDB();
  const id = uuid();
  await saveRecord(db, 'minor', { id, name: '小红', gender: 'female', risk_flags: ['neglect'] }, { now: 1 });
  const again = await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)) }, { now: 2 });
  assert.equal(again.changed, false, 'saving an unchanged form adds nothing');
  const rec = await getRecord(db, 'minor', id);
  await saveRecord(db, 'minor', { ...rec, school_status: 'dropped_out', risk_flags: ['bullying'] }, { now: 3 });
  const entries = await outboxFor(db, 'minor', id);
  assert.equal(entries.length, 1);
  assert.deepEqual(entries[0].fields, {
    name: '小红', gender: 'female', school_status: 'dropped_out',
    risk_flags: { add: ['bullying'], remove: ['neglect'] },
  });
  assert.deepEqual((await getRecord(db, 'minor', id)).risk_flags, ['bullying']);
});

test('an edit after a send starts a new mutation on the same base', async () => {
  const db = await freshDB();
  const id = uuid();
  await saveRecord(db, 'household', { id, address: 'a', head_name: 'b', grid_id: 1 }, { now: 5 });
  const [first] = await outboxFor(db, 'household', id);
  await db.put('outbox', { ...first, attempts: 1 }); // sent, answer not yet received
  await saveRecord(db, 'household', { ...(await getRecord(db, 'household', id)), address: 'c' }, { now: 5 });
  const entries = await outboxFor(db, 'household', id);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0].fields, first.fields, 'a sent mutation is never changed');
  assert.deepEqual(entries[1].fields, { address: 'c' });
  assert.ok(parse(entries[1].hlc).counter > parse(entries[0].hlc).counter, 'same ms: the counter orders them');
});

test('saving a record with a rejected edit re-submits it with the fix', async () => {
  const db = await freshDB();
  const id = uuid();
  await saveRecord(db, 'minor', { id, name: 'x', gender: 'male', phone: 'bad' });
  const [entry] = await outboxFor(db, 'minor', id);
  await db.put('outbox', { ...entry, attempts: 1, status: 'rejected', errors: { phone: ['电话号码格式不正确'] } });
  assert.deepEqual(rejectedErrors(await outboxFor(db, 'minor', id)), { phone: ['电话号码格式不正确'] });
  await saveRecord(db, 'minor', { ...(await getRecord(db, 'minor', id)), phone: '13800138000' });
  const entries = await outboxFor(db, 'minor', id);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].status, 'pending');
  assert.deepEqual(entries[0].fields, { name: 'x', gender: 'male', phone: '13800138000' });
});

test('discarding a rejected edit restores the server state of the record', async () => {
  const db = await freshDB();
  const id = uuid();
  const server = { id, household_id: 'h', name: '原名', gender: 'male' };
  await db.put('minors', { ...server, _v: 3, _server: server });
  await saveRecord(db, 'minor', { ...server, name: '' });
  const [entry] = await outboxFor(db, 'minor', id);
  await db.put('outbox', { ...entry, attempts: 1, status: 'rejected', errors: { name: ['required'] } });
  await discardRejected(db, entry.seq);
  const rec = await getRecord(db, 'minor', id);
  assert.equal(rec.name, '原名');
  assert.equal(rec._v, 3);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('deleting a record that never left the phone leaves nothing behind', async () => {
  const db = await freshDB();
  const id = uuid();
  await saveRecord(db, 'visit', { id, minor_id: 'm', summary: 's' });
  await deleteRecord(db, 'visit', id);
  assert.equal(await getRecord(db, 'visit', id), undefined);
  assert.equal((await outboxCounts(db)).total, 0);
});

test('deleting a synced record queues a delete and hides the record', async () => {
  const db = await freshDB();
  const id = uuid();
  await db.put('visits', { id, minor_id: 'm', _v: 4, _server: { id, minor_id: 'm' } });
  await deleteRecord(db, 'visit', id);
  const [entry] = await outboxFor(db, 'visit', id);
  assert.equal(entry.op, 'delete');
  assert.equal(entry.base_version, 4);
  assert.deepEqual(await listRecords(db, 'visit'), []);
});

test('wipe erases everything but the device id', async () => {
  const db = await freshDB();
  await saveRecord(db, 'household', { id: uuid(), address: 'a' });
  await setMeta(db, 'user', { id: 1 });
  await wipe(db);
  assert.equal((await outboxCounts(db)).total, 0);
  assert.deepEqual(await listRecords(db, 'household'), []);
  assert.equal(await getMeta(db, 'user'), undefined);
  assert.equal(await getMeta(db, 'device_id'), 'dev-1');
});

test('reopening the database keeps the data (numbered upgrades run once)', async () => {
  unlockWithTestKey();
  const name = `reopen-${uuid()}`;
  let db = await openHumiaoDB(name);
  await setMeta(db, 'cursor', 'c9');
  db.close();
  db = await openHumiaoDB(name);
  assert.equal(await getMeta(db, 'cursor'), 'c9');
});

test('field helpers: diff, fold and overlay of set fields', () => {
  assert.deepEqual(diffFields('visit', { measures: ['a', 'b'] }, { measures: ['b', 'c'], _x: 1 }), {
    measures: { add: ['c'], remove: ['a'] },
  });
  assert.deepEqual(diffFields('minor', { name: 'a', notes: null }, { name: 'a', notes: '' }), {}, 'null and empty are alike');
  assert.ok(sameValue('2026-11-29T18:15:40.299Z', '2026-11-29T18:15:40.299000+00:00'), 'one instant, two spellings');
  assert.ok(!sameValue('2026-11-29T18:15:40Z', '2026-11-29T18:15:41Z'));
  assert.ok(sameValue({ living: { status: 'ok', note: '' } }, { living: { note: null, status: 'ok' } }));
  assert.ok(!sameValue({ living: { status: 'ok' } }, { living: { status: 'concern' } }));
  assert.ok(!sameValue('2025-01-01', '2025-01-02'));
  assert.deepEqual(mergeFields('minor', { risk_flags: { add: ['x'], remove: [] } }, { risk_flags: { add: [], remove: ['x'] } }), {
    risk_flags: { add: [], remove: ['x'] },
  });
  const server = { id: 'm', name: 'a', risk_flags: ['neglect'] };
  const local = overlay('minor', server, [
    { seq: 2, op: 'upsert', fields: { risk_flags: { add: ['bullying'], remove: [] } } },
    { seq: 1, op: 'upsert', fields: { name: 'b' } },
  ]);
  assert.deepEqual(local, { id: 'm', name: 'b', risk_flags: ['bullying', 'neglect'] });
  assert.equal(overlay('minor', server, [{ seq: 1, op: 'delete' }])._deleted, true);
});

test('a form saves only what was touched over the record as it is now', () => {
  const opened = { id: 'm', name: '小明', school: '一小' };
  const draft = { ...opened, name: '王小明' };
  const now = { ...opened, school: '二小', _v: 5 }; // a sync changed the school meanwhile
  assert.deepEqual(formRecord(now, draft, new Set(['name'])), { id: 'm', name: '王小明', school: '二小', _v: 5 });
  assert.deepEqual(formRecord(undefined, draft, new Set()), draft, 'a new record is the whole draft');
});

// Issue 14: a phone of database version 1 skipped measures and referrals as unknown entities
// and moved its cursor past them; after the upgrade it pulls its scope again from the start.
test('the upgrade to measures and referrals pulls again from empty, keeping unsent work', async () => {
  unlockWithTestKey();
  const name = `v1-${uuid()}`;
  let db = await openDB(name, 1, { upgrade: (d, _old, _new, tx) => UPGRADES[0](d, tx) });
  await db.put('households', { id: 'gone', address: 'deleted on the server meanwhile', _v: 3 });
  await db.put('meta', 'c9', 'cursor');
  await db.put('meta', 'dev-1', 'device_id');
  db.close();

  db = await openHumiaoDB(name);
  assert.equal(await getMeta(db, 'cursor'), undefined);
  const mine = uuid();
  await saveRecord(db, 'household', { id: mine, address: 'typed offline' });
  const measure = { id: uuid(), minor_id: 'm1', kind: 'living_aid', status: 'planned', description: 'd' };
  await applyPullPage(db, {
    changes: [
      { entity: 'measure', id: measure.id, version: 1, deleted: false, data: measure },
      { entity: 'referral', id: 'r1', version: 1, deleted: false, data: { id: 'r1', minor_id: 'm1', to_unit: 'police', status: 'sent' } },
    ],
    cursor: 'c1', has_more: false, reset: false,
  });
  assert.equal(await getRecord(db, 'household', 'gone'), undefined);
  assert.equal((await getRecord(db, 'household', mine)).address, 'typed offline');
  assert.equal((await listRecords(db, 'measure', 'minor_id', 'm1'))[0].kind, 'living_aid');
  assert.equal((await getRecord(db, 'referral', 'r1')).status, 'sent');
  assert.equal(await getMeta(db, 'rebuild'), undefined);
  assert.equal(await getMeta(db, 'cursor'), 'c1');

  // Later pages and pulls are ordinary again: nothing more is dropped.
  await applyPullPage(db, { changes: [], cursor: 'c2', has_more: false, reset: false });
  assert.equal((await getRecord(db, 'household', mine)).address, 'typed offline');
  assert.equal((await listRecords(db, 'measure')).length, 1);
});

test('a measure planned offline is one outbox mutation, and a step folds into it until sent', async () => {
  const db = await freshDB();
  const id = uuid();
  const plan = { id, minor_id: 'm1', kind: 'living_aid', description: '送米面油', status: 'planned', responsible_user_id: 7 };
  await saveRecord(db, 'measure', plan);
  await saveRecord(db, 'measure', { ...plan, status: 'done' });
  const [entry] = await outboxFor(db, 'measure', id);
  assert.equal(entry.base_version, 0);
  assert.deepEqual(entry.fields, { minor_id: 'm1', kind: 'living_aid', description: '送米面油', status: 'done', responsible_user_id: 7 });
});

test('a child registered from a report links the report in the same save, queued after the child', async () => {
  const db = await freshDB();
  const child = uuid();
  const report = { id: uuid(), version: 4, kind: 'runaway', child_name: '王小雨', minor_id: null, status: 'new' };
  await saveRecord(db, 'minor', { id: child, household_id: uuid(), name: '王小雨', gender: 'female' }, {
    now: 1000, alongside: [{ entity: 'report', record: report, fields: { minor_id: child } }],
  });
  const all = await db.getAll('outbox');
  assert.deepEqual(all.map((e) => e.entity), ['minor', 'report']);
  const link = all[1];
  assert.equal(link.id, report.id);
  assert.equal(link.base_version, 4, "the report's version as the server gave it");
  assert.deepEqual(link.fields, { minor_id: child });
  const local = await getRecord(db, 'report', report.id);
  assert.equal(local.minor_id, child);
  assert.equal(local._server.minor_id, null);
});

const visitChange = (id, version, fields, deleted = false) => ({
  entity: 'visit', id, version, deleted,
  data: deleted ? null : { id, minor_id: 'm1', visitor_id: 7, visited_at: '2025-06-01T09:00:00+08:00', ...fields },
});
const ids = (rows) => rows.map((r) => r.id).sort();

test('今日 reads the visits the server has not confirmed, not every visit', async () => {
  const db = await freshDB();
  await applyPullPage(db, { changes: [visitChange('old', 1, {}), visitChange('older', 1, {})], cursor: 'c1' });
  assert.deepEqual(await unsettledVisits(db), []);

  const mine = uuid();
  const { mid } = await saveRecord(db, 'visit', { id: mine, minor_id: 'm1', visited_at: '2025-06-20T10:00:00+08:00', summary: 's' });
  assert.deepEqual(ids(await unsettledVisits(db)), [mine]);
  // Edits of a synced visit count too: a changed day can move the child's due day.
  await saveRecord(db, 'visit', { ...(await getRecord(db, 'visit', 'old')), visited_at: '2025-06-21T10:00:00+08:00' });
  assert.deepEqual(ids(await unsettledVisits(db)), ids([{ id: mine }, { id: 'old' }]));

  // Pushed and applied, but no pull has brought the minor's new last visit yet: still counted.
  await applyPushResults(db, [{ mid, status: 'applied', version: 1 }]);
  assert.ok((await unsettledVisits(db)).some((v) => v.id === mine));
  await applyPullPage(db, { changes: [visitChange(mine, 1, { visited_at: '2025-06-20T10:00:00+08:00', summary: 's' })], cursor: 'c2' });
  assert.deepEqual(ids(await unsettledVisits(db)), ['old']);
});

test('the pull keeps the list of returned visits, and a replica without one is scanned', async () => {
  const db = await freshDB();
  await applyPullPage(db, {
    changes: [
      visitChange('ok', 1, { review_status: 'approved' }),
      visitChange('back', 1, { review_status: 'returned', review_comment: '请补充' }),
      visitChange('back2', 1, { review_status: 'returned' }),
    ],
    cursor: 'c1',
  });
  assert.deepEqual(ids(await returnedVisits(db)), ['back', 'back2']);
  assert.equal((await returnedVisits(db)).find((v) => v.id === 'back').review_comment, '请补充');

  // Resubmitted and accepted, deleted on the server: both leave the list.
  await applyPullPage(db, { changes: [visitChange('back', 2, { review_status: 'submitted' }), visitChange('back2', 2, {}, true)], cursor: 'c2' });
  assert.deepEqual(await returnedVisits(db), []);
  assert.deepEqual(await getMeta(db, RETURNED), []);

  // A replica from before the list: the read scans; the next pull, even an empty one, stores it.
  await applyPullPage(db, { changes: [visitChange('late', 1, { review_status: 'returned' })], cursor: 'c3' });
  const tx = db.transaction('meta', 'readwrite');
  await Promise.all([tx.store.delete(RETURNED), tx.done]);
  assert.deepEqual(ids(await returnedVisits(db)), ['late']);
  await applyPullPage(db, { changes: [], cursor: 'c4' });
  assert.deepEqual(await getMeta(db, RETURNED), ['late']);

  // A reset forgets the list with the registry and rebuilds it from what the pull brings.
  await applyPullPage(db, { reset: true, changes: [visitChange('new', 1, { review_status: 'returned' })], cursor: 'c5' });
  assert.deepEqual(await getMeta(db, RETURNED), ['new']);
});
