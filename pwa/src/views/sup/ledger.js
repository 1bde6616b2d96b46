// 台账与报表: export the ledger (xlsx), the import template, importing a ledger with a progress
// bar and the report of accepted and rejected rows, and the printable monthly report.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

import { t } from '../../i18n/index.js';
import { apiGet, download, openPage, upload } from '../../online.js';
import { toast } from '../../state.js';
import { errorSentence, serverText } from '../../sup/format.js';
import { localToday } from '../../sup/period.js';
import { Progress } from '../ui.js';
import { Card, Table } from './common.js';

const areaQuery = (areaId, sep = '?') => (areaId ? `${sep}area_id=${areaId}` : '');
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(job, fallback) {
  try {
    await job();
  } catch (err) {
    toast(errorSentence(err) || fallback, 'error');
  }
}

function ImportResult({ result }) {
  const rejected = (result.rejected ?? []).map((r) => [r.row, Object.entries(r.errors ?? {})
    .map(([col, msgs]) => `${col}: ${(Array.isArray(msgs) ? msgs : [msgs]).map(serverText).join('; ')}`).join(' | ')]);
  const dups = (result.duplicates ?? []).map((d) => [d.row, serverText(d.message ?? d.reason ?? '')]);
  return html`<div class="hm-import-result" role="status">
    <p class=${`hm-banner ${rejected.length ? 'hm-banner--warn' : 'hm-banner--ok'}`}>
      ${t(result.dry_run ? 'ledger.result_dry' : 'ledger.result', {
        accepted: result.accepted ?? 0, rejected: result.rejected_count ?? rejected.length, dups: result.duplicates_count ?? dups.length,
      })}
    </p>
    ${rejected.length > 0 && html`<${Table} caption=${t('ledger.rejected')} columns=${[t('ledger.row'), t('ledger.errors')]} rows=${rejected} />`}
    ${dups.length > 0 && html`<${Table} caption=${t('ledger.duplicates')} columns=${[t('ledger.row'), t('ledger.why')]} rows=${dups} />`}
  </div>`;
}

function Importer() {
  const [file, setFile] = useState(null);
  const [dryRun, setDryRun] = useState(false);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [progress, setProgress] = useState(null); // {phase, fraction}
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  async function start() {
    if (!file) return setError(t('ledger.pick'));
    setError(null);
    setResult(null);
    setProgress({ phase: 'upload', fraction: 0 });
    const form = new FormData();
    form.append('file', file);
    const qs = new URLSearchParams({ dry_run: String(dryRun), all_or_nothing: String(allOrNothing) });
    try {
      const answer = await upload(`/api/ledger/import?${qs}`, form, (f) => setProgress({ phase: 'upload', fraction: f }));
      if (answer.status === 202) {
        let job = answer.body;
        while (!['done', 'failed'].includes(job.state)) {
          setProgress({ phase: job.state, fraction: job.total ? job.processed / job.total : null, job });
          await wait(1000);
          job = await apiGet(`/api/ledger/import/${job.job_id}`);
        }
        if (job.state === 'failed') throw Object.assign(new Error(job.error ?? 'failed'), { body: { message: job.error } });
        setResult(job.result);
      } else if (answer.status === 200) {
        setResult(answer.body);
      } else {
        throw Object.assign(new Error(`HTTP ${answer.status}`), { status: answer.status, body: answer.body });
      }
    } catch (err) {
      setError(errorSentence(err) || t('sup.failed'));
    } finally {
      setProgress(null);
    }
    return null;
  }

  return html`<div class="hm-importer">
    <label class="hm-file">
      <span>${t('ledger.file')}</span>
      <input type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange=${(e) => { setFile(e.currentTarget.files?.[0] ?? null); setResult(null); setError(null); }} />
    </label>
    <label class="hm-filter--check"><input type="checkbox" checked=${dryRun} onChange=${(e) => setDryRun(e.currentTarget.checked)} /> ${t('ledger.dry_run')}</label>
    <label class="hm-filter--check"><input type="checkbox" checked=${allOrNothing} onChange=${(e) => setAllOrNothing(e.currentTarget.checked)} /> ${t('ledger.all_or_nothing')}</label>
    <div class="hm-buttons"><button type="button" class="weui-btn weui-btn_primary hm-btn-inline" disabled=${Boolean(progress)} onClick=${start}>
      ${t('ledger.import')}</button></div>
    ${progress && html`<div class="hm-import-progress" aria-live="polite">
      <p class="hm-hint">${t(`ledger.phase_${progress.phase}`, { done: progress.job?.processed ?? 0, total: progress.job?.total ?? 0 })}</p>
      <${Progress} fraction=${progress.fraction} />
    </div>`}
    ${error && html`<p class="hm-error" role="alert">${error}</p>`}
    ${result && html`<${ImportResult} result=${result} />`}
  </div>`;
}

export function LedgerTools({ areaId }) {
  const [month, setMonth] = useState(localToday().slice(0, 7));
  const monthly = (ext) => `/api/stats/monthly.${ext}?month=${month}${areaQuery(areaId, '&')}`;
  return html`<${Card} id="stats-ledger" title=${t('ledger.title')}>
    <div class="hm-buttons hm-buttons--wrap">
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline"
        onClick=${() => run(() => download(`/api/ledger.xlsx${areaQuery(areaId)}`, 'ledger.xlsx'), t('sup.failed'))}>${t('ledger.export')}</button>
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline"
        onClick=${() => run(() => download('/api/ledger/template.xlsx', 'template.xlsx'), t('sup.failed'))}>${t('ledger.template')}</button>
    </div>
    <h3 class="hm-subhead">${t('ledger.monthly')}</h3>
    <div class="hm-buttons hm-buttons--wrap">
      <input type="month" class="hm-month" aria-label=${t('ledger.month')} value=${month} onChange=${(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => run(() => openPage(monthly('html')), t('sup.failed'))}>${t('ledger.open_monthly')}</button>
      <button type="button" class="weui-btn weui-btn_default hm-btn-inline" onClick=${() => run(() => download(monthly('xlsx'), 'monthly.xlsx'), t('sup.failed'))}>${t('ledger.monthly_xlsx')}</button>
    </div>
    <h3 class="hm-subhead">${t('ledger.import_title')}</h3>
    <${Importer} />
  </${Card}>`;
}
