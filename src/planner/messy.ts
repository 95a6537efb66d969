/**
 * Reading the messy, as-reported cells of procurement data (`~130`, `>200`, `up to ~3000 (EE+LV)`,
 * `100 launchers/300 missiles`, `2004;2015`, `2027-2029 (conflicting)`). Every derived number names the rule that
 * produced it, so a planner can see why a figure is what it is; text that no rule covers is refused, never guessed.
 * docs/planner.md ("Import rules") lists the same rules.
 */

/** How sure a reported number is: the prefix or suffix it came with. */
export type FigureKind = 'exact' | 'approx' | 'min' | 'max' | 'range' | 'uncertain';

/** One number derived from text. For `range`, `value` is the low end and `high` the high end. */
export interface Figure {
  value: number;
  kind: FigureKind;
  high?: number;
  /** Normalised unit (launchers, missiles, systems, batteries, fire units) when the text named one. */
  unit?: string;
  /** Parenthetical remarks and qualifiers kept from the text. */
  note?: string;
}

/** Outcome of reading a cell: the figures and the rules used, or why nothing could be read. */
export type Read<T> = { ok: true; value: T; rules: string[] } | { ok: false; reason: string };

const UNITS: [RegExp, string][] = [
  [/^(launchers?|clus?|command launch units?)\b/i, 'launchers'],
  [/^missiles?\b/i, 'missiles'],
  [/^(weapon )?systems?\b/i, 'systems'],
  [/^batter(y|ies)\b/i, 'batteries'],
  [/^fire units?\b/i, 'fire units'],
  [/^(vehicles?|guns?|launch vehicles?)\b/i, 'vehicles'],
  [/^(rounds?|shells?)\b/i, 'rounds'],
];

/**
 * Conversions between units of measure: a figure in `from` counts as `factor` × `to` when an area is counted in
 * `to`. Only conversions that hold by definition are listed; anything else stays in its own unit and is never
 * mixed with another (missiles are never counted as launchers).
 */
export const UNIT_CONVERSIONS: readonly { from: string; to: string; factor: number; why: string }[] = [
  {
    from: 'fire units',
    to: 'batteries',
    factor: 1,
    why: 'a fire unit is the battery-level firing element of a medium-range system (IRIS-T SLM, NASAMS)',
  },
  {
    from: 'systems',
    to: 'launchers',
    factor: 1,
    why: 'a VSHORAD/MANPADS or anti-tank "weapon system" is one firing post (launcher)',
  },
];

/** The factor turning a figure in `from` into `to` (1 when equal), or undefined when no conversion holds. */
export function unitFactor(from: string, to: string): number | undefined {
  if (from === to) return 1;
  return UNIT_CONVERSIONS.find((c) => c.from === from && c.to === to)?.factor;
}

