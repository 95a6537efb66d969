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

  it("reads a sender's repeated <event> and <point> tags through a template of the values that change", () => {
    const memo = newCotMemo();
    const at = (t: string, lat: string) =>
      head('<contact callsign="A"/>', t).replace('lat="56.1"', `lat="${lat}"`);
    agree(at('2026-11-27T10:00:00.000Z', '56.1'), memo);
    expect(memo.event.template).toBeUndefined();
    agree(at('2026-11-27T10:00:01.000Z', '56.2'), memo);
    expect(memo.event.template?.names).toEqual(['time', 'start']);
    expect(memo.point.template?.names).toEqual(['lat']);
    const e = decodeCot(at('2026-11-27T10:00:02.000Z', '56.3'), { memo });
    expect(e.time).toBe(Date.parse('2026-11-27T10:00:02.000Z'));
    expect(e.point.lat).toBe(56.3);
    // A value that changes for the first time misses the template, is read in full, and joins the template.
    agree(at('2026-11-27T10:00:03.000Z', '56.3').replace('how="m-g"', 'how="h-e"'), memo);
    expect(memo.event.template?.names).toEqual(['how', 'time', 'start']);
  });

  it('agrees with a fresh decode on random edits of the <event> and <point> tags (property)', () => {
    // Mostly good values, so that most events decode and templates are made and used; a few that must not pass.
    const good = ['1', '2.5', '56.25', '-3', '0'];
    const bad = ['x&amp;y', 'a<b', "q'q", 'tab\there', '', 'NaN', '-91', 'x>y', '1e400'];
    const value = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, fc.constantFrom(...bad));
    const attr = fc.record({ value, quote: fc.constantFrom('"', '"', "'"), drop: fc.nat(29) });
    const tag = (names: string[]) => fc.record(Object.fromEntries(names.map((n) => [n, attr])));
    const eventNames = ['version', 'uid', 'type', 'how', 'qos'];
    const pointNames = ['lat', 'lon', 'hae', 'ce', 'le'];
    const text = (
      names: string[],
      t: Record<string, { value: string; quote: string; drop: number }>,
      swap: boolean,
    ) => {
      const order = swap ? [...names].reverse() : names;
      return order
        .filter((n) => t[n]!.drop > 0)
        .map((n) => ` ${n}=${t[n]!.quote}${n === 'type' ? 'a-f-G' : t[n]!.value}${t[n]!.quote}`)
        .join('');
    };
    let templated = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ev: tag(eventNames), pt: tag(pointNames), swap: fc.nat(11), close: fc.boolean() }),
          { minLength: 1, maxLength: 10 },
        ),
        (events) => {
          const memo = newCotMemo();
          for (const { ev, pt, swap, close } of events) {
            const times =
              ' time="2026-11-27T10:00:00Z" start="2026-11-27T10:00:00Z" stale="2026-11-27T10:05:00Z"';
            const p = text(pointNames, pt, swap === 1);
            const point = close ? `<point${p}></point>` : `<point${p}/>`;
            agree(`<event${text(eventNames, ev, swap === 0)}${times}>${point}<detail/></event>`, memo);
            if (memo.event.template && memo.point.template) templated++;
          }
        },
      ),
      { numRuns: 200 },
    );
    // Templates were made and used often enough for the property to mean something (about 130 on average).
    expect(templated).toBeGreaterThan(40);
  });
});
