// Where each record stands with the server, shown on the record itself: 未同步 (waiting on
// this phone), 已同步, 被退回 (the server did not accept it, or a supervisor returned the
// visit), 有冲突 (sync replaced something typed here). Read from the outbox and the notices.
import { html } from 'htm/preact';

import { t } from '../i18n/index.js';
import { useLive } from '../state.js';

const key = (entity, id) => `${entity}:${id}`;

async function load(db) {
  const [outbox, notices] = await Promise.all([db.getAll('outbox'), db.getAll('notices')]);
  const pending = new Map();
  for (const e of outbox) {
    const k = key(e.entity, e.id);
    if (e.status === 'rejected') pending.set(k, 'rejected');
    else if (!pending.has(k)) pending.set(k, 'pending');
  }
  const conflicts = new Set(notices.map((n) => key(n.entity, n.record_id)));
  return { pending, conflicts };
}

export function syncStateOf(states, entity, record) {
  if (!record) return null;
  const k = key(entity, record.id);
  const waiting = states?.pending.get(k);
  if (waiting === 'rejected') return 'rejected';
  if (states?.conflicts.has(k)) return 'conflict';
  if (waiting || !record._v) return 'pending';
  if (entity === 'visit' && record.review_status === 'returned') return 'returned';
  return 'synced';
}

// A function (entity, record) -> state for a whole list, from one read of the outbox.
export function useSyncStates() {
  const { data } = useLive(load);
  return (entity, record) => syncStateOf(data, entity, record);
}

// `quiet`: lists show only what needs attention; a record's own page shows 已同步 too.
export function SyncTag({ state, quiet = false }) {
  if (!state || (quiet && state === 'synced')) return null;
  return html`<span class=${`hm-sync-tag hm-sync-tag--${state}`}>${t(`sync.${state}`)}</span>`;
}
