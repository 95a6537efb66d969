/**
 * Failed sign-ins per client address in a sliding minute. Account lockout stops guessing one user's password; this
 * stops one address from trying many user names; an IPv6 client counts per /64, as admission counts it. Bounded: at
 * most `maxAddresses` are tracked (oldest forgotten).
 */
import { addressKey } from '../../ops/admission.js';

export class FailureWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `addr` has reached the limit within the window. */
  blocked(remote: string): boolean {
    return this.recent(addressKey(remote)).length >= this.limit;
  }

  fail(remote: string): void {
    const addr = addressKey(remote);
    const list = this.recent(addr);
    list.push(this.now());
    this.hits.delete(addr); // re-insert: Map order is then least recently failed first
    this.hits.set(addr, list);
    if (this.hits.size > this.maxAddresses) this.hits.delete(this.hits.keys().next().value!);
  }

  private recent(addr: string): number[] {
    const cut = this.now() - this.windowMs;
    const list = (this.hits.get(addr) ?? []).filter((t) => t > cut);
    if (list.length) this.hits.set(addr, list);
    else this.hits.delete(addr);
    return list;
  }
}
