// Hybrid logical clock `wall_ms:counter:client_id` (DESIGN §5), the same algorithm as
// sync/hlc.py. The state is a plain object so that it can be stored in IndexedDB and
// advanced inside the same transaction as the edit it stamps.

export const ZERO = Object.freeze({ wall: 0, counter: 0 });

export function format(state, node) {
  return `${state.wall}:${state.counter}:${node}`;
}

export function parse(text) {
  const m = /^(\d{1,19}):(\d{1,19}):(.+)$/s.exec(String(text));
  if (!m) throw new Error(`invalid HLC ${JSON.stringify(text)}`);
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3] };
}

// Ordered as (int, int, str), as the server compares them.
export function compare(a, b) {
  const x = typeof a === 'string' ? parse(a) : a;
  const y = typeof b === 'string' ? parse(b) : b;
  if (x.wall !== y.wall) return x.wall < y.wall ? -1 : 1;
  if (x.counter !== y.counter) return x.counter < y.counter ? -1 : 1;
  const nx = x.node ?? '';
  const ny = y.node ?? '';
  return nx === ny ? 0 : nx < ny ? -1 : 1;
}

// A local event. A phone clock that stalls or goes back keeps the old wall time and counts
// up, so the device's own edits are always ordered.
export function tick(state, nowMs) {
  const last = state ?? ZERO;
  if (nowMs > last.wall) return { wall: nowMs, counter: 0 };
  return { wall: last.wall, counter: last.counter + 1 };
}

// An HLC seen from elsewhere (e.g. a pulled record): later local events order after it.
export function receive(state, remote, nowMs) {
  const last = state ?? ZERO;
  const r = typeof remote === 'string' ? parse(remote) : remote;
  const wall = Math.max(last.wall, r.wall, nowMs);
  let counter;
  if (wall === last.wall && wall === r.wall) counter = Math.max(last.counter, r.counter) + 1;
  else if (wall === last.wall) counter = last.counter + 1;
  else if (wall === r.wall) counter = r.counter + 1;
  else counter = 0;
  return { wall, counter };
}
