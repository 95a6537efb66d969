/**
 * Ammunition: demand against stockpile against production, in days of fire. The weapons that fire a munition
 * are the programmes whose family (or variant) standards name it; their number grows month by month as
 * deliveries are expected (linearly to each programme's planned last delivery). Daily need = weapons × rounds a
 * weapon fires a day at an intensity; stock = the entered stockpile plus the production open to these nations,
 * split by each nation's share of the weapons. Days of fire = stock ÷ daily need. The answer: days held now, and
 * the month each nation reaches the target (30 days) under the stated production.
 */
import { deliveryRamp, isFielded, rampAt } from './mosaic.js';
import { resolveAsOf } from './asof.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { ammoKey, familyIndex, standardsOf } from './standards.js';
import type { Munition } from './reference.js';
import type { Programme, Registry } from './schema.js';

export interface AmmunitionOptions {
  asOf?: string;
  /** Intensity key of perWeaponPerDay (default "high"). */
  intensity?: string;
  months?: number;
}

export interface NationDays {
  nation: string;
  weaponsNow: number;
  dailyNeedNow: number;
  stockpile: number;
  stockpileEntered: boolean;
  daysNow: number | null;
  /** First month with at least targetDays of fire, or null within the horizon. */
  reachesTarget: string | null;
  /** The sources of the weapons counted (the programmes' source_keys) and of the munition's production. */
  sources: string[];
  /** Days of fire at the end of each year of the horizon. */
  byYear: { month: string; weapons: number; stock: number; days: number | null }[];
}

export interface MunitionDays {
  munition: string;
  name: string;
  unit: string;
  intensity: string;
  perWeaponPerDay: number;
  targetDays: number;
  nations: NationDays[];
  assumptions: string[];
  confidence: string;
}

/** What a munition's days of fire are computed from, prepared once (the Monte Carlo reuses it per draw). */
export interface PreparedMunition {
  mu: Munition;
  nations: string[];
  firing: Programme[];
}

/** The programmes whose standards fire `mu` (fielded or planned), and their nations. */
export function prepareMunition(
  reg: Registry,
  mu: Munition,
  fams: ReturnType<typeof familyIndex>,
): PreparedMunition {
  const firing = reg.programmes.filter(
    (p) =>
      (isFielded(p) || p.statuses.includes('planned')) &&
      ammoKey(standardsOf(fams, p).standards) === mu.firedBy,
  );
  return { mu, nations: [...new Set(firing.map((p) => p.nation))].sort(), firing };
}

/**
 * Weapons per nation, month by month from `now` over `H` months: deliveries grow linearly to each programme's
 * planned last delivery, never past its fleet (`ordered(p)`: the reported quantity, or a drawn one) less transfers.
 */
export function weaponCurves(
  prep: PreparedMunition,
  now: Month,
  H: number,
  ordered: (p: Programme) => number | null = (p) => p.quantity?.value ?? null,
): Map<string, Float64Array> {
  const out = new Map(prep.nations.map((n) => [n, new Float64Array(H + 1)]));
  for (const p of prep.firing) {
    const q = ordered(p);
    const qp = q === null || !p.quantity ? p : { ...p, quantity: { ...p.quantity, value: q } };
    const delivered =
      p.delivered?.value ?? (p.statuses.includes('in_service') ? (qp.quantity?.value ?? 0) : 0);
    const gone = p.transferred?.value ?? 0;
    const fleet = Math.max(0, (qp.quantity?.value ?? 0) - gone);
    const curve = out.get(p.nation)!;
    const ramp = deliveryRamp(qp, delivered);
    for (let t = 0; t <= H; t++) curve[t]! += Math.max(0, Math.min(fleet, rampAt(ramp, now + t) - gone));
  }
  return out;
}

