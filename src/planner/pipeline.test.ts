import { describe, expect, it } from 'vitest';
import { prog, registry, seed } from '../../test/planner/fixture.js';
import { computePipeline, median } from './pipeline.js';

const st = (s: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(s).map(([k, at]) => [k, { at, text: at, approx: false, planned: false }]),
  );

describe('pipeline', () => {
  const reg = registry({
    programmes: [
      prog({
        id: 'p1',
        nation: 'EE',
        family: 'a',
        stages: st({
          requirement: '2020-01',
          budgetApproved: '2020-07',
          contract: '2021-01',
          firstDelivery: '2022-01',
          lastDelivery: '2023-01',
        }),
      }),
      prog({
        id: 'p2',
        nation: 'LV',
        family: 'a',
        statuses: ['ordered'],
        stages: st({ budgetApproved: '2021-01', contract: '2022-01', firstDelivery: '2027-01' }),
        confidence: 'B',
      }),
      prog({
        id: 'p3',
        nation: 'LT',
        family: 'b',
        statuses: ['planned'],
        stages: st({ budgetApproved: '2024-01' }),
        valueEurM: { value: 50, kind: 'approx' },
      }),
      prog({
        id: 'p4',
        nation: 'LT',
        family: 'c',
        statuses: ['planned'],
        stages: st({ requirement: '2026-01' }),
      }),
    ],
  });
  const r = computePipeline(reg, { asOf: '2026-06', stallMonths: 18 });

  it('measures stage durations per programme', () => {
    expect(r.programmes[0]!.durations.map((d) => [d.from, d.to, d.months])).toEqual([
      ['requirement', 'budgetApproved', 6],
      ['budgetApproved', 'contract', 6],
      ['contract', 'firstDelivery', 12],
      ['firstDelivery', 'lastDelivery', 12],
    ]);
    expect(r.programmes[1]!.stages.firstDelivery!.planned).toBe(true);
  });
  it('takes the median budget-to-contract time over programmes with both dates', () => {
    expect(r.medians.budgetToContract).toMatchObject({
      months: 9,
      n: 2,
      min: 6,
      max: 12,
      from: ['p1', 'p2'],
      confidence: 'B',
    });
    expect(r.medians.contractToFirstDelivery).toMatchObject({ months: 12, n: 1 });
  });
  it('flags programmes stalled beyond the threshold and money approved but not contracted', () => {
    expect(r.stalled.map((p) => [p.id, p.stallReason])).toEqual([
      ['p3', '29 months since budgetApproved without a contract (threshold 18)'],
    ]);
    expect(r.approvedNotContracted).toEqual({
      programmes: ['p3'],
      knownValueEurM: 50,
      unknownValue: [],
      confidence: 'A',
    });
    expect(computePipeline(reg, { asOf: '2026-06', stallMonths: 36 }).stalled).toEqual([]);
  });
  it('median of an even count is the mean of the middle two', () => {
    expect(median([3, 1, 10, 4])).toBe(3.5);
  });
  it('on the seed: LT CV90 and LV Archer are approved but not contracted', () => {
    const s = computePipeline(seed().reg, { asOf: '2026-06' });
    const names = s.approvedNotContracted.programmes.map(
      (id) => seed().reg.programmes.find((p) => p.id === id)!.system,
    );
    expect(names.sort()).toEqual(['Archer', 'CV90', 'HIMARS']);
    expect(s.medians.requirementToContract!.n).toBeGreaterThanOrEqual(8);
  });
});
