import { describe, expect, it } from 'vitest';
import { seed } from '../../test/planner/fixture.js';
import { importCsv } from './import.js';
import { PlannerError } from './errors.js';
import { programmeSchema } from './schema.js';

describe('seed import', () => {
  const { report, ref } = seed();

  it('reads all 57 rows, splitting the Stinger / Grom row into two programmes', () => {
    expect(report.rows).toBe(57);
    expect(report.skippedRows).toEqual([]);
    expect(report.programmes).toHaveLength(58);
    const lt = report.programmes.filter((p) => p.reported.system === 'Stinger / Grom');
    // VSHORAD counts launchers and missiles apart; a bare number is a missile count (as SIPRI counts them).
    expect(lt.map((p) => [p.family, p.quantities[0]?.value, p.quantity, p.stages.contract?.at])).toEqual([
      ['stinger', 54, null, '2002-06'],
      ['grom', 80, null, '2014-06'],
    ]);
  });

  it('lists every cell it could not read, with line, column, text and reason', () => {
    const unreadable = report.issues
      .filter((i) => i.severity === 'unreadable')
      .map((i) => [i.line, i.column, i.text]);
    // "1 fire unit" is a battery and "70 systems" 70 launchers (UNIT_CONVERSIONS): both are read now.
    expect(unreadable).toEqual([
      [14, 'qty_ordered', 'undisclosed'],
      [20, 'qty_ordered', 'significant quantity'],
      [30, 'qty_ordered', 'undisclosed'],
    ]);
    expect(report.issues.find((i) => i.line === 21)?.reason).toMatch(/upper bound/);
  });

  it('keeps the text as reported and never invents a number', () => {
    const trucks = report.programmes.find((p) => p.id === 'baltic-equipment:21')!;
    expect(trucks.reported.qty_ordered).toBe('up to ~3000 (EE+LV)');
    // The ceiling is not a fleet; the delivered lower bound is the only fleet figure.
    expect(trucks.quantity).toMatchObject({ value: 265, kind: 'min' });
    expect(trucks.ceilingEurM).toMatchObject({ value: 693 });
    expect(trucks.valueEurM).toBeNull();
    const iris = report.programmes.find((p) => p.id === 'baltic-equipment:14')!;
    // Ordered undisclosed, 1 fire unit delivered: at least one battery.
    expect(iris.quantity).toMatchObject({ value: 1, kind: 'min', unit: 'batteries' });
    const nsm = report.programmes.find((p) => p.system === 'NSM CDS')!;
    expect(nsm.quantity).toBeNull(); // ordered empty, delivered 0: no fleet figure
  });

  it('carries the confidence grade (worst part of A/B) and reads stage words', () => {
    const lv = report.programmes.find((p) => p.nation === 'LV' && p.family === 'iris-t-slm')!;
    expect([lv.confidence, lv.confidenceText]).toEqual(['B', 'A/B']);
    const archer = report.programmes.find((p) => p.family === 'archer')!;
    expect(archer.stages.requirement?.at).toBe('2025-06');
    expect(archer.stages.budgetApproved?.at).toBe('2026-01');
    expect(archer.stages.contract).toBeUndefined();
    const ltCv90 = report.programmes.find((p) => p.nation === 'LT' && p.family === 'cv90')!;
    expect(ltCv90.stages.contract).toMatchObject({ at: '2026-06', planned: true });
    expect(ltCv90.stages.budgetApproved?.at).toBe('2025-12'); // from the reference file
  });

  it('refuses a file without the required columns and reports rows without a nation', () => {
    expect(() => importCsv('a,b\n1,2\n', { source: 't', areas: [], families: [] })).toThrow(PlannerError);
    const r = importCsv('nation,capability,system\n,IFV,CV90\nEE,IFV,CV90\n', {
      source: 't',
      areas: ref.areas,
      families: ref.families,
    });
    expect(r.skippedRows).toEqual([2]);
    expect(r.programmes).toHaveLength(1);
    expect(r.programmes[0]).toMatchObject({ area: 'IFV', family: 'cv90', confidence: 'C', quantity: null });
  });
});

describe('import robustness', () => {
  const { ref } = seed();
  it('any cell text gives a report, never an exception; any file gives a report or a BW_PLAN_CSV error', async () => {
    const fc = (await import('fast-check')).default;
    const header =
      'nation,capability,system,variant,supplier_country,prime,route,qty_ordered,qty_delivered,delivered_asof,order_date,first_delivery,last_delivery_planned,value_eur_m,status,confidence,source_keys';
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '~12',
        '>3',
        '1/2',
        '2024-H2',
        '(x)',
        '+',
        '/',
        ';',
        '~',
        '2027-2029 (conflicting)',
        '-5',
        '1e9',
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 17, maxLength: 17 }), { maxLength: 5 }), (rows) => {
        const csv = [header, ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join(
          '\n',
        );
        const rep = importCsv(csv, { source: 'fuzz', areas: ref.areas, families: ref.families });
        expect(rep.rows).toBe(rows.length);
        for (const p of rep.programmes) expect(programmeSchema.safeParse(p).success).toBe(true);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          importCsv(text, { source: 'fuzz', areas: ref.areas, families: ref.families });
        } catch (e) {
          expect(e).toBeInstanceOf(PlannerError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
