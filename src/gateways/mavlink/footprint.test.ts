import { describe, expect, it } from 'vitest';
import { computeFootprint, distance, eulerFromQuat, quatFromEuler, rotate } from './footprint.js';

const DEG = Math.PI / 180;

describe('footprint geometry', () => {
  it('a camera pitched straight down looks at the ground below it', () => {
    const q = quatFromEuler(0, -90 * DEG, 0);
    const [n, e, d] = rotate(q, [1, 0, 0]);
    expect(n).toBeCloseTo(0, 9);
    expect(e).toBeCloseTo(0, 9);
    expect(d).toBeCloseTo(1, 9);
  });

  it('yaw 90 turns the boresight east', () => {
    const [n, e] = rotate(quatFromEuler(0, 0, 90 * DEG), [1, 0, 0]);
    expect(n).toBeCloseTo(0, 9);
    expect(e).toBeCloseTo(1, 9);
  });

  it('Euler angles survive a round trip through a quaternion', () => {
    const e = eulerFromQuat(quatFromEuler(5 * DEG, -30 * DEG, 120 * DEG));
    expect(e.roll / DEG).toBeCloseTo(5, 6);
    expect(e.pitch / DEG).toBeCloseTo(-30, 6);
    expect(e.yaw / DEG).toBeCloseTo(120, 6);
  });

  it('an oblique view facing north: the far edge is wider than the near edge and range is the slant', () => {
    const cam = { lat: 54.5, lon: 23.5 };
    const fp = computeFootprint({
      camera: cam,
      heightAboveGround: 100,
      q: quatFromEuler(0, -45 * DEG, 0),
      hfov: 40,
      vfov: 30,
    })!;
    expect(fp.clamped).toBe(false);
    expect(fp.range).toBeCloseTo(100 * Math.SQRT2, 3);
    expect(distance(cam, fp.centre)).toBeCloseTo(100, 0);
    const [tl, tr, br, bl] = fp.corners;
    expect(distance(tl, tr)).toBeGreaterThan(distance(bl, br));
    expect(tl.lat).toBeGreaterThan(bl.lat);
    // Near edge at 45+15 = 60 degrees below horizontal: 100 / tan(60) = 57.7 m ahead.
    const nearN = ((bl.lat + br.lat) / 2 - cam.lat) * DEG * 6_371_008.8;
    expect(nearN).toBeCloseTo(100 / Math.tan(60 * DEG), 0);
  });

  it('rays at or above the horizon are clamped to the maximum range', () => {
    const fp = computeFootprint({
      camera: { lat: 54.5, lon: 23.5 },
      heightAboveGround: 100,
      q: quatFromEuler(0, -5 * DEG, 0),
      hfov: 40,
      vfov: 30,
      maxRange: 3000,
    })!;
    expect(fp.clamped).toBe(true);
    for (const c of fp.corners) expect(distance({ lat: 54.5, lon: 23.5 }, c)).toBeLessThanOrEqual(3001);
  });

  it('refuses unusable geometry', () => {
    const q = quatFromEuler(0, -90 * DEG, 0);
    expect(
      computeFootprint({ camera: { lat: 0, lon: 0 }, heightAboveGround: -5, q, hfov: 60, vfov: 40 }),
    ).toBeUndefined();
    expect(
      computeFootprint({ camera: { lat: 0, lon: 0 }, heightAboveGround: 50, q, hfov: 0, vfov: 40 }),
    ).toBeUndefined();
    expect(
      computeFootprint({
        camera: { lat: 0, lon: 0 },
        heightAboveGround: 50,
        q: [NaN, 0, 0, 0],
        hfov: 60,
        vfov: 40,
      }),
    ).toBeUndefined();
  });
});
