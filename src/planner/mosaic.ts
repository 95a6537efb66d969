/**
 * The mosaic: per capability area, how fragmented the three nations' fleets are. Family and variant counts,
 * effective number of types (1/HHI over fleet quantities), supplier-country concentration, and the share of the
 * fleet in the largest pool sharing ammunition and spares; plus the nations × areas matrix. Every figure carries
 * the worst confidence grade of the rows it was computed from and the ids of those rows.
 * Formulas: docs/planner.md "Measures".
 */
import { worstGrade, type Grade } from './grade.js';
import { standardsOf, ammoKey, familyIndex } from './standards.js';
import type { Programme, Registry } from './schema.js';

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
}

export interface MatrixCell {
  families: string[];
  quantity: number | null;
  confidence: Grade;
  programmes: string[];
}

export interface Mosaic {
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
    areas.push(areaMosaic(areaId, area?.name ?? areaId, area?.unit ?? 'units', ps, fams));
    matrix[areaId] = {};
    for (const n of nations) {
      const cell = ps.filter((p) => p.nation === n);
      if (cell.length === 0) continue;
      const q = cell.filter((p) => p.quantity);
      matrix[areaId]![n] = {
        families: [...new Set(cell.map((p) => p.family))].sort(),
        quantity: q.length ? q.reduce((a, p) => a + p.quantity!.value, 0) : null,
        confidence: worstGrade(cell.map((p) => p.confidence)),
        programmes: cell.map((p) => p.id),
      };
    }
  }
  return { areas, nations, matrix };
}

function areaMosaic(
  areaId: string,
  name: string,
  unit: string,
  ps: Programme[],
  fams: ReturnType<typeof familyIndex>,
): AreaMosaic {
  const excluded: AreaMosaic['excluded'] = [];
  const withQty = ps.filter((p) => {
    if (!p.quantity) excluded.push({ programme: p.id, reason: 'no readable quantity in the area unit' });
    return !!p.quantity;
  });
  const total = withQty.reduce((a, p) => a + p.quantity!.value, 0);
  const grade = worstGrade(withQty.map((p) => p.confidence));
  const ids = withQty.map((p) => p.id);

  const familyIds = [...new Set(ps.map((p) => p.family))];
  const families: FamilyShare[] = familyIds.map((f) => {
    const fp = ps.filter((p) => p.family === f);
    const fq = fp.filter((p) => p.quantity);
    const quantity = fq.length ? fq.reduce((a, p) => a + p.quantity!.value, 0) : null;
    return {
      family: f,
      name: fams.get(f)?.name ?? f,
      nations: [...new Set(fp.map((p) => p.nation))].sort(),
      quantity,
      share: quantity !== null && total > 0 ? quantity / total : null,
      programmes: fp.map((p) => p.id),
      confidence: worstGrade(fp.map((p) => p.confidence)),
    };
  });
  families.sort((a, b) => (b.quantity ?? -1) - (a.quantity ?? -1) || a.name.localeCompare(b.name));

  const variants = new Set(
    ps.map((p) => `${p.family}/${standardsOf(fams, p).variant ?? p.variant.toLowerCase()}`),
  );

  let effectiveTypes: AreaMosaic['effectiveTypes'] = null;
  if (total > 0) {
    const h = hhi(families.filter((f) => f.share !== null).map((f) => f.share!));
    effectiveTypes = { value: 1 / h, hhi: h, confidence: grade, from: ids };
  }

  let supplierHhi: AreaMosaic['supplierHhi'] = null;
  const bySupplier = new Map<string, number>();
  const supplierRows = withQty.filter((p) => p.supplierCountries.length > 0);
  const supplierTotal = supplierRows.reduce((a, p) => a + p.quantity!.value, 0);
  for (const p of supplierRows) {
    for (const c of p.supplierCountries)
      bySupplier.set(c, (bySupplier.get(c) ?? 0) + p.quantity!.value / p.supplierCountries.length);
  }
  if (supplierTotal > 0) {
    const shares = [...bySupplier.entries()]
      .map(([c, q]) => [c, q / supplierTotal] as const)
      .sort((a, b) => b[1] - a[1]);
    const h = hhi(shares.map((s) => s[1]));
    supplierHhi = {
      value: h,
      effective: 1 / h,
      top: shares[0]![0],
      confidence: worstGrade(supplierRows.map((p) => p.confidence)),
      from: supplierRows.map((p) => p.id),
    };
  }

  const pool = (key: (p: Programme) => string | undefined): (Measure & { pool: string }) | null => {
    if (total <= 0) return null;
    const sums = new Map<string, number>();
    for (const p of withQty) {
      const k = key(p);
      if (k) sums.set(k, (sums.get(k) ?? 0) + p.quantity!.value);
    }
    if (sums.size === 0) return null;
    const [best, q] = [...sums.entries()].sort((a, b) => b[1] - a[1])[0]!;
    return { value: q / total, pool: best, confidence: grade, from: ids };
  };

  return {
    area: areaId,
    name,
    unit,
    nations: [...new Set(ps.map((p) => p.nation))].sort(),
    families,
    familyCount: familyIds.length,
    variantCount: variants.size,
    effectiveTypes,
    supplierHhi,
    ammoCommonShare: pool((p) => ammoKey(standardsOf(fams, p).standards)),
    sparesCommonShare: pool((p) => p.family),
    excluded,
  };
}
