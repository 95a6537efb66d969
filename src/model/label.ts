/**
 * Confidentiality labels after STANAG 4774: a policy, a classification and categories.
 * The gate's decision (may this identity see this label?) lives in {@link labelPermits}.
 */
import type { Identity } from './identity.js';

/** NATO classifications in ascending order. */
export const CLASSIFICATIONS = [
  'UNCLASSIFIED',
  'RESTRICTED',
  'CONFIDENTIAL',
  'SECRET',
  'TOP SECRET',
] as const;
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
 * must hold all values; INFORMATIVE categories have no effect. The policy is not compared here: ingress admits only
 * configured policies, and every identity is cleared under the one ordered classification scale.
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

/** Display and 4774 form of a classification under the NATO policy ("NATO RESTRICTED", "COSMIC TOP SECRET"). */
export function natoMarking(c: Classification): string {
  return c === 'TOP SECRET' ? 'COSMIC TOP SECRET' : `NATO ${c}`;
}

/** Sorted, trimmed, de-duplicated values and categories merged by tag and type: one canonical form. */
export function normalizeLabel(label: Label): Label {
  const byKey = new Map<string, Category>();
  for (const c of label.categories) {
    const key = `${c.type}\u0000${c.tag}`;
    const prev = byKey.get(key);
    const values = c.values.map((v) => v.trim()).filter((v) => v.length > 0);
    if (!prev) byKey.set(key, { tag: c.tag, type: c.type, values });
    else if (c.type === 'PERMISSIVE') {
      // Two permissive lists with the same tag both apply: only values in both still satisfy each.
      prev.values = prev.values.filter((v) => values.includes(v));
    } else prev.values.push(...values);
  }
  const categories = [...byKey.values()]
    .map((c) => ({ ...c, values: [...new Set(c.values)].sort() }))
    .filter((c) => c.type === 'PERMISSIVE' || c.values.length > 0)
    .sort((a, b) => (a.tag === b.tag ? a.type.localeCompare(b.type) : a.tag.localeCompare(b.tag)));
  return { policy: label.policy, classification: label.classification, categories };
}

/**
 * Is `label` at least as restrictive as `floor`? True when every identity that `label` permits is also permitted by
 * `floor`: same policy, classification not lower, each permissive category of the floor narrowed (same tag, a subset
 * of its values) and each restrictive category of the floor kept (same tag, a superset of its values).
 */
export function labelAtLeast(label: Label, floor: Label): boolean {
  if (label.policy !== floor.policy) return false;
  if (classificationRank(label.classification) < classificationRank(floor.classification)) return false;
  for (const f of floor.categories) {
    if (f.type === 'INFORMATIVE') continue;
    const mine = label.categories.filter((c) => c.tag === f.tag && c.type === f.type);
    if (f.type === 'PERMISSIVE') {
      if (!mine.some((c) => c.values.every((v) => f.values.includes(v)))) return false;
    } else {
      const held = new Set(mine.flatMap((c) => c.values));
      if (!f.values.every((v) => held.has(v))) return false;
    }
  }
  return true;
}

/** A short human marking: "NATO RESTRICTED // REL TO DEU, LTU // MISSION-X". */
export function describeLabel(label: Label): string {
  const parts = [
    label.policy === 'NATO' ? natoMarking(label.classification) : `${label.policy} ${label.classification}`,
  ];
  for (const c of label.categories) {
    if (c.type === 'INFORMATIVE') continue;
    parts.push(
      c.tag === RELEASABLE_TO ? `REL TO ${c.values.join(', ')}` : `${c.tag}: ${c.values.join(', ')}`,
    );
  }
  return parts.join(' // ');
}
