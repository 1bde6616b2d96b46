import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Api, refreshFailureReason } from '../src/api.js';
import { getMeta, setMeta } from '../src/db.js';
import { freshDB } from './helpers.js';

const json = (status, body) => new Response(body === undefined ? '' : JSON.stringify(body), { status });

// A fetch that answers from a list of handlers, recording each request.
function fakeFetch(handler) {
  const requests = [];
  const fetch = async (url, init) => {
    const req = { url, method: init.method, auth: init.headers.Authorization, body: init.body && JSON.parse(init.body) };
    requests.push(req);
    return handler(req);
  };
  return { fetch, requests };
}

test('login sends the device id and returns the session', async () => {
  const db = await freshDB();
  const { fetch, requests } = fakeFetch(() => json(200, {
    access_token: 'a1', refresh_token: 'r1', user: { id: 7, username: 'worker1', role: 'grid_worker', area_ids: [5] },
  }));
  const api = new Api({ db, fetch });
  const data = await api.login('worker1', 'demo-password-1');
  assert.deepEqual(requests[0].body, { username: 'worker1', password: 'demo-password-1', device_id: 'dev-1' });
  await api.storeSession(data);
  assert.deepEqual(await getMeta(db, 'tokens'), { access_token: 'a1', refresh_token: 'r1' });
  assert.equal((await getMeta(db, 'user')).id, 7);
});

test('a 401 refreshes the access token with the refresh token once, then retries', async () => {
  const db = await freshDB();
  await setMeta(db, 'tokens', { access_token: 'old', refresh_token: 'r1' });
  const { fetch, requests } = fakeFetch((req) => {
    if (req.url === '/api/auth/refresh') return json(200, { access_token: 'new' });
    return req.auth === 'Bearer new' ? json(200, { ok: true }) : json(401, { message: 'Token has expired' });
  });
  const api = new Api({ db, fetch });
  const [a, b] = await Promise.all([api.request('GET', '/api/rules'), api.request('GET', '/api/areas')]);
  assert.deepEqual([a, b], [{ ok: true }, { ok: true }]);
  const refreshes = requests.filter((r) => r.url === '/api/auth/refresh');
  assert.equal(refreshes.length, 1, 'concurrent 401s share one refresh');
  assert.equal(refreshes[0].auth, 'Bearer r1');
  assert.deepEqual(await getMeta(db, 'tokens'), { access_token: 'new', refresh_token: 'r1' });
});

test('a refused refresh reports a revoked user (wipe) or an expired session (log in again)', async () => {
  for (const [message, reason] of [['Token has been revoked', 'revoked'], ['Token has expired', 'expired']]) {
    const db = await freshDB();
    await setMeta(db, 'tokens', { access_token: 'a', refresh_token: 'r' });
    const lost = [];
    const { fetch } = fakeFetch(() => json(401, { message }));
    const api = new Api({ db, fetch, onAuthLost: (err) => lost.push(err.reason) });
    await assert.rejects(api.request('POST', '/api/sync/push', { body: {} }), { name: 'AuthError', reason });
    assert.deepEqual(lost, [reason]);
  }
  assert.equal(refreshFailureReason({ msg: 'User deactivated' }), 'revoked');
});

test("the server's machine-readable reason decides, not the words of its message", async () => {
  const cases = [
    // The message says "expired" but the server says the login was revoked: wipe.
    [{ reason: 'token_revoked', message: '登录已失效 / Token has expired?' }, 'revoked'],
    [{ reason: 'token_expired', message: '登录已过期 / revoked by nobody' }, 'expired'],
    // A token the server cannot read is no revocation: log in again, keep the work.
    [{ reason: 'token_invalid', message: '令牌无效 / Invalid token: Signature verification failed' }, 'expired'],
    [{ reason: 'token_missing', message: '请先登录' }, 'expired'],
    // A reused refresh token ends the session for safety: log in again, keep the work.
    [{ reason: 'token_reused', message: '登录已在别处续期 / revoked for safety' }, 'expired'],
  ];
  for (const [body, reason] of cases) {
    const db = await freshDB();
    await setMeta(db, 'tokens', { access_token: 'a', refresh_token: 'r' });
    const lost = [];
    const { fetch } = fakeFetch(() => json(401, { code: 401, status: 'Unauthorized', ...body }));
    const api = new Api({ db, fetch, onAuthLost: (err) => lost.push([err.reason, err.code]) });
    await assert.rejects(api.request('GET', '/api/sync/pull'), { name: 'AuthError', reason });
    assert.deepEqual(lost, [[reason, body.reason]], body.reason);
  }
  assert.equal(refreshFailureReason({ reason: 'token_revoked', message: 'expired' }), 'revoked');
  assert.equal(refreshFailureReason({ reason: 'something_new', message: 'Token has expired' }), 'expired',
    'an unknown reason falls back to the text');
});

test('a refresh keeps the rotated refresh token the server answers', async () => {
  const db = await freshDB();
  await setMeta(db, 'tokens', { access_token: 'old-a', refresh_token: 'r1' });
  let calls = 0;
  const { fetch, requests } = fakeFetch(({ url }) => {
    if (url === '/api/auth/refresh') return json(200, { access_token: 'a2', refresh_token: 'r2' });
    calls += 1;
    return calls === 1 ? json(401, { reason: 'token_expired' }) : json(200, { ok: true });
  });
  await new Api({ db, fetch }).request('GET', '/api/sync/pull');
  assert.deepEqual(await getMeta(db, 'tokens'), { access_token: 'a2', refresh_token: 'r2' });
  assert.deepEqual(requests.filter((r) => r.url === '/api/auth/refresh').map((r) => r.auth), ['Bearer r1']);
});

test('logout revokes the refresh token, and does not fail offline', async () => {
  const db = await freshDB();
  await setMeta(db, 'tokens', { access_token: 'a', refresh_token: 'r' });
  const { fetch, requests } = fakeFetch(() => new Response(null, { status: 204 }));
  await new Api({ db, fetch }).logout();
  assert.deepEqual(requests.map((r) => [r.url, r.auth]), [['/api/auth/logout', 'Bearer r']]);
  await new Api({ db, fetch: async () => { throw new TypeError('offline'); } }).logout();
});

test('HTTP errors carry the status and the JSON error body; no network is a NetworkError', async () => {
  const db = await freshDB();
  const api = new Api({ db, fetch: async () => json(422, { message: '校验失败', errors: { name: ['x'] } }) });
  await assert.rejects(api.request('GET', '/api/x'), (err) => err.status === 422 && err.body.errors.name[0] === 'x');
  const offline = new Api({ db, fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(offline.request('GET', '/api/x'), { name: 'NetworkError' });
});
