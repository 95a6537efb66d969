/**
 * Months as integers (year × 12 + month − 1). Every planner date is month-granular because the sources are: a
 * reported "2024-H2" or "2019" cannot honestly be turned into a day.
 */

/** A month index: `year * 12 + (month - 1)`. */
export type Month = number;

/** Month index of a calendar year and 1-based month. */
export function month(year: number, m: number): Month {
  return year * 12 + (m - 1);
}

/** `YYYY-MM` of a month index. */
export function formatMonth(m: Month): string {
  const y = Math.floor(m / 12);
  const mm = (m % 12) + 1;
  return `${y}-${String(mm).padStart(2, '0')}`;
}

/** Parse a strict `YYYY-MM` (or `YYYY-MM-DD`, day dropped) into a month index; undefined when it is not one. */
export function parseMonth(s: string): Month | undefined {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s.trim());
  if (!m) return undefined;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  return month(Number(m[1]), mo);
}

/** The month of a JS date (UTC). */
export function monthOf(d: Date): Month {
  return month(d.getUTCFullYear(), d.getUTCMonth() + 1);
}
