import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { line } from '../../test/planner/fixture.js';
import { wholeUnitCapacities, lineRate } from './capacity.js';
import { month } from './month.js';
import { schedule, type ScheduleOrder } from './scheduler.js';
import { compareWhatIfs } from './whatif.js';
import { benchInstance } from '../../bench/planner/instance.js';

/** Exhaustive minimum weighted lateness for one family; Infinity when no allocation exists. */
function bruteForce(caps: number[], orders: { q: number; due: number; w: number }[]): number {
  const H = caps.length;
  let best = Infinity;
  const rec = (t: number, rem: number[], cost: number) => {
    if (cost >= best) return;
    if (t === H) {
      if (rem.every((r) => r === 0)) best = cost;
      return;
    }
    // Every split of this month's capacity among the orders.
    const split = (i: number, left: number, r: number[], c: number) => {
      if (i === orders.length) return rec(t + 1, r, c);
      for (let a = 0; a <= Math.min(left, r[i]!); a++) {
        const nr = r.slice();
        nr[i] = r[i]! - a;
        split(i + 1, left - a, nr, c + a * orders[i]!.w * Math.max(0, t - orders[i]!.due));
      }
    };
    split(0, caps[t]!, rem, cost);
  };
  rec(
    0,
    orders.map((o) => o.q),
    0,
  );
  return best;
}

const ym = (t: number) => `2026-${String(t + 1).padStart(2, '0')}`;