/** Split on `seps` outside parentheses; parts are trimmed and empty ones dropped. */
export function splitTop(text: string, seps: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0) {
      const m = seps.exec(text.slice(i));
      if (m && m.index === 0 && m[0].length > 0) {
        out.push(cur);
        cur = '';
        i += m[0].length - 1;
        continue;
      }
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Remove `( … )` groups, returning the bare text and the remarks. */
export function stripNotes(text: string): { core: string; notes: string[] } {
  const notes: string[] = [];
  const core = text.replace(/\(([^()]*)\)/g, (_m, inner: string) => {
    notes.push(inner.trim());
    return ' ';
  });
  return { core: core.replace(/\s+/g, ' ').trim(), notes };
}

// A number: `1,200` and `16,000` are thousands (a comma before exactly three digits); `1,5` and `0.6` decimals.
const NUM = String.raw`\d{1,3}(?:,\d{3})+(?![\d.,])|\d+(?:[.,]\d+)?`;
const TERM = new RegExp(
  String.raw`^(~|>=|>|<=|≤|<|up to\s*~?|about\s+|c\.\s*)?\s*~?(${NUM})(?:\s*-\s*~?(${NUM}))?\s*(\+|\?)?\s*(.*)$`,
  'i',
);

/** The value of a number as written: thousands separators dropped, a decimal comma read as a point. */
function num(text: string): number {
  return /^\d{1,3}(?:,\d{3})+$/.test(text) ? Number(text.replace(/,/g, '')) : Number(text.replace(',', '.'));
}

/** Read one term such as `~130`, `>170 new`, `265+`, `~102-120`, `8?`, `up to ~3000`, `50 missiles`. */
export function readTerm(text: string, extraNotes: string[] = []): Read<Figure> {
  const { core, notes } = stripNotes(text);
  const m = TERM.exec(core);
  if (!m) return { ok: false, reason: `no number in "${text}"` };
  const prefix = (m[1] ?? '').trim().toLowerCase();
  const value = num(m[2]!);
  const high = m[3] !== undefined ? num(m[3]) : undefined;
  const suffix = m[4];
  let rest = (m[5] ?? '').trim();
  const rules: string[] = [];
  if (/^\d{1,3}(?:,\d{3})+$/.test(m[2]!)) rules.push('"1,200": comma as thousands separator');
  let kind: FigureKind = 'exact';
  // "12-ish", "12ish": an approximate value, said in words.
  const ish = /^-?\s*ish\b/i.exec(rest);
  if (ish) rest = rest.slice(ish[0].length).trim();
  if (high !== undefined) {
    if (high < value) return { ok: false, reason: `range "${text}" runs backwards` };
    kind = 'range';
    rules.push('range a-b: low end is the value, high end kept');
  } else if (prefix.startsWith('up to') || prefix === '<=' || prefix === '≤' || prefix === '<') {
    kind = 'max';
    rules.push('"up to"/"<=": an upper bound (ceiling), not a quantity');
  } else if (prefix === '>' || prefix === '>=' || suffix === '+') {
    kind = 'min';
    rules.push('">"/"+": a lower bound; the bound is the value');
  } else if (suffix === '?') {
    kind = 'uncertain';
    rules.push('"?": reported with doubt; value kept, graded uncertain');
  } else if (
    ish ||
    prefix === '~' ||
    prefix.startsWith('about') ||
    prefix.startsWith('c.') ||
    core.includes('~')
  ) {
    kind = 'approx';
    rules.push('"~": approximate value');
  } else {
    rules.push('plain number');
  }
  let unit: string | undefined;
  for (const [re, u] of UNITS) {
    const um = re.exec(rest);
    if (um) {
      unit = u;
      rest = rest.slice(um[0].length).trim();
      break;
    }
  }
  const allNotes = [...(rest ? [rest] : []), ...notes, ...extraNotes].filter((s) => s.length > 0);
  const fig: Figure = { value, kind };
  if (high !== undefined) fig.high = high;
  if (unit) fig.unit = unit;
  if (allNotes.length) fig.note = allNotes.join('; ');
  return { ok: true, value: fig, rules };
}

/** Add figures of one sum (`340 used + >170 new`): bounds and doubt propagate to the total. */
function sumFigures(figs: Figure[]): Figure {
  const kinds = new Set(figs.map((f) => f.kind));
  let kind: FigureKind = 'exact';
  if (kinds.has('max')) kind = 'max';
  else if (kinds.has('range')) kind = 'range';
  else if (kinds.has('min')) kind = 'min';
  else if (kinds.has('uncertain')) kind = 'uncertain';
  else if (kinds.has('approx')) kind = 'approx';
  const value = round(figs.reduce((a, f) => a + f.value, 0));
  const out: Figure = { value, kind };
  if (kind === 'range') out.high = round(figs.reduce((a, f) => a + (f.high ?? f.value), 0));
  const units = new Set(figs.map((f) => f.unit));
  if (units.size === 1 && figs[0]!.unit) out.unit = figs[0]!.unit;
  const notes = figs.map((f) => f.note).filter((n): n is string => !!n);
  if (notes.length) out.note = notes.join('; ');
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A sum of terms; a term without a number (`follow-on`) turns the total into a lower bound. */
function readSum(text: string): Read<Figure> {
  const terms = splitTop(text, /^\s*\+\s*(?=[^\s(])/);
  if (terms.length === 1) return readTerm(text);
  const figs: Figure[] = [];
  const rules = ['"a + b": parts added'];
  const openEnded: string[] = [];
  for (const t of terms) {
    const r = readTerm(t);
    if (r.ok) {
      figs.push(r.value);
      rules.push(...r.rules);
    } else if (!/\d/.test(t)) openEnded.push(t);
    else return r;
  }
  if (figs.length === 0) return { ok: false, reason: `no number in "${text}"` };
  const total = sumFigures(figs);
  if (openEnded.length) {
    if (total.kind === 'exact' || total.kind === 'approx' || total.kind === 'uncertain') total.kind = 'min';
    total.note = [total.note, `+ ${openEnded.join(' + ')}`].filter(Boolean).join('; ');
    rules.push('"+ words" without a number: total is a lower bound');
  }
  return { ok: true, value: total, rules: [...new Set(rules)] };
}

/** A read quantity cell: one figure per unit, or alternatives (`54 / 80`) meant for several systems in one row. */
export interface QuantityCell {
  figures: Figure[];
  /** True when the parts are alternatives to be matched to the row's `/`-separated systems, in order. */
  alternatives: boolean;
}

/**
 * Read a quantity cell. `a/b` or `a; b` with different units gives one figure per unit; bare `a / b` gives
 * alternatives; `a + b` is a sum; a lone word (`undisclosed`, `significant quantity`) is unreadable.
 */
export function readQuantity(text: string): Read<QuantityCell> | { ok: true; value: null; rules: [] } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null, rules: [] };
  if (!/\d/.test(t)) return { ok: false, reason: `no number in "${t}"` };
  const parts = splitTop(t, /^\s*[/;]\s*/);
  const rules: string[] = [];
  const figs: Figure[] = [];
  for (const p of parts) {
    const r = readSum(p);
    if (!r.ok) return r;
    figs.push(r.value);
    rules.push(...r.rules);
  }
  if (figs.length === 1) return { ok: true, value: { figures: figs, alternatives: false }, rules };
  const units = figs.map((f) => f.unit ?? '');
  const distinct = new Set(units).size === figs.length && units.every((u) => u !== '');
  if (distinct) {
    rules.push('"a unit1 / b unit2": one figure per unit');
    return { ok: true, value: { figures: figs, alternatives: false }, rules };
  }
  rules.push('"a / b" without distinct units: alternatives, one per system named in the row');
  return { ok: true, value: { figures: figs, alternatives: true }, rules };
}

/** A money cell in € million: what is contracted, and any framework ceiling kept apart from it. */
export interface MoneyCell {
  contracted?: Figure;
  ceiling?: Figure;
}

/**
 * Read a value cell (€ million). Parts separated by `;` are separate contracts; a part marked "ceiling" or "fw"
 * (or written `<=`/`up to`) is a framework ceiling, summed apart and never counted as money spent.
 */
export function readMoney(text: string): Read<MoneyCell> | { ok: true; value: null; rules: [] } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null, rules: [] };
  if (!/\d/.test(t)) return { ok: false, reason: `no number in "${t}"` };
  const contracted: Figure[] = [];
  const ceiling: Figure[] = [];
  const rules: string[] = [];
  for (const p of splitTop(t, /^\s*;\s*/)) {
    const r = readSum(p);
    if (!r.ok) return r;
    rules.push(...r.rules);
    const f = r.value;
    // "3500 (PLN)": the figure is in another currency; this column is € million and nothing converts it.
    if (/^(pln|usd|us\$|sek|nok|dkk|gbp|chf|krw)$/i.test((f.note ?? '').trim()))
      return { ok: false, reason: `value in ${f.note!.trim().toUpperCase()}, not € million: not converted` };
    if (f.kind === 'max' || /ceiling|\bfw\b|framework/i.test(f.note ?? '')) {
      ceiling.push(f.kind === 'max' ? { ...f, kind: 'exact' } : f);
      rules.push('marked ceiling/framework: a ceiling, not contracted money');
    } else contracted.push(f);
  }
  const out: MoneyCell = {};
  if (contracted.length) out.contracted = contracted.length === 1 ? contracted[0]! : sumFigures(contracted);
  if (ceiling.length) out.ceiling = ceiling.length === 1 ? ceiling[0]! : sumFigures(ceiling);
  if (contracted.length > 1 || ceiling.length > 1) rules.push('"a; b": separate contracts added');
  return { ok: true, value: out, rules: [...new Set(rules)] };
}

export { readDate, type DateCell, type DateSpan } from './messy-dates.js';

/** Programme statuses the planner understands. */
export const STATUSES = [
  'in_service',
  'delivering',
  'ordered',
  'planned',
  'approved',
  'legacy',
  'unknown',
] as const;
export type Status = (typeof STATUSES)[number];

/** Read `in_service+ordered`, `ordered/delivering`, `in_service (6 to UA)`: a set of statuses and remarks. */
export function readStatus(text: string): Read<{ statuses: Status[]; notes: string[] }> {
  const { core, notes } = stripNotes(text);
  const parts = core
    .split(/[+/,]/)
    .map((p) => p.trim().toLowerCase().replace(/\s+/g, '_'))
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, reason: 'empty status' };
  const bad = parts.filter((p) => !(STATUSES as readonly string[]).includes(p));
  if (bad.length) return { ok: false, reason: `unknown status ${bad.map((b) => `"${b}"`).join(', ')}` };
  return {
    ok: true,
    value: { statuses: parts as Status[], notes },
    rules: ['status words split on + and /'],
  };
}
