// Register or edit a minor. The categories and the suggested grade are evaluated on the
// phone as the fields are filled, with the reasons, from the cached rules.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { assess, categoryLabel, reasonText, undecidedText } from '../classify.js';
import { fieldLabel, listJoin, t } from '../i18n/index.js';
import { clearPrefill, getPrefill } from '../prefill.js';
import { navigate } from '../router.js';
import { MINOR_SECTIONS, MISBEHAVIOR_SERIOUS, sectionOf } from '../schema.js';
import { listRecords } from '../db.js';
import { useAppState, useLive } from '../state.js';
import { validateMinor } from '../validate.js';
import { useRecordForm } from './forms.js';
import {
  Cells, CheckList, enumOptions, GradeBadge, Page, SelectField, TextField, Title, YesNoField,
} from './ui.js';

export function LiveAssessment({ minor }) {
  const { rules } = useAppState();
  const [open, setOpen] = useState(false);
  const result = assess(minor, rules);
  if (!result) return html`<div class="hm-live"><p class="hm-hint">${t('minor.rules_missing')}</p></div>`;
  const open_ = undecidedText(minor, rules);
  return html`<div class="hm-live" aria-live="polite">
    <button type="button" class="hm-live__head" onClick=${() => setOpen(!open)} aria-expanded=${open}>
      <span class="hm-live__label">${t('minor.live')}</span>
      <${GradeBadge} grade=${result.grade_suggested} suggested />
      <span class="hm-live__cats">
        ${result.categories.length ? listJoin(result.categories.map((c) => categoryLabel(c, rules))) : t('minor.no_category')}
      </span>
      <span class="hm-live__toggle">${open ? '▲' : '▼'}</span>
    </button>
    ${open_.length > 0 && html`<ul class="hm-live__missing">${open_.map((text) => html`<li key=${text}>${text}</li>`)}</ul>`}
    ${open && html`<ul class="hm-live__reasons">
      ${result.reasons.map((r) => html`<li key=${r.code}>${reasonText(r)}</li>`)}
    </ul>`}
  </div>`;
}

// What siblings share: the family's answers, typed once for the first child.
export const FAMILY_FIELDS = [
  'hukou', 'lives_with_parents', 'father_status', 'father_status_since', 'father_evidence', 'mother_status',
  'mother_status_since', 'mother_evidence', 'caregiver', 'caregiver_capable', 'poverty',
];

function CopyFamily({ householdId, draft, set }) {
  const { data: siblings } = useLive(
    (db) => (householdId ? listRecords(db, 'minor', 'household_id', householdId) : Promise.resolve([])), [householdId],
  );
  const source = (siblings ?? []).filter((m) => m.id !== draft.id).at(-1);
  if (!source || !FAMILY_FIELDS.some((f) => source[f] !== null && source[f] !== undefined)) return null;
  const copy = () => {
    for (const f of FAMILY_FIELDS) if (source[f] !== null && source[f] !== undefined) set(f, source[f]);
  };
  return html`<div class="hm-buttons hm-copy-family"><button type="button" class="weui-btn weui-btn_default hm-btn-inline"
    onClick=${copy}>${t('minor.copy_family', { name: source.name })}</button></div>`;
}

function Field({ field, draft, set, errors }) {
  const { name, kind } = field;
  const common = { name, onChange: set, error: errors[name], required: field.required };
  if (kind === 'select') {
    const options = field.labels
      ? field.values.map((v) => [v, field.labels(v)])
      : enumOptions(field.group ?? name, field.values);
    return html`<${SelectField} ...${common} value=${draft[name]} options=${options} />`;
  }
  if (kind === 'yesno') return html`<${YesNoField} ...${common} value=${draft[name]} />`;
  if (kind === 'date') return html`<${TextField} ...${common} type="date" value=${draft[name]} />`;
  if (kind === 'id') {
    return html`<${TextField} ...${common} value=${draft.id_number} autocomplete="off" maxlength="18"
      placeholder=${draft.id_number_masked ?? ''} hint=${t('minor.id_hint')} />`;
  }
  return html`<${TextField} ...${common} value=${draft[name]} />`;
}

