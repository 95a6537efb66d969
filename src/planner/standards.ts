/**
 * The interoperability standards of a programme's equipment: its family's standards with the matching variant's
 * overrides on top (a CV9035NL has a 35 mm gun although the CV90 family record leaves calibre open).
 */
import type { Family, Programme, Standards } from './schema.js';

/** Words of a variant text, lower case: `SR/MR/NLOS` → sr, mr, nlos; `CV9035NL MkIII` → cv9035nl, mkiii. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9.]+/)
    .filter(Boolean);
}

/** Does a variant key (one or more words) appear as whole consecutive words of the text? */
export function variantMatches(text: string, key: string): boolean {
  const t = words(text);
  const k = words(key);
  if (k.length === 0) return false;
  for (let i = 0; i + k.length <= t.length; i++) if (k.every((w, j) => t[i + j] === w)) return true;
  return false;
}

/**
 * Family and variant standards merged for one programme; the variant id when one variant matched. When the row
 * names several variants that fire different rounds (`SR/MR/NLOS`), `mixed` lists the rounds and the programme
 * belongs to no single ammunition pool.
 */
export function standardsOf(
  families: Map<string, Family>,
  p: Programme,
): { standards: Standards; variant?: string; mixed?: string[] } {
  const fam = families.get(p.family);
  const base: Standards = fam?.standards ?? { dataLinks: [], protocols: [] };
  const vs = (fam?.variants ?? []).filter((x) => variantMatches(p.variant, x.match));
  if (vs.length === 0) return { standards: base };
  const merge = (v: (typeof vs)[number]): Standards => {
    const merged: Standards = { ...base };
    for (const [k, val] of Object.entries(v.standards))
      if (val !== undefined && val !== null) (merged as Record<string, unknown>)[k] = val;
    return merged;
  };
  if (vs.length === 1) return { standards: merge(vs[0]!), variant: vs[0]!.id };
  const rounds = [...new Set(vs.map((v) => ammoKey(merge(v)) ?? v.id))];
  if (rounds.length === 1) return { standards: merge(vs[0]!), variant: vs.map((v) => v.id).join('+') };
  return {
    standards: { ...base, ammoFamily: null, missile: null },
    variant: vs.map((v) => v.id).join('+'),
    mixed: rounds,
  };
}

/** What a programme fires: the ammunition family, else the missile (a missile system's round is its missile). */
export function ammoKey(s: Standards): string | undefined {
  return s.ammoFamily ?? s.missile ?? undefined;
}

/** A map of families by id. */
export function familyIndex(families: Family[]): Map<string, Family> {
  return new Map(families.map((f) => [f.id, f]));
}
