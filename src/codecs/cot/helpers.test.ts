import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../errors.js';
import { fixture } from '../../../test/fixtures/cot/fixtures.js';
import {
  buildPong,
  buildProtocolResponse,
  buildProtocolSupport,
  decodeCot,
  deriveDetail,
  encodeCot,
  encodeCotStream,
  escapeXml,
  formatNumber,
  parseElement,
  parseTime,
  readAttributes,
  readProtocolRequest,
  setDetailElement,
} from './index.js';

describe('escapeXml and readAttributes', () => {
  it('escapes markup, quotes and whitespace that attribute normalisation would eat', () => {
    expect(escapeXml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
    expect(escapeXml('line1\nline2\tx\r')).toBe('line1&#10;line2&#9;x&#13;');
    expect(escapeXml('plain')).toBe('plain');
    // characters XML cannot carry become U+FFFD instead of breaking the document
    expect(escapeXml('a\u0001b\ud800c')).toBe('a\ufffdb\ufffdc');
    expect(escapeXml('emoji 🙂 ok')).toBe('emoji 🙂 ok');
  });

  it('any string survives escapeXml -> attribute -> readAttributes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        // eslint-disable-next-line no-control-regex -- these are the ones escapeXml replaces
        fc.pre(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
        expect(readAttributes(`<x v="${escapeXml(s)}"/>`).v).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads attributes with either quote, entities and normalised whitespace', () => {
    expect(readAttributes(`<a x='1' y="&lt;&#65;&#x42;" z="p\nq"  >`)).toEqual({
      x: '1',
      y: '<AB',
      z: 'p q',
    });
    expect(readAttributes('<a constructor="c" __proto__="p"/>')).toEqual({
      constructor: 'c',
      ['__proto__']: 'p',
    });
    expect(Object.getPrototypeOf(readAttributes('<a __proto__="p"/>'))).toBe(Object.prototype);
    for (const bad of ['<a x=1>', '<a x="1" x="2">', '<a x="&nbsp;">', 'a x="1"', '<a x="1"', '<1a/>']) {
      expect(() => readAttributes(bad), bad).toThrow(CodecError);
    }
  });
});

describe('values', () => {
  it('formatNumber round-trips without exponents for CoT-sized values', () => {
    expect(formatNumber(1.234e-7)).toBe('0.0000001234');
    expect(formatNumber(-5e-7)).toBe('-0.0000005');
    expect(formatNumber(9999999)).toBe('9999999');
    expect(formatNumber(56.95)).toBe('56.95');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(formatNumber(x))).toBe(x || 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseTime is strict about ranges and accepts zones and long fractions', () => {
    expect(parseTime('2023-07-18T15:23:09.00Z')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9));
    expect(parseTime('2023-07-18T15:23:09.123456Z')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9, 123));
    expect(parseTime('2023-07-18T17:23:09+02:00')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9));
    expect(parseTime('2023-07-18T15:23:09')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9));
    expect(parseTime('2023-07-18T15:23:09.5Z')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9, 500));
    expect(parseTime('2023-07-18T15:23:09.07Z')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9, 70));
    expect(parseTime('2023-07-18T15:23:09.999999999999Z')).toBe(Date.UTC(2023, 6, 18, 15, 23, 9, 999));
    expect(parseTime('2023-07-18T15:23:09.Z')).toBeNaN();
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2023-07-18 15:23:09Z',
      '2023-07-18T25:00:00Z',
      '0099-01-01T00:00:00Z',
      'x',
    ]) {
      expect(parseTime(bad), bad).toBeNaN();
    }
  });
});

