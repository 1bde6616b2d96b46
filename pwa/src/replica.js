// Applying what the server answered to the local replica. Each function is one IndexedDB
// transaction and is called only after the network call has finished: a transaction
// that waited on the network would auto-commit half-way.
import { ENTITIES, isReturned, recordKey, RETURNED, STORES } from './db.js';
import { applyFields, keptByServer, overlay, WRITE_ONLY } from './fields.js';
import { rebuildRecord } from './outbox.js';

const ALL_STORES = [...Object.values(STORES), 'outbox', 'pushed', 'notices', 'meta'];
const SETTLED = new Set(['applied', 'merged', 'conflict']);

// Push results: settled mutations leave the outbox and are remembered per field until a
// pull shows whether the server kept them; rejected ones stay, flagged, for the user.
export async function applyPushResults(db, results, now = Date.now()) {
  const tx = db.transaction(ALL_STORES, 'readwrite');
  const outbox = tx.objectStore('outbox');
  let settled = 0;
  let rejected = 0;
  for (const result of results ?? []) {
    const entry = await outbox.index('mid').get(result.mid);
    if (!entry) continue; // an answer to a mutation already settled (a replayed batch)
    const store = tx.objectStore(STORES[entry.entity]);
    if (result.status === 'rejected') {
      rejected++;
      await outbox.put({ ...entry, status: 'rejected', errors: result.errors ?? {}, rejected_at: now });
      if (entry.op === 'delete') await rebuild(tx, store, entry);
      continue;
    }
    if (!SETTLED.has(result.status)) continue;
    settled++;
    await outbox.delete(entry.seq);
    if (result.status === 'applied') await rebaseLaterEdits(outbox, entry, result.version);
    if (entry.op === 'delete') {
      if (result.status === 'conflict') {
        await addNotice(tx, entry, { kind: 'delete_conflict', at: new Date(now).toISOString() });
        await rebuild(tx, store, entry);
      } else {
        await store.delete(entry.id);
      }
      continue;
    }
    await rememberPushed(tx, entry, result, now);
    const current = await store.get(entry.id);
    if (current) {
      // Until the next pull, the best guess of the server's state includes this edit.
      const server = applyFields(entry.entity, current._server ?? { id: entry.id }, entry.fields);
      await store.put({ ...current, _server: server, _v: Math.max(current._v ?? 0, result.version ?? 0) });
    }
  }
  await tx.done;
  return { settled, rejected };
}

async function rebuild(tx, store, entry) {
  const rest = await tx.objectStore('outbox').index('record').getAll([entry.entity, entry.id]);
  await rebuildRecord(store, entry.entity, entry.id, await store.get(entry.id), rest);
}

// Edits of the same record made after this one and not yet sent build on its result, so the
// server does not see the device's own earlier edit as a concurrent change. Only after
// `applied`: a merged or conflicting answer's version also holds other devices' changes this
// phone never saw, and an edit based on it would overwrite them with no conflict record.
async function rebaseLaterEdits(outbox, entry, version) {
  if (!version) return;
  for (const later of await outbox.index('record').getAll([entry.entity, entry.id])) {
    if (later.seq > entry.seq && !later.attempts && later.base_version < version) {
      await outbox.put({ ...later, base_version: version });
    }
  }
}

async function rememberPushed(tx, entry, result, now) {
  const pushed = tx.objectStore('pushed');
  const hidden = WRITE_ONLY[entry.entity] ?? new Set();
  for (const [field, value] of Object.entries(entry.fields ?? {})) {
    if (hidden.has(field)) continue;
    await pushed.put({
      entity: entry.entity, id: entry.id, field, value, version: result.version ?? 0,
      hlc: entry.hlc, status: result.status, conflict_ids: result.conflict_ids ?? [], at: now,
    });
  }
}

async function addNotice(tx, entry, extra) {
  await tx.objectStore('notices').put({
    id: crypto.randomUUID(), entity: entry.entity, record_id: entry.id, ...extra,
  });
}

