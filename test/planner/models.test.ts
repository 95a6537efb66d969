/**
 * Issue 21 section 2: models a planner can defend — warm production lines, unit against package cost, what
 * pooling buys beyond learning, switching cost, unranked zero-quantity proposals, printed assumptions.
 */
import { describe, expect, it } from 'vitest';
import { poolingSavings } from '../../src/planner/learning.js';
import { findOpportunities } from '../../src/planner/opportunities.js';
import { ordersFromRegistry } from '../../src/planner/orders.js';
import { compareWhatIfs } from '../../src/planner/whatif.js';
import { fam, line, prog, registry, seed } from './fixture.js';

describe('warm production lines', () => {
  it('with 100 earlier units pooling saves 0.43 % (HIMARS 6 + 6) and 1.49 % (CAESAR 48 + 18), not 8 %', () => {
    expect(poolingSavings([6, 6], { learningRate: 0.9, priorUnits: 100 }).savingShare).toBeCloseTo(
      0.00427,
      4,
    );
    expect(poolingSavings([48, 18], { learningRate: 0.9, priorUnits: 100 }).savingShare).toBeCloseTo(
      0.01489,
      4,
    );
    expect(poolingSavings([48, 18], { learningRate: 0.9 }).savingShare).toBeCloseTo(0.0812, 3);
  });

  it('on the seed, CAESAR and HIMARS lines are warm: the learning saving is under 1 %', () => {
    const r = findOpportunities(seed().reg, { asOf: '2026-06' });
    const spa = r.opportunities.find((o) => o.area === 'SPA')!.proposal;
    expect(spa.savings!.priorUnits).toBeGreaterThan(450);
    expect(spa.savings!.savingShare).toBeLessThan(0.01);
    expect(spa.savings!.costBasis).toBe('unit');
    expect(spa.savings!.firstUnitBasis).toMatch(/unit cost €5m \(2022 prices/);
    // What pooling really buys: one configuration, a smaller spares stock, one training pipeline.
    expect(spa.benefits.configurations).toEqual({ national: 2, pooled: 1 });
    expect(spa.benefits.sparesStockReduction).toBeCloseTo(
      1 - Math.sqrt(66) / (Math.sqrt(48) + Math.sqrt(18)),
      10,
    );
    // Switching cost counted: LV's 18 Archers of 66 change family.
    expect(spa.switching).toEqual([{ name: 'LV Archer', quantity: 18, stage: 'budgetApproved 2026-01' }]);
    expect(spa.components.switching).toBeCloseTo(18 / 66, 10);
    expect(r.assumptions.join(' ')).toMatch(/a judgement, not a fact/);
    expect(r.parameters).toMatchObject({ priceYear: 2026, escalation: 0.03 });
  });
});

describe('scores', () => {
  it('a proposal pooling no known quantity is listed, not ranked', () => {
    const reg = registry({
      areas: [{ id: 'X', name: 'X', unit: 'vehicles', aliases: [], alsoUnits: [], category: 'platform' }],
      families: [fam({ id: 'f1' })],
      lines: [line({ id: 'l', family: 'f1', perMonth: 1 })],
      programmes: [
        prog({ id: 'a', nation: 'EE', family: 'f1', area: 'X', statuses: ['planned'], lots: ['2026-01'] }),
        prog({ id: 'b', nation: 'LV', family: 'f1', area: 'X', statuses: ['planned'], lots: ['2026-03'] }),
      ],
    });
    const r = findOpportunities(reg, { asOf: '2026-06' });
    expect(r.opportunities).toEqual([]);
    expect(r.unranked).toEqual([
      { area: 'X', nations: ['EE', 'LV'], family: 'F1', reason: 'no pooled programme has a known quantity' },
    ]);
  });
});

describe('scheduler defaults and what-ifs', () => {
  it('states every default, derives slip from the pipeline, and each default what-if changes something', async () => {
    const { reg } = seed();
    const built = ordersFromRegistry(reg, { months: 72 });
    expect(built.input.start).toBe('2026-07');
    expect(built.defaults.join('\n')).toMatch(/decision \+ 36 months \(default\)/);
    expect(built.defaults.join('\n')).toMatch(/line himars-camden: 10 % of output .*assumption, grade C/);
    expect(built.slip).toMatchObject({ months: 6 });
    const run = await compareWhatIfs(built.input, undefined, { slipMonths: 6, slipBasis: built.slip!.basis });
    expect(run.summaries.map((s) => s.name)).toEqual([
      'base',
      'lines 25 % faster',
      'all orders pooled by family',
      'slip 6 months (history)',
      'second cv90-ornskoldsvik line',
    ]);
    expect(run.summaries.slice(1).every((s) => s.sameAsBase === false)).toBe(true);
  }, 120_000);
});
