/**
 * The benchmark instance: 3 nations × 60 orders × 20 production lines × 120 months, generated from a fixed seed
 * so every run solves the same model. Total demand fits the lines' output over the horizon, but due dates and
 * earliest months are bunched in the first years, so lines bind and orders run late: the solver has real work.
 */
import { rng } from '../../src/planner/draws.js';
import type { ScheduleInput } from '../../src/planner/scheduler.js';

const ym = (start: number, i: number) => {
  const m = start + i;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
};

/** Build the instance. `families` lines share the 20 lines between them. */
export function benchInstance(
  opts: { nations?: number; orders?: number; lines?: number; months?: number; seed?: number } = {},
): ScheduleInput {
  const nations = ['EE', 'LV', 'LT', 'PL', 'FI'].slice(0, opts.nations ?? 3);
  const nOrders = opts.orders ?? 60;
  const nLines = opts.lines ?? 20;
  const months = opts.months ?? 120;
  const r = rng(opts.seed ?? 42);
  const families = Array.from({ length: 8 }, (_x, i) => `fam${i}`);
  const start = 2026 * 12;
  const lines = Array.from({ length: nLines }, (_x, i) => ({
    id: `line${i}`,
    family: families[i % families.length]!,
    steps: [
      { from: ym(start, Math.floor(r() * 12)), perMonth: 1 + Math.round(r() * 4) },
      { from: ym(start, 24 + Math.floor(r() * 24)), perMonth: 3 + Math.round(r() * 6) },
    ],
    rampMonths: 6 + Math.floor(r() * 12),
    share: 1,
  }));
  const orders = Array.from({ length: nOrders }, (_x, i) => {
    const family = families[Math.floor(r() * families.length)]!;
    return {
      id: `order${i}`,
      nation: nations[i % nations.length]!,
      family,
      quantity: 15 + Math.floor(r() * 90),
      wantedBy: ym(start, 12 + Math.floor(r() * 60)),
      priority: 1 + Math.floor(r() * 3),
      mode: r() < 0.3 ? ('pooled' as const) : ('national' as const),
      pool: `pool-${family}`,
      earliest: ym(start, Math.floor(r() * 24)),
    };
  });
  return { start: ym(start, 0), months, lines, orders, changeoverLoss: 0.01, allowShortfall: true };
}
