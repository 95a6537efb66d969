import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../errors.js';
import { decodeCot } from './index.js';

const OK =
  '<event version="2.0" uid="U1" type="a-f-G" how="m-g" time="2024-01-01T00:00:00Z" start="2024-01-01T00:00:00Z"' +
  ' stale="2024-01-01T00:05:00Z"><point lat="1" lon="2" hae="3" ce="4" le="5"/><detail><contact callsign="A"/></detail></event>';

/** decodeCot must throw a CodecError with exactly this code. */
function code(input: string | Buffer, opts?: { maxBytes?: number }): string {
  try {
    decodeCot(input, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    return (e as CodecError).code;
  }
  return 'no error';
}

const withAttr = (name: string, value: string | null): string =>
  OK.replace(new RegExp(` ${name}="[^"]*"`), value === null ? '' : ` ${name}="${value}"`);

describe('decodeCot refuses bad input with a stable code', () => {
  it('accepts the baseline', () => expect(code(OK)).toBe('no error'));

  it('not XML', () => {
    expect(code('hello world')).toBe('BW_COT_NOT_XML');
    expect(code('')).toBe('BW_COT_NOT_XML');
    expect(code('{"uid":"x"}')).toBe('BW_COT_NOT_XML');
    expect(code('<html><body/></html>')).toBe('BW_COT_NOT_XML');
  });

  it('DOCTYPE, ENTITY and billion laughs', () => {
    expect(code('<!DOCTYPE event [<!ENTITY a "b">]>' + OK)).toBe('BW_COT_DOCTYPE');
    expect(code('<?xml version="1.0"?>\n<!DOCTYPE event SYSTEM "file:///etc/passwd">' + OK)).toBe(
      'BW_COT_DOCTYPE',
    );
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>' +
      OK.replace('callsign="A"', 'callsign="&lol3;"');
    expect(code(laughs)).toBe('BW_COT_DOCTYPE');
    expect(code(OK.replace('<detail>', '<detail><!DOCTYPE x>'))).toBe('BW_COT_DOCTYPE');
    // an undeclared entity reference is refused, never expanded
    expect(code(OK.replace('callsign="A"', 'callsign="&lol3;"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="&toString;"'))).toBe('BW_COT_MALFORMED');
  });

  it('oversized events', () => {
    expect(code(OK, { maxBytes: 100 })).toBe('BW_COT_TOO_LARGE');
    expect(code(Buffer.from(OK), { maxBytes: 100 })).toBe('BW_COT_TOO_LARGE');
    expect(code(OK, { maxBytes: OK.length })).toBe('no error');
    // multi-byte characters count as bytes
    const wide = OK.replace('callsign="A"', `callsign="${'ä'.repeat(100)}"`);
    expect(code(wide, { maxBytes: wide.length + 50 })).toBe('BW_COT_TOO_LARGE');
  });

  it('invalid UTF-8', () => {
    const b = Buffer.from(OK);
    const bad = Buffer.concat([b.subarray(0, 100), Buffer.from([0xc3, 0x28]), b.subarray(100)]);
    expect(code(bad)).toBe('BW_COT_BAD_UTF8');
    expect(code(Buffer.concat([b, Buffer.from([0xff])]))).toBe('BW_COT_BAD_UTF8');
    // a real U+FFFD and a leading BOM are fine
    expect(
      decodeCot(Buffer.from(OK.replace('callsign="A"', 'callsign="\ufffd"'))).detail.contact?.callsign,
    ).toBe('\ufffd');
    expect(decodeCot(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])).uid).toBe('U1');
  });

  it('malformed XML', () => {
    expect(code(OK.replace('</detail>', ''))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('</event>', ''))).toBe('BW_COT_MALFORMED');
    expect(code(OK.slice(0, 150))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign=A'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="A" callsign="B"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="A<B"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="A & B"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="&#0;"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('callsign="A"', 'callsign="\u0001"'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('<detail>', '<detail><a><b></a></b>'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('<detail>', '<detail><?pi x?>'))).toBe('BW_COT_MALFORMED');
    expect(code(OK + '<event/>')).toBe('BW_COT_MALFORMED');
    expect(code(OK + '<?xml version="1.0"?>')).toBe('BW_COT_MALFORMED');
    expect(code(OK + '\n<!-- trailing comment -->\n')).toBe('no error');
    expect(code(OK.replace('<point', '<point lat="1" lon="1"/><point'))).toBe('BW_COT_MALFORMED');
    expect(code(OK.replace('<detail>', '<detail>' + '<a>'.repeat(40) + '</a>'.repeat(40)))).toBe(
      'BW_COT_MALFORMED',
    );
    // 100k nested elements: bounded depth, no stack overflow
    expect(code(OK.replace('<detail>', '<detail>' + '<a>'.repeat(100_000)))).toBe('BW_COT_MALFORMED');
  });

  it('missing required attributes', () => {
    for (const a of ['uid', 'type', 'time', 'start', 'stale'])
      expect(code(withAttr(a, null)), a).toBe('BW_COT_MISSING_ATTR');
    expect(code(withAttr('uid', ''))).toBe('BW_COT_MISSING_ATTR');
    expect(code(OK.replace(/<point[^>]*\/>/, ''))).toBe('BW_COT_MISSING_ATTR');
    expect(code(OK.replace(' lat="1"', ''))).toBe('BW_COT_MISSING_ATTR');
    expect(code(OK.replace(' lon="2"', ''))).toBe('BW_COT_MISSING_ATTR');
  });

  it('defaults for optional attributes', () => {
    const e = decodeCot(
      withAttr('version', null).replace(' how="m-g"', '').replace(' hae="3" ce="4" le="5"', ''),
    );
    expect(e.version).toBe('2.0');
    expect(e.how).toBe('h-e');
    expect(e.point).toEqual({ lat: 1, lon: 2, hae: 9999999, ce: 9999999, le: 9999999 });
  });

  it('out-of-range and unreadable values', () => {
    for (const [k, v] of [
      ['lat', '90.0001'],
      ['lat', '-91'],
      ['lon', '180.5'],
      ['lat', 'NaN'],
      ['lon', 'Infinity'],
      ['lat', '0x10'],
      ['lat', '1,5'],
      ['hae', 'Infinity'],
      ['ce', '-1'],
      ['le', 'abc'],
    ] as const) {
      expect(code(OK.replace(new RegExp(` ${k}="[^"]*"`), ` ${k}="${v}"`)), `${k}=${v}`).toBe(
        'BW_COT_BAD_VALUE',
      );
    }
  });

  it('unparseable times and stale before start', () => {
    expect(code(withAttr('time', 'yesterday'))).toBe('BW_COT_BAD_VALUE');
    expect(code(withAttr('start', '2024-13-01T00:00:00Z'))).toBe('BW_COT_BAD_VALUE');
    expect(code(withAttr('stale', '2023-02-29T00:00:00Z'))).toBe('BW_COT_BAD_VALUE');
    expect(code(withAttr('stale', '2023-12-31T23:59:59Z'))).toBe('BW_COT_STALE_BEFORE_START');
  });

  it('never throws anything but CodecError on random or mutated input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          decodeCot(s);
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(OK.length - 1), fc.nat(OK.length), fc.string({ maxLength: 8 }), (at, cut, ins) => {
        const s = OK.slice(0, at) + ins + OK.slice(Math.min(OK.length, at + (cut % 6)));
        try {
          decodeCot(Buffer.from(s));
        } catch (e) {
          if (!(e instanceof CodecError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
