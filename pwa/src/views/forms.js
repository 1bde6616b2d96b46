// One hook for every form that edits a record: load it, keep a draft, show the phone's
// validation and the server's rejection messages at their fields, save it locally.
// Only the fields the user touched are saved over the record as it is at that moment, so a
// sync that arrives while the form is open is not undone by the form's stale copy.
import { useEffect, useState } from 'preact/hooks';

import { outboxFor, storeOf } from '../db.js';
import { formRecord } from '../fields.js';
import { t } from '../i18n/index.js';
import { rejectedErrors, saveRecord } from '../outbox.js';
import { changed, getState, toast } from '../state.js';
import { serverErrors } from '../validate.js';
import { focusFirstError } from './ui.js';

// Server messages arrive in marshmallow's shape; '!' marks them as text to show as is.
function fromServer(entries) {
  const flat = serverErrors(rejectedErrors(entries));
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, `!${v}`]));
}

export function useRecordForm(entity, id, { defaults = {}, validate = () => ({}), ready = true, savedText } = {}) {
  const [draft, setDraft] = useState(null);
  const [errors, setErrors] = useState({});
  const [rejected, setRejected] = useState({});
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(() => new Set());

  useEffect(() => {
    if (!ready) return undefined;
    let alive = true;
    const { db } = getState();
    (async () => {
      const record = id ? await db.get(storeOf(entity), id) : null;
      const entries = id ? await outboxFor(db, entity, id) : [];
      if (!alive) return;
      const server = fromServer(entries);
      setDraft(record ? { ...record } : { id: crypto.randomUUID(), ...defaults });
      setRejected(server);
      setErrors(server);
      if (Object.keys(server).length) focusFirstError(server);
    })();
    return () => { alive = false; };
  }, [entity, id, ready]);

  const set = (name, value) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setTouched((t) => (t.has(name) ? t : new Set(t).add(name)));
    // A field the user touches loses its error until the next save tells otherwise.
    setErrors((e) => {
      if (!e[name]) return e;
      const { [name]: _, ...rest } = e;
      return rest;
    });
  };

  // Resolves to the saved record, or null when the form has errors. `finish` adjusts the
  // record about to be saved (types, derived fields); `alongside(record)` names edits of other
  // records saved with it, in the same transaction (outbox.js saveRecord).
  async function save(finish = (r) => r, { alongside = () => [] } = {}) {
    const { db } = getState();
    const current = await db.get(storeOf(entity), draft.id);
    const record = finish(formRecord(current, draft, touched));
    const local = validate(record);
    if (Object.keys(local).length) {
      setErrors(local);
      focusFirstError(local);
      toast(t('common.fix_errors'), 'error');
      return null;
    }
    setBusy(true);
    try {
      await saveRecord(db, entity, record, { alongside: alongside(record) });
      setDraft(record);
      setTouched(new Set());
      setErrors({});
      setRejected({});
      await changed();
      toast(savedText ?? t('common.saved'));
      return record;
    } finally {
      setBusy(false);
    }
  }

  return { draft, set, setDraft, errors, rejected, save, busy };
}

export const toNumberOrNull = (v) => (v === '' || v === null || v === undefined ? null : Number(v));
