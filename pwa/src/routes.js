// The app's hash routes as data (#/minor/<id>): parsed without a DOM, so tests import them.

const ROUTES = [
  ['today', /^\/?(today)?$/],
  ['households', /^\/households$/],
  ['household', /^\/household\/([^/]+)$/],
  ['survey', /^\/survey(?:\/([^/]+))?$/],
  ['minorNew', /^\/household\/([^/]+)\/minor\/new$/],
  ['minorEdit', /^\/minor\/([^/]+)\/edit$/],
  ['minor', /^\/minor\/([^/]+)$/],
  ['visitNew', /^\/minor\/([^/]+)\/visit\/new$/],
  ['visit', /^\/visit\/([^/]+)$/],
  ['measureNew', /^\/minor\/([^/]+)\/measure\/new$/],
  ['measure', /^\/measure\/([^/]+)$/],
  ['reports', /^\/reports$/],
  ['reportNew', /^\/report\/new$/],
  ['report', /^\/report\/([^/]+)$/],
  ['me', /^\/me$/],
  // Supervisors' and liaisons' screens (online). The plural forms are the links the server
  // puts in notifications (#/visits/<id>, #/reports/<id>, #/referrals/<id>, #/minors/<id>).
  ['work', /^\/work$/],
  ['review', /^\/review$/],
  ['registry', /^\/registry$/],
  ['reviewVisit', /^\/review\/([^/]+)$/],
  ['visit', /^\/visits\/([^/]+)$/],
  ['minor', /^\/minors\/([^/]+)$/],
  ['grades', /^\/grades$/],
  ['conflicts', /^\/conflicts$/],
  ['flags', /^\/flags$/],
  ['duplicates', /^\/duplicates$/],
  ['devices', /^\/devices$/],
  ['cases', /^\/cases$/],
  ['caseNew', /^\/cases\/new$/],
  ['reportPage', /^\/reports\/([^/]+)$/],
  ['referrals', /^\/referrals$/],
  ['referral', /^\/referrals\/([^/]+)$/],
  ['stats', /^\/stats$/],
  ['notifications', /^\/notifications$/],
  ['users', /^\/users$/],
  ['userNew', /^\/users\/new$/],
  ['user', /^\/users\/(\d+)$/],
  ['areas', /^\/areas$/],
  ['settings', /^\/settings$/],
];

export function parseRoute(hash) {
  const [path, query = ''] = decodeURIComponent(hash.replace(/^#/, '')).split('?');
  for (const [name, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: m.slice(1).filter(Boolean), query: new URLSearchParams(query) };
  }
  return { name: 'today', params: [], query: new URLSearchParams() };
}
