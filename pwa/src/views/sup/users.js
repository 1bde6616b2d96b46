// 用户 (street admins): the street's accounts; create one (role, areas, unit or kind of
// sentinel), deactivate or reactivate it (asks once), reset its password.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { codesOf } from '../../codes.js';
import { listJoin, t, valueLabel } from '../../i18n/index.js';
import { act, useRemote } from '../../online.js';
import { navigate } from '../../router.js';
import { confirmDialog } from '../../state.js';
import { fieldErrors, newPassword } from '../../sup/format.js';
import { UNITS } from '../../sup/charts.js';
import { Cells, InfoCell, Page, SelectField, TextField, Title } from '../ui.js';
import { Remote } from './common.js';
import { useAreas } from './filters.js';

const ROLES = codesOf('role');
const SENTINEL_KINDS = codesOf('sentinel_kind');
// Which level of area each role is given.
const AREA_LEVEL = { grid_worker: 'grid', village_officer: 'village', street_admin: 'street', county_viewer: 'street' };

let fresh = null; // {id, password} of the account just created


export function Users({ query }) {
  const role = query.get('role');
  const remote = useRemote('/api/users?page_size=100');
  const areas = useAreas();
  const names = new Map(areas.map((a) => [a.id, a.name]));
  return html`<${Page} title=${t('nav.users')} backable action=${() => navigate('/users/new')} actionLabel=${t('users.new')}>
    <div class="hm-filters">
      <label class="hm-filter"><span>${t('users.role')}</span>
        <select class="hm-filter__input" value=${role ?? ''} onChange=${(e) => navigate(`/users${e.currentTarget.value ? `?role=${e.currentTarget.value}` : ''}`, { replace: true })}>
          <option value="">${t('filter.all')}</option>
          ${ROLES.map((r) => html`<option key=${r} value=${r}>${valueLabel('role', r)}</option>`)}
        </select>
      </label>
    </div>
    <${Remote} remote=${remote}>${(rows) => {
      const shown = rows.filter((u) => !role || u.role === role);
      return html`<${Title}>${t('users.count', { n: shown.length })}</${Title}>
        <div class="weui-cells">${shown.map((u) => html`<a key=${u.id} class=${`weui-cell weui-cell_access hm-link${u.active ? '' : ' hm-inactive'}`} href=${`#/users/${u.id}`}>
          <div class="weui-cell__bd">
            <p class="hm-row-title">${u.display_name} <small class="hm-row-sub">${u.username}</small></p>
            <p class="hm-row-sub">${valueLabel('role', u.role)}${u.unit ? ` · ${valueLabel('unit', u.unit)}` : ''}${u.sentinel_kind ? ` · ${valueLabel('report_source', u.sentinel_kind)}` : ''}
              ${(u.area_ids ?? []).length ? ` · ${listJoin(u.area_ids.map((id) => names.get(id) ?? id))}` : ''}</p>
          </div>
          <div class="weui-cell__ft">${u.active ? '' : t('users.inactive')}</div>
        </a>`)}</div>`;
    }}</${Remote}>
  </${Page}>`;
}

function AreaPicker({ role, value, onChange, error }) {
  const areas = useAreas().filter((a) => a.level === AREA_LEVEL[role]);
  if (!AREA_LEVEL[role]) return null;
  const set = new Set(value);
  return html`<${Title}>${t('users.areas')}<span class="hm-req">*</span></${Title}>
    <div class="hm-checks" id="field-areas" role="group">
      ${areas.map((a) => html`<label key=${a.id} class=${`hm-check${set.has(a.id) ? ' hm-check--on' : ''}`}>
        <input type="checkbox" checked=${set.has(a.id)} onChange=${() => {
          const next = new Set(set);
          if (next.has(a.id)) next.delete(a.id); else next.add(a.id);
          onChange([...next]);
        }} /><span>${a.name}</span></label>`)}
    </div>
    ${error && html`<p class="hm-error hm-para" role="alert">${error.startsWith('!') ? error.slice(1) : t(`err.${error}`)}</p>`}`;
}

export function UserNew() {
  const [draft, setDraft] = useState({ username: '', display_name: '', role: 'grid_worker', areas: [], unit: null, sentinel_kind: null, phone: '', password: newPassword() });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setErrors({ ...errors, [name]: null }); };
  async function save() {
    const missing = {};
    if (!draft.username.trim()) missing.username = 'required';
    if (!draft.display_name.trim()) missing.display_name = 'required';
    if (AREA_LEVEL[draft.role] && draft.areas.length === 0) missing.areas = 'required';
    if (draft.role === 'unit_liaison' && !draft.unit) missing.unit = 'required';
    if (draft.role === 'sentinel' && !draft.sentinel_kind) missing.sentinel_kind = 'required';
    if (Object.keys(missing).length) return setErrors(missing);
    setBusy(true);
    const body = { ...draft, username: draft.username.trim(), display_name: draft.display_name.trim(), phone: draft.phone || null,
      areas: AREA_LEVEL[draft.role] ? draft.areas : [], unit: draft.role === 'unit_liaison' ? draft.unit : null,
      sentinel_kind: draft.role === 'sentinel' ? draft.sentinel_kind : null };
    const user = await act('POST', '/api/users', body, {
      done: t('users.created'),
      onError: (err) => setErrors(Object.fromEntries(Object.entries(fieldErrors(err.body)).map(([k, v]) => [k, `!${v}`]))),
    });
    setBusy(false);
    if (user?.id) {
      fresh = { id: String(user.id), password: draft.password };
      navigate(`/users/${user.id}`, { replace: true });
    }
    return null;
  }
  return html`<${Page} title=${t('users.new')} backable action=${save} actionLabel=${t('common.save')} actionDisabled=${busy}>
    <${Cells} form>
      <${TextField} name="username" label=${t('login.username')} required value=${draft.username} error=${errors.username} onChange=${set} autocapitalize="off" />
      <${TextField} name="display_name" label=${t('users.name')} required value=${draft.display_name} error=${errors.display_name} onChange=${set} />
      <${SelectField} name="role" label=${t('users.role')} required blank=${false} value=${draft.role} error=${errors.role}
        options=${ROLES.map((r) => [r, valueLabel('role', r)])} onChange=${(n, v) => setDraft({ ...draft, role: v, areas: [] })} />
      ${draft.role === 'unit_liaison' && html`<${SelectField} name="unit" label=${t('users.unit')} required value=${draft.unit} error=${errors.unit}
        options=${UNITS.map((u) => [u, valueLabel('unit', u)])} onChange=${set} />`}
      ${draft.role === 'sentinel' && html`<${SelectField} name="sentinel_kind" label=${t('users.sentinel_kind')} required value=${draft.sentinel_kind}
        error=${errors.sentinel_kind} options=${SENTINEL_KINDS.map((k) => [k, valueLabel('report_source', k)])} onChange=${set} />`}
      <${TextField} name="phone" type="tel" label=${t('users.phone')} value=${draft.phone} error=${errors.phone} onChange=${set} />
      <${TextField} name="password" label=${t('login.password')} required value=${draft.password} error=${errors.password} onChange=${set}
        hint=${t('users.password_hint')} />
    </${Cells}>
    <${AreaPicker} role=${draft.role} value=${draft.areas} error=${errors.areas} onChange=${(v) => set('areas', v)} />
  </${Page}>`;
}

// An account's role and areas change with the person's job (a worker moves grid, becomes the
// village's officer). The server re-scopes the devices at their next sync.
function EditAccess({ user, onDone }) {
  const [draft, setDraft] = useState({
    role: user.role, areas: [...(user.area_ids ?? [])], unit: user.unit ?? null, sentinel_kind: user.sentinel_kind ?? null,
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name, value) => { setDraft({ ...draft, [name]: value }); setError(null); };
  async function save() {
    if (AREA_LEVEL[draft.role] && draft.areas.length === 0) return setError('required');
    if (draft.role === 'unit_liaison' && !draft.unit) return setError('required');
    if (draft.role === 'sentinel' && !draft.sentinel_kind) return setError('required');
    setBusy(true);
    const body = {
      role: draft.role, areas: AREA_LEVEL[draft.role] ? draft.areas : [],
      unit: draft.role === 'unit_liaison' ? draft.unit : null,
      sentinel_kind: draft.role === 'sentinel' ? draft.sentinel_kind : null,
    };
    const ok = await act('PATCH', `/api/users/${user.id}`, body, {
      done: t('users.access_saved'),
      onError: (err) => setError(`!${Object.values(err.body?.errors?.json ?? {})[0]?.[0] ?? err.message}`),
    });
    setBusy(false);
    if (ok) onDone();
    return null;
  }
  return html`<${Title}>${t('users.edit_access')}</${Title}>
    <${Cells} form>
      <${SelectField} name="edit-role" label=${t('users.role')} required blank=${false} value=${draft.role}
        options=${ROLES.map((r) => [r, valueLabel('role', r)])} onChange=${(n, v) => setDraft({ ...draft, role: v, areas: v === user.role ? [...(user.area_ids ?? [])] : [] })} />
      ${draft.role === 'unit_liaison' && html`<${SelectField} name="edit-unit" label=${t('users.unit')} required value=${draft.unit}
        options=${UNITS.map((u) => [u, valueLabel('unit', u)])} onChange=${(n, v) => set('unit', v)} />`}
      ${draft.role === 'sentinel' && html`<${SelectField} name="edit-sentinel_kind" label=${t('users.sentinel_kind')} required value=${draft.sentinel_kind}
        options=${SENTINEL_KINDS.map((k) => [k, valueLabel('report_source', k)])} onChange=${(n, v) => set('sentinel_kind', v)} />`}
    </${Cells}>
    <${AreaPicker} role=${draft.role} value=${draft.areas} error=${error} onChange=${(v) => set('areas', v)} />
    ${error && !AREA_LEVEL[draft.role] && html`<p class="hm-error hm-para" role="alert">${error.startsWith('!') ? error.slice(1) : t(`err.${error}`)}</p>`}
    <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${busy}
      onClick=${save}>${t('users.save_access')}</button></div>`;
}

export function UserPage({ id }) {
  const remote = useRemote(`/api/users/${id}`);
  // The new password is shown once, to be handed over; it is never put in the URL or stored.
  const [shown, setShown] = useState(() => {
    const password = fresh?.id === String(id) ? fresh.password : null;
    fresh = null;
    return password;
  });
  const areas = useAreas();
  const names = new Map(areas.map((a) => [a.id, a.name]));
  async function setActive(u, active) {
    if (!active && !(await confirmDialog({ title: t('users.deactivate'), body: t('users.deactivate_confirm', { name: u.display_name }), danger: true, ok: t('users.deactivate') }))) return;
    if (await act('PATCH', `/api/users/${id}`, { active }, { done: t(active ? 'users.reactivated' : 'users.deactivated') })) remote.reload();
  }
  async function reset(u) {
    if (!(await confirmDialog({ title: t('users.reset'), body: t('users.reset_confirm', { name: u.display_name }), ok: t('users.reset') }))) return;
    const password = newPassword();
    if (await act('PATCH', `/api/users/${id}`, { password }, { done: t('users.reset_done') })) setShown(password);
  }
  return html`<${Page} title=${t('users.title')} backable>
    <${Remote} remote=${remote}>${(u) => html`
      ${shown && html`<div class="hm-banner hm-banner--warn" role="status">${t('users.password_shown')} <strong class="hm-password">${shown}</strong></div>`}
      <div class="weui-cells">
        <${InfoCell} label=${t('users.name')}>${u.display_name}</${InfoCell}>
        <${InfoCell} label=${t('login.username')}>${u.username}</${InfoCell}>
        <${InfoCell} label=${t('users.role')}>${valueLabel('role', u.role)}${u.unit ? ` · ${valueLabel('unit', u.unit)}` : ''}${u.sentinel_kind ? ` · ${valueLabel('report_source', u.sentinel_kind)}` : ''}</${InfoCell}>
        <${InfoCell} label=${t('users.areas')}>${listJoin((u.area_ids ?? []).map((a) => names.get(a) ?? a)) || '—'}</${InfoCell}>
        <${InfoCell} label=${t('users.phone')}>${u.phone ?? '—'}</${InfoCell}>
        <${InfoCell} label=${t('users.state')}>${u.active ? t('users.active') : t('users.inactive')}</${InfoCell}>
      </div>
      <div class="hm-buttons hm-buttons--wrap">
        <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => reset(u)}>${t('users.reset')}</button>
        ${u.active
          ? html`<button type="button" class="weui-btn weui-btn_warn hm-btn-inline" onClick=${() => setActive(u, false)}>${t('users.deactivate')}</button>`
          : html`<button type="button" class="weui-btn weui-btn_primary hm-btn-inline" onClick=${() => setActive(u, true)}>${t('users.reactivate')}</button>`}
      </div>
      <${EditAccess} user=${u} key=${`${u.role}-${(u.area_ids ?? []).join(',')}`} onDone=${remote.reload} />`}
    </${Remote}>
  </${Page}>`;
}