// One page of a pull: server state in, pending edits kept on top, the cursor moved, all
// in one transaction so that a crash never leaves the cursor ahead of the data.
// The page's reads are all in flight at once, then its writes: a record's four reads awaited
// one after another cost a slow phone more per page than the network did (issue 13).
export async function applyPullPage(db, page, now = Date.now()) {
  const tx = db.transaction(ALL_STORES, 'readwrite');
  const meta = tx.objectStore('meta');
  if (page.reset || (await meta.get('rebuild'))) {
    await resetReplica(tx);
    await meta.delete('rebuild');
  }
  const changes = (page.changes ?? [])
    .filter((c) => STORES[c.entity]) // an entity this app version does not know is skipped
    .map((c) => ({ ...c, id: recordKey(c.entity, c.data?.id ?? c.id) }));
  let notices = 0;
  for (const batch of distinctRuns(changes)) {
    const found = await Promise.all(batch.map((c) => readFor(tx, c)));
    const writes = [];
    try {
      batch.forEach((change, i) => {
        notices += applyChange(tx, change, found[i], now, writes);
      });
    } catch (err) {
      for (const w of writes) w.catch(() => {}); // aborted with the transaction; `err` says why
      throw err;
    }
    await Promise.all(writes);
  }
  await trackReturned(tx, changes.filter((c) => c.entity === 'visit'));
  if (page.cursor !== undefined && page.cursor !== null) {
    await tx.objectStore('meta').put(page.cursor, 'cursor');
  }
  await tx.done;
  return { changes: page.changes?.length ?? 0, notices };
}

// Runs of changes with no record twice: a record's second change reads what its first wrote.
function* distinctRuns(changes) {
  let run = [];
  let keys = new Set();
  for (const change of changes) {
    const key = `${change.entity}\u0000${change.id}`;
    if (keys.has(key)) {
      yield run;
      run = [];
      keys = new Set();
    }
    run.push(change);
    keys.add(key);
  }
  if (run.length) yield run;
}

// What a change meets on the phone: the record, its unsent edits, the fields last pushed.
async function readFor(tx, { entity, id }) {
  const [current, entries, pushed] = await Promise.all([
    tx.objectStore(STORES[entity]).get(id),
    tx.objectStore('outbox').index('record').getAll([entity, id]),
    tx.objectStore('pushed').index('record').getAll([entity, id]),
  ]);
  return { current, entries, pushed };
}

