/**
 * The planner's tables as one Excel workbook (exceljs): programmes as reported and derived, the mosaic,
 * opportunities, pipeline, days of fire and the assumptions, one sheet each, with a bold frozen header row and
 * filters, so a planner can sort and annotate them in the tool the ministry already uses.
 */
import ExcelJS from 'exceljs';
import { computeAmmunition } from './ammunition.js';
import { parseCsv } from './csv.js';
import { programmesToCsv } from './export.js';
import { computeMosaic } from './mosaic.js';
import { findOpportunities } from './opportunities.js';
import { computePipeline } from './pipeline.js';
import type { Munition } from './reference.js';
import type { Registry } from './schema.js';
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

/** Every planner table of a registry snapshot as an .xlsx file. */
export async function registryToXlsx(reg: Registry, munitions: Munition[], asOf?: string): Promise<Buffer> {
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
  sheet(
    wb,
    'Assumptions',
    ['analysis', 'assumption'],
    [
      ['all', `as of ${mosaic.asOf} (the data's own as-of month unless named)`],
      ...opp.assumptions.map((a) => ['opportunities', a]),
      ...[...new Set(ammo.munitions.flatMap((m) => m.assumptions))].map((a) => ['ammunition', a]),
    ],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
