import { describe, expect, it } from 'vitest';
import { fam, line, prog, registry, seed } from '../../test/planner/fixture.js';
import { cumulativeFactor, poolingSavings } from './learning.js';
import { findOpportunities } from './opportunities.js';
import { frameworkSchema } from './schema.js';

const st = (s: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(s).map(([k, at]) => [k, { at, text: at, approx: false, planned: false }]),
  );

describe('opportunity ranking on a fixture with a known answer', () => {
  const reg = registry({
    families: [fam({ id: 'f1' }), fam({ id: 'f2' }), fam({ id: 'f3' }), fam({ id: 'g1' })],
    lines: [line({ id: 'f1-line', family: 'f1', perMonth: 5, from: '2020-01' })],
    frameworks: [
      frameworkSchema.parse({ id: 'fw1', name: 'FW', participants: ['EE', 'LT'], families: ['f1'] }),
    ],
    programmes: [
      prog({
        id: 'ee-old',
        nation: 'EE',
        family: 'f1',
        quantity: { value: 40, kind: 'exact' },
        stages: st({ contract: '2010-01' }),
      }),
      prog({
        id: 'lv-old',
        nation: 'LV',
        family: 'f2',
        quantity: { value: 40, kind: 'exact' },
        stages: st({ contract: '2015-01' }),
      }),
      prog({
        id: 'lt-f3',
        nation: 'LT',
        family: 'f3',
        statuses: ['ordered'],
        quantity: { value: 10, kind: 'exact' },
        lots: ['2018-01'],
        stages: st({ contract: '2018-01' }),
      }),
      prog({
        id: 'ee-new',
        nation: 'EE',
        family: 'f1',
        statuses: ['planned'],
        quantity: { value: 20, kind: 'exact' },
        stages: st({ requirement: '2026-01' }),
      }),
      prog({
        id: 'lv-new',
        nation: 'LV',
        family: 'f2',
        statuses: ['planned'],
        quantity: { value: 20, kind: 'exact' },
        stages: st({ requirement: '2026-06' }),
        confidence: 'B',
      }),
      prog({
        id: 'lt-new',
        nation: 'LT',
        family: 'f1',
        statuses: ['ordered'],
        quantity: { value: 30, kind: 'exact' },
        lots: ['2025-06'],
        stages: st({ contract: '2025-06' }),
      }),
      prog({
        id: 'ee-y',
        nation: 'EE',
        area: 'Y',
        family: 'g1',
        statuses: ['planned'],
        quantity: { value: 10, kind: 'exact' },
        stages: st({ requirement: '2026-03' }),
      }),
      prog({
        id: 'lv-y',
        nation: 'LV',
        area: 'Y',
        family: 'g1',
        statuses: ['planned'],
        quantity: { value: 10, kind: 'exact' },
        stages: st({ requirement: '2026-04' }),
      }),
    ],
  });
  const r = findOpportunities(reg, { asOf: '2026-06', windowYears: 3 });

  it('finds the two groups and ranks X above Y', () => {
    expect(r.opportunities.map((o) => [o.rank, o.area, o.proposal.family])).toEqual([
      [1, 'X', 'f1'],
      [2, 'Y', 'g1'],
    ]);
    const x = r.opportunities[0]!;
    expect(x.programmes.map((p) => p.id)).toEqual(['lt-new', 'ee-new', 'lv-new']);
    expect(x.confidence).toBe('B');
  });

  it('pools open programmes and same-family contracts, and scores by the documented formula', () => {
    const p = r.opportunities[0]!.proposal;
    expect(p.pooled.map((x) => [x.programme, x.switches])).toEqual([
      ['lt-new', false],
      ['ee-new', false],
      ['lv-new', true],
    ]);
    expect(p.pooledQuantity).toBe(70);
    // Fleet before: f1 90, f2 60, f3 10; after LV's 20 move to f1: f1 110, f2 40, f3 10.
    const before = 1 / ((90 / 160) ** 2 + (60 / 160) ** 2 + (10 / 160) ** 2);
    const after = 1 / ((110 / 160) ** 2 + (40 / 160) ** 2 + (10 / 160) ** 2);
    expect(p.typesBefore).toBeCloseTo(before, 10);
    expect(p.typesAfter).toBeCloseTo(after, 10);
    expect(p.components.types).toBeCloseTo((before - after) / before, 10);
    expect(p.components.volume).toBeCloseTo(70 / 160, 10);
    expect(p.components.framework).toBeCloseTo(2 / 3, 10);
    expect(p.components.capacity).toBe(1);
    expect(p.score).toBeCloseTo(
      0.3 * ((before - after) / before) + 0.2 * (70 / 160) + 0.25 * (2 / 3) + 0.25 - 0.1 * (20 / 70),
      10,
    );
    const alt = r.opportunities[0]!.alternatives[0]!;
    // f2 pools 40 units, 20 of which (LV) would switch family: 0.2 × 40/160 − 0.1 × 20/40 = 0.
    expect([alt.family, alt.locked, alt.components.switching]).toEqual(['f2', ['lt-new'], 0.5]);
    expect(alt.score).toBeCloseTo(0.2 * (40 / 160) - 0.1 * 0.5, 10);
  });

  it('estimates savings with the learning curve over national lots 20, 20, 30', () => {
    const s = r.opportunities[0]!.proposal.savings!;
    const S = (n: number) =>
      Array.from({ length: n }, (_x, i) => Math.pow(i + 1, Math.log2(0.9))).reduce((a, b) => a + b, 0);
    expect(s.savingShare).toBeCloseTo(1 - S(70) / (2 * S(20) + S(30)), 10);
    expect(r.parameters).toMatchObject({ windowYears: 3, learningRate: 0.9, asOf: '2026-06' });
  });

  it('counts only capacity not booked by other contracts of the family', () => {
    const cap = r.opportunities[0]!.proposal.capacity!;
    expect(cap).toMatchObject({ booked: 0, lines: ['f1-line'] });
    const other = prog({
      id: 'pl-f1',
      nation: 'PL',
      family: 'f1',
      statuses: ['delivering'],
      quantity: { value: 100, kind: 'exact' },
      delivered: { value: 20, kind: 'exact' },
      lots: ['2015-01'],
      stages: st({ contract: '2015-01' }),
    });
    const r2 = findOpportunities({ ...reg, programmes: [...reg.programmes, other] }, { asOf: '2026-06' });
    const cap2 = r2.opportunities.find((o) => o.area === 'X')!.proposal.capacity!;
    expect([cap2.booked, cap2.units]).toEqual([80, cap.units - 80]);
  });

  it('lets the weights change the ranking', () => {
    const w = findOpportunities(reg, {
      asOf: '2026-06',
      weights: { types: 0, volume: 1, framework: 0, capacity: 0 },
    });
    expect(w.opportunities.map((o) => o.area)).toEqual(['Y', 'X']);
  });
});

