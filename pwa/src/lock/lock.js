// The app lock on the device: set a PIN after login, unlock with it (offline), five wrong
// PINs wipe the phone, change it, and lock again after idle time or time in the background.
// Its material lives in `meta` in the clear (lock/sealed.js CLEAR_META): the wrapped data
// key, its salt, the count of wrong PINs and the idle setting.
import { wipe } from '../db.js';
import { newLock, rewrap, unwrapKey, WrongPinError } from './crypto.js';
import { forgetKey, unlocked, useKey } from './sealed.js';

export const MAX_TRIES = 5;
export const IDLE_MINUTES = 5;
export const IDLE_CHOICES = [1, 2, 5, 10, 15];

export const hasLock = async (db) => Boolean(await db.get('meta', 'lock'));

export async function idleMinutes(db) {
  const m = await db.get('meta', 'lock_minutes');
  return IDLE_CHOICES.includes(m) ? m : IDLE_MINUTES;
}

export async function setIdleMinutes(db, minutes) {
  if (!IDLE_CHOICES.includes(minutes)) throw new Error(`idle minutes must be one of ${IDLE_CHOICES}`);
  await db.put('meta', minutes, 'lock_minutes');
}

// The first PIN of this login. Whatever the replica already holds in the clear (an app
// version from before the lock) is sealed in the same transaction that stores the lock, so
// the phone never holds a lock without its data sealed, nor sealed data without the lock.
export async function setPin(db, pin, options) {
  const { key, record } = await newLock(pin, options);
  useKey(key);
  const names = [...db.objectStoreNames];
  const tx = db.transaction(names, 'readwrite');
  for (const name of names) {
    const store = tx.objectStore(name);
    if (name === 'meta') continue;
    for (const row of await store.getAll()) await store.put(row);
  }
  const meta = tx.objectStore('meta');
  for (const key of await meta.getAllKeys()) {
    const value = await meta.get(key);
    await meta.put(value, key); // sealed unless it is lock material
  }
  await meta.put(record, 'lock');
  await meta.put(0, 'lock_failures');
  await tx.done;
}

// The count of wrong PINs survives a restart; the fifth wipes the phone.
async function wrongPin(db) {
  const failures = ((await db.get('meta', 'lock_failures')) ?? 0) + 1;
  if (failures >= MAX_TRIES) {
    await wipe(db);
    return 'wiped';
  }
  await db.put('meta', failures, 'lock_failures');
  return { left: MAX_TRIES - failures };
}

// `{ key }` (a copy of the data key) when the PIN is right, else `{ result }`: what the
// wrong PIN cost, { left } tries before the wipe or 'wiped'.
export async function checkPin(db, pin) {
  const record = await db.get('meta', 'lock');
  if (!record) return { result: 'wiped' };
  let key;
  try {
    key = await unwrapKey(record, pin);
  } catch (err) {
    if (!(err instanceof WrongPinError)) throw err;
    return { result: await wrongPin(db) };
  }
  await db.put('meta', 0, 'lock_failures'); // a right PIN starts the count again
  return { key };
}

// The replica opens with this data key (checked by checkPin or by the fingerprint).
export function openWith(key) {
  useKey(key);
  performance.mark('humiao:unlocked'); // what the lock costs, read by tests/bench/bench_pwa.py
}

// 'ok', or { left } wrong tries before the wipe, or 'wiped'.
export async function unlock(db, pin) {
  const { key, result } = await checkPin(db, pin);
  if (!key) return result;
  openWith(key);
  return 'ok';
}

// The old PIN proves it is her (a wrong one counts like at unlock); the data key stays, and
// so does its passkey wrap (lock/passkey.js).
export async function changePin(db, oldPin, newPin) {
  const { key, result } = await checkPin(db, oldPin);
  if (!key) return result;
  const next = await rewrap(key, newPin);
  key.fill(0);
  await db.put('meta', next, 'lock');
  return 'ok';
}

export function lockNow() {
  forgetKey();
}

export { unlocked };

// Lock after `minutes` without a touch or a key, or after that long in the background:
// `onLock` is called, once per lock, and locks (lockNow and whatever the app stops with it).
export function watchIdle(getMinutes, onLock, { now = () => Date.now(), every = 10_000 } = {}) {
  let last = now();
  let hiddenAt = null;
  const touch = () => {
    last = now();
  };
  const check = () => {
    if (!unlocked()) return;
    const limit = getMinutes() * 60_000;
    const away = hiddenAt === null ? 0 : now() - hiddenAt;
    if (now() - last >= limit || away >= limit) {
      onLock();
    }
  };
  const visibility = () => {
    if (document.visibilityState === 'hidden') hiddenAt = now();
    else {
      check();
      hiddenAt = null;
      touch();
    }
  };
  const events = ['pointerdown', 'keydown', 'touchstart', 'wheel'];
  for (const e of events) addEventListener(e, touch, { passive: true, capture: true });
  document.addEventListener('visibilitychange', visibility);
  const timer = setInterval(check, every);
  return () => {
    clearInterval(timer);
    for (const e of events) removeEventListener(e, touch, { capture: true });
    document.removeEventListener('visibilitychange', visibility);
  };
}
