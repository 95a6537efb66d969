/**
 * The planner's tables as one Excel workbook (exceljs): programmes as reported and derived, the mosaic,
 * opportunities, pipeline, days of fire, money (affordability per nation and year), capability targets against
 * fielded fleets, and the assumptions, one sheet each, with a bold frozen header row and
 * filters, so a planner can sort and annotate them in the tool the ministry already uses.
 */
import ExcelJS from 'exceljs';
import { computeAmmunition } from './ammunition.js';
import { parseCsv } from './csv.js';
import { programmesToCsv } from './export.js';
import { affordability } from './money/affordability.js';
import type { NationBudget } from './money/budget.js';
import { computeMosaic } from './mosaic.js';
import { findOpportunities } from './opportunities.js';
import { computePipeline } from './pipeline.js';
import type { Munition } from './reference.js';
import type { Registry } from './schema.js';
import { targetsVersusFielded, type Target } from './targets/targets.js';
import { mosaicRows, opportunityRows, pipelineRows, type Row } from './views.js';

function sheet(wb: ExcelJS.Workbook, name: string, header: string[], rows: unknown[][]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((c) => (c === undefined || c === null ? '' : c)));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: Math.max(1, header.length) } };
  ws.columns.forEach((c, i) => {
    const longest = Math.max(
      header[i]?.length ?? 8,
      ...rows.slice(0, 200).map((r) => String(r[i] ?? '').length),
    );
    c.width = Math.min(60, Math.max(8, longest + 2));
  });
}

function fromRows(wb: ExcelJS.Workbook, name: string, rows: Row[]): void {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  sheet(
    wb,
    name,
    cols,
    rows.map((r) => cols.map((c) => r[c])),
  );
}

/** The sheet names, in order (money and targets only when budget lines or targets are given). */
export const XLSX_SHEETS = [
  'Programmes',
  'Mosaic',
  'Opportunities',
  'Pipeline',
  'Days of fire',
  'Money',
  'Targets',
  'Assumptions',
];

/** Money and capability targets the reader may see, for their sheets. */
export interface XlsxExtras {
  budgets?: NationBudget[];
  targets?: Target[];
}

/** Every planner table of a registry snapshot as an .xlsx file. */
export async function registryToXlsx(
  reg: Registry,
  munitions: Munition[],
  asOf?: string,
  extras: XlsxExtras = {},
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Baltic Wall planner';
  const opts = asOf ? { asOf } : {};
  const csv = parseCsv(programmesToCsv(reg));
  sheet(
    wb,
    'Programmes',
    csv[0]?.cells ?? [],
    csv.slice(1).map((r) => r.cells),
  );
  const mosaic = computeMosaic(reg, opts);
  fromRows(wb, 'Mosaic', mosaicRows(mosaic));
  const opp = findOpportunities(reg, opts);
  fromRows(wb, 'Opportunities', opportunityRows(opp));
  const pipe = computePipeline(reg, opts);
  fromRows(wb, 'Pipeline', pipelineRows(pipe));
  const ammo = computeAmmunition(reg, munitions, opts);
  fromRows(
    wb,
    'Days of fire',
    ammo.munitions.flatMap((m) =>
      m.nations.map((n) => ({
        munition: m.name,
        nation: n.nation,
        weapons: n.weaponsNow,
        need_per_day: n.dailyNeedNow,
        stockpile: n.stockpileEntered ? n.stockpile : 'not entered',
        days_now: n.daysNow,
        reaches_target: n.reachesTarget ?? 'not in horizon',
      })),
    ),
  );
  const money = extras.budgets?.length ? affordability(reg, extras.budgets, opts) : undefined;
  if (money) fromRows(wb, 'Money', moneyRows(money));
  if (extras.targets?.length) fromRows(wb, 'Targets', targetRows(reg, extras.targets, asOf));
  sheet(
    wb,
    'Assumptions',
    ['analysis', 'assumption'],
    [
      ['all', `as of ${mosaic.asOf} (the data's own as-of month unless named)`],
      ...opp.assumptions.map((a) => ['opportunities', a]),
      ...[...new Set(ammo.munitions.flatMap((m) => m.assumptions))].map((a) => ['ammunition', a]),
      ...(money?.assumptions ?? []).map((a) => ['money', a]),
    ],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function moneyRows(a: ReturnType<typeof affordability>): Row[] {
  return a.nations.flatMap((n) =>
    n.rows.map((r) => ({
      nation: n.nation,
      year: r.year,
      envelope_eur_m: r.envelopeEurM,
      due_eur_m: r.dueEurM,
      national_due_eur_m: r.nationalDueEurM,
      headroom_eur_m: r.headroomEurM,
      affordable: r.affordable ? 'yes' : 'no',
      short_eur_m: r.shortEurM,
    })),
  );
}

function targetRows(reg: Registry, targets: Target[], asOf?: string): Row[] {
  return targetsVersusFielded(reg, targets, asOf ? { asOf } : {}).targets.map((t) => ({
    target: t.target.id,
    nation: t.target.nation,
    area: t.target.area,
    family: t.target.family ?? '',
    measure: t.target.measure,
    quantity: t.target.quantity,
    by: t.byMonth,
    fielded_now: t.fieldedNow,
    fielded_by: t.fieldedBy,
    gap_by: t.gapBy,
    reaches: t.reaches ?? 'not in horizon',
  }));
}
