/**
 * Production-line output over time. A line's rate steps up at given months; after each step the rate climbs
 * linearly from the previous rate to the new one over `rampMonths` (a new line ramps up from zero). Only `share`
 * of the output is open to the planner's customers.
 */
import { parseMonth, type Month } from './month.js';
import type { Line } from './schema.js';

/** Output of `line` in month `m` (units per month, fractional). */
export function lineRate(line: Line, m: Month): number {
  const steps = line.steps
    .map((s) => ({ from: parseMonth(s.from)!, rate: s.perMonth }))
    .sort((a, b) => a.from - b.from);
  let prev = 0;
  let rate = 0;
  for (const s of steps) {
    if (m < s.from) break;
    const into = m - s.from + 1;
    rate =
      line.rampMonths > 0 && into < line.rampMonths
        ? prev + ((s.rate - prev) * into) / line.rampMonths
        : s.rate;
    prev = s.rate;
  }
  return rate * line.share;
}

/** Units the line can deliver in months [from, to). */
export function lineOutput(line: Line, from: Month, to: Month): number {
  let s = 0;
  for (let m = from; m < to; m++) s += lineRate(line, m);
  return s;
}

/**
 * Whole units the line completes in each of `months` months from `start`: the floor of cumulative output, so
 * fractional rates (0.67 fire units a month) still complete whole units and no month's total is overstated.
 */
export function wholeUnitCapacities(line: Line, start: Month, months: number): number[] {
  const out: number[] = [];
  let cum = 0;
  let done = 0;
  for (let i = 0; i < months; i++) {
    cum += lineRate(line, start + i);
    const whole = Math.floor(cum + 1e-9);
    out.push(whole - done);
    done = whole;
  }
  return out;
}

/** Units the line had built by month `m` (exclusive): its recorded history plus its full output since. */
export function builtBy(line: Line, m: Month): number {
  if (!line.history) return 0;
  const from = parseMonth(line.history.asOf)!;
  const share = line.share > 0 ? line.share : 1;
  return line.history.units + (m > from ? lineOutput(line, from, m) / share : 0);
}
