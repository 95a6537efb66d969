/**
 * The per-sender element memo (decodeCot's `memo`, splitElements): a sender's repeated detail children are taken
 * from the previous event instead of scanned again. It must never change what is decoded or accepted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../test/fixtures/cot/fixtures.js';
import { CodecError } from '../../errors.js';
import { decodeCot, newCotMemo, type CotMemo } from './index.js';

const head = (detail: string, time = '2026-11-27T10:00:00.000Z'): string =>
  `<event version="2.0" uid="u-1" type="a-f-G-U-C" how="m-g" time="${time}" start="${time}" ` +
  `stale="2026-11-27T10:05:00.000Z"><point lat="56.1" lon="24.1" hae="1" ce="2" le="3"/>` +
  `<detail>${detail}</detail></event>`;

/** Decode with the memo and without; both must agree (the same event, or the same error code). */
function agree(xml: string, memo: CotMemo): void {
  let plain: unknown;
  let withMemo: unknown;
  try {
    plain = decodeCot(xml);
  } catch (e) {
    plain = (e as CodecError).code;
  }
  try {
    withMemo = decodeCot(xml, { memo });
  } catch (e) {
    withMemo = (e as CodecError).code;
  }
  expect(withMemo).toEqual(plain);
}

describe('decodeCot with a sender memo', () => {
  it('takes repeated elements and views from the previous event (the same objects)', () => {
    const memo = newCotMemo();
    const d = '<contact callsign="A"/><__group name="Cyan" role="Team Member"/><track course="1" speed="2"/>';
    const a = decodeCot(head(d), { memo });
    const b = decodeCot(head(d.replace('course="1"', 'course="5"'), '2026-11-27T10:00:01.000Z'), { memo });
    expect(b.detail.elements[0]).toBe(a.detail.elements[0]);
    expect(b.detail.contact).toBe(a.detail.contact);
    expect(b.detail.group).toBe(a.detail.group);
    expect(b.detail.track).toEqual({ course: 5, speed: 2 });
    expect(b.time).toBe(Date.parse('2026-11-27T10:00:01.000Z'));
  });

  it('gives the same result as a fresh decode for every real fixture, in any order', () => {
    const all = loadFixtures();
    fc.assert(
      fc.property(fc.array(fc.nat(all.length - 1), { minLength: 1, maxLength: 20 }), (order) => {
        const memo = newCotMemo();
        for (const i of order) agree(all[i]!.bytes.toString(), memo);
      }),
    );
  });

  it('never accepts what a fresh decode refuses', () => {
    const memo = newCotMemo();
    decodeCot(head('<contact callsign="A"/><x a="1"/>'), { memo });
    // The remembered text followed by damage: the damage is still found.
    for (const bad of [
      '<contact callsign="A"/><x a="1"',
      '<contact callsign="A"/><x a="1"/><y>',
      '<contact callsign="A"/>\u0001<x a="1"/>',
      '<contact callsign="A"/>&bogus;<x a="1"/>',
      '<contact callsign="A"/><x a="1"/></detail><detail>',
    ]) {
      expect(() => decodeCot(head(bad), { memo }), bad).toThrow(CodecError);
      expect(() => decodeCot(head(bad)), bad).toThrow(CodecError);
    }
  });

  it('agrees with a fresh decode on random edits of a report (property)', () => {
    const parts = [
      '<contact callsign="A" endpoint="*:-1:stcp"/>',
      '<__group name="Cyan" role="Team Member"/>',
      '<takv os="29" version="4.0" device="X" platform="ATAK-CIV"/>',
      '<status battery="78"/>',
      '<track course="80.2" speed="1.5"/>',
      '<remarks>hello &amp; bye</remarks>',
      '<link uid="p" relation="p-p" type="a-f-G"/>',
      '<__milsym id="SFGPUCI----K"/>',
      '<contact callsign="B"/>',
      '<uid Droid="A"/>',
      '<x a="1"><y/></x>',
      '<broken',
      '<a></b>',
      ' ',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(parts.length - 1), { maxLength: 8 }), { minLength: 1, maxLength: 8 }),
        (events) => {
          const memo = newCotMemo();
          for (const picks of events) agree(head(picks.map((i) => parts[i]).join('')), memo);
        },
      ),
    );
  });

  it('compares the leading run of repeated children in one go, and drops it when a decode fails half-way', () => {
    const memo = newCotMemo();
    const d = '<contact callsign="A"/><__group name="Cyan" role="Team Member"/><uid Droid="A"/>';
    agree(head(d + '<x t="1"/>'), memo);
    agree(head(d + '<x t="2"/>'), memo);
    expect(memo.run?.count).toBe(3);
    agree(head(d + '<x t="3"/>'), memo);
    expect(memo.run?.count).toBe(3);
    // The first child changes, then the event turns out malformed: the entries changed, so no run may survive.
    agree(head('<status battery="1"/><__group name="Cyan" role="Team Member"/><broken'), memo);
    expect(memo.run).toBeUndefined();
    agree(head(d + '<x t="4"/>'), memo);
    expect(decodeCot(head(d), { memo }).detail.elements[0]!.name).toBe('contact');
    // Text between the children ends the run (it is not part of any child).
    agree(head(d.replace('/><uid', '/> <uid')), memo);
    agree(head(d.replace('/><uid', '/> <uid')), memo);
    expect(memo.run?.count).toBe(2);
  });

  it('keeps no long elements and no more than it needs', () => {
    const memo = newCotMemo();
    const long = `<remarks>${'x'.repeat(2000)}</remarks>`;
    decodeCot(head(`<contact callsign="A"/>${long}`), { memo });
    expect(memo.elements.length).toBe(1);
    decodeCot(head('<contact callsign="A"/>'), { memo });
    expect(memo.elements.length).toBe(1);
    decodeCot(head(''), { memo });
    expect(memo.elements.length).toBe(0);
    // A large event is not remembered at all: its small elements would keep its whole text alive.
    decodeCot(head(`<contact callsign="A"/>${'<x/>'.repeat(5000)}`), { memo });
    expect(memo.elements.length).toBe(0);
  });
});
