// Searching a list on the phone, offline: names also by their pinyin initials ("wxy" finds
// 王小雨), addresses, and the tail of a resident ID number.
//
// The initials come from the browser's own Chinese collation (ICU's pinyin order, built into
// Chromium and Node) and one boundary character per initial: a character sorts between the
// first characters of two initials. No dictionary to ship; a polyphone gets its usual reading.
const COLLATOR = new Intl.Collator('zh-Hans-CN-u-co-pinyin');
const BOUNDARIES = '阿八嚓哒妸发旮哈讥咔垃妈拏噢妑七呥仨它穵夕丫帀';
const LETTERS = 'abcdefghjklmnopqrstwxyz';
const HAN = /[\u3400-\u9fff]/;

export function initialOf(ch) {
  if (!HAN.test(ch)) return ch.toLowerCase();
  let letter = '';
  for (let i = 0; i < BOUNDARIES.length; i++) {
    if (COLLATOR.compare(ch, BOUNDARIES[i]) < 0) break;
    letter = LETTERS[i];
  }
  return letter || ch;
}

export const initials = (text) => [...(text ?? '')].map(initialOf).join('');

// One lower-case string per record that a query is matched against: each text as written,
// the initials of each name, the ID's last digits.
export function searchText({ names = [], texts = [], idTails = [] }) {
  const parts = [...names, ...texts].filter(Boolean).map((s) => String(s).toLowerCase());
  for (const name of names) if (name && HAN.test(name)) parts.push(initials(name).toLowerCase());
  for (const tail of idTails) if (tail) parts.push(String(tail).replace(/\*/g, '').toLowerCase());
  return parts.join('\u0001');
}

// Every word of the query must occur somewhere in the record's text.
export function matches(text, query) {
  const words = (query ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => text.includes(w));
}

// Addresses and names in the order a person expects: 11号 before 100号.
const NATURAL = new Intl.Collator('zh-CN', { numeric: true });
export const naturalCompare = (a, b) => NATURAL.compare(a ?? '', b ?? '');
