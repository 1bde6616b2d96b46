// An in-memory stand-in for the sync API of DESIGN §5, just faithful enough to test the
// client: idempotent mids, per-record versions, set fields as add/remove, a monotonic
// change log for the pull cursor, removals and resets. Not a merge engine.
const SET_FIELDS = new Set(['misbehavior', 'risk_flags', 'measures']);

export class FakeServer {
  constructor() {
    this.records = new Map(); // "entity:id" -> {entity, id, version, deleted, data}
    this.log = []; // [{seq, key}]
    this.seq = 0;
    this.seen = new Map(); // mid -> result
    this.pushes = []; // every push body, in order
    this.pulls = []; // every pull query
    this.reject = () => null; // (mutation) -> errors or null
    this.statusFor = () => null; // (mutation) -> forced status ('merged' | 'conflict')
    this.resetNext = false;
    this.myConflicts = []; // GET /api/conflicts/mine: values of this user a merge replaced
  }

  record(entity, id) {
    return this.records.get(`${entity}:${id}`);
  }

  // A change made on the server (another user, a supervisor, a merge).
  put(entity, id, data, { deleted = false } = {}) {
    const key = `${entity}:${id}`;
    const old = this.records.get(key);
    const version = (old?.version ?? 0) + 1;
    this.records.set(key, {
      entity, id, version, deleted, data: { ...(old?.data ?? {}), ...data, id },
    });
    this.log.push({ seq: ++this.seq, key });
    return version;
  }

  // A record that left this phone's scope (its family moved grid): a removal that says so.
  leave(entity, id) {
    const version = this.put(entity, id, {}, { deleted: true });
    this.records.get(`${entity}:${id}`).removal = { left_scope: true };
    return version;
  }

  push(body) {
    this.pushes.push(structuredClone(body));
    const results = body.mutations.map((m) => {
      if (this.seen.has(m.mid)) return this.seen.get(m.mid);
      const result = this.applyMutation(m);
      this.seen.set(m.mid, result);
      return result;
    });
    return { results };
  }

  applyMutation(m) {
    const errors = this.reject(m);
    if (errors) return { mid: m.mid, status: 'rejected', version: null, conflict_ids: [], errors };
    const old = this.record(m.entity, m.id);
    if (m.op === 'delete') {
      const version = this.put(m.entity, m.id, {}, { deleted: true });
      return { mid: m.mid, status: 'applied', version, conflict_ids: [], errors: {} };
    }
    const data = { ...(old?.data ?? {}) };
    for (const [field, value] of Object.entries(m.fields ?? {})) {
      if (field === 'id_number') {
        data.id_number_masked = `${value.slice(0, 4)}************${value.slice(-2)}`;
      } else if (SET_FIELDS.has(field)) {
        const set = new Set(data[field] ?? []);
        for (const x of value.remove ?? []) set.delete(x);
        for (const x of value.add ?? []) set.add(x);
        data[field] = [...set].sort();
      } else {
        data[field] = value;
      }
    }
    const forced = this.statusFor(m);
    const version = this.put(m.entity, m.id, data);
    const status = forced ?? (old && old.version !== m.base_version ? 'merged' : 'applied');
    return { mid: m.mid, status, version, conflict_ids: forced === 'conflict' ? ['c1'] : [], errors: {} };
  }

  pull(cursor, limit) {
    this.pulls.push({ cursor, limit });
    const reset = this.resetNext;
    this.resetNext = false;
    const after = reset ? 0 : Number(cursor || 0);
    const latest = new Map();
    for (const entry of this.log) if (entry.seq > after) latest.set(entry.key, entry.seq);
    const ordered = [...latest.entries()].sort((a, b) => a[1] - b[1]);
    const page = ordered.slice(0, limit);
    const changes = page.map(([key]) => {
      const r = this.records.get(key);
      return { entity: r.entity, id: r.id, version: r.version, deleted: r.deleted, data: r.deleted ? (r.removal ?? null) : structuredClone(r.data) };
    });
    const last = page.length ? page.at(-1)[1] : after;
    return { changes, cursor: String(last), has_more: ordered.length > page.length, reset };
  }
}

// The `api` object the SyncClient expects, with failure injection: each function in
// `faults` runs before (phase 'before') or after the server handled a request ('after')
// and may throw to simulate a dropped request or a lost answer.
export function fakeApi(server, faults = []) {
  const calls = [];
  return {
    calls,
    faults,
    async request(method, path, { body } = {}) {
      calls.push({ method, path });
      const url = new URL(path, 'http://device.test');
      const run = (phase) => {
        const i = faults.findIndex((f) => f.phase === phase && f.match(method, url.pathname));
        if (i >= 0) {
          const [fault] = faults.splice(i, 1);
          throw fault.error();
        }
      };
      run('before');
      let answer;
      if (method === 'POST' && url.pathname === '/api/sync/push') answer = server.push(body);
      else if (method === 'GET' && url.pathname === '/api/sync/pull') {
        answer = server.pull(url.searchParams.get('cursor'), Number(url.searchParams.get('limit')));
      } else if (method === 'GET' && url.pathname === '/api/conflicts/mine') {
        answer = server.myConflicts.filter((c) => c.status === (url.searchParams.get('status') ?? 'open'));
      } else throw Object.assign(new Error('not found'), { status: 404 });
      run('after');
      return structuredClone(answer);
    },
  };
}

export const networkError = () => Object.assign(new Error('connection reset'), { name: 'NetworkError' });
export const httpError = (status) => Object.assign(new Error(`HTTP ${status}`), { name: 'HttpError', status });
