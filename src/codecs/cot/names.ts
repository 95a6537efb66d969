/** Interning of the element and attribute names the hot path sees all the time. */

/**
 * Names the hot path meets in every position report, by first character. Using the constant (an internalised
 * string) as an object key or Set member instead of a fresh slice spares V8 hashing and interning the name on
 * every store and lookup (the key stores alone were 14% of decodeCot in the profile).
 */
const COMMON_NAMES: (string[] | undefined)[] = [];
// prettier-ignore
const NAMES = [
  // attributes
  'version', 'uid', 'type', 'how', 'time', 'start', 'stale', 'access', 'qos', 'opex', 'lat', 'lon', 'hae',
  'ce', 'le', 'callsign', 'endpoint', 'phone', 'xmppUsername', 'emailAddress', 'name', 'role', 'course',
  'speed', 'slope', 'device', 'platform', 'os', 'geopointsrc', 'altsrc', 'battery', 'readiness', 'relation',
  'parent_callsign', 'production_time', 'url', 'sensor', 'spi', 'id', 'Droid',
  // elements (their names are looked up in Sets right after)
  'event', 'point', 'detail', 'contact', '__group', 'track', 'takv', 'status', 'precisionlocation', 'link',
  'remarks', '__chat', '__chatreceipt', 'chatgrp', 'marti', 'dest', '_flow-tags_', '__video', '__milsym',
  '__milicon', 'emergency', 'archive', 'color', 'usericon', '__serverdestination',
];
for (const n of NAMES) {
  const c = n.charCodeAt(0);
  (COMMON_NAMES[c] ??= []).push(n);
}

/** s[from, from + n.length) === n, compared inline (names are short; a startsWith call costs more). */
function same(s: string, from: number, n: string): boolean {
  for (let i = 1; i < n.length; i++) if (s.charCodeAt(from + i) !== n.charCodeAt(i)) return false;
  return true; // the first character selected the bucket
}

/** The name s[from, to): a shared constant when it is a common one, else a slice. */
export function nameAt(s: string, from: number, to: number): string {
  const bucket = COMMON_NAMES[s.charCodeAt(from)];
  if (bucket) {
    const len = to - from;
    for (const n of bucket) if (n.length === len && same(s, from, n)) return n;
  }
  return s.slice(from, to);
}
