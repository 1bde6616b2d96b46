// Shared set-up for the store and sync tests: a fresh IndexedDB (fake-indexeddb) per test.
import 'fake-indexeddb/auto';

import { openHumiaoDB, setMeta } from '../src/db.js';

let n = 0;

export async function freshDB() {
  const db = await openHumiaoDB(`humiao-test-${process.pid}-${++n}`);
  await setMeta(db, 'device_id', 'dev-1');
  return db;
}

export const uuid = () => crypto.randomUUID();
