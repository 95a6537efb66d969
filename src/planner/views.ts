/**
 * Flat tables of the planner's results for the CLI (and anyone who wants rows): one row per area, opportunity,
 * programme or order, columns named once. `render` turns them into an aligned text table, CSV or JSON.
 */
import { toCsv } from './csv.js';
import type { ImportReport } from './import.js';
import type { Mosaic } from './mosaic.js';
import type { OpportunityResult } from './opportunities.js';
import type { PipelineResult } from './pipeline.js';
import type { ScenarioSummary } from './whatif.js';
import type { ScheduleResult } from './scheduler.js';

export type Row = Record<string, string | number | null | undefined>;
export type Format = 'table' | 'csv' | 'json';

const r2 = (x: number | undefined | null) =>
  x === undefined || x === null ? null : Math.round(x * 100) / 100;

/** Render rows as an aligned table, CSV, or JSON (the `json` value when given, else the rows). */
export function render(rows: Row[], format: Format, json?: unknown): string {
  if (format === 'json') return JSON.stringify(json ?? rows, null, 2) + '\n';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (format === 'csv') return toCsv([cols, ...rows.map((r) => cols.map((c) => r[c] ?? ''))]);
  if (rows.length === 0) return '(no rows)\n';
  const cell = (v: unknown) => (v === undefined || v === null ? '-' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => Math.min(60, cell(r[c]).length))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.slice(0, 60).padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  return (
    [
      line(cols),
      line(width.map((w) => '-'.repeat(w))),
      ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
    ].join('\n') + '\n'
  );
}

export function importRows(rep: ImportReport): Row[] {
  return rep.issues.map((i) => ({
    line: i.line,
    column: i.column,
    severity: i.severity,
    text: i.text,
    reason: i.reason,
  }));
}

/** A share measure, or "n/a" when some of the area's quantities are unknown (never a made-up 1.0 or 100 %). */
const naOr = (v: number | null | undefined, unknown: number): string | number | null =>
  v === undefined || v === null ? (unknown ? 'n/a' : null) : (r2(v) as number);

export function mosaicRows(m: Mosaic): Row[] {
  return m.areas.map((a) => ({
    area: a.name,
    unit: a.unit,
    families: a.familyCount,
    variants: a.variantCount,
    nations: a.nations.join('+'),
    effective_types: naOr(a.effectiveTypes?.value, a.unknownQuantity.length),
    design_hhi: naOr(a.supplierHhi?.value, a.unknownQuantity.length),
    design_top: a.supplierHhi?.top,
    seller_top: a.sellerHhi?.top,
    ammo_common: naOr(a.ammoCommonShare?.value, a.unknownQuantity.length),
    spares_common: naOr(a.sparesCommonShare?.value, a.unknownQuantity.length),
    unknown_qty: a.unknownQuantity.length,
    ordered: a.fleet.ordered,
    in_service: a.fleet.inService,
    expected_in_service: a.fleet.expectedInService,
    combat_ready: a.fleet.combatReady,
    transferred: a.fleet.transferred,
    grade: a.effectiveTypes?.confidence,
    family_list: a.families.map((f) => `${f.name}${f.quantity !== null ? `:${f.quantity}` : ''}`).join(', '),
    sources: a.sources.join('; '),
  }));
}

export function opportunityRows(o: OpportunityResult): Row[] {
  return o.opportunities.map((x) => ({
    rank: x.rank,
    area: x.areaName,
    nations: x.proposal.nations.join('+'),
    window: `${x.window.from}..${x.window.to}`,
    family: x.proposal.name,
    programmes: x.proposal.pooled
      .map((p) => `${p.name} ${p.quantity ?? '?'}${p.switches ? ' (switches)' : ''}`)
      .join('; '),
    pooled: x.proposal.pooledQuantity,
    unknown_qty: x.proposal.unknownQuantity.length,
    types_before: r2(x.proposal.typesBefore),
    types_after: r2(x.proposal.typesAfter),
    frameworks: x.proposal.frameworks.join(' '),
    capacity_units: x.proposal.capacity?.units ?? null,
    saving_pct: x.proposal.savings ? r2(x.proposal.savings.savingShare * 100) : null,
    saving_eur_m: r2(x.proposal.savings?.saving),
    score: r2(x.proposal.score),
    grade: x.confidence,
    sources: x.sources.join('; '),
  }));
}

export function pipelineRows(p: PipelineResult): Row[] {
  return p.programmes
    .filter((x) => x.current)
    .map((x) => ({
      programme: x.name,
      kind: x.kind,
      area: x.area,
      requirement: x.stages.requirement?.at,
      approved: x.stages.budgetApproved?.at,
      contract: x.stages.contract?.at,
      first_delivery: x.stages.firstDelivery?.at,
      last_delivery: x.stages.lastDelivery?.at,
      current: x.current,
      months_in_stage: x.monthsInStage,
      stalled: x.stalled ? 'STALLED' : '',
      grade: x.confidence,
      sources: x.sources.join('; '),
    }));
}

/** Schedule rows; `sources` maps an order id (a programme id) to its sources when the orders came from the registry. */
export function scheduleRows(r: ScheduleResult, sources: Record<string, string[]> = {}): Row[] {
  return r.orders.map((o) => ({
    order: o.name ?? o.id,
    nation: o.nation,
    family: o.family,
    quantity: o.quantity,
    wanted_by: o.wantedBy,
    first: o.deliveries[0]?.month,
    completion: o.completion,
    months_late: o.monthsLate,
    unit_months_late: o.unitMonthsLate,
    shortfall: o.shortfall,
    ...(sources[o.id] ? { sources: sources[o.id]!.join('; ') } : {}),
  }));
}

export function scenarioRows(s: ScenarioSummary[]): Row[] {
  return s.map((x) => ({
    scenario: x.name,
    status: x.status,
    weighted_lateness: r2(x.weightedLateness),
    late_orders: x.lateOrders,
    short_orders: x.shortOrders,
    completion: Object.entries(x.completionByNation)
      .map(([n, m]) => `${n}:${m ?? 'short'}`)
      .join(' '),
    bottleneck: x.bottlenecks[0] ? `${x.bottlenecks[0].line} (${r2(x.bottlenecks[0].shadowPrice)})` : '',
    changes: x.sameAsBase ? 'nothing (same as base)' : (x.note ?? ''),
  }));
}