/** Days of fire per nation from weapon curves, a firing rate, and the munition's stockpiles and production. */
export function daysOfFire(
  prep: PreparedMunition,
  curves: Map<string, Float64Array>,
  now: Month,
  H: number,
  rate: number,
  production: Munition['production'] = prep.mu.production,
): Omit<NationDays, 'sources'>[] {
  const mu = prep.mu;
  const all = new Float64Array(H + 1);
  for (const c of curves.values()) for (let t = 0; t <= H; t++) all[t]! += c[t]!;
  const starts = production.map((l) => Math.max(parseMonth(l.from)!, now));
  const made = Array.from({ length: H + 1 }, (_x, t) =>
    production.reduce((a, l, i) => a + Math.max(0, now + t - starts[i]!) * l.perMonth * l.share, 0),
  );
  return prep.nations.map((n) => {
    const w = curves.get(n)!;
    const stock0 = mu.stockpiles[n] ?? 0;
    const at = (t: number) => {
      const stock = stock0 + (all[t]! > 0 ? (made[t]! * w[t]!) / all[t]! : 0);
      const need = w[t]! * rate;
      return { weapons: w[t]!, stock, days: need > 0 ? stock / need : null };
    };
    let reaches: string | null = null;
    for (let t = 0; t <= H && reaches === null; t++) {
      const d = at(t).days;
      if (d !== null && d >= mu.targetDays) reaches = formatMonth(now + t);
    }
    const first = at(0);
    return {
      nation: n,
      weaponsNow: first.weapons,
      dailyNeedNow: first.weapons * rate,
      stockpile: stock0,
      stockpileEntered: mu.stockpiles[n] !== undefined,
      daysNow: first.days,
      reachesTarget: reaches,
      byYear: Array.from({ length: Math.floor(H / 12) + 1 }, (_x, y) => {
        const v = at(12 * y);
        return {
          month: formatMonth(now + 12 * y),
          weapons: v.weapons,
          stock: Math.round(v.stock),
          days: v.days,
        };
      }),
    };
  });
}

function assumptions(
  mu: Munition,
  rate: number,
  intensity: string,
  rows: { nation: string; stockpileEntered: boolean }[],
) {
  return [
    `${rate} ${mu.unit} per weapon per day at "${intensity}" intensity (assumption, grade ${mu.confidence})`,
    `target ${mu.targetDays} days of fire`,
    ...rows
      .filter((r) => !r.stockpileEntered)
      .map((r) => `${r.nation}: no stockpile entered (real stockpiles are classified): counted as 0`),
    ...mu.production.map(
      (l) =>
        `production ${l.id}: ${l.perMonth} a month from ${l.from}, ${l.share * 100} % open to these nations, split by weapons (${l.source})`,
    ),
    'weapons grow as deliveries are expected: linearly from the last reported count to the planned last delivery',
  ];
}

/** Days of fire per munition and nation, now and over the horizon. */
export function computeAmmunition(
  reg: Registry,
  munitions: Munition[],
  opts: AmmunitionOptions = {},
): { asOf: string; intensity: string; munitions: MunitionDays[] } {
  const now = resolveAsOf(reg, opts.asOf);
  const H = opts.months ?? 72;
  const intensity = opts.intensity ?? 'high';
  const fams = familyIndex(reg.families);
  const out = munitions.map((mu): MunitionDays => {
    const rate = mu.perWeaponPerDay[intensity] ?? 0;
    const prep = prepareMunition(reg, mu, fams);
    const rows = daysOfFire(prep, weaponCurves(prep, now, H), now, H, rate).map((r) => ({
      ...r,
      sources: [
        ...new Set([
          ...prep.firing.filter((p) => p.nation === r.nation).flatMap((p) => p.sources),
          ...mu.production.map((l) => l.source).filter(Boolean),
        ]),
      ].sort(),
    }));
    return {
      munition: mu.id,
      name: mu.name,
      unit: mu.unit,
      intensity,
      perWeaponPerDay: rate,
      targetDays: mu.targetDays,
      nations: rows,
      confidence: mu.confidence,
      assumptions: assumptions(mu, rate, intensity, rows),
    };
  });
  return { asOf: formatMonth(now), intensity, munitions: out };
}
