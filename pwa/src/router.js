// Hash routes (#/minor/<id>): they work from the cached index.html with no server round
// trip, which a path router could not promise offline.
import { useEffect, useMemo, useState } from 'preact/hooks';

import { parseRoute } from './routes.js';

export { parseRoute } from './routes.js';

export function navigate(path, { replace = false } = {}) {
  const hash = `#${path}`;
  if (replace) globalThis.location.replace(hash);
  else globalThis.location.hash = hash;
}

export const back = () => globalThis.history.back();

export function useRoute() {
  const [hash, setHash] = useState(() => globalThis.location.hash);
  useEffect(() => {
    const onChange = () => {
      setHash(globalThis.location.hash);
      globalThis.scrollTo?.(0, 0);
    };
    globalThis.addEventListener('hashchange', onChange);
    // A link followed between the first render and this effect (a slow phone runs effects a
    // frame late) fired its hashchange before anyone listened: catch up with it.
    if (globalThis.location.hash !== hash) onChange();
    return () => globalThis.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
