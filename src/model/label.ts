/**
 * Confidentiality labels after STANAG 4774: a policy, a classification and categories.
 * The gate's decision (may this identity see this label?) lives in {@link labelPermits}.
 */
import type { Identity } from './identity.js';

/** NATO classifications in ascending order. */
export const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Rank of a classification: higher is more sensitive. */
export function classificationRank(c: Classification): number {
  return CLASSIFICATIONS.indexOf(c);
}

export function isClassification(s: string): s is Classification {
  return (CLASSIFICATIONS as readonly string[]).includes(s);
}

/** A label category: PERMISSIVE (hold at least one value), RESTRICTIVE (hold all), INFORMATIVE (no effect). */
export interface Category {
  tag: string;
  type: 'PERMISSIVE' | 'RESTRICTIVE' | 'INFORMATIVE';
  values: string[];
}

export interface Label {
  policy: string;
  classification: Classification;
  categories: Category[];
}

export const RELEASABLE_TO = 'Releasable to';

/** Unclassified, releasable to all: the default until a source's configuration says otherwise. */
export const DEFAULT_LABEL: Label = Object.freeze({
  policy: 'NATO',
  classification: 'UNCLASSIFIED',
  categories: Object.freeze([]) as unknown as Category[],
}) as Label;

/** The "Releasable to" values, or undefined when the label has no such category (releasable to all). */
export function releasableTo(label: Label): string[] | undefined {
  const c = label.categories.find((x) => x.tag === RELEASABLE_TO && x.type === 'PERMISSIVE');
  return c?.values;
}

/**
 * May `who` see data carrying `label`? Clearance must dominate the classification; for each PERMISSIVE category the
 * identity must hold at least one value (its nation or one of its categories); for each RESTRICTIVE category it
 * must hold all values. Policies other than the identity's own are refused.
 */
export function labelPermits(label: Label, who: Identity): { ok: true } | { ok: false; rule: string } {
  if (classificationRank(who.clearance) < classificationRank(label.classification)) {
    return { ok: false, rule: 'clearance' };
  }
  for (const cat of label.categories) {
    if (cat.type === 'PERMISSIVE') {
      if (!cat.values.some((v) => v === who.nation || who.categories.includes(v))) {
        return { ok: false, rule: `permissive:${cat.tag}` };
      }
    } else if (cat.type === 'RESTRICTIVE') {
      if (!cat.values.every((v) => who.categories.includes(v))) {
        return { ok: false, rule: `restrictive:${cat.tag}` };
      }
    }
  }
  return { ok: true };
}
