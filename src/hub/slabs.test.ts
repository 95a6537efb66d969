import { describe, expect, it } from 'vitest';
import { SLAB_BYTES, Slabs } from './slabs.js';

describe('Slabs', () => {
  it('puts small allocations back to back and starts a new slab when one is full', () => {
    const alloc = new Slabs().lane();
    const a = alloc(100);
    const b = alloc(200);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 100);
    let last = b;
    for (let used = 300; used + 1000 <= SLAB_BYTES; used += 1000) last = alloc(1000);
    expect(last.buffer).toBe(a.buffer);
    const next = alloc(1000);
    expect(next.buffer).not.toBe(a.buffer);
    expect(next.byteOffset).toBe(0);
    expect(next.length).toBe(1000);
  });

  it('gives a large allocation a buffer of its own', () => {
    const big = new Slabs().lane()(SLAB_BYTES / 2);
    expect(big.byteLength).toBe(big.buffer.byteLength);
  });

  it('settles views of full slabs into copies of their own, and leaves the rest alone', () => {
    const slabs = new Slabs();
    const alloc = slabs.lane();
    const other = slabs.lane();
    const young = other(5);
    const old = alloc(5);
    old.write('hello');
    // The slab being filled: not copied (it is still in use, and its views are young).
    expect(slabs.settle(old)).toBe(old);
    // Fill the slab until a new one starts: `old` now pins a full one.
    while (alloc(1000).buffer === old.buffer);
    const settled = slabs.settle(old);
    expect(settled).not.toBe(old);
    expect(settled.byteLength).toBe(settled.buffer.byteLength);
    expect(Buffer.from(settled).toString()).toBe('hello');
    // The other lane's slab is still being filled.
    expect(slabs.settle(young)).toBe(young);
    // Bytes with a buffer of their own stay as they are.
    expect(slabs.settle(settled)).toBe(settled);
    // A view of any other shared buffer (Node's Buffer pool) is copied too.
    const pooled = Buffer.from('pooled');
    expect(Buffer.from(slabs.settle(pooled)).toString()).toBe('pooled');
  });
});
