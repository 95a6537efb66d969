/** Token bucket: per-connection event rate (accept budgets are in ops/admission.ts). */

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

  /** Whether the bucket has refilled by `now`: a fresh bucket would behave the same, so it may be forgotten. */
  idle(now: number): boolean {
    return this.tokens + ((now - this.last) * this.rate) / 1000 >= this.burst;
  }

  /** Milliseconds until n tokens are available. */
  waitMs(n = 1): number {
    return Math.max(1, Math.ceil(((n - this.tokens) * 1000) / this.rate));
  }
}
