// The app lock's crypto layer and the sealed replica (issue 17), on fake-indexeddb.
import assert from 'node:assert/strict';
import test from 'node:test';

import { openDB } from '../vendor/idb.js';
import { getMeta, openHumiaoDB, outboxCounts, setMeta, UPGRADES } from '../src/db.js';
import {
  newLock, open, pinProblem, rewrap, seal, TamperError, unwrapKey, unwrapWithSecret, wrapWithSecret, WrongPinError,
} from '../src/lock/crypto.js';
import { changePin, hasLock, lockNow, MAX_TRIES, setPin, unlock } from '../src/lock/lock.js';
import { addPasskey, PASSKEY, PasskeyError, unlockWithPasskey } from '../src/lock/passkey.js';
import { LockedError, unlocked } from '../src/lock/sealed.js';
import { saveRecord } from '../src/outbox.js';
import { uuid } from './helpers.js';

const FAST = { iterations: 1000 }; // the real count is 600,000: the same code, slower
const PIN = '135790';
const NAME = '王小花';

// Every value of every store as IndexedDB holds it, bypassing the app's seal.
async function rawDump(name) {
  const db = await openDB(name);
  const dump = {};
  for (const store of db.objectStoreNames) dump[store] = await db.getAll(store);
  db.close();
  return dump;
}

async function lockedPhone() {
  const name = `lock-${uuid()}`;
  const db = await openHumiaoDB(name);
  await setMeta(db, 'device_id', 'dev-1');
  await setPin(db, PIN, FAST);
  return { db, name };
}

test('a PIN is six digits and not a run anyone would try first', () => {
  assert.equal(pinProblem('135790'), '');
  assert.equal(pinProblem('908172'), '');
  for (const weak of ['000000', '123456', '987654', '246802', '111111']) assert.equal(pinProblem(weak), 'pin_simple', weak);
  for (const bad of ['12345', '1234567', 'abcdef', '', null, '12 456']) assert.equal(pinProblem(bad), 'pin_format', String(bad));
});

test('the data key unwraps with its PIN only; a changed byte of the wrap is a wrong PIN', async () => {
  const { key, record } = await newLock(PIN, FAST);
  assert.deepEqual(await unwrapKey(record, PIN), key);
  await assert.rejects(unwrapKey(record, '135791'), WrongPinError);
  const tampered = { ...record, wrapped: record.wrapped.slice() };
  tampered.wrapped[3] ^= 1;
  await assert.rejects(unwrapKey(tampered, PIN), WrongPinError);
  assert.equal(record.salt.length, 16);
  assert.equal(record.iterations, 1000);
  const other = await newLock(PIN, FAST);
  assert.notDeepEqual(other.record.salt, record.salt, 'a salt per lock');
});

test('a new PIN rewraps the same data key under a new salt', async () => {
  const { key, record } = await newLock(PIN, FAST);
  const next = await rewrap(key, '864209', FAST);
  assert.deepEqual(await unwrapKey(next, '864209'), key);
  await assert.rejects(unwrapKey(next, PIN), WrongPinError);
  assert.notDeepEqual(next.salt, record.salt);
});

test('a sealed value opens only with its key, unchanged, in its own place', () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const value = { name: NAME, flags: ['neglect'], n: 3, none: null };
  const sealed = seal(key, value, 'minors|m1');
  assert.deepEqual(open(key, sealed, 'minors|m1'), value);
  assert.ok(!new TextDecoder().decode(sealed).includes('王'), 'no plain text in the seal');
  assert.notDeepEqual(seal(key, value, 'minors|m1'), sealed, 'a fresh nonce each time');
  const flipped = sealed.slice();
  flipped[20] ^= 0x80;
  assert.throws(() => open(key, flipped, 'minors|m1'), TamperError);
  assert.throws(() => open(key, sealed, 'minors|m2'), TamperError, 'moved to another record');
  assert.throws(() => open(crypto.getRandomValues(new Uint8Array(32)), sealed, 'minors|m1'), TamperError);
  assert.throws(() => seal(key, { f: () => 1 }), TypeError, 'what JSON would drop is refused');
});

