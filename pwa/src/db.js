// The device's replica (DESIGN §5): one IndexedDB database, opened in one place, with
// numbered upgrade steps. Records of the registry are stored as the server sent them
// (`_server`, `_v`) with the user's pending outbox edits laid on top, so that lists read
// one store and a rebase can always be recomputed.
import { openDB } from '../vendor/idb.js';

import { forgetKey, sealedDB } from './lock/sealed.js';

export const DB_NAME = 'humiao';
export const DB_VERSION = 2;

// entity name on the wire -> object store
export const STORES = {
  area: 'areas',
  household: 'households',
  minor: 'minors',
  visit: 'visits',
  report: 'reports',
  measure: 'measures',
  referral: 'referrals',
};
export const ENTITIES = Object.keys(STORES);

export const UPGRADES = [
  // 1: the registry, the outbox and what sync needs to tell the worker about her edits
  (db) => {
    db.createObjectStore('areas', { keyPath: 'id' }).createIndex('parent_id', 'parent_id');
    db.createObjectStore('households', { keyPath: 'id' }).createIndex('grid_id', 'grid_id');
    db.createObjectStore('minors', { keyPath: 'id' }).createIndex('household_id', 'household_id');
    db.createObjectStore('visits', { keyPath: 'id' }).createIndex('minor_id', 'minor_id');
    db.createObjectStore('reports', { keyPath: 'id' });
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('record', ['entity', 'id']);
    outbox.createIndex('mid', 'mid', { unique: true });
    // What the worker last pushed per field, until a pull confirms or supersedes it.
    db.createObjectStore('pushed', { keyPath: ['entity', 'id', 'field'] })
      .createIndex('record', ['entity', 'id']);
    // "Your edit was replaced by ..." and similar messages, per record.
    db.createObjectStore('notices', { keyPath: 'id' }).createIndex('record', ['entity', 'record_id']);
    // Out-of-line keys: cursor, last_sync, user, tokens, device_id, hlc, rules.
    db.createObjectStore('meta');
  },
  // 2: a child's measures and referrals (issue 14). A phone of version 1 pulled past them as
  // unknown entities, so its cursor is dropped and the next pull rebuilds the replica from
  // empty (keeping unsent work), as after a change of scope.
  (db, tx) => {
    db.createObjectStore('measures', { keyPath: 'id' }).createIndex('minor_id', 'minor_id');
    db.createObjectStore('referrals', { keyPath: 'id' }).createIndex('minor_id', 'minor_id');
    const meta = tx.objectStore('meta');
    meta.delete('cursor');
    meta.put(true, 'rebuild');
  },
];

// Every value read or written through the returned object is sealed under the app lock's
// data key (lock/sealed.js); the upgrade steps below run before any key exists.
export async function openHumiaoDB(name = DB_NAME) {
  return sealedDB(await openDB(name, DB_VERSION, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < newVersion; v++) UPGRADES[v](db, tx);
    },
    blocked() {
      // Another tab holds an older version open; it closes itself on `versionchange`.
    },
    blocking(currentVersion, blockedVersion, event) {
      // A newer app version in another tab needs to upgrade: let it.
      event.target.close();
    },
  }));
}

// Areas have integer ids (the server's primary keys); the pull sends every id as a string.
export function recordKey(entity, id) {
  return entity === 'area' && typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
}

export function storeOf(entity) {
  const store = STORES[entity];
  if (!store) throw new Error(`unknown entity ${entity}`);
  return store;
}

export async function getMeta(db, key) {
  return db.get('meta', key);
}

export async function setMeta(db, key, value) {
  await db.put('meta', value, key);
}

export async function getRecord(db, entity, id) {
  return db.get(storeOf(entity), id);
}

// Records the user should see: locally deleted ones are hidden until the server agrees.
export async function listRecords(db, entity, index, value) {
  const store = storeOf(entity);
  const rows = index ? await db.getAllFromIndex(store, index, value) : await db.getAll(store);
  return rows.filter((r) => !r._deleted);
}

// Every key of one entity in a store keyed (or indexed) by [entity, id, ...].
export const entityRange = (entity) => IDBKeyRange.bound([entity], [entity, []]);

// Visits whose effect on a child's next due day the server's minor does not show yet: edits
// still in the outbox, and pushed ones no pull has confirmed. 今日 reads only these, not
// every visit: the minor's `last_visit_at` already holds the rest.
export async function unsettledVisits(db) {
  const [queued, pushed] = await Promise.all([
    db.getAllFromIndex('outbox', 'record', entityRange('visit')),
    db.getAll('pushed', entityRange('visit')),
  ]);
  return recordsById(db, 'visit', [...queued, ...pushed].map((e) => e.id));
}

// Visits a supervisor returned (DESIGN §6), through the id list the pull keeps in `meta`.
// A replica from before that list existed is scanned once per read until its next pull.
export async function returnedVisits(db) {
  const ids = await getMeta(db, RETURNED);
  if (!ids) return (await db.getAll('visits')).filter(isReturned);
  return (await recordsById(db, 'visit', ids)).filter(isReturned);
}

export const RETURNED = 'returned_visits';
export const isReturned = (visit) => visit.review_status === 'returned';

async function recordsById(db, entity, ids) {
  const tx = db.transaction(storeOf(entity));
  const rows = await Promise.all([...new Set(ids)].map((id) => tx.store.get(id)));
  return rows.filter(Boolean);
}

export async function outboxFor(db, entity, id) {
  return db.getAllFromIndex('outbox', 'record', [entity, id]);
}

export async function noticesFor(db, entity, id) {
  return db.getAllFromIndex('notices', 'record', [entity, id]);
}

export async function outboxCounts(db) {
  const all = await db.getAll('outbox');
  const rejected = all.filter((e) => e.status === 'rejected').length;
  return { pending: all.length - rejected, rejected, total: all.length };
}

// Logout, revocation, a lost device and five wrong PINs wipe everything the user saw or
// typed, and the lock with it. The device id survives: it names the phone, not the person,
// and keeps the server's audit trail continuous.
export async function wipe(db) {
  forgetKey();
  const deviceId = await getMeta(db, 'device_id');
  const names = [...Object.values(STORES), 'outbox', 'pushed', 'notices', 'meta'];
  const tx = db.transaction(names, 'readwrite');
  await Promise.all([...names.map((n) => tx.objectStore(n).clear()), tx.done]);
  if (deviceId) await setMeta(db, 'device_id', deviceId);
}

export async function deviceId(db) {
  let id = await getMeta(db, 'device_id');
  if (!id) {
    id = crypto.randomUUID();
    await setMeta(db, 'device_id', id);
  }
  return id;
}
