import { describe, expect, it } from 'vitest';
import { fam, prog, registry, seed } from '../../test/planner/fixture.js';
import { computeMosaic } from './mosaic.js';

describe('mosaic on a hand-computed fixture', () => {
  const reg = registry({
    areas: [{ id: 'X', name: 'X area', unit: 'vehicles', aliases: [], alsoUnits: [], category: 'platform' }],
    families: [
      fam({ id: 'f1', standards: { ammoFamily: '155' } }),
      fam({ id: 'f2', standards: { ammoFamily: '155' } }),
      fam({ id: 'f3', standards: { ammoFamily: '120' } }),
    ],
    programmes: [
      prog({
        id: 'a',
        nation: 'EE',
        family: 'f1',
        quantity: { value: 60, kind: 'exact' },
        supplierCountries: ['SE'],
      }),
      prog({
        id: 'b',
        nation: 'LV',
        family: 'f1',
        quantity: { value: 20, kind: 'approx' },
        supplierCountries: ['SE'],
        confidence: 'B',
      }),
      prog({
        id: 'c',
        nation: 'LT',
        family: 'f2',
        quantity: { value: 20, kind: 'exact' },
        supplierCountries: ['DE', 'FR'],
      }),
      prog({
        id: 'd',
        nation: 'LT',
        family: 'f3',
        statuses: ['planned'],
        quantity: { value: 50, kind: 'exact' },
      }),
      prog({ id: 'e', nation: 'LV', family: 'f2', confidence: 'C' }),
    ],
  });
  const m = computeMosaic(reg);
  const x = m.areas[0]!;

  it('counts families and leaves planned programmes out by default', () => {
    expect(x.familyCount).toBe(2);
    expect(computeMosaic(reg, { includePlanned: true }).areas[0]!.familyCount).toBe(3);
  });
  it('with a quantity unknown (e), shares are n/a; the known rows alone give 1 / (0.8² + 0.2²)', () => {
    expect(x.effectiveTypes).toBeNull();
    expect(x.unknownQuantity).toEqual(['e']);
    expect(x.knownOnly!.effectiveTypes).toBeCloseTo(1 / 0.68, 10);
    expect(x.excluded).toEqual([{ programme: 'e', reason: 'no readable quantity in the area unit' }]);
    const known = computeMosaic({ ...reg, programmes: reg.programmes.filter((p) => p.id !== 'e') }).areas[0]!;
    expect(known.effectiveTypes!.hhi).toBeCloseTo(0.68, 10);
    expect(known.effectiveTypes!.value).toBeCloseTo(1 / 0.68, 10);
    expect(known.effectiveTypes!.confidence).toBe('B');
    expect(known.effectiveTypes!.from.sort()).toEqual(['a', 'b', 'c']);
  });
  const known = computeMosaic({ ...reg, programmes: reg.programmes.filter((p) => p.id !== 'e') }).areas[0]!;
  it('supplier HHI splits multi-country rows equally: SE 0.8, DE 0.1, FR 0.1', () => {
    expect(known.supplierHhi!.value).toBeCloseTo(0.66, 10);
    expect(known.supplierHhi!.top).toBe('SE');
  });
  it('ammunition pool covers all (even with e unknown: every row fires 155), spares pool the largest family', () => {
    expect(known.ammoCommonShare).toMatchObject({ value: 1, pool: '155' });
    expect(known.sparesCommonShare).toMatchObject({ value: 0.8, pool: 'f1' });
    expect(x.sparesCommonShare).toBeNull();
  });
  it('fills the nations × areas matrix', () => {
    expect(m.matrix.X!.LV).toEqual({
      families: ['f1', 'f2'],
      quantity: null, // e's quantity is unknown: the cell's total is too
      confidence: 'C',
      programmes: ['b', 'e'],
    });
  });
});

describe('mosaic on the seed data reproduces the issue counts', () => {
  const m = computeMosaic(seed().reg);
  const area = (id: string) => m.areas.find((a) => a.area === id)!;
  it('5 families of 155 mm SP guns (Archer ordered; CAESAR Mk I and Mk II one family)', () => {
    expect(
      area('SPA')
        .families.map((f) => f.family)
        .sort(),
    ).toEqual(['archer', 'caesar', 'k9', 'm109', 'pzh2000']);
    expect(area('SPA').variantCount).toBe(6);
  });
  it('3 IFV families', () => {
    expect(
      area('IFV')
        .families.map((f) => f.family)
        .sort(),
    ).toEqual(['ascod', 'boxer', 'cv90']);
  });
  it('2 medium-range air-defence systems', () => {
    expect(
      area('MRAD')
        .families.map((f) => f.family)
        .sort(),
    ).toEqual(['iris-t-slm', 'nasams']);
  });
  it('5 VSHORAD / MANPADS missiles across the MANPADS, VSHORAD and SHORAD rows', () => {
    expect(
      area('VSHORAD')
        .families.map((f) => f.family)
        .sort(),
    ).toEqual(['grom', 'mistral', 'piorun', 'rbs70', 'stinger']);
  });
  it('HIMARS dominates rocket artillery: 20 of 26 launchers', () => {
    expect(area('RA').sparesCommonShare).toMatchObject({ pool: 'himars' });
    expect(area('RA').sparesCommonShare!.value).toBeCloseTo(20 / 26, 10);
  });
});
