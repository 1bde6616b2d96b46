// The app's shared state: who is logged in, the sync status bar, toasts and dialogs, and a
// change counter that makes views re-read IndexedDB after a save or a sync.
import { useEffect, useState } from 'preact/hooks';

import { getMeta, outboxCounts } from './db.js';
import { onLangChange } from './i18n/index.js';

const state = {
  db: null, api: null, sync: null,
  user: null,
  lock: null, // 'locked' (PIN screen), 'setup' (a PIN first, then the data is sealed) or 'open'
  lockMinutes: 5, // idle or background minutes before the app locks itself
  authMessage: null, // shown on the login screen (revoked, expired)
  rules: null, // {rules, settings} from GET /api/rules, cached in IDB
  status: {
    online: globalThis.navigator?.onLine ?? true, unreachable: false, retryAt: null,
    pending: 0, rejected: 0, notices: 0,
    lastSync: null, syncing: false, first: false, pulled: 0, remaining: null, failed: false,
  },
  toast: null,
  dialog: null,
  updateReady: null, // the waiting service worker
  version: 0, // bumped on every local or synced change
  lang: 0,
};
const listeners = new Set();

export const getState = () => state;

export function setState(patch) {
  Object.assign(state, typeof patch === 'function' ? patch(state) : patch);
  for (const fn of listeners) fn(state);
}

export function setStatus(patch) {
  setState({ status: { ...state.status, ...patch } });
}

// Re-render on any change of the shared state.
export function useAppState() {
  const [, force] = useState(0);
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return state;
}

onLangChange(() => setState({ lang: state.lang + 1 }));

// A query against IndexedDB, re-run whenever the data changes.
export function useLive(query, deps = []) {
  const { version, db } = useAppState();
  const [result, setResult] = useState({ loading: true, data: undefined });
  useEffect(() => {
    let alive = true;
    if (!db) return undefined;
    query(db).then(
      (data) => alive && setResult({ loading: false, data }),
      (error) => alive && setResult({ loading: false, data: undefined, error }),
    );
    return () => { alive = false; };
  }, [version, db, ...deps]);
  return result;
}

// After a save or a sync: views re-read, the status bar recounts.
export async function changed() {
  const { db } = state;
  const counts = await outboxCounts(db);
  // Notices about her edits; a child who moved away is told on 今日 by name instead.
  const notices = (await db.getAll('notices')).filter((n) => n.kind !== 'moved_away').length;
  const lastSync = await getMeta(db, 'last_sync');
  setState({
    version: state.version + 1,
    status: { ...state.status, pending: counts.pending, rejected: counts.rejected, notices, lastSync },
  });
}

let toastTimer;
export function toast(text, kind = 'success') {
  clearTimeout(toastTimer);
  setState({ toast: { text, kind } });
  toastTimer = setTimeout(() => setState({ toast: null }), 1800);
}

// One question, two answers; resolves true when the user confirms.
export function confirmDialog({ title, body, ok, cancel, danger = false }) {
  return new Promise((resolve) => {
    const close = (answer) => {
      setState({ dialog: null });
      resolve(answer);
    };
    setState({ dialog: { title, body, ok, cancel, danger, close } });
  });
}
