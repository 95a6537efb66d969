/**
 * Wright's learning curve: the n-th unit of a production run costs C₁ · n^b with b = log₂(r), r the learning rate
 * (0.9 = each doubling of cumulative output cuts unit cost to 90 %). Separate national lots each run from the
 * line's position (unit priorUnits + 1: a warm line has built hundreds already, a new line none); a pooled lot
 * runs down the curve once from there. All parameters are explicit and editable.
 */

export interface LearningParams {
  /** Learning rate r in (0, 1]; 1 means no learning. Defence vehicles typically 0.85-0.95. */
  learningRate: number;
  /** Cost of the first unit (€ million); when unknown, savings are reported as a share only. */
  firstUnitCost?: number;
  /**
   * Units the line has already built (a warm line): every lot, national or pooled, starts at unit priorUnits + 1,
   * so most of the learning is already spent. 0 = a new line.
   */
  priorUnits?: number;
}

/** Σ_{n=1..q} n^b: exact up to 100 000 units, then the integral approximation (error < 0.01 %). */
export function cumulativeFactor(q: number, learningRate: number): number {
  const n = Math.max(0, Math.round(q));
  if (n === 0) return 0;
  const b = Math.log2(learningRate);
  if (n <= 100_000) {
    let s = 0;
    for (let i = 1; i <= n; i++) s += Math.pow(i, b);
    return s;
  }
  // ∫_{0.5}^{n+0.5} x^b dx, the midpoint approximation of the sum.
  return b === -1 ? Math.log((n + 0.5) / 0.5) : (Math.pow(n + 0.5, b + 1) - Math.pow(0.5, b + 1)) / (b + 1);
}

/** Σ_{n=N0+1..N0+q} n^b: the cost of a lot of q units after N0 earlier ones, in units of C₁. */
export function lotFactor(q: number, learningRate: number, priorUnits = 0): number {
  return cumulativeFactor(priorUnits + q, learningRate) - cumulativeFactor(priorUnits, learningRate);
}

/** First-unit cost implied by an average unit cost `avg` over a lot of `q` units after `priorUnits` earlier ones. */
export function firstUnitFromAverage(avg: number, q: number, learningRate: number, priorUnits = 0): number {
  const f = lotFactor(q, learningRate, priorUnits);
  return f > 0 ? (avg * Math.round(q)) / f : avg;
}

export interface PoolingSavings {
  learningRate: number;
  exponent: number;
  lots: number[];
  /** Units the line had built before these lots (0 = a new line). */
  priorUnits: number;
  /** Σ cost of the national lots and cost of one pooled lot, in units of C₁ (multiply by C₁ for money). */
  nationalFactor: number;
  pooledFactor: number;
  /** 1 − pooled / national: independent of C₁. */
  savingShare: number;
  /** € million, only when a first-unit cost is known. */
  nationalCost?: number;
  pooledCost?: number;
  saving?: number;
}

/** Savings from buying `lots` as one pooled run instead of separate national runs. */
export function poolingSavings(lots: number[], p: LearningParams): PoolingSavings {
  if (!(p.learningRate > 0 && p.learningRate <= 1)) throw new RangeError('learning rate must be in (0, 1]');
  const n0 = Math.max(0, Math.round(p.priorUnits ?? 0));
  const nationalFactor = lots.reduce((a, q) => a + lotFactor(q, p.learningRate, n0), 0);
  const pooledFactor = lotFactor(
    lots.reduce((a, q) => a + q, 0),
    p.learningRate,
    n0,
  );
  const out: PoolingSavings = {
    learningRate: p.learningRate,
    exponent: Math.log2(p.learningRate),
    lots,
    priorUnits: n0,
    nationalFactor,
    pooledFactor,
    savingShare: nationalFactor > 0 ? 1 - pooledFactor / nationalFactor : 0,
  };
  if (p.firstUnitCost !== undefined) {
    out.nationalCost = nationalFactor * p.firstUnitCost;
    out.pooledCost = pooledFactor * p.firstUnitCost;
    out.saving = out.nationalCost - out.pooledCost;
  }
  return out;
}
