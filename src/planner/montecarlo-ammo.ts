/**
 * Days of fire under uncertainty: the same draws as the fielding Monte Carlo (montecarlo.ts) applied to the
 * ammunition analysis. Each draw takes the fleet quantities from their reported ranges, the production share open
 * to these nations from the munition's grade, and the rounds a weapon fires a day from the same spread, then
 * computes days of fire; the result is P10/P50/P90 of days held in 5 years and of the month each nation reaches
 * its target.
 */
import { daysOfFire, prepareMunition, weaponCurves } from './ammunition.js';
import { resolveAsOf } from './asof.js';
import { drawQuantity, GRADE_SPREAD } from './draws.js';
import type { Munition } from './reference.js';
import type { Registry } from './schema.js';
import { familyIndex } from './standards.js';

export interface DaysPercentiles {
  munition: string;
  name: string;
  nation: string;
  targetDays: number;
  /** Days of fire held 5 years after the as-of month. */
  days5: { p10: number | null; p50: number | null; p90: number | null };
  /** Month the target is reached (null: not within the horizon in that share of draws). */
  reaches: { p10: string | null; p50: string | null; p90: string | null; share: number };
}

const within = (x: number, spread: number, u: number) => x * (1 - spread + 2 * spread * u);

function pct<T>(xs: T[], q: number): T {
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
}

/** P10/P50/P90 of days of fire per munition and nation over `draws` draws of `rand`. */
export function daysOfFireDraws(
  reg: Registry,
  munitions: Munition[],
  opts: { draws: number; rand: () => number; months: number; asOf?: string; intensity?: string },
): DaysPercentiles[] {
  const now = resolveAsOf(reg, opts.asOf);
  const H = Math.max(60, opts.months);
  const intensity = opts.intensity ?? 'high';
  const fams = familyIndex(reg.families);
  const preps = munitions.map((mu) => prepareMunition(reg, mu, fams));
  const days = new Map<string, number[]>();
  const reach = new Map<string, (string | null)[]>();
  const meta = new Map<string, Omit<DaysPercentiles, 'days5' | 'reaches'>>();
  for (const prep of preps)
    for (const n of prep.nations) {
      const k = `${prep.mu.id}\t${n}`;
      meta.set(k, { munition: prep.mu.id, name: prep.mu.name, nation: n, targetDays: prep.mu.targetDays });
      days.set(k, []);
      reach.set(k, []);
    }
  for (let d = 0; d < opts.draws; d++) {
    for (const prep of preps) {
      const spread = GRADE_SPREAD[prep.mu.confidence];
      const rate = within(prep.mu.perWeaponPerDay[intensity] ?? 0, spread, opts.rand());
      const production = prep.mu.production.map((l) => ({
        ...l,
        share: Math.min(1, within(l.share, spread, opts.rand())),
      }));
      const drawn = new Map(
        prep.firing.map((p) => [p.id, p.quantity ? drawQuantity(p.quantity, opts.rand()) : null]),
      );
      const curves = weaponCurves(prep, now, H, (p) => drawn.get(p.id) ?? null);
      for (const r of daysOfFire(prep, curves, now, H, rate, production)) {
        const k = `${prep.mu.id}\t${r.nation}`;
        days.get(k)!.push(r.byYear[5]?.days ?? 0);
        reach.get(k)!.push(r.reachesTarget);
      }
    }
  }
  return [...meta].map(([k, m]) => {
    const ds = days.get(k)!.sort((a, b) => a - b);
    const rs = reach.get(k)!.sort((a, b) => (a ?? '9999').localeCompare(b ?? '9999'));
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      ...m,
      days5: { p10: round(pct(ds, 0.1)), p50: round(pct(ds, 0.5)), p90: round(pct(ds, 0.9)) },
      reaches: {
        p10: pct(rs, 0.1),
        p50: pct(rs, 0.5),
        p90: pct(rs, 0.9),
        share: rs.filter((r) => r !== null).length / rs.length,
      },
    };
  });
}