describe('learning curve', () => {
  it('two single units at 80 % cost 2 nationally and 1.8 pooled', () => {
    const s = poolingSavings([1, 1], { learningRate: 0.8, firstUnitCost: 10 });
    expect(s.savingShare).toBeCloseTo(0.1, 12);
    expect(s.saving).toBeCloseTo(2, 12);
  });
  it('integral approximation agrees with the exact sum', () => {
    const exact = cumulativeFactor(100_000, 0.85);
    const approx = cumulativeFactor(100_001, 0.85) - Math.pow(100_001, Math.log2(0.85));
    expect(Math.abs(approx - exact) / exact).toBeLessThan(1e-4);
  });
});

describe('opportunities on the seed data', () => {
  const r = findOpportunities(seed().reg, { asOf: '2026-06' });
  it('proposes CV90 for IFVs (coalition), HIMARS for rockets and CAESAR for LV Archer + LT', () => {
    const byArea = Object.fromEntries(r.opportunities.map((o) => [o.area, o.proposal]));
    expect(byArea.IFV!.family).toBe('cv90');
    expect(byArea.IFV!.frameworks).toContain('cv90-coalition');
    expect(byArea.RA!.family).toBe('himars');
    expect(byArea.SPA!.family).toBe('caesar');
    expect(byArea.SPA!.pooledQuantity).toBe(66);
    // IRIS-T for EE and LV is already one signed framework: nothing left to decide, so no opportunity.
    expect(byArea.MRAD).toBeUndefined();
  });
});