test('what the replica holds on disk names no one: records, outbox and meta are sealed', async () => {
  const { db, name } = await lockedPhone();
  const household = uuid();
  const minor = uuid();
  await setMeta(db, 'user', { display_name: '李网格员', username: 'worker1' });
  await setMeta(db, 'tokens', { access_token: 'secret-access', refresh_token: 'secret-refresh' });
  await saveRecord(db, 'household', { id: household, grid_id: 7, address: '李家村 3 组 5 号', head_name: '李大山' });
  await saveRecord(db, 'minor', { id: minor, household_id: household, name: NAME, id_number: '110101201501011234' });
  const dump = JSON.stringify(await rawDump(name), (k, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v));
  for (const secret of [NAME, '李大山', '李家村', '110101201501011234', 'secret-refresh', '李网格员']) {
    assert.ok(!dump.includes(secret), `${secret} readable on disk`);
  }
  // What IndexedDB must index stays clear: ids only.
  const raw = await rawDump(name);
  assert.deepEqual(Object.keys(raw.minors[0]).sort(), ['_c', 'household_id', 'id']);
  assert.deepEqual(Object.keys(raw.outbox[0]).sort(), ['_c', 'entity', 'id', 'mid', 'seq']);
  // The app reads them back whole.
  assert.equal((await db.get('minors', minor)).name, NAME);
  assert.equal((await getMeta(db, 'tokens')).refresh_token, 'secret-refresh');
  assert.equal((await outboxCounts(db)).pending, 2);
});

test('locked, nothing can be read, and a write aborts its whole transaction', async () => {
  const { db } = await lockedPhone();
  const id = uuid();
  await saveRecord(db, 'household', { id, address: 'x' });
  lockNow();
  assert.equal(unlocked(), false);
  await assert.rejects(db.get('households', id), LockedError);
  await assert.rejects(getMeta(db, 'hlc'), LockedError);
  await assert.rejects(saveRecord(db, 'household', { id: uuid(), address: 'y' }), LockedError);
  assert.equal(await getMeta(db, 'device_id'), 'dev-1', 'the device id stays readable');
  assert.equal(await unlock(db, PIN), 'ok');
  assert.equal((await outboxCounts(db)).total, 1, 'the refused save left no outbox entry');
  assert.equal((await db.get('households', id)).address, 'x');
});

test('five wrong PINs wipe the phone; a right one in between resets the count', async () => {
  const { db } = await lockedPhone();
  await saveRecord(db, 'household', { id: uuid(), address: 'x' });
  lockNow();
  assert.deepEqual(await unlock(db, '246813'), { left: MAX_TRIES - 1 });
  assert.equal(await unlock(db, PIN), 'ok');
  lockNow();
  for (let left = MAX_TRIES - 1; left > 0; left--) assert.deepEqual(await unlock(db, '246813'), { left });
  assert.equal(await unlock(db, '246813'), 'wiped');
  assert.equal(await hasLock(db), false);
  assert.equal(unlocked(), false);
  assert.equal((await outboxCounts(db)).total, 0);
  assert.equal(await getMeta(db, 'device_id'), 'dev-1', 'the phone keeps its name');
});

test('changing the PIN needs the old one and keeps the data', async () => {
  const { db } = await lockedPhone();
  const id = uuid();
  await saveRecord(db, 'household', { id, address: '东村' });
  assert.deepEqual(await changePin(db, '246813', '864209'), { left: MAX_TRIES - 1 });
  assert.equal(await changePin(db, PIN, '864209'), 'ok');
  lockNow();
  assert.deepEqual(await unlock(db, PIN), { left: MAX_TRIES - 1 });
  assert.equal(await unlock(db, '864209'), 'ok');
  assert.equal((await db.get('households', id)).address, '东村');
});

test('data kept by an app version without the lock is sealed when the PIN is set', async () => {
  const name = `legacy-${uuid()}`;
  const plain = await openDB(name, 1, { upgrade: (d, _old, _new, tx) => UPGRADES[0](d, tx) });
  await plain.put('households', { id: 'h1', grid_id: 3, head_name: '赵大' });
  await plain.put('outbox', { mid: 'm1', entity: 'household', id: 'h1', op: 'upsert', fields: { head_name: '赵大' } });
  await plain.put('meta', { display_name: '赵网格员' }, 'user');
  await plain.put('meta', 'dev-9', 'device_id');
  plain.close();
  lockNow();
  const db = await openHumiaoDB(name);
  assert.equal((await db.get('households', 'h1')).head_name, '赵大', 'clear rows still read');
  await setPin(db, PIN, FAST);
  const raw = JSON.stringify(await rawDump(name), (k, v) => (v instanceof Uint8Array ? '<sealed>' : v));
  assert.ok(!raw.includes('赵'), raw);
  assert.equal((await db.get('households', 'h1')).head_name, '赵大');
  assert.equal((await db.getAll('outbox'))[0].seq, 1);
  assert.equal((await getMeta(db, 'user')).display_name, '赵网格员');
  assert.equal(await getMeta(db, 'device_id'), 'dev-9');
});

