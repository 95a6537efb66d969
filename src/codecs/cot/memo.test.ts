import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCot } from './decode.js';
import { ElementMemo, MEMO_MAX_CHARS } from './xml-scan.js';

const t = '2026-11-27T08:00:00.000Z';
const stale = '2026-11-27T08:06:00.000Z';
const event = (detail: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="u1" type="a-f-G-U-C" how="m-g" time="${t}" start="${t}" stale="${stale}"><point lat="54.1" lon="24.2" hae="1" ce="2" le="3"/><detail>${detail}</detail></event>`;

/** Children a client might send, including near-duplicates and broken ones that share a prefix with good ones. */
const CHILDREN = [
  '<takv os="29" version="4.10" device="Pixel" platform="ATAK-CIV"/>',
  '<takv os="29" version="4.10" device="Pixel" platform="ATAK-CIV" extra="1"/>',
  '<contact endpoint="*:-1:stcp" callsign="RED 1"/>',
  '<contact endpoint="*:-1:stcp" callsign="RED 2"/>',
  '<contact endpoint="*:-1:stcp" callsign="RED 1" callsign="dup"/>',
  '<__group role="Team Member" name="Cyan"/>',
  '<__group role="Team Member" name="Cyan">',
  '<track course="80.5" speed="1.5"/>',
  '<remarks>hello &amp; bye</remarks>',
  '<remarks>hello &bad; bye</remarks>',
  '<uid Droid="RED 1"/>',
  '<status battery="78"/>',
  '<_flow-tags_ other="2026-11-27T08:00:00Z"/>',
];

function outcome(xml: string, memo?: ElementMemo): unknown {
  try {
    return decodeCot(xml, memo ? { memo } : {});
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
}

describe('ElementMemo (repeated detail children are not scanned again)', () => {
  it('decodes every sequence of events exactly as without the memo', () => {
    const child = fc.constantFrom(...CHILDREN);
    const detail = fc.array(child, { maxLength: 8 }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(detail, { minLength: 1, maxLength: 12 }), (details) => {
        const memo = new ElementMemo();
        for (const d of details) expect(outcome(event(d), memo)).toEqual(outcome(event(d)));
      }),
      { numRuns: 400 },
    );
  });

  it('reuses the unchanged children of the previous event and reads the changed ones', () => {
    const memo = new ElementMemo();
    const a = decodeCot(event(CHILDREN[0]! + CHILDREN[2]! + CHILDREN[7]!), { memo });
    const b = decodeCot(event(CHILDREN[0]! + CHILDREN[3]! + CHILDREN[7]!), { memo });
    expect(b.detail.elements[0]).toBe(a.detail.elements[0]);
    expect(b.detail.elements[1]).not.toBe(a.detail.elements[1]);
    expect(b.detail.contact?.callsign).toBe('RED 2');
    expect(b.detail.elements[2]).toBe(a.detail.elements[2]);
  });

  it('remembers nothing from an event that failed or is too long', () => {
    const memo = new ElementMemo();
    expect(() => decodeCot(event(CHILDREN[0]!).replace('lat="54.1"', 'lat="99"'), { memo })).toThrow();
    expect(memo.elements).toEqual([]);
    decodeCot(event(`<remarks>${'x'.repeat(MEMO_MAX_CHARS)}</remarks>`), { memo });
    expect(memo.elements).toEqual([]);
  });
});
