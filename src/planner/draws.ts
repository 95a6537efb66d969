/**
 * The random draws every planner Monte Carlo shares (the fielding schedule, days of fire, the benchmark
 * instance): one seedable generator, how a reported quantity is drawn from its range, and how far an assumed
 * figure spreads by its grade.
 */
import type { Figure } from './messy.js';
import type { Grade } from './grade.js';

/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A draw of a reported quantity: ranges uniform between their ends, approximate ±10 %, lower bounds +0-20 %. */
export function drawQuantity(f: Figure, u: number): number {
  switch (f.kind) {
    case 'range':
      return f.value + (f.high! - f.value) * u;
    case 'approx':
      return f.value * (0.9 + 0.2 * u);
    case 'min':
      return f.value * (1 + 0.2 * u);
    case 'uncertain':
      return f.value * (0.8 + 0.4 * u);
    default:
      return f.value;
  }
}

/** Spread of an assumed figure (a line share, a firing rate) by its grade: A ±10 %, B ±25 %, C ±50 %. */
export const GRADE_SPREAD: Record<Grade, number> = { A: 0.1, B: 0.25, C: 0.5 };