describe('setDetailElement and deriveDetail', () => {
  const base = decodeCot(fixture('atak-position-anonymised.xml'));

  it('replaces, removes and appends top-level elements and re-derives the views', () => {
    const renamed = setDetailElement(base.detail, 'contact', `<contact callsign="${escapeXml('R&D')}"/>`);
    expect(renamed.contact).toEqual({ callsign: 'R&D' });
    expect(renamed.elements.map((e) => e.name)).toEqual(base.detail.elements.map((e) => e.name));
    const removed = setDetailElement(base.detail, 'track', null);
    expect(removed.track).toBeUndefined();
    expect(removed.elements).toHaveLength(base.detail.elements.length - 1);
    const added = setDetailElement(base.detail, 'remarks', '<remarks>hello &amp; bye</remarks>');
    expect(added.remarks).toEqual({ text: 'hello & bye' });
    expect(added.elements.at(-1)?.name).toBe('remarks');
    expect(base.detail.remarks).toBeUndefined(); // the original is untouched
    // the edited event still encodes and decodes
    expect(decodeCot(encodeCot({ ...base, detail: added })).detail).toEqual(added);
  });

  it('refuses xml that is not exactly one element of that name', () => {
    for (const bad of [
      '<track/>',
      '<contact/><x/>',
      'text',
      '<contact callsign="a"',
      '<!DOCTYPE x><contact/>',
    ]) {
      expect(() => setDetailElement(base.detail, 'contact', bad), bad).toThrow(CodecError);
    }
  });

  it('first element of a name wins; __milsym beats __milicon; every link is kept', () => {
    const d = deriveDetail([
      { name: '__milicon', xml: '<__milicon id="SFGPU----------"/>' },
      { name: '__milsym', xml: '<__milsym id="10031000001211000000"/>' },
      { name: 'contact', xml: '<contact callsign="first"/>' },
      { name: 'contact', xml: '<contact callsign="second"/>' },
      { name: 'link', xml: '<link uid="a" relation="p-p"/>' },
      { name: 'link', xml: '<link uid="b" relation="c"/>' },
      { name: 'status', xml: '<status readiness="True" battery="x"/>' },
      { name: 'emergency', xml: '<emergency cancel="true">Alice</emergency>' },
    ]);
    expect(d.sidc).toBe('10031000001211000000');
    expect(d.contact?.callsign).toBe('first');
    expect(d.links?.map((l) => l.uid)).toEqual(['a', 'b']);
    expect(d.status).toEqual({ readiness: true });
    expect(d.emergency).toEqual({ cancel: true, text: 'Alice' });
  });

  it('parseElement keeps CDATA text and drops comments', () => {
    const n = parseElement('<remarks><!-- c --><![CDATA[a < b & c]]> d</remarks>');
    expect(n.text).toBe('a < b & c d');
    const e = decodeCot(
      encodeCot({
        ...base,
        detail: setDetailElement(base.detail, 'remarks', '<remarks><![CDATA[x]]></remarks>'),
      }),
    );
    expect(e.detail.remarks?.text).toBe('x');
  });
});

describe('TAK protocol negotiation and pong events', () => {
  const now = Date.UTC(2026, 10, 27, 8, 0, 0);

  it('builds the server offer and answers that decode as TAK clients expect', () => {
    const offer = decodeCot(encodeCotStream(buildProtocolSupport('proto-1', now)));
    expect(offer).toMatchObject({ uid: 'proto-1', type: 't-x-takp-v', how: 'm-g', time: now });
    expect(offer.point).toEqual({ lat: 0, lon: 0, hae: 0, ce: 999999, le: 999999 });
    expect(offer.detail.elements[0]?.xml).toBe('<TakControl><TakProtocolSupport version="1"/></TakControl>');
    for (const ok of [true, false]) {
      const r = decodeCot(encodeCot(buildProtocolResponse('proto-1', ok, now)));
      expect(r.type).toBe('t-x-takp-r');
      expect(parseElement(r.detail.elements[0]!.xml).children[0]?.attrs.status).toBe(String(ok));
    }
    const pong = decodeCot(encodeCot(buildPong(now)));
    expect(pong).toMatchObject({ uid: 'takPong', type: 't-x-c-t-r' });
    expect(pong.detail.elements).toEqual([]);
  });

  it('reads the version a client requests', () => {
    const req = (detail: string, type = 't-x-takp-q'): number | undefined =>
      readProtocolRequest(
        decodeCot(
          `<event version="2.0" uid="proto-1" type="${type}" how="m-g" time="2026-01-01T00:00:00Z" ` +
            `start="2026-01-01T00:00:00Z" stale="2026-01-01T00:01:00Z"><point lat="0" lon="0" hae="0" ce="999999" ` +
            `le="999999"/><detail>${detail}</detail></event>`,
        ),
      );
    expect(req('<TakControl><TakRequest version="1"/></TakControl>')).toBe(1);
    expect(req('<TakControl><TakRequest version="1" extra="x"/></TakControl>')).toBe(1);
    expect(req('<TakControl><TakRequest version="1"/></TakControl>', 't-x-takp-v')).toBeUndefined();
    expect(req('<TakControl><TakRequest version="one"/></TakControl>')).toBeUndefined();
    expect(
      req('<TakControl><TakRequest version="1"/><TakRequest version="2"/></TakControl>'),
    ).toBeUndefined();
    expect(req('')).toBeUndefined();
  });
});
