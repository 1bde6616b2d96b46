// The online screens' side of the network (supervisors, liaisons, notifications): read through
// the app's Api client (tokens, one refresh on 401), say clearly when there is no network, and
// never touch the replica or the outbox: the worker's offline flows do not depend on any of it.
import { useEffect, useState } from 'preact/hooks';

import { getMeta } from './db.js';
import { t } from './i18n/index.js';
import { getState, toast, useAppState } from './state.js';
import { errorSentence } from './sup/format.js';

export const isOffline = () => globalThis.navigator?.onLine === false;

class OfflineError extends Error {
  constructor() {
    super('offline');
    this.name = 'NetworkError';
  }
}

// JSON in and out, as the worker's sync does it.
export async function apiCall(method, path, body) {
  if (isOffline()) throw new OfflineError();
  return getState().api.request(method, path, body === undefined ? {} : { body });
}

export const apiGet = (path) => apiCall('GET', path);

// For what the Api client does not do (binary answers, multipart, response headers): a
// bearer-token fetch with the client's own refresh, so a session is renewed one way only.
export async function authedFetch(path, init = {}) {
  if (isOffline()) throw new OfflineError();
  const { api, db } = getState();
  const attempt = async () => {
    const tokens = await getMeta(db, 'tokens');
    const headers = { ...(init.headers ?? {}) };
    if (tokens?.access_token) headers.Authorization = `Bearer ${tokens.access_token}`;
    try {
      return await fetch(path, { ...init, headers, cache: 'no-store', credentials: 'same-origin' });
    } catch {
      throw new OfflineError();
    }
  };
  let res = await attempt();
  if (res.status === 401) {
    await api.refresh();
    res = await attempt();
  }
  return res;
}

// The total behind a paged list (flask-smorest's X-Pagination), for the workbench's counts.
export async function countOf(path) {
  const sep = path.includes('?') ? '&' : '?';
  const res = await authedFetch(`${path}${sep}page_size=1`, { headers: { Accept: 'application/json' } });
  if (!res.ok) return null;
  try {
    return JSON.parse(res.headers.get('X-Pagination') ?? 'null')?.total ?? (await res.json()).length;
  } catch {
    return null;
  }
}

// Read `path` (null: nothing yet) and re-read when `reload()` is called, when the network
// comes back, and when any of `deps` changes.
export function useRemote(path, deps = []) {
  const { status } = useAppState();
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState({ loading: Boolean(path), data: undefined, error: null, offline: false });
  useEffect(() => {
    if (!path) return undefined;
    let alive = true;
    setResult((r) => ({ ...r, loading: true }));
    apiGet(path).then(
      (data) => alive && setResult({ loading: false, data, error: null, offline: false }),
      (error) => alive && setResult((r) => ({
        loading: false, data: r.data, error: error.name === 'NetworkError' ? null : error,
        offline: error.name === 'NetworkError',
      })),
    );
    return () => { alive = false; };
  }, [path, tick, status.online, ...deps]);
  return { ...result, reload: () => setTick((n) => n + 1) };
}

// A change the supervisor makes: toast on success, the reason on failure. Returns the answer,
// or null (the error is in `onError`'s hands for field errors, else toasted).
export async function act(method, path, body, { done, onError } = {}) {
  try {
    const data = await apiCall(method, path, body);
    if (done) toast(done);
    return data ?? {};
  } catch (err) {
    if (err.name === 'AuthError') return null;
    if (onError && err.status === 422) onError(err);
    else toast(errorSentence(err) || t('sup.failed'), 'error');
    return null;
  }
}

// Save a file the server sends (xlsx) under the name it gives.
export async function download(path, fallbackName) {
  const res = await authedFetch(path);
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, body: await res.json().catch(() => null) });
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

// A page the server renders (the printable monthly report) in a new tab: fetched with the
// token, shown from a blob, since a plain link cannot carry the bearer header.
export async function openPage(path) {
  const win = window.open('', '_blank');
  const res = await authedFetch(path);
  if (!res.ok) {
    win?.close();
    throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
  }
  const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }));
  if (win) win.location.href = url;
  else window.location.assign(url);
  setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
  return url;
}

// Upload with progress (XMLHttpRequest reports upload progress; fetch does not).
export async function upload(path, form, onProgress) {
  if (isOffline()) throw new OfflineError();
  const { api, db } = getState();
  const send = async () => {
    const tokens = await getMeta(db, 'tokens');
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      if (tokens?.access_token) xhr.setRequestHeader('Authorization', `Bearer ${tokens.access_token}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
      xhr.onload = () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch { body = { message: xhr.responseText.slice(0, 200) }; }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => reject(new OfflineError());
      xhr.send(form);
    });
  };
  let answer = await send();
  if (answer.status === 401) {
    await api.refresh();
    answer = await send();
  }
  return answer;
}
