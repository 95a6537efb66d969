/**
 * The mosaic: per capability area, how fragmented the three nations' fleets are. Family and variant counts,
 * effective number of types (1/HHI over fleet quantities), supplier-country concentration, and the share of the
 * fleet in the largest pool sharing ammunition and spares; plus the nations × areas matrix. Every figure carries
 * the worst confidence grade of the rows it was computed from and the ids of those rows.
 * Formulas: docs/planner.md "Measures".
 */
import { worstGrade, type Grade } from './grade.js';
import { standardsOf, ammoKey, familyIndex } from './standards.js';
import { resolveAsOf } from './asof.js';
import { expectedDelivered } from './delivery.js';
import { formatMonth, type Month } from './month.js';
import type { Area, Programme, Registry } from './schema.js';

/** A computed number with its provenance. */
export interface Measure {
  value: number;
  confidence: Grade;
  /** Programme ids the number was computed from. */
  from: string[];
}

export interface MosaicOptions {
  /** Count programmes that are only planned (not ordered, in service or legacy). Default false. */
  includePlanned?: boolean;
  /** `YYYY-MM` the expected in-service count is projected to; default the data's own as-of (asof.ts). */
  asOf?: string;
}

/** Where a fleet stands: ordered, delivered, given away, in service, combat-ready (each summed over programmes). */
export interface FleetStatus {
  /** Fleet quantities (ordered, at least delivered) of the programmes counted. */
  ordered: number;
  /** Delivered as reported, each at its own delivered-as-of date. */
  delivered: number;
  transferred: number;
  /** Delivered less transferred. */
  inService: number;
  /** In service less training and spare units where the report separates them. */
  combatReady: number;
  /** In service by `asOf` if deliveries ran on linearly from the last report to the planned last delivery. */
  expectedInService: number;
  /** Programmes whose delivered count is unknown: not in the delivered figures. */
  deliveredUnknown: string[];
}

/** The measures of one further unit an area counts apart (missiles beside launchers). */
export interface UnitMeasures {
  unit: string;
  total: number;
  effectiveTypes: number | null;
  ammoCommonShare: (Measure & { pool: string }) | null;
  unknownQuantity: string[];
}

export interface FamilyShare {
  family: string;
  name: string;
  nations: string[];
  quantity: number | null;
  share: number | null;
  programmes: string[];
  confidence: Grade;
}

export interface AreaMosaic {
  area: string;
  name: string;
  unit: string;
  nations: string[];
  families: FamilyShare[];
  familyCount: number;
  variantCount: number;
  /** 1 / Σ sᵢ² over family fleet shares; null when no programme has a readable quantity. */
  effectiveTypes: (Measure & { hhi: number }) | null;
  /** Supplier-country HHI (quantity split equally over a row's supplier countries) and its inverse. */
  supplierHhi: (Measure & { effective: number; top: string }) | null;
  /** Share of the fleet in the largest pool that fires the same ammunition or missile. */
  ammoCommonShare: (Measure & { pool: string }) | null;
  /** Share of the fleet in the largest family (shared spares, training, maintenance). */
  sparesCommonShare: (Measure & { pool: string }) | null;
  /** Programmes counted as types but left out of quantity measures, with the reason. */
  excluded: { programme: string; reason: string }[];
  /**
   * Programmes whose quantity is unknown. When any is, the share measures above are null ("n/a"): a share of an
   * unknown total is unknown. `knownOnly` keeps what the known quantities alone give, labelled as such.
   */
  unknownQuantity: string[];
  knownOnly: {
    effectiveTypes: number | null;
    ammoCommonShare: number | null;
    sparesCommonShare: number | null;
  } | null;
  /** Supplier concentration by seller country (the CSV's supplier_country): who sold it, not who designs it. */
  sellerHhi: (Measure & { effective: number; top: string }) | null;
  fleet: FleetStatus;
  /** Further units counted apart (VSHORAD missiles beside launchers). */
  alsoUnits: UnitMeasures[];
  /** The sources (CSV source_keys) of the rows behind the area's figures. */
  sources: string[];
}

