// The service worker: the app shell from a versioned cache, so the app opens with no
// network from the second visit on, and an update never mixes old and new files.
// A classic script (not a module) so that importScripts works in every browser.
importScripts('precache-manifest.js');

const { version: VERSION, files: FILES } = self.PRECACHE;
const PREFIX = 'humiao-shell-';
// One cache per shell version: the old one keeps serving until the new one is complete.
const CACHE = `${PREFIX}${VERSION}`;
// Large libraries only some screens need (ECharts for the supervisors' statistics): not in
// the precache, so a grid worker's phone never downloads them; cached on first use instead.
// Their file names carry their version, so a cached copy is never stale and this cache
// survives shell updates (activate deletes only the shell caches).
const LAZY_CACHE = 'humiao-lazy-v1';
const LAZY_DIR = 'vendor/lazy/';

const scoped = (path) => new URL(path, self.registration.scope).href;
const INDEX = () => scoped('index.html');

async function sha256(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Download every file of this version and check it against its hash: a file that does not
// match belongs to another version (a deploy half done), and installing it would mix them.
async function precache() {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(Object.entries(FILES).map(async ([path, hash]) => {
      const url = scoped(path);
      // The query string gets past any HTTP cache on the way; the server ignores it.
      const res = await fetch(`${url}?v=${hash.slice(0, 12)}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      const body = await res.arrayBuffer();
      if ((await sha256(body)) !== hash) throw new Error(`${path} does not match version ${VERSION}`);
      const headers = { 'Content-Type': res.headers.get('Content-Type') ?? 'application/octet-stream' };
      await cache.put(url, new Response(body, { status: 200, headers }));
    }));
  } catch (err) {
    await caches.delete(CACHE); // never leave a half-filled cache behind
    throw err;
  }
}

self.addEventListener('install', (event) => {
  // No skipWaiting here: the page asks for it once the user accepts the reload.
  event.waitUntil(precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

async function fromShell(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreSearch: true })) ?? fetch(request);
}

async function fromLazyCache(request) {
  const cache = await caches.open(LAZY_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

// Every navigation inside the app gets the cached shell; routes live in the hash.
async function navigation(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(INDEX())) ?? fetch(request);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const base = new URL(self.registration.scope).pathname;
  // The API is never cached here: the app keeps its data in IndexedDB, and a stale
  // answer from a cache would look like a successful sync.
  if (url.pathname.startsWith(`${base}api/`) || url.pathname === `${base}healthz`) return;
  if (url.pathname.startsWith(`${base}${LAZY_DIR}`)) {
    event.respondWith(fromLazyCache(request));
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
    return;
  }
  event.respondWith(fromShell(request));
});
