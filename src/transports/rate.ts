/** Token buckets: per-connection event rate and per-address accept rate. */

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Take n tokens; returns false when the bucket is empty (the caller backs off). */
  take(now: number, n = 1): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Milliseconds until n tokens are available. */
  waitMs(n = 1): number {
    return Math.max(1, Math.ceil(((n - this.tokens) * 1000) / this.rate));
  }
}

/**
 * Accept limiter: at most `perAddress` new connections per second from one address and `total` overall.
 * The address table is bounded (cleared each second) so a spray of source addresses cannot grow it.
 */
export class AcceptLimiter {
  private window = 0;
  private count = 0;
  private readonly byAddr = new Map<string, number>();
  constructor(
    private readonly perAddress: number,
    private readonly total: number,
  ) {}

  allow(addr: string, now: number): boolean {
    const w = Math.floor(now / 1000);
    if (w !== this.window) {
      this.window = w;
      this.count = 0;
      this.byAddr.clear();
    }
    if (this.count >= this.total) return false;
    const n = this.byAddr.get(addr) ?? 0;
    if (n >= this.perAddress) return false;
    this.byAddr.set(addr, n + 1);
    this.count++;
    return true;
  }
}
