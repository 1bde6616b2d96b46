// Encryption at rest, under every store of the replica: values are sealed as they are put
// and opened as they are read, inside the same IndexedDB transaction, by wrapping the
// idb library's database object (`sealedDB`). The rest of the app reads and writes plain records.
//
// A sealed row keeps in the clear only what IndexedDB itself needs: its key and the fields
// of its indexes (record ids, never names). In `meta`, only the device id and the lock's own
// material stay clear. While the app is locked nothing can be sealed or opened: a write
// aborts its transaction rather than store plain data, a read throws LockedError.
import { unwrap, wrap } from '../../vendor/idb.js';
import { open, seal } from './crypto.js';

// Read before the app is unlocked (or by the lock itself). Nothing in them names anyone.
export const CLEAR_META = new Set(['device_id', 'lock', 'lock_failures', 'lock_minutes', 'lock_passkey', 'rebuild']);

export class LockedError extends Error {
  constructor() {
    super('the app is locked');
    this.name = 'LockedError';
  }
}

let dataKey = null;

export function useKey(key) {
  dataKey = key;
}

export function forgetKey() {
  dataKey?.fill(0);
  dataKey = null;
}

export const unlocked = () => dataKey !== null;

const isSealed = (value) => value !== null && typeof value === 'object' && value._c instanceof Uint8Array;

// Per store: the fields kept clear (its key path and its indexes' key paths), and which of
// them the store generates itself (an auto-increment key is not known when a row is sealed).
const layouts = new Map();
function layoutOf(store) {
  let layout = layouts.get(store.name);
  if (!layout) {
    const paths = [store.keyPath];
    for (const name of store.indexNames) paths.push(store.index(name).keyPath);
    const clear = [...new Set(paths.flat().filter((p) => typeof p === 'string'))];
    const generated = store.autoIncrement && typeof store.keyPath === 'string' ? store.keyPath : null;
    layout = { clear, bound: clear.filter((f) => f !== generated), inline: store.keyPath !== null };
    layouts.set(store.name, layout);
  }
  return layout;
}

const contextOf = (storeName, fields) => `${storeName}\u0000${JSON.stringify(fields)}`;

export function sealValue(store, value, key) {
  const layout = layoutOf(store);
  if (!layout.inline) {
    if (CLEAR_META.has(key)) return value;
    if (!dataKey) throw new LockedError();
    return { _c: seal(dataKey, value, contextOf(store.name, key)) };
  }
  if (!dataKey) throw new LockedError();
  const envelope = {};
  for (const f of layout.clear) if (value?.[f] !== undefined) envelope[f] = value[f];
  const bound = layout.bound.map((f) => value?.[f] ?? null);
  envelope._c = seal(dataKey, value, contextOf(store.name, bound));
  return envelope;
}

// `key`: the row's key, for stores with out-of-line keys (meta).
export function openValue(store, value, key) {
  if (!isSealed(value)) return value; // clear meta, or a row from before the lock existed
  if (!dataKey) throw new LockedError();
  const layout = layoutOf(store);
  if (!layout.inline) return open(dataKey, value._c, contextOf(store.name, key));
  const { _c, ...clear } = value;
  const record = open(dataKey, _c, contextOf(store.name, layout.bound.map((f) => clear[f] ?? null)));
  return { ...record, ...clear }; // the generated key comes back from the envelope
}

// The replica as the app sees it: idb's database object, with every value sealed on the way
// in and opened on the way out. Only the parts of idb's API the app uses are covered; a
// call outside them fails loudly rather than bypass the seal.
const DB_READS = { get: 'get', getAll: 'getAll', getAllFromIndex: 'getAll', getFromIndex: 'get' };

export function sealedDB(db) {
  const store = (s) => sealedStore(s, s);
  const tx = (t) => new Proxy(t, {
    get(target, prop) {
      if (prop === 'objectStore') return (name) => store(target.objectStore(name));
      if (prop === 'store') return target.store && store(target.store);
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') return (...args) => tx(target.transaction(...args));
      if (prop in DB_READS) {
        return (name, ...args) => {
          const s = target.transaction(name).objectStore(name);
          const source = prop.endsWith('FromIndex') ? s.index(args.shift()) : s;
          return sealedStore(source, s)[DB_READS[prop]](...args);
        };
      }
      if (prop === 'put' || prop === 'add') {
        return async (name, ...args) => {
          const t = target.transaction(name, 'readwrite');
          const [key] = await Promise.all([store(t.objectStore(name))[prop](...args), t.done]);
          return key;
        };
      }
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

// `source`: an idb object store or index; `owner`: the object store whose layout applies.
function sealedStore(source, owner) {
  const raw = unwrap(owner);
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'get') return (key) => target.get(key).then((v) => openValue(raw, v, key));
      if (prop === 'getAll') return (...a) => target.getAll(...a).then((rows) => rows.map((v) => openValue(raw, v)));
      if (prop === 'put' || prop === 'add') {
        return (value, key) => {
          const sealed = guarded(() => unwrap(target).transaction, () => sealValue(raw, value, key));
          return key === undefined ? target[prop](sealed) : target[prop](sealed, key);
        };
      }
      if (prop === 'index') return (name) => sealedStore(target.index(name), owner);
      if (prop === 'openCursor') return (...a) => target.openCursor(...a).then((c) => c && sealedCursor(c, raw));
      if (prop === 'iterate' || prop === Symbol.asyncIterator || prop === 'openKeyCursor') return undefined;
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function sealedCursor(cursor, raw) {
  return new Proxy(cursor, {
    get(target, prop) {
      if (prop === 'value') return openValue(raw, target.value, target.primaryKey);
      if (prop === 'update') {
        const tx = () => unwrap(target).request.transaction;
        return (value) => target.update(guarded(tx, () => sealValue(raw, value, target.primaryKey)));
      }
      if (prop === 'continue' || prop === 'advance' || prop === 'continuePrimaryKey') {
        return (...a) => target[prop](...a).then((c) => c && sealedCursor(c, raw));
      }
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

// A write the lock refuses must not leave the rest of its transaction to commit alone. The
// error reaches the caller; the transaction's own AbortError is expected, not unhandled.
function guarded(transaction, sealing) {
  try {
    return sealing();
  } catch (err) {
    try {
      const tx = transaction();
      wrap(tx).done?.catch(() => {});
      tx.abort();
    } catch {
      // already finished
    }
    throw err;
  }
}
