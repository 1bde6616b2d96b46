// The online screens of supervisors, street admins and unit liaisons, by route name; null
// for the routes app.js renders itself (the worker's offline screens).
import { html } from 'htm/preact';

import { Areas, Settings } from './admin.js';
import { Notifications } from './bell.js';
import { Conflicts } from './conflicts.js';
import { Duplicates } from './duplicates.js';
import { GradeQueue } from './grades.js';
import { Flags } from './measures.js';
import { LiaisonReferrals, ReferralPage } from './referrals.js';
import { ReportPage } from './report-page.js';
import { Cases, HotlineForm } from './reports.js';
import { RegistrySearch } from './registry.js';
import { ReviewQueue, ReviewVisit } from './review.js';
import { Statistics } from './stats.js';
import { UserNew, UserPage, Users } from './users.js';
import { Devices, Workbench } from './workbench.js';

export function onlineScreen(name, route, user) {
  const [a] = route.params;
  const { query } = route;
  switch (name) {
    case 'work': return html`<${Workbench} />`;
    case 'review': return html`<${ReviewQueue} query=${query} key=${query.toString()} />`;
    case 'registry': return html`<${RegistrySearch} query=${query} key=${query.toString()} />`;
    case 'reviewVisit': return html`<${ReviewVisit} id=${a} key=${a} />`;
    case 'grades': return html`<${GradeQueue} query=${query} key=${query.toString()} />`;
    case 'conflicts': return html`<${Conflicts} />`;
    case 'flags': return html`<${Flags} />`;
    case 'duplicates': return html`<${Duplicates} />`;
    case 'devices': return html`<${Devices} />`;
    case 'cases': return html`<${Cases} query=${query} />`;
    case 'caseNew': return html`<${HotlineForm} />`;
    case 'reportPage': return html`<${ReportPage} id=${a} key=${a} />`;
    case 'referrals': return user.role === 'unit_liaison'
      ? html`<${LiaisonReferrals} query=${query} key=${query.toString()} />` : html`<${Cases} query=${new URLSearchParams('tab=referrals')} />`;
    case 'referral': return html`<${ReferralPage} id=${a} key=${a} />`;
    case 'stats': return html`<${Statistics} query=${query} />`;
    case 'notifications': return html`<${Notifications} />`;
    case 'users': return html`<${Users} query=${query} />`;
    case 'userNew': return html`<${UserNew} />`;
    case 'user': return html`<${UserPage} id=${a} key=${a} />`;
    case 'areas': return html`<${Areas} />`;
    case 'settings': return html`<${Settings} />`;
    default: return null;
  }
}
