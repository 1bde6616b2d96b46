// 上报: mandatory reports (强制报告) and other alerts. Grid workers are mandated reporters:
// the nine mandatory situations go to the police at once, so the form says so and offers
// the call before anything else.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';

import { getMeta, listRecords, setMeta } from '../db.js';
import { formatDate, t, valueLabel } from '../i18n/index.js';
import { navigate } from '../router.js';
import { MANDATORY_KINDS, OTHER_KINDS } from '../schema.js';
import { changed, getState, useAppState, useLive } from '../state.js';
import { validateReport } from '../validate.js';
import { useRecordForm } from './forms.js';
import { RecordNotices } from './notices.js';
import { Cells, Empty, Page, SelectField, TextArea, TextField, Title } from './ui.js';

const isMandatory = (kind) => MANDATORY_KINDS.includes(kind);

// A handset drawn, not an emoji: phones without an emoji font showed "📞" as a box.
export const PhoneIcon = () => html`<svg class="hm-icon-phone" viewBox="0 0 24 24" aria-hidden="true">
  <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>`;

// After a mandatory report: what happens next, and the 110 line (a sentinel saw only "已保存").
function NextSteps({ report }) {
  if (!report || !isMandatory(report.kind)) return null;
  const filed = Date.parse(report.reported_at ?? '') || report._saved_at || Date.now();
  if (Date.now() - filed > 24 * 3600 * 1000) return null;
  return html`<div class="hm-banner hm-banner--warn hm-next-steps" role="status">
    <p>${t(report._v ? 'report.next_sent' : 'report.next_pending')}</p>
    <a class="hm-call" href="tel:110"><${PhoneIcon} />${t('report.call')}</a>
  </div>`;
}

export function ReportList() {
  const { data } = useLive(async (db) => {
    const reports = await listRecords(db, 'report');
    // Unsynced reports (no server time yet) first, then the newest.
    return reports.sort((a, b) => (a._v ? 1 : 0) - (b._v ? 1 : 0)
      || String(b.reported_at ?? '').localeCompare(String(a.reported_at ?? '')));
  });
  return html`<${Page} title=${t('report.title')} action=${() => navigate('/report/new')} actionLabel=${t('report.new')} danger>
    <${NextSteps} report=${data?.[0]} />
    <${Title}>${t('report.list')}</${Title}>
    ${data && data.length === 0 && html`<${Empty} text=${t('report.empty')} />`}
    <div class="weui-cells">
      ${(data ?? []).map((r) => html`<${r._v ? 'div' : 'a'} class="weui-cell hm-link" key=${r.id}
        href=${r._v ? undefined : `#/report/${r.id}`}>
        <div class="weui-cell__bd">
          <p class="hm-row-title">${isMandatory(r.kind) && html`<span class="hm-tag-mandatory">${t('report.mandatory')}</span>`}
            ${valueLabel('report_kind', r.kind)}</p>
          <p class="hm-row-sub">${formatDate(r.reported_at, true)} · ${r.description ?? ''}</p>
        </div>
        <div class="weui-cell__ft">${r._v ? valueLabel('report_status', r.status ?? 'new') : t('status.pending', { n: 1 })}</div>
      </${r._v ? 'div' : 'a'}>`)}
    </div>
  </${Page}>`;
}

function KindPicker({ value, onChange, error }) {
  const option = (kind) => html`<label key=${kind} class=${`hm-kind${value === kind ? ' hm-kind--on' : ''}${isMandatory(kind) ? ' hm-kind--mandatory' : ''}`}>
    <input type="radio" name="kind" value=${kind} checked=${value === kind} onChange=${() => onChange('kind', kind)} />
    ${isMandatory(kind) && html`<span class="hm-tag-mandatory">${t('report.mandatory')}</span>`}
    <span>${valueLabel('report_kind', kind)}</span>
  </label>`;
  return html`<div id="field-kind" class=${error ? 'hm-kinds hm-kinds--error' : 'hm-kinds'}>
    <${Title}>${t('report.mandatory')}</${Title}>
    <p class="hm-hint hm-para">${t('report.mandatory_hint')}</p>
    ${MANDATORY_KINDS.map(option)}
    <${Title}>${t('report.others')}</${Title}>
    ${OTHER_KINDS.map(option)}
    ${error && html`<div class="hm-error hm-para" role="alert">${t(`err.${error}`)}</div>`}
  </div>`;
}

