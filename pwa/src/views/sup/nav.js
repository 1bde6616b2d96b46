// The supervisors' side bar on a desk (≥ 1024 px wide): every section of the workbench one
// click away. On a phone the bottom tab bar and the workbench's tiles do this instead.
import { html } from 'htm/preact';

import { t } from '../../i18n/index.js';
import { sideOf } from '../../roles.js';
import { useAppState } from '../../state.js';

const HREF = { work: '#/work', review: '#/review', registry: '#/registry', grades: '#/grades', conflicts: '#/conflicts', cases: '#/cases',
  flags: '#/flags', duplicates: '#/duplicates', stats: '#/stats', today: '#/today', households: '#/households',
  devices: '#/devices', users: '#/users', areas: '#/areas', settings: '#/settings', me: '#/me' };

// The section a route belongs to, for the highlight.
const SECTION = { reviewVisit: 'review', reportPage: 'cases', caseNew: 'cases', referral: 'cases', referrals: 'cases',
  household: 'households', survey: 'households', minor: 'households', minorNew: 'households', minorEdit: 'households',
  visit: 'households', visitNew: 'households', user: 'users', userNew: 'users', notifications: 'me' };

export function SideNav({ route }) {
  const { user } = useAppState();
  const items = sideOf(user);
  const current = SECTION[route.name] ?? route.name;
  return html`<nav class="hm-side" aria-label=${t('nav.menu')}>
    <div class="hm-side__brand"><img src="icons/icon-192.png" width="28" height="28" alt="" /> ${t('app.name')}</div>
    ${items.map((name) => html`<a key=${name} href=${HREF[name]} class=${`hm-side__item${current === name ? ' hm-side__item--on' : ''}`}
      aria-current=${current === name ? 'page' : undefined}>${t(`nav.${name}`)}</a>`)}
  </nav>`;
}
