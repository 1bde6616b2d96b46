// The sync client (DESIGN §5): push the outbox in batches, then pull until nothing is left.
// The transport is injected (`api.request(method, path, {body})` resolving to the parsed
// JSON body, rejecting with an error that has `status` for HTTP errors), so tests drive
// it with a fake server.
import { getMeta, setMeta } from './db.js';
import { applyMyConflicts, applyPullPage, applyPushResults } from './replica.js';

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A lost answer, a gateway hiccup or an overloaded server: send the same request again.
// Mutations carry their own ids, so a push the server already committed is answered
// with the same results and changes nothing.
export function isRetryable(err) {
  if (!err) return false;
  if (err.name === 'NetworkError' || err.name === 'TypeError' || err.name === 'AbortError') {
    return true;
  }
  return err.status === 408 || err.status === 429 || (err.status >= 500 && err.status < 600);
}

export class SyncClient {
  constructor({
    db, api, batchSize = 100, pullLimit = 1000, maxAttempts = 6, baseDelayMs = 1000,
    maxDelayMs = 60_000, sleep = defaultSleep, now = () => Date.now(), random = Math.random,
  }) {
    Object.assign(this, {
      db, api, batchSize, pullLimit, maxAttempts, baseDelayMs, maxDelayMs, sleep, now, random,
    });
    this.listeners = new Set();
    this.running = null;
  }

  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const listener of this.listeners) listener(event);
  }

  // One sync at a time: a tap on "sync now" during an automatic sync joins it.
  run() {
    if (!this.running) {
      this.running = this.runOnce().finally(() => { this.running = null; });
    }
    return this.running;
  }

  async runOnce() {
    this.emit({ type: 'start' });
    try {
      const push = await this.pushAll();
      const pull = await this.pullAll();
      pull.notices += await this.tellMyConflicts();
      const at = new Date(this.now()).toISOString();
      await setMeta(this.db, 'last_sync', at);
      const summary = { ok: true, at, ...push, ...pull };
      this.emit({ type: 'done', ...summary });
      return summary;
    } catch (error) {
      this.emit({ type: 'error', error });
      throw error;
    }
  }

  async withRetry(call) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!isRetryable(err) || attempt + 1 >= this.maxAttempts) throw err;
        // Exponential backoff with jitter, so a village's phones do not retry in step.
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
        const wait = delay * (0.5 + this.random() / 2);
        // The wait as it will be slept, so that the status bar's countdown is true.
        this.emit({ type: 'retry', attempt: attempt + 1, delay: wait, error: err });
        await this.sleep(wait);
      }
    }
  }

  async pendingBatch() {
    const all = await this.db.getAll('outbox');
    return all.filter((e) => e.status === 'pending').slice(0, this.batchSize);
  }

  async pushAll() {
    let pushed = 0;
    let rejected = 0;
    for (;;) {
      const batch = await this.pendingBatch();
      if (!batch.length) break;
      // Mark the batch as sent before sending: from now on these mutations are frozen and
      // resent byte for byte until the server answers; new edits go into new mutations.
      const tx = this.db.transaction('outbox', 'readwrite');
      const sentAt = this.now();
      await Promise.all([
        ...batch.map((e) => tx.store.put({ ...e, attempts: (e.attempts ?? 0) + 1, sent_at: sentAt })),
        tx.done,
      ]);
      const body = {
        client_id: await getMeta(this.db, 'device_id'),
        mutations: batch.map(toWire),
      };
      this.emit({ type: 'push', count: batch.length });
      const answer = await this.withRetry(() => this.api.request('POST', '/api/sync/push', { body }));
      const result = await applyPushResults(this.db, answer?.results, this.now());
      if (!result.settled && !result.rejected) {
        throw new Error('The server answered the push without results for its mutations.');
      }
      pushed += result.settled;
      rejected += result.rejected;
    }
    return { pushed, rejected };
  }

  // After a good sync: what merges did to her values since (GET /api/conflicts/mine). A
  // failure here is not a failed sync (an older server, a lost answer): the next one asks again.
  async tellMyConflicts() {
    try {
      const list = await this.api.request('GET', '/api/conflicts/mine?status=open&page_size=100');
      return await applyMyConflicts(this.db, Array.isArray(list) ? list : list?.items, this.now());
    } catch {
      return 0;
    }
  }

  // Each page is asked for as soon as the previous one has arrived, and travels while that
  // one is applied: on a slow network and a slow phone the two took turns (issue 13). A page
  // whose apply fails leaves the cursor where it was; the page already asked for is dropped.
  async pullAll() {
    let cursor = (await getMeta(this.db, 'cursor')) ?? '';
    const first = !cursor;
    let pulled = 0;
    let notices = 0;
    const ask = (from) => {
      const path = `/api/sync/pull?cursor=${encodeURIComponent(from)}&limit=${this.pullLimit}`;
      const answer = this.withRetry(() => this.api.request('GET', path));
      answer.catch(() => {}); // awaited below, unless an earlier page failed to apply
      return answer;
    };
    let asked = ask(cursor);
    for (;;) {
      const page = await asked;
      const next = page.cursor ?? cursor;
      // A server that cannot advance is not asked again.
      const more = Boolean(page.has_more) && !(next === cursor && !page.changes?.length);
      if (more) asked = ask(next);
      const applied = await applyPullPage(this.db, page, this.now());
      pulled += applied.changes;
      notices += applied.notices;
      this.emit({
        type: 'pull', first, pulled, hasMore: Boolean(page.has_more),
        // Optional hint from the server; without it the progress bar is indeterminate.
        remaining: Number.isFinite(page.remaining) ? page.remaining : null,
      });
      if (!more) break;
      cursor = next;
    }
    return { pulled, notices };
  }
}

export function toWire(entry) {
  const m = {
    mid: entry.mid, entity: entry.entity, id: entry.id, op: entry.op,
    base_version: entry.base_version ?? 0, hlc: entry.hlc,
  };
  if (entry.op !== 'delete') m.fields = entry.fields ?? {};
  return m;
}

// Sync on opening the app, on getting a network back, every few minutes while the app is
// open and visible, and when asked. Failures wait for the next trigger.
export function startAutoSync(client, { intervalMs = 3 * 60_000, target = globalThis } = {}) {
  const trigger = () => {
    if (target.navigator?.onLine === false) return;
    client.run().catch(() => {});
  };
  const onVisible = () => {
    if (target.document?.visibilityState === 'visible') trigger();
  };
  target.addEventListener?.('online', trigger);
  target.document?.addEventListener?.('visibilitychange', onVisible);
  const timer = setInterval(onVisible, intervalMs);
  trigger();
  return () => {
    clearInterval(timer);
    target.removeEventListener?.('online', trigger);
    target.document?.removeEventListener?.('visibilitychange', onVisible);
  };
}