describe('scheduler', () => {
  it('matches brute force on small instances, and is infeasible exactly when brute force finds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 3, max: 5 }),
        fc.array(
          fc.record({
            q: fc.integer({ min: 1, max: 4 }),
            due: fc.integer({ min: 0, max: 4 }),
            w: fc.integer({ min: 0, max: 3 }),
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        async (rates, H, os) => {
          const lines = rates.map((r, i) => line({ id: `L${i}`, family: 'f', perMonth: r }));
          const caps = Array.from({ length: H }, () => rates.reduce((a, r) => a + r, 0));
          const orders: ScheduleOrder[] = os.map((o, i) => ({
            id: `o${i}`,
            nation: ['EE', 'LV', 'LT'][i % 3]!,
            family: 'f',
            quantity: o.q,
            wantedBy: ym(Math.min(o.due, H - 1)),
            priority: o.w,
            mode: 'national',
          }));
          const expected = bruteForce(
            caps,
            os.map((o) => ({ ...o, due: Math.min(o.due, H - 1) })),
          );
          const r = await schedule({ start: '2026-01', months: H, lines, orders, changeoverLoss: 0 });
          if (expected === Infinity) {
            expect(r.status).toBe('infeasible');
            expect(r.explanation.join(' ')).toMatch(/short by|no production line/);
          } else {
            expect(r.status).toBe('optimal');
            expect(r.objective).toBe(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never exceeds a line in any month and delivers every order in whole units', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            fam: fc.constantFrom('a', 'b'),
            rate: fc.double({ min: 0.3, max: 4, noNaN: true }),
            ramp: fc.integer({ min: 0, max: 6 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(
          fc.record({
            fam: fc.constantFrom('a', 'b'),
            q: fc.integer({ min: 1, max: 12 }),
            due: fc.integer({ min: 0, max: 23 }),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        async (ls, os) => {
          const lines = ls.map((l, i) =>
            line({ id: `L${i}`, family: l.fam, perMonth: l.rate, rampMonths: l.ramp }),
          );
          const orders: ScheduleOrder[] = os.map((o, i) => ({
            id: `o${i}`,
            nation: 'EE',
            family: o.fam,
            quantity: o.q,
            wantedBy: `2026-${String((o.due % 12) + 1).padStart(2, '0')}`,
            priority: 1,
            mode: 'national',
          }));
          const r = await schedule({ start: '2026-01', months: 24, lines, orders, allowShortfall: true });
          expect(r.status).toBe('optimal');
          for (const l of r.lines) for (const m of l.monthly) expect(m.used).toBeLessThanOrEqual(m.capacity);
          for (const o of r.orders) {
            expect(o.delivered + o.shortfall).toBe(o.quantity);
            for (const d of o.deliveries) expect(Number.isInteger(d.units)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('explains infeasibility by family, month and shortage', async () => {
    const r = await schedule({
      start: '2026-01',
      months: 12,
      lines: [line({ id: 'caesar-1', family: 'caesar', perMonth: 2 })],
      orders: [
        { id: 'LT-1', nation: 'LT', family: 'caesar', quantity: 6, wantedBy: '2026-06' },
        {
          id: 'LV-1',
          nation: 'LV',
          family: 'caesar',
          quantity: 14,
          wantedBy: '2026-12',
          earliest: '2026-07',
        },
        { id: 'EE-1', nation: 'EE', family: 'k9', quantity: 3, wantedBy: '2026-12' },
      ],
      changeoverLoss: 0,
    });
    expect(r.status).toBe('infeasible');
    expect(r.explanation).toEqual([
      'family "caesar": order(s) LV-1 need 14 units from 2026-07, but line(s) caesar-1 can make only 12 by 2026-12 (short by 2). Extend the horizon, add or speed up a line, reduce quantities, or allow shortfall.',
      'family "k9": no production line makes it, so order(s) EE-1 cannot be delivered; add a line for "k9".',
    ]);
  });

  it('prices the binding line with duals and reports fielding curves', async () => {
    const r = await schedule({
      start: '2026-01',
      months: 12,
      lines: [line({ id: 'busy', family: 'a', perMonth: 1 }), line({ id: 'idle', family: 'b', perMonth: 5 })],
      orders: [
        { id: 'o1', nation: 'EE', family: 'a', quantity: 6, wantedBy: '2026-03' },
        { id: 'o2', nation: 'LV', family: 'b', quantity: 5, wantedBy: '2026-12' },
      ],
      changeoverLoss: 0,
    });
    expect(r.bottlenecks.map((b) => b.line)).toEqual(['busy']);
    expect(r.lines.find((l) => l.id === 'idle')!.shadowPrice).toBeLessThan(1e-3);
    // o1: units in months 1..6 against due month 3: lateness 0+0+0+1+2+3 = 6.
    expect(r.objective).toBe(6);
    expect(r.fielding.nations.EE!.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.fielding.nations.LV!.at(-1)).toBe(5);
  });

  it('ramps linearly and completes whole units from fractional rates', () => {
    const l = line({ id: 'l', family: 'f', perMonth: 4, rampMonths: 4 });
    expect([0, 1, 2, 3, 4].map((i) => lineRate(l, month(2026, 1) + i))).toEqual([1, 2, 3, 4, 4]);
    const frac = line({ id: 'f', family: 'f', perMonth: 0.67 });
    const caps = wholeUnitCapacities(frac, month(2026, 1), 12);
    expect(caps.reduce((a, b) => a + b, 0)).toBe(Math.floor(0.67 * 12 + 1e-9));
    expect(Math.max(...caps)).toBe(1);
  });

  it('runs what-ifs side by side: pooling removes changeover loss', async () => {
    const base = {
      start: '2026-01',
      months: 24,
      lines: [line({ id: 'L', family: 'f', perMonth: 10 })],
      orders: [
        { id: 'EE-1', nation: 'EE', family: 'f', quantity: 60, wantedBy: '2026-06' },
        { id: 'LV-1', nation: 'LV', family: 'f', quantity: 60, wantedBy: '2026-06' },
        { id: 'LT-1', nation: 'LT', family: 'f', quantity: 60, wantedBy: '2026-06' },
      ],
      changeoverLoss: 0.1,
    };
    const { summaries } = await compareWhatIfs(base, [
      { name: 'pooled', mode: 'pooled' },
      { name: 'second line', addLines: [line({ id: 'L2', family: 'f', perMonth: 10 })] },
    ]);
    expect(summaries.map((s) => s.name)).toEqual(['base', 'pooled', 'second line']);
    expect(summaries[1]!.weightedLateness!).toBeLessThan(summaries[0]!.weightedLateness!);
    expect(summaries[2]!.weightedLateness!).toBeLessThan(summaries[0]!.weightedLateness!);
    expect(summaries[0]!.bottlenecks[0]!.line).toBe('L');
  });

  it('solves in a worker: the event loop keeps turning during a large solve', async () => {
    const input = benchInstance();
    const gaps: number[] = [];
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const r = await schedule(input);
    const total = performance.now() - t0;
    clearInterval(tick);
    expect(r.status).toBe('optimal');
    // The model is built on this thread (tens of ms); the solve, most of the time, is not.
    expect(Math.max(...gaps)).toBeLessThan(total / 2);
    expect(gaps.length).toBeGreaterThan(10);
  });

  it('refuses a model too large to build', async () => {
    const lines = Array.from({ length: 500 }, (_x, i) => line({ id: `l${i}`, family: 'f', perMonth: 1 }));
    const orders = Array.from({ length: 10 }, (_x, i) => ({
      id: `o${i}`,
      nation: 'EE',
      family: 'f',
      quantity: 1,
      wantedBy: '2030-01',
    }));
    await expect(schedule({ start: '2026-01', months: 600, lines, orders })).rejects.toMatchObject({
      plannerCode: 'BW_PLAN_BAD_INPUT',
      message: expect.stringMatching(/3000000 variables \(limit 1000000\)/),
    });
  });

  it('rejects bad input with a stable code', async () => {
    await expect(
      schedule({ start: '2026-13', months: 1, lines: [], orders: [] } as never),
    ).rejects.toMatchObject({
      plannerCode: 'BW_PLAN_BAD_INPUT',
    });
  });
});
