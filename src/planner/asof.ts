/**
 * One default "as of" month for every planner answer (CLI, REST, pages): the month the data itself reports to,
 * i.e. the latest delivered-as-of date of any programme. The same question then gets the same answer whatever
 * the machine's clock says; a caller may always name another month.
 */
import { monthOf, parseMonth, type Month } from './month.js';
import type { Registry } from './schema.js';

/** The data's own as-of month: the latest programme `deliveredAsOf`, else the current month. */
export function dataAsOf(reg: Registry): Month {
  let best: Month | undefined;
  for (const p of reg.programmes) {
    const m = p.deliveredAsOf ? parseMonth(p.deliveredAsOf) : undefined;
    if (m !== undefined && (best === undefined || m > best)) best = m;
  }
  return best ?? monthOf(new Date());
}

/** `asOf` when given (validated), else the data's own as-of month. */
export function resolveAsOf(reg: Registry, asOf?: string): Month {
  if (asOf === undefined || asOf === '') return dataAsOf(reg);
  const m = parseMonth(asOf);
  if (m === undefined || !/^\d{4}-\d{2}$/.test(asOf)) throw new RangeError(`asOf "${asOf}" is not YYYY-MM`);
  return m;
}
