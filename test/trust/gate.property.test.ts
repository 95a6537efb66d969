/**
 * Issue 3: the egress gate's answer equals a plainly written oracle for 100,000 random (label, identity) pairs.
 * The oracle is written from the issue text, not from labelPermits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Gate, egress } from '../../src/hub/gate.js';
import type { Identity } from '../../src/model/identity.js';
import type { Category, Classification, Label } from '../../src/model/label.js';

const LEVELS: Classification[] = ['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'];
const NATIONS = ['LTU', 'LVA', 'EST', 'DEU', 'POL', 'FIN', 'USA'];
const CATS = ['NATO', 'EU', 'CRYPTO', 'MISSION-A', 'MISSION-B'];
const GROUPS = ['Blue', 'Red', 'Cyan', '__ANON__'];

/** May `who` see `label` in `groups`? Written out step by step, independent of the implementation. */
function oracle(label: Label, groups: string[] | undefined, who: Identity): boolean {
  if (groups !== undefined) {
    let shared = false;
    for (const g of groups) for (const h of who.groups) if (g === h) shared = true;
    if (!shared) return false;
  }
  if (LEVELS.indexOf(who.clearance) < LEVELS.indexOf(label.classification)) return false;
  const held: string[] = [...who.categories];
  if (who.nation) held.push(who.nation);
  for (const cat of label.categories) {
    if (cat.type === 'PERMISSIVE') {
      let any = false;
      for (const v of cat.values) if (held.includes(v)) any = true;
      if (!any) return false;
    }
    if (cat.type === 'RESTRICTIVE') {
      for (const v of cat.values) if (!who.categories.includes(v)) return false;
    }
  }
  return true;
}

const level = fc.constantFrom(...LEVELS);
const category: fc.Arbitrary<Category> = fc.oneof(
  fc.record({
    tag: fc.constant('Releasable to'),
    type: fc.constant('PERMISSIVE' as const),
    values: fc.uniqueArray(fc.constantFrom(...NATIONS, 'NATO', 'EU'), { maxLength: 4 }),
  }),
  fc.record({
    tag: fc.constantFrom('Mission', 'Crypto'),
    type: fc.constantFrom('RESTRICTIVE' as const, 'INFORMATIVE' as const, 'PERMISSIVE' as const),
    values: fc.uniqueArray(fc.constantFrom(...CATS), { maxLength: 3 }),
  }),
);
const label: fc.Arbitrary<Label> = fc.record({
  policy: fc.constant('NATO'),
  classification: level,
  categories: fc.array(category, { maxLength: 3 }),
});
const identity: fc.Arbitrary<Identity> = fc.record({
  id: fc.string({ maxLength: 8 }),
  kind: fc.constantFrom('user' as const, 'unit' as const, 'device' as const),
  nation: fc.option(fc.constantFrom(...NATIONS), { nil: undefined }),
  clearance: level,
  categories: fc.uniqueArray(fc.constantFrom(...CATS, ...NATIONS), { maxLength: 4 }),
  groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 3 }),
});
const groups = fc.option(fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 2 }), {
  nil: undefined,
});

describe('egress gate vs oracle', () => {
  // 100,000 runs take ~5 s idle; allow for a loaded 2-core CI machine.
  it('agrees on 100,000 random (label, identity) pairs', { timeout: 180_000 }, () => {
    const gate = new Gate();
    let allowed = 0;
    fc.assert(
      fc.property(label, groups, identity, (l, g, who) => {
        const d = gate.egress(
          g === undefined ? { label: l } : { label: l, groups: g },
          who,
          'stream',
          'uid-1',
        );
        if (d.allow) allowed++;
        expect(d.allow).toBe(oracle(l, g, who));
        if (!d.allow) expect(d.reason).toMatch(/^(group|clearance|permissive:.+|restrictive:.+)$/);
      }),
      { numRuns: 100_000 },
    );
    expect(gate.checks).toBe(100_000);
    // Both answers must be well represented, or the test proves little.
    expect(allowed).toBeGreaterThan(5_000);
    expect(allowed).toBeLessThan(95_000);
  });

  it('denies a SECRET track to a RESTRICTED client and an LTU+DEU feed to a POL client', () => {
    const pol: Identity = {
      id: 'p',
      kind: 'user',
      nation: 'POL',
      clearance: 'SECRET',
      categories: [],
      groups: ['Blue'],
    };
    const ltuFeed: Label = {
      policy: 'NATO',
      classification: 'RESTRICTED',
      categories: [{ tag: 'Releasable to', type: 'PERMISSIVE', values: ['LTU', 'DEU'] }],
    };
    expect(egress({ label: ltuFeed }, pol, 'stream')).toEqual({
      allow: false,
      reason: 'permissive:Releasable to',
    });
    expect(egress({ label: ltuFeed }, { ...pol, nation: 'DEU' }, 'stream')).toEqual({ allow: true });
    const secret: Label = { policy: 'NATO', classification: 'SECRET', categories: [] };
    expect(egress({ label: secret }, { ...pol, clearance: 'RESTRICTED' }, 'rest')).toEqual({
      allow: false,
      reason: 'clearance',
    });
  });
});
