/** The hub counts a page's flow window in the page's unit: UTF-16 code units, not bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf16Length } from '../../src/transports/web/live.js';

describe('utf16Length', () => {
  it('is the JS string length of the UTF-8 text, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(utf16Length(Buffer.from(s))).toBe(s.length);
      }),
      { numRuns: 500 },
    );
  });

  it('counts Baltic callsigns and remarks as the page does', () => {
    for (const s of ['Šiauliai', 'Rīga–Daugavpils', 'Tõnis Mägi', '🛡️ BW', 'plain ascii'])
      expect(utf16Length(Buffer.from(s))).toBe(s.length);
  });
});
