// 家庭摸排: a household survey in three steps. Every step is saved on the phone before it
// moves on, so a survey interrupted by a dead battery resumes where it stopped.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { displayGrade } from '../classify.js';
import { listRecords } from '../db.js';
import { fieldLabel, listJoin, t, valueLabel } from '../i18n/index.js';
import { getPrefill } from '../prefill.js';
import { navigate } from '../router.js';
import { useAppState, useLive } from '../state.js';
import { validateHousehold } from '../validate.js';
import { toNumberOrNull, useRecordForm } from './forms.js';
import { SyncTag, useSyncStates } from './syncstate.js';
import {
  Cells, Empty, GradeBadge, InfoCell, LinkCell, Page, SelectField, TextArea, TextField, Title,
} from './ui.js';

function Steps({ step }) {
  return html`<ol class="hm-steps">
    ${[1, 2, 3].map((n) => html`<li key=${n} class=${n === step ? 'hm-steps__on' : n < step ? 'hm-steps__done' : ''}>
      <span>${n}</span>${t(`survey.step${n}`)}
    </li>`)}
  </ol>`;
}

function gridOptions(areas, user) {
  const grids = areas.filter((a) => a.level === 'grid');
  if (grids.length) return grids.map((a) => [a.id, a.name]);
  // Before the first sync brings the areas: the grids the login told us about.
  return (user?.area_ids ?? []).map((id) => [id, `#${id}`]);
}

function HouseholdStep({ id, onSaved }) {
  const { user } = useAppState();
  const { data: areas } = useLive((db) => db.getAll('areas'));
  const options = gridOptions(areas ?? [], user);
  const form = useRecordForm('household', id, {
    defaults: { grid_id: options.length === 1 ? options[0][0] : null, address: id ? undefined : getPrefill()?.address ?? undefined },
    validate: (h) => validateHousehold(h),
    ready: Boolean(areas),
  });
  const [locating, setLocating] = useState(false);
  const { draft, set, errors } = form;
  if (!draft) return null;

  function locate() {
    if (!navigator.geolocation) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        set('lat', Number(pos.coords.latitude.toFixed(6)));
        set('lng', Number(pos.coords.longitude.toFixed(6)));
        setLocating(false);
      },
      () => setLocating(false),
      { enableHighAccuracy: true, timeout: 15000 },
    );
  }

  async function next() {
    const saved = await form.save((r) => ({ ...r, lat: toNumberOrNull(r.lat), lng: toNumberOrNull(r.lng) }));
    if (saved) onSaved(saved.id);
  }

  return html`<${Page} title=${t('survey.title')} backable action=${next} actionLabel=${t('survey.next')} actionDisabled=${form.busy}>
    <${Steps} step=${1} />
    <${Cells} form>
      <${SelectField} name="grid_id" required value=${draft.grid_id} options=${options} onChange=${set} error=${errors.grid_id} />
      <${TextField} name="address" required value=${draft.address} onChange=${set} error=${errors.address} />
      <${TextField} name="head_name" required value=${draft.head_name} onChange=${set} error=${errors.head_name} />
      <${TextField} name="phone" type="tel" inputmode="tel" value=${draft.phone} onChange=${set} error=${errors.phone} />
      <div class="weui-cell">
        <div class="weui-cell__bd hm-row-sub">
          ${draft.lat !== null && draft.lat !== undefined ? `${draft.lat}, ${draft.lng}` : ''}
          ${(errors.lat || errors.lng) && html`<span class="hm-error">${t('err.coordinate')}</span>`}
        </div>
        <div class="weui-cell__ft">
          <button type="button" class="weui-btn weui-btn_default weui-btn_mini hm-btn-touch" onClick=${locate} disabled=${locating}>
            ${draft.lat ? t('hh.located') : t('hh.locate')}
          </button>
        </div>
      </div>
      <${TextArea} name="notes" value=${draft.notes} onChange=${set} error=${errors.notes} />
    </${Cells}>
  </${Page}>`;
}

function MembersStep({ id }) {
  const { rules } = useAppState();
  const { data: minors } = useLive((db) => listRecords(db, 'minor', 'household_id', id), [id]);
  const stateOf = useSyncStates();
  return html`<${Page} title=${t('survey.title')} backable
    action=${() => navigate(`/survey/${id}?step=3`)} actionLabel=${t('survey.next')}>
    <${Steps} step=${2} />
    <${Title}>${t('hh.members')} (${minors?.length ?? 0})</${Title}>
    ${minors && minors.length === 0 && html`<${Empty} text=${t('hh.no_members')} />`}
    <div class="weui-cells">
      ${(minors ?? []).map((m) => html`<${LinkCell} key=${m.id} href=${`#/minor/${m.id}/edit?from=survey`}
        ft=${html`<${GradeBadge} ...${displayGrade(m, rules)} />`}>
        <p class="hm-row-title">${m.name}<${SyncTag} quiet state=${stateOf('minor', m)} /></p>
        <p class="hm-row-sub">${valueLabel('gender', m.gender)} · ${m.birth_date ?? ''}</p>
      </${LinkCell}>`)}
      <${LinkCell} href=${`#/household/${id}/minor/new?from=survey`}>
        <p class="hm-row-title hm-accent">＋ ${t('hh.add_member')}</p>
      </${LinkCell}>
    </div>
  </${Page}>`;
}

function FinishStep({ id }) {
  const form = useRecordForm('household', id, { validate: (h) => validateHousehold(h) });
  const { data: minors } = useLive((db) => listRecords(db, 'minor', 'household_id', id), [id]);
  const { draft } = form;
  if (!draft) return null;
  async function finish() {
    // The server records who surveyed; the phone says when.
    const saved = await form.save((r) => ({ ...r, surveyed_at: new Date().toISOString() }));
    if (saved) navigate(`/household/${id}`, { replace: true });
  }
  return html`<${Page} title=${t('survey.title')} backable action=${finish} actionLabel=${t('survey.finish')} actionDisabled=${form.busy}>
    <${Steps} step=${3} />
    <p class="hm-para">${t('survey.review')}</p>
    <div class="weui-cells">
      ${['address', 'head_name', 'phone', 'notes'].map((f) => html`<${InfoCell} key=${f} label=${fieldLabel(f)}>
        ${draft[f] || t('common.unknown')}</${InfoCell}>`)}
      <${InfoCell} label=${t('hh.members')}>${listJoin((minors ?? []).map((m) => m.name)) || '—'}</${InfoCell}>
    </div>
  </${Page}>`;
}

export function Survey({ id, step }) {
  if (!id || step === 1) {
    return html`<${HouseholdStep} id=${id} key=${id ?? 'new'}
      onSaved=${(savedId) => navigate(`/survey/${savedId}?step=2`, { replace: !id })} />`;
  }
  if (step === 3) return html`<${FinishStep} id=${id} />`;
  return html`<${MembersStep} id=${id} />`;
}
