import { describe, expect, it } from 'vitest';
import { Joins } from './joins.js';

const b = (s: string): Uint8Array => Buffer.from(s);

describe('Joins', () => {
  it('joins a list in order and shares the buffer among equal lists of one flush', () => {
    const [x, y, z] = [b('<a/>'), b('<b/>'), b('<c/>')];
    const j = new Joins();
    const first = j.join([x, y, z]);
    expect(Buffer.from(first).toString()).toBe('<a/><b/><c/>');
    // A different array with the same chunks (another session's queue) gets the very same buffer.
    expect(j.join([x, y, z])).toBe(first);
    // A list that differs (the sender of y does not get y) gets its own, correct bytes.
    const without = j.join([x, z]);
    expect(Buffer.from(without).toString()).toBe('<a/><c/>');
    expect(j.join([x, z])).toBe(without);
    // Equal content but different chunk objects: never confused, still correct.
    expect(Buffer.from(j.join([b('<a/>'), y, z])).toString()).toBe('<a/><b/><c/>');
  });

  it('passes a single chunk through and forgets everything on clear', () => {
    const x = b('<a/>');
    const j = new Joins();
    expect(j.join([x])).toBe(x);
    const joined = j.join([x, x]);
    j.clear();
    const again = j.join([x, x]);
    expect(again).not.toBe(joined);
    expect(Buffer.from(again).toString()).toBe('<a/><a/>');
  });

  it('keeps at most a few candidate lists per first chunk and stays correct past that', () => {
    const head = b('<h/>');
    const j = new Joins();
    const tails = Array.from({ length: 20 }, (_, i) => b(`<t${i}/>`));
    for (const t of tails) expect(Buffer.from(j.join([head, t])).toString()).toBe(`<h/>${Buffer.from(t)}`);
    for (const t of tails) expect(Buffer.from(j.join([head, t])).toString()).toBe(`<h/>${Buffer.from(t)}`);
  });
});