export interface MatrixCell {
  families: string[];
  quantity: number | null;
  confidence: Grade;
  programmes: string[];
}

export interface Mosaic {
  asOf: string;
  areas: AreaMosaic[];
  nations: string[];
  /** matrix[area][nation] */
  matrix: Record<string, Record<string, MatrixCell>>;
}

/** Is a programme part of the fleet (in service, delivering, ordered or legacy), or only planned? */
export function isFielded(p: Programme): boolean {
  return p.statuses.some(
    (s) => s === 'in_service' || s === 'delivering' || s === 'ordered' || s === 'legacy',
  );
}

function hhi(shares: number[]): number {
  return shares.reduce((a, s) => a + s * s, 0);
}

/** Compute the mosaic over a registry snapshot. */
export function computeMosaic(reg: Registry, opts: MosaicOptions = {}): Mosaic {
  const asOf = resolveAsOf(reg, opts.asOf);
  const fams = familyIndex(reg.families);
  const counted = reg.programmes.filter(
    (p) => isFielded(p) || (opts.includePlanned && p.statuses.includes('planned')),
  );
  const byArea = new Map<string, Programme[]>();
  for (const p of counted) byArea.set(p.area, [...(byArea.get(p.area) ?? []), p]);
  const nations = [...new Set([...reg.nations.map((n) => n.id), ...counted.map((p) => p.nation)])].sort();
  const areaOrder = [
    ...reg.areas.map((a) => a.id),
    ...[...byArea.keys()].filter((a) => !reg.areas.some((x) => x.id === a)).sort(),
  ];
  const areas: AreaMosaic[] = [];
  const matrix: Mosaic['matrix'] = {};
  for (const areaId of areaOrder) {
    const ps = byArea.get(areaId);
    if (!ps || ps.length === 0) continue;
    const area = reg.areas.find((a) => a.id === areaId);
    areas.push(areaMosaic(areaId, area, ps, fams, asOf));
    matrix[areaId] = {};
    for (const n of nations) {
      const cell = ps.filter((p) => p.nation === n);
      if (cell.length === 0) continue;
      const q = cell.filter((p) => p.quantity);
      matrix[areaId]![n] = {
        families: [...new Set(cell.map((p) => p.family))].sort(),
        quantity: q.length === cell.length ? q.reduce((a, p) => a + fleetQuantity(p)!, 0) : null,
        confidence: worstGrade(cell.map((p) => p.confidence)),
        programmes: cell.map((p) => p.id),
      };
    }
  }
  return { asOf: formatMonth(asOf), areas, nations, matrix };
}

/** A programme's fleet: its quantity less what it gave away; null when unknown. */
export function fleetQuantity(p: Programme): number | null {
  if (!p.quantity) return null;
  return Math.max(0, p.quantity.value - (p.transferred?.value ?? 0));
}

