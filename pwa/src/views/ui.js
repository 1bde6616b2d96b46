// Small building blocks on top of WeUI: the controls a WeChat user already knows.
import { html } from 'htm/preact';

import { fieldLabel, t, valueLabel } from '../i18n/index.js';
import { back } from '../router.js';
import { useAppState } from '../state.js';

export function GradeBadge({ grade, suggested = false }) {
  const g = grade ?? 'none';
  return html`<span class=${`hm-grade hm-grade--${g}${suggested ? ' hm-grade--suggested' : ''}`}
    title=${suggested ? t('minor.suggested') : t('minor.grade')}>${valueLabel('grade', grade ?? 'ungraded')}</span>`;
}

export function Page({ title, backable = false, children, action, actionLabel, actionDisabled, danger }) {
  return html`<div class="hm-page">
    <header class="hm-header">
      ${backable && html`<button type="button" class="hm-back" onClick=${back} aria-label=${t('common.back')}>‹</button>`}
      <h1>${title}</h1>
    </header>
    <main class="hm-content">${children}</main>
    ${action && html`<div class="hm-action">
      <button type="button" class=${`weui-btn ${danger ? 'weui-btn_warn' : 'weui-btn_primary'}`}
        disabled=${actionDisabled} onClick=${action}>${actionLabel}</button>
    </div>`}
  </div>`;
}

export const Title = ({ children }) => html`<div class="weui-cells__title">${children}</div>`;

export const Cells = ({ children, form = false }) =>
  html`<div class=${form ? 'weui-cells weui-cells_form' : 'weui-cells'}>${children}</div>`;

export function LinkCell({ href, children, ft, stripe }) {
  return html`<a class=${`weui-cell weui-cell_access hm-link${stripe ? ` hm-stripe--${stripe}` : ''}`} href=${href}>
    <div class="weui-cell__bd">${children}</div>
    <div class="weui-cell__ft">${ft}</div>
  </a>`;
}

export function InfoCell({ label, children }) {
  return html`<div class="weui-cell">
    <div class="weui-cell__hd hm-info-label">${label}</div>
    <div class="weui-cell__bd hm-info-value">${children}</div>
  </div>`;
}

// WeUI's search bar hides its box until `weui-search-bar_focusing` is set (its own script
// toggles it on tap): here the box is always open, so one tap types.
export function SearchBar({ value, onInput, placeholder, id = 'search' }) {
  return html`<div class="weui-search-bar weui-search-bar_focusing hm-search" role="search">
    <div class="weui-search-bar__form">
      <div class="weui-search-bar__box">
        <i class="weui-icon-search"></i>
        <input type="search" id=${id} class="weui-search-bar__input" placeholder=${placeholder} value=${value}
          aria-label=${placeholder} enterkeyhint="search" autocomplete="off"
          onInput=${(e) => onInput(e.currentTarget.value)} />
        ${value && html`<button type="button" class="hm-search__clear" aria-label=${t('common.clear')}
          onClick=${() => onInput('')}>×</button>`}
      </div>
    </div>
  </div>`;
}

export function Empty({ text, children }) {
  return html`<div class="hm-empty"><p>${text}</p>${children}</div>`;
}

function errorText(error) {
  if (!error) return null;
  if (error.startsWith('!')) return error.slice(1); // the server's own words
  const long = /^too_long_(\d+)$/.exec(error);
  return long ? t('err.too_long', { n: long[1] }) : t(`err.${error}`);
}

function FieldRow({ name, label, error, required, children, hint }) {
  return html`<div class=${`weui-cell weui-cell_active hm-field${error ? ' weui-cell_warn' : ''}`} id=${`field-${name}`}>
    <div class="weui-cell__hd"><label class="weui-label" for=${`in-${name}`}>
      ${label ?? fieldLabel(name)}${required && html`<span class="hm-req">*</span>`}
    </label></div>
    <div class="weui-cell__bd">
      ${children}
      ${error && html`<div class="hm-error" role="alert">${errorText(error)}</div>`}
      ${hint && !error && html`<div class="hm-hint">${hint}</div>`}
    </div>
  </div>`;
}

export function TextField({ name, value, onChange, error, type = 'text', required, label, placeholder, hint, ...rest }) {
  return html`<${FieldRow} name=${name} label=${label} error=${error} required=${required} hint=${hint}>
    <input id=${`in-${name}`} class="weui-input" type=${type} value=${value ?? ''} placeholder=${placeholder}
      onInput=${(e) => onChange(name, e.currentTarget.value)} ...${rest} />
  </${FieldRow}>`;
}

// With `bare`, the text area fills the row under a section title that already names it.
export function TextArea({ name, value, onChange, error, label, rows = 3, placeholder, bare = false }) {
  const area = html`<textarea id=${`in-${name}`} class="weui-textarea" rows=${rows} placeholder=${placeholder}
    aria-label=${bare ? label ?? fieldLabel(name) : undefined}
    value=${value ?? ''} onInput=${(e) => onChange(name, e.currentTarget.value)}></textarea>`;
  if (bare) {
    return html`<div class=${`weui-cell${error ? ' weui-cell_warn' : ''}`} id=${`field-${name}`}>
      <div class="weui-cell__bd">${area}${error && html`<div class="hm-error" role="alert">${errorText(error)}</div>`}</div>
    </div>`;
  }
  return html`<${FieldRow} name=${name} label=${label} error=${error}>${area}</${FieldRow}>`;
}

