/** Issue 21 section 3, ammunition: days of fire from weapons, consumption, stockpiles and production. */
import { describe, expect, it } from 'vitest';
import { computeAmmunition } from '../../src/planner/ammunition.js';
import { seed } from './fixture.js';

describe('days of fire', () => {
  const { reg, ref } = seed();

  it('counts the weapons that fire each munition, and flags stockpiles nobody entered', () => {
    const r = computeAmmunition(reg, ref.munitions, { asOf: '2026-06' });
    const shells = r.munitions.find((m) => m.munition === '155mm')!;
    const by = Object.fromEntries(shells.nations.map((n) => [n.nation, n]));
    // EE: K9 36 (24 reported, the rest expected by 2026) + CAESAR 12; LV: M109 47 less 6 given to Ukraine.
    expect(by.EE!.weaponsNow).toBe(48);
    expect(by.LV!.weaponsNow).toBe(41);
    expect(by.LT!.weaponsNow).toBe(18);
    expect(by.EE!.dailyNeedNow).toBe(48 * 40);
    expect(by.EE!.stockpileEntered).toBe(false);
    expect(shells.assumptions.join('\n')).toMatch(/EE: no stockpile entered/);
    // LT's 48 CAESAR Mk II arrive 2027-2030: the fleet that needs shells grows.
    expect(by.LT!.byYear.at(-1)!.weapons).toBe(66);
  });

  it('answers when each nation reaches 30 days with an entered stockpile and production', () => {
    const munitions = ref.munitions.map((m) =>
      m.id === '155mm' ? { ...m, stockpiles: { EE: 30_000, LV: 20_000, LT: 10_000 } } : m,
    );
    const r = computeAmmunition(reg, munitions, { asOf: '2026-06' });
    const ee = r.munitions[0]!.nations.find((n) => n.nation === 'EE')!;
    expect(ee.daysNow).toBeCloseTo(30_000 / (48 * 40), 6);
    expect(ee.reachesTarget).not.toBeNull();
    expect(ee.reachesTarget! > '2026-06').toBe(true);
    const sustained = computeAmmunition(reg, munitions, { asOf: '2026-06', intensity: 'sustained' });
    expect(sustained.munitions[0]!.nations.find((n) => n.nation === 'EE')!.daysNow).toBeCloseTo(
      30_000 / (48 * 15),
      6,
    );
  });
});
