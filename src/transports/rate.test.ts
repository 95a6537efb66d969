import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate.js';

describe('TokenBucket', () => {
  it('gives the burst, then the rate, and is idle once it has refilled', () => {
    const b = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.idle(0)).toBe(false);
    expect(b.take(100)).toBe(true); // one token per 100 ms
    expect(b.take(100)).toBe(false);
    expect(b.waitMs()).toBe(100);
    expect(b.idle(400)).toBe(false);
    expect(b.idle(600)).toBe(true);
  });
});
