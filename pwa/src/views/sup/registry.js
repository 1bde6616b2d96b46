// 台账查询: a supervisor finds a child or a household of her whole area on the server, which
// searches every record (name, pinyin initials such as wxy for 王小雨, address, the ID number's
// last four) where the phone's replica would hold and scan them all.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

import { formatDate, t } from '../../i18n/index.js';
import { countOf, useRemote } from '../../online.js';
import { navigate } from '../../router.js';
import { shownGrade } from '../../sup/format.js';
import { GradeBadge, Page, SearchBar, Title } from '../ui.js';
import { Remote, useTyped } from './common.js';

const TABS = ['minors', 'households'];
const PAGE = 100;

function useTotal(path, data) {
  const [total, setTotal] = useState(null);
  useEffect(() => {
    let alive = true;
    countOf(path).then((n) => alive && setTotal(n));
    return () => { alive = false; };
  }, [path, data]);
  return total;
}

function MinorRow({ m }) {
  const g = shownGrade(m);
  return html`<a class=${`weui-cell weui-cell_access hm-link hm-stripe--${g.grade ?? 'none'}`} href=${`#/minors/${m.id}`}>
    <div class="weui-cell__bd">
      <p class="hm-row-title">${m.name}</p>
      <p class="hm-row-sub">${[formatDate(m.birth_date), m.school, m.id_number_masked].filter(Boolean).join(' · ')}</p>
    </div>
    <div class="weui-cell__ft"><${GradeBadge} ...${g} /></div>
  </a>`;
}

function HouseholdRow({ h }) {
  return html`<a class="weui-cell weui-cell_access hm-link" href=${`#/household/${h.id}`}>
    <div class="weui-cell__bd">
      <p class="hm-row-title">${h.head_name}</p>
      <p class="hm-row-sub">${h.address}</p>
    </div>
    <div class="weui-cell__ft"></div>
  </a>`;
}

export function RegistrySearch({ query }) {
  const tab = TABS.includes(query.get('tab')) ? query.get('tab') : 'minors';
  const typed = useTyped();
  const path = `/api/${tab}${typed.q ? `?q=${encodeURIComponent(typed.q)}` : ''}`;
  const remote = useRemote(`${path}${typed.q ? '&' : '?'}page_size=${PAGE}`);
  const total = useTotal(path, remote.data);
  return html`<${Page} title=${t('nav.registry')} backable>
    <div class="hm-seg hm-seg--tabs" role="tablist">
      ${TABS.map((name) => html`<button type="button" role="tab" key=${name} aria-selected=${tab === name}
        class=${`hm-seg__btn${tab === name ? ' hm-seg__btn--on hm-seg__btn--ok' : ''}`}
        onClick=${() => navigate(`/registry?tab=${name}`, { replace: true })}>${t(`registry.tab_${name}`)}</button>`)}
    </div>
    <${SearchBar} id="search-registry" value=${typed.text} onInput=${typed.setText} placeholder=${t('registry.search')} />
    <${Remote} remote=${remote}>${(rows) => {
      const n = Math.max(total ?? 0, rows.length);
      return html`<${Title}>${t('registry.count', { n })}${n > rows.length ? ` · ${t('registry.shown', { n: rows.length })}` : ''}</${Title}>
        ${rows.length === 0 && html`<div class="hm-empty"><p>${typed.q ? t('hh.no_match', { q: typed.q }) : t('registry.empty')}</p></div>`}
        <div class="weui-cells">${rows.map((r) => (tab === 'minors'
          ? html`<${MinorRow} key=${r.id} m=${r} />` : html`<${HouseholdRow} key=${r.id} h=${r} />`))}</div>`;
    }}</${Remote}>
  </${Page}>`;
}
