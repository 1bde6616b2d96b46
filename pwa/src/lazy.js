// Modules only some users need (the supervisors' and liaisons' online screens), imported on
// first use. They are in the precache all the same, so they load offline too; a grid worker's
// phone simply never parses them.
import { useEffect, useState } from 'preact/hooks';

const loaded = new Map();

export function useLazy(key, load, needed = true) {
  const [mod, setMod] = useState(loaded.get(key) ?? null);
  useEffect(() => {
    if (!needed || mod) return;
    let alive = true;
    load().then((m) => {
      loaded.set(key, m);
      if (alive) setMod(m);
    });
    return () => { alive = false; };
  }, [key, needed]);
  return mod;
}
