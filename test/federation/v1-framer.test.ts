/** Federation v1 framing: a 4-byte big-endian length before each FederatedEvent, split anywhere by TCP. */
import { describe, expect, it } from 'vitest';
import { frameV1, V1_MAX_FRAME, V1Framer } from '../../src/federation/v1.js';

describe('V1Framer', () => {
  const msgs = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('last one')];
  const stream = Buffer.concat(msgs.map((m) => frameV1(m)));

  it('gives back every message whatever the chunking', () => {
    for (const size of [1, 3, 4, 5, 1000, stream.length]) {
      const f = new V1Framer();
      const got: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) got.push(...f.push(stream.subarray(at, at + size)));
      expect(got.map((b) => b.toString('hex'))).toEqual(msgs.map((b) => b.toString('hex')));
    }
  });

  it('refuses a frame longer than the limit before reading it', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(V1_MAX_FRAME + 1);
    expect(() => new V1Framer().push(head)).toThrow(/over/);
  });
});
