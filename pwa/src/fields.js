// Pure helpers for the field-level edits that travel in the outbox (DESIGN §5): what
// changed, how set-valued fields travel as {add, remove}, and how pending edits are laid
// over the server's state (the rebase).

// Set-valued fields merge add/remove on the server and never conflict.
export const SET_FIELDS = {
  minor: new Set(['misbehavior', 'risk_flags']),
  visit: new Set(['measures']),
};

// Sent by the device but never sent back (DESIGN §3: the full ID number is write-only).
export const WRITE_ONLY = {
  minor: new Set(['id_number']),
};

export const isSetField = (entity, field) => Boolean(SET_FIELDS[entity]?.has(field));

export const isLocalKey = (key) => key.startsWith('_');

const asSet = (v) => new Set(Array.isArray(v) ? v : []);

const blank = (v) => v === null || v === undefined || v === '';
const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

// Equal as the server sees them: it stores '' as null and answers a timestamp in its own
// format ("…40.299000+00:00" for "…40.299Z"), which is no change and no conflict.
export function sameValue(a, b) {
  if (a === b || (blank(a) && blank(b))) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    return ISO_TIME.test(a) && ISO_TIME.test(b) && Date.parse(a) === Date.parse(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlain(a) && isPlain(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

function applySetOp(current, op) {
  const out = asSet(current);
  for (const x of op.remove ?? []) out.delete(x);
  for (const x of op.add ?? []) out.add(x);
  return [...out].sort();
}

// A record with `fields` applied (set fields as operations, others as values).
export function applyFields(entity, record, fields) {
  const out = { ...record };
  for (const [key, value] of Object.entries(fields ?? {})) {
    out[key] = isSetField(entity, key) ? applySetOp(out[key], value) : value;
  }
  return out;
}

// The fields a user changed between two local states of a record.
export function diffFields(entity, before, after) {
  const fields = {};
  for (const [key, value] of Object.entries(after)) {
    if (isLocalKey(key) || key === 'id') continue;
    const old = before?.[key];
    if (isSetField(entity, key)) {
      const was = asSet(old);
      const now = asSet(value);
      const add = [...now].filter((x) => !was.has(x)).sort();
      const remove = [...was].filter((x) => !now.has(x)).sort();
      if (add.length || remove.length) fields[key] = { add, remove };
    } else if (!sameValue(old, value)) {
      fields[key] = value === undefined ? null : value;
    }
  }
  return fields;
}

// Two successive edits of one record folded into one mutation (later wins per field).
export function mergeFields(entity, first, second) {
  const out = { ...first };
  for (const [key, value] of Object.entries(second)) {
    if (isSetField(entity, key) && out[key]) {
      const add = asSet(out[key].add);
      const remove = asSet(out[key].remove);
      for (const x of value.remove ?? []) { add.delete(x); remove.add(x); }
      for (const x of value.add ?? []) { remove.delete(x); add.add(x); }
      out[key] = { add: [...add].sort(), remove: [...remove].sort() };
    } else {
      out[key] = value;
    }
  }
  return out;
}

// The local record: the server's data with every outbox entry of the record laid on top,
// in the order they were made. A pending delete hides the record without forgetting it.
export function overlay(entity, server, entries) {
  let record = server ? { ...server } : null;
  let deleted = false;
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.op === 'delete') {
      deleted = true;
    } else {
      record = applyFields(entity, record ?? { id: e.id }, e.fields);
      deleted = false;
    }
  }
  if (!record) return null;
  return deleted ? { ...record, _deleted: true } : record;
}

// Did the server keep what this device pushed for one field? For a set field: are the
// items it added present and the items it removed absent?
export function keptByServer(entity, field, pushed, serverValue) {
  if (isSetField(entity, field)) {
    const now = asSet(serverValue);
    return (pushed.add ?? []).every((x) => now.has(x))
      && (pushed.remove ?? []).every((x) => !now.has(x));
  }
  return sameValue(pushed, serverValue);
}

// What a form saves: the record as it is now (a sync may have changed it since the form
// opened) with only the fields the user touched; a new record is the whole draft.
export function formRecord(current, draft, touched) {
  if (!current) return { ...draft };
  const edits = Object.fromEntries([...touched].map((k) => [k, draft[k]]));
  return { ...current, ...edits };
}
