/**
 * How often the map takes changes from the live link. Every hand-over costs one repaint; with software WebGL a
 * repaint is one long frame (100-300 ms on a 2-core machine without a GPU, docs/cop.md), so the page spaces them
 * out when it measures repaints that slow, and keeps every update visible within a second.
 */
/** A repaint slower than this (ms) makes its frame long: hand-overs are then spaced out (handOverGap). */
const SLOW_REPAINT_MS = 40;
/** Short frames wanted between two slow repaints: at 60 Hz, 320 ms of them keeps long frames under 5 %. */
const QUIET_MS = 320;
/** Never wait longer than this between hand-overs: waiting plus one repaint must stay well inside 1 s. */
const MAX_GAP_MS = 600;

/**
 * Time between two hand-overs (each one costs a repaint) for a measured repaint cost: `min` while repaints are
 * cheap (a GPU), else enough quiet frames in between that long frames stay under 5 % of all frames, capped so that
 * an update waits at most MAX_GAP_MS plus one repaint before it is drawn.
 */
export function handOverGap(min: number, repaintMs: number): number {
  if (repaintMs <= SLOW_REPAINT_MS) return min;
  return Math.max(min, Math.min(MAX_GAP_MS, repaintMs + QUIET_MS));
}