// options: [[value, label], ...]; values keep their type (grid ids are numbers).
export function SelectField({ name, value, onChange, error, options, required, label, blank = true }) {
  const index = options.findIndex(([v]) => v === value);
  return html`<${FieldRow} name=${name} label=${label} error=${error} required=${required}>
    <select id=${`in-${name}`} class="weui-select hm-select" value=${index < 0 ? '' : String(index)}
      onChange=${(e) => onChange(name, e.currentTarget.value === '' ? null : options[Number(e.currentTarget.value)][0])}>
      ${blank && html`<option value="">${t('common.select')}</option>`}
      ${options.map(([, text], i) => html`<option value=${String(i)}>${text}</option>`)}
    </select>
  </${FieldRow}>`;
}

export const enumOptions = (group, values) => values.map((v) => [v, valueLabel(group, v)]);

export function YesNoField({ name, value, onChange, error, label }) {
  return html`<${SelectField} name=${name} label=${label} error=${error} value=${value}
    onChange=${onChange} options=${[[true, t('common.yes')], [false, t('common.no')]]} />`;
}

// A set-valued field as a grid of large toggles: 19 kinds of misbehaviour fit on a screen.
export function CheckList({ name, values, onChange, options, title }) {
  const set = new Set(values ?? []);
  const toggle = (v) => {
    const next = new Set(set);
    if (next.has(v)) next.delete(v); else next.add(v);
    onChange(name, [...next].sort());
  };
  return html`${title && html`<${Title}>${title}</${Title}>`}
    <div class="hm-checks" id=${`field-${name}`} role="group" aria-label=${title}>
      ${options.map(([v, text]) => html`<label key=${v} class=${`hm-check${set.has(v) ? ' hm-check--on' : ''}`}>
        <input type="checkbox" checked=${set.has(v)} onChange=${() => toggle(v)} />
        <span>${text}</span>
      </label>`)}
    </div>`;
}

// Two or three choices side by side, each a large target (ok | concern).
export function Segmented({ name, value, onChange, options }) {
  return html`<div class="hm-seg" role="radiogroup">
    ${options.map(([v, text]) => html`<button type="button" role="radio" aria-checked=${value === v}
      class=${`hm-seg__btn${value === v ? ` hm-seg__btn--on hm-seg__btn--${v}` : ''}`}
      onClick=${() => onChange(name, v)}>${text}</button>`)}
  </div>`;
}

export function Progress({ fraction }) {
  const known = Number.isFinite(fraction);
  return html`<div class=${`weui-progress hm-progress${known ? '' : ' hm-progress--busy'}`}>
    <div class="weui-progress__bar">
      <div class="weui-progress__inner-bar" style=${known ? `width:${Math.round(fraction * 100)}%` : ''}></div>
    </div>
  </div>`;
}

export function Overlays() {
  const { toast, dialog } = useAppState();
  return html`
    ${toast && html`<div role="status" aria-live="polite">
      <div class=${`weui-toast hm-toast${toast.kind === 'error' ? ' hm-toast--error' : ''}`}>
        <i class=${`weui-icon_toast ${toast.kind === 'error' ? 'weui-icon-warn' : 'weui-icon-success-no-circle'}`}></i>
        <p class="weui-toast__content">${toast.text}</p>
      </div>
    </div>`}
    ${dialog && html`<div role="dialog" aria-modal="true">
      <div class="weui-mask"></div>
      <div class="weui-dialog">
        <div class="weui-dialog__hd"><strong class="weui-dialog__title">${dialog.title}</strong></div>
        <div class="weui-dialog__bd">${dialog.body}</div>
        <div class="weui-dialog__ft">
          <button type="button" class="weui-dialog__btn weui-dialog__btn_default hm-dialog-btn"
            onClick=${() => dialog.close(false)}>${dialog.cancel ?? t('common.cancel')}</button>
          <button type="button" class=${`weui-dialog__btn hm-dialog-btn${dialog.danger ? ' weui-dialog__btn_warn' : ''}`}
            onClick=${() => dialog.close(true)}>${dialog.ok ?? t('common.ok')}</button>
        </div>
      </div>
    </div>`}`;
}

// Scroll to and focus the first field with an error, so "fix the red fields" is one look.
export function focusFirstError(errors) {
  const first = Object.keys(errors)[0];
  if (!first) return;
  requestAnimationFrame(() => {
    const el = document.getElementById(`field-${first.split('.')[0]}`) ?? document.getElementById(`field-${first}`);
    el?.scrollIntoView({ block: 'center' });
    el?.querySelector('input,select,textarea')?.focus();
  });
}
