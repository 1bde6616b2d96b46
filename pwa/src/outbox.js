// Local edits: every save writes the record and its outbox mutation in ONE IndexedDB
// transaction (DESIGN §5), so a phone that dies after "saved" still has both. Nothing in
// here touches the network.
import { storeOf } from './db.js';
import { applyFields, diffFields, isLocalKey, mergeFields, overlay } from './fields.js';
import { format as formatHlc, tick } from './hlc.js';

const localKeys = (record) =>
  Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => isLocalKey(k)));

async function nextHlc(tx, now) {
  const meta = tx.objectStore('meta');
  const node = (await meta.get('device_id')) ?? 'unknown-device';
  const state = tick(await meta.get('hlc'), now);
  await meta.put(state, 'hlc');
  return formatHlc(state, node);
}

// Apply `fields` to the record inside `tx`, folding them into an unsent mutation of the
// same record when there is one (a survey saved step by step is one mutation), and
// re-submitting rejected edits of the record, which the user has now had a chance to fix.
async function writeEdit(tx, entity, id, fields, now) {
  const store = tx.objectStore(storeOf(entity));
  const outbox = tx.objectStore('outbox');
  const current = await store.get(id);
  const entries = await outbox.index('record').getAll([entity, id]);
  const rejected = entries.filter((e) => e.status === 'rejected' && e.op === 'upsert');
  if (!Object.keys(fields).length && !rejected.length) return { changed: false };

  let carried = {};
  for (const e of rejected) {
    carried = mergeFields(entity, carried, e.fields);
    await outbox.delete(e.seq);
  }
  const all = mergeFields(entity, carried, fields);
  const hlc = await nextHlc(tx, now);
  const last = entries.filter((e) => e.status !== 'rejected').at(-1);
  let mid;
  if (last && last.op === 'upsert' && last.status === 'pending' && !last.attempts) {
    mid = last.mid;
    await outbox.put({ ...last, fields: mergeFields(entity, last.fields, all), hlc });
  } else {
    mid = crypto.randomUUID();
    await outbox.add({
      mid, entity, id, op: 'upsert', base_version: current?._v ?? 0, hlc, fields: all,
      status: 'pending', attempts: 0, created_at: now,
    });
  }
  const base = current ?? { id, _v: 0, _server: null };
  await store.put({ ...applyFields(entity, base, fields), ...localKeys(base), id });
  return { changed: true, mid };
}

// Save the form's state of a record. Only what differs from the local record travels.
// `alongside`: edits of other records that belong to this save, written in the same
// transaction and queued after it (a child registered from a report links the report):
// `{ entity, record, fields }`, where `record` is the server's state of that record (as the
// REST API gave it), the base when the replica does not hold it yet.
export async function saveRecord(db, entity, record, { now = Date.now(), alongside = [] } = {}) {
  const stores = [...new Set([storeOf(entity), ...alongside.map((a) => storeOf(a.entity))])];
  const tx = db.transaction([...stores, 'outbox', 'meta'], 'readwrite');
  const current = await tx.objectStore(storeOf(entity)).get(record.id);
  const result = await writeEdit(tx, entity, record.id, diffFields(entity, current, record), now);
  for (const { entity: other, record: server, fields } of alongside) {
    const store = tx.objectStore(storeOf(other));
    let base = await store.get(server.id);
    if (!base) {
      base = { ...server, _v: server.version ?? 0, _server: server };
      await store.put(base);
    }
    await writeEdit(tx, other, server.id, diffFields(other, base, { ...base, ...fields }), now);
  }
  await tx.done;
  return result;
}

export async function deleteRecord(db, entity, id, { now = Date.now() } = {}) {
  const tx = db.transaction([storeOf(entity), 'outbox', 'meta'], 'readwrite');
  const store = tx.objectStore(storeOf(entity));
  const outbox = tx.objectStore('outbox');
  const current = await store.get(id);
  const entries = await outbox.index('record').getAll([entity, id]);
  if (!current) {
    await tx.done;
    return { changed: false };
  }
  let mid = null;
  if (!current._v && entries.every((e) => !e.attempts)) {
    // It never left the phone: there is nothing on the server to delete.
    for (const e of entries) await outbox.delete(e.seq);
    await store.delete(id);
  } else {
    mid = crypto.randomUUID();
    const hlc = await nextHlc(tx, now);
    await outbox.add({
      mid, entity, id, op: 'delete', base_version: current._v ?? 0, hlc,
      status: 'pending', attempts: 0, created_at: now,
    });
    await store.put({ ...current, _deleted: true });
  }
  await tx.done;
  return { changed: true, mid };
}

// "Re-apply mine": the superseded value goes out again as a new edit on the current version.
export async function reapplyNotice(db, noticeId, { now = Date.now() } = {}) {
  const notice = await db.get('notices', noticeId);
  if (!notice) return { changed: false };
  const tx = db.transaction([storeOf(notice.entity), 'outbox', 'meta', 'notices'], 'readwrite');
  const current = await tx.objectStore(storeOf(notice.entity)).get(notice.record_id);
  let result = { changed: false };
  if (current) {
    const wanted = applyFields(notice.entity, current, { [notice.field]: notice.mine });
    const fields = diffFields(notice.entity, current, wanted);
    result = await writeEdit(tx, notice.entity, notice.record_id, fields, now);
  }
  await tx.objectStore('notices').delete(noticeId);
  await tx.done;
  return result;
}

export async function dismissNotice(db, noticeId) {
  await db.delete('notices', noticeId);
}

// The user gives up a rejected edit. The server keeps its own copy in quarantine, so the
// edit is not lost to the supervisors; the record goes back to the server's state.
export async function discardRejected(db, seq) {
  const entry = await db.get('outbox', seq);
  if (!entry || entry.status !== 'rejected') return { changed: false };
  const tx = db.transaction([storeOf(entry.entity), 'outbox'], 'readwrite');
  const store = tx.objectStore(storeOf(entry.entity));
  const outbox = tx.objectStore('outbox');
  await outbox.delete(seq);
  const rest = await outbox.index('record').getAll([entry.entity, entry.id]);
  const current = await store.get(entry.id);
  await rebuildRecord(store, entry.entity, entry.id, current, rest);
  await tx.done;
  return { changed: true };
}

// Recompute a record from the server's state and its remaining outbox entries.
export async function rebuildRecord(store, entity, id, current, entries) {
  const server = current?._server ?? null;
  const live = entries.filter((e) => !(e.op === 'delete' && e.status === 'rejected'));
  const local = overlay(entity, server, live);
  if (!local) {
    await store.delete(id);
    return null;
  }
  const record = { ...local, _v: current?._v ?? 0, _server: server };
  if (current?._removed) record._removed = current._removed;
  if (current?._grades) record._grades = current._grades;
  await store.put(record);
  return record;
}

export async function listOutbox(db) {
  return db.getAll('outbox');
}

// Server validation messages of the record's rejected edits, per field.
export function rejectedErrors(entries) {
  const errors = {};
  for (const e of entries) {
    if (e.status !== 'rejected') continue;
    for (const [field, msgs] of Object.entries(e.errors ?? {})) {
      errors[field] = [...(errors[field] ?? []), ...(Array.isArray(msgs) ? msgs : [String(msgs)])];
    }
  }
  return errors;
}
