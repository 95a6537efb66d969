import { describe, expect, it } from 'vitest';
import { OutQueue } from './queue.js';

const b = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('OutQueue.drainUpTo', () => {
  it('takes from the front up to the bytes given (at least one chunk) and keeps the rest coalescing', () => {
    const q = new OutQueue(16);
    q.push(b(10, 1), 'a');
    q.push(b(10, 2), 'b');
    q.push(b(10, 3), 'c');
    expect(q.drainUpTo(25).map((x) => x[0])).toEqual([1, 2]);
    expect(q.size).toBe(1);
    // The key of what stayed still points at it: a newer update replaces it in place.
    expect(q.push(b(10, 4), 'c')).toBe('coalesced');
    expect(q.push(b(10, 5), 'a')).toBe('queued');
    expect(q.drainUpTo(0).map((x) => x[0])).toEqual([4]);
    expect(q.drainUpTo(1000).map((x) => x[0])).toEqual([5]);
    expect(q.size).toBe(0);
  });
});
