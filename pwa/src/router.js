// Hash routes (#/minor/<id>): they work from the cached index.html with no server round
// trip, which a path router could not promise offline.
import { useEffect, useState } from 'preact/hooks';

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
  ['reports', /^\/reports$/],
  ['reportNew', /^\/report\/new$/],
  ['report', /^\/report\/([^/]+)$/],
  ['me', /^\/me$/],
];

export function parseRoute(hash) {
  const [path, query = ''] = decodeURIComponent(hash.replace(/^#/, '')).split('?');
  for (const [name, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: m.slice(1).filter(Boolean), query: new URLSearchParams(query) };
  }
  return { name: 'today', params: [], query: new URLSearchParams() };
}

export function navigate(path, { replace = false } = {}) {
  const hash = `#${path}`;
  if (replace) globalThis.location.replace(hash);
  else globalThis.location.hash = hash;
}

export const back = () => globalThis.history.back();

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(globalThis.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(globalThis.location.hash));
      globalThis.scrollTo?.(0, 0);
    };
    globalThis.addEventListener('hashchange', onChange);
    return () => globalThis.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
