/**
 * Why a schedule cannot exist, in words a planner can act on. Each order may take output from its family's
 * lines in any month from its earliest month to the horizon, so the months open to any set of orders form a
 * suffix of the horizon; by Hall's theorem the allocation exists exactly when, for every month s, the orders that
 * can only start at s or later need no more than the family's lines make from s to the horizon. Checking those
 * suffixes is therefore both necessary and sufficient, and names the month and orders at fault.
 */
import { formatMonth, type Month } from './month.js';

export interface FeasibilityOrder {
  id: string;
  family: string;
  quantity: number;
  earliest: Month;
}

/** Problems that make the allocation impossible; empty when it exists. */
export function explainInfeasibility(
  orders: FeasibilityOrder[],
  capacityByFamily: Map<string, { lines: string[]; perMonth: number[] }>,
  start: Month,
  horizon: number,
): string[] {
  const out: string[] = [];
  const end = start + horizon;
  const families = [...new Set(orders.map((o) => o.family))].sort();
  for (const f of families) {
    const fo = orders.filter((o) => o.family === f);
    const cap = capacityByFamily.get(f);
    if (!cap || cap.lines.length === 0) {
      out.push(
        `family "${f}": no production line makes it, so order(s) ${fo.map((o) => o.id).join(', ')} cannot be delivered; add a line for "${f}".`,
      );
      continue;
    }
    const suffix = new Array<number>(horizon + 1).fill(0);
    for (let i = horizon - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + (cap.perMonth[i] ?? 0);
    const thresholds = [...new Set(fo.map((o) => Math.max(o.earliest, start)))].sort((a, b) => a - b);
    for (const s of thresholds) {
      const group = fo.filter((o) => Math.max(o.earliest, start) >= s);
      const need = group.reduce((a, o) => a + o.quantity, 0);
      const can = s >= end ? 0 : suffix[s - start]!;
      if (need > can) {
        out.push(
          `family "${f}": order(s) ${group.map((o) => o.id).join(', ')} need ${need} units from ${formatMonth(s)}, ` +
            `but line(s) ${cap.lines.join(', ')} can make only ${can} by ${formatMonth(end - 1)} (short by ${need - can}). ` +
            'Extend the horizon, add or speed up a line, reduce quantities, or allow shortfall.',
        );
        break;
      }
    }
  }
  return out;
}
