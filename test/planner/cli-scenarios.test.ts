/**
 * `balticwall plan scenario …` and the sources the CLI prints: scenarios saved in the store of --data-dir, listed,
 * renamed, compared side by side (▲/▼ against the base, with sources), briefed to a file and deleted; the
 * analyses' rows name their sources; the Monte Carlo prints P10/P50/P90 days of fire.
 */
import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlanCommands, runPlan } from '../../src/cli/plan.js';
import { parseCsv } from '../../src/planner/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-plan-scen-'));
const o = (extra: Record<string, string | boolean> = {}) => ({ format: 'table', dataDir: dir, ...extra });
const lv = {
  name: 'LV buys CAESAR instead of Archer',
  edits: [{ op: 'change', programme: 'baltic-equipment:27', set: { family: 'caesar', system: 'CAESAR' } }],
};

describe('balticwall plan scenario', () => {
  beforeAll(async () => {
    await runPlan('import', [], o());
    writeFileSync(join(dir, 'lv.json'), JSON.stringify(lv));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists, renames, compares, briefs and deletes', async () => {
    expect(await runPlan('scenario', ['create', join(dir, 'lv.json')], o())).toBe(
      'saved scenario lv-buys-caesar-instead-of-archer (1 edits)\n',
    );
    const edits = JSON.stringify([{ op: 'change', programme: 'baltic-equipment:3', set: { quantity: 40 } }]);
    await runPlan('scenario', ['create'], o({ name: 'EE joins CV90 with 40', edits }));
    expect(await runPlan('scenario', ['list'], o())).toMatch(
      /ee-joins-cv90-with-40\s+EE joins CV90 with 40\s+1/,
    );
    await runPlan('scenario', ['rename', 'ee-joins-cv90-with-40', 'EE', 'CV90', '×', '40'], o());
    const cmp = await runPlan(
      'scenario',
      ['compare', 'lv-buys-caesar-instead-of-archer', 'ee-joins-cv90-with-40'],
      o({ draws: '0', changed: true }),
    );
    expect(cmp).toMatch(/changed baltic-equipment:27: family = caesar/);
    expect(cmp).toMatch(/155 mm self-propelled artillery: families\s+5\s+4 ▲\s+5/);
    expect(cmp).toMatch(/EE CV90 × 40/);
    const rows = parseCsv(await runPlan('scenario', ['compare'], o({ draws: '0', format: 'csv' })));
    expect(rows[0]!.cells).toEqual([
      'analysis',
      'figure',
      'Base (registry)',
      'EE CV90 × 40',
      'LV buys CAESAR instead of Archer',
      'sources',
    ]);
    const out = join(dir, 'brief.html');
    expect(
      await runPlan('scenario', ['briefing', 'lv-buys-caesar-instead-of-archer'], o({ draws: '0', out })),
    ).toMatch(/wrote/);
    expect(readFileSync(out, 'utf8')).toMatch(
      /<h1 data-testid="briefing-title">LV buys CAESAR instead of Archer<\/h1>/,
    );
    expect(await runPlan('scenario', ['delete', 'ee-joins-cv90-with-40'], o())).toMatch(/deleted/);
    await expect(runPlan('scenario', ['show', 'ee-joins-cv90-with-40'], o())).rejects.toMatchObject({
      plannerCode: 'BW_PLAN_NOT_FOUND',
    });
    await expect(
      runPlan('scenario', ['create'], o({ name: 'x', edits: '[{"op":"grow"}]' })),
    ).rejects.toMatchObject({
      plannerCode: 'BW_PLAN_BAD_INPUT',
    });
  }, 120_000);

  it('is registered on the command line', () => {
    const program = new Command();
    registerPlanCommands(program);
    const plan = program.commands.find((c) => c.name() === 'plan')!;
    expect(plan.commands.map((c) => c.name())).toContain('scenario');
  });

  it('prints the sources of opportunities, the pipeline, the schedule, days of fire and the Monte Carlo', async () => {
    const opp = parseCsv(await runPlan('opportunities', [], o({ format: 'csv' })));
    const col = (rows: typeof opp, name: string) =>
      rows.slice(1).map((r) => r.cells[rows[0]!.cells.indexOf(name)]);
    expect(col(opp, 'sources').join(' ')).toMatch(/overtdefense/);
    expect(col(parseCsv(await runPlan('pipeline', [], o({ format: 'csv' }))), 'sources').join(' ')).toMatch(
      /SIPRI/,
    );
    expect(col(parseCsv(await runPlan('ammo', [], o({ format: 'csv' }))), 'sources').join(' ')).toMatch(
      /reuters/,
    );
    expect(await runPlan('schedule', [], o({ whatIf: 'none', format: 'csv' }))).toMatch(/overtdefense/);
    const mc = await runPlan('montecarlo', [], o({ draws: '200' }));
    expect(mc).toMatch(/days of fire \(P10\/P50\/P90\)/);
    expect(mc).toMatch(/155 mm artillery shells\s+EE\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
    expect(mc).toMatch(/days of fire: fleet quantities drawn/);
  }, 120_000);
});