// The scope changed: forget the registry but never the user's unsent work.
async function resetReplica(tx) {
  const outbox = tx.objectStore('outbox');
  for (const entity of ENTITIES) {
    let cursor = await tx.objectStore(STORES[entity]).openCursor();
    while (cursor) {
      const pending = await outbox.index('record').count([entity, cursor.primaryKey]);
      if (!pending) await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.objectStore('pushed').clear();
  await tx.objectStore('meta').delete('cursor');
  await tx.objectStore('meta').delete(RETURNED);
}

// The ids of returned visits, kept so that 今日 need not open every visit to find them. Only
// the server returns a visit or takes it back, so the pull alone keeps the list. A replica
// without one (new, reset, or from before the list) gets it from a scan of its visits.
async function trackReturned(tx, changes) {
  const meta = tx.objectStore('meta');
  const known = await meta.get(RETURNED);
  if (known && !changes.length) return;
  const ids = new Set(known ?? (await tx.objectStore('visits').getAll()).filter(isReturned).map((v) => v.id));
  for (const change of changes) {
    if (!change.deleted && isReturned(change.data ?? {})) ids.add(change.id);
    else ids.delete(change.id);
  }
  await meta.put([...ids], RETURNED);
}

// Writes are issued, not awaited, into `writes`; returns the number of notices added.
function applyChange(tx, change, { current, entries, pushed }, now, writes) {
  const { entity, id } = change;
  const store = tx.objectStore(STORES[entity]);
  if (change.deleted) {
    for (const row of pushed) writes.push(tx.objectStore('pushed').delete([row.entity, row.id, row.field]));
    // Removed on the server or moved out of scope. Unsent work stays until it is settled.
    writes.push(entries.length && current ? store.put({ ...current, _removed: true }) : store.delete(id));
    return movedAway(tx, change, current, now, writes);
  }
  const server = { ...change.data, id };
  const notices = checkPushed(tx, change, pushed, server, now, writes);
  const live = entries.filter((e) => !(e.op === 'delete' && e.status === 'rejected'));
  const local = overlay(entity, server, live);
  const record = { ...local, _v: change.version, _server: server };
  const grades = gradeHistory(current?._grades, server, now);
  if (grades.length) record._grades = grades;
  writes.push(store.put(record));
  return notices;
}

// Compare what the worker last pushed with what the server now holds; a difference means
// someone else's edit or a merge replaced hers, and she is told.
function checkPushed(tx, change, pushed, server, now, writes) {
  let count = 0;
  for (const row of pushed) {
    if ((change.version ?? 0) < row.version) continue;
    writes.push(tx.objectStore('pushed').delete([row.entity, row.id, row.field]));
    if (!(row.field in server) || keptByServer(row.entity, row.field, row.value, server[row.field])) {
      continue;
    }
    count++;
    writes.push(tx.objectStore('notices').put({
      id: crypto.randomUUID(), kind: 'superseded', entity: row.entity, record_id: row.id,
      field: row.field, mine: row.value, theirs: server[row.field],
      // Who wrote this field last, not who touched the record last (another field's author).
      by: server.changed_by?.[row.field] ?? server.updated_by_name ?? null,
      at: server.updated_at ?? new Date(now).toISOString(),
      version: change.version, conflict_ids: row.conflict_ids,
    }));
  }
  return count;
}

// A child who moved to another grid leaves this phone with a word that names them: the worker
// must not wonder where 小芳 went. A deletion, or a household or visit that went along, says nothing.
function movedAway(tx, change, current, now, writes) {
  if (change.entity !== 'minor' || !change.data?.left_scope || !current?.name) return 0;
  writes.push(tx.objectStore('notices').put({
    id: crypto.randomUUID(), kind: 'moved_away', entity: 'minor', record_id: current.id,
    name: current.name, at: new Date(now).toISOString(),
  }));
  return 1;
}

// The device's own record of grade changes it has seen, for when the server sends no
// `grade_history` with the minor.
function gradeHistory(previous, server, now) {
  const history = previous ? [...previous] : [];
  if (!('grade' in server) || (!history.length && !server.grade)) return history;
  if (history.at(-1)?.grade !== server.grade) {
    history.push({
      grade: server.grade, reason: server.grade_reason ?? null,
      at: server.updated_at ?? new Date(now).toISOString(),
    });
  }
  return history.slice(-50);
}

const SHOWN_KEEP = 500;

// Values of hers that a later merge replaced, from GET /api/conflicts/mine: the case a pull
// cannot see (she synced first, someone else's later edit won). Each conflict is told once;
// its id is remembered in meta, and one a pull-side notice already tells is not told twice.
export async function applyMyConflicts(db, conflicts, now = Date.now()) {
  const tx = db.transaction(['notices', 'meta'], 'readwrite');
  const meta = tx.objectStore('meta');
  const shown = new Set((await meta.get('conflicts_shown')) ?? []);
  for (const n of await tx.objectStore('notices').getAll()) {
    for (const id of n.conflict_ids ?? []) shown.add(id);
  }
  let count = 0;
  for (const c of conflicts ?? []) {
    // A record that left her scope: the phone no longer holds it, and the server shows only her value.
    if (!c?.id || shown.has(c.id) || !STORES[c.entity] || c.in_scope === false) continue;
    shown.add(c.id);
    const base = {
      id: crypto.randomUUID(), entity: c.entity, record_id: recordKey(c.entity, c.record_id),
      at: c.created_at ?? new Date(now).toISOString(), conflict_ids: [c.id],
    };
    if (c.kind === 'stale_delete') {
      await tx.objectStore('notices').put({ ...base, kind: 'delete_conflict' });
    } else if (c.field) {
      await tx.objectStore('notices').put({
        ...base, kind: 'superseded', field: c.field, mine: c.discarded_value, theirs: c.kept_value,
        by: c.kept_author_name ?? null,
      });
    } else continue;
    count++;
  }
  await meta.put([...shown].slice(-SHOWN_KEEP), 'conflicts_shown');
  await tx.done;
  return count;
}
