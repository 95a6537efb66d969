import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDecimal } from './values.js';

describe('parseDecimal', () => {
  it('equals Number() on every plain decimal (fast path and fallback)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 });
    const decimal = fc
      .tuple(
        fc.boolean(),
        digits,
        fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 20 })),
      )
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(decimal, (s) => {
        expect(Object.is(parseDecimal(s), Number(s))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = String(d);
        expect(Object.is(parseDecimal(s), Number(s))).toBe(true);
        const fixed = d.toFixed(6);
        expect(Object.is(parseDecimal(fixed), Number(fixed))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses what Number() would wrongly accept', () => {
    for (const s of ['', ' 1', '0x10', 'Infinity', '-', '.', '1..2', '1e', '--1', '+']) {
      expect(parseDecimal(s)).toBeNaN();
    }
    expect(parseDecimal('1e3')).toBe(1000);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('80.24833892285461')).toBe(80.24833892285461);
    expect(Object.is(parseDecimal('-0'), -0)).toBe(true);
  });
});
