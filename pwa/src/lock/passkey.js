// Unlocking with the phone's fingerprint or face instead of the PIN (issue 17), where the
// phone offers it: a WebAuthn credential of its platform authenticator with the PRF
// extension, which releases a 32-byte secret only after the authenticator's own user
// verification, offline. The data key is wrapped a second time under that secret; the PIN's
// wrap stays, for the phones and the days the authenticator cannot be used. No server takes
// part: the assertion's signature is not what protects the data, the secret is.
import { unwrapWithSecret, wrapWithSecret } from './crypto.js';
import { checkPin, openWith } from './lock.js';

export const PASSKEY = 'lock_passkey'; // in `meta`, clear like the PIN's wrap (sealed.js)

// Why the passkey could not be used: 'unsupported' (no PRF on this authenticator), 'refused'
// (cancelled, timed out or not verified), 'stale' (another credential's secret).
export class PasskeyError extends Error {
  constructor(reason) {
    super(`passkey ${reason}`);
    this.name = 'PasskeyError';
    this.reason = reason;
  }
}

const random = (n) => crypto.getRandomValues(new Uint8Array(n));

// WebAuthn needs a secure context and a domain name: not a trial over a LAN address.
export async function passkeyOffered() {
  const api = globalThis.PublicKeyCredential;
  if (!api?.isUserVerifyingPlatformAuthenticatorAvailable || !globalThis.isSecureContext) return false;
  if (/^[\d.]+$|^\[/.test(globalThis.location?.hostname ?? '')) return false;
  return api.isUserVerifyingPlatformAuthenticatorAvailable().catch(() => false);
}

export const hasPasskey = async (db) => Boolean(await db.get('meta', PASSKEY));

// WebAuthn's own failures are DOMExceptions: the user cancelled or was not verified, or the
// sheet timed out (NotAllowedError, AbortError); anything else is what this phone cannot do.
async function ask(call) {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof DOMException)) throw err;
    throw new PasskeyError(['NotAllowedError', 'AbortError'].includes(err.name) ? 'refused' : 'unsupported');
  }
}

async function prfSecret(credential, salt) {
  const assertion = await ask(() => navigator.credentials.get({
    publicKey: {
      challenge: random(32),
      allowCredentials: [{ type: 'public-key', id: credential, transports: ['internal'] }],
      userVerification: 'required',
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt } } },
    },
  }));
  const first = assertion?.getClientExtensionResults().prf?.results?.first;
  if (!first) throw new PasskeyError('unsupported');
  return new Uint8Array(first);
}

// The PIN proves it is her (a wrong one counts like at unlock): 'ok', { left } or 'wiped';
// PasskeyError when the authenticator cannot or will not.
export async function addPasskey(db, pin, user) {
  const { key, result } = await checkPin(db, pin);
  if (!key) return result;
  try {
    const created = await ask(() => navigator.credentials.create({
      publicKey: {
        rp: { name: '护苗 Humiao' },
        user: { id: random(16), name: user?.username ?? 'humiao', displayName: user?.display_name ?? user?.username ?? 'humiao' },
        challenge: random(32),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
        authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required', residentKey: 'discouraged' },
        timeout: 60_000,
        extensions: { prf: {} },
      },
    }));
    if (!created.getClientExtensionResults().prf?.enabled) throw new PasskeyError('unsupported');
    const credential = new Uint8Array(created.rawId);
    const salt = random(32);
    const secret = await prfSecret(credential, salt);
    const wrapped = await wrapWithSecret(key, secret);
    secret.fill(0);
    await db.put('meta', { ...wrapped, credential, salt }, PASSKEY);
    return 'ok';
  } finally {
    key.fill(0);
  }
}

export async function removePasskey(db) {
  await db.delete('meta', PASSKEY);
}

// 'ok', or PasskeyError; a failure here costs no PIN try (the authenticator limits its own).
export async function unlockWithPasskey(db) {
  const record = await db.get('meta', PASSKEY);
  if (!record) throw new PasskeyError('stale');
  const secret = await prfSecret(record.credential, record.salt);
  let key;
  try {
    key = await unwrapWithSecret(record, secret);
  } catch {
    throw new PasskeyError('stale');
  } finally {
    secret.fill(0);
  }
  await db.put('meta', 0, 'lock_failures'); // the fingerprint too proves it is her
  openWith(key);
  return 'ok';
}
