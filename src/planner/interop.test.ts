import { describe, expect, it } from 'vitest';
import { fam, prog, registry, seed } from '../../test/planner/fixture.js';
import { computeInterop } from './interop.js';

describe('interoperability', () => {
  const reg = registry({
    families: [
      fam({
        id: 'a',
        standards: { calibreMm: 155, ammoFamily: '155 NATO', dataLinks: ['Link 16'], protocols: ['cot'] },
      }),
      fam({
        id: 'b',
        standards: {
          calibreMm: 155,
          ammoFamily: '155 NATO',
          dataLinks: ['Link 16', 'VMF'],
          protocols: ['mavlink'],
        },
      }),
      fam({ id: 'c', standards: { ammoFamily: '120' } }),
    ],
    programmes: [
      prog({ id: '1', nation: 'EE', family: 'a' }),
      prog({ id: '2', nation: 'LV', family: 'b' }),
      prog({ id: '3', nation: 'LT', family: 'c' }),
      prog({ id: '4', nation: 'LT', family: 'a' }),
    ],
  });
  const [x] = computeInterop(reg);
  it('says what each pair shares and how it meets in the battlespace', () => {
    const ab = x!.pairs.find((p) => p.a === 'a' && p.b === 'b')!;
    expect(ab).toMatchObject({ sharedAmmo: true, sameCalibre: true, sharedDataLinks: ['Link 16'] });
    expect(ab.battlespace).toMatchObject({ meet: true, via: ['mavlink→cot'] });
    const ac = x!.pairs.find((p) => p.a === 'a' && p.b === 'c')!;
    expect(ac).toMatchObject({ sharedAmmo: false, sameCalibre: null, sharedDataLinks: [] });
    expect(ac.battlespace.meet).toBe(false);
    expect(x!.systems.find((s) => s.key === 'a')!.nations).toEqual(['EE', 'LT']);
  });
  it('on the seed: all 155 mm guns share ammunition, M109 has a shorter barrel', () => {
    const spa = computeInterop(seed().reg, 'SPA')[0]!;
    expect(spa.pairs).toHaveLength(10);
    expect(spa.pairs.every((p) => p.sharedAmmo === true)).toBe(true);
    expect(
      spa.pairs
        .filter((p) => p.sameBarrel === false)
        .map((p) => [p.a, p.b].sort().join('+'))
        .sort(),
    ).toEqual(['archer+m109', 'caesar+m109', 'k9+m109', 'm109+pzh2000']);
    const mrad = computeInterop(seed().reg, 'MRAD')[0]!;
    expect(mrad.pairs[0]).toMatchObject({ sharedAmmo: false, sharedDataLinks: ['Link 16'] });
  });
});
