// A child named in a report, carried from the report's page into the survey that registers
// her: the household's address and the child's name and school start filled in.
const KEY = 'humiao.register_from_report';
const store = globalThis.sessionStorage;

export function setPrefill(value) {
  store?.setItem(KEY, JSON.stringify(value));
}

export function getPrefill() {
  try {
    return JSON.parse(store?.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function clearPrefill() {
  store?.removeItem(KEY);
}
