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

  /** Milliseconds until n tokens are available. */
  waitMs(n = 1): number {
    return Math.max(1, Math.ceil(((n - this.tokens) * 1000) / this.rate));
  }
}
