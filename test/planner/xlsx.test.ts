/** Issue 21 section 3, exports: every table as one .xlsx workbook, from the CLI and the REST API. */
import ExcelJS from 'exceljs';
import Fastify from 'fastify';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan.js';
import { registerPlannerApi } from '../../src/planner/api.js';
import { XLSX_SHEETS } from '../../src/planner/xlsx.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-xlsx-'));

async function read(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

describe('Excel export', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`plan export --out x.xlsx` writes every table, reported text kept', async () => {
    const o = { format: 'table', dataDir: dir };
    await runPlan('import', [], o);
    const file = join(dir, 'plan.xlsx');
    expect(await runPlan('export', [], { ...o, out: file })).toMatch(/wrote .*plan\.xlsx/);
    const wb = await read(readFileSync(file));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Programmes',
      'Mosaic',
      'Opportunities',
      'Pipeline',
      'Days of fire',
      'Assumptions',
    ]);
    const prog = wb.getWorksheet('Programmes')!;
    expect(prog.rowCount).toBe(59);
    expect(prog.getRow(1).font?.bold).toBe(true);
    const mosaic = wb.getWorksheet('Mosaic')!;
    const spa = mosaic
      .getRows(2, mosaic.rowCount - 1)!
      .find((r) => r.getCell(1).value === '155 mm self-propelled artillery')!;
    expect(spa.getCell(3).value).toBe(5);
  });

  it('GET /api/planner/export?format=xlsx answers a workbook', async () => {
    const store = openStore(':memory:');
    const app = Fastify();
    registerPlannerApi(app, {
      store,
      log: pino({ level: 'silent' }),
      seedProgrammes: true,
      identityOf: () => ({ id: 'op', kind: 'operator', clearance: 'SECRET', categories: [], groups: [] }),
    });
    await app.ready();
    const res = await app.inject({ url: '/api/planner/export?format=xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = await read(res.rawPayload);
    expect(wb.getWorksheet('Opportunities')!.rowCount).toBeGreaterThan(2);
    // Money and capability targets, from the seeded budget lines and example targets.
    expect(wb.worksheets.map((w) => w.name)).toEqual(XLSX_SHEETS);
    const money = wb.getWorksheet('Money')!;
    const lv2027 = money
      .getRows(2, money.rowCount - 1)!
      .find((r) => r.getCell(1).value === 'LV' && r.getCell(2).value === 2027)!;
    expect(lv2027.getCell(7).value).toBe('no');
    expect(wb.getWorksheet('Targets')!.rowCount).toBe(4);
    await app.close();
    store.close();
  });
});
