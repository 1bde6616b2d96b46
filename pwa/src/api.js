// The HTTP client of the app: bearer tokens, one refresh on 401, JSON in and out. `fetch` is
// injected so that tests can use a fake server. Nothing here touches IndexedDB except the
// tokens, which are read and written outside any other transaction.
import { deviceId, getMeta, setMeta } from './db.js';

export class HttpError extends Error {
  constructor(status, body) {
    super(body?.message ?? body?.msg ?? `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('network unreachable');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

// The session cannot be renewed. `reason` is 'revoked' (wipe the device, DESIGN §6) or
// 'expired' (log in again; local work is kept for the same user). `code` is the server's own
// reason when it sent one.
export class AuthError extends Error {
  constructor(reason, body) {
    super(reason === 'expired' ? 'session expired' : 'account revoked');
    this.name = 'AuthError';
    this.status = 401;
    this.reason = reason;
    this.code = body?.reason ?? null;
    this.body = body;
  }
}

// The server's machine-readable `reason` of a 401 (server/accounts/tokens.py). Only a
// revocation (a revoked token, a deactivated or deleted user) wipes the phone. A token the
// server cannot read or did not get says nothing about the user's rights (a rotated key, a
// proxy that dropped the header): like an expiry, it asks for a new login and keeps her
// unsynced work.
const REASONS = {
  token_revoked: 'revoked',
  // A street admin marked this phone lost (issue 17): its tokens stopped, and it wipes itself.
  device_lost: 'revoked',
  token_expired: 'expired',
  token_invalid: 'expired',
  token_missing: 'expired',
  token_not_fresh: 'expired',
  // A retired refresh token came back (a copied token, or a very late retry): the session
  // has ended for safety, but nothing says this user lost her rights.
  token_reused: 'expired',
};

// Older servers send no `reason`: flask-jwt-extended says "Token has expired" for a refresh
// token past its life, and every other 401 on refresh is treated as revocation.
export function refreshFailureReason(body) {
  const known = REASONS[body?.reason];
  if (known) return known;
  const text = `${body?.code ?? ''} ${body?.message ?? ''} ${body?.msg ?? ''}`;
  return /expired/i.test(text) ? 'expired' : 'revoked';
}

export class Api {
  constructor({ db, fetch = (...a) => globalThis.fetch(...a), base = '', onAuthLost = () => {} }) {
    Object.assign(this, { db, fetchImpl: fetch, base, onAuthLost });
    this.refreshing = null;
  }

  async send(method, path, { body, token } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(this.base + path, {
        method, headers, cache: 'no-store', credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new NetworkError(err);
    }
  }

  static async json(res) {
    const text = await res.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return { message: text.slice(0, 200) };
    }
  }

  async request(method, path, { body } = {}) {
    const tokens = await getMeta(this.db, 'tokens');
    let res = await this.send(method, path, { body, token: tokens?.access_token });
    if (res.status === 401 && tokens?.refresh_token) {
      await this.refresh();
      const renewed = await getMeta(this.db, 'tokens');
      res = await this.send(method, path, { body, token: renewed?.access_token });
    }
    const data = await Api.json(res);
    if (!res.ok) throw new HttpError(res.status, data);
    return data;
  }

  // Several requests that meet a 401 together share one refresh.
  refresh() {
    if (!this.refreshing) {
      this.refreshing = this.refreshOnce().finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  async refreshOnce() {
    const tokens = await getMeta(this.db, 'tokens');
    const res = await this.send('POST', '/api/auth/refresh', { token: tokens?.refresh_token });
    const data = await Api.json(res);
    if (res.status === 401 || res.status === 422) {
      const err = new AuthError(refreshFailureReason(data), data);
      await this.onAuthLost(err);
      throw err;
    }
    if (!res.ok) throw new HttpError(res.status, data);
    await setMeta(this.db, 'tokens', {
      access_token: data.access_token,
      refresh_token: data.refresh_token ?? tokens.refresh_token,
    });
  }

  async login(username, password) {
    const device = await deviceId(this.db);
    const res = await this.send('POST', '/api/auth/login', {
      body: { username, password, device_id: device },
    });
    const data = await Api.json(res);
    if (!res.ok) throw new HttpError(res.status, data);
    return data; // the caller decides whether to wipe another user's data first
  }

  async storeSession(data) {
    await setMeta(this.db, 'tokens', {
      access_token: data.access_token, refresh_token: data.refresh_token,
    });
    await setMeta(this.db, 'user', data.user);
  }

  // Best effort: revoking the refresh token ends the device's session on the server, if it
  // can be reached; the device wipes itself anyway.
  async logout() {
    const tokens = await getMeta(this.db, 'tokens');
    try {
      await this.send('POST', '/api/auth/logout', { token: tokens?.refresh_token ?? tokens?.access_token });
    } catch {
      // offline: the tokens die with the wiped database
    }
  }

  async fetchRules() {
    const data = await this.request('GET', '/api/rules');
    await setMeta(this.db, 'rules', { ...data, fetched_at: new Date().toISOString() });
    return data;
  }
}