function areaMosaic(
  areaId: string,
  area: Area | undefined,
  ps: Programme[],
  fams: ReturnType<typeof familyIndex>,
  asOf: Month,
): AreaMosaic {
  const unit = area?.unit ?? 'units';
  const excluded: AreaMosaic['excluded'] = [];
  const withQty = ps.filter((p) => {
    if (!p.quantity) excluded.push({ programme: p.id, reason: 'no readable quantity in the area unit' });
    return !!p.quantity;
  });
  const unknownQuantity = ps.filter((p) => !p.quantity).map((p) => p.id);
  const q = (p: Programme) => fleetQuantity(p)!;
  const total = withQty.reduce((a, p) => a + q(p), 0);
  const grade = worstGrade(withQty.map((p) => p.confidence));
  const ids = withQty.map((p) => p.id);

  const familyIds = [...new Set(ps.map((p) => p.family))];
  const families: FamilyShare[] = familyIds.map((f) => {
    const fp = ps.filter((p) => p.family === f);
    const fq = fp.filter((p) => p.quantity);
    const quantity = fq.length ? fq.reduce((a, p) => a + q(p), 0) : null;
    return {
      family: f,
      name: fams.get(f)?.name ?? f,
      nations: [...new Set(fp.map((p) => p.nation))].sort(),
      quantity,
      share: quantity !== null && total > 0 && unknownQuantity.length === 0 ? quantity / total : null,
      programmes: fp.map((p) => p.id),
      confidence: worstGrade(fp.map((p) => p.confidence)),
    };
  });
  families.sort((a, b) => (b.quantity ?? -1) - (a.quantity ?? -1) || a.name.localeCompare(b.name));

  const variants = new Set(
    ps.map((p) => `${p.family}/${standardsOf(fams, p).variant ?? p.variant.toLowerCase()}`),
  );

  const known = shareMeasures(withQty, q, fams);
  const complete = unknownQuantity.length === 0 && total > 0;
  // One family (or one round) is 1 type (100 % common) whatever the unknown quantities are.
  const oneFamily = familyIds.length === 1;
  const ammoKeys = new Set(ps.map((p) => ammoKey(standardsOf(fams, p).standards) ?? `?${p.id}`));
  let effectiveTypes: AreaMosaic['effectiveTypes'] = null;
  if (complete) effectiveTypes = { value: 1 / known.hhi, hhi: known.hhi, confidence: grade, from: ids };
  else if (oneFamily) effectiveTypes = { value: 1, hhi: 1, confidence: grade, from: ps.map((p) => p.id) };

  const design = (p: Programme) => {
    const c = fams.get(p.family)?.designCountry;
    return c ? [c] : p.supplierCountries;
  };
  const supplierHhi = complete ? countryHhi(withQty, q, design) : null;
  const sellerHhi = complete ? countryHhi(withQty, q, (p) => p.supplierCountries) : null;
  const pool = (
    key: (p: Programme) => string | undefined,
    certain: boolean,
  ): (Measure & { pool: string }) | null => {
    if (!complete) {
      const k = certain ? key(ps[0]!) : undefined;
      return k ? { value: 1, pool: k, confidence: grade, from: ps.map((p) => p.id) } : null;
    }
    const best = largestPool(withQty, q, key);
    return best ? { value: best.q / total, pool: best.key, confidence: grade, from: ids } : null;
  };

  return {
    area: areaId,
    name: area?.name ?? areaId,
    unit,
    nations: [...new Set(ps.map((p) => p.nation))].sort(),
    families,
    familyCount: familyIds.length,
    variantCount: variants.size,
    effectiveTypes,
    supplierHhi,
    sellerHhi,
    ammoCommonShare: pool((p) => ammoKey(standardsOf(fams, p).standards), ammoKeys.size === 1),
    sparesCommonShare: pool((p) => p.family, oneFamily),
    excluded,
    unknownQuantity,
    knownOnly:
      !complete && total > 0
        ? {
            effectiveTypes: 1 / known.hhi,
            ammoCommonShare: known.ammo,
            sparesCommonShare: known.spares,
          }
        : null,
    fleet: fleetStatus(ps, asOf),
    alsoUnits: (area?.alsoUnits ?? []).map((u) => unitMeasures(ps, u, area!, fams)),
    sources: [...new Set(ps.flatMap((p) => p.sources))].sort(),
  };
}

