/**
 * Export of the registry: CSV (the reported columns first, so an export re-imports as it was, then the derived
 * figures and grades) and JSON (every record kind).
 */
import { toCsv } from './csv.js';
import { CSV_COLUMNS } from './import.js';
import type { Registry } from './schema.js';

const DERIVED = [
  'programme_id',
  'area',
  'family',
  'quantity_value',
  'quantity_kind',
  'quantity_high',
  'delivered_value',
  'contract',
  'first_delivery_month',
  'last_delivery_month',
  'value_contracted_eur_m',
  'value_ceiling_eur_m',
  'grade',
  'classification',
  'releasable_to',
] as const;

/** Programmes as CSV: reported columns (text as reported) then derived ones. */
export function programmesToCsv(reg: Registry): string {
  const rows: unknown[][] = [[...CSV_COLUMNS, ...DERIVED]];
  for (const p of reg.programmes) {
    const rel = p.label?.categories.find((c) => c.tag === 'Releasable to')?.values.join(';') ?? '';
    rows.push([
      ...CSV_COLUMNS.map((c) => p.reported[c] ?? derivedReported(p, c)),
      p.id,
      p.area,
      p.family,
      p.quantity?.value,
      p.quantity?.kind,
      p.quantity?.high,
      p.delivered?.value,
      p.stages.contract?.at,
      p.stages.firstDelivery?.at,
      p.stages.lastDelivery?.at,
      p.valueEurM?.value,
      p.ceilingEurM?.value,
      p.confidence,
      p.label?.classification ?? 'UNCLASSIFIED',
      rel,
    ]);
  }
  return toCsv(rows);
}

/** For records created by hand (no reported text), fill the reported columns from the fields. */
function derivedReported(p: Registry['programmes'][number], c: (typeof CSV_COLUMNS)[number]): string {
  switch (c) {
    case 'nation':
      return p.nation;
    case 'capability':
      return p.capability || p.area;
    case 'system':
      return p.system || p.family;
    case 'variant':
      return p.variant;
    case 'confidence':
      return p.confidence;
    case 'status':
      return p.statuses.join('+');
    case 'qty_ordered':
      return p.quantity ? String(p.quantity.value) : '';
    default:
      return '';
  }
}

/** The whole snapshot as JSON text. */
export function registryToJson(reg: Registry): string {
  return JSON.stringify(reg, null, 2);
}
