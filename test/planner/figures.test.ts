/**
 * Issue 21 section 1: each figure the planner got wrong or misleading on main (7e49937), checked on the seed
 * data against the hand-computed value. Each test here failed on 7e49937.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/plan.js';
import { computeMosaic } from '../../src/planner/mosaic.js';
import { findOpportunities } from '../../src/planner/opportunities.js';
import { ordersFromRegistry } from '../../src/planner/orders.js';
import { computePipeline } from '../../src/planner/pipeline.js';
import { schedule } from '../../src/planner/scheduler.js';
import { seed } from './fixture.js';

const { reg } = seed();
const mosaic = computeMosaic(reg, { asOf: '2026-06' });
const area = (id: string) => mosaic.areas.find((a) => a.area === id)!;
const prog = (line: number) => reg.programmes.find((p) => p.id === `baltic-equipment:${line}`)!;

describe('issue 21 section 1: figures that were wrong or misleading', () => {
  it('1. MRAD and coastal defence: partly unknown quantities give n/a, not 100 % common or 1 type', () => {
    const mrad = area('MRAD');
    // "1 fire unit" is read as a battery (UNIT_CONVERSIONS): Estonia's IRIS-T counts.
    expect(prog(14).quantity).toMatchObject({ value: 1, unit: 'batteries' });
    expect(mrad.ammoCommonShare).toBeNull();
    expect(mrad.effectiveTypes).toBeNull();
    expect(mrad.unknownQuantity).toEqual(['baltic-equipment:30']);
    // What the known quantities alone give is kept, labelled as such: NASAMS 2 of 3 batteries.
    expect(mrad.knownOnly!.ammoCommonShare).toBeCloseTo(2 / 3, 10);
    expect(area('COAST').ammoCommonShare).toBeNull();
  });

  it('2. opportunity line capacity counts from the as-of month: CV90 capacity 1.0, score 0.566', () => {
    const r = findOpportunities(reg, { asOf: '2026-06' });
    const ifv = r.opportunities.find((o) => o.area === 'IFV')!.proposal;
    expect(ifv.capacity!.units).toBe(103); // 103.8 units from 2026-06 over 36 months
    expect(ifv.components.capacity).toBe(1);
    expect(ifv.score).toBeCloseTo(0.566, 3);
    const ra = r.opportunities.find((o) => o.area === 'RA')!.proposal;
    expect(ra.capacity!.units).toBe(28); // 0.8 a month from 2026-06, not the 23 counted from 2023-12
  });

  it('3. the scheduler keeps contracted delivery dates: LV HIMARS and LT CAESAR not before 2027', async () => {
    const built = ordersFromRegistry(reg, { start: '2026-07', months: 72 });
    const lvHimars = built.input.orders.find((o) => o.id === 'baltic-equipment:28')!;
    expect(lvHimars.earliest).toBe('2027-01');
    expect(lvHimars.wantedBy).toBe('2027-12'); // end of the reported first-delivery year, flagged as such
    expect(lvHimars.basis!.join(' ')).toMatch(/reported first delivery "2027"/);
    const ltCaesar = built.input.orders.find((o) => o.id === 'baltic-equipment:45')!;
    expect(ltCaesar.earliest).toBe('2027-01');
    expect(ltCaesar.wantedBy).toBe('2030-12');
    const r = await schedule({ ...built.input, months: 72 });
    const first = (id: string) => r.orders.find((o) => o.id === id)!.deliveries[0]!.month;
    expect(first('baltic-equipment:28') >= '2027-01').toBe(true);
    expect(first('baltic-equipment:45') >= '2027-01').toBe(true);
    expect(r.orders.find((o) => o.id === 'baltic-equipment:28')!.monthsLate).toBe(0);
  }, 60_000);

  it('4. Archer (row 27) has not reached first delivery: a year-only "2026" is no evidence in June 2026', () => {
    const p = computePipeline(reg, { asOf: '2026-06' });
    const archer = p.programmes.find((x) => x.id === 'baltic-equipment:27')!;
    expect(archer.current).toBe('budgetApproved');
    expect(archer.stages.firstDelivery!.planned).toBe(true);
  });

  it('5. EE second HIMARS batch (row 11) does not inherit the first batch requirement date', () => {
    expect(prog(11).stages.requirement).toBeUndefined();
    expect(prog(10).stages.requirement?.at).toBe('2022-07');
  });

  it('6. the Boxer fleet is at least the 91 delivered: 118 Boxers, 2.36 effective IFV types', () => {
    expect(prog(38).quantity!.value).toBe(91);
    const ifv = area('IFV');
    expect(ifv.families.find((f) => f.family === 'boxer')!.quantity).toBe(118);
    expect(ifv.effectiveTypes!.value).toBeCloseTo(41616 / 17624, 6); // 204² / (118² + 44² + 42²) = 2.36
  });

  it('7. SP guns: ordered 182, six M109 transferred, 95 in service (107 expected by 2026-06), 93 combat-ready', () => {
    const spa = area('SPA');
    expect(prog(26).transferred).toMatchObject({ value: 6 });
    expect(prog(44).combat).toMatchObject({ value: 16 });
    expect(spa.fleet).toMatchObject({
      ordered: 182,
      transferred: 6,
      inService: 95,
      expectedInService: 107,
      combatReady: 93,
    });
    expect(spa.families.find((f) => f.family === 'm109')!.quantity).toBe(41);
  });

  it('8. contract → first delivery: 13 new-build platforms, median 26 months, with the spread', () => {
    const p = computePipeline(reg, { asOf: '2026-06' });
    const nb = p.leadTimes['new build']!;
    expect([nb.n, nb.months, nb.min, nb.max]).toEqual([13, 26, 2, 36]);
    expect(p.leadTimes.used!.from).toContain('baltic-equipment:26');
    expect(p.leadTimes.munitions!.from).toContain('baltic-equipment:16');
    expect(p.medians.contractToFirstDelivery!.yearOnlyPairs).toBeGreaterThan(10);
  });

  it('9. VSHORAD counts launchers and missiles apart (RBS 70 NG kept); Spike variants are different rounds', () => {
    const v = area('VSHORAD');
    expect(v.unit).toBe('launchers');
    expect(prog(31).quantity).toMatchObject({ value: 70, unit: 'launchers' });
    expect(v.alsoUnits[0]).toMatchObject({ unit: 'missiles', total: 1048 });
    const atgm = area('ATGM');
    // Javelin 368 + 674 of 2682 missiles; Spike SR/MR/NLOS rows hold several rounds and pool with none.
    expect(atgm.ammoCommonShare).toMatchObject({ pool: 'Javelin' });
    expect(atgm.ammoCommonShare!.value).toBeCloseTo(1042 / 2682, 6);
  });

  it('10. the IFV supplier that matters is the design authority (DE), not the seller of used vehicles (NL)', () => {
    const ifv = area('IFV');
    expect(ifv.supplierHhi!.top).toBe('DE');
    expect(ifv.sellerHhi!.top).toBe('NL');
    expect(reg.families.find((f) => f.id === 'cv90')).toMatchObject({ designCountry: 'SE' });
  });

  describe('11 and 12 through the CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-fig-'));
    const o = (extra: Record<string, string | boolean> = {}) => ({ format: 'table', dataDir: dir, ...extra });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('11. names, not ids: opportunities, orders and the pipeline show programmes; ids sort 2 before 10', async () => {
      await runPlan('import', [], o());
      const opp = await runPlan('opportunities', [], o({ format: 'csv' }));
      expect(opp).toMatch(/LV Archer/);
      expect(opp).not.toMatch(/baltic-equipment:\d/);
      expect(opp).toMatch(/155 mm self-propelled artillery/);
      const sch = await runPlan('schedule', [], o({ whatIf: 'none' }));
      expect(sch).toMatch(/LT CAESAR Mk II 6x6/);
      const pipe = JSON.parse(await runPlan('pipeline', [], o({ format: 'json' })));
      const ids = pipe.programmes.map((x: { id: string }) => x.id);
      expect(ids.indexOf('baltic-equipment:2')).toBeLessThan(ids.indexOf('baltic-equipment:10'));
      const m = await runPlan('mosaic', [], o({ format: 'csv' }));
      expect(m).toMatch(/Loitering munitions/);
    }, 60_000);

    it('12. one default as-of (the data’s, 2026-06) for CLI, API and pages, whatever the clock says', async () => {
      const opp = await runPlan('opportunities', [], o());
      expect(opp).toMatch(/as of 2026-06/);
      expect(findOpportunities(reg).parameters.asOf).toBe('2026-06');
      expect(computePipeline(reg).parameters.asOf).toBe('2026-06');
      expect((computeMosaic(reg) as { asOf?: string }).asOf).toBe('2026-06');
    }, 60_000);
  });

  it('docs/planner.md no longer says the CLI commands are not registered', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/planner.md'), 'utf8');
    expect(doc).not.toMatch(/Until `src\/cli\/main\.ts` registers the commands/);
  });
});
