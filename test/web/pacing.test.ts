/** Hand-over pacing of the map (web/src/pacing.ts): short frames between slow repaints, updates within 1 s. */
import { describe, expect, it } from 'vitest';
import { handOverGap } from '../../web/src/pacing.js';

describe('hand-over pacing', () => {
  it('keeps the minimum while repaints are cheap (a GPU)', () => {
    expect(handOverGap(100, 0)).toBe(100);
    expect(handOverGap(100, 8)).toBe(100);
    expect(handOverGap(100, 40)).toBe(100);
  });

  it('leaves 320 ms of short frames between slow repaints, never more than 600 ms', () => {
    expect(handOverGap(100, 100)).toBe(420);
    expect(handOverGap(100, 250)).toBe(570);
    expect(handOverGap(100, 900)).toBe(600);
  });

  it('long frames stay under 5 % at 60 Hz, and an update waits under 1 s, for repaints up to 280 ms', () => {
    for (let repaint = 41; repaint <= 280; repaint += 7) {
      const gap = handOverGap(100, repaint);
      const shortFrames = (gap - repaint) / (1000 / 60);
      expect(1 / (1 + shortFrames)).toBeLessThanOrEqual(0.05);
      expect(gap + repaint).toBeLessThan(1000);
    }
  });
});
