// The app: open the replica, restore the session, keep sync running, route to the screens.
import { html } from 'htm/preact';
import { render } from 'preact';

import { Api } from './api.js';
import { deviceId, getMeta, openHumiaoDB, outboxCounts, wipe } from './db.js';
import { getLang, t } from './i18n/index.js';
import { useLazy } from './lazy.js';
import { hasLock, IDLE_MINUTES, idleMinutes, lockNow, MAX_TRIES, watchIdle } from './lock/lock.js';
import { allowedRoute, homeOf, isSupervisor, syncs } from './roles.js';
import { navigate, useRoute } from './router.js';
import { changed, getState, setState, setStatus, toast, useAppState } from './state.js';
import { registerServiceWorker, UpdatePrompt } from './sw-client.js';
import { isRetryable, startAutoSync, SyncClient } from './sync.js';
import { HouseholdList, HouseholdPage } from './views/households.js';
import { LockScreen, PinSetup } from './views/lock.js';
import { Login } from './views/login.js';
import { MeasureForm } from './views/measure.js';
import { Me } from './views/me.js';
import { MinorProfile } from './views/minor.js';
import { MinorForm } from './views/minor-form.js';
import { ReportForm, ReportList } from './views/report.js';
import { StatusBar, TabBar } from './views/statusbar.js';
import { Survey } from './views/survey.js';
import { Today } from './views/today.js';
import { SideNav } from './views/sup/nav.js';
import { Overlays, Page } from './views/ui.js';
import { VisitForm } from './views/visit.js';

const RULES_MAX_AGE_MS = 12 * 3600_000;
let stopAutoSync = null;

async function refreshRules(force = false) {
  const { api, rules } = getState();
  const age = rules?.fetched_at ? Date.now() - Date.parse(rules.fetched_at) : Infinity;
  if (!force && age < RULES_MAX_AGE_MS) return;
  try {
    await api.fetchRules();
    setState({ rules: await getMeta(getState().db, 'rules') });
  } catch {
    // offline or not yet served: the cached rules (or none) stay in use
  }
}

function startSession() {
  stopAutoSync?.();
  // A unit liaison keeps no replica: her referrals are read online.
  stopAutoSync = syncs(getState().user) ? startAutoSync(getState().sync) : null;
  refreshRules();
}

// Supervisors land on their workbench, liaisons on their referrals.
function goHome(user, { always = false } = {}) {
  const hash = globalThis.location.hash;
  if (always || !hash || hash === '#/' || hash === '#') {
    const home = homeOf(user);
    if (home !== 'today') navigate(`/${home}`, { replace: true });
  }
}

function endSession(patch) {
  stopAutoSync?.();
  stopAutoSync = null;
  setState({ user: null, ...patch });
  navigate('/today', { replace: true });
}

// DESIGN §6: a user revoked on the server is wiped at the next contact, unsynced work
// included (it cannot be sent any more); an expired session only asks for a new login.
async function onAuthLost(err) {
  const { db } = getState();
  if (err.reason === 'expired') {
    endSession({ authMessage: t('login.expired') });
    return;
  }
  const { total } = await outboxCounts(db);
  await wipe(db);
  await changed();
  const lost = err.code === 'device_lost';
  endSession({
    rules: null,
    authMessage: lost ? t('login.device_lost')
      : total ? t('login.revoked_pending', { n: total }) : t('login.revoked'),
  });
}

// The replica opens: who is logged in, the rules, when to lock again. Then the session runs.
async function opened() {
  const { db } = getState();
  const user = (await getMeta(db, 'user')) ?? null;
  await changed(); // before the screens mount, or each would read the replica twice
  setState({ lock: 'open', user, rules: (await getMeta(db, 'rules')) ?? null, lockMinutes: await idleMinutes(db) });
  if (user) {
    goHome(user);
    startSession();
  }
}

// Locked by hand, by idle time, or after the last wrong PIN: nothing of the replica stays in
// the page, and sync stops until the PIN opens it again.
function locked(why) {
  stopAutoSync?.();
  stopAutoSync = null;
  lockNow();
  if (why === 'wiped') wiped(t('lock.wiped', { n: MAX_TRIES }));
  else setState({ lock: 'locked', user: null, rules: null });
}

function wiped(message) {
  setState({ lock: 'open', user: null, rules: null, authMessage: message });
  navigate('/today', { replace: true });
}

function wireSyncStatus(sync) {
  sync.on((event) => {
    if (event.type === 'start') setStatus({ syncing: true, failed: false, pulled: 0, remaining: null, first: false });
    else if (event.type === 'pull') setStatus({ first: event.first, pulled: event.pulled, remaining: event.remaining, unreachable: false });
    else if (event.type === 'retry') {
      // The network is up but the server does not answer (or answers 5xx): say so at once,
      // not "online", and when the next try is.
      setStatus({ unreachable: true, retryAt: Date.now() + event.delay });
    } else if (event.type === 'done') {
      setStatus({ syncing: false, unreachable: false, retryAt: null });
      changed();
      refreshRules();
    } else if (event.type === 'error') {
      setStatus({
        syncing: false, failed: event.error?.name !== 'AuthError', retryAt: null,
        unreachable: isRetryable(event.error),
      });
      changed();
    }
  });
  const online = () => setStatus({ online: navigator.onLine });
  addEventListener('online', online);
  addEventListener('offline', online);
}

