/**
 * ATAK drawings as the browser draws them: the geometry, colours and labels of every drawing ATAK sends (circle,
 * ellipse, rectangle, free form and polygon, telestration, geo-fence, route, range-and-bearing line and circle,
 * bullseye), computed once per event by the hub's `json` encoder and by the REST picture. ATAK puts some of them
 * (routes, telestrations) at `point 0,0`: their place is their vertices, never the event point.
 */
import type { Event } from '../../model/event.js';
import type { WebShape } from './protocol.js';

/** CoT colours are signed 32-bit ARGB integers: -16711936 = opaque green. */
export function argbToCss(v: number): string {
  const u = v >>> 0;
  const a = ((u >>> 24) & 255) / 255;
  return `rgba(${(u >>> 16) & 255},${(u >>> 8) & 255},${u & 255},${+a.toFixed(3)})`;
}

function element(e: Event, name: string): string | undefined {
  return e.detail.elements.find((x) => x.name === name)?.xml;
}

function attr(xml: string | undefined, name: string): string | undefined {
  if (!xml) return undefined;
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** `<strokeColor value>`, `<fillColor value>`, `<color argb|value>` as CSS. */
export function colourOf(e: Event, name: string): string | undefined {
  const xml = element(e, name);
  const v = num(attr(xml, 'value') ?? attr(xml, 'argb'));
  return v === undefined ? undefined : argbToCss(v);
}

/** `labels_on` (any capitalisation); ATAK shows a drawing's name unless it is false. */
export function labelsOn(e: Event): boolean {
  return attr(element(e, 'labels_on'), 'value')?.toLowerCase() !== 'false';
}

const EARTH = 6_371_008.8;
const RAD = Math.PI / 180;

/** The point `dist` metres from [lon, lat] along `bearing` degrees true (great circle). */
export function destination(lon: number, lat: number, bearing: number, dist: number): [number, number] {
  const d = dist / EARTH;
  const b = bearing * RAD;
  const p1 = lat * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 =
    lon * RAD +
    Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [round(((l2 / RAD + 540) % 360) - 180), round(p2 / RAD)];
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;

/** A ring of `n` vertices (closed) of an ellipse with semi-axes `a` (along `angle`) and `b`, in metres. */
export function ellipseRing(
  lon: number,
  lat: number,
  a: number,
  b: number,
  angle: number,
  n = 64,
): [number, number][] {
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    // Offsets in the ellipse's frame, rotated by `angle` (degrees clockwise from north for the major axis).
    const x = a * Math.sin(t);
    const y = b * Math.cos(t);
    const r = Math.hypot(x, y);
    const brg = (Math.atan2(x, y) / RAD + angle + 360) % 360;
    ring.push(destination(lon, lat, brg, r));
  }
  ring.push(ring[0]!);
  return ring;
}

/** `lat,lon[,hae]` -> [lon, lat], or undefined when it is not two finite numbers. */
function latLon(s: string | undefined): [number, number] | undefined {
  const p = s?.split(',').map(Number);
  if (!p || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return undefined;
  return [p[1]!, p[0]!];
}

/** Vertices of `<link point>` elements (free forms, rectangles, polygons, routes). */
function linkPoints(e: Event): { at: [number, number]; name?: string; type?: string }[] {
  const out: { at: [number, number]; name?: string; type?: string }[] = [];
  for (const l of e.detail.links ?? []) {
    const at = latLon(l.point);
    if (at) out.push({ at, name: l.callsign || undefined, type: l.type });
  }
  return out;
}

/** ATAK telestration (`u-d-f-m`): each `<link line>` holds a whole `u-d-f` event whose links are one stroke. */
function telestrationLines(e: Event): [number, number][][] {
  const lines: [number, number][][] = [];
  for (const l of e.detail.links ?? []) {
    if (!l.line) continue;
    const line: [number, number][] = [];
    for (const m of l.line.matchAll(/\bpoint\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const at = latLon(m[1] ?? m[2]);
      if (at) line.push(at);
    }
    // The embedded event's own `<point>` has lat/lon attributes, not `point`: only link vertices are read.
    if (line.length >= 2) lines.push(line);
  }
  return lines;
}

function closedRing(c: [number, number][]): [number, number][] {
  const [f, l] = [c[0]!, c[c.length - 1]!];
  return f[0] === l[0] && f[1] === l[1] ? c : [...c, f];
}

function isClosed(c: [number, number][]): boolean {
  const [f, l] = [c[0]!, c[c.length - 1]!];
  return c.length > 3 && f[0] === l[0] && f[1] === l[1];
}

/** The drawing an event describes, or undefined when it is not one (then it draws as a symbol). */
export function shapeOf(e: Event): WebShape | undefined {
  const t = e.type;
  const { lon, lat } = e.point;
  let shape: WebShape | undefined;
  const ellipse = attr(element(e, 'shape'), 'major') !== undefined ? element(e, 'shape') : undefined;
  if (t === 'u-rb-a') {
    const range = num(attr(element(e, 'range'), 'value'));
    const bearing = num(attr(element(e, 'bearing'), 'value'));
    if (range === undefined || bearing === undefined) return undefined;
    // bearingUnits 0 = degrees, 1 = mils; northRef 0 = true, 1 = magnetic (the line is drawn as sent).
    const deg = attr(element(e, 'bearingUnits'), 'value') === '1' ? (bearing * 360) / 6400 : bearing;
    shape = {
      kind: 'rb-line',
      coordinates: [[lon, lat], destination(lon, lat, deg, range)],
      closed: false,
      range,
      bearing: deg,
    };
  } else if (t === 'u-r-b-bullseye') {
    shape = bullseye(e);
  } else if (ellipse) {
    const major = num(attr(ellipse, 'major')) ?? 0;
    const minor = num(attr(ellipse, 'minor')) ?? major;
    const angle = num(attr(ellipse, 'angle')) ?? 0;
    if (!(major > 0)) return undefined;
    const kind = t === 'u-r-b-c-c' ? 'rb-circle' : major === minor ? 'circle' : 'ellipse';
    shape = { kind, coordinates: ellipseRing(lon, lat, major, minor, angle), closed: true, range: major };
  } else if (t === 'u-d-f-m') {
    const lines = telestrationLines(e);
    if (!lines.length) return undefined;
    shape = { kind: 'telestration', coordinates: lines[0]!, lines, closed: false };
  } else {
    const pts = linkPoints(e);
    if (pts.length < 2) return undefined;
    const coordinates = pts.map((p) => p.at);
    if (t === 'b-m-r') {
      shape = { kind: 'route', coordinates, closed: false };
      const waypoints = pts.filter((p) => p.name).map((p) => ({ name: p.name!, at: p.at }));
      if (waypoints.length) shape.waypoints = waypoints;
    } else if (t === 'u-d-r') {
      // ATAK sends a rectangle's four corners; it is always drawn closed and filled.
      shape = { kind: 'rectangle', coordinates: closedRing(coordinates), closed: true };
    } else {
      const closed = isClosed(coordinates);
      shape = { kind: closed ? 'polygon' : 'line', coordinates, closed };
    }
  }
  if (!shape) return undefined;
  if (element(e, '__geofence')) shape.geofence = true;
  const stroke = colourOf(e, 'strokeColor') ?? (t === 'b-m-r' ? routeColour(e) : undefined);
  const fill = colourOf(e, 'fillColor');
  const width = num(attr(element(e, 'strokeWeight'), 'value'));
  if (stroke) shape.stroke = stroke;
  if (fill) shape.fill = fill;
  if (width !== undefined && width > 0) shape.width = Math.min(width, 12);
  if (!labelsOn(e)) shape.labels = false;
  return shape;
}

function routeColour(e: Event): string | undefined {
  const v = num(attr(element(e, 'link_attr'), 'color'));
  return v === undefined ? undefined : argbToCss(v);
}

/** Bullseye: the outer ring at `distance`, range rings every `ringDist` when shown, and twelve 30° spokes. */
function bullseye(e: Event): WebShape | undefined {
  const b = element(e, 'bullseye');
  const { lon, lat } = e.point;
  let dist = num(attr(b, 'distance'));
  if (dist === undefined || !(dist > 0)) return undefined;
  if (attr(b, 'distanceUnits') === 'ft') dist *= 0.3048;
  const lines: [number, number][][] = [];
  const ring = ellipseRing(lon, lat, dist, dist, 0);
  lines.push(ring);
  const step = num(attr(b, 'ringDist'));
  if (attr(b, 'rangeRingVisible') === 'true' && step && step > 0 && dist / step <= 20)
    for (let r = step; r < dist - 1e-6; r += step) lines.push(ellipseRing(lon, lat, r, r, 0));
  for (let brg = 0; brg < 360; brg += 30) lines.push([[lon, lat], destination(lon, lat, brg, dist)]);
  return { kind: 'bullseye', coordinates: ring, lines, closed: false, range: dist };
}

/** [west, south, east, north] of a shape's vertices. */
export function shapeBounds(s: WebShape): [number, number, number, number] {
  let [w, so, ea, n] = [180, 90, -180, -90];
  for (const line of s.lines ?? [s.coordinates])
    for (const [x, y] of line) {
      w = Math.min(w, x);
      ea = Math.max(ea, x);
      so = Math.min(so, y);
      n = Math.max(n, y);
    }
  return [w, so, ea, n];
}

/** Where a drawing's name goes and where "go to" takes the user: the middle of its vertices' bounds. */
export function shapeAnchor(s: WebShape, point: [number, number]): [number, number] {
  if (s.kind === 'rb-line') return s.coordinates[0]!;
  if (s.kind === 'circle' || s.kind === 'ellipse' || s.kind === 'rb-circle' || s.kind === 'bullseye')
    return point;
  const [w, so, ea, n] = shapeBounds(s);
  return [round((w + ea) / 2), round((so + n) / 2)];
}

/** True for types that may be drawings whose event point is not their place (REST bbox). */
export function mayBeDrawing(type: string): boolean {
  return type.startsWith('u-') || type === 'b-m-r';
}
