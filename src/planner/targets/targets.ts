/**
 * Fleets in the field: planner-entered capability targets ("LV: 18 Archer combat-ready by 2029") against what is
 * fielded — delivered and in service, not ordered — at the end of each year, and the gap. Fielded counts grow as
 * deliveries are expected (linearly from the last reported count to the planned last delivery, as the mosaic's
 * "expected in service"); units given away leave the count; combat-ready leaves out training and spare units
 * where the report separates them. A programme without a planned last delivery adds nothing beyond what it has
 * delivered, and is named, so a gap is never hidden behind an order.
 */
import { z } from 'zod';
import { resolveAsOf } from '../asof.js';
import { expectedDelivered, fleetQuantity, isFielded } from '../mosaic.js';
import { month, formatMonth } from '../month.js';
import { programmeName } from '../names.js';
import { labelSchema, type Programme, type Registry } from '../schema.js';

export const targetSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(120)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]*$/, 'letters, digits and . _ : + - only'),
  nation: z.string().min(1).max(8),
  /** Capability area id (SPA, RA, IFV …). */
  area: z.string().min(1).max(120),
  /** Only this family (archer, himars …); omit for the whole area. */
  family: z.string().max(120).optional(),
  quantity: z.number().int().min(1).max(1e7),
  /** The year (end of December) or month the quantity must be in the field. */
  by: z.coerce.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'expected YYYY or YYYY-MM'),
  measure: z.enum(['inService', 'combatReady']).default('combatReady'),
  note: z.string().max(600).default(''),
  label: labelSchema.optional(),
});
export type Target = z.infer<typeof targetSchema>;

export interface TargetYear {
  month: string;
  fielded: number;
  gap: number;
}

export interface TargetResult {
  target: Target;
  byMonth: string;
  fieldedNow: number;
  fieldedBy: number;
  gapBy: number;
  met: boolean;
  /** First year end (or the target month) with the quantity fielded, or null within the horizon. */
  reaches: string | null;
  years: TargetYear[];
  programmes: { id: string; name: string; ordered: number | null; fieldedBy: number; note: string }[];
}

const byMonthOf = (by: string) =>
  by.length === 4 ? month(Number(by), 12) : month(Number(by.slice(0, 4)), Number(by.slice(5, 7)));

/** Units of a programme in the field at month `t` (in service, or combat-ready). */
export function fieldedAt(p: Programme, t: number, measure: Target['measure']): number {
  const delivered = p.delivered?.value ?? (p.statuses.includes('in_service') ? (p.quantity?.value ?? 0) : 0);
  const gone = p.transferred?.value ?? 0;
  const fleet = fleetQuantity(p) ?? Math.max(0, delivered - gone);
  const inService = Math.max(0, Math.min(fleet, expectedDelivered(p, delivered, t) - gone));
  return measure === 'combatReady' && p.combat ? Math.min(inService, p.combat.value) : inService;
}

function note(p: Programme, measure: Target['measure']): string {
  if (!p.quantity) return 'quantity unknown: counts what it delivered';
  // However far ahead one looks, the count never reaches the order: the report gives no delivery plan for the rest.
  const ever = fieldedAt(p, month(2200, 1), 'inService');
  const fleet = fleetQuantity(p) ?? 0;
  if (ever < fleet)
    return `no delivery plan for ${fleet - ever} of ${fleet} (no first or last delivery date ahead): counts only what it delivered`;
  if (measure === 'combatReady' && p.combat)
    return `combat-ready at most ${p.combat.value} (training and spare units apart)`;
  return '';
}

/** Each target against the fielded count at the end of each year from the as-of year to the horizon. */
export function targetsVersusFielded(
  reg: Registry,
  targets: Target[],
  opts: { asOf?: string; toYear?: number } = {},
): { asOf: string; targets: TargetResult[] } {
  const now = resolveAsOf(reg, opts.asOf);
  const results = targets.map((t): TargetResult => {
    const ps = reg.programmes.filter(
      (p) =>
        p.nation === t.nation &&
        p.area === t.area &&
        (!t.family || p.family === t.family) &&
        (isFielded(p) || p.statuses.includes('planned')),
    );
    const at = (m: number) => ps.reduce((a, p) => a + fieldedAt(p, m, t.measure), 0);
    const by = byMonthOf(t.by);
    const last = Math.max(opts.toYear ?? 0, Math.floor(by / 12) + 2, Math.floor(now / 12) + 5);
    const years: TargetYear[] = [];
    for (let y = Math.floor(now / 12); y <= last; y++) {
      const f = at(month(y, 12));
      years.push({ month: `${y}-12`, fielded: f, gap: Math.max(0, t.quantity - f) });
    }
    const fieldedBy = at(by);
    const hit = years.find((x) => x.fielded >= t.quantity);
    return {
      target: t,
      byMonth: formatMonth(by),
      fieldedNow: at(now),
      fieldedBy,
      gapBy: Math.max(0, t.quantity - fieldedBy),
      met: fieldedBy >= t.quantity,
      reaches: hit?.month ?? null,
      years,
      programmes: ps.map((p) => ({
        id: p.id,
        name: programmeName(p),
        ordered: p.quantity?.value ?? null,
        fieldedBy: fieldedAt(p, by, t.measure),
        note: note(p, t.measure),
      })),
    };
  });
  return { asOf: formatMonth(now), targets: results };
}
