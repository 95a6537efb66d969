/**
 * The importer's cell rules past the reading of text (messy.ts): which figure of a cell counts in the area's
 * unit, transfers and combat counts noted in cells, stage dates from the date columns (split by position when a
 * row holds several systems), and the reference file's stage overrides.
 */
import { unitFactor, type DateCell, type Figure, type QuantityCell } from './messy.js';
import { formatMonth } from './month.js';
import type { StageOverride } from './reference.js';
import type { Programme, StageDate } from './schema.js';

export function splitList(s: string): string[] {
  return s
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Choose the figure counted in the area's unit, converting by UNIT_CONVERSIONS; bare numbers count in `bareUnit`. */
export function pickFigure(
  cell: QuantityCell,
  units: { unit: string | undefined; bareUnit: string | undefined; alsoUnits: string[] },
  k: number,
  parts: number,
  fail: (reason: string) => void,
): Figure | null {
  const { unit, bareUnit, alsoUnits } = units;
  const inUnitOf = (f: Figure): Figure | null => {
    const u = f.unit ?? bareUnit;
    if (!unit || !u) return f.unit ? null : f;
    const factor = unitFactor(u, unit);
    if (factor === undefined) return null;
    if (factor === 1 && f.unit === unit) return f;
    const conv: Figure = { ...f, value: f.value * factor, unit };
    if (f.high !== undefined) conv.high = f.high * factor;
    if (f.unit && f.unit !== unit)
      conv.note = [f.note, `${f.value} ${f.unit} read as ${unit}`].filter(Boolean).join('; ');
    return conv;
  };
  const elsewhere = (f: Figure) => alsoUnits.includes(f.unit ?? bareUnit ?? '');
  if (cell.alternatives) {
    if (cell.figures.length !== parts) {
      fail(`${cell.figures.length} alternative figures for ${parts} system(s): cannot tell which is which`);
      return null;
    }
    const f = cell.figures[k]!;
    const got = inUnitOf(f);
    if (!got && !elsewhere(f)) fail(`no figure in the area's unit (${unit ?? 'none'})`);
    return got;
  }
  const inUnit = cell.figures.map(inUnitOf).filter((f): f is Figure => f !== null);
  if (inUnit.length === 1) return inUnit[0]!;
  if (parts > 1) {
    fail('one figure for several systems: cannot split it');
    return null;
  }
  // A figure in a unit the area counts apart (missiles beside launchers) is read, just not a fleet figure.
  if (inUnit.length === 0 && cell.figures.every(elsewhere)) return null;
  fail(
    `no figure in the area's unit (${unit ?? 'none'}): ${cell.figures.map((f) => `${f.value} ${f.unit ?? ''}`.trim()).join(', ')}`,
  );
  return null;
}

/** Units given away, from remarks such as `6 to UA` or `6 given to Ukraine`. */
export function transferredOf(texts: string[]): Figure | null {
  for (const t of texts) {
    const m = /(\d+)\s+(?:\w+\s+)?(?:to|given to|transferred to|donated to)\s+([A-Z][A-Za-z]+)/.exec(t);
    if (m) return { value: Number(m[1]), kind: 'exact', note: `to ${m[2]}` };
  }
  return null;
}

/** Combat units from a remark such as `16 combat`. */
export function combatOf(note: string, unit: string | undefined): Figure | null {
  const m = /(\d+)\s+combat\b/i.exec(note);
  return m ? { value: Number(m[1]), kind: 'exact', ...(unit ? { unit } : {}), note: 'combat units' } : null;
}

export function stageDate(
  s: { at: number; text: string; approx: boolean; from: number; to: number },
  planned = false,
): StageDate {
  return { at: formatMonth(s.at), text: s.text, approx: s.approx || s.to > s.from, planned };
}

/** Stage dates from the CSV's date cells; the k-th of `parts` systems takes the k-th date when counts match. */
export function stagesOf(
  dates: Record<string, DateCell | null>,
  k: number,
  parts: number,
): Programme['stages'] {
  const out: Programme['stages'] = {};
  const pickSpan = <T>(spans: T[], which: 'first' | 'last'): T | undefined =>
    parts > 1 && spans.length === parts ? spans[k] : which === 'first' ? spans[0] : spans.at(-1);
  const order = dates.order_date;
  if (order) {
    for (const s of order.spans) if (s.stage && !out[s.stage]) out[s.stage] = stageDate(s);
    const lots = order.spans.filter((s) => !s.stage);
    const first = pickSpan(lots, 'first');
    const flags = order.flags;
    if (first) {
      if (flags.includes('intent')) out.requirement ??= stageDate(first);
      else if (flags.includes('agreed')) out.budgetApproved ??= stageDate(first);
      else out.contract = stageDate(first, flags.includes('planned'));
    }
  }
  const fd = dates.first_delivery;
  const f = fd ? pickSpan(fd.spans, 'first') : undefined;
  if (f) out.firstDelivery = stageDate(f);
  if (f && fd!.flags.includes('conflicting')) out.firstDelivery!.approx = true;
  const ld = dates.last_delivery_planned;
  const l = ld ? pickSpan(ld.spans, 'last') : undefined;
  if (l) out.lastDelivery = stageDate(l);
  return out;
}

export function applyOverrides(
  stages: Programme['stages'],
  nation: string,
  system: string,
  variant: string,
  overrides: StageOverride[],
  notes: string[],
): void {
  for (const o of overrides) {
    if (o.nation.toUpperCase() !== nation || o.system.toLowerCase() !== system.toLowerCase()) continue;
    // Explicit keys: "M142" is not "M142 (second batch)".
    if (o.variant !== undefined && norm(o.variant) !== norm(variant)) continue;
    for (const st of ['requirement', 'budgetApproved', 'tender', 'contract'] as const) {
      const v = o[st];
      if (v && !stages[st])
        stages[st] = { at: v, text: `${v} (reference file)`, approx: false, planned: false };
    }
    if (o.note) notes.push(`stage dates from the reference file (${o.confidence}): ${o.note}`);
  }
}

export function norm(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}

export function flagsOf(dates: Record<string, DateCell | null>): string[] {
  const out: string[] = [];
  for (const [col, d] of Object.entries(dates)) for (const f of d?.flags ?? []) out.push(`${col}: ${f}`);
  return out;
}
