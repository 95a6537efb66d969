import { describe, expect, it } from 'vitest';
import { Joins } from './joins.js';
import { Slabs } from './slabs.js';

/** Each on its own backing buffer: never back to back. */
const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
const text = (pieces: Uint8Array[]): string => Buffer.concat(pieces).toString();

describe('Joins', () => {
  it('joins a list in order and shares the result among equal lists of one flush', () => {
    const [x, y, z] = [b('<a/>'), b('<b/>'), b('<c/>')];
    const j = new Joins();
    const first = j.join([x, y, z]);
    expect(first).toHaveLength(1);
    expect(text(first)).toBe('<a/><b/><c/>');
    // A different array with the same chunks (another session's queue) gets the very same pieces.
    expect(j.join([x, y, z])).toBe(first);
    // A list that differs (the sender of y does not get y) gets its own, correct bytes.
    const without = j.join([x, z]);
    expect(text(without)).toBe('<a/><c/>');
    expect(j.join([x, z])).toBe(without);
    // Equal content but different chunk objects: never confused, still correct.
    expect(text(j.join([b('<a/>'), y, z]))).toBe('<a/><b/><c/>');
  });

  it('passes a single chunk through and forgets everything on clear', () => {
    const x = b('<a/>');
    const j = new Joins();
    expect(j.join([x])[0]).toBe(x);
    const joined = j.join([x, x]);
    j.clear();
    const again = j.join([x, x]);
    expect(again).not.toBe(joined);
    expect(text(again)).toBe('<a/><a/>');
  });

  it('keeps at most a few candidate lists per first chunk and stays correct past that', () => {
    const head = b('<h/>');
    const j = new Joins();
    const tails = Array.from({ length: 20 }, (_, i) => b(`<t${i}/>`));
    for (const t of tails) expect(text(j.join([head, t]))).toBe(`<h/>${Buffer.from(t)}`);
    for (const t of tails) expect(text(j.join([head, t]))).toBe(`<h/>${Buffer.from(t)}`);
  });

  it('hands out chunks that lie back to back in a slab as one view, without copying', () => {
    const alloc = new Slabs().lane();
    const parts = ['<event uid="1"/>', '<event uid="2"/>', '<event uid="3"/>'].map((s) => {
      const out = alloc(s.length);
      out.write(s);
      return out;
    });
    const pieces = new Joins().join(parts);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.buffer).toBe(parts[0]!.buffer);
    expect(Buffer.from(pieces[0]!).toString()).toBe('<event uid="1"/><event uid="2"/><event uid="3"/>');
    // The sender of the middle event does not get it: two runs, small, so joined into one copy.
    const gap = new Joins().join([parts[0]!, parts[2]!]);
    expect(gap).toHaveLength(1);
    expect(text(gap)).toBe('<event uid="1"/><event uid="3"/>');
  });

  it('writes large lists as their runs, in order, and keeps bytes from elsewhere in place', () => {
    const alloc = new Slabs().lane();
    const chunks: Uint8Array[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 400; i++) {
      const s = `<event uid="${i}">${'x'.repeat(500)}</event>`;
      const out = alloc(s.length);
      out.write(s);
      chunks.push(out);
      expected.push(s);
      if (i % 97 === 0) {
        const own = b(`<event uid="own-${i}"/>`);
        chunks.push(own);
        expected.push(`<event uid="own-${i}"/>`);
      }
    }
    const pieces = new Joins().join(chunks);
    expect(text(pieces)).toBe(expected.join(''));
    // Runs, not one piece per event, and no joined copy of 200 KiB.
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.length).toBeLessThan(30);
    expect(pieces.every((p) => p.byteLength < 64 * 1024)).toBe(true);
  });
});
