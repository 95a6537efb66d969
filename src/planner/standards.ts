/**
 * The interoperability standards of a programme's equipment: its family's standards with the matching variant's
 * overrides on top (a CV9035NL has a 35 mm gun although the CV90 family record leaves calibre open).
 */
import type { Family, Programme, Standards } from './schema.js';

/** Family and variant standards merged for one programme; the variant id when a variant matched. */
export function standardsOf(
  families: Map<string, Family>,
  p: Programme,
): { standards: Standards; variant?: string } {
  const fam = families.get(p.family);
  const base: Standards = fam?.standards ?? { dataLinks: [], protocols: [] };
  const v = fam?.variants.find((x) => p.variant.toLowerCase().includes(x.match.toLowerCase()));
  if (!v) return { standards: base };
  const merged: Standards = { ...base };
  for (const [k, val] of Object.entries(v.standards))
    if (val !== undefined && val !== null) (merged as Record<string, unknown>)[k] = val;
  return { standards: merged, variant: v.id };
}

/** What a programme fires: the ammunition family, else the missile (a missile system's round is its missile). */
export function ammoKey(s: Standards): string | undefined {
  return s.ammoFamily ?? s.missile ?? undefined;
}

/** A map of families by id. */
export function familyIndex(families: Family[]): Map<string, Family> {
  return new Map(families.map((f) => [f.id, f]));
}
