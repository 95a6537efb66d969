/**
 * CoT type -> MIL-STD-2525C / APP-6B letter symbol code (SIDC), the code milsymbol draws. Pure: the browser COP,
 * exports and anything else that needs a NATO symbol for an event share this one mapping.
 *
 * Atoms follow the published CoT rule (type grammar of MITRE's types.txt, the same algorithm node-cot and kotcot
 * use): `a-<affiliation>-<dimension>-<function letters…>` becomes `S` + affiliation + dimension + `P` (present) +
 * the function letters padded to six, + `-----`. Lower-case CoT refinements have no 2525 meaning and are dropped.
 * Types with no 2525 equivalent (markers, waypoints, alarms, sensors …) get a tactical-graphic point or the
 * "unknown" frame, so every entity still draws as a symbol NATO staff can read. An explicit code carried in the
 * event (`__milsym` / `__milicon`) always wins.
 */

/** CoT affiliation letter -> 2525C standard identity letter (position 2). `o` none and `x` other read as unknown. */
const AFFILIATION: Readonly<Record<string, string>> = {
  p: 'P',
  u: 'U',
  a: 'A',
  f: 'F',
  n: 'N',
  s: 'S',
  h: 'H',
  j: 'J',
  k: 'K',
  o: 'U',
  x: 'U',
};

/** Battle dimensions 2525C defines (position 3): space, air, ground, sea surface, subsurface, SOF, other, unknown. */
const DIMENSIONS = 'PAGSUFXZ';

/** Non-atom CoT types that have a sensible tactical-graphic point, longest prefix first. */
const NON_ATOM: ReadonlyArray<readonly [prefix: string, sidc: string]> = [
  ['b-m-p-s-p-loc', 'GFGPGPRI------X'], // camera / video location: a point of interest
  ['b-m-p-s-p-i', 'GFGPGPRI------X'], // sensor point of interest (SPI)
  ['b-m-p-s-m', 'GFGPGPRI------X'], // ATAK spot-map marker
  ['b-m-p-w', 'GFGPGPPW------X'], // waypoint
  ['b-m-p-c', 'GFGPGPPK------X'], // route control point: checkpoint
  ['b-m-p', 'GFGPGPP-------X'], // any other map point: action point (general)
  ['b-a-o', 'SFGPUSM--------'], // emergency / 911 alert: the caller is a friend needing help, shown as medical
  ['b-r-f-h-c', 'SFGPUSM--------'], // CASEVAC request
  ['b-i', 'GFGPGPRI------X'], // imagery (QuickPic …)
  ['b-d', 'SUGPES---------'], // sensor detection: unknown ground sensor
];

/** The "unknown, dimension unknown" frame: what anything drawable but unmappable gets. */
export const FALLBACK_SIDC = 'SUZP-----------';

/** How the code of an entity was chosen, shown in the COP's detail panel. */
export type SidcSource = 'explicit' | 'type' | 'fallback';

export interface SymbolChoice {
  sidc: string;
  source: SidcSource;
}

const ATOM = /^a-([puafnshjkox])-([A-Za-z])(-.*)?$/i;
const LETTER_SIDC = /^[SIOEGW][A-Z-]{14}$/;
const NUMBER_SIDC = /^(\d{20}|\d{30})$/;

/** True for a 15-letter 2525B/C code or a 20/30-digit 2525D/E code (what milsymbol accepts). */
export function isSidc(code: string): boolean {
  return LETTER_SIDC.test(code) || NUMBER_SIDC.test(code);
}

/**
 * The 2525C code of a CoT atom type, or undefined when `type` is not an atom with a 2525 battle dimension.
 * `a-f-G-U-C-I` -> `SFGPUCI--------`.
 */
export function atomToSidc(type: string): string | undefined {
  const m = ATOM.exec(type);
  if (!m) return undefined;
  const dim = m[2]!.toUpperCase();
  if (!DIMENSIONS.includes(dim)) return undefined;
  // Function letters: upper-case letters and digits of each dash field; lower-case fields are CoT refinements.
  let fn = '';
  for (const field of (m[3] ?? '').split('-')) {
    if (field.length === 1 && /[A-Z0-9]/.test(field)) fn += field;
    else if (field.length > 0) break; // a refinement ends the 2525 part
    if (fn.length === 6) break;
  }
  return 'S' + AFFILIATION[m[1]!.toLowerCase()] + dim + 'P' + fn.padEnd(6, '-') + '-----';
}

/**
 * The symbol code to draw for an event: an explicit, well-formed code wins; then the type mapping; then a
 * tactical point for known non-atom kinds; then {@link FALLBACK_SIDC}.
 */
export function chooseSidc(type: string, explicit?: string): SymbolChoice {
  const given = explicit?.trim();
  if (given && isSidc(given.toUpperCase())) return { sidc: given.toUpperCase(), source: 'explicit' };
  const fromType = atomToSidc(type);
  if (fromType) return { sidc: fromType, source: 'type' };
  for (const [prefix, sidc] of NON_ATOM) {
    if (type === prefix || type.startsWith(prefix + '-')) return { sidc, source: 'type' };
  }
  return { sidc: FALLBACK_SIDC, source: 'fallback' };
}

/** Shorthand for {@link chooseSidc}(…).sidc. */
export function sidcFor(type: string, explicit?: string): string {
  return chooseSidc(type, explicit).sidc;
}

/** Affiliation of a code as a word, for filters and legends. */
export type Affiliation = 'friend' | 'hostile' | 'neutral' | 'unknown';

/** Collapse a code's standard identity into the four families the COP filters on (suspect/joker/faker: hostile). */
export function affiliationOfSidc(sidc: string): Affiliation {
  if (NUMBER_SIDC.test(sidc)) {
    const id = sidc[3];
    if (id === '2' || id === '3') return 'friend';
    if (id === '4') return 'neutral';
    if (id === '5' || id === '6') return 'hostile';
    return 'unknown';
  }
  switch (sidc[1]) {
    case 'F':
    case 'A':
    case 'D':
    case 'M':
      return 'friend';
    case 'H':
    case 'S':
    case 'J':
    case 'K':
      return 'hostile';
    case 'N':
    case 'L':
      return 'neutral';
    default:
      return 'unknown';
  }
}

/** Types that are messages or control traffic, never drawn as map entities (chat, receipts, pings, deletes). */
export function isDrawable(type: string): boolean {
  return !/^(b-t-f|t-x-|b-f-t|y-)/.test(type);
}