async function syncNow() {
  const { sync, status } = getState();
  if (!status.online) {
    toast(t('status.offline'), 'error');
    return;
  }
  try {
    await sync.run();
  } catch {
    // the status bar says so; the next trigger retries
  }
}

async function logout() {
  const { api, db } = getState();
  await api.logout();
  await wipe(db);
  await changed();
  endSession({ rules: null, authMessage: null });
}

const OFFLINE_ROUTES = new Set(['today', 'households', 'household', 'survey', 'minorNew', 'minorEdit', 'minor',
  'visitNew', 'visit', 'measureNew', 'measure', 'reports', 'reportNew', 'report', 'me']);

function Screen({ route, user }) {
  const [a] = route.params;
  const from = route.query.get('from');
  const name = allowedRoute(route.name, user) ? route.name : homeOf(user);
  // The online screens of supervisors and liaisons are imported when first needed (lazy.js).
  const online = useLazy('screens', () => import('./views/sup/screens.js'), !OFFLINE_ROUTES.has(name));
  if (!OFFLINE_ROUTES.has(name)) {
    return online?.onlineScreen(name, route, user) ?? html`<${Page} title=""><p class="hm-loading">${t('common.loading')}</p></${Page}>`;
  }
  switch (name) {
    case 'households': return html`<${HouseholdList} />`;
    case 'household': return html`<${HouseholdPage} id=${a} key=${a} />`;
    case 'survey': return html`<${Survey} id=${a} step=${Number(route.query.get('step') ?? 1)} key=${`${a}-${route.query.get('step')}`} />`;
    case 'minorNew': return html`<${MinorForm} householdId=${a} from=${from} key=${`new-${a}`} />`;
    case 'minorEdit': return html`<${MinorForm} id=${a} from=${from} key=${`edit-${a}`} />`;
    case 'minor': return html`<${MinorProfile} id=${a} key=${a} />`;
    case 'visitNew': return html`<${VisitForm} minorId=${a} key=${`new-${a}`} />`;
    case 'visit': return html`<${VisitForm} id=${a} key=${a} />`;
    case 'measureNew': return html`<${MeasureForm} minorId=${a} key=${`new-${a}`} />`;
    case 'measure': return html`<${MeasureForm} id=${a} key=${a} />`;
    case 'reports': return html`<${ReportList} />`;
    case 'reportNew': return html`<${ReportForm} minorId=${route.query.get('minor')} key="new" />`;
    case 'report': return html`<${ReportForm} id=${a} key=${a} />`;
    case 'me': return html`<${Me} onSync=${syncNow} onLogout=${logout} onLock=${locked} />`;
    default: return html`<${Today} />`;
  }
}

function App() {
  const { user, lang, lock } = useAppState();
  const route = useRoute();
  if (lock === 'locked' || lock === 'setup') {
    return html`<div class="hm-app" data-lang=${lang}>
      ${lock === 'locked' ? html`<${LockScreen} onUnlocked=${opened} onWiped=${wiped} />`
        : html`<${PinSetup} onDone=${opened} />`}
      <${Overlays} /><${UpdatePrompt} />
    </div>`;
  }
  if (!user) {
    return html`<div class="hm-app" data-lang=${lang}>
      <${Login} onLoggedIn=${async (u) => {
        setState({ user: u, authMessage: null });
        goHome(u, { always: true });
        await refreshRules(true);
        await changed();
        startSession();
      }} />
      <${Overlays} /><${UpdatePrompt} />
    </div>`;
  }
  const wide = isSupervisor(user);
  return html`<div class=${`hm-app${wide ? ' hm-app--sup' : ''}`} data-lang=${lang} data-role=${user.role}>
    ${wide && html`<${SideNav} route=${route} />`}
    <${StatusBar} onSync=${syncNow} />
    <${Screen} route=${route} user=${user} />
    <${TabBar} route=${route} />
    <${Overlays} /><${UpdatePrompt} />
  </div>`;
}

async function boot() {
  document.documentElement.lang = getLang();
  const db = await openHumiaoDB();
  await deviceId(db);
  const api = new Api({ db, onAuthLost });
  const sync = new SyncClient({ db, api });
  setState({ db, api, sync });
  wireSyncStatus(sync);
  // Every cold start is locked. A phone whose app version had no lock yet holds its data in
  // the clear: a PIN first, and the data is sealed under it.
  if (await hasLock(db)) setState({ lock: 'locked' });
  else if (await getMeta(db, 'user')) setState({ lock: 'setup' });
  else await opened();
  render(html`<${App} />`, document.getElementById('app'));
  document.getElementById('boot')?.remove();
  watchIdle(() => getState().lockMinutes ?? IDLE_MINUTES, () => locked('idle'));
  registerServiceWorker();
}

boot().catch((err) => {
  // Shown on the boot screen: without IndexedDB (private mode) nothing can be kept offline.
  const el = document.getElementById('boot');
  if (el) el.textContent = `无法启动 / Cannot start: ${err.message}`;
  console.error(err);
});
