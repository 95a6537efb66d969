import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../errors.js';
import { TakStreamFramer, frameMesh, frameStream, parseMesh } from './index.js';

const codeOf = (x: Buffer | CodecError): string =>
  x instanceof CodecError ? x.code : `msg:${x.toString('hex')}`;

function feed(f: TakStreamFramer, stream: Buffer, cuts: number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const c of cuts
    .filter((x) => x > 0 && x < stream.length)
    .sort((a, b) => a - b)
    .concat(stream.length)) {
    out.push(...f.push(stream.subarray(prev, c)).map(codeOf));
    prev = c;
  }
  return out;
}

describe('TAK stream framing', () => {
  it('frames with 0xbf + varint length', () => {
    expect(frameStream(Buffer.from([1, 2, 3])).toString('hex')).toBe('bf03010203');
    const big = frameStream(Buffer.alloc(300));
    expect(big.subarray(0, 3).toString('hex')).toBe('bfac02');
    expect(big.length).toBe(303);
    expect(frameMesh(Buffer.from([9])).toString('hex')).toBe('bf01bf09');
    // Into memory the caller gives (the hub's slabs).
    const arena = Buffer.alloc(16);
    const into = frameStream(Buffer.from([1, 2, 3]), (n) => arena.subarray(4, 4 + n));
    expect(into.buffer).toBe(arena.buffer);
    expect(arena.subarray(4, 9).toString('hex')).toBe('bf03010203');
  });

  it('same messages for any split of a stream (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 400 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(5000), { maxLength: 30 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => frameStream(p)));
          const got = feed(new TakStreamFramer({ maxMessageBytes: 1000 }), stream, cuts);
          expect(got).toEqual(payloads.map((p) => `msg:${Buffer.from(p).toString('hex')}`));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes and never buffers more than the limit (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const f = new TakStreamFramer({ maxMessageBytes: 100 });
        for (const c of chunks) {
          for (const x of f.push(Buffer.from(c))) {
            if (x instanceof Buffer) expect(x.length).toBeLessThanOrEqual(100);
            else expect(x).toBeInstanceOf(CodecError);
          }
          expect(f.buffered).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('bad magic is fatal', () => {
    const f = new TakStreamFramer({ maxMessageBytes: 100 });
    expect(feed(f, Buffer.concat([frameStream(Buffer.from([1])), Buffer.from('<event')]), [])).toEqual([
      'msg:01',
      'BW_TAK_BAD_MAGIC',
    ]);
    expect(f.failed).toBe(true);
    expect(f.push(frameStream(Buffer.from([2])))).toEqual([]);
  });

  it('over-long varints are refused (more than 10 bytes, or above 2^32)', () => {
    const f1 = new TakStreamFramer({ maxMessageBytes: 100 });
    expect(feed(f1, Buffer.from([0xbf, ...Array(10).fill(0x80), 0x00]), [])).toEqual(['BW_TAK_BAD_VARINT']);
    const f2 = new TakStreamFramer({ maxMessageBytes: 100 });
    expect(feed(f2, Buffer.from([0xbf, 0xff, 0xff, 0xff, 0xff, 0x7f]), [2, 4])).toEqual([
      'BW_TAK_BAD_VARINT',
    ]);
    expect(f2.failed).toBe(true);
  });

  it('a length over the limit is refused before buffering, and the payload is skipped', () => {
    const f = new TakStreamFramer({ maxMessageBytes: 100 });
    const stream = Buffer.concat([frameStream(Buffer.alloc(5000, 7)), frameStream(Buffer.from([42]))]);
    const out: string[] = [];
    let maxBuffered = 0;
    for (let i = 0; i < stream.length; i += 64) {
      out.push(...f.push(stream.subarray(i, i + 64)).map(codeOf));
      maxBuffered = Math.max(maxBuffered, f.buffered);
    }
    expect(out).toEqual(['BW_TAK_TOO_LARGE', 'msg:2a']);
    expect(maxBuffered).toBe(0);
    // a 4 GiB claim is refused at once without allocating
    const g = new TakStreamFramer({ maxMessageBytes: 100 });
    expect(g.push(Buffer.from([0xbf, 0xff, 0xff, 0xff, 0xff, 0x0f])).map(codeOf)).toEqual([
      'BW_TAK_TOO_LARGE',
    ]);
  });

  it('a truncated message waits for more bytes', () => {
    const f = new TakStreamFramer({ maxMessageBytes: 100 });
    expect(f.push(Buffer.from([0xbf, 0x05, 1, 2]))).toEqual([]);
    expect(f.inMessage).toBe(true);
    expect(f.buffered).toBe(2);
    expect(f.push(Buffer.from([3, 4, 5])).map(codeOf)).toEqual(['msg:0102030405']);
    expect(f.inMessage).toBe(false);
  });

  it('empty payloads are messages too', () => {
    expect(feed(new TakStreamFramer({ maxMessageBytes: 10 }), Buffer.from([0xbf, 0, 0xbf, 0]), [1])).toEqual([
      'msg:',
      'msg:',
    ]);
  });
});

describe('TAK mesh datagrams', () => {
  it('parses bf 01 bf + payload', () => {
    const m = parseMesh(frameMesh(Buffer.from([1, 2])));
    expect(m.version).toBe(1);
    expect([...m.payload]).toEqual([1, 2]);
    expect(parseMesh(Buffer.from([0xbf, 0x02, 0xbf])).version).toBe(2);
  });

  it('refuses bad datagrams with stable codes', () => {
    const code = (b: number[]): string => {
      try {
        parseMesh(Buffer.from(b));
        return 'ok';
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        return (e as CodecError).code;
      }
    };
    expect(code([0x3c, 0x65])).toBe('BW_TAK_BAD_MAGIC');
    expect(code([])).toBe('BW_TAK_BAD_MAGIC');
    expect(code([0xbf, 0x01, 0x00])).toBe('BW_TAK_BAD_MAGIC');
    expect(code([0xbf, 0x01])).toBe('BW_TAK_TRUNCATED');
    expect(code([0xbf, 0x81])).toBe('BW_TAK_TRUNCATED');
    expect(code([0xbf, ...Array(11).fill(0x80)])).toBe('BW_TAK_BAD_VARINT');
  });
});
