/**
 * Confidence grades (A best, C worst) as the seed data uses them. A figure computed from several rows is only as
 * good as its weakest row, so every combination takes the worst grade.
 */

export const GRADES = ['A', 'B', 'C'] as const;
export type Grade = (typeof GRADES)[number];

/**
 * Read a reported grade such as `A`, `B`, `A/B` or `A/C`. Mixed grades mean "parts differ", so the worst part
 * counts. Undefined when no grade letter can be read.
 */
export function parseGrade(text: string): Grade | undefined {
  const letters = text
    .toUpperCase()
    .split(/[/;,+ ]+/)
    .filter((x): x is Grade => (GRADES as readonly string[]).includes(x));
  if (letters.length === 0) return undefined;
  return worstGrade(letters);
}

/** The worst of some grades; `A` when there are none (an empty set has no doubt to carry). */
export function worstGrade(grades: Iterable<Grade>): Grade {
  let worst = 0;
  for (const g of grades) worst = Math.max(worst, GRADES.indexOf(g));
  return GRADES[worst]!;
}