function SetField({ field, draft, set }) {
  if (field.name === 'misbehavior') {
    const serious = new Set(MISBEHAVIOR_SERIOUS);
    const values = draft.misbehavior ?? [];
    const part = (isSerious) => field.values.filter((v) => serious.has(v) === isSerious);
    // Two lists, one set: each list edits only its own members.
    const onPart = (isSerious) => (name, picked) =>
      set(name, [...values.filter((v) => serious.has(v) !== isSerious), ...picked].sort());
    return html`
      <${CheckList} name="misbehavior" title=${t('minor.misbehavior_ordinary')}
        values=${values.filter((v) => !serious.has(v))} options=${enumOptions('misbehavior', part(false))} onChange=${onPart(false)} />
      <${CheckList} name="misbehavior_serious" title=${t('minor.misbehavior_serious')}
        values=${values.filter((v) => serious.has(v))} options=${enumOptions('misbehavior', part(true))} onChange=${onPart(true)} />`;
  }
  return html`<${CheckList} name=${field.name} title=${fieldLabel(field.name)}
    values=${draft[field.name]} options=${enumOptions(field.name, field.values)} onChange=${set} />`;
}

export function MinorForm({ id, householdId, from }) {
  const prefill = id ? null : getPrefill();
  const form = useRecordForm('minor', id, {
    defaults: {
      household_id: householdId, misbehavior: [], risk_flags: [], crime_victim: false,
      ...(prefill ? { name: prefill.name ?? undefined, school: prefill.school ?? undefined } : {}),
    },
    validate: (m) => validateMinor(m),
  });
  const { draft, set, errors, rejected } = form;
  if (!draft) return null;
  const errorSections = new Set(Object.keys(errors).map((f) => sectionOf(f.split('.')[0])));
  const rejectedFields = Object.keys(rejected);

  async function submit() {
    const saved = await form.save((r) => ({
      ...r,
      disability_grade: r.disability_grade === null || r.disability_grade === undefined
        ? r.disability_grade : Number(r.disability_grade),
      ...(r.id_number ? { id_number: r.id_number.trim().toUpperCase() } : {}),
    }), {
      // Registered from a report: the report names this file in the same save, and both reach
      // the server in one push, the child first (no second, manual link).
      alongside: (r) => (prefill?.report ? [{ entity: 'report', record: prefill.report, fields: { minor_id: r.id } }] : []),
    });
    if (!saved) return;
    if (prefill) clearPrefill();
    if (from === 'survey') navigate(`/survey/${saved.household_id}?step=2`, { replace: true });
    else navigate(`/minor/${saved.id}`, { replace: true });
  }

  return html`<${Page} title=${id ? t('minor.edit') : t('minor.new')} backable
    action=${submit} actionLabel=${t('common.save')} actionDisabled=${form.busy}>
    <${LiveAssessment} minor=${draft} />
    ${prefill && html`<div class="hm-banner hm-banner--warn">${t('cases.register_note')}</div>`}
    ${!id && html`<${CopyFamily} householdId=${draft.household_id} draft=${draft} set=${set} />`}
    ${rejectedFields.length > 0 && html`<div class="hm-banner hm-banner--error" role="alert">${t('notice.rejected')}
      ${rejectedFields.map((f) => html`<div key=${f}>· ${rejected[f].slice(1)}</div>`)}</div>`}
    ${MINOR_SECTIONS.map(([section, fields]) => html`<section key=${section}
      class=${errorSections.has(section) ? 'hm-section hm-section--error' : 'hm-section'}>
      <${Title}>${t(`minor.section.${section}`)}</${Title}>
      <${Cells} form>
        ${fields.filter((f) => f.kind !== 'set' && (!f.show || f.show(draft))).map((f) =>
          html`<${Field} key=${f.name} field=${f} draft=${draft} set=${set} errors=${errors} />`)}
      </${Cells}>
      ${fields.filter((f) => f.kind === 'set').map((f) =>
        html`<${SetField} key=${f.name} field=${f} draft=${draft} set=${set} />`)}
    </section>`)}
  </${Page}>`;
}
