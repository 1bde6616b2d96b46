// Building blocks of the online screens: what to show while loading, without network or after
// an error; tables; a required-reason field; a live clock.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { t } from '../../i18n/index.js';
import { errorSentence } from '../../sup/format.js';

// Loading, offline, error or the content; `remote` is what useRemote returns.
export function Remote({ remote, children }) {
  if (remote.offline && remote.data === undefined) return html`<${Offline} onRetry=${remote.reload} />`;
  if (remote.error && remote.data === undefined) {
    return html`<div class="hm-banner hm-banner--error" role="alert">${errorSentence(remote.error) || t('sup.failed')}
      <button type="button" class="hm-linkbtn" onClick=${remote.reload}>${t('sup.retry')}</button></div>`;
  }
  if (remote.data === undefined) return html`<p class="hm-loading">${t('common.loading')}</p>`;
  return html`${remote.offline && html`<${Offline} stale onRetry=${remote.reload} />`}${children(remote.data)}`;
}

export function Offline({ onRetry, stale = false }) {
  return html`<div class="hm-banner hm-banner--warn hm-offline" role="alert">
    <strong>${t('sup.offline_title')}</strong>
    <span>${stale ? t('sup.offline_stale') : t('sup.offline_body')}</span>
    ${onRetry && html`<button type="button" class="weui-btn weui-btn_mini weui-btn_default hm-btn-touch" onClick=${onRetry}>${t('sup.retry')}</button>`}
  </div>`;
}

export function Card({ title, children, extra, id }) {
  return html`<section class="hm-card" id=${id}>
    ${(title || extra) && html`<header class="hm-card__head"><h2>${title}</h2>${extra}</header>`}
    ${children}
  </section>`;
}

// A plain table: the accessible twin of a chart, and what a supervisor copies into a report.
// `captionHidden`: the card's title already says it on screen; a screen reader still hears it.
export function Table({ columns, rows, onRow, caption, captionHidden = false, cell }) {
  return html`<div class="hm-table-wrap"><table class="hm-table">
    ${caption && html`<caption class=${captionHidden ? 'hm-sr' : ''}>${caption}</caption>`}
    <thead><tr>${columns.map((c, i) => html`<th key=${i} scope="col">${c}</th>`)}</tr></thead>
    <tbody>
      ${rows.length === 0 && html`<tr><td colspan=${columns.length} class="hm-hint">${t('sup.no_data')}</td></tr>`}
      ${rows.map((row, r) => html`<tr key=${r} class=${onRow?.(r) ? 'hm-table__link' : ''}>
        ${row.map((v, c) => html`<td key=${c}>${cell ? cell(r, c, v) : v}</td>`)}
      </tr>`)}
    </tbody>
  </table></div>`;
}

// A reason is required for every decision that changes a child's record or a report's course.
export function ReasonField({ id, label, value, onInput, error, placeholder, rows = 3 }) {
  return html`<div class=${`weui-cells weui-cells_form${error ? ' hm-section--error' : ''}`}>
    <div class=${`weui-cell${error ? ' weui-cell_warn' : ''}`} id=${`field-${id}`}>
      <div class="weui-cell__bd">
        <label class="hm-field-label" for=${`in-${id}`}>${label}<span class="hm-req">*</span></label>
        <textarea id=${`in-${id}`} class="weui-textarea" rows=${rows} placeholder=${placeholder}
          value=${value} onInput=${(e) => onInput(e.currentTarget.value)}></textarea>
        ${error && html`<div class="hm-error" role="alert">${error}</div>`}
      </div>
    </div>
  </div>`;
}

// The current time, re-read every `every` ms while the component is shown.
export function useNow(every = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(id);
  }, [every]);
  return now;
}

// A row of buttons under a form; the first is primary.
export function Buttons({ children }) {
  return html`<div class="hm-buttons">${children}</div>`;
}

export function Count({ n }) {
  if (n === null || n === undefined) return null;
  return html`<span class=${`hm-count${n > 0 ? ' hm-count--some' : ''}`}>${n > 99 ? '99+' : n}</span>`;
}

// The server searches (?q=): a supervisor's lists outgrow one page; typing waits a moment.
// Names are also found by pinyin (wxy: 王小雨), and children by the ID number's last four.
export function useTyped(delay = 300) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim().slice(0, 64)), delay);
    return () => clearTimeout(timer);
  }, [text]);
  return { text, setText, q, param: q ? `&q=${encodeURIComponent(q)}` : '' };
}