// The places this user may file a report for, as the server lists them
// (GET /api/reports/areas: a sentinel's street and villages, which her phone holds no replica
// of). Kept in IndexedDB so the form works offline; refreshed whenever the form opens online.
function useReportAreas(enabled) {
  useEffect(() => {
    if (!enabled || !navigator.onLine) return;
    const { api, db } = getState();
    api?.request('GET', '/api/reports/areas')
      .then(async (areas) => {
        if (!Array.isArray(areas)) return;
        await setMeta(db, 'report_areas', areas.map((a) => ({ id: a.id, name: a.name, level: a.level })));
        await changed();
      })
      .catch(() => {}); // offline or an older server: the cached list (or the login's) stays
  }, [enabled]);
}

// A new report, or one still on the phone (unsent, or rejected and being fixed).
export function ReportForm({ id, minorId }) {
  const { user } = useAppState();
  const sentinel = user?.role === 'sentinel';
  useReportAreas(sentinel);
  const { data: ctx } = useLive(async (db) => ({
    areas: sentinel ? (await getMeta(db, 'report_areas')) ?? [] : await db.getAll('areas'),
    minors: await listRecords(db, 'minor'),
  }));
  const form = useRecordForm('report', id ?? null, {
    // A sentinel reports as what she is (school, family, ...); everyone else as a grid worker.
    defaults: { source: user?.role === 'sentinel' ? user.sentinel_kind ?? 'community' : 'grid_worker', area_id: user?.area_ids?.[0] ?? null, minor_id: minorId ?? null, urgent: false },
    validate: (r) => validateReport(r),
  });
  const { draft, set, errors } = form;
  if (!draft || !ctx) return null;
  const mine = new Set(user?.area_ids ?? []);
  const areas = sentinel ? ctx.areas : ctx.areas.filter((a) => mine.has(a.id) || a.level === 'grid');
  const areaOptions = areas.length ? areas.map((a) => [a.id, a.name]) : [...mine].map((id) => [id, `#${id}`]);
  const minorOptions = ctx.minors.map((m) => [m.id, m.name]);
  const age = (name, value) => set(name, value === '' ? null : Number(value));

  async function submit() {
    // `mandatory` is derived from the kind on the server; a mandatory report is always urgent.
    const saved = await form.save((r) => ({
      ...r, urgent: Boolean(r.urgent) || isMandatory(r.kind),
      child_age: r.child_age === '' || r.child_age === undefined ? null : r.child_age,
    }));
    if (saved) navigate('/reports', { replace: true });
  }

  return html`<${Page} title=${t('report.new')} backable action=${submit} actionLabel=${t('report.submit')}
    actionDisabled=${form.busy} danger>
    ${id && html`<${RecordNotices} entity="report" id=${id} />`}
    ${isMandatory(draft.kind) && html`<a class="hm-banner hm-banner--error hm-call" href="tel:110"><${PhoneIcon} />${t('report.call')}</a>`}
    <${KindPicker} value=${draft.kind} onChange=${set} error=${errors.kind} />
    <${Cells} form>
      <${SelectField} name="area_id" required value=${draft.area_id} options=${areaOptions} onChange=${set} error=${errors.area_id} />
      <${TextField} name="place" value=${draft.place} onChange=${set} error=${errors.place} placeholder=${t('report.place_hint')} />
      <${SelectField} name="urgent" value=${draft.urgent || isMandatory(draft.kind)} blank=${false}
        options=${[[false, t('common.no')], [true, t('common.yes')]]} onChange=${set} />
      <${TextArea} name="description" value=${draft.description} onChange=${set} error=${errors.description} rows=${5} />
    </${Cells}>
    <${Title}>${t('report.child')}</${Title}>
    <${Cells} form>
      ${!sentinel && minorOptions.length > 0 && html`<${SelectField} name="minor_id" label=${t('report.minor_optional')}
        value=${draft.minor_id} options=${minorOptions} onChange=${set} />`}
      ${!draft.minor_id && html`
        <${TextField} name="child_name" value=${draft.child_name} onChange=${set} error=${errors.child_name} />
        <${TextField} name="child_class" value=${draft.child_class} onChange=${set} error=${errors.child_class}
          placeholder=${t('report.class_hint')} />
        <${TextField} name="child_age" type="number" inputmode="numeric" min="0" max="17" value=${draft.child_age}
          onChange=${age} error=${errors.child_age} />`}
    </${Cells}>
    <${Title}>${t('report.contact')}</${Title}>
    <${Cells} form>
      <${TextField} name="reporter_name" value=${draft.reporter_name} onChange=${set} error=${errors.reporter_name}
        placeholder=${t('report.contact_hint')} />
      <${TextField} name="reporter_phone" type="tel" inputmode="tel" value=${draft.reporter_phone} onChange=${set}
        error=${errors.reporter_phone} />
    </${Cells}>
  </${Page}>`;
}
