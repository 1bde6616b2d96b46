// 区域 and 设置: the street's four-level tree (street admins add areas under it), and the rule
// thresholds local practice varies (street admins change them; village officers read them).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { confirmDialog, useAppState } from '../../state.js';
import { isAdmin } from '../../roles.js';
import { fieldErrors } from '../../sup/format.js';
import { Cells, Page, SelectField, TextField, Title } from '../ui.js';
import { Remote } from './common.js';

const CHILD_LEVEL = { street: 'village', village: 'group', group: 'grid' };

function Node({ node, onAdd }) {
  return html`<li class=${`hm-tree__node hm-tree--${node.level}`}>
    <span class="hm-tree__name">${node.name}</span> <small class="hm-hint">${node.code} · ${valueLabel('level', node.level)}</small>
    ${onAdd && CHILD_LEVEL[node.level] && html` <button type="button" class="hm-linkbtn" onClick=${() => onAdd(node)}>＋ ${valueLabel('level', CHILD_LEVEL[node.level])}</button>`}
    ${node.children?.length > 0 && html`<ul>${node.children.map((c) => html`<${Node} key=${c.id} node=${c} onAdd=${onAdd} />`)}</ul>`}
  </li>`;
}

function AreaForm({ parent, onDone }) {
  const [draft, setDraft] = useState({ code: `${parent.code}`, name: '' });
  const [errors, setErrors] = useState({});
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setErrors({ ...errors, [name]: null }); };
  const level = CHILD_LEVEL[parent.level];
  async function save() {
    if (!draft.name.trim()) return setErrors({ name: 'required' });
    const ok = await act('POST', '/api/areas', { code: draft.code.trim(), name: draft.name.trim(), level, parent_code: parent.code }, {
      done: t('common.saved'),
      onError: (err) => setErrors(Object.fromEntries(Object.entries(fieldErrors(err.body)).map(([k, v]) => [k, `!${v}`]))),
    });
    if (ok) onDone();
    return null;
  }
  return html`<${Title}>${t('areas.new_under', { parent: parent.name, level: valueLabel('level', level) })}</${Title}>
    <${Cells} form>
      <${TextField} name="code" label=${t('areas.code')} required value=${draft.code} error=${errors.code} onChange=${set} />
      <${TextField} name="name" label=${t('areas.name')} required value=${draft.name} error=${errors.name} onChange=${set} />
    </${Cells}>
    <div class="hm-buttons">
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => onDone()}>${t('common.cancel')}</button>
      <button type="button" class="weui-btn weui-btn_primary hm-btn-inline" onClick=${save}>${t('common.save')}</button>
    </div>`;
}

export function Areas() {
  const { user } = useAppState();
  const remote = useRemote('/api/areas/tree');
  const [parent, setParent] = useState(null);
  return html`<${Page} title=${t('nav.areas')} backable>
    ${parent && html`<${AreaForm} parent=${parent} key=${parent.id} onDone=${() => { setParent(null); remote.reload(); }} />`}
    <${Remote} remote=${remote}>${(roots) => html`<ul class="hm-tree">${roots.map((n) => html`<${Node} key=${n.id} node=${n}
      onAdd=${isAdmin(user) ? setParent : null} />`)}</ul>`}</${Remote}>
  </${Page}>`;
}

const NUMBERS = [
  ['adult_age', 16, 18], ['left_behind_max_age', 0, 18], ['idle_min_age', 0, 18], ['idle_working_age', 0, 18],
  ['out_of_school_months', 1, 24], ['in_difficulty_max_disability_grade', 1, 4], ['red_first_response_hours', 1, 72],
];
const FLAGS = ['left_behind_requires_rural_hukou', 'in_difficulty_serious_illness'];
const INTERVALS = [['red', 30], ['orange', 60], ['yellow', 120], ['blue', 365]];

export function Settings() {
  const { user } = useAppState();
  const admin = isAdmin(user);
  const remote = useRemote('/api/settings');
  const [draft, setDraft] = useState(null);
  const [errors, setErrors] = useState({});
  useEffect(() => { if (remote.data) setDraft(structuredClone(remote.data)); }, [remote.data]);
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setErrors({ ...errors, [name]: null }); };
  const setIntervalDays = (grade, value) => set('visit_interval_days', { ...draft.visit_interval_days, [grade]: value });
  async function save() {
    const changes = {};
    for (const [k, v] of Object.entries(draft)) if (JSON.stringify(v) !== JSON.stringify(remote.data[k])) changes[k] = v;
    if (!Object.keys(changes).length) return null;
    if (!(await confirmDialog({ title: t('settings.save'), body: t('settings.confirm'), ok: t('settings.save') }))) return null;
    const ok = await act('PATCH', '/api/settings', changes, {
      done: t('common.saved'),
      onError: (err) => setErrors(Object.fromEntries(Object.entries(fieldErrors(err.body)).map(([k, v]) => [k, `!${v}`]))),
    });
    if (ok) remote.reload();
    return null;
  }
  const num = (v) => (v === '' ? '' : Number(v));
  return html`<${Page} title=${t('nav.settings')} backable action=${admin ? save : undefined} actionLabel=${t('settings.save')}>
    <p class="hm-hint hm-para">${t(admin ? 'settings.intro' : 'settings.read_only')}</p>
    <${Remote} remote=${remote}>${() => draft && html`<div class="hm-settings">
      <${Cells} form>
        ${NUMBERS.map(([name, min, max]) => html`<${TextField} key=${name} name=${name} type="number" label=${t(`settings.${name}`)}
          value=${draft[name]} min=${min} max=${max} disabled=${!admin} error=${errors[name]} onChange=${(n, v) => set(n, num(v))} />`)}
        ${FLAGS.map((name) => html`<${SelectField} key=${name} name=${name} label=${t(`settings.${name}`)} blank=${false}
          value=${draft[name]} options=${[[true, t('common.yes')], [false, t('common.no')]]} error=${errors[name]} onChange=${admin ? set : () => {}} />`)}
      </${Cells}>
      <${Title}>${t('settings.intervals')}</${Title}>
      ${errors.visit_interval_days && html`<p class="hm-error hm-para" role="alert">${errors.visit_interval_days.slice(1)}</p>`}
      <${Cells} form>
        ${INTERVALS.map(([grade, max]) => html`<${TextField} key=${grade} name=${`interval_${grade}`} type="number"
          label=${t('settings.interval', { grade: valueLabel('grade', grade) })} value=${draft.visit_interval_days?.[grade]} min="1" max=${max}
          disabled=${!admin} onChange=${(n, v) => setIntervalDays(grade, num(v))} />`)}
      </${Cells}></div>`}
    </${Remote}>
  </${Page}>`;
}
