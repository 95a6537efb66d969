import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerPlanCommands, runPlan } from '../../src/cli/plan.js';
import { parseCsv } from '../../src/planner/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-plan-'));
const o = (extra: Record<string, string | boolean> = {}) => ({ format: 'table', dataDir: dir, ...extra });

describe('balticwall plan', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the seed and prints the unreadable cells', async () => {
    const out = await runPlan('import', [], o());
    expect(out).toMatch(/imported 58 programmes from 57 rows/);
    expect(out).toMatch(/3 unreadable cells/);
    expect(out).toMatch(/significant quantity/);
  });

  it('prints the mosaic as JSON with the issue counts', async () => {
    const m = JSON.parse(await runPlan('mosaic', [], o({ format: 'json' })));
    const count = (a: string) => m.areas.find((x: { area: string }) => x.area === a).familyCount;
    expect([count('SPA'), count('IFV'), count('MRAD'), count('VSHORAD')]).toEqual([5, 3, 2, 5]);
  });

  it('prints opportunities as CSV and the pipeline as a table with medians', async () => {
    const csv = parseCsv(await runPlan('opportunities', [], o({ format: 'csv', asOf: '2026-06' })));
    expect(csv[0]!.cells.slice(0, 5)).toEqual(['rank', 'area', 'nations', 'window', 'family']);
    expect(csv.length).toBeGreaterThan(2);
    const p = await runPlan('pipeline', [], o({ asOf: '2026-06' }));
    expect(p).toMatch(/median requirement → contract: \d+/);
    expect(p).toMatch(/approved, not contracted: /);
  });

  it('schedules from the registry and from a file, explaining an infeasible file', async () => {
    const s = await runPlan('schedule', [], o({ months: '72', whatIf: 'none' }));
    expect(s).toMatch(/cv90/);
    expect(s).toMatch(/bottleneck lines/);
    const file = join(dir, 'in.json');
    writeFileSync(
      file,
      JSON.stringify({
        start: '2026-01',
        months: 3,
        lines: [{ id: 'l', family: 'a', steps: [{ from: '2026-01', perMonth: 1 }] }],
        orders: [{ id: 'o', nation: 'EE', family: 'a', quantity: 5, wantedBy: '2026-03' }],
      }),
    );
    const inf = await runPlan('schedule', [], o({ input: file, whatIf: 'none' }));
    expect(inf).toMatch(/INFEASIBLE:\n {2}family "a": order\(s\) o need 5 units/);
  });

  it('exports the registry as CSV that keeps the reported text', async () => {
    const rows = parseCsv(await runPlan('export', [], o({ format: 'csv' })));
    expect(rows).toHaveLength(59);
    expect(rows.find((r) => r.cells[2] === 'Stinger / Grom')!.cells[7]).toBe('54 / 80');
  });

  it('refuses bad options with a stable code, and the commander wiring prints it', async () => {
    await expect(runPlan('mosaic', [], o({ format: 'xml' }))).rejects.toMatchObject({
      plannerCode: 'BW_PLAN_BAD_INPUT',
    });
    const program = new Command().exitOverride();
    registerPlanCommands(program);
    const errs: string[] = [];
    const orig = console.error;
    console.error = (m: string) => errs.push(m);
    try {
      await program.parseAsync([
        'node',
        'bw',
        'plan',
        'opportunities',
        '--data-dir',
        dir,
        '--learning-rate',
        '3',
      ]);
    } finally {
      console.error = orig;
    }
    expect(errs[0]).toMatch(/^BW_PLAN_BAD_INPUT: --learning-rate must be/);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
