// Shared set-up for the store and sync tests: a fresh IndexedDB (fake-indexeddb) per test.
import 'fake-indexeddb/auto';

import { openHumiaoDB, setMeta } from '../src/db.js';
import { useKey } from '../src/lock/sealed.js';

let n = 0;

// Every store and sync test runs on a sealed replica, as the app does once its lock is set.
export function unlockWithTestKey() {
  useKey(crypto.getRandomValues(new Uint8Array(32)));
}

export async function freshDB() {
  unlockWithTestKey();
  const db = await openHumiaoDB(`humiao-test-${process.pid}-${++n}`);
  await setMeta(db, 'device_id', 'dev-1');
  return db;
}

export const uuid = () => crypto.randomUUID();
