/**
 * Money and fleets in the field on small hand-made registries: every expected figure is worked out by hand in the
 * comments (envelope, profile payments, shortfalls, the HiGHS fit's €m-years, fielded counts and gaps).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prog, registry } from '../../../test/planner/fixture.js';
import { stopSolver } from '../solver.js';
import { affordability } from './affordability.js';
import { loadBudgets, nationBudgetSchema } from './budget.js';
import { profilePayments } from './cashflow.js';
import { fitToCaps } from './fit.js';
import { targetSchema, targetsVersusFielded } from '../targets/targets.js';

// Envelope = GDP €10bn × 2 % × 25 % × 100 % = €50m a year (no growth).
const budget = nationBudgetSchema.parse({
  id: 'XX',
  gdp: { eurBn: 10, year: 2026, growthPct: 0 },
  defencePctGdp: [{ from: 2026, pct: 2 }],
  equipmentPct: { pct: 25 },
  sources: [{ id: 'SAFE', name: 'SAFE', kind: 'eu-loan', loan: true, byYear: { '2027': 10 } }],
  programmes: [{ system: 'Gamma', funding: [{ source: 'SAFE', share: 0.5 }] }],
});
const stage = (at: string) => ({ at, text: at });
const reg = registry({
  programmes: [
    // A: €100m, contract 2026, deliveries 2027-2028 → 2026: 20, 2027: 40, 2028: 40.
    prog({
      id: 'a',
      nation: 'XX',
      family: 'f',
      system: 'Alpha',
      statuses: ['ordered'],
      valueEurM: { value: 100, kind: 'exact' },
      stages: { contract: stage('2026-01'), firstDelivery: stage('2027-06'), lastDelivery: stage('2028-06') },
    }),
    // B: €60m, contract 2027, no delivery dates → first 2029 (contract + 2), last 2030 (contract + 3):
    // 2027: 12, 2029: 24, 2030: 24.
    prog({
      id: 'b',
      nation: 'XX',
      family: 'f',
      system: 'Beta',
      statuses: ['ordered'],
      valueEurM: { value: 60, kind: 'exact' },
      stages: { contract: stage('2027-02') },
    }),
    // C: €50m, contract and delivery 2027, half from SAFE → 2027: national 25, SAFE 25 (SAFE allows 10).
    prog({
      id: 'c',
      nation: 'XX',
      family: 'f',
      system: 'Gamma',
      statuses: ['ordered'],
      valueEurM: { value: 50, kind: 'exact' },
      stages: { contract: stage('2027-03'), firstDelivery: stage('2027-09'), lastDelivery: stage('2027-12') },
    }),
    // D: planned, no value: listed as not priced.
    prog({ id: 'd', nation: 'XX', family: 'f', system: 'Delta', statuses: ['planned'] }),
  ],
});

afterAll(() => stopSolver());

describe('money', () => {
  it('spreads a contract by the default profile: 20 % at contract, the rest evenly over deliveries', () => {
    expect(profilePayments(100, 2026, 2027, 2028, 20)).toEqual({ 2026: 20, 2027: 40, 2028: 40 });
    expect(profilePayments(10, 2027, 2027, 2027, 20)).toEqual({ 2027: 10 });
  });

  it('checks each year: national due against the envelope, each source against its amount', () => {
    const a = affordability(reg, [budget], { fromYear: 2026, years: 5 });
    const rows = a.nations[0]!.rows;
    expect(rows.map((r) => r.envelopeEurM)).toEqual([50, 50, 50, 50, 50]);
    // 2026: A 20. 2027: A 40 + B 12 + C 25 national = 77 > 50 (short 27), SAFE 25 > 10 (short 15).
    // 2028: A 40. 2029: B 24. 2030: B 24.
    expect(rows.map((r) => r.nationalDueEurM)).toEqual([20, 77, 40, 24, 24]);
    expect(rows.map((r) => r.dueEurM)).toEqual([20, 102, 40, 24, 24]);
    expect(rows[1]!.sources).toEqual([{ source: 'SAFE', dueEurM: 25, capEurM: 10, shortEurM: 15 }]);
    expect(rows[1]).toMatchObject({ affordable: false, shortEurM: 42, headroomEurM: -27 });
    expect(rows.filter((r) => !r.affordable).map((r) => r.year)).toEqual([2027]);
    expect(a.nations[0]!.firstShortYear).toBe(2027);
    expect(a.unpriced.map((u) => u.programme)).toEqual(['d']);
    const b = a.lines.find((l) => l.programme === 'b')!;
    expect([b.firstDeliveryYear, b.lastDeliveryYear]).toEqual([2029, 2030]);
    expect(b.basis.join(' ')).toMatch(/first delivery 2029: default/);
  });

  it('fits payments to the caps with HiGHS for the least delay', async () => {
    const a = affordability(reg, [budget], { fromYear: 2026, years: 5 });
    const f = await fitToCaps(a, [budget]);
    expect(f.status).toBe('Optimal');
    // National: 27 over in 2027; 2028 has 10 spare (50 − 40), 2029 has 26 (50 − 24): owed 27 after 2027,
    // 17 after 2028, 0 after 2029 → 44 €m-years. SAFE: 15 over in 2027 and no SAFE money later → owed 15
    // after each of 2027-2030 → 60 €m-years, beyond the horizon. Total 104.
    expect(f.delayEurMYears).toBeCloseTo(104, 1);
    const nat = f.nations[0]!.rows.map((r) => r.paidNationalEurM);
    expect(nat).toEqual([20, 50, 50, 41, 24]);
    // The oldest contract (A) is paid as scheduled.
    const A = f.lines.find((l) => l.programme === 'a')!;
    expect(A.paidByYear).toEqual(A.dueByYear);
    expect(A.slipYears).toBe(0);
    const C = f.lines.find((l) => l.programme === 'c')!;
    expect(C.beyondEurM).toBeCloseTo(15, 1);
    expect(C.slipYears).toBe('beyond');
  });

  it('reads the seed budget file: every nation has a source for GDP, defence % and equipment %', () => {
    const file = loadBudgets();
    expect(file.nations.map((n) => n.id)).toEqual(['EE', 'LV', 'LT']);
    for (const n of file.nations) {
      expect(n.gdp.source).not.toBe('');
      expect(n.defencePctGdp.every((s) => s.source !== '')).toBe(true);
      expect(n.equipmentPct.source).not.toBe('');
    }
  });
});

describe('fleets in the field', () => {
  const p = prog({
    id: 'g1',
    nation: 'XX',
    area: 'SPA',
    family: 'g',
    statuses: ['delivering'],
    quantity: { value: 20, kind: 'exact' },
    delivered: { value: 5, kind: 'exact' },
    combat: { value: 18, kind: 'exact' },
    deliveredAsOf: '2026-06',
    stages: { lastDelivery: stage('2028-06') },
  });
  const planned = prog({
    id: 'h1',
    nation: 'XX',
    area: 'SPA',
    family: 'h',
    statuses: ['planned'],
    quantity: { value: 10, kind: 'exact' },
  });
  const r = registry({ programmes: [p, planned] });

  it('counts fielded units by year and the gap to the target', () => {
    const t = [
      targetSchema.parse({ id: 't1', nation: 'XX', area: 'SPA', family: 'g', quantity: 18, by: 2028 }),
      targetSchema.parse({
        id: 't2',
        nation: 'XX',
        area: 'SPA',
        quantity: 20,
        by: 2027,
        measure: 'inService',
      }),
    ];
    const res = targetsVersusFielded(r, t, { asOf: '2026-06' });
    // Linear from 5 (2026-06) to 20 (2028-06): 2026-12 → 5 + 15 × 6/24 = 8.75 ≈ 9; 2027-12 → 5 + 15 × 18/24 =
    // 16.25 ≈ 16; 2028-12 → 20, of which 18 combat-ready (2 training and spare).
    const t1 = res.targets[0]!;
    expect(t1.years.slice(0, 4)).toEqual([
      { month: '2026-12', fielded: 9, gap: 9 },
      { month: '2027-12', fielded: 16, gap: 2 },
      { month: '2028-12', fielded: 18, gap: 0 },
      { month: '2029-12', fielded: 18, gap: 0 },
    ]);
    expect(t1).toMatchObject({ fieldedNow: 5, fieldedBy: 18, gapBy: 0, met: true, reaches: '2028-12' });
    // Area-wide, in service: the planned programme adds nothing (no delivery plan) and is named.
    const t2 = res.targets[1]!;
    expect(t2).toMatchObject({ fieldedBy: 16, gapBy: 4, met: false, reaches: '2028-12' });
    expect(t2.programmes.find((x) => x.id === 'h1')!.note).toMatch(/no delivery plan/);
  });
});