// The phone's platform authenticator as WebAuthn shows it: a PRF secret per credential,
// released only when the user is verified.
function fakeAuthenticator({ prf = true } = {}) {
  const secrets = new Map();
  const self = { verified: true, prf, lastCreate: null };
  const hex = (b) => Buffer.from(b).toString('hex');
  const credentials = {
    async create({ publicKey }) {
      self.lastCreate = publicKey;
      const rawId = crypto.getRandomValues(new Uint8Array(16));
      secrets.set(hex(rawId), crypto.getRandomValues(new Uint8Array(32)));
      return { rawId: rawId.buffer, getClientExtensionResults: () => ({ prf: { enabled: self.prf } }) };
    },
    async get({ publicKey }) {
      if (!self.verified) throw new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
      const secret = secrets.get(hex(publicKey.allowCredentials[0].id));
      if (!secret || !self.prf) return { getClientExtensionResults: () => ({}) };
      const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const first = await crypto.subtle.sign('HMAC', key, publicKey.extensions.prf.eval.first);
      return { getClientExtensionResults: () => ({ prf: { results: { first } } }) };
    },
  };
  if (!globalThis.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  Object.defineProperty(globalThis.navigator, 'credentials', { value: credentials, configurable: true });
  self.forget = () => secrets.clear();
  return self;
}

test('a secret wrap of the data key opens with that secret only', async () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const record = await wrapWithSecret(key, secret);
  assert.deepEqual(await unwrapWithSecret(record, secret), key);
  await assert.rejects(unwrapWithSecret(record, crypto.getRandomValues(new Uint8Array(32))), WrongPinError);
});

test('fingerprint unlock: added with the PIN, opens offline, a refusal costs no PIN try', async () => {
  const authenticator = fakeAuthenticator();
  const { db, name } = await lockedPhone();
  await saveRecord(db, 'minor', { id: 'm1', name: NAME });
  const user = { username: 'worker1', display_name: '张网格员' };

  assert.deepEqual(await addPasskey(db, '864209', user), { left: MAX_TRIES - 1 });
  assert.equal(await getMeta(db, PASSKEY), undefined);
  assert.equal(await addPasskey(db, PIN, user), 'ok');
  assert.equal(authenticator.lastCreate.authenticatorSelection.userVerification, 'required');
  assert.equal(await getMeta(db, 'lock_failures'), 0);
  const stored = (await rawDump(name)).meta;
  assert.ok(stored.some((v) => v?.kdf === 'HKDF-SHA256' && v.wrapped instanceof Uint8Array), 'kept in the clear, wrapped');

  lockNow();
  assert.equal(unlocked(), false);
  assert.equal(await unlockWithPasskey(db), 'ok');
  assert.equal((await db.get('minors', 'm1')).name, NAME);

  // Cancelled or not verified: a clear error, and the PIN's five tries untouched.
  lockNow();
  await db.put('meta', 2, 'lock_failures');
  authenticator.verified = false;
  await assert.rejects(unlockWithPasskey(db), (err) => err instanceof PasskeyError && err.reason === 'refused');
  assert.equal(unlocked(), false);
  assert.equal(await getMeta(db, 'lock_failures'), 2);
  authenticator.verified = true;

  // A new PIN keeps the same data key, so the fingerprint still opens it.
  assert.equal(await unlock(db, PIN), 'ok');
  assert.equal(await changePin(db, PIN, '864209'), 'ok');
  lockNow();
  assert.equal(await unlockWithPasskey(db), 'ok');
  assert.equal(await getMeta(db, 'lock_failures'), 0);

  // The credential gone from the phone: the app says so; the PIN still opens it.
  lockNow();
  authenticator.forget();
  await assert.rejects(unlockWithPasskey(db), (err) => err.reason === 'unsupported');
  assert.equal(await unlock(db, '864209'), 'ok');
  db.close();
});

test('an authenticator without PRF cannot unlock the data, and nothing is stored', async () => {
  fakeAuthenticator({ prf: false });
  const { db } = await lockedPhone();
  await assert.rejects(addPasskey(db, PIN, { username: 'w' }), (err) => err instanceof PasskeyError && err.reason === 'unsupported');
  assert.equal(await getMeta(db, PASSKEY), undefined);
  lockNow();
  await assert.rejects(unlockWithPasskey(db), (err) => err.reason === 'stale');
  db.close();
});
