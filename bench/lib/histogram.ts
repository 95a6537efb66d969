/**
 * Latency histogram with fixed memory: log-linear buckets over microseconds (64 sub-buckets per power of two, so a
 * reported percentile is within ~1.6 % of the true value). Fixed size so a generator recording a million samples a
 * second allocates nothing, and mergeable so several generator processes can be combined.
 */

const SUB = 64;
const SUB_BITS = 6;
/** Largest recordable value: 2^31 µs (~36 min); larger samples are clamped and counted in `clamped`. */
const MAX_US = 2 ** 31 - 1;
const BUCKETS = (31 - SUB_BITS) * SUB + 2 * SUB;

function indexOf(us: number): number {
  if (us < 2 * SUB) return us;
  const msb = 31 - Math.clz32(us);
  const shift = msb - SUB_BITS;
  return shift * SUB + (us >>> shift);
}

/** Lower and upper bound (µs) of bucket `i`. */
function bounds(i: number): [number, number] {
  if (i < 2 * SUB) return [i, i + 1];
  const shift = Math.floor(i / SUB) - 1;
  const mant = i - shift * SUB;
  return [mant * 2 ** shift, (mant + 1) * 2 ** shift];
}

/** Serialisable form: sparse [bucket, count] pairs. */
export interface HistogramData {
  buckets: [number, number][];
  count: number;
  sumUs: number;
  minUs: number;
  maxUs: number;
  clamped: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  sumUs = 0;
  minUs = Infinity;
  maxUs = 0;
  clamped = 0;

  /** Record one latency in milliseconds (fractions allowed; negative clock skew is recorded as 0). */
  recordMs(ms: number): void {
    let us = Math.round(ms * 1000);
    if (!(us >= 0)) us = 0;
    if (us > MAX_US) {
      us = MAX_US;
      this.clamped++;
    }
    this.counts[indexOf(us)]!++;
    this.count++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Value (ms) below which `p` percent of the samples fall; NaN when empty. Bucket midpoint, clamped to max. */
  percentileMs(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [lo, hi] = bounds(i);
        return Math.min((lo + hi) / 2, this.maxUs) / 1000;
      }
    }
    return this.maxUs / 1000;
  }

  meanMs(): number {
    return this.count === 0 ? NaN : this.sumUs / this.count / 1000;
  }

  merge(other: Histogram | HistogramData): void {
    const data = other instanceof Histogram ? other.toJSON() : other;
    for (const [i, c] of data.buckets) {
      if (i >= 0 && i < BUCKETS) this.counts[i]! += c;
    }
    this.count += data.count;
    this.sumUs += data.sumUs;
    this.clamped += data.clamped;
    if (data.count > 0) {
      this.minUs = Math.min(this.minUs, data.minUs);
      this.maxUs = Math.max(this.maxUs, data.maxUs);
    }
  }

  toJSON(): HistogramData {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    return {
      buckets,
      count: this.count,
      sumUs: this.sumUs,
      minUs: this.count ? this.minUs : 0,
      maxUs: this.maxUs,
      clamped: this.clamped,
    };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}
