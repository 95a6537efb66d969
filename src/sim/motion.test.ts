import { describe, expect, it } from 'vitest';
import { compileMotion, distance } from './motion.js';

const A: [number, number] = [54.4, 23.2];
const B: [number, number] = [54.41, 23.2]; // 1.11 km north

describe('motion', () => {
  it('route: moves at its speed, heads along the segment, stops at the end', () => {
    const f = compileMotion({ kind: 'route', points: [A, B], end: 'stop', speed: 10 });
    const p = f(50);
    expect(distance({ lat: A[0], lon: A[1] }, p)).toBeCloseTo(500, -1);
    expect(p.course).toBeCloseTo(0, 3);
    expect(p.speed).toBe(10);
    const end = f(1000);
    expect(end.lat).toBeCloseTo(B[0], 9);
    expect(end.speed).toBe(0);
  });

  it('patrol turns back at the end; loop starts again', () => {
    const total = distance({ lat: A[0], lon: A[1] }, { lat: B[0], lon: B[1] });
    const patrol = compileMotion({ kind: 'patrol', points: [A, B], speedKmh: 36 });
    const back = patrol((total + 100) / 10);
    expect(back.course).toBeCloseTo(180, 3);
    expect(distance({ lat: B[0], lon: B[1] }, back)).toBeCloseTo(100, 0);
    const loop = compileMotion({ kind: 'route', points: [A, B], end: 'loop', speed: 10 });
    expect(distance({ lat: A[0], lon: A[1] }, loop((total + 100) / 10))).toBeCloseTo(100, 0);
  });

  it('orbit keeps its radius and flies tangentially', () => {
    const f = compileMotion({ kind: 'orbit', centre: A, radius: 500, clockwise: true, speed: 20 });
    for (const t of [0, 13, 77, 301]) {
      const p = f(t);
      expect(distance({ lat: A[0], lon: A[1] }, p)).toBeCloseTo(500, 0);
    }
    // At t=0 the aircraft is due north of the centre, flying east (clockwise seen from above).
    expect(f(0).course).toBeCloseTo(90, 6);
    const ccw = compileMotion({ kind: 'orbit', centre: A, radius: 500, clockwise: false, speed: 20 });
    expect(ccw(0).course).toBeCloseTo(270, 6);
  });

  it('static stays put', () => {
    const f = compileMotion({ kind: 'static', at: A });
    expect(f(1e6)).toEqual({ lat: A[0], lon: A[1], course: 0, speed: 0 });
  });
});
