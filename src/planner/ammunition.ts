/**
 * Ammunition: demand against stockpile against production, in days of fire. The weapons that fire a munition
 * are the programmes whose family (or variant) standards name it; their number grows month by month as
 * deliveries are expected (linearly to each programme's planned last delivery). Daily need = weapons × rounds a
 * weapon fires a day at an intensity; stock = the entered stockpile plus the production open to these nations,
 * split by each nation's share of the weapons. Days of fire = stock ÷ daily need. The answer: days held now, and
 * the month each nation reaches the target (30 days) under the stated production.
 */
import { expectedDelivered, fleetQuantity, isFielded } from './mosaic.js';
import { resolveAsOf } from './asof.js';
import { formatMonth, parseMonth, type Month } from './month.js';
import { ammoKey, familyIndex, standardsOf } from './standards.js';
import type { Munition } from './reference.js';
import type { Registry } from './schema.js';

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
  const out = munitions.map((mu) => {
    const rate = mu.perWeaponPerDay[intensity] ?? 0;
    const firing = reg.programmes.filter(
      (p) =>
        (isFielded(p) || p.statuses.includes('planned')) &&
        ammoKey(standardsOf(fams, p).standards) === mu.firedBy,
    );
    const nations = [...new Set(firing.map((p) => p.nation))].sort();
    const weaponsAt = (n: string, t: Month) =>
      firing
        .filter((p) => p.nation === n)
        .reduce((a, p) => {
          const delivered =
            p.delivered?.value ?? (p.statuses.includes('in_service') ? (p.quantity?.value ?? 0) : 0);
          const gone = p.transferred?.value ?? 0;
          return a + Math.max(0, Math.min(fleetQuantity(p) ?? 0, expectedDelivered(p, delivered, t) - gone));
        }, 0);
    const produced = (t: Month) =>
      mu.production.reduce((a, l) => {
        const from = parseMonth(l.from)!;
        return a + Math.max(0, t - Math.max(from, now)) * l.perMonth * l.share;
      }, 0);
    const rows: NationDays[] = nations.map((n) => {
      const entered = mu.stockpiles[n] !== undefined;
      const stock0 = mu.stockpiles[n] ?? 0;
      const at = (t: Month) => {
        const weapons = weaponsAt(n, t);
        const all = nations.reduce((a, x) => a + weaponsAt(x, t), 0);
        const stock = stock0 + (all > 0 ? (produced(t) * weapons) / all : 0);
        const need = weapons * rate;
        return { weapons, stock, days: need > 0 ? stock / need : null };
      };
      let reaches: string | null = null;
      for (let t = now; t <= now + H; t++) {
        const d = at(t).days;
        if (d !== null && d >= mu.targetDays) {
          reaches = formatMonth(t);
          break;
        }
      }
      const first = at(now);
      return {
        nation: n,
        weaponsNow: first.weapons,
        dailyNeedNow: first.weapons * rate,
        stockpile: stock0,
        stockpileEntered: entered,
        daysNow: first.days,
        reachesTarget: reaches,
        byYear: Array.from({ length: Math.floor(H / 12) + 1 }, (_x, y) => {
          const t = now + 12 * y;
          const v = at(t);
          return { month: formatMonth(t), weapons: v.weapons, stock: Math.round(v.stock), days: v.days };
        }),
      };
    });
    return {
      munition: mu.id,
      name: mu.name,
      unit: mu.unit,
      intensity,
      perWeaponPerDay: rate,
      targetDays: mu.targetDays,
      nations: rows,
      confidence: mu.confidence,
      assumptions: [
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
      ],
    };
  });
  return { asOf: formatMonth(now), intensity, munitions: out };
}
