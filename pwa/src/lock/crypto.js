// The app lock's keys (issue 17). A random 256-bit data key seals every record the phone
// keeps; the key itself is stored only wrapped (AES-GCM) under a key derived from the
// worker's 6-digit PIN (PBKDF2-SHA256, a per-device salt, 600,000 rounds). While the app is
// unlocked the data key is held in memory; locking zeroes it.
//
// Records are sealed with XChaCha20-Poly1305 from @noble/ciphers, which runs synchronously:
// the app's saves write a record and its outbox entry in ONE IndexedDB transaction, and a
// transaction cannot wait for WebCrypto's promises. In JavaScript it opens a record 2.3x faster
// than AES-GCM and its code is half the size; its 24-byte nonces may be random for any number
// of records. The PIN derivation and the key wrap are WebCrypto AES-GCM with non-extractable
// keys. docs/decisions.md says why the data key is bytes and why this cipher.
import { xchacha20poly1305 } from '../../vendor/noble-ciphers/chacha.js';

export const PIN_LENGTH = 6;
export const PIN_ITERATIONS = 600_000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
const WRAP_CONTEXT = new TextEncoder().encode('humiao data key v1');
const WRAP_NONCE_BYTES = 12; // AES-GCM (WebCrypto), the key wrap
const NONCE_BYTES = 24; // XChaCha20-Poly1305, the records

export class WrongPinError extends Error {
  constructor() {
    super('wrong PIN');
    this.name = 'WrongPinError';
  }
}

// A sealed value that does not open: a changed byte, another record's ciphertext moved here,
// or another key.
export class TamperError extends Error {
  constructor() {
    super('sealed data does not open: changed or not ours');
    this.name = 'TamperError';
  }
}

const random = (n) => crypto.getRandomValues(new Uint8Array(n));

// '' when the PIN will do, else the reason (an i18n key under lock.pin_*).
export function pinProblem(pin) {
  if (!new RegExp(`^\\d{${PIN_LENGTH}}$`).test(pin ?? '')) return 'pin_format';
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i] + 10) % 10));
  // 000000, 123456, 987654, 246802 ...: the first PINs anyone tries.
  if (steps.size === 1) return 'pin_simple';
  return '';
}

async function pinKey(pin, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function aesWrap(kek, dataKey) {
  const iv = random(WRAP_NONCE_BYTES);
  const wrapped = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: WRAP_CONTEXT }, kek, dataKey,
  ));
  return { iv, wrapped };
}

// The data key, or null when the wrapping key is not the one it was wrapped with.
async function aesUnwrap(kek, { iv, wrapped }) {
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: WRAP_CONTEXT }, kek, wrapped));
  } catch {
    return null;
  }
}

async function wrap(dataKey, pin, iterations) {
  const salt = random(16);
  const kek = await pinKey(pin, salt, iterations);
  return { v: 1, kdf: 'PBKDF2-SHA256', iterations, salt, ...(await aesWrap(kek, dataKey)) };
}

// A second wrap of the same data key under a secret the phone's authenticator releases only
// after its own user verification (WebAuthn's PRF output, 32 bytes): lock/passkey.js.
async function secretKey(secret) {
  const material = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: WRAP_CONTEXT },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function wrapWithSecret(dataKey, secret) {
  return { v: 1, kdf: 'HKDF-SHA256', ...(await aesWrap(await secretKey(secret), dataKey)) };
}

// The data key, or WrongPinError (a secret from another credential, or a tampered record).
export async function unwrapWithSecret(record, secret) {
  if (record?.v !== 1 || record.kdf !== 'HKDF-SHA256') throw new Error('unknown passkey record');
  const key = await aesUnwrap(await secretKey(secret), record);
  if (!key) throw new WrongPinError();
  return key;
}

// A new lock: a fresh data key, wrapped under the PIN. `record` is what the phone stores.
export async function newLock(pin, { iterations = PIN_ITERATIONS } = {}) {
  if (pinProblem(pin)) throw new Error(`unusable PIN: ${pinProblem(pin)}`);
  const key = random(32);
  return { key, record: await wrap(key, pin, iterations) };
}

// The data key, or WrongPinError. A tampered record is indistinguishable from a wrong PIN.
export async function unwrapKey(record, pin) {
  if (record?.v !== 1) throw new Error('unknown lock record');
  const key = await aesUnwrap(await pinKey(pin, record.salt, record.iterations), record);
  if (!key) throw new WrongPinError();
  return key;
}

// The same data key under a new PIN (and a new salt): nothing else needs re-sealing.
export async function rewrap(key, newPin, { iterations = PIN_ITERATIONS } = {}) {
  if (pinProblem(newPin)) throw new Error(`unusable PIN: ${pinProblem(newPin)}`);
  return wrap(key, newPin, iterations);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// What JSON would silently drop or cannot write is refused, as IndexedDB's own cloning
// refuses it: a save never loses part of a record without saying so.
function strict(key, value) {
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
    throw new TypeError(`cannot store ${kind} ${key ? `in ${key}` : ''}`.trim());
  }
  return value;
}

// nonce || ciphertext || tag of the value's JSON. `context` (the store and the record's key)
// is authenticated, so a sealed value moved to another record does not open.
export function seal(key, value, context = '') {
  const nonce = random(NONCE_BYTES);
  const body = xchacha20poly1305(key, nonce, encoder.encode(context)).encrypt(encoder.encode(JSON.stringify(value, strict)));
  const out = new Uint8Array(NONCE_BYTES + body.length);
  out.set(nonce);
  out.set(body, NONCE_BYTES);
  return out;
}

export function open(key, sealed, context = '') {
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const plain = xchacha20poly1305(key, nonce, encoder.encode(context)).decrypt(sealed.subarray(NONCE_BYTES));
    return JSON.parse(decoder.decode(plain));
  } catch {
    throw new TamperError();
  }
}
