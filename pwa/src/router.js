// Hash routes (#/minor/<id>): they work from the cached index.html with no server round
// trip, which a path router could not promise offline.
import { useEffect, useState } from 'preact/hooks';

import { parseRoute } from './routes.js';

export { parseRoute } from './routes.js';

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
