// Who sees which screens (DESIGN §1). The server enforces scope on every request; this only
// decides the navigation, so that nobody is shown a door that answers 403.

export const SUPERVISORS = new Set(['village_officer', 'street_admin']);
export const isSupervisor = (user) => SUPERVISORS.has(user?.role);
export const isAdmin = (user) => user?.role === 'street_admin';
// Roles that keep a replica on the device and sync it (liaisons have nothing to replicate).
export const syncs = (user) => Boolean(user) && !['unit_liaison', 'county_viewer'].includes(user.role);

// The bottom tabs of each role, in order.
const TABS = {
  grid_worker: ['today', 'households', 'reports', 'me'],
  village_officer: ['work', 'today', 'households', 'stats', 'me'],
  street_admin: ['work', 'households', 'cases', 'stats', 'me'],
  unit_liaison: ['referrals', 'me'],
  sentinel: ['reports', 'me'],
  county_viewer: ['stats', 'me'],
};
export const tabsOf = (user) => TABS[user?.role] ?? TABS.grid_worker;

// The desktop side bar of supervisors: the workbench's sections, then the registry and 我的.
export function sideOf(user) {
  if (!isSupervisor(user)) return [];
  const items = ['work', 'review', 'grades', 'conflicts', 'cases', 'flags', 'duplicates', 'stats'];
  if (user.role === 'village_officer') items.push('today');
  items.push('registry', 'households', 'devices');
  if (isAdmin(user)) items.push('users', 'areas');
  items.push('settings', 'me');
  return items;
}

// Every route, and which tab it belongs to.
const TAB_OF = {
  today: 'today', households: 'households', household: 'households', survey: 'households',
  minorNew: 'households', minorEdit: 'households', minor: 'households', visitNew: 'households',
  visit: 'households', measureNew: 'households', measure: 'households', reports: 'reports', reportNew: 'reports', report: 'reports', me: 'me',
  work: 'work', review: 'work', registry: 'work', reviewVisit: 'work', grades: 'work', conflicts: 'work', flags: 'work',
  duplicates: 'work', devices: 'work', cases: 'cases', caseNew: 'cases', reportPage: 'cases',
  referrals: 'referrals', referral: 'referrals', stats: 'stats', notifications: 'me',
  users: 'me', userNew: 'me', user: 'me', areas: 'me', settings: 'me',
};

export function currentTab(routeName, user) {
  const tabs = tabsOf(user);
  const tab = TAB_OF[routeName];
  if (tabs.includes(tab)) return tab;
  // A supervisor without a 报告 tab reaches reports from the workbench.
  if (tab === 'cases' && tabs.includes('work')) return 'work';
  return tabs[0];
}

// Routes outside a role's reach fall back to its first tab.
const ALLOWED = {
  sentinel: new Set(['reports', 'reportNew', 'report', 'me', 'notifications']),
  unit_liaison: new Set(['referrals', 'referral', 'me', 'notifications']),
  county_viewer: new Set(['stats', 'me', 'notifications']),
  grid_worker: new Set(['today', 'households', 'household', 'survey', 'minorNew', 'minorEdit', 'minor', 'visitNew',
    'visit', 'measureNew', 'measure', 'reports', 'reportNew', 'report', 'me', 'notifications']),
};
const ADMIN_ONLY = new Set(['users', 'userNew', 'user', 'areas', 'caseNew']);

export function allowedRoute(routeName, user) {
  const role = user?.role;
  if (ALLOWED[role]) return ALLOWED[role].has(routeName);
  if (ADMIN_ONLY.has(routeName)) return role === 'street_admin';
  return SUPERVISORS.has(role);
}

export const homeOf = (user) => tabsOf(user)[0];
