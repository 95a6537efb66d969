import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../errors.js';
import { loadFixtures } from '../../../test/fixtures/cot/fixtures.js';
import { CotFramer, decodeCot } from './index.js';

const fixtures = loadFixtures();
/** Each fixture as one event: leading whitespace and declarations trimmed, the `<event …</event>` part only. */
const events = fixtures.map((f) => {
  const s = f.bytes.toString('utf8');
  return Buffer.from(s.slice(s.indexOf('<event'), s.lastIndexOf('</event>') + 8));
});
const DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>";

/** Feed `stream` cut at `cuts` and collect everything the framer returns. */
function frame(stream: Buffer, cuts: number[], max = 1 << 20): Array<Buffer | CodecError> {
  const f = new CotFramer({ maxEventBytes: max });
  const out: Array<Buffer | CodecError> = [];
  let prev = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < stream.length)]
    .sort((a, b) => a - b)
    .concat(stream.length)) {
    out.push(...f.push(stream.subarray(prev, c)));
    prev = c;
  }
  return out;
}

const text = (xs: Array<Buffer | CodecError>): string[] =>
  xs.map((x) => (x instanceof CodecError ? `ERR ${x.code}` : x.toString('utf8')));

describe('CotFramer', () => {
  it('splits back-to-back events with declarations, whitespace and a stray leading newline', () => {
    const stream = Buffer.from(
      '\n' +
        DECL +
        events[0] +
        '\r\n  ' +
        events[1] +
        DECL +
        '\n' +
        events[2] +
        '<?xml version="1.0"?>' +
        events[3],
    );
    expect(text(frame(stream, []))).toEqual(events.slice(0, 4).map(String));
  });

  it('yields each event as an exact slice that decodes', () => {
    const out = frame(Buffer.concat(events), []);
    expect(out).toHaveLength(events.length);
    out.forEach((b, i) => {
      expect(b).toEqual(events[i]);
      expect(() => decodeCot(b as Buffer)).not.toThrow();
    });
  });

  it('handles `<event` followed by a newline and `</event >`', () => {
    const e = '<event\n version="2.0"><point lat="1" lon="1"/></event >';
    expect(text(frame(Buffer.from(e + e), [3, 8, 50]))).toEqual([e, e]);
    // an element merely starting with "event" is not an event
    expect(text(frame(Buffer.from('<eventful/>' + e), []))).toEqual(['ERR BW_COT_NOT_XML', e]);
  });

  it('same events for any split of a stream of fixtures (property)', () => {
    const sep = fc.constantFrom('', '\n', '\r\n', '  \n\t', DECL, '\n' + DECL + '\n');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(events.length - 1), sep), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(30_000), { maxLength: 40 }),
        (picks, cuts) => {
          const stream = Buffer.concat(picks.flatMap(([i, s]) => [Buffer.from(s), events[i]!]));
          const want = picks.map(([i]) => events[i]!.toString('utf8'));
          expect(
            text(
              frame(
                stream,
                cuts.map((c) => c % (stream.length + 1)),
              ),
            ),
          ).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a framer detached at any cut hands on a stream a fresh framer frames the same (property)', () => {
    const sep = fc.constantFrom('', '\n', DECL, 'junk ');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(events.length - 1), sep), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(30_000), { minLength: 1, maxLength: 20 }),
        fc.nat(30_000),
        (picks, rawCuts, rawAt) => {
          const stream = Buffer.concat(picks.flatMap(([i, s]) => [Buffer.from(s), events[i]!]));
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const want = text(frame(stream, cuts));
          // Feed chunk by chunk; at one chunk boundary hand over to a second framer (when not skipping garbage).
          const at = rawAt % (cuts.length + 1);
          let f = new CotFramer({ maxEventBytes: 1 << 20 });
          const got: Array<Buffer | CodecError> = [];
          let prev = 0;
          const ends = cuts.filter((c) => c > 0 && c < stream.length).concat(stream.length);
          ends.forEach((c, i) => {
            let chunk = stream.subarray(prev, c);
            prev = c;
            if (i === at && !f.inResync) {
              chunk = Buffer.concat([f.detach()!, chunk]);
              f = new CotFramer({ maxEventBytes: 1 << 20 });
            }
            got.push(...f.push(chunk));
          });
          expect(text(got)).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('byte-at-a-time feeding gives the same result', () => {
    const stream = Buffer.concat([Buffer.from(DECL), events[0]!, Buffer.from('\n'), events[5]!]);
    const cuts = Array.from({ length: stream.length }, (_, i) => i);
    expect(text(frame(stream, cuts))).toEqual([String(events[0]), String(events[5])]);
  });

  it('garbage is reported once and the framer resynchronises at the next event', () => {
    const stream = Buffer.from(
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n' + events[0] + 'junk<junk>' + DECL + events[1],
    );
    expect(text(frame(stream, []))).toEqual([
      'ERR BW_COT_NOT_XML',
      String(events[0]),
      'ERR BW_COT_NOT_XML',
      String(events[1]),
    ]);
    // the same when the garbage and the resync marker are split anywhere
    for (let cut = 1; cut < 60; cut += 7) {
      expect(text(frame(stream, [cut, cut + 30, cut + 200]))).toHaveLength(4);
    }
  });

  it('DOCTYPE and ENTITY between events are refused', () => {
    const stream = Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]>' + events[0]);
    expect(text(frame(stream, []))).toEqual(['ERR BW_COT_DOCTYPE', String(events[0])]);
    expect(text(frame(Buffer.from('<!ENTITY a "b">' + events[1]), [4]))).toEqual([
      'ERR BW_COT_DOCTYPE',
      String(events[1]),
    ]);
  });

  it('an oversized event is dropped without buffering it, then framing resumes', () => {
    const big = Buffer.from(
      `<event uid="x"><detail><remarks>${'x'.repeat(5000)}</remarks></detail></event>` + events[0],
    );
    const f = new CotFramer({ maxEventBytes: 1000 });
    const out: Array<Buffer | CodecError> = [];
    let maxBuffered = 0;
    for (let i = 0; i < big.length; i += 100) {
      out.push(...f.push(big.subarray(i, i + 100)));
      maxBuffered = Math.max(maxBuffered, f.buffered);
    }
    expect(text(out)).toEqual(['ERR BW_COT_TOO_LARGE', String(events[0])]);
    expect(maxBuffered).toBeLessThanOrEqual(1100);
    // an event over the limit that arrives in one chunk is refused too
    expect(text(frame(big, [], 1000))).toEqual(['ERR BW_COT_TOO_LARGE', String(events[0])]);
  });

  it('inEvent and buffered expose a slow event to the transport', () => {
    const f = new CotFramer({ maxEventBytes: 10_000 });
    expect(f.inEvent).toBe(false);
    f.push(Buffer.from(DECL + '<event uid="slow">'));
    expect(f.inEvent).toBe(true);
    expect(f.buffered).toBe('<event uid="slow">'.length);
    const out = f.push(Buffer.from('<point lat="1" lon="2"/></event>'));
    expect(out).toHaveLength(1);
    expect(f.inEvent).toBe(false);
    expect(f.buffered).toBe(0);
  });

  it('returned events are not overwritten by later pushes', () => {
    const f = new CotFramer({ maxEventBytes: 10_000 });
    const e = String(events[0]);
    const first = f.push(Buffer.from(e.slice(0, 50)));
    const got = f.push(Buffer.from(e.slice(50) + e.slice(0, 60)));
    f.push(Buffer.from('x'.repeat(5000)));
    expect(first).toEqual([]);
    expect(String(got[0])).toBe(e);
  });

  it('never throws and stays bounded on random bytes mixed with event fragments (property)', () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc
        .constantFrom('<event', '</event>', '<?xml ', '?>', '<!DOCTYPE', '<', '\n')
        .map((x) => Buffer.from(x)),
      fc.nat(events.length - 1).map((i) => events[i]!),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const f = new CotFramer({ maxEventBytes: 2000 });
        for (const p of pieces) {
          for (const x of f.push(p)) {
            if (!(x instanceof Buffer)) expect(x).toBeInstanceOf(CodecError);
            else expect(x.length).toBeLessThanOrEqual(2000);
          }
          expect(f.buffered).toBeLessThanOrEqual(2000 + p.length + 1024);
        }
      }),
      { numRuns: 500 },
    );
  });
});
