/**
 * Where a simulated unit is at a given scenario time: static, along a route (stop, loop or reverse at the end),
 * patrolling back and forth, or orbiting a point. Pure functions of time, so any speed-up is exact.
 */
import type { Motion } from './scenario.js';

const R = 6_371_008.8;
const DEG = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Position, course (degrees true) and speed (m/s) at one instant. */
export interface Fix extends LatLon {
  course: number;
  speed: number;
}

export function distance(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * DEG;
  const dLon = (b.lon - a.lon) * DEG;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b, degrees true 0..360. */
export function bearing(a: LatLon, b: LatLon): number {
  const y = Math.sin((b.lon - a.lon) * DEG) * Math.cos(b.lat * DEG);
  const x =
    Math.cos(a.lat * DEG) * Math.sin(b.lat * DEG) -
    Math.sin(a.lat * DEG) * Math.cos(b.lat * DEG) * Math.cos((b.lon - a.lon) * DEG);
  return (((Math.atan2(y, x) / DEG) % 360) + 360) % 360;
}

/** The point `dist` metres from `p` on bearing `brg` (flat-earth; fine for the few km a scenario spans). */
export function move(p: LatLon, brg: number, dist: number): LatLon {
  const n = dist * Math.cos(brg * DEG);
  const e = dist * Math.sin(brg * DEG);
  return { lat: p.lat + n / R / DEG, lon: p.lon + e / (R * Math.cos(p.lat * DEG)) / DEG };
}

export function speedOf(m: Motion): number {
  if (m.kind === 'static') return 0;
  return m.speed ?? (m.speedKmh ?? 0) / 3.6;
}

const toLL = ([lat, lon]: [number, number]): LatLon => ({ lat, lon });

/** Position along a polyline at distance d from its start (d clamped to the line). */
function along(points: LatLon[], lengths: number[], d: number): Fix {
  let rest = Math.max(0, d);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    const a = points[i]!;
    const b = points[i + 1]!;
    if (rest <= len || i === lengths.length - 1) {
      const f = len > 0 ? Math.min(1, rest / len) : 1;
      return {
        lat: a.lat + (b.lat - a.lat) * f,
        lon: a.lon + (b.lon - a.lon) * f,
        course: bearing(a, b),
        speed: 0,
      };
    }
    rest -= len;
  }
  const last = points[points.length - 1]!;
  return { ...last, course: 0, speed: 0 };
}

/** A motion compiled once (segment lengths precomputed), then asked for fixes. */
export function compileMotion(m: Motion): (t: number) => Fix {
  if (m.kind === 'static') {
    const p = toLL(m.at);
    return () => ({ ...p, course: 0, speed: 0 });
  }
  const speed = speedOf(m);
  if (m.kind === 'orbit') {
    const c = toLL(m.centre);
    const circumference = 2 * Math.PI * m.radius;
    const dir = m.clockwise ? 1 : -1;
    return (t) => {
      const angle = ((speed * t) / circumference) * 360 * dir;
      const p = move(c, angle, m.radius);
      return { ...p, course: (((angle + 90 * dir) % 360) + 360) % 360, speed };
    };
  }
  const points = m.points.map(toLL);
  const lengths = points.slice(1).map((p, i) => distance(points[i]!, p));
  const total = lengths.reduce((a, b) => a + b, 0);
  const end = m.kind === 'patrol' ? 'reverse' : m.end;
  const reversed = [...points].reverse();
  const revLengths = [...lengths].reverse();
  return (t) => {
    const d = speed * t;
    if (total === 0) return { ...points[0]!, course: 0, speed: 0 };
    if (end === 'stop') {
      const f = along(points, lengths, d);
      return { ...f, speed: d < total ? speed : 0 };
    }
    if (end === 'loop') {
      const f = along(points, lengths, d % total);
      return { ...f, speed };
    }
    const lap = Math.floor(d / total);
    const within = d - lap * total;
    const f = lap % 2 === 0 ? along(points, lengths, within) : along(reversed, revLengths, within);
    return { ...f, speed };
  };
}