function largestPool(
  ps: Programme[],
  q: (p: Programme) => number,
  key: (p: Programme) => string | undefined,
): { key: string; q: number } | undefined {
  const sums = new Map<string, number>();
  for (const p of ps) {
    const k = key(p);
    if (k) sums.set(k, (sums.get(k) ?? 0) + q(p));
  }
  const best = [...sums.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? { key: best[0], q: best[1] } : undefined;
}

/** HHI of family shares, and the largest ammunition and family pools, over programmes with a quantity. */
function shareMeasures(
  ps: Programme[],
  q: (p: Programme) => number,
  fams: ReturnType<typeof familyIndex>,
): { hhi: number; ammo: number | null; spares: number | null } {
  const total = ps.reduce((a, p) => a + q(p), 0);
  if (total <= 0) return { hhi: 1, ammo: null, spares: null };
  const byFam = new Map<string, number>();
  for (const p of ps) byFam.set(p.family, (byFam.get(p.family) ?? 0) + q(p));
  const ammo = largestPool(ps, q, (p) => ammoKey(standardsOf(fams, p).standards));
  const spares = largestPool(ps, q, (p) => p.family);
  return {
    hhi: hhi([...byFam.values()].map((v) => v / total)),
    ammo: ammo ? ammo.q / total : null,
    spares: spares ? spares.q / total : null,
  };
}

function countryHhi(
  ps: Programme[],
  q: (p: Programme) => number,
  countries: (p: Programme) => string[],
): (Measure & { effective: number; top: string }) | null {
  const rows = ps.filter((p) => countries(p).length > 0);
  const total = rows.reduce((a, p) => a + q(p), 0);
  if (total <= 0) return null;
  const by = new Map<string, number>();
  for (const p of rows)
    for (const c of countries(p)) by.set(c, (by.get(c) ?? 0) + q(p) / countries(p).length);
  const shares = [...by.entries()].map(([c, v]) => [c, v / total] as const).sort((a, b) => b[1] - a[1]);
  const h = hhi(shares.map((s) => s[1]));
  return {
    value: h,
    effective: 1 / h,
    top: shares[0]![0],
    confidence: worstGrade(rows.map((p) => p.confidence)),
    from: rows.map((p) => p.id),
  };
}

/** Ordered, delivered, transferred, in service, combat-ready and expected-by-asOf counts of an area. */
function fleetStatus(ps: Programme[], asOf: Month): FleetStatus {
  const out: FleetStatus = {
    ordered: 0,
    delivered: 0,
    transferred: 0,
    inService: 0,
    combatReady: 0,
    expectedInService: 0,
    deliveredUnknown: [],
  };
  for (const p of ps) {
    const ordered = p.quantity?.value ?? 0;
    out.ordered += ordered;
    const isLegacyDone = !p.delivered && p.statuses.every((s) => s === 'in_service' || s === 'legacy');
    const delivered = p.delivered?.value ?? (isLegacyDone ? ordered : undefined);
    if (delivered === undefined) {
      out.deliveredUnknown.push(p.id);
      continue;
    }
    const gone = p.transferred?.value ?? 0;
    const inService = Math.max(0, delivered - gone);
    out.delivered += delivered;
    out.transferred += gone;
    out.inService += inService;
    out.combatReady += p.combat ? Math.min(inService, p.combat.value) : inService;
    out.expectedInService += Math.max(0, expectedDelivered(p, delivered, asOf) - gone);
  }
  return out;
}

/** Measures in a further unit (missiles beside launchers), from every figure of the ordered cell. */
function unitMeasures(
  ps: Programme[],
  unit: string,
  area: Area,
  fams: ReturnType<typeof familyIndex>,
): UnitMeasures {
  const bare = area.bareUnit ?? area.unit;
  const qOf = new Map<string, number>();
  for (const p of ps) {
    const f = p.quantities.filter((x) => (x.unit ?? bare) === unit && x.kind !== 'max');
    if (f.length === 1) qOf.set(p.id, f[0]!.value);
  }
  const known = ps.filter((p) => qOf.has(p.id));
  const q = (p: Programme) => qOf.get(p.id)!;
  const total = known.reduce((a, p) => a + q(p), 0);
  const unknownQuantity = ps.filter((p) => !qOf.has(p.id)).map((p) => p.id);
  const m = shareMeasures(known, q, fams);
  const complete = unknownQuantity.length === 0 && total > 0;
  const ammo = complete ? largestPool(known, q, (p) => ammoKey(standardsOf(fams, p).standards)) : undefined;
  return {
    unit,
    total,
    effectiveTypes: complete ? 1 / m.hhi : null,
    ammoCommonShare: ammo
      ? {
          value: ammo.q / total,
          pool: ammo.key,
          confidence: worstGrade(known.map((p) => p.confidence)),
          from: known.map((p) => p.id),
        }
      : null,
    unknownQuantity,
  };
}

export { deliveryRamp, expectedDelivered, rampAt, type DeliveryRamp } from './delivery.js';
